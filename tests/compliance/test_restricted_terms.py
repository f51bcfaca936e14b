"""Restricted terms on the real pages: a blocking term refuses the save and says why, what to
write instead and which words; a warning asks for an acknowledgement; every hit is recorded
as a violation, saved or not. The rules read the interaction notes, insights, inquiry
questions and custom responses, each only where the admin said so; an adverse-event term
asks the MSL to report or confirm."""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.roles import Role
from compliance.models import (
    CheckedText,
    SafetyReport,
    Severity,
    TermPurpose,
    Violation,
    ViolationOutcome,
)
from inquiries.models import InquiryResponse, InquiryStatus, MedicalInquiry
from interactions.models import Insight, Interaction, InteractionStatus
from tests.compliance.pages import (
    acknowledge_checkbox_shown,
    inquiry_data,
    insight_data,
    log_data,
    submit,
)
from tests.factories import (
    InsightTopicFactory,
    InteractionFactory,
    KOLFactory,
    RestrictedTermFactory,
    UserFactory,
)
from tests.inquiries.workflow import bring_to, raise_inquiry

pytestmark = pytest.mark.django_db

EXPLANATION = "Claims of a cure are promotional and not supported by the label."
SUGGESTION = "was associated with longer remission in the pivotal trial"


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"], last_name="Alvarez")


@pytest.fixture
def topic(db):
    return InsightTopicFactory(name="Outcomes", parent=InsightTopicFactory(name="Efficacy"))


@pytest.fixture
def medinfo2(db):
    return UserFactory(username="medinfo2", roles=[Role.MEDICAL_INFORMATION])


@pytest.fixture
def cure(db):
    """Blocks "cure" wherever free text is written."""
    return RestrictedTermFactory(
        pattern="cure",
        severity=Severity.BLOCK,
        fields=list(CheckedText.values),
        explanation=EXPLANATION,
        suggestion=SUGGESTION,
    )


@pytest.fixture
def best_in_class(db):
    """Warns about "best in class" in the interaction notes."""
    return RestrictedTermFactory(
        pattern="best in class",
        match_kind="phrase",
        severity=Severity.WARN,
        explanation="Comparative claims need head-to-head data.",
        suggestion="performed well in its trials",
    )


def test_a_blocking_term_in_the_notes_refuses_the_save_and_explains(client, msl, kol, cure):
    client.force_login(msl)

    response = client.post(
        "/interactions/new/", log_data(kol, notes="She thinks the drug will cure her patients.")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved." in page
    assert "<mark>cure</mark>" in page
    assert EXPLANATION in page
    assert f"Suggested wording: <em>{SUGGESTION}</em>" in page
    assert "She thinks the drug will cure her patients." in page, "what was typed is kept"
    assert not acknowledge_checkbox_shown(page), "a blocking term cannot be acknowledged"
    assert not Interaction.objects.exists()


def test_a_blocked_save_is_recorded_as_a_violation_though_nothing_was_saved(client, msl, kol, cure):
    client.force_login(msl)

    client.post("/interactions/new/", log_data(kol, notes="This will CURE the disease."))

    violation = Violation.objects.get()
    assert violation.outcome == ViolationOutcome.BLOCKED
    assert violation.user == msl
    assert violation.term == cure
    assert violation.field == CheckedText.INTERACTION_NOTES
    assert violation.matched_text == "CURE"
    assert violation.content_type is None
    assert violation.object_id == ""
    assert not Interaction.objects.exists()


def test_acknowledging_a_blocking_term_does_not_let_it_through(client, msl, kol, cure):
    client.force_login(msl)

    client.post(
        "/interactions/new/",
        log_data(kol, notes="A cure at last.", acknowledge_warnings="on"),
    )

    assert not Interaction.objects.exists()
    assert Violation.objects.get().outcome == ViolationOutcome.BLOCKED


def test_a_warning_is_saved_once_acknowledged_and_points_to_the_record(
    client, msl, kol, best_in_class
):
    client.force_login(msl)
    data = log_data(kol, notes="He called it best in class for second line.")

    first = client.post("/interactions/new/", data)

    first_page = first.content.decode()
    assert first.status_code == 200
    assert not Interaction.objects.exists()
    assert "<mark>best in class</mark>" in first_page
    assert "Comparative claims need head-to-head data." in first_page
    assert acknowledge_checkbox_shown(first_page)
    warned = Violation.objects.get()
    assert (warned.outcome, warned.user, warned.object_id) == (ViolationOutcome.WARNED, msl, "")

    second = client.post("/interactions/new/", data | {"acknowledge_warnings": "on"})

    interaction = Interaction.objects.get()
    assert second.status_code == 302
    assert second.url == f"/interactions/{interaction.pk}/"
    assert interaction.notes == "He called it best in class for second line."
    acknowledged = Violation.objects.get(outcome=ViolationOutcome.ACKNOWLEDGED)
    assert acknowledged.user == msl
    assert acknowledged.term == best_in_class
    assert acknowledged.matched_text == "best in class"
    assert acknowledged.content_type == ContentType.objects.get_for_model(Interaction)
    assert acknowledged.object_id == str(interaction.pk)
    assert acknowledged.record_label == str(interaction)


def test_a_phrase_matches_across_line_breaks_and_extra_spaces(client, msl, kol, best_in_class):
    client.force_login(msl)

    client.post("/interactions/new/", log_data(kol, notes="Best  in\nclass, he said."))

    assert not Interaction.objects.exists()
    assert Violation.objects.get().matched_text == "Best  in\nclass"


def test_a_blocking_term_in_an_insight_refuses_it_in_place(client, msl, kol, topic, cure):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/insights/",
        insight_data(kol, topic, text="Believes it is a cure for early disease."),
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page, "only the insights block is returned"
    assert "<mark>cure</mark>" in page
    assert EXPLANATION in page
    assert not Insight.objects.exists()
    violation = Violation.objects.get()
    assert (violation.field, violation.outcome, violation.user) == (
        CheckedText.INSIGHT_TEXT,
        ViolationOutcome.BLOCKED,
        msl,
    )


def test_a_warned_insight_is_added_once_acknowledged(client, msl, kol, topic):
    term = RestrictedTermFactory(pattern="miracle", fields=[CheckedText.INSIGHT_TEXT])
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)
    data = insight_data(kol, topic, text="Called the data a miracle.")
    url = f"/interactions/{interaction.pk}/insights/"

    first = client.post(url, data, HTTP_HX_REQUEST="true")
    second = client.post(url, data | {"acknowledge_warnings": "on"}, HTTP_HX_REQUEST="true")

    assert acknowledge_checkbox_shown(first.content.decode())
    assert "Called the data a miracle." in second.content.decode()
    insight = Insight.objects.get()
    acknowledged = Violation.objects.get(outcome=ViolationOutcome.ACKNOWLEDGED)
    assert acknowledged.term == term
    assert acknowledged.content_type == ContentType.objects.get_for_model(Insight)
    assert acknowledged.object_id == str(insight.pk)


def test_a_blocking_term_in_an_inquiry_question_refuses_the_inquiry(client, msl, kol, cure):
    client.force_login(msl)

    response = client.post(
        "/inquiries/new/", inquiry_data(kol, question="Is it a cure for stage IV disease?")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>cure</mark>" in page
    assert EXPLANATION in page
    assert not MedicalInquiry.objects.exists()
    violation = Violation.objects.get()
    assert (violation.field, violation.outcome, violation.user, violation.matched_text) == (
        CheckedText.INQUIRY_QUESTION,
        ViolationOutcome.BLOCKED,
        msl,
        "cure",
    )


def test_a_blocking_term_in_a_custom_response_keeps_the_inquiry_assigned(
    client, msl, kol, medinfo, medinfo2, cure
):
    inquiry = bring_to(
        raise_inquiry(msl, kol), InquiryStatus.ASSIGNED, author=medinfo, reviewer=medinfo2
    )
    client.force_login(medinfo)

    response = client.post(
        f"/inquiries/{inquiry.pk}/custom/",
        {"custom_text": "The product is a cure in this setting."},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "<mark>cure</mark>" in page
    assert EXPLANATION in page
    assert MedicalInquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.ASSIGNED
    assert not InquiryResponse.objects.exists()
    violation = Violation.objects.get()
    assert (violation.field, violation.outcome, violation.user) == (
        CheckedText.CUSTOM_RESPONSE,
        ViolationOutcome.BLOCKED,
        medinfo,
    )


def test_a_warned_custom_response_goes_to_review_once_acknowledged(
    client, msl, kol, medinfo, medinfo2
):
    RestrictedTermFactory(pattern="safest", fields=[CheckedText.CUSTOM_RESPONSE])
    inquiry = bring_to(
        raise_inquiry(msl, kol), InquiryStatus.ASSIGNED, author=medinfo, reviewer=medinfo2
    )
    client.force_login(medinfo)
    data = {"custom_text": "It is the safest option studied."}

    first = client.post(f"/inquiries/{inquiry.pk}/custom/", data)
    second = client.post(f"/inquiries/{inquiry.pk}/custom/", data | {"acknowledge_warnings": "on"})

    assert first.status_code == 400
    assert acknowledge_checkbox_shown(first.content.decode())
    assert second.status_code == 302
    response = InquiryResponse.objects.get()
    assert MedicalInquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.IN_REVIEW
    acknowledged = Violation.objects.get(outcome=ViolationOutcome.ACKNOWLEDGED)
    assert acknowledged.content_type == ContentType.objects.get_for_model(InquiryResponse)
    assert acknowledged.object_id == str(response.pk)


def test_a_term_for_insights_only_does_not_fire_on_notes(client, msl, kol):
    RestrictedTermFactory(pattern="cure", severity=Severity.BLOCK, fields=["insight_text"])
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, notes="Asked whether it is a cure."))

    assert response.status_code == 302
    assert Interaction.objects.get().notes == "Asked whether it is a cure."
    assert not Violation.objects.exists()


def test_a_case_sensitive_term_only_matches_its_own_case(client, msl, kol):
    RestrictedTermFactory(pattern="ACE", severity=Severity.BLOCK, case_sensitive=True)
    client.force_login(msl)

    lower = client.post("/interactions/new/", log_data(kol, notes="An ace presenter."))
    upper = client.post("/interactions/new/", log_data(kol, notes="Her ACE data were strong."))

    assert lower.status_code == 302
    assert upper.status_code == 200
    assert "<mark>ACE</mark>" in upper.content.decode()
    assert list(Interaction.objects.values_list("notes", flat=True)) == ["An ace presenter."]
    assert Violation.objects.get().matched_text == "ACE"


def test_a_term_ignores_case_unless_told_otherwise(client, msl, kol, cure):
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, notes="A Cure, he said."))

    assert response.status_code == 200
    assert "<mark>Cure</mark>" in response.content.decode()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("notes", ["A secure portal.", "The patients were cured.", "Procure it."])
def test_a_word_matches_whole_words_only(client, msl, kol, cure, notes):
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, notes=notes))

    assert response.status_code == 302
    assert Interaction.objects.get().notes == notes
    assert not Violation.objects.exists()


def test_an_inactive_term_never_fires(client, msl, kol, topic):
    RestrictedTermFactory(
        pattern="cure", severity=Severity.BLOCK, fields=list(CheckedText.values), is_active=False
    )
    client.force_login(msl)

    logged = client.post("/interactions/new/", log_data(kol, notes="A cure, she hopes."))
    interaction = Interaction.objects.get()
    insight = client.post(
        f"/interactions/{interaction.pk}/insights/",
        insight_data(kol, topic, text="Hopes for a cure."),
        HTTP_HX_REQUEST="true",
    )
    submitted = submit(client, interaction)

    assert logged.status_code == 302
    assert insight.status_code == 200
    assert Insight.objects.get().text == "Hopes for a cure."
    assert submitted.status_code == 302
    assert Interaction.objects.get().status == InteractionStatus.SUBMITTED
    assert not Violation.objects.exists()


def test_a_term_made_blocking_after_the_notes_were_saved_stops_the_submission(client, msl, kol):
    term = RestrictedTermFactory(pattern="cure", severity=Severity.WARN)
    interaction = InteractionFactory(owner=msl, kols=[kol], notes="Asked if it is a cure.")
    term.severity = Severity.BLOCK
    term.save()
    client.force_login(msl)

    response = submit(client, interaction, follow=True)

    page = response.content.decode()
    assert "<mark>cure</mark>" in page
    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.DRAFT
    violation = Violation.objects.get()
    assert (violation.outcome, violation.user, violation.term, violation.field) == (
        ViolationOutcome.BLOCKED,
        msl,
        term,
        CheckedText.INTERACTION_NOTES,
    )


def test_a_violation_at_submission_names_the_interaction_it_stopped(
    client, msl, kol, compliance_user
):
    """The notes were saved; only the submission was refused. The compliance page must say
    which interaction it was, not "not saved"."""
    interaction = InteractionFactory(owner=msl, kols=[kol], notes="Asked if it is a cure.")
    RestrictedTermFactory(pattern="cure", severity=Severity.BLOCK)
    client.force_login(msl)

    submit(client, interaction)

    violation = Violation.objects.get()
    assert violation.content_type == ContentType.objects.get_for_model(Interaction)
    assert violation.object_id == str(interaction.pk)
    client.force_login(compliance_user)
    page = client.get("/compliance/").content.decode()
    assert f"Interaction notes · {interaction}" in page
    assert "Interaction notes · not saved" not in page


def test_a_warning_saved_with_the_notes_does_not_stop_the_submission(
    client, msl, kol, best_in_class
):
    interaction = InteractionFactory(owner=msl, kols=[kol], notes="Best in class, he said.")
    client.force_login(msl)

    submit(client, interaction)

    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.SUBMITTED
    assert not Violation.objects.exists()


@pytest.fixture
def rash(db):
    return RestrictedTermFactory(
        pattern="rash",
        purpose=TermPurpose.ADVERSE_EVENT,
        severity=Severity.WARN,
        explanation="A rash in a patient may be a side effect.",
    )


def test_an_adverse_event_term_asks_to_report_or_confirm(client, msl, kol, rash):
    client.force_login(msl)

    response = client.post(
        "/interactions/new/", log_data(kol, notes="One patient developed a rash.")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>rash</mark>" in page
    assert "may describe an adverse event" in page
    assert "A rash in a patient may be a side effect." in page
    assert acknowledge_checkbox_shown(page)
    assert not Interaction.objects.exists()
    assert not SafetyReport.objects.exists()


def test_flagging_the_adverse_event_lets_the_save_through_with_a_safety_report(
    client, msl, kol, rash
):
    client.force_login(msl)

    response = client.post(
        "/interactions/new/",
        log_data(kol, notes="One patient developed a rash.", adverse_event_mentioned="on"),
    )

    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert interaction.adverse_event_mentioned
    report = SafetyReport.objects.get()
    assert (report.interaction, report.reporter, report.kol) == (interaction, msl, kol)
    assert not Violation.objects.exists(), "a flagged adverse event is not a violation"


def test_confirming_it_is_no_adverse_event_saves_without_a_report(client, msl, kol, rash):
    client.force_login(msl)

    response = client.post(
        "/interactions/new/",
        log_data(kol, notes="A rash of new trials.", acknowledge_warnings="on"),
    )

    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert not interaction.adverse_event_mentioned
    assert not SafetyReport.objects.exists()
    confirmed = Violation.objects.get()
    assert confirmed.outcome == ViolationOutcome.ACKNOWLEDGED
    assert confirmed.object_id == str(interaction.pk)
