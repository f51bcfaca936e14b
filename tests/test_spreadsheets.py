"""Downloads opened in a spreadsheet program never run text as a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from compliance.models import AuditEntry
from kols.services import kol_update
from msl_crm.spreadsheets import safe_cell
from tests.factories import KOLFactory

FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_starts_like_a_formula_is_quoted(start):
    assert safe_cell(start + "SUM(A1)") == "'" + start + "SUM(A1)"


def test_numbers_and_plain_text_pass_unchanged():
    assert safe_cell(-5) == -5
    assert safe_cell("Dr Alvarez") == "Dr Alvarez"


@pytest.mark.django_db
def test_the_audit_csv_quotes_a_formula_typed_into_a_record(client, organisation, compliance_user):
    kol = KOLFactory(territory=organisation["boston"])
    kol_update(actor=compliance_user, kol=kol, city=FORMULA)
    client.force_login(compliance_user)

    response = client.get("/compliance/audit/?format=csv")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert AuditEntry.objects.filter(object_id=str(kol.pk)).exists()


@pytest.mark.django_db
def test_the_report_xlsx_stores_a_formula_like_quote_as_text(client, manager):
    from tests.factories import TrendReportFactory

    report = TrendReportFactory()
    report.data["topics"] = [
        {
            "topic_id": 1,
            "topic": FORMULA,
            "count": 3,
            "last_week": 1,
            "change": 2,
            "baseline_mean": 1.0,
            "p_value": 0.5,
            "p_value_text": "0.5",
            "emerging": False,
            "sentiment": {"positive": 1, "neutral": 1, "negative": 1, "mixed": 0},
        }
    ]
    report.save()
    client.force_login(manager)

    response = client.get(f"/reports/{report.pk}/?format=xlsx")

    sheet = load_workbook(io.BytesIO(response.content))["Topics"]
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA
