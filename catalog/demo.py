"""Demo portfolio: a fictional oncology and immunology company's products, topics and
approved materials, some of them expired or reactive-only as in real life."""

import datetime as dt

from django.utils import timezone

from .models import (
    ApprovedMaterial,
    Indication,
    InsightTopic,
    MaterialUse,
    Product,
    TherapeuticArea,
)

AREAS = {
    "Oncology": "Solid tumours and haematological malignancies.",
    "Immunology": "Immune-mediated inflammatory diseases.",
}

PRODUCTS = [
    # name, generic, area, marketed, indications
    (
        "Zentorvia",
        "zentorafenib",
        "Oncology",
        True,
        ["BRAF V600E-mutant metastatic melanoma", "BRAF V600E-mutant NSCLC after one prior line"],
    ),
    (
        "Oncarelix",
        "carelimab",
        "Oncology",
        True,
        [
            "PD-L1-high metastatic NSCLC, first line",
            "Adjuvant treatment of resected stage III melanoma",
        ],
    ),
    (
        "Trivanta",
        "trivacabtagene autoleucel",
        "Oncology",
        True,
        ["Relapsed or refractory large B-cell lymphoma after two lines"],
    ),
    ("Velopra", "velotuzumab", "Oncology", False, []),
    (
        "Imunexa",
        "imunekinumab",
        "Immunology",
        True,
        ["Moderate-to-severe plaque psoriasis", "Active psoriatic arthritis"],
    ),
    (
        "Dermavia",
        "dermacitinib",
        "Immunology",
        True,
        ["Moderate-to-severe atopic dermatitis in adults and adolescents"],
    ),
    (
        "Colitrex",
        "colitrelizumab",
        "Immunology",
        True,
        ["Moderately to severely active ulcerative colitis"],
    ),
]

TOPICS = {
    "Efficacy": ["Long-term outcomes", "Response in subgroups", "Real-world effectiveness"],
    "Safety": ["Adverse event management", "Long-term safety", "Drug interactions"],
    "Treatment practice": ["Sequencing", "Combination use", "Guideline adoption"],
    "Access": ["Reimbursement", "Prior authorisation", "Hospital formulary"],
    "Clinical trials": ["Trial design", "Enrolment barriers", "Investigator interest"],
    "Competitive landscape": ["Competitor data", "Biosimilars"],
    "Education": ["HCP education gaps", "Patient education"],
    "Diagnostics": ["Biomarker testing", "Companion diagnostics"],
}

MATERIALS = [
    # title, doc, version, area, products, approved days ago, valid days, use
    (
        "Zentorvia pivotal trial summary",
        "MED-ONC-0101",
        "3.0",
        "Oncology",
        ["Zentorvia"],
        200,
        530,
        MaterialUse.PROACTIVE,
    ),
    (
        "Zentorvia dose-modification guide",
        "MED-ONC-0102",
        "1.2",
        "Oncology",
        ["Zentorvia"],
        90,
        640,
        MaterialUse.PROACTIVE,
    ),
    (
        "Oncarelix immune-related AE management",
        "MED-ONC-0110",
        "2.1",
        "Oncology",
        ["Oncarelix"],
        120,
        610,
        MaterialUse.PROACTIVE,
    ),
    (
        "Oncarelix data in brain metastases (off-label)",
        "MED-ONC-0111",
        "1.0",
        "Oncology",
        ["Oncarelix"],
        60,
        670,
        MaterialUse.REACTIVE_ONLY,
    ),
    (
        "Trivanta CRS and neurotoxicity grading",
        "MED-ONC-0120",
        "1.4",
        "Oncology",
        ["Trivanta"],
        400,
        300,
        MaterialUse.PROACTIVE,
    ),
    (
        "Trivanta pivotal trial summary (superseded)",
        "MED-ONC-0121",
        "1.0",
        "Oncology",
        ["Trivanta"],
        800,
        365,
        MaterialUse.PROACTIVE,
    ),
    (
        "Imunexa five-year psoriasis data",
        "MED-IMM-0201",
        "2.0",
        "Immunology",
        ["Imunexa"],
        150,
        580,
        MaterialUse.PROACTIVE,
    ),
    (
        "Dermavia use in pregnancy: what is known",
        "MED-IMM-0210",
        "1.1",
        "Immunology",
        ["Dermavia"],
        100,
        630,
        MaterialUse.REACTIVE_ONLY,
    ),
    (
        "Colitrex onboarding guide for IBD nurses",
        "MED-IMM-0220",
        "1.0",
        "Immunology",
        ["Colitrex"],
        500,
        200,
        MaterialUse.PROACTIVE,
    ),
]


def seed(stdout) -> None:
    areas = {
        name: TherapeuticArea.objects.get_or_create(name=name, defaults={"description": text})[0]
        for name, text in AREAS.items()
    }
    products = {}
    for name, generic, area, marketed, indications in PRODUCTS:
        product, _ = Product.objects.get_or_create(
            name=name,
            defaults={
                "generic_name": generic,
                "therapeutic_area": areas[area],
                "is_marketed": marketed,
            },
        )
        products[name] = product
        for description in indications:
            Indication.objects.get_or_create(
                product=product,
                description=description,
                region="US",
                defaults={"approved_on": dt.date(2023, 3, 1)},
            )
    for parent_name, children in TOPICS.items():
        parent, _ = InsightTopic.objects.get_or_create(name=parent_name, parent=None)
        for child in children:
            InsightTopic.objects.get_or_create(name=child, parent=parent)
    today = timezone.localdate()
    for title, doc, version, area, names, ago, valid, use in MATERIALS:
        approved = today - dt.timedelta(days=ago)
        material, created = ApprovedMaterial.objects.get_or_create(
            document_number=doc,
            version=version,
            defaults={
                "title": title,
                "url": f"https://medical.example.org/materials/{doc.lower()}-v{version}",
                "therapeutic_area": areas[area],
                "approved_on": approved,
                "expires_on": approved + dt.timedelta(days=valid),
                "use": use,
            },
        )
        if created:
            material.products.set(products[name] for name in names)
    stdout.write(
        f"Catalog: {Product.objects.count()} products, {InsightTopic.objects.count()} topics, "
        f"{ApprovedMaterial.objects.count()} approved materials."
    )
