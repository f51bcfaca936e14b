"""Columns of the KOL directory that other apps contribute (last interaction, open items).

Like the briefing sections, apps above kols/ register here from their AppConfig.ready().
A column loads its values for the whole page at once, so it costs the same few queries
whether the page lists one KOL or twenty-five.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DirectoryColumn:
    key: str
    title: str
    order: int
    # (kols on the page, user) -> {kol id: value to show}; a KOL missing from it shows "—".
    load_page: Callable[[list, Any], dict[int, Any]]


_columns: dict[str, DirectoryColumn] = {}


def register_directory_column(column: DirectoryColumn) -> None:
    _columns[column.key] = column


def unregister_directory_column(key: str) -> None:
    _columns.pop(key, None)


def directory_columns() -> list[DirectoryColumn]:
    return sorted(_columns.values(), key=lambda column: column.order)


def directory_rows(kols: list, user) -> tuple[list[DirectoryColumn], list[tuple[Any, list]]]:
    """The registered columns, and each KOL of the page with its value in each of them."""
    columns = directory_columns()
    loaded = [column.load_page(kols, user) for column in columns]
    return columns, [(kol, [values.get(kol.pk) for values in loaded]) for kol in kols]
