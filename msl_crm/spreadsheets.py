"""Cells for CSV and XLSX files that people open in a spreadsheet program."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet would run as a formula (a note starting with "=HYPERLINK(…)")
    gets a leading apostrophe, so it is shown, never run. Numbers and dates pass as they
    are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]
