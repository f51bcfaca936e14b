"""Who sees which inquiry, and how much of it: the raising MSL, Medical Information and
compliance read everything; the raiser's manager learns an off-label inquiry exists and its
status, not what was asked or of whom; other MSLs and viewers see nothing."""

import pytest
from django.utils import timezone

from inquiries.models import InquiryStatus, MedicalInquiry
from tests.factories import KOLFactory, MedicalInquiryFactory
from tests.inquiries.workflow import PNG_BYTES, bring_to

pytestmark = pytest.mark.django_db

S = InquiryStatus
QUESTION = "Can it be combined with radiotherapy in the adjuvant setting?"


@pytest.fixture
def off_label(msl, kol, medinfo, medinfo2):
    inquiry = MedicalInquiryFactory(
        raised_by=msl,
        kol=kol,
        question=QUESTION,
        off_label=True,
        signature_png=PNG_BYTES,
        signed_at=timezone.now(),
    )
    return bring_to(inquiry, S.IN_REVIEW, author=medinfo, reviewer=medinfo2)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("msl", 200),
        ("msl2", 404),
        ("manager", 200),
        ("medinfo", 200),
        ("compliance_user", 200),
        ("viewer", 404),
    ],
)
def test_who_may_open_an_inquiry(client, request, inquiry, persona, status):
    response = get(client, request.getfixturevalue(persona), f"/inquiries/{inquiry.pk}/")

    assert response.status_code == status


@pytest.mark.parametrize("persona", ["msl", "medinfo", "compliance_user"])
def test_the_raiser_medical_information_and_compliance_read_an_off_label_question(
    client, request, off_label, persona
):
    page = get(client, request.getfixturevalue(persona), f"/inquiries/{off_label.pk}/")

    assert page.status_code == 200
    assert QUESTION in page.content.decode()
    assert "Maria Alvarez" in page.content.decode()


def test_the_manager_sees_an_off_label_inquiry_exists_but_not_its_content(
    client, manager, off_label
):
    response = get(client, manager, f"/inquiries/{off_label.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Response in review" in page
    assert QUESTION not in page
    assert "Maria Alvarez" not in page
    assert "Custom answer text." not in page
    assert "visible only to the MSL who raised it" in page
    assert f"/inquiries/{off_label.pk}/signature.png" not in page


def test_the_manager_reads_an_on_label_inquiry_of_the_team(client, manager, inquiry):
    page = get(client, manager, f"/inquiries/{inquiry.pk}/").content.decode()

    assert inquiry.question in page
    assert "Maria Alvarez" in page


def test_a_manager_does_not_see_another_teams_inquiries(client, msl2, organisation):
    inquiry = MedicalInquiryFactory(raised_by=msl2)
    manager = organisation["oncology"].manager

    assert get(client, manager, f"/inquiries/{inquiry.pk}/").status_code == 404


def test_a_viewer_may_not_open_the_inquiries_section(client, viewer):
    assert get(client, viewer, "/inquiries/").status_code == 403


def test_the_list_hides_off_label_content_from_the_manager(client, manager, off_label, inquiry):
    page = get(client, manager, "/inquiries/").content.decode()

    assert f'href="/inquiries/{off_label.pk}/"' in page
    assert "Off-label: content restricted" in page
    assert QUESTION not in page
    assert inquiry.question in page, "on-label questions of the team stay readable"


def test_the_list_shows_the_raiser_their_off_label_question(client, msl, off_label):
    page = get(client, msl, "/inquiries/").content.decode()

    assert QUESTION in page
    assert "content restricted" not in page


def test_an_msl_lists_only_their_own_inquiries(client, msl2, inquiry, organisation):
    theirs = MedicalInquiryFactory(
        raised_by=msl2, kol=KOLFactory(territory=organisation["bay_area"])
    )

    page = get(client, msl2, "/inquiries/").content.decode()

    assert f'href="/inquiries/{theirs.pk}/"' in page
    assert f'href="/inquiries/{inquiry.pk}/"' not in page


def test_the_signature_is_withheld_from_the_manager_of_an_off_label_inquiry(
    client, manager, off_label
):
    assert get(client, manager, f"/inquiries/{off_label.pk}/signature.png").status_code == 404


@pytest.mark.parametrize("persona", ["msl", "medinfo"])
def test_the_signature_image_is_served_to_who_may_read_the_content(
    client, request, off_label, persona
):
    response = get(
        client, request.getfixturevalue(persona), f"/inquiries/{off_label.pk}/signature.png"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == PNG_BYTES


def test_an_unsigned_inquiry_has_no_signature_image(client, msl, inquiry):
    assert get(client, msl, f"/inquiries/{inquiry.pk}/signature.png").status_code == 404


def test_the_kol_briefing_lists_the_msls_open_inquiries(client, msl, msl2, kol, inquiry):
    # Another MSL's inquiry for the same KOL belongs to that MSL's records, not this one's.
    hidden = MedicalInquiryFactory(raised_by=msl2, kol=kol, question="Someone else's question")

    page = get(client, msl, f"/kols/{kol.pk}/").content.decode()

    assert f'href="/inquiries/{inquiry.pk}/"' in page
    assert inquiry.question in page
    assert f'href="/inquiries/{hidden.pk}/"' not in page


def test_the_kol_briefing_does_not_tie_an_off_label_inquiry_to_its_kol_for_the_manager(
    client, manager, msl, off_label
):
    """Even "restricted" would tell the manager whom the off-label question was about."""
    as_manager = get(client, manager, f"/kols/{off_label.kol_id}/").content.decode()
    as_raiser = get(client, msl, f"/kols/{off_label.kol_id}/").content.decode()

    assert f'href="/inquiries/{off_label.pk}/"' not in as_manager
    assert QUESTION not in as_manager
    assert f'href="/inquiries/{off_label.pk}/"' in as_raiser


def test_a_cancelled_inquiry_stays_readable_by_its_raiser(client, msl, inquiry):
    MedicalInquiry.objects.filter(pk=inquiry.pk).update(status=S.CANCELLED)

    page = get(client, msl, f"/inquiries/{inquiry.pk}/").content.decode()

    assert "Cancelled" in page
    assert inquiry.question in page


def test_the_follow_up_of_an_off_label_answer_names_no_kol(
    client, manager, msl, kol, off_label, medinfo, medinfo2
):
    from inquiries import services
    from interactions.models import FollowUp

    services.response_review(
        actor=medinfo2, response=off_label.responses.get(review="pending"), approve=True
    )
    services.inquiry_deliver(
        actor=medinfo,
        inquiry=off_label,
        channel="email",
        delivered_on=timezone.localdate(),
        delivered_to="The KOL",
    )

    follow_up = FollowUp.objects.get(inquiry=off_label)
    assert follow_up.owner == msl
    assert follow_up.kol is None
    assert kol.display_name not in follow_up.description
    briefing = get(client, manager, f"/kols/{kol.pk}/").content.decode()
    assert f"inquiry #{off_label.pk}" not in briefing
