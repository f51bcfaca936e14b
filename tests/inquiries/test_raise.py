"""Raising an inquiry from the form: the MSL attests the request was unsolicited, it cannot
lie in the future, the KOL signs where the policy says so, a signature locks what it vouches
for, an inquiry raised from a meeting is linked to it, and a possible adverse event takes
the safety path in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inquiries import services
from inquiries.models import InquiryPolicy, MedicalInquiry
from tests.factories import InteractionFactory, KOLFactory, MedicalInquiryFactory
from tests.inquiries.workflow import PNG_BYTES, PNG_DATA_URL, raise_inquiry
from tests.kols.pages import text

pytestmark = pytest.mark.django_db

QUESTION = "Is there any data on dosing in moderate renal impairment?"


def form_data(kol, **changes):
    data = {
        "kol": kol.pk,
        "question": QUESTION,
        "product": "",
        "topic": "",
        "response_channel": "email",
        "urgency": "standard",
        "requested_by": "Dr Maria Alvarez, oncologist",
        "requested_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "request_setting": "one_to_one",
        "unsolicited_attested": "on",
        "signature": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def signature_required(db):
    policy = InquiryPolicy.current()
    policy.signature_required = True
    policy.save()
    return policy


def test_an_msl_raises_an_inquiry_and_lands_on_it(client, msl, kol):
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol), follow=True)

    inquiry = MedicalInquiry.objects.get()
    assert response.redirect_chain[-1][0] == f"/inquiries/{inquiry.pk}/"
    assert (inquiry.raised_by, inquiry.kol, inquiry.question) == (msl, kol, QUESTION)
    assert inquiry.unsolicited_attested
    assert not inquiry.is_signed
    assert f"Inquiry #{inquiry.pk} raised; Medical Information answers by" in text(response)


def test_without_the_attestation_nothing_is_saved(client, msl, kol):
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol, unsolicited_attested=None))

    assert response.status_code == 200
    assert "Attest that the KOL asked unprompted" in text(response)
    assert not MedicalInquiry.objects.exists()


def test_a_request_in_the_future_is_refused(client, msl, kol):
    later = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol, requested_at=later))

    assert "The request cannot have been made in the future." in text(response)
    assert not MedicalInquiry.objects.exists()


def test_a_kol_outside_the_msls_territories_cannot_be_chosen(client, msl, organisation):
    foreign = KOLFactory(territory=organisation["bay_area"])
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(foreign))

    assert "Select a valid choice" in text(response)
    assert not MedicalInquiry.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "medinfo", "compliance_user"])
def test_only_msls_raise_inquiries(client, request, kol, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/inquiries/new/").status_code == 403
    assert client.post("/inquiries/new/", form_data(kol)).status_code == 403
    assert not MedicalInquiry.objects.exists()


# --- the KOL's signature ---------------------------------------------------------------


def test_a_missing_signature_is_refused_when_the_policy_requires_one(
    client, msl, kol, signature_required
):
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol))

    assert "signature is required" in text(response)
    assert not MedicalInquiry.objects.exists()


def test_a_signature_is_stored_with_the_time_it_was_given(client, msl, kol, signature_required):
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol, signature=PNG_DATA_URL))

    assert response.status_code == 302
    inquiry = MedicalInquiry.objects.get()
    assert bytes(inquiry.signature_png) == PNG_BYTES
    assert inquiry.signed_at is not None
    assert abs(inquiry.signed_at - timezone.now()) < dt.timedelta(minutes=1)


def test_without_the_policy_a_signature_is_optional(client, msl, kol):
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol))

    assert response.status_code == 302
    assert not MedicalInquiry.objects.get().is_signed


@pytest.mark.parametrize(
    "garbage",
    [
        "data:image/png;base64,this is not base64!",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "data:image/png;base64,R0lGODlhAQABAAAAACw=",  # base64 all right, but not a PNG
        "javascript:alert(1)",
    ],
    ids=["bad-base64", "not-a-png-url", "not-png-bytes", "not-a-data-url"],
)
def test_an_unreadable_signature_gets_a_clear_error(client, msl, kol, garbage):
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol, signature=garbage))

    assert response.status_code == 200
    assert "The signature could not be read; clear it and sign again." in text(response)
    assert not MedicalInquiry.objects.exists()


def test_an_oversized_signature_is_refused(msl, kol):
    huge = PNG_BYTES + b"\0" * services.MAX_SIGNATURE_BYTES

    with pytest.raises(ValidationError) as refused:
        raise_inquiry(msl, kol, signature_png=huge)

    assert "too large" in str(refused.value.message_dict["signature"])
    assert not MedicalInquiry.objects.exists()


# --- correcting an inquiry -------------------------------------------------------------


def edit_data(inquiry, **changes):
    data = {
        "kol": inquiry.kol_id,
        "question": inquiry.question,
        "product": "",
        "topic": "",
        "response_channel": inquiry.response_channel,
        "urgency": inquiry.urgency,
        "requested_by": inquiry.requested_by,
        "requested_at": timezone.localtime(inquiry.requested_at).strftime("%Y-%m-%dT%H:%M"),
        "request_setting": inquiry.request_setting,
    }
    data.update(changes)
    return data


def test_an_unsigned_inquiry_is_corrected_by_its_raiser(client, msl, inquiry):
    client.force_login(msl)

    response = client.post(
        f"/inquiries/{inquiry.pk}/edit/", edit_data(inquiry, question="Corrected question")
    )

    assert response.status_code == 302
    assert MedicalInquiry.objects.get(pk=inquiry.pk).question == "Corrected question"


def test_a_signed_inquiry_keeps_what_the_kol_signed_for(client, msl, kol, organisation):
    signed = MedicalInquiryFactory(
        raised_by=msl,
        kol=kol,
        question=QUESTION,
        response_channel="email",
        signature_png=PNG_BYTES,
        signed_at=timezone.now(),
    )
    other_kol = KOLFactory(territory=organisation["boston"])
    client.force_login(msl)

    response = client.post(
        f"/inquiries/{signed.pk}/edit/",
        edit_data(
            signed,
            question="A different question",
            kol=other_kol.pk,
            response_channel="letter",
            urgency="urgent",
            requested_by="Dr Alvarez in person",
        ),
    )

    assert response.status_code == 302
    stored = MedicalInquiry.objects.get(pk=signed.pk)
    assert (stored.question, stored.kol, stored.response_channel) == (QUESTION, kol, "email")
    assert stored.urgency == "urgent", "what the signature does not cover still changes"
    assert stored.requested_by == "Dr Alvarez in person"


def test_the_edit_form_shows_the_signed_fields_as_locked(client, msl, kol):
    signed = MedicalInquiryFactory(
        raised_by=msl, kol=kol, signature_png=PNG_BYTES, signed_at=timezone.now()
    )
    client.force_login(msl)

    page = text(client.get(f"/inquiries/{signed.pk}/edit/"))

    assert page.count("Signed by the KOL; it no longer changes.") == 3


def test_the_service_refuses_to_change_a_signed_question(msl, kol):
    signed = MedicalInquiryFactory(
        raised_by=msl, kol=kol, signature_png=PNG_BYTES, signed_at=timezone.now()
    )

    with pytest.raises(ValidationError, match="The KOL signed this inquiry"):
        services.inquiry_update(actor=msl, inquiry=signed, question="Sneaky rewrite")

    assert MedicalInquiry.objects.get(pk=signed.pk).question == signed.question


def test_only_the_raiser_corrects_an_inquiry(client, medinfo, inquiry):
    client.force_login(medinfo)

    response = client.post(f"/inquiries/{inquiry.pk}/edit/", edit_data(inquiry, question="X"))

    assert response.status_code == 403
    assert MedicalInquiry.objects.get(pk=inquiry.pk).question == inquiry.question


def test_an_inquiry_being_worked_on_is_no_longer_corrected(client, msl, medinfo, inquiry):
    services.inquiry_assign(actor=medinfo, inquiry=inquiry, assignee=medinfo)
    client.force_login(msl)

    response = client.post(f"/inquiries/{inquiry.pk}/edit/", edit_data(inquiry, question="X"))

    assert "Medical Information is working on this inquiry" in text(response)
    assert MedicalInquiry.objects.get(pk=inquiry.pk).question == inquiry.question


# --- raised from an interaction --------------------------------------------------------


def test_an_inquiry_raised_from_an_interaction_is_linked_to_it(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    form = client.get(f"/inquiries/new/?interaction={interaction.pk}")
    response = client.post(f"/inquiries/new/?interaction={interaction.pk}", form_data(kol))

    assert form.status_code == 200
    assert f'<option value="{kol.pk}" selected>' in form.content.decode(), "the attendee"
    assert response.status_code == 302
    assert MedicalInquiry.objects.get().interaction == interaction


def test_another_msls_interaction_cannot_be_the_source(client, msl, msl2, kol, organisation):
    theirs = InteractionFactory(owner=msl2, kols=[KOLFactory(territory=organisation["bay_area"])])
    client.force_login(msl)

    assert client.get(f"/inquiries/new/?interaction={theirs.pk}").status_code == 404
    response = client.post(f"/inquiries/new/?interaction={theirs.pk}", form_data(kol))

    assert response.status_code == 404
    assert not MedicalInquiry.objects.exists()


# --- the safety path -------------------------------------------------------------------


@pytest.fixture
def adverse_event_hook():
    """A stand-in for the compliance engine's safety path, recording what it was given and
    whether the inquiry was already written when it ran."""
    calls = []

    def hook(inquiry):
        calls.append((inquiry.pk, MedicalInquiry.objects.filter(pk=inquiry.pk).exists()))

    services.ADVERSE_EVENT_HOOKS.append(hook)
    try:
        yield calls
    finally:
        services.ADVERSE_EVENT_HOOKS.remove(hook)


def test_an_adverse_event_takes_the_safety_path(client, msl, kol, adverse_event_hook):
    client.force_login(msl)

    response = client.post(
        "/inquiries/new/", form_data(kol, adverse_event_mentioned="on"), follow=True
    )

    inquiry = MedicalInquiry.objects.get()
    assert adverse_event_hook == [(inquiry.pk, True)]
    assert "report it to drug safety today" in text(response)


def test_without_an_adverse_event_the_hooks_stay_quiet(client, msl, kol, adverse_event_hook):
    client.force_login(msl)

    response = client.post("/inquiries/new/", form_data(kol), follow=True)

    assert adverse_event_hook == []
    assert "drug safety" not in text(response)


def test_a_failing_safety_hook_undoes_the_inquiry(msl, kol):
    # Inside the transaction: if the safety path cannot take the case, no inquiry exists
    # that claims it did.
    def broken_hook(inquiry):
        raise RuntimeError("safety system unavailable")

    services.ADVERSE_EVENT_HOOKS.append(broken_hook)
    try:
        with pytest.raises(RuntimeError):
            raise_inquiry(msl, kol, adverse_event_mentioned=True)
    finally:
        services.ADVERSE_EVENT_HOOKS.remove(broken_hook)

    assert not MedicalInquiry.objects.exists()
