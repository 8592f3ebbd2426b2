"""A whole class's attestations in one PDF: each student's published certificate, drawn as the
single certificate is (certificate.py), one page per student, in the class's order.

Every page is drawn at the same scale: the smallest any one certificate needs to fit its page
(long names shrink a certificate; fit_one_page finds it per student).
"""

from collections.abc import Sequence

from engine.canonical import BilingualError
from server_stub.db.database import Database
from server_stub.documents.certificate import (
    build_certificate,
    certificate_frame,
    check_certificate,
    draw_certificate,
)
from server_stub.documents.data import CertificateData
from server_stub.documents.loading import load_certificate
from server_stub.documents.pdf_pages import DocumentPdf, PageFrame
from server_stub.documents.wording import text
from server_stub.schools.class_results import class_results


class NoAttestationError(BilingualError):
    """A class with no published certificate: there is nothing to print."""


class _PagedFrames(DocumentPdf):
    """A document whose page n carries frames[n-1] (each student's code, date and centre)."""

    def __init__(self, title: str, frames: Sequence[PageFrame], lang: str, scale: float) -> None:
        self._frames = list(frames)
        super().__init__(title, self._frames[0], lang, scale)

    def header(self) -> None:
        # fpdf2 calls footer() for the page ending before header() for the next.
        self.frame = self._frames[self.page - 1]
        super().header()


def class_certificates(
    db: Database, uai: str, division: str, lookup_url: str
) -> list[CertificateData]:
    """The published certificates of the class's current students (class_results' order);
    `lookup_url` as load_certificate takes it."""
    return [
        load_certificate(db, row["verification_code"], lookup_url)
        for row in class_results(db, uai, division)
        if row["verification_code"] and row["status"] == "validated"
    ]


def build_class_attestations(
    certificates: Sequence[CertificateData], division: str, lang: str = "fr"
) -> DocumentPdf:
    """One PDF, one page per certificate; NoAttestationError for none."""
    if not certificates:
        raise NoAttestationError(
            "no_attestation",
            f"aucune certification publiée pour la classe {division} : rien à imprimer.",
            f"no published certification for class {division}: nothing to print.",
        )
    for data in certificates:
        check_certificate(data)
    scale = min(build_certificate(data, lang).scale for data in certificates)
    pdf = _PagedFrames(
        f"{text('class_attestations', lang)} — {division}",
        [certificate_frame(data, lang) for data in certificates],
        lang,
        scale,
    )
    for number, data in enumerate(certificates):
        if number:
            pdf.add_page()
        draw_certificate(pdf, data, lang)
    return pdf


def class_attestations_pdf(
    db: Database, uai: str, division: str, lookup_url: str, lang: str = "fr"
) -> bytes:
    """The class's attestations as PDF bytes (for a command, a route or a web page)."""
    return build_class_attestations(
        class_certificates(db, uai, division, lookup_url), division, lang
    ).finished()
