"""Text tables (``inventory``, ``plan-cancel``, ``plugins``) that fit the terminal:
80 columns through a pipe, the terminal's width on a terminal (``COLUMNS`` wins).
Cells wrap; an identifier too long for its column is folded over lines, never cut
short with an ellipsis. User text in a cell is never read as markup or emoji codes,
and its control characters are shown escaped."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any

from policy_sdk.reports.text import safe

#: the width of a table when nothing says otherwise (a pipe, no ``COLUMNS``)
DEFAULT_WIDTH = 80


def width() -> int:
    return max(40, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def console(*, file: Any = None, columns: int | None = None) -> Any:
    from rich.console import Console

    return Console(file=file, highlight=False, width=columns or width(), soft_wrap=False,
                   emoji=False)


def table(title: str, columns: Sequence[str], **options: Any) -> Any:
    """A table whose title and column headings are shown in the current language (the
    callers mark them with ``N_``; a title made with user text stays as it is)."""
    from rich.table import Table

    from policy_sdk.i18n import _

    t = Table(title=_(title), title_justify="left", **options)
    for col in columns:
        t.add_column(_(col) if col else col, overflow="fold")
    return t


def cell(value: str) -> str:
    from rich.markup import escape

    return escape(safe(value))
