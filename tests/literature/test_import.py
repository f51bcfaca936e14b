"""Importing PubMed and ClinicalTrials.gov files: items are de-duplicated by their public id,
a changed item is marked updated, a bad file imports nothing, and authors and investigators
are matched to KOLs, with decisions already taken kept across re-imports."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from literature import services
from literature.models import ClinicalTrial, Contributor, MatchStatus, Publication
from literature.pubmed import parse_pubmed
from literature.trials import parse_trials
from tests.factories import InstitutionFactory, KOLFactory
from tests.literature.conftest import PUBMED_SAMPLE, TRIALS_SAMPLE, author, publication

pytestmark = pytest.mark.django_db

DANA_FARBER = "Dana-Farber Cancer Institute, Boston, MA, USA."


def run(command, path) -> str:
    out = StringIO()
    call_command(command, str(path), stdout=out)
    return out.getvalue()


def test_import_pubmed_saves_the_sample_publications_with_their_authors():
    output = run("import_pubmed", PUBMED_SAMPLE)

    assert "Publications: 2 new, 0 updated, 0 unchanged." in output
    first = Publication.objects.get(pmid="39000001")
    assert first.journal == "Journal of Clinical Oncology"
    assert first.doi == "10.1200/JCO.24.00001"
    assert not first.was_updated
    assert "carcinoma, non-small-cell lung" in first.search_text
    assert [str(person) for person in first.authors.all()] == ["Maria Alvarez", "Thanh Nguyen"]
    assert first.authors.get(last_name="Alvarez").orcid == "0000-0002-1825-0097"
    assert Publication.objects.get(pmid="39000002").authors.count() == 1


def test_importing_the_same_file_again_changes_nothing():
    run("import_pubmed", PUBMED_SAMPLE)
    before = {p.pmid: p.changed_at for p in Publication.objects.all()}

    output = run("import_pubmed", PUBMED_SAMPLE)

    assert "0 new, 0 updated, 2 unchanged" in output
    assert Publication.objects.count() == 2
    assert Contributor.objects.count() == 3
    assert {p.pmid: p.changed_at for p in Publication.objects.all()} == before
    assert not Publication.objects.filter(was_updated=True).exists()


def test_an_edited_title_marks_the_publication_updated(tmp_path):
    run("import_pubmed", PUBMED_SAMPLE)
    before = Publication.objects.get(pmid="39000001")
    edited = tmp_path / "edited.xml"
    edited.write_text(PUBMED_SAMPLE.read_text().replace("Long-term outcomes", "Ten-year outcomes"))

    output = run("import_pubmed", edited)

    assert "0 new, 1 updated, 1 unchanged" in output
    after = Publication.objects.get(pmid="39000001")
    assert after.title.startswith("Ten-year outcomes")
    assert after.was_updated
    assert after.changed_at > before.changed_at
    assert "ten-year outcomes" in after.search_text
    assert not Publication.objects.get(pmid="39000002").was_updated


def test_a_malformed_pubmed_file_raises_and_saves_nothing(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(PUBMED_SAMPLE.read_bytes()[:-40])

    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import_pubmed", broken)

    assert not Publication.objects.exists()
    assert not Contributor.objects.exists()


def test_a_missing_file_raises_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_pubmed", tmp_path / "absent.xml")


def test_import_trials_saves_the_sample_trial_and_is_idempotent():
    first = run("import_trials", TRIALS_SAMPLE)
    second = run("import_trials", TRIALS_SAMPLE)

    assert "Trials: 1 new, 0 updated, 0 unchanged." in first
    assert "Trials: 0 new, 0 updated, 1 unchanged." in second
    trial = ClinicalTrial.objects.get()
    assert (trial.nct_id, trial.status, trial.phase) == ("NCT06000001", "RECRUITING", "PHASE2")
    assert trial.interventions == ["Pembrolizumab"]
    (investigator,) = trial.investigators.all()
    assert (investigator.first_name, investigator.last_name) == ("Maria", "Alvarez")
    assert investigator.role == "Principal Investigator"


def test_a_changed_trial_status_marks_it_updated(tmp_path):
    run("import_trials", TRIALS_SAMPLE)
    changed = tmp_path / "changed.json"
    changed.write_text(TRIALS_SAMPLE.read_text().replace("RECRUITING", "COMPLETED"))

    output = run("import_trials", changed)

    assert "0 new, 1 updated, 0 unchanged" in output
    trial = ClinicalTrial.objects.get()
    assert trial.status == "COMPLETED"
    assert trial.was_updated


def test_a_malformed_trials_file_raises_and_saves_nothing(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"studies": [{"protocolSection": {"identificationModule": {}}}]}')

    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import_trials", broken)

    assert not ClinicalTrial.objects.exists()
    assert not Contributor.objects.exists()


def test_an_author_at_the_kols_institution_is_suggested_with_high_confidence():
    kol = KOLFactory(
        first_name="Maria",
        last_name="Alvarez",
        institution=InstitutionFactory(name="Dana-Farber Cancer Institute"),
    )

    services.publications_import(parse_pubmed(PUBMED_SAMPLE.read_bytes()))

    alvarez = Contributor.objects.get(last_name="Alvarez")
    assert alvarez.kol == kol
    assert alvarez.match_status == MatchStatus.SUGGESTED
    assert alvarez.match_confidence == Decimal("0.90")
    nguyen = Contributor.objects.get(last_name="Nguyen")
    assert (nguyen.kol, nguyen.match_status) == (None, "")


def test_a_trial_investigator_is_matched_the_same_way():
    kol = KOLFactory(
        first_name="Maria",
        last_name="Alvarez",
        institution=InstitutionFactory(name="Dana-Farber Cancer Institute"),
    )

    services.trials_import(parse_trials(TRIALS_SAMPLE.read_bytes()))

    investigator = Contributor.objects.get(trial__nct_id="NCT06000001")
    assert (investigator.kol, investigator.match_confidence) == (kol, Decimal("0.90"))


def test_a_unique_name_elsewhere_is_suggested_with_low_confidence():
    kol = KOLFactory(
        first_name="Mark",
        last_name="Alvarez",
        institution=InstitutionFactory(name="Mayo Clinic"),
    )

    services.publications_import(
        [publication(1, "A paper", authors=[author("Alvarez", "Maria", DANA_FARBER)])]
    )

    row = Contributor.objects.get()
    assert row.kol == kol
    assert row.match_status == MatchStatus.SUGGESTED
    assert row.match_confidence == Decimal("0.60")


def test_two_namesakes_at_other_institutions_give_no_match():
    KOLFactory(first_name="Maria", last_name="Alvarez", institution=InstitutionFactory())
    KOLFactory(first_name="Marta", last_name="Alvarez", institution=InstitutionFactory())

    services.publications_import(
        [publication(1, "A paper", authors=[author("Alvarez", "Maria", DANA_FARBER)])]
    )

    row = Contributor.objects.get()
    assert (row.kol, row.match_confidence, row.match_status) == (None, None, "")


def test_the_namesake_at_the_named_institution_wins_over_the_other():
    KOLFactory(first_name="Marta", last_name="Alvarez", institution=InstitutionFactory())
    at_dana_farber = KOLFactory(
        first_name="Maria",
        last_name="Álvarez",
        institution=InstitutionFactory(name="Dana-Farber Cancer Institute"),
    )

    services.publications_import(
        [publication(1, "A paper", authors=[author("Álvarez", "María", DANA_FARBER)])]
    )

    row = Contributor.objects.get()
    assert (row.kol, row.match_confidence) == (at_dana_farber, Decimal("0.90"))


def test_a_different_first_initial_is_not_a_match():
    KOLFactory(first_name="Thomas", last_name="Alvarez")

    services.publications_import(
        [publication(1, "A paper", authors=[author("Alvarez", "Maria", DANA_FARBER)])]
    )

    assert Contributor.objects.get().kol is None


@pytest.mark.parametrize("confirm", [True, False], ids=["confirmed", "rejected"])
def test_a_decided_match_survives_a_reimport_of_a_changed_record(confirm, msl):
    kol = KOLFactory(
        first_name="Maria",
        last_name="Alvarez",
        institution=InstitutionFactory(name="Dana-Farber Cancer Institute"),
    )
    people = [author("Alvarez", "Maria", DANA_FARBER)]
    services.publications_import([publication(1, "First title", authors=people)])
    services.match_decide(actor=msl, contributor=Contributor.objects.get(), confirm=confirm)

    result = services.publications_import([publication(1, "Corrected title", authors=people)])

    assert str(result) == "0 new, 1 updated, 0 unchanged"
    row = Contributor.objects.get()
    assert row.publication.title == "Corrected title"
    assert row.kol == kol
    expected = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
    assert row.match_status == expected


def test_a_file_that_repeats_an_item_imports_it_once():
    result = services.publications_import(
        [publication(1, "Same paper"), publication(1, "Same paper")]
    )

    assert str(result) == "1 new, 0 updated, 0 unchanged"
    assert Publication.objects.count() == 1
