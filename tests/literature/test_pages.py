"""The literature pages: the feed shows what the user's (and their team's) watch topics
match, items are marked read through htmx and saved to KOLs the user may see, topics are
added and removed, staff import files, and the KOL briefing lists matched publications with
buttons to confirm or reject the match."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from literature import services
from literature.models import Contributor, FeedEntry, MatchStatus, Publication, WatchTopic
from tests.factories import InstitutionFactory, KOLFactory
from tests.kols.pages import text
from tests.literature.conftest import PUBMED_SAMPLE, author, publication

pytestmark = pytest.mark.django_db

LUNG = "Checkpoint inhibition in non-small-cell lung cancer"
PSA = "Treat-to-target in psoriatic arthritis"
HEART = "Statins after myocardial infarction"


@pytest.fixture
def papers(db):
    services.publications_import(
        [
            publication(1, LUNG, abstract="Survival with pembrolizumab."),
            publication(2, PSA, abstract="Remission with early biologics."),
            publication(3, HEART),
        ]
    )
    return {p.pmid: p for p in Publication.objects.all()}


@pytest.fixture
def lung_topic(msl):
    return WatchTopic.objects.create(name="Lung", owner=msl, terms="lung cancer\npembrolizumab")


@pytest.fixture
def boston_kol(organisation):
    return KOLFactory(
        first_name="Maria",
        last_name="Alvarez",
        territory=organisation["boston"],
        institution=InstitutionFactory(name="Dana-Farber Cancer Institute"),
    )


def test_the_feed_lists_only_what_the_msls_topics_match(client, msl, msl2, papers, lung_topic):
    WatchTopic.objects.create(name="PsA", owner=msl2, terms="psoriatic")
    client.force_login(msl)

    response = client.get("/literature/")

    assert response.status_code == 200
    page = text(response)
    assert LUNG in page
    assert PSA not in page
    assert HEART not in page
    assert "1 item match your topics" in page


def test_a_team_topic_reaches_the_team_members(client, msl, msl2, organisation, papers):
    WatchTopic.objects.create(name="PsA", team=organisation["oncology"], terms="psoriatic")

    client.force_login(msl)
    member_page = text(client.get("/literature/"))
    client.force_login(msl2)
    outsider_page = text(client.get("/literature/"))

    assert PSA in member_page
    assert PSA not in outsider_page
    assert "Nothing matches your watch topics yet." in outsider_page


def test_a_user_without_topics_is_invited_to_add_one(client, msl, papers):
    client.force_login(msl)

    page = text(client.get("/literature/"))

    assert "You watch no topics yet." in page
    assert LUNG not in page


def test_a_viewer_may_not_open_the_feed(client, viewer):
    client.force_login(viewer)

    assert client.get("/literature/").status_code == 403


def test_marking_read_through_htmx_returns_the_toggle_and_stores_it(
    client, msl, papers, lung_topic
):
    paper = papers["1"]
    client.force_login(msl)

    response = client.post(f"/literature/publications/{paper.pk}/read/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith("<form")
    assert "Read · mark unread" in body
    assert '<input type="hidden" name="read" value="0">' in body
    assert "<html" not in body
    assert FeedEntry.objects.get(user=msl, publication=paper).read_at is not None

    response = client.post(
        f"/literature/publications/{paper.pk}/read/", {"read": "0"}, HTTP_HX_REQUEST="true"
    )

    assert "Mark read" in text(response)
    assert FeedEntry.objects.get(user=msl, publication=paper).read_at is None


def test_marking_read_without_htmx_goes_back_to_the_feed(client, msl, papers):
    client.force_login(msl)

    response = client.post(f"/literature/publications/{papers['1'].pk}/read/")

    assert response.status_code == 302
    assert response.url == "/literature/?kind=publications"


def test_the_feed_shows_what_the_user_already_read(client, msl, papers, lung_topic):
    services.feed_mark_read(user=msl, publication=papers["1"])
    client.force_login(msl)

    assert "Read · mark unread" in text(client.get("/literature/"))


def test_save_to_a_kol_shows_the_form(client, msl, papers, boston_kol):
    client.force_login(msl)

    response = client.get(f"/literature/publications/{papers['1'].pk}/save/")

    assert response.status_code == 200
    page = text(response)
    assert "Save to a KOL" in page
    assert LUNG in page
    assert f'<option value="{boston_kol.pk}"' in page


def test_saving_to_a_kol_the_msl_may_see(client, msl, papers, boston_kol):
    paper = papers["1"]
    client.force_login(msl)

    response = client.post(
        f"/literature/publications/{paper.pk}/save/", {"kol": boston_kol.pk}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/literature/?kind=publications"
    assert f"Saved to {boston_kol.display_name}." in text(response)
    entry = FeedEntry.objects.get(user=msl, publication=paper)
    assert list(entry.saved_to.all()) == [boston_kol]


def test_saving_to_another_territorys_kol_is_refused(client, msl, organisation, papers):
    elsewhere = KOLFactory(territory=organisation["bay_area"])
    client.force_login(msl)

    response = client.post(
        f"/literature/publications/{papers['1'].pk}/save/", {"kol": elsewhere.pk}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert not FeedEntry.objects.exists()
    assert not elsewhere.saved_literature.exists()


def test_an_unknown_kind_of_item_is_not_found(client, msl, papers):
    client.force_login(msl)

    response = client.post(f"/literature/podcasts/{papers['1'].pk}/read/")

    assert response.status_code == 404


def test_an_msl_adds_a_topic(client, msl, organisation):
    client.force_login(msl)

    response = client.post(
        "/literature/topics/",
        {"name": "Lung", "terms": "  NSCLC \n\n checkpoint inhibitor ", "share_with_team": ""},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/literature/topics/"
    assert "Watching “Lung”." in text(response)
    topic = WatchTopic.objects.get()
    assert (topic.owner, topic.team) == (msl, None)
    assert topic.term_list() == ["NSCLC", "checkpoint inhibitor"]
    assert "NSCLC · checkpoint inhibitor" in text(response)


def test_an_msl_adds_a_topic_for_their_team(client, msl, organisation):
    client.force_login(msl)

    client.post(
        "/literature/topics/",
        {"name": "Lung", "terms": "NSCLC", "share_with_team": organisation["oncology"].pk},
    )

    topic = WatchTopic.objects.get()
    assert (topic.owner, topic.team) == (None, organisation["oncology"])


def test_a_topic_with_a_too_short_term_is_refused(client, msl):
    client.force_login(msl)

    response = client.post("/literature/topics/", {"name": "Lung", "terms": "lung cancer\nLC"})

    assert response.status_code == 200
    assert "Each term needs at least three characters." in text(response)
    assert not WatchTopic.objects.exists()


def test_an_msl_stops_watching_their_topic(client, msl, lung_topic):
    client.force_login(msl)

    response = client.post(f"/literature/topics/{lung_topic.pk}/delete/", follow=True)

    assert "No longer watching “Lung”." in text(response)
    assert not WatchTopic.objects.exists()


def test_deleting_another_users_topic_is_not_found(client, msl, msl2):
    theirs = WatchTopic.objects.create(name="Theirs", owner=msl2, terms="psoriatic")
    client.force_login(msl)

    response = client.post(f"/literature/topics/{theirs.pk}/delete/")

    assert response.status_code == 404
    assert WatchTopic.objects.filter(pk=theirs.pk).exists()


def test_the_import_page_is_for_staff_only(client, msl):
    client.force_login(msl)

    response = client.get("/literature/import/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_staff_import_the_pubmed_sample(client, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile(
        "pubmed_sample.xml", PUBMED_SAMPLE.read_bytes(), content_type="text/xml"
    )

    response = client.post("/literature/import/", {"kind": "pubmed", "file": upload}, follow=True)

    assert response.redirect_chain[-1][0] == "/literature/import/"
    assert "Imported: 2 new, 0 updated, 0 unchanged." in text(response)
    assert set(Publication.objects.values_list("pmid", flat=True)) == {"39000001", "39000002"}


def test_a_text_file_is_refused_by_the_import(client, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("notes.txt", PUBMED_SAMPLE.read_bytes(), content_type="text/plain")

    response = client.post("/literature/import/", {"kind": "pubmed", "file": upload})

    assert response.status_code == 200
    assert "Upload a .xml (PubMed) or .json (ClinicalTrials.gov) file." in text(response)
    assert not Publication.objects.exists()


def test_a_broken_upload_imports_nothing_and_says_so(client, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("broken.xml", b"<PubmedArticleSet><PubmedArticle>")

    response = client.post("/literature/import/", {"kind": "pubmed", "file": upload})

    assert response.status_code == 200
    assert "Nothing was imported." in text(response)
    assert not Publication.objects.exists()


@pytest.fixture
def suggested(boston_kol):
    services.publications_import(
        [
            publication(
                7,
                "Rechallenge after immune-related adverse events",
                journal="Lancet Oncology",
                authors=[author("Alvarez", "Maria", "Dana-Farber Cancer Institute, Boston")],
            )
        ]
    )
    return Contributor.objects.get()


def test_the_kol_briefing_lists_matched_publications_and_the_decision_buttons(
    client, msl, boston_kol, suggested
):
    client.force_login(msl)

    response = client.get(f"/kols/{boston_kol.pk}/")

    assert response.status_code == 200
    page = text(response)
    assert "Rechallenge after immune-related adverse events" in page
    assert "Lancet Oncology" in page
    assert "Suggested matches" in page
    assert f'action="/literature/matches/{suggested.pk}/confirm/"' in page
    assert f'action="/literature/matches/{suggested.pk}/reject/"' in page
    assert suggested.match_confidence == Decimal("0.90")


def test_confirming_a_match_sets_its_status_and_returns_to_the_kol(
    client, msl, boston_kol, suggested
):
    client.force_login(msl)

    response = client.post(f"/literature/matches/{suggested.pk}/confirm/", follow=True)

    assert response.redirect_chain[-1][0] == f"/kols/{boston_kol.pk}/"
    assert "Match confirmed." in text(response)
    suggested.refresh_from_db()
    assert suggested.match_status == MatchStatus.CONFIRMED
    assert "Suggested matches" not in text(response)
    assert "Rechallenge after immune-related adverse events" in text(response)


def test_a_rejected_match_leaves_the_briefing(client, msl, boston_kol, suggested):
    client.force_login(msl)

    response = client.post(f"/literature/matches/{suggested.pk}/reject/", follow=True)

    suggested.refresh_from_db()
    assert suggested.match_status == MatchStatus.REJECTED
    assert "No publications or trials matched to this KOL yet." in text(response)


def test_medical_information_may_not_decide_matches(client, medinfo, suggested):
    client.force_login(medinfo)

    response = client.post(f"/literature/matches/{suggested.pk}/confirm/")

    # Medical Information sees no KOLs, so the match is a record it may not see: 404.
    assert response.status_code == 404
    suggested.refresh_from_db()
    assert suggested.match_status == MatchStatus.SUGGESTED


def test_an_msl_may_not_decide_matches_for_a_kol_they_cannot_see(client, msl2, suggested):
    """msl2 works in another team and territory: the Boston KOL is hidden from them (the
    briefing answers 404), so confirming that KOL's author match must not work either."""
    client.force_login(msl2)
    assert client.get(f"/kols/{suggested.kol_id}/").status_code == 404

    response = client.post(f"/literature/matches/{suggested.pk}/confirm/")

    assert response.status_code == 404
    suggested.refresh_from_db()
    assert suggested.match_status == MatchStatus.SUGGESTED


def feed_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/literature/")
    assert response.status_code == 200
    return len(captured)


def test_the_feed_costs_the_same_queries_for_5_and_25_items(
    client, msl, boston_kol, lung_topic, django_assert_max_num_queries
):
    def add(first, count):
        services.publications_import(
            [publication(n, f"Lung cancer paper {n}") for n in range(first, first + count)]
        )
        for paper in Publication.objects.filter(pmid__in=[str(first), str(first + 1)]):
            services.feed_mark_read(user=msl, publication=paper)
            services.feed_save_to_kol(user=msl, kol=boston_kol, publication=paper)

    client.force_login(msl)
    client.get("/literature/")  # the first visit creates the visit record
    add(100, 5)
    five = feed_queries(client)

    add(200, 20)
    with django_assert_max_num_queries(five):
        response = client.get("/literature/")

    assert "25 items match your topics" in text(response)
    page = text(response)
    # Page 1 holds the 20 most recent; the two read and saved among them show as such.
    assert page.count("Read · mark unread") == 2
    assert page.count("Save to a KOL (1)") == 2


def test_a_paper_shared_with_the_team_reaches_a_colleague_outside_their_topics(
    client, msl, manager, organisation, papers, lung_topic
):
    """The manager watches nothing; msl shares a paper with their team (the manager's)."""
    paper = Publication.objects.filter(search_text__contains="lung").first()
    client.force_login(msl)

    shared = client.post(f"/literature/publications/{paper.pk}/share/")
    msl_feed = client.get("/literature/").content.decode()
    client.force_login(manager)
    manager_feed = client.get("/literature/").content.decode()

    assert shared.status_code == 302
    assert FeedEntry.objects.get(user=msl, publication=paper).shared_with.name == (
        "Oncology Northeast"
    )
    assert "Shared with Oncology Northeast" in msl_feed
    assert paper.title in manager_feed
    assert "Shared by" in manager_feed


def test_sharing_needs_a_team(client, msl2, papers):
    from accounts.models import Team

    Team.objects.filter(members=msl2).delete()
    paper = Publication.objects.first()
    client.force_login(msl2)

    response = client.post(f"/literature/publications/{paper.pk}/share/", follow=True)

    assert "You are in no team to share with." in response.content.decode()
    assert not FeedEntry.objects.filter(shared_with__isnull=False).exists()
