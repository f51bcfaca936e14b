"""The interaction pages: log, edit, submit, add insights inline, plan follow-ups."""

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from interactions.models import FollowUp, Insight, Interaction, InteractionStatus
from tests.factories import (
    ApprovedMaterialFactory,
    InsightTopicFactory,
    InteractionFactory,
    KOLFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"], last_name="Alvarez")


@pytest.fixture
def topic(db):
    return InsightTopicFactory(
        name="Long-term outcomes", parent=InsightTopicFactory(name="Efficacy")
    )


def log_data(kol, **changes):
    data = {
        "kols": [kol.pk],
        "type": "one_to_one",
        "channel": "in_person",
        "occurred_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "notes": "Discussed five-year outcomes.",
    }
    data.update(changes)
    return data


def test_an_msl_logs_a_meeting_and_lands_on_it(client, msl, kol):
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol), follow=True)

    interaction = Interaction.objects.get()
    assert response.redirect_chain[-1][0] == f"/interactions/{interaction.pk}/"
    assert interaction.owner == msl
    assert interaction.status == InteractionStatus.DRAFT
    assert list(interaction.kols.all()) == [kol]
    assert "Discussed five-year outcomes." in response.content.decode()


def test_a_do_not_contact_kol_is_refused_with_the_reason(client, msl, organisation):
    blocked = KOLFactory(territory=organisation["boston"], do_not_contact=True)
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(blocked))

    assert "has asked not to be contacted" in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_kol_outside_the_territories_cannot_be_chosen(client, msl, organisation):
    foreign = KOLFactory(territory=organisation["bay_area"])
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(foreign))

    assert "Select a valid choice" in response.content.decode()
    assert not Interaction.objects.exists()


def test_submitting_from_the_page(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/submit/", {"version": interaction.version}, follow=True
    )

    assert "Submitted." in response.content.decode()
    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.SUBMITTED


def test_submitting_without_a_kol_explains_what_is_missing(client, msl):
    interaction = InteractionFactory(owner=msl)
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/submit/", {"version": interaction.version}, follow=True
    )

    assert "Add at least one KOL." in response.content.decode()
    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.DRAFT


def test_the_second_of_two_edits_from_the_same_copy_is_refused(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    opened = interaction.version
    client.force_login(msl)
    client.post(
        f"/interactions/{interaction.pk}/edit/", log_data(kol, notes="First", version=opened)
    )

    response = client.post(
        f"/interactions/{interaction.pk}/edit/", log_data(kol, notes="Second", version=opened)
    )

    assert "your changes were not saved" in response.content.decode()
    assert "Second" in response.content.decode(), "what the user typed is still on the page"
    assert Interaction.objects.get(pk=interaction.pk).notes == "First"


def test_insights_are_added_inline_with_htmx(client, msl, kol, topic):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)
    insight = {
        "kol": kol.pk,
        "topic": topic.pk,
        "category": "unmet_need",
        "sentiment": "negative",
        "importance": "3",
        "text": "Too few options after relapse.",
    }

    first = client.post(
        f"/interactions/{interaction.pk}/insights/", insight, HTTP_HX_REQUEST="true"
    )
    second = client.post(
        f"/interactions/{interaction.pk}/insights/",
        insight | {"text": "Wants real-world data."},
        HTTP_HX_REQUEST="true",
    )

    assert b"<html" not in second.content
    assert "Too few options after relapse." in second.content.decode()
    assert "Wants real-world data." in second.content.decode()
    assert first.status_code == second.status_code == 200
    assert Insight.objects.count() == 2


def test_an_invalid_inline_insight_shows_its_errors_in_place(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/insights/", {"kol": kol.pk}, HTTP_HX_REQUEST="true"
    )

    assert "This field is required." in response.content.decode()
    assert not Insight.objects.exists()


def test_a_follow_up_is_planned_from_the_interaction(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)
    due = timezone.localdate() + dt.timedelta(days=7)

    client.post(
        f"/interactions/{interaction.pk}/follow-ups/",
        {"kind": "send_material", "description": "Send the poster", "due_date": due.isoformat()},
    )

    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.interaction, follow_up.due_date) == (msl, interaction, due)


def test_another_msls_interaction_is_not_found(client, msl2, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl2)

    for url in ("", "edit/"):
        assert client.get(f"/interactions/{interaction.pk}/{url}").status_code == 404
    assert client.post(f"/interactions/{interaction.pk}/submit/").status_code == 404


def test_a_manager_reads_the_teams_interactions_but_cannot_edit(client, manager, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(manager)

    assert (
        client.get("/interactions/").content.decode().count('data-testid="interaction-link"') == 1
    )
    assert client.get(f"/interactions/{interaction.pk}/").status_code == 200
    assert client.get(f"/interactions/{interaction.pk}/edit/").status_code == 403
    assert client.get("/interactions/new/").status_code == 403


def test_the_list_filters_by_status_and_kol(client, msl, kol, organisation):
    other = KOLFactory(territory=organisation["boston"])
    InteractionFactory(owner=msl, kols=[kol], status=InteractionStatus.PLANNED)
    InteractionFactory(owner=msl, kols=[other])
    client.force_login(msl)

    planned = client.get("/interactions/?status=planned").content.decode()
    with_kol = client.get(f"/interactions/?kol={other.pk}").content.decode()

    assert planned.count('data-testid="interaction-link"') == 1
    assert with_kol.count('data-testid="interaction-link"') == 1
    assert other.display_name in with_kol
    # The page says which KOL it is narrowed to, and how to widen it again.
    assert f"With <strong>{other.display_name}</strong>" in with_kol
    both = client.get(f"/interactions/?kol={other.pk}&status=draft&page=1").content.decode()
    assert 'href="?status=draft">every KOL</a>' in both


@pytest.mark.parametrize("value", ["other_team", "999999", "not-a-number"])
def test_a_kol_link_the_user_cannot_follow_says_so_and_lists_every_kol(
    client, msl, kol, organisation, value
):
    theirs = KOLFactory(territory=organisation["bay_area"])
    InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)
    target = theirs.pk if value == "other_team" else value

    response = client.get(f"/interactions/?kol={target}&status=draft")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="kol-refused"' in page
    assert page.count('data-testid="interaction-link"') == 1
    assert theirs.display_name not in page


def test_a_kol_link_the_user_may_follow_raises_no_warning(client, msl, kol):
    InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    page = client.get(f"/interactions/?kol={kol.pk}").content.decode()

    assert 'data-testid="kol-refused"' not in page
    assert 'data-testid="chosen-kol"' in page


def test_the_list_filters_by_a_kols_name_without_listing_every_kol(client, msl, kol, organisation):
    other = KOLFactory(territory=organisation["boston"], last_name="Okonkwo")
    InteractionFactory(owner=msl, kols=[kol, other])
    InteractionFactory(owner=msl, kols=[other])
    InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    by_name = client.get("/interactions/?kol_name=okonk").content.decode()

    assert by_name.count('data-testid="interaction-link"') == 2
    assert 'name="kol_name" value="okonk"' in by_name
    # Two matching KOLs at one meeting still list it once.
    namesake = KOLFactory(territory=organisation["boston"], last_name="Okonkwo-Reyes")
    InteractionFactory(owner=msl, kols=[other, namesake])
    both = client.get("/interactions/?kol_name=okonk&status=draft").content.decode()
    assert both.count('data-testid="interaction-link"') == 3
    assert "3 interactions" in both
    # No drop-down of every KOL the user may see.
    assert (
        "<option"
        not in by_name.split('name="kol_name"')[1].split("</form>")[0].split('name="topic"')[0]
    )


def test_a_two_letter_kol_name_matches_where_a_word_starts(client, msl, organisation):
    xu = KOLFactory(territory=organisation["boston"], first_name="Wei", last_name="Xu")
    maxum = KOLFactory(territory=organisation["boston"], first_name="Dana", last_name="Maxum")
    InteractionFactory(owner=msl, kols=[xu])
    InteractionFactory(owner=msl, kols=[maxum])
    client.force_login(msl)

    page = client.get("/interactions/?kol_name=xu").content.decode()

    assert page.count('data-testid="interaction-link"') == 1
    assert "Wei Xu" in page
    assert "Maxum" not in page


@pytest.mark.parametrize("query", ["", "?kol_name={name}", "?kol={pk}&status=draft"])
@pytest.mark.parametrize("count", [2, 30])
def test_list_and_detail_cost_the_same_queries_however_much_there_is(
    client, msl, kol, topic, count, query, django_assert_max_num_queries
):
    interactions = [InteractionFactory(owner=msl, kols=[kol]) for _ in range(count)]
    for interaction in interactions[:5]:
        interaction.topics.add(topic)
        Insight.objects.create(
            interaction=interaction,
            kol=kol,
            author=msl,
            topic=topic,
            category="access",
            sentiment="neutral",
            text="Formulary delays.",
        )
    client.force_login(msl)

    with django_assert_max_num_queries(12):
        listed = client.get("/interactions/" + query.format(name=kol.last_name, pk=kol.pk))
    assert listed.content.decode().count('data-testid="interaction-link"') == min(count, 25)
    # The detail page reads the interaction, its attendees, topics, materials, insights,
    # follow-ups, amendments, inquiries, transfers of value with the attendees' yearly
    # totals (policy, threshold, amounts) and the reader's firewall rules: a fixed number.
    with django_assert_max_num_queries(22):
        client.get(f"/interactions/{interactions[0].pk}/")


def test_a_locked_interaction_is_amended_from_its_page_keeping_the_original(client, msl, kol):
    interaction = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.LOCKED,
        notes="Dose of 10 mg",
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    client.force_login(msl)

    assert b"Amend" in client.get(f"/interactions/{interaction.pk}/").content
    amended = {"notes": "Dose of 20 mg", "duration_minutes": "45", "location": "Ward 4"}
    refused = client.post(f"/interactions/{interaction.pk}/amend/", amended)
    response = client.post(
        f"/interactions/{interaction.pk}/amend/",
        {**amended, "reason": "Typing error"},
        follow=True,
    )

    assert "This field is required." in refused.content.decode()
    page = response.content.decode()
    assert "Typing error" in page
    assert "Notes was:</span> Dose of 10 mg" in page, "the original stays visible"
    assert 'Location was:</span> — <span class="text-body-secondary">· now:</span> Ward 4' in page
    stored = Interaction.objects.get(pk=interaction.pk)
    assert (stored.notes, stored.location, stored.status) == ("Dose of 20 mg", "Ward 4", "locked")


def test_an_amendment_that_changes_nothing_is_refused_on_the_page(client, msl, kol):
    interaction = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.LOCKED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/amend/",
        {"notes": interaction.notes, "duration_minutes": "45", "reason": "Nothing really"},
    )

    assert "The amendment changes nothing." in response.content.decode()
    assert not interaction.amendments.exists()


def test_the_briefing_lists_the_insights_the_kol_gave(client, msl, kol, topic):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    Insight.objects.create(
        interaction=interaction,
        kol=kol,
        author=msl,
        topic=topic,
        category="access",
        sentiment="negative",
        text="Formulary delays of six weeks.",
    )
    client.force_login(msl)

    page = client.get(f"/kols/{kol.pk}/").content.decode()

    assert "Insights from this KOL" in page
    assert "Formulary delays of six weeks." in page


def test_a_follow_up_due_in_the_past_is_refused_with_the_reason(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client.post(
        f"/interactions/{interaction.pk}/follow-ups/",
        {"kind": "other", "description": "Late", "due_date": yesterday.isoformat()},
        follow=True,
    )

    assert "cannot be due in the past" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_changing_a_submitted_interaction_asks_why_and_keeps_the_reason(client, msl, kol):
    from compliance.models import AuditEntry

    interaction = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.SUBMITTED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    client.force_login(msl)
    data = log_data(kol, notes="Corrected outcome figures.", version=interaction.version)

    refused = client.post(f"/interactions/{interaction.pk}/edit/", data)
    client.post(
        f"/interactions/{interaction.pk}/edit/", {**data, "change_reason": "Wrong figure typed"}
    )

    assert "Why are you changing a submitted interaction?" in refused.content.decode()
    assert "This field is required." in refused.content.decode()
    assert Interaction.objects.get(pk=interaction.pk).notes == "Corrected outcome figures."
    entry = AuditEntry.objects.filter(object_id=str(interaction.pk)).order_by("sequence").last()
    assert entry.reason == "Wrong figure typed"


def test_an_unreadable_version_is_a_conflict_not_a_crash(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/submit/", {"version": "abc"}, follow=True
    )

    assert response.status_code == 200
    assert "Someone saved this interaction after you opened it" in response.content.decode()
    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.DRAFT


def test_a_material_shared_before_it_lapsed_is_named_but_only_compliance_opens_it(
    client, msl, compliance_user, kol
):
    def with_a_file(title, approved_on, expires_on):
        material = ApprovedMaterialFactory(
            title=title, url="", approved_on=approved_on, expires_on=expires_on
        )
        material.file.save("material.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return material

    with time_machine.travel(dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC), tick=False):
        current = with_a_file("Dosing card", dt.date(2026, 1, 1), dt.date(2027, 1, 1))
        expired_file = with_a_file("Old card", dt.date(2025, 1, 1), dt.date(2026, 6, 8))
        expired_link = ApprovedMaterialFactory(
            title="Old leaflet", approved_on=dt.date(2025, 1, 1), expires_on=dt.date(2026, 6, 9)
        )
        not_yet = ApprovedMaterialFactory(
            title="New leaflet", approved_on=dt.date(2026, 7, 1), expires_on=dt.date(2027, 7, 1)
        )
        interaction = InteractionFactory(owner=msl, kols=[kol])
        interaction.materials_shared.set([current, expired_file, expired_link, not_yet])
        links = {
            current: f'href="/catalog/materials/{current.pk}/file/"',
            expired_file: f'href="/catalog/materials/{expired_file.pk}/file/"',
            expired_link: f'href="{expired_link.url}"',
            not_yet: f'href="{not_yet.url}"',
        }
        badges = ["expired 2026-06-08", "expired 2026-06-09", "approved from 2026-07-01"]

        client.force_login(msl)
        page = client.get(f"/interactions/{interaction.pk}/").content.decode()

        assert links[current] in page
        for lapsed in (expired_file, expired_link, not_yet):
            assert str(lapsed) in page
            assert links[lapsed] not in page
        assert all(badge in page for badge in badges)
        assert page.count("Not approved for sharing today") == 3

        client.force_login(compliance_user)
        page = client.get(f"/interactions/{interaction.pk}/").content.decode()

        assert all(link in page for link in links.values())
        assert all(badge in page for badge in badges)
