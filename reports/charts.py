"""Server-rendered SVG charts: the same markup goes into the page, the e-mail and (through
svglib) the PDF, so a chart looks alike everywhere. Only attributes, never inline styles:
the Content Security Policy forbids them, and PDF and mail renderers ignore CSS classes, so
colours are attributes too."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
ROW_HEIGHT = 22
LABEL_WIDTH = 220
BAR_COLOUR = "#0d6efd"
HIGHLIGHT_COLOUR = "#dc3545"
SERIES_COLOURS = ("#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997")
FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="11" fill="#212529"'


def bar_chart(
    title: str, labels: list[str], values: list[float], *, highlight=None, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per label, the value written at the end of each bar."""
    highlight = highlight or [False] * len(values)
    height = max(1, len(values)) * ROW_HEIGHT + 30
    peak = max(values, default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - 60
    parts = [_open(title, WIDTH, height)]
    for index, (label, value, marked) in enumerate(zip(labels, values, highlight, strict=True)):
        y = 20 + index * ROW_HEIGHT
        length = round(bar_space * value / peak)
        colour = HIGHLIGHT_COLOUR if marked else BAR_COLOUR
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end" {FONT}>'
            f"{escape(_shorten(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{max(length, 1)}"'
            f' height="{ROW_HEIGHT - 8}" fill="{colour}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 14}" {FONT}>'
            f"{escape(_number(value))}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped  # nosec B308 B703


def line_chart(
    title: str, x_labels: list[str], series: list[tuple[str, list[float]]]
) -> SafeString:
    """One line per series over the x labels (weeks), with a legend under the chart."""
    height = 220 + 18 * ((len(series) + 1) // 2)
    left, right, top, bottom = 40, WIDTH - 10, 20, 180
    peak = max((value for _, values in series for value in values), default=0) or 1
    step = (right - left) / max(1, len(x_labels) - 1)
    parts = [_open(title, WIDTH, height)]
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#adb5bd"></line>'
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" {FONT}>{_number(peak)}</text>'
        f'<text x="{left - 6}" y="{bottom + 4}" text-anchor="end" {FONT}>0</text>'
    )
    for index, label in enumerate(x_labels):
        if index % max(1, len(x_labels) // 6) == 0:
            x = left + index * step
            parts.append(
                f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" {FONT}>'
                f"{escape(label)}</text>"
            )
    for number, (name, values) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        points = " ".join(
            f"{left + index * step:.1f},{bottom - (bottom - top) * value / peak:.1f}"
            for index, value in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
            "</polyline>"
        )
        lx = left + (number % 2) * (WIDTH // 2)
        ly = bottom + 34 + (number // 2) * 18
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"></rect>'
            f'<text x="{lx + 14}" y="{ly}" {FONT}>{escape(_shorten(name, 40))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped  # nosec B308 B703


def _open(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def _shorten(text: str, limit: int = 34) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
