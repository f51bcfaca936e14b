"""Demo literature: the sample PubMed and ClinicalTrials.gov files, publications and trials
written by demo KOLs (so the matching has work to do), and a watch topic per MSL."""

import datetime as dt
import random
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from kols.models import KOL

from .models import ClinicalTrial, Publication, WatchTopic
from .pubmed import PersonRecord, PublicationRecord, parse_pubmed
from .services import publications_import, trials_import
from .trials import TrialRecord, parse_trials

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TITLES = [
    "Long-term outcomes of {drug} in patients over 75: a multicentre cohort",
    "Sequencing after progression on {drug}: real-world evidence",
    "Managing immune-related adverse events with {drug}: a practical review",
    "Biomarkers of response to {drug} in routine practice",
]
DRUGS = ["checkpoint inhibitors", "carelimab", "colitrelizumab", "dermacitinib"]
TOPICS = {
    "msl": ("Lung cancer immunotherapy", "checkpoint\nlung cancer\nimmune-related"),
    "msl2": ("Immunology biologics", "psoriatic arthritis\nbiologic\ndermacitinib"),
}


def seed(stdout) -> None:
    if Publication.objects.exists():
        stdout.write("Literature: already there, none added.")
        return
    publications_import(parse_pubmed((FIXTURES / "pubmed_sample.xml").read_bytes()))
    trials_import(parse_trials((FIXTURES / "trials_sample.json").read_bytes()))
    rng = random.Random(5)  # noqa: S311 - repeatable demo data, not a secret
    kols = list(KOL.objects.filter(institution__isnull=False).select_related("institution")[:40])
    today = timezone.localdate()
    records = []
    for number, kol in enumerate(kols[:24]):
        drug = DRUGS[number % len(DRUGS)]
        records.append(
            PublicationRecord(
                pmid=str(39100000 + number),
                title=rng.choice(TITLES).format(drug=drug).capitalize(),
                abstract=f"We studied {drug} in routine care; outcomes matched the trials.",
                journal=rng.choice(["The Lancet Oncology", "JAMA Oncology", "Rheumatology"]),
                published_on=today - dt.timedelta(days=rng.randint(1, 120)),
                mesh_terms=["Humans", "Lung Neoplasms" if number % 2 else "Arthritis, Psoriatic"],
                authors=[
                    PersonRecord(
                        last_name=kol.last_name,
                        first_name=kol.first_name,
                        affiliation=f"{kol.institution.name}, {kol.city}",
                    )
                ],
            )
        )
    publications_import(records)
    trials_import(
        [
            TrialRecord(
                nct_id=f"NCT0610{number:04d}",
                title=f"A phase 3 study of {DRUGS[number % len(DRUGS)]} in advanced disease",
                status="RECRUITING",
                phase="PHASE3",
                conditions=["Non-small Cell Lung Cancer" if number % 2 else "Psoriatic Arthritis"],
                sponsor="MSL CRM Demo Pharma",
                start_date=today - dt.timedelta(days=90),
                investigators=[
                    PersonRecord(
                        last_name=kol.last_name,
                        first_name=kol.first_name,
                        affiliation=kol.institution.name,
                        role="Principal Investigator",
                    )
                ],
            )
            for number, kol in enumerate(kols[24:32])
        ]
    )
    for username, (name, terms) in TOPICS.items():
        owner = User.objects.filter(username=username).first()
        if owner is not None:
            WatchTopic.objects.create(name=name, terms=terms, owner=owner)
    stdout.write(
        f"Literature: {Publication.objects.count()} publications, "
        f"{ClinicalTrial.objects.count()} trials, authors matched to KOLs, watch topics."
    )
