"""The certificate: one page, every fact printed, and a QR code that holds the lookup URL."""

import dataclasses
import subprocess

import pytest
from PIL import Image

from engine.referential import COMPETENCES
from server_stub.documents import CertificateDataError, fonts, render_certificate
from server_stub.documents.qr import qr_matrix
from server_stub.errors import ApiError


def test_certificate_prints_score_levels_and_code(tmp_path, certificate_data, read_pdf):
    out = tmp_path / "certificate.pdf"
    assert render_certificate(certificate_data, out) == 1
    text, pages = read_pdf(out)
    assert pages == 1
    flat = " ".join(text.split())
    for expected in (
        "Certificat de compétences numériques",
        "N'DIAYE",
        "Aïssatou",
        "512",
        "sur 895 pix",
        "Avancé 1",
        "P-KXBT4792",
        "Collège Jean Moulin",
        "12 mars 2026",
        "20 mars 2026",
        "né(e) le 4 avril 2009",
    ):
        assert expected in flat
    for competence in COMPETENCES:
        assert competence.name_fr in flat
    assert flat.count("Niveau ") >= 16


def test_certificate_in_english(tmp_path, certificate_data, read_pdf):
    out = tmp_path / "certificate-en.pdf"
    render_certificate(certificate_data, out, lang="en")
    flat = " ".join(read_pdf(out)[0].split())
    assert "Digital skills certificate" in flat and "Advanced 1" in flat
    assert all(competence.name_en in flat for competence in COMPETENCES)


def test_qr_code_in_the_pdf_holds_the_verification_url(tmp_path, certificate_data):
    out = tmp_path / "certificate.pdf"
    render_certificate(certificate_data, out)
    subprocess.run(["pdfimages", "-png", str(out), str(tmp_path / "img")], check=True)
    image = Image.open(tmp_path / "img-000.png").convert("L")
    matrix = qr_matrix(certificate_data.verification_url)
    module = image.width / len(matrix)
    read = [
        [
            image.getpixel((int((x + 0.5) * module), int((y + 0.5) * module))) < 128
            for x in range(len(matrix))
        ]
        for y in range(len(matrix))
    ]
    assert read == matrix


def test_long_names_still_fit_one_page(tmp_path, certificate_data):
    long_candidate = dataclasses.replace(
        certificate_data.candidate,
        last_name="De La Fontaine-Bertrand-Montgolfier " * 2,
        first_names="Marie-Hélène Aïssatou Jeanne Bérénice",
    )
    data = dataclasses.replace(
        certificate_data,
        candidate=long_candidate,
        centre="Lycée polyvalent régional Jean-Baptiste de La Salle, Saint-Denis de La Réunion",
    )
    assert render_certificate(data, tmp_path / "long.pdf") == 1


@pytest.mark.parametrize(
    "change",
    [
        {"competence_levels": {"1.1": 3}},
        {"score": 896},
        {"global_level": 8},
    ],
)
def test_impossible_certificates_are_refused(tmp_path, certificate_data, change):
    with pytest.raises(CertificateDataError) as refused:
        render_certificate(dataclasses.replace(certificate_data, **change), tmp_path / "x.pdf")
    assert refused.value.fr and refused.value.en
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(("lang", "tag"), [("fr", b"/Lang (fr)"), ("en", b"/Lang (en)")])
def test_certificate_carries_its_title_and_language(tmp_path, certificate_data, lang, tag):
    """What a screen reader announces: the document's title (shown instead of the file name)
    and its language."""
    out = tmp_path / f"certificate-{lang}.pdf"
    render_certificate(certificate_data, out, lang=lang)
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True)
    title = "Certificat de compétences numériques" if lang == "fr" else "Digital skills certificate"
    assert f"Title:           {title} — N'DIAYE Aïssatou" in info.stdout
    content = out.read_bytes()
    assert tag in content and b"/DisplayDocTitle true" in content


def test_a_server_without_its_font_says_which_package_to_install(
    tmp_path, certificate_data, monkeypatch
):
    monkeypatch.setattr(fonts, "FONT_FOLDERS", (tmp_path,))
    with pytest.raises(ApiError) as refused:
        render_certificate(certificate_data, tmp_path / "x.pdf")
    assert refused.value.code == "document_font_missing" and refused.value.status == 503
    assert "fonts-dejavu-core" in refused.value.fr and "fonts-dejavu-core" in refused.value.en
    assert not (tmp_path / "x.pdf").exists()
