"""/compliance/audit/: search the trail, a record's history before and after, the CSV and
the printable history that says whether the record changed after its first entry."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType

from compliance.models import AuditEntry
from kols.models import KOL
from kols.services import kol_update
from tests.factories import KOLFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation, compliance_user):
    from kols.services import kol_create

    return kol_create(
        actor=compliance_user,
        first_name="Maria",
        last_name="Alvarez",
        specialty="Oncology",
        country="US",
        territory=organisation["boston"],
    )


def history_url(record) -> str:
    content_type = ContentType.objects.get_for_model(record)
    return f"/compliance/audit/{content_type.pk}/{record.pk}/"


def test_only_compliance_opens_the_audit_pages(client, msl, manager, viewer, kol):
    for user in (msl, manager, viewer):
        client.force_login(user)
        assert client.get("/compliance/audit/").status_code == 403
        assert client.get(history_url(kol)).status_code == 403


def test_the_search_filters_by_record_user_and_action(client, compliance_user, kol):
    other = UserFactory(username="someone-else")
    kol_update(actor=other, kol=kol, city="Cambridge")
    client.force_login(compliance_user)
    kol_type = ContentType.objects.get_for_model(KOL)

    by_record = client.get(f"/compliance/audit/?content_type={kol_type.pk}&object_id={kol.pk}")
    by_user = client.get("/compliance/audit/?actor=someone-else")
    by_action = client.get("/compliance/audit/?action=create&record=Alvarez")
    nothing = client.get("/compliance/audit/?actor=nobody")

    assert by_record.content.decode().count(f"#{kol.pk}</a>") == 2
    assert by_user.content.decode().count('text-bg-secondary">Changed<') == 1
    assert by_action.content.decode().count('text-bg-success">Created<') == 1
    assert "No audit entries match." in nothing.content.decode()


def test_a_records_history_shows_before_and_after_and_that_it_changed(client, compliance_user, kol):
    kol_update(actor=compliance_user, kol=kol, city="Cambridge")
    client.force_login(compliance_user)

    page = client.get(history_url(kol)).content.decode()
    printable = client.get(history_url(kol) + "?print=1").content.decode()

    assert "Changed after its first entry" in page
    assert '<td class="text-break">Cambridge</td>' in page
    assert "This record changed after its first entry (1 later entry)." in printable


def test_an_unchanged_record_says_so(client, compliance_user, kol):
    client.force_login(compliance_user)

    assert "Unchanged since its first entry" in client.get(history_url(kol)).content.decode()


def test_a_record_without_history_and_a_bogus_type_answer_404(client, compliance_user):
    client.force_login(compliance_user)
    silent = KOLFactory()  # written by a factory, so never audited

    assert client.get(history_url(silent)).status_code == 404
    assert client.get("/compliance/audit/999999/1/").status_code == 404


def test_the_history_exports_one_row_per_changed_field(client, compliance_user, kol):
    kol_update(actor=compliance_user, kol=kol, city="Cambridge")
    client.force_login(compliance_user)

    response = client.get(history_url(kol) + "?format=csv")

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    changed = [row for row in rows if row["action"] == "update"]
    assert [(row["field"], row["after"]) for row in changed] == [("city", "Cambridge")]
    assert {row["record_id"] for row in rows} == {str(kol.pk)}


def test_the_search_costs_the_same_queries_with_few_or_many_entries(
    client, compliance_user, organisation, django_assert_max_num_queries
):
    from kols.services import kol_create

    client.force_login(compliance_user)
    for count in (3, 30):
        for number in range(count):
            kol_create(
                actor=compliance_user,
                first_name="K",
                last_name=f"Number{count}x{number}",
                specialty="Oncology",
                country="US",
                territory=organisation["boston"],
            )
        with django_assert_max_num_queries(8):
            assert client.get("/compliance/audit/").status_code == 200


def test_the_export_holds_every_entry_past_what_the_list_counts(
    client, compliance_user, kol, settings
):
    settings.LIST_ROWS_COUNTED = 2
    for city in ("Cambridge", "Somerville", "Quincy"):
        kol_update(actor=compliance_user, kol=kol, city=city)
    client.force_login(compliance_user)

    response = client.get("/compliance/audit/?format=csv")

    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    entries = AuditEntry.objects.count()
    assert entries > 2
    assert len({row["sequence"] for row in rows}) == entries
