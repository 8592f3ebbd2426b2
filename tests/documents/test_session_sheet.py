"""The session sheet, read back as text: the codes, the room, every candidate in order."""

import re

import pytest

from server_stub.documents import SessionSheetData, render_session_sheet
from server_stub.documents.pdf_pages import PdfWriteError


def test_sheet_holds_codes_and_every_candidate_alphabetically(
    tmp_path, session_sheet_data, read_pdf
):
    out = tmp_path / "sheet.pdf"
    pages = render_session_sheet(session_sheet_data, out)
    text, pdf_pages = read_pdf(out)
    assert pages == pdf_pages >= 3  # the kit, then 40 sign-in rows over several pages
    for expected in (
        "Fiche de session",
        "482913",
        "KXBT47",
        "h7*Bq?",
        "Salle informatique B12",
        "12 mars 2026",
        "14 h 00",
        "Liste d'émargement",
        "Confidentiel",
    ):
        assert expected in text
    rows = re.findall(r"^\s*(\d+) (.+?)\s+(\d\d/\d\d/\d{4})", text, re.MULTILINE)
    assert [int(number) for number, _, _ in rows] == list(range(1, 41))
    names = [name for _, name, _ in rows]
    expected = sorted(session_sheet_data.candidates, key=lambda candidate: candidate.sort_key)
    assert names == [candidate.display_name for candidate in expected]
    assert (
        names.index("DUPONT Marie")
        < names.index("ÉLIE Étienne")
        < names.index("LE GALL Anne-Sophie")
    )
    assert names[:4] == [
        "BEN SALAH Yasmine",
        "BEN SALAH14 Yasmine",
        "BEN SALAH22 Yasmine",
        "BEN SALAH30 Yasmine",
    ]


def test_sheet_in_english_and_with_an_empty_list(tmp_path, session_sheet_data, read_pdf):
    out = tmp_path / "sheet-en.pdf"
    empty = SessionSheetData(session_sheet_data.session, ())
    assert render_session_sheet(empty, out, lang="en") == 2
    text, _ = read_pdf(out)
    assert "Candidate access code" in text and "12 March 2026" in text and "14:00" in text
    assert "No candidate registered." in text


def test_failed_render_leaves_nothing_behind(tmp_path, session_sheet_data):
    out = tmp_path / "missing-folder" / "sheet.pdf"
    with pytest.raises(PdfWriteError) as refused:
        render_session_sheet(session_sheet_data, out)
    assert "impossible d'écrire" in refused.value.fr and "cannot write" in refused.value.en
    assert not out.parent.exists()
