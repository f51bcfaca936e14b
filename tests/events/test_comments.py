"""Comments on insights: who may read an insight may discuss it; naming someone as @username
notifies them (in the app, and by an e-mail that carries no insight or comment text);
sharing an insight into an internal meeting lets the attendees in; restricted terms apply."""

import re

import pytest

from compliance.models import CheckedText, Severity, Violation, ViolationOutcome
from events.models import InsightComment, Mention, MentionKind, MentionPreference, SharedInsight
from tests.events.conftest import section, text
from tests.factories import EventFactory, InsightFactory, RestrictedTermFactory

pytestmark = pytest.mark.django_db

INSIGHT_TEXT = "Patients relapse early after second-line therapy."


@pytest.fixture
def insight(msl_interaction, kol):
    return InsightFactory(interaction=msl_interaction, kol=kol, text=INSIGHT_TEXT)


def comment(client, insight, text, **kwargs):
    return client.post(f"/events/insights/{insight.pk}/", {"text": text}, **kwargs)


def field_error(response) -> str:
    """What the page shows under the comment box."""
    page = response.content.decode()
    match = re.search(r'<[^>]*id="error_\d+_id_text"[^>]*>(.*?)</(?:span|div|p)>', page, re.S)
    assert match, "no error under the comment field"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_a_mention_of_someone_who_cannot_read_the_insight_is_refused(
    client, manager, msl2, insight, mailoutbox
):
    client.force_login(manager)

    response = comment(client, insight, "@msl2 have you heard the same in the West?")

    assert response.status_code == 400
    assert "Nobody who can read this insight is called @msl2." in field_error(response)
    assert "@msl2 have you heard the same in the West?" in text(response), "what was typed is kept"
    assert not InsightComment.objects.exists()
    assert not Mention.objects.exists()
    assert mailoutbox == []


def test_a_mention_of_nobody_at_all_is_refused_too(client, manager, insight):
    client.force_login(manager)

    response = comment(client, insight, "Ask @nosuchperson about it")

    assert "Nobody who can read this insight is called @nosuchperson." in field_error(response)
    assert not InsightComment.objects.exists()


def test_mentioning_the_author_notifies_them_and_emails_them_after_the_commit(
    client, manager, msl, insight, mailoutbox, django_capture_on_commit_callbacks
):
    said = "Worth raising at the advisory board. @msl can you bring the data it refers to?"
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = comment(client, insight, said)

    assert response.status_code == 302
    assert len(callbacks) == 1
    posted = InsightComment.objects.get()
    assert (posted.author, posted.text) == (manager, said)
    mention = Mention.objects.get()
    assert (mention.user, mention.comment, mention.kind) == (msl, posted, MentionKind.MENTIONED)
    assert mention.read_at is None
    assert mention.emailed_at is not None
    (mail,) = mailoutbox
    assert mail.to == ["msl@example.com"]
    assert f"/events/insights/{insight.pk}/" in mail.body
    for secret in (INSIGHT_TEXT, said, "advisory board", "relapse"):
        assert secret not in mail.body
        assert secret not in mail.subject


def test_no_mail_leaves_before_the_comment_is_committed(
    client, manager, insight, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment(client, insight, "@msl see this")

    assert len(callbacks) == 1
    assert mailoutbox == []
    assert Mention.objects.get().emailed_at is None


def test_a_comment_without_a_mention_still_tells_the_insights_author(
    client, manager, msl, insight, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        comment(client, insight, "Interesting: the same pattern as last quarter.")

    mention = Mention.objects.get()
    assert (mention.user, mention.kind) == (msl, MentionKind.ON_YOUR_INSIGHT)
    assert len(mailoutbox) == 1


def test_a_mention_at_the_end_of_a_sentence_is_understood(
    client, manager, msl, insight, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = comment(client, insight, "Please bring the data, @msl.")

    assert response.status_code == 302
    assert Mention.objects.get().user == msl


def test_a_mention_is_matched_whatever_its_case_and_an_email_address_is_no_mention(
    client, manager, msl, insight, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = comment(client, insight, "@MSL write to drug.safety@example.com about it")

    assert response.status_code == 302
    assert Mention.objects.get().user == msl


def test_turning_mention_emails_off_keeps_the_notification_in_the_app_only(
    client, manager, msl, insight, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(msl)
    page = client.get("/events/mentions/").content.decode()
    assert re.search(r'name="email"[^>]*checked', page), "on until turned off"
    assert client.post("/events/mentions/", {}).status_code == 302
    assert MentionPreference.objects.get(user=msl).email is False
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        comment(client, insight, "@msl see this")

    assert Mention.objects.get().user == msl
    assert Mention.objects.get().emailed_at is None
    assert mailoutbox == []


def test_opening_the_insight_marks_its_mentions_read(
    client, manager, msl, insight, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        comment(client, insight, "@msl see this")
    client.force_login(msl)

    listed = section(client.get("/events/mentions/"), "mentions")
    assert "new" in listed
    assert f'href="/events/insights/{insight.pk}/"' in listed

    page = client.get(f"/events/insights/{insight.pk}/")

    assert "@msl see this" in section(page, "comments")
    assert Mention.objects.get().read_at is not None
    assert "new" not in section(client.get("/events/mentions/"), "mentions")


def test_reading_the_insight_does_not_mark_someone_elses_mentions(
    client, manager, msl, insight, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        comment(client, insight, "@msl see this")

    client.get(f"/events/insights/{insight.pk}/")

    assert Mention.objects.get().read_at is None


def test_an_msl_of_another_team_cannot_open_the_insight(client, msl2, insight):
    client.force_login(msl2)

    assert client.get(f"/events/insights/{insight.pk}/").status_code == 404
    assert comment(client, insight, "Hello").status_code == 404
    assert not InsightComment.objects.exists()


# Shared into an internal meeting


@pytest.fixture
def meeting(manager, msl, msl2):
    """The manager's internal meeting with msl and msl2 (of another team) attending."""
    return EventFactory(
        title="Cross-team insights review",
        kind="internal_meeting",
        organiser=manager,
        attendees=[manager, msl, msl2],
    )


def test_sharing_into_a_meeting_lets_another_attendee_read_and_discuss_the_insight(
    client, msl, msl2, meeting, insight, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(msl2)
    assert client.get(f"/events/insights/{insight.pk}/").status_code == 404
    client.force_login(msl)

    shared = client.post(f"/events/{meeting.pk}/insights/", {"insight": insight.pk}, follow=True)

    assert SharedInsight.objects.get().shared_by == msl
    assert INSIGHT_TEXT in section(shared, "shared-insights")
    client.force_login(msl2)
    assert INSIGHT_TEXT in section(client.get(f"/events/{meeting.pk}/"), "shared-insights")
    page = client.get(f"/events/insights/{insight.pk}/")
    assert page.status_code == 200
    assert INSIGHT_TEXT in section(page, "insight-text")

    with django_capture_on_commit_callbacks(execute=True):
        response = comment(client, insight, "We see it too. @msl shall we compare notes?")

    assert response.status_code == 302
    mention = Mention.objects.get()
    assert (mention.user, mention.comment.author) == (msl, msl2)
    assert [mail.to for mail in mailoutbox] == [["msl@example.com"]]


def test_once_shared_the_manager_may_mention_the_other_attendee(
    client, manager, msl, msl2, meeting, insight
):
    client.force_login(msl)
    client.post(f"/events/{meeting.pk}/insights/", {"insight": insight.pk})
    client.force_login(manager)

    response = comment(client, insight, "@msl2 have you heard the same in the West?")

    assert response.status_code == 302
    assert {m.user for m in Mention.objects.all()} == {msl2, msl}
    assert Mention.objects.get(user=msl).kind == MentionKind.ON_YOUR_INSIGHT


def test_a_non_attendee_still_gets_not_found(client, msl, msl3, meeting, insight):
    client.force_login(msl)
    client.post(f"/events/{meeting.pk}/insights/", {"insight": insight.pk})
    client.force_login(msl3)

    assert client.get(f"/events/{meeting.pk}/").status_code == 404
    assert client.get(f"/events/insights/{insight.pk}/").status_code == 404
    assert comment(client, insight, "Interesting").status_code == 404
    assert not InsightComment.objects.exists()


def test_only_ones_own_insights_are_shared(client, msl2, meeting, insight):
    client.force_login(msl2)

    response = client.post(f"/events/{meeting.pk}/insights/", {"insight": insight.pk})

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert not SharedInsight.objects.exists()


def test_insights_are_not_shared_into_a_congress(client, msl, insight):
    congress = EventFactory(organiser=msl, attendees=[msl])
    client.force_login(msl)

    response = client.post(f"/events/{congress.pk}/insights/", {"insight": insight.pk}, follow=True)

    assert "Insights are shared into internal meetings." in text(response)
    assert not SharedInsight.objects.exists()


# Restricted terms


def test_a_restricted_term_blocks_the_comment_under_the_field_and_is_recorded(
    client, manager, insight
):
    term = RestrictedTermFactory(
        pattern="miracle",
        severity=Severity.BLOCK,
        fields=[CheckedText.COMMENT_TEXT],
        explanation="Efficacy claims are not scientific exchange.",
    )
    client.force_login(manager)

    response = comment(client, insight, "This miracle drug fixes it all.")

    assert response.status_code == 400
    error = field_error(response)
    assert "miracle" in error
    assert "Efficacy claims are not scientific exchange." in error
    assert not InsightComment.objects.exists()
    violation = Violation.objects.get()
    assert (violation.user, violation.term) == (manager, term)
    assert violation.field == CheckedText.COMMENT_TEXT
    assert violation.outcome == ViolationOutcome.BLOCKED
    assert violation.matched_text == "miracle"


def test_a_term_on_other_texts_leaves_comments_alone(client, manager, insight):
    RestrictedTermFactory(
        pattern="miracle", severity=Severity.BLOCK, fields=[CheckedText.INTERACTION_NOTES]
    )
    client.force_login(manager)

    assert comment(client, insight, "This miracle drug fixes it all.").status_code == 302
    assert not Violation.objects.exists()
