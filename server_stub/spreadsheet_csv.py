"""Reading a CSV file as French spreadsheets save it: one way for every import of the server.

Excel in France writes `;` between cells (the comma is the decimal mark), often in Windows-1252
("CSV (séparateur : point-virgule)"), sometimes in UTF-8 with a BOM ("CSV UTF-8"); LibreOffice
writes `,` or `;`. This module decodes the bytes (BOM, UTF-8, else Windows-1252), sniffs the
separator from the header line, and gives each header a key that ignores case, accents, spaces,
punctuation and the asterisks Pix's templates put on required columns.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass

UTF8_BOM = b"\xef\xbb\xbf"
SEPARATORS = (";", ",", "\t")


@dataclass(frozen=True)
class Sheet:
    """A decoded file: its header cells, and each later line as (line number, cells)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    separator: str


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8, else Windows-1252, a BOM dropped either way (some tools write
    one before Windows-1252 text too). Every byte decodes in one of them: the five bytes
    Windows-1252 leaves undefined become U+FFFD, which no name or date holds."""
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252"


def sniff_separator(header_line: str) -> str:
    """The separator that splits the header line most (`;` on a tie: France's default)."""
    counts = {separator: header_line.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else ";"


def header_key(text: str) -> str:
    """`Date de naissance (jj/mm/aaaa)*` → `date de naissance jj mm aaaa`; `Prénom` → `prenom`."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join("".join(char if char.isalnum() else " " for char in plain).split())


def read_sheet(data: bytes) -> Sheet:
    """The file's header and lines; blank lines are skipped, line numbers are the file's."""
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    separator = sniff_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        if not header:
            if any(cell.strip() for cell in cells):
                header = [cell.strip() for cell in cells]
            continue
        if any(cell.strip() for cell in cells):
            rows.append((reader.line_num, [cell.strip() for cell in cells]))
    return Sheet(header, rows, encoding, separator)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula (`=`, `+`, `-`, `@`,
    tab, CR: OWASP's list) gets a leading apostrophe. None is an empty cell."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_sheet(header: list[str], rows: list[list[object]]) -> bytes:
    """A CSV French spreadsheets open as they are: UTF-8 with a BOM, `;`, CRLF, no formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return UTF8_BOM + buffer.getvalue().encode("utf-8")
