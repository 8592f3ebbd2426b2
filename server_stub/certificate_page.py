"""The page a certificate's QR code and printed address open: who was certified, when, where,
with which score, readable on a phone by an employer (French first, then English), not JSON.

The address is the server's public one (`pix-server init --public-url`, server.json): the
certificate PDF prints `PAGE_PATH` after it.
"""

from html import escape
from typing import Any

PAGE_PATH = "/certificates/{code}"
STYLE = (
    "body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5;"
    "color:#111}h1{font-size:1.4em}dt{font-weight:bold}dd{margin:0 0 .6em 0}"
    "table{border-collapse:collapse}td{padding:.2em .6em;border-bottom:1px solid #ccc}"
    ".en{color:#444}"
)


def lookup_address(public_url: str) -> str:
    """The page's address template (`{code}` left in) under the server's public address."""
    return public_url.rstrip("/") + PAGE_PATH


def certificate_page(found: dict[str, Any]) -> str:
    """The certificate as an HTML page, every value escaped (names come from a CSV file)."""
    name = escape(f"{found['first_names']} {found['last_name']}")
    facts = [
        ("Candidat", "Candidate", name),
        ("Né(e) le", "Born on", escape(_french_date(found["birth_date"]))),
        ("Score certifié", "Certified score", escape(f"{found['score']} / 1024")),
        ("Centre", "Centre", escape(found["centre"])),
        ("Date de la session", "Session date", escape(_french_date(found["date"]))),
        ("Code de vérification", "Verification code", escape(found["verification_code"])),
    ]
    rows = "".join(
        f"<dt>{fr} <span class='en'>/ {en}</span></dt><dd>{value}</dd>" for fr, en, value in facts
    )
    competences = "".join(
        f"<tr><td>{escape(c['code'])}</td><td>{escape(c['name_fr'])}"
        f"<br><span class='en'>{escape(c['name_en'])}</span></td>"
        f"<td>{'—' if c['level'] is None else escape(str(c['level']))}</td></tr>"
        for c in found["competences"]
    )
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>Certificat de {name}</title><style>{STYLE}</style></head><body>"
        "<h1>Certificat authentique <span class='en'>/ Genuine certificate</span></h1>"
        f"<p>Ce certificat a bien été délivré par ce centre d'examen. "
        f"<span class='en'>This certificate was issued by this exam centre.</span></p>"
        f"<dl>{rows}</dl>"
        "<h2>Niveaux par compétence <span class='en'>/ Levels by competence</span></h2>"
        f"<table>{competences}</table></body></html>"
    )


def not_found_page() -> str:
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>Certificat introuvable</title><style>{STYLE}</style></head><body>"
        "<h1>Certificat introuvable <span class='en'>/ Certificate not found</span></h1>"
        "<p>Aucun certificat publié ne porte ce code : vérifiez-le (P- puis 8 caractères). "
        "<span class='en'>No published certificate has this code: check it (P- then 8 "
        "characters).</span></p></body></html>"
    )


def _french_date(iso: str) -> str:
    """2008-01-10 → 10/01/2008 (anything else as it is)."""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso
