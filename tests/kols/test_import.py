"""Importing KOLs from CSV: a preview with row-level errors, nothing half-saved, no
duplicates on a second import."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import TherapeuticArea
from compliance.models import AuditEntry
from compliance.selectors import audit_chain_verify
from kols.importing import MAX_FILE_BYTES
from kols.models import KOL, ImportStatus, Institution, KOLImport
from tests.factories.kols import valid_npi

pytestmark = pytest.mark.django_db

HEADER = [
    "first_name",
    "last_name",
    "specialty",
    "country",
    "territory",
    "institution",
    "institution_city",
    "npi",
    "email",
    "therapeutic_areas",
    "tier",
    "interests",
    "consent_status",
    "consent_date",
]


@pytest.fixture
def importer(client, organisation, msl):
    TherapeuticArea.objects.create(name="Oncology")
    client.force_login(msl)
    return client


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def row(n, *, territory=None, **overrides):
    values = {
        "first_name": f"Ada{n}",
        "last_name": f"Lovelace{n}",
        "specialty": "Medical Oncology",
        "country": "US",
        "territory": territory,
        "institution": "Beacon Hill Hospital",
        "institution_city": "Boston",
        "npi": valid_npi(n),
        "email": f"ada{n}@hospital.example",
        "therapeutic_areas": "Oncology",
        "tier": "2",
        "interests": "CAR-T; biomarkers",
        "consent_status": "granted",
        "consent_date": "2026-01-15",
    }
    values.update(overrides)
    return [values[name] for name in HEADER]


def upload(client, content: bytes, name="kols.csv"):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("kols:import"), {"file": file}, follow=True)


def apply(client, kol_import, rows="all"):
    return client.post(
        reverse("kols:import_apply", args=[kol_import.pk]), {"rows": rows}, follow=True
    )


def test_a_clean_file_is_previewed_then_imported(importer, organisation):
    code = organisation["boston"].code
    content = csv_bytes([row(n, territory=code) for n in range(3)])

    preview = upload(importer, content)

    assert preview.status_code == 200
    assert b"Import all 3 rows" in preview.content
    assert not KOL.objects.exists(), "nothing is saved before the user decides"
    kol_import = KOLImport.objects.get()

    done = apply(importer, kol_import)

    assert b"3 KOLs added" in done.content
    assert KOL.objects.count() == 3
    kol = KOL.objects.get(npi=valid_npi(1))
    assert kol.territory == organisation["boston"]
    assert kol.institution.name == "Beacon Hill Hospital"
    assert sorted(i.name for i in kol.interests.all()) == ["CAR-T", "biomarkers"]
    assert [a.name for a in kol.therapeutic_areas.all()] == ["Oncology"]
    assert AuditEntry.objects.filter(action="create", content_type__model="kol").count() == 3
    assert audit_chain_verify().ok
    kol_import.refresh_from_db()
    assert kol_import.status == ImportStatus.IMPORTED
    assert bytes(kol_import.content) == b"", "the uploaded copy of personal data is dropped"


def test_importing_the_same_file_again_creates_no_duplicates(importer, organisation):
    content = csv_bytes([row(n, territory=organisation["boston"].code) for n in range(3)])
    apply(importer, (upload(importer, content), KOLImport.objects.get())[1])
    entries = AuditEntry.objects.count()

    upload(importer, content)
    second = KOLImport.objects.latest("pk")
    done = apply(importer, second)

    assert KOL.objects.count() == 3
    assert Institution.objects.count() == 1
    assert b"0 KOLs added, 0 updated, 3 unchanged" in done.content
    assert AuditEntry.objects.count() == entries


def test_a_changed_row_updates_the_known_kol_matched_by_npi(importer, organisation):
    code = organisation["boston"].code
    apply(
        importer,
        (upload(importer, csv_bytes([row(1, territory=code)])), KOLImport.objects.get())[1],
    )

    upload(importer, csv_bytes([row(1, territory=code, last_name="Byron", tier="1")]))
    apply(importer, KOLImport.objects.latest("pk"))

    kol = KOL.objects.get()
    assert (kol.last_name, kol.tier) == ("Byron", 1)
    change = AuditEntry.objects.filter(action="update").get()
    assert change.changes["last_name"] == {"before": "Lovelace1", "after": "Byron"}


def test_without_an_npi_a_kol_is_matched_by_name_and_institution(importer, organisation):
    code = organisation["boston"].code
    content = csv_bytes([row(1, territory=code, npi="")])
    apply(importer, (upload(importer, content), KOLImport.objects.get())[1])

    upload(importer, content)
    apply(importer, KOLImport.objects.latest("pk"))

    assert KOL.objects.count() == 1


def test_bad_rows_are_reported_by_row_column_and_reason_and_block_the_import(
    importer, organisation
):
    code = organisation["boston"].code
    content = csv_bytes(
        [
            row(1, territory=code),
            row(2, territory=code, npi="1234567890"),
            row(3, territory=code, email="not-an-email"),
            row(4, territory=organisation["bay_area"].code),
            row(5, territory=code, tier="7", consent_date=""),
            row(6, territory=code, therapeutic_areas="Cardiology"),
        ]
    )

    preview = upload(importer, content).content.decode()

    assert "Import only the 1 valid rows" in preview
    assert "Import all" not in preview
    for expected in (
        "<td>3</td><td><code>npi</code></td><td>This NPI&#x27;s check digit is wrong",
        "<td>4</td><td><code>email</code></td>",
        "<td>5</td><td><code>territory</code></td><td>“" + organisation["bay_area"].code,
        "<td>6</td><td><code>tier</code></td>",
        "<td>6</td><td><code>consent_date</code></td><td>is required when consent",
        "<td>7</td><td><code>therapeutic_areas</code></td><td>“Cardiology” is not",
    ):
        assert expected in preview
    refused = apply(importer, KOLImport.objects.get(), rows="all")
    assert b"5 row(s) were rejected, so nothing was imported" in refused.content
    assert not KOL.objects.exists()


def test_the_user_may_choose_to_import_only_the_valid_rows(importer, organisation):
    code = organisation["boston"].code
    content = csv_bytes([row(1, territory=code), row(2, territory=code, npi="123")])
    upload(importer, content)

    done = apply(importer, KOLImport.objects.get(), rows="valid")

    assert b"1 KOLs added" in done.content
    assert b"1 rows left out" in done.content
    assert list(KOL.objects.values_list("npi", flat=True)) == [valid_npi(1)]


def test_rows_repeating_a_kol_within_the_file_are_rejected(importer, organisation):
    code = organisation["boston"].code
    content = csv_bytes([row(1, territory=code), row(1, territory=code, first_name="Again")])

    preview = upload(importer, content).content.decode()

    assert "repeats the NPI of row 2" in preview


def test_a_kol_outside_the_users_territories_is_never_updated_by_import(
    importer, organisation, msl2
):
    other = KOL.objects.create(
        first_name="Hidden",
        last_name="Person",
        specialty="Rheumatology",
        country="US",
        territory=organisation["bay_area"],
        npi=valid_npi(9),
    )

    preview = upload(importer, csv_bytes([row(9, territory=organisation["boston"].code)]))

    assert "matches a KOL outside your territories" in preview.content.decode()
    other.refresh_from_db()
    assert other.territory == organisation["bay_area"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"   \n  ", "The file is empty."),
        (csv_bytes([]), "The file has a header but no rows."),
        (b"name,email\nAda,ada@example.org\n", "required columns missing: first_name"),
        (csv_bytes([["x"] * 15], header=[*HEADER, "shoe_size"]), "unknown column: shoe_size"),
        ("first_name,last_name\nZoë,Müller\n".encode("latin-1"), "The file is not UTF-8 text"),
        (b"x" * (MAX_FILE_BYTES + 1), "larger than 10 MB"),
    ],
    ids=["empty", "blank", "header-only", "missing-columns", "unknown-column", "latin-1", "huge"],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(importer, content, message):
    response = upload(importer, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not KOLImport.objects.exists()
    assert not KOL.objects.exists()


def test_a_short_row_is_reported_not_a_crash(importer, organisation):
    content = csv_bytes([row(1, territory=organisation["boston"].code)[:3]])

    preview = upload(importer, content).content.decode()

    assert "has 3 values where the header has 14 columns" in preview


def test_an_import_is_applied_once_even_if_posted_twice(importer, organisation):
    upload(importer, csv_bytes([row(1, territory=organisation["boston"].code)]))
    kol_import = KOLImport.objects.get()

    apply(importer, kol_import)
    second = apply(importer, kol_import)

    assert b"already imported" in second.content
    assert KOL.objects.count() == 1


def test_another_users_import_is_not_found(client, importer, organisation, manager):
    upload(importer, csv_bytes([row(1, territory=organisation["boston"].code)]))
    kol_import = KOLImport.objects.get()
    client.force_login(manager)

    assert client.get(reverse("kols:import_preview", args=[kol_import.pk])).status_code == 404
    assert client.post(reverse("kols:import_apply", args=[kol_import.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["compliance_user", "viewer"])
def test_roles_that_may_not_add_kols_cannot_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("kols:import")).status_code == 403


def test_cancelling_saves_nothing(importer, organisation):
    upload(importer, csv_bytes([row(1, territory=organisation["boston"].code)]))
    kol_import = KOLImport.objects.get()

    importer.post(reverse("kols:import_cancel", args=[kol_import.pk]))
    after = apply(importer, kol_import)

    assert b"already cancelled" in after.content
    assert not KOL.objects.exists()
    kol_import.refresh_from_db()
    assert bytes(kol_import.content) == b""


def test_the_template_file_reads_back_as_a_valid_header(importer):
    response = importer.get(reverse("kols:import_template"))

    assert response["Content-Disposition"].startswith("attachment")
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert {"first_name", "last_name", "specialty", "country", "territory"} <= set(header)


# What a file leaves out, and what an import may never undo.

MINIMAL = ["first_name", "last_name", "specialty", "country", "territory", "npi"]


def test_a_file_with_fewer_columns_updates_only_those_columns(importer, organisation):
    code = organisation["boston"].code
    apply(
        importer,
        (upload(importer, csv_bytes([row(1, territory=code)])), KOLImport.objects.get())[1],
    )
    kol = KOL.objects.get()
    kol.phone = "+1 617 555 0100"
    kol.save()

    minimal = [["Ada1", "Lovelace1", "Hematology", "US", code, valid_npi(1)]]
    upload(importer, csv_bytes(minimal, header=MINIMAL))
    apply(importer, KOLImport.objects.latest("pk"))

    kol.refresh_from_db()
    assert kol.specialty == "Hematology"
    assert (kol.phone, kol.email) == ("+1 617 555 0100", "ada1@hospital.example")
    assert kol.institution.name == "Beacon Hill Hospital"
    assert sorted(i.name for i in kol.interests.all()) == ["CAR-T", "biomarkers"]


def test_an_import_never_lifts_a_do_not_contact_or_a_withdrawn_consent(importer, organisation):
    code = organisation["boston"].code
    apply(
        importer,
        (upload(importer, csv_bytes([row(1, territory=code)])), KOLImport.objects.get())[1],
    )
    KOL.objects.update(do_not_contact=True, consent_status="withdrawn")
    header = [*HEADER, "do_not_contact"]

    upload(importer, csv_bytes([[*row(1, territory=code), "no"]], header=header))
    apply(importer, KOLImport.objects.latest("pk"))

    kol = KOL.objects.get()
    assert kol.do_not_contact is True
    assert kol.consent_status == "withdrawn"


def test_institutions_spelt_differently_are_one_institution(importer, organisation):
    code = organisation["boston"].code
    content = csv_bytes(
        [
            row(1, territory=code, institution="Mercy Hospital", institution_city="Boston"),
            row(2, territory=code, institution="mercy  hospital", institution_city="BOSTON"),
        ]
    )

    upload(importer, content)
    apply(importer, KOLImport.objects.get())

    assert list(Institution.objects.values_list("name", flat=True)) == ["Mercy Hospital"]


def test_the_same_person_with_and_without_an_npi_in_one_file_is_a_repeat(importer, organisation):
    code = organisation["boston"].code
    content = csv_bytes([row(1, territory=code), row(1, territory=code, npi="")])

    preview = upload(importer, content).content.decode()

    assert "repeats the KOL of row 2" in preview


def test_a_namesake_with_another_npi_is_another_person(importer, organisation):
    code = organisation["boston"].code
    apply(
        importer,
        (upload(importer, csv_bytes([row(1, territory=code)])), KOLImport.objects.get())[1],
    )

    upload(importer, csv_bytes([row(1, territory=code, npi=valid_npi(2))]))
    apply(importer, KOLImport.objects.latest("pk"))

    assert sorted(KOL.objects.values_list("npi", flat=True)) == [valid_npi(1), valid_npi(2)]


def test_a_kol_without_npi_or_institution_is_not_duplicated_on_reimport(importer, organisation):
    content = csv_bytes(
        [row(1, territory=organisation["boston"].code, npi="", institution="", institution_city="")]
    )
    apply(importer, (upload(importer, content), KOLImport.objects.get())[1])

    upload(importer, content)
    apply(importer, KOLImport.objects.latest("pk"))

    assert KOL.objects.count() == 1


def test_a_broken_quote_is_a_clear_error_not_a_crash(importer, organisation):
    content = csv_bytes([row(1, territory=organisation["boston"].code)]) + b'"' + b"x" * 200_000

    response = upload(importer, content)

    assert response.status_code == 200
    assert "cannot be read as CSV" in response.content.decode()
    assert not KOLImport.objects.exists()


def test_an_overlong_email_is_rejected_before_the_database_sees_it(importer, organisation):
    long_email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "example"
    content = csv_bytes([row(1, territory=organisation["boston"].code, email=long_email)])

    preview = upload(importer, content).content.decode()

    assert "<td><code>email</code></td>" in preview


def test_previews_left_undecided_for_a_day_are_cancelled_and_emptied(importer, organisation):
    import datetime as dt

    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from kols.tasks import purge_stale_kol_imports

    upload(importer, csv_bytes([row(1, territory=organisation["boston"].code)]))
    stale = KOLImport.objects.get()
    KOLImport.objects.filter(pk=stale.pk).update(
        uploaded_at=timezone.now() - dt.timedelta(hours=25)
    )
    upload(importer, csv_bytes([row(2, territory=organisation["boston"].code)]))
    fresh = KOLImport.objects.latest("pk")

    assert purge_stale_kol_imports.delay().get() == 1

    stale.refresh_from_db()
    assert (stale.status, bytes(stale.content)) == (ImportStatus.CANCELLED, b"")
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.PREVIEWED
    assert bytes(fresh.content)
    assert PeriodicTask.objects.filter(task="kols.tasks.purge_stale_kol_imports").exists()
