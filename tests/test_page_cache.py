"""The page cache (msl_crm/page_cache.py): a page asked for again is served without being
built, and never once anything it shows has changed, however the change was made."""

import datetime as dt
import re
import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from api.services import token_create, token_revoke
from compliance.config import compliance_config
from compliance.models import FirewallRule
from interactions.models import Interaction
from kols.models import KOL
from msl_crm import page_cache
from msl_crm.table_generations import Reading, note_written, recording
from tests.factories import (
    FollowUpFactory,
    InteractionFactory,
    KOLFactory,
    MedicalInquiryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"], first_name="Ana", last_name="Alvarez")


@pytest.fixture
def meeting(msl, kol):
    return InteractionFactory(owner=msl, kols=[kol])


def sign_in(client, user):
    """As a browser is after the sign-in page: with a session and a CSRF cookie. A page
    without the cookie is not stored, as its form token would be made from a new secret."""
    client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()


def tables_read(client, url, **headers) -> tuple[set[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    tables = {name for query in queries for name in re.findall(r'FROM "(\w+)"', query["sql"])}
    return tables, response.content.decode()


def test_a_page_asked_for_again_is_the_same_page_and_is_not_built_again(client, msl, meeting):
    sign_in(client, msl)

    first_tables, first = tables_read(client, "/interactions/")
    again_tables, again = tables_read(client, "/interactions/")

    assert "interactions_interaction" in first_tables
    assert "interactions_interaction" not in again_tables
    assert again == first
    assert "Ana Alvarez" in again


@pytest.mark.parametrize(
    "url",
    ["/today/", "/kols/?q=Alvarez", "/interactions/", "/inquiries/", "/reports/", "KOL"],
)
def test_each_cached_page_is_served_from_the_cache_the_second_time(
    client, msl, manager, medinfo, meeting, kol, url
):
    user = {"/inquiries/": medinfo, "/reports/": manager}.get(url, msl)
    url = f"/kols/{kol.pk}/" if url == "KOL" else url
    sign_in(client, user)

    first_tables, _ = tables_read(client, url)
    again_tables, _ = tables_read(client, url)

    # Only the user and their training banner are read again: the access checks.
    assert len(again_tables) < len(first_tables)
    assert again_tables <= {
        "accounts_user",
        "auth_group",
        "accounts_user_groups",
        "events_trainingrequirement",
        "events_learningrecord",
        "django_session",
    }


def test_a_new_row_shows_at_once(client, msl, kol, meeting):
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    InteractionFactory(owner=msl, kols=[KOLFactory(territory=kol.territory, last_name="Brook")])

    assert "Brook" in tables_read(client, "/interactions/")[1]


def test_a_bulk_update_that_sends_no_signal_shows_at_once(client, msl, kol, meeting):
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    KOL.objects.filter(pk=kol.pk).update(last_name="Alvarez-Ruiz")

    assert "Ana Alvarez-Ruiz" in tables_read(client, "/interactions/")[1]


def test_raw_sql_shows_at_once(client, msl, kol, meeting):
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    with connection.cursor() as cursor:
        cursor.execute("UPDATE kols_kol SET first_name = %s WHERE id = %s", ["Anabel", kol.pk])

    assert "Anabel Alvarez" in tables_read(client, "/interactions/")[1]


def test_rows_no_statement_shows_keep_the_page_that_wrote_them_from_being_kept():
    """psycopg's COPY, as the bench generator uses it, says so with `note_written`."""
    reading = Reading(generations={})

    with recording(reading):
        note_written(KOL)

    assert reading.wrote


@pytest.mark.parametrize(
    "sql",
    [
        "/* data fix */ UPDATE kols_kol SET first_name = %s WHERE id = %s",
        "-- data fix\nUPDATE kols_kol SET first_name = %s WHERE id = %s",
        "\r\n\tUPDATE kols_kol SET first_name = %s WHERE id = %s",
        "UPDATE KOLS_KOL SET first_name = %s WHERE id = %s",
        f"UPDATE {'public' if connection.vendor == 'postgresql' else 'main'}.kols_kol "  # noqa: S608
        "SET first_name = %s WHERE id = %s",
    ],
    ids=["block-comment", "line-comment", "blanks", "upper-case", "schema"],
)
def test_raw_sql_of_any_shape_shows_at_once(client, msl, kol, meeting, sql):
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    with connection.cursor() as cursor:
        cursor.execute(sql, ["Anabel", kol.pk])

    assert "Anabel Alvarez" in tables_read(client, "/interactions/")[1]


def test_a_removed_link_and_a_deletion_show_at_once(client, msl, kol, meeting):
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    meeting.kols.remove(kol)
    assert "Ana Alvarez" not in tables_read(client, "/interactions/")[1]

    Interaction.objects.all().delete()
    assert "No interactions yet" in tables_read(client, "/interactions/")[1]


def test_a_browser_without_a_csrf_cookie_gets_a_page_whose_forms_it_can_post(msl, meeting):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(msl)
    browser.get("/interactions/")
    browser.get("/interactions/")
    del browser.cookies[settings.CSRF_COOKIE_NAME]

    page = browser.get("/interactions/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    signed_out = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})

    assert signed_out.status_code == 302


def test_each_user_gets_their_own_page(client, msl, msl2, meeting):
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    sign_in(client, msl2)
    _, page = tables_read(client, "/interactions/")

    assert "Ana Alvarez" not in page
    assert "No interactions yet" in page


def test_a_waiting_message_is_shown_on_a_page_otherwise_served_from_the_cache(client, msl, meeting):
    follow_up = FollowUpFactory(interaction=meeting, owner=msl, description="Send the poster")
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    client.post(f"/follow-ups/{follow_up.pk}/done/")
    with_message = tables_read(client, "/interactions/")[1]
    after = tables_read(client, "/interactions/")[1]

    assert "Done: Send the poster" in with_message
    assert "Done: Send the poster" not in after


def test_a_hard_reload_builds_the_page_afresh(client, msl, meeting):
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    tables, _ = tables_read(client, "/interactions/", HTTP_CACHE_CONTROL="no-cache")

    assert "interactions_interaction" in tables


def test_a_page_lives_a_minute(client, msl, meeting, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC))
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    time_machine.shift(dt.timedelta(seconds=59))
    assert "interactions_interaction" not in tables_read(client, "/interactions/")[0]
    time_machine.shift(dt.timedelta(seconds=2))
    assert "interactions_interaction" in tables_read(client, "/interactions/")[0]


def test_a_page_is_not_served_past_its_day(client, msl, meeting, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 27, 23, 59, 45, tzinfo=dt.UTC))
    sign_in(client, msl)
    tables_read(client, "/interactions/")

    time_machine.shift(dt.timedelta(seconds=20))

    assert "interactions_interaction" in tables_read(client, "/interactions/")[0]


def test_a_page_built_by_another_release_is_not_served(client, msl, meeting, settings, tmp_path):
    settings.BASE_DIR = tmp_path  # stands for the project folder
    (tmp_path / "views.py").write_text("release 1")
    page_cache._code_version.cache_clear()  # each release starts new processes
    try:
        sign_in(client, msl)
        tables_read(client, "/interactions/")
        assert "interactions_interaction" not in tables_read(client, "/interactions/")[0]

        (tmp_path / "views.py").write_text("release 2, deployed")
        page_cache._code_version.cache_clear()

        assert "interactions_interaction" in tables_read(client, "/interactions/")[0]
    finally:
        page_cache._code_version.cache_clear()


def test_a_change_of_firewall_rules_read_from_their_own_cache_shows_at_once(client, msl, medinfo):
    MedicalInquiryFactory(raised_by=msl, off_label=True, question="Use in children?")
    sign_in(client, medinfo)
    compliance_config()  # the rules come from the cache, not the database, from now on
    assert "Use in children?" in tables_read(client, "/inquiries/")[1]

    FirewallRule.objects.update_or_create(
        role=Role.MEDICAL_INFORMATION.value, defaults={"may_see_off_label_inquiries": False}
    )

    page = tables_read(client, "/inquiries/")[1]
    assert "Use in children?" not in page
    assert "Off-label: content restricted" in page


def test_pages_are_built_when_the_cache_is_down(client, msl, meeting, settings):
    sign_in(client, msl)
    # Sessions read from a cache that is down fail on their own; these are the database's.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    for _ in range(2):
        tables, page = tables_read(client, "/interactions/")
        assert "interactions_interaction" in tables
        assert "Ana Alvarez" in page


def test_an_api_list_is_kept_per_token_and_a_revoked_token_gets_nothing(client, msl, meeting):
    token, key = token_create(user=msl, name="Warehouse", days=1)
    other = UserFactory(username="other-msl", roles=[Role.MSL])
    _, other_key = token_create(user=other, name="Other", days=1)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    # A use is written on the token (every few minutes): that request's list is not kept.
    tables_read(client, "/api/v1/interactions/", **bearer)
    first_tables, first = tables_read(client, "/api/v1/interactions/", **bearer)
    again_tables, again = tables_read(client, "/api/v1/interactions/", **bearer)
    _, others = tables_read(
        client, "/api/v1/interactions/", HTTP_AUTHORIZATION=f"Bearer {other_key}"
    )
    token_revoke(actor=msl, token=token)
    refused = client.get("/api/v1/interactions/", **bearer)

    assert "interactions_interaction" in first_tables
    assert "interactions_interaction" not in again_tables
    assert again == first
    assert f'"id":{meeting.pk}' in first.replace(" ", "")
    assert '"count":0' in others.replace(" ", "")
    assert refused.status_code == 401


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database locks a table another connection writes",
)
@pytest.mark.django_db(transaction=True)
def test_a_page_built_while_another_transaction_changed_its_rows_is_not_served_after_the_commit(
    client, msl, kol, meeting
):
    sign_in(client, msl)
    written, page_built = threading.Event(), threading.Event()

    def rename_in_a_long_transaction():
        try:
            with transaction.atomic():
                KOL.objects.filter(pk=kol.pk).update(last_name="Zamora")
                written.set()
                page_built.wait(10)
        finally:
            connections.close_all()

    writer = threading.Thread(target=rename_in_a_long_transaction)
    writer.start()
    written.wait(10)
    before_commit = tables_read(client, "/interactions/")[1]
    page_built.set()
    writer.join(10)

    assert "Ana Alvarez" in before_commit
    assert "Ana Zamora" in tables_read(client, "/interactions/")[1]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database locks a table another connection writes",
)
@pytest.mark.django_db(transaction=True)
def test_a_page_built_as_a_rules_change_commits_shows_the_new_rules(client, msl, medinfo):
    """Another request caches the rules while the change is being made; a page built right
    after the commit, before anything else the commit set off has run, and the pages after
    it must show the new rules."""
    MedicalInquiryFactory(raised_by=msl, off_label=True, question="Use in children?")
    sign_in(client, medinfo)
    assert "Use in children?" in tables_read(client, "/inquiries/")[1]
    built_at_the_commit = []

    def another_request_reads_the_rules():
        try:
            compliance_config()
        finally:
            connections.close_all()

    with transaction.atomic():
        # Stands for work set off by the commit (an e-mail, a task) while another request
        # is served.
        transaction.on_commit(
            lambda: built_at_the_commit.append(tables_read(client, "/inquiries/")[1])
        )
        FirewallRule.objects.update_or_create(
            role=Role.MEDICAL_INFORMATION.value, defaults={"may_see_off_label_inquiries": False}
        )
        reader = threading.Thread(target=another_request_reads_the_rules)
        reader.start()
        reader.join(10)

    assert "Use in children?" not in built_at_the_commit[0]
    assert "Use in children?" not in tables_read(client, "/inquiries/")[1]
