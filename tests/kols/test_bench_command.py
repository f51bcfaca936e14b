from io import StringIO

import pytest
from django.core.management import call_command

from compliance.models import AuditEntry
from kols.models import KOL, KOLImport

pytestmark = pytest.mark.django_db


def test_the_import_benchmark_measures_and_leaves_nothing_behind(organisation, msl):
    out = StringIO()

    call_command("bench_kol_import", rows=40, user="msl", stdout=out)

    assert "40 rows" in out.getvalue()
    assert "(0 errors)" in out.getvalue()
    assert "Rolled back." in out.getvalue()
    assert not KOL.objects.exists()
    assert not KOLImport.objects.exists()
    assert not AuditEntry.objects.exists()
