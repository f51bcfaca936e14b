"""A stored report as CSV, XLSX and PDF. The PDF draws the same SVG charts as the page
(svglib turns them into ReportLab drawings). Quotes go out only where the caller says the
reader may see them (the firewall)."""

import csv
import io

# ReportLab's Paragraph reads its own markup: text written by users must be escaped first.
from xml.sax.saxutils import escape

from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from svglib.svglib import svg2rlg

from msl_crm.spreadsheets import safe_row

from .charts import bar_chart
from .models import TrendReport

TOPIC_COLUMNS = [
    "Topic",
    "This week",
    "Last week",
    "Change",
    "Baseline mean",
    "p-value",
    "Emerging",
]
SENTIMENT_COLUMNS = ["Positive", "Neutral", "Negative", "Mixed"]
DIMENSION_COLUMNS = ["Name", "This week", "Last week", "Baseline mean"]
SECTIONS = (
    ("products", "Products"),
    ("therapeutic_areas", "Therapeutic areas"),
    ("regions", "Regions"),
)


def topic_chart(report: TrendReport):
    topics = report.data["topics"][:10]
    return bar_chart(
        "Insights per topic this week",
        [row["topic"] for row in topics],
        [row["count"] for row in topics],
        highlight=[row["emerging"] for row in topics],
    )


def _topic_row(row) -> list:
    sentiment = row["sentiment"]
    return [
        row["topic"],
        row["count"],
        row["last_week"],
        row["change"],
        row["baseline_mean"],
        f"{row['p_value']:.4g}",
        "yes" if row["emerging"] else "",
        sentiment["positive"],
        sentiment["neutral"],
        sentiment["negative"],
        sentiment["mixed"],
    ]


def report_csv(report: TrendReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Insight trends, week of {report.week:%Y-%m-%d}"])
    writer.writerow(["Method", report.method])
    writer.writerow([])
    writer.writerow(TOPIC_COLUMNS + SENTIMENT_COLUMNS)
    writer.writerows(safe_row(_topic_row(row)) for row in report.data["topics"])
    for key, title in SECTIONS:
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(DIMENSION_COLUMNS)
        writer.writerows(
            safe_row([row["name"], row["count"], row["last_week"], row["baseline_mean"]])
            for row in report.data[key]
        )
    return out.getvalue()


def report_xlsx(report: TrendReport, *, include_quotes: bool) -> bytes:
    workbook = Workbook()
    topics = workbook.active
    topics.title = "Topics"
    topics.append(TOPIC_COLUMNS + SENTIMENT_COLUMNS)
    for row in report.data["topics"]:
        topics.append(safe_row(_topic_row(row)))
    for key, title in SECTIONS:
        sheet = workbook.create_sheet(title)
        sheet.append(DIMENSION_COLUMNS)
        for row in report.data[key]:
            sheet.append(
                safe_row([row["name"], row["count"], row["last_week"], row["baseline_mean"]])
            )
    if include_quotes:
        quotes = workbook.create_sheet("Quotes")
        quotes.append(["Emerging topic", "Quote"])
        for row in report.data["emerging"]:
            for quote in row.get("quotes", []):
                quotes.append(safe_row([row["topic"], quote]))
    method = workbook.create_sheet("Method")
    method.append([report.method])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_pdf(report: TrendReport, *, include_quotes: bool = False) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, title=str(report), leftMargin=1.5 * cm, rightMargin=1.5 * cm
    )
    story = [
        Paragraph(escape(str(report)), styles["Title"]),
        Paragraph(escape(report.method), styles["BodyText"]),
        Spacer(1, 0.4 * cm),
        _drawing(topic_chart(report), document.width),
        Spacer(1, 0.4 * cm),
        Paragraph("Topics", styles["Heading2"]),
        _table([TOPIC_COLUMNS] + [_topic_row(row)[:7] for row in report.data["topics"]]),
    ]
    if report.data["emerging"]:
        story.append(Paragraph("Emerging topics", styles["Heading2"]))
        for row in report.data["emerging"]:
            story.append(
                Paragraph(
                    f"{escape(row['topic'])}: {row['count']} this week against a baseline of "
                    f"{row['baseline_mean']} (p = {row['p_value']:.2g})",
                    styles["BodyText"],
                )
            )
            if include_quotes:
                for quote in row.get("quotes", []):
                    story.append(Paragraph(f"“{escape(quote)}”", styles["Italic"]))
    for key, title in SECTIONS:
        story.append(Paragraph(title, styles["Heading2"]))
        story.append(
            _table(
                [DIMENSION_COLUMNS]
                + [
                    [row["name"], row["count"], row["last_week"], row["baseline_mean"]]
                    for row in report.data[key]
                ]
            )
        )
    document.build(story)
    return out.getvalue()


def _drawing(svg: str, max_width: float):
    drawing = svg2rlg(io.StringIO(str(svg)))
    if drawing.width > max_width:
        scale = max_width / drawing.width
        drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
        drawing.scale(scale, scale)
    return drawing


def _table(rows: list[list]) -> Table:
    table = Table([[str(cell) for cell in row] for row in rows], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    return table
