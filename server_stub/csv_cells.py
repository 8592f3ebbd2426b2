"""Every CSV the server writes, written one way: cells a spreadsheet could run are neutralised.

A name such as `=HYPERLINK(...)`, `@SUM(1+1)` or `+cmd|calc`, or the version string a kiosk
sends, would reach the school's spreadsheet as a formula. OWASP's rule ("CSV injection"): a
cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single
quote, which spreadsheets show as text. Numbers the server writes itself (scores, levels) are
never negative, so no figure is changed.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> str:
    """The cell's text: empty for None, prefixed with `'` when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV file (CRLF line ends, as spreadsheets expect), every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()
