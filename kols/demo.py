"""Demo KOLs: a few hundred fictional physicians across the four demo territories.

Generated from a fixed seed, so every demo shows the same people. NPIs are made valid
(correct check digit) but come from a range no real provider has been given.
"""

import random

from django.conf import settings

from accounts.models import Territory
from catalog.models import TherapeuticArea

from .identifiers import npi_check_digit
from .models import KOL, Channel, ConsentStatus, EngagementPlan, Institution, InstitutionType
from .services import kol_create

FIRST_NAMES = [
    "Amelia",
    "Benjamin",
    "Chloe",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hiroshi",
    "Isabel",
    "Jonas",
    "Katarzyna",
    "Liam",
    "Maya",
    "Nikhil",
    "Olivia",
    "Pablo",
    "Quinn",
    "Rosa",
    "Samuel",
    "Tara",
    "Umar",
    "Valentina",
    "William",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aisha",
    "Carlos",
    "Deborah",
    "Ethan",
    "Fatima",
    "Gabriel",
    "Hannah",
    "Ivan",
    "Julia",
    "Kwame",
]
LAST_NAMES = [
    "Abernathy",
    "Baptiste",
    "Castellano",
    "Delacroix",
    "Eriksen",
    "Fitzgerald",
    "Gupta",
    "Hartmann",
    "Iwasaki",
    "Jovanovic",
    "Kowalski",
    "Lindqvist",
    "Moreno",
    "Nakamura",
    "Okonkwo",
    "Petrov",
    "Quintero",
    "Ramanathan",
    "Schultz",
    "Takahashi",
    "Underwood",
    "Vasquez",
    "Whitfield",
    "Xu",
    "Yamamoto",
    "Zielinski",
    "Achterberg",
    "Brennan",
    "Coleman",
    "Duarte",
    "Ellison",
    "Fournier",
    "Garza",
    "Haddad",
    "Ibarra",
    "Jensen",
    "Kaur",
    "Larsen",
]
SPECIALTIES = {
    "Oncology": [
        "Medical Oncology",
        "Hematology-Oncology",
        "Thoracic Oncology",
        "Dermato-Oncology",
        "Radiation Oncology",
    ],
    "Immunology": ["Rheumatology", "Dermatology", "Gastroenterology", "Clinical Immunology"],
}
INTERESTS = {
    "Oncology": [
        "CAR-T",
        "immunotherapy",
        "biomarkers",
        "targeted therapy",
        "NSCLC",
        "melanoma",
        "lymphoma",
        "real-world evidence",
        "clinical trial design",
    ],
    "Immunology": [
        "psoriasis",
        "atopic dermatitis",
        "IBD",
        "JAK inhibitors",
        "biologics",
        "psoriatic arthritis",
        "real-world evidence",
        "patient-reported outcomes",
    ],
}
INSTITUTIONS = {
    "US-NE-01": [
        ("Beacon Hill University Hospital", InstitutionType.ACADEMIC, "Boston"),
        ("Charles River Cancer Institute", InstitutionType.CANCER_CENTER, "Boston"),
        ("Back Bay Dermatology Associates", InstitutionType.PRACTICE, "Boston"),
        ("Mystic Valley Medical Center", InstitutionType.COMMUNITY, "Medford"),
    ],
    "US-NE-02": [
        ("Hudson Presbyterian Medical Center", InstitutionType.ACADEMIC, "New York"),
        ("Empire State Cancer Center", InstitutionType.CANCER_CENTER, "New York"),
        ("Brooklyn Heights Rheumatology", InstitutionType.PRACTICE, "Brooklyn"),
        ("Queensboro Community Hospital", InstitutionType.COMMUNITY, "Queens"),
    ],
    "US-W-01": [
        ("Golden Gate University Medical Center", InstitutionType.ACADEMIC, "San Francisco"),
        ("Bayview Institute for Immunology", InstitutionType.RESEARCH, "Palo Alto"),
        ("Mission Bay Skin & Joint Clinic", InstitutionType.PRACTICE, "San Francisco"),
        ("East Bay Regional Hospital", InstitutionType.COMMUNITY, "Oakland"),
    ],
    "US-W-02": [
        ("Puget Sound University Hospital", InstitutionType.ACADEMIC, "Seattle"),
        ("Cascade Cancer Research Center", InstitutionType.CANCER_CENTER, "Seattle"),
        ("Willamette Gastroenterology", InstitutionType.PRACTICE, "Portland"),
        ("Rose City Medical Center", InstitutionType.COMMUNITY, "Portland"),
    ],
}
AREA_BY_TERRITORY = {
    "US-NE-01": "Oncology",
    "US-NE-02": "Oncology",
    "US-W-01": "Immunology",
    "US-W-02": "Immunology",
}
# NPIs are issued from 1 and 2; this block of 19xxxxxxx numbers is kept for the demo.
DEMO_NPI_BASE = 199_000_000


def seed(stdout) -> None:
    if KOL.objects.exists():
        stdout.write(f"KOLs: {KOL.objects.count()} already there, none added.")
        return
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not a secret
    areas = {area.name: area for area in TherapeuticArea.objects.all()}
    serial = 0
    for code, places in INSTITUTIONS.items():
        territory = Territory.objects.get(code=code)
        area_name = AREA_BY_TERRITORY[code]
        institutions = [
            Institution.objects.get_or_create(
                name=name, city=city, country="US", defaults={"type": kind}
            )[0]
            for name, kind, city in places
        ]
        for _ in range(settings.DEMO_KOLS_PER_TERRITORY):
            serial += 1
            institution = rng.choice(institutions)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            tier = rng.choices([1, 2, 3], weights=[1, 3, 6])[0]
            first_nine = str(DEMO_NPI_BASE + serial)
            consent = rng.choices(list(ConsentStatus), weights=[8, 1, 2])[0]
            kol = kol_create(
                actor=None,
                first_name=first,
                last_name=last,
                credentials=rng.choice(["MD", "MD, PhD", "MD, MPH", "DO"]),
                specialty=rng.choice(SPECIALTIES[area_name]),
                institution=institution,
                npi=first_nine + str(npi_check_digit(first_nine)),
                email=f"{first}.{last}.{serial}@hospital.example".lower(),
                phone=f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                city=institution.city,
                country="US",
                territory=territory,
                tier=tier,
                preferred_channel=rng.choice(list(Channel)),
                consent_status=consent,
                consent_date=None if consent == ConsentStatus.UNKNOWN else _date(rng),
                consent_source="" if consent == ConsentStatus.UNKNOWN else "Signed form",
                do_not_contact=rng.random() < 0.03,
                therapeutic_areas=[areas[area_name]],
                interests=rng.sample(INTERESTS[area_name], k=rng.randint(1, 3)),
            )
            if tier == 1:
                EngagementPlan.objects.create(
                    kol=kol,
                    year=2026,
                    objectives="Understand treatment sequencing in practice; explore "
                    "investigator interest in the next phase III programme.",
                    planned_touchpoints=6,
                    owner=territory.assignees.first(),
                )
    stdout.write(f"KOLs: {KOL.objects.count()} in {len(INSTITUTIONS)} territories.")


def _date(rng: random.Random):
    import datetime as dt

    return dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
