"""Helpers for the PDF tests: the documents are read back with poppler's own tools, as a reader
would see them."""

import subprocess
from datetime import date, datetime, time
from pathlib import Path

import pytest

from engine.referential import COMPETENCE_CODES
from server_stub.documents import (
    AttendanceReportData,
    AttendanceRow,
    Candidate,
    CertificateData,
    Incident,
    SessionFacts,
    SessionSheetData,
)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


@pytest.fixture
def read_pdf():
    """`(text, pages)` of a PDF, as pdftotext and pdfinfo see it."""
    return lambda path: (pdf_text(path), pdf_pages(path))


NAMES = (
    ("Dupont", "Marie"),
    ("Élie", "Étienne"),
    ("martin", "Lucas Jean"),
    ("N'Diaye", "Aïssatou"),
    ("Zola", "Émile"),
    ("Le Gall", "Anne-Sophie"),
    ("Ben Salah", "Yasmine"),
    ("Nguyen", "Minh"),
)


def candidates(count: int) -> tuple[Candidate, ...]:
    return tuple(
        Candidate(
            last_name=f"{NAMES[i % len(NAMES)][0]}{'' if i < len(NAMES) else i}",
            first_names=NAMES[i % len(NAMES)][1],
            birth_date=date(2009, 1 + i % 12, 1 + i % 28),
            external_id=f"{1234567000 + i}X",
            extra_time_percent=33 if i % 4 == 0 else 0,
            accessibility_needs=i == 3,
        )
        for i in range(count)
    )


SESSION = SessionFacts(
    number="482913",
    centre="Collège Jean Moulin",
    room="Salle informatique B12",
    day=date(2026, 3, 12),
    start=time(14, 0),
    access_code="KXBT47",
    invigilator_code="h7*Bq?",
    examiner="Mme Martin",
)


@pytest.fixture
def session_sheet_data() -> SessionSheetData:
    return SessionSheetData(SESSION, candidates(40))


@pytest.fixture
def report_data() -> AttendanceReportData:
    people = candidates(5)
    at = lambda hour, minute: datetime(2026, 3, 12, hour, minute)  # noqa: E731
    rows = (
        AttendanceRow(people[0], "finished", 32, at(14, 5), at(15, 40), None, "PC01", "validated"),
        AttendanceRow(people[1], "absent"),
        AttendanceRow(
            people[2], "aborted", 12, at(14, 6), at(14, 50), "technical", "PC03", "cancelled"
        ),
        AttendanceRow(
            people[3], "aborted", 25, at(14, 6), at(15, 20), "candidate", "PC04", "validated"
        ),
        AttendanceRow(people[4], "not_finished", 17, at(14, 7), None, None, "PC05"),
    )
    incidents = (
        Incident(
            at(14, 25), "MARTIN Lucas Jean", "IN_CHALLENGE", "IMAGE_NOT_DISPLAYING", "Question 12"
        ),
        Incident(at(14, 20), "DUPONT Marie", "KIOSK_LOCKED", "", "Alt+Tab"),
        Incident(at(15, 0), "", "PAUSED", "", "Alarme incendie"),
    )
    return AttendanceReportData(SESSION, rows, incidents, at(16, 20), "Poste PC03 à vérifier.")


@pytest.fixture
def certificate_data() -> CertificateData:
    return CertificateData(
        candidate=candidates(4)[3],
        session_number="482913",
        centre="Collège Jean Moulin, Lyon",
        session_day=date(2026, 3, 12),
        score=512,
        global_level=5,
        competence_levels={code: i % 8 for i, code in enumerate(COMPETENCE_CODES)},
        verification_code="P-KXBT4792",
        verification_url="http://127.0.0.1:8000/certificates/P-KXBT4792",
        issued_on=date(2026, 3, 20),
    )
