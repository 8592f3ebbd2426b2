"""The documents' fonts: DejaVu Sans and DejaVu Sans Mono, embedded (subset) in every PDF so that
every French and English character prints the same on any reader.

They come from the system (Debian's `fonts-dejavu-core`, which the project's set-up scripts
install): neither fpdf2 nor a maintained package on PyPI ships a Unicode font, and a server
missing them says so in words an IT person can act on.
"""

from pathlib import Path

from fpdf import FPDF

from server_stub.errors import ApiError

SANS = "DejaVuSans"
MONO = "DejaVuSansMono"
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/local/share/fonts"),
)
FACES = (
    (SANS, "", "DejaVuSans.ttf"),
    (SANS, "B", "DejaVuSans-Bold.ttf"),
    (MONO, "B", "DejaVuSansMono-Bold.ttf"),
)


def font_file(name: str) -> Path:
    """Where the font file `name` is installed; `document_font_missing` (503) when nowhere."""
    for folder in FONT_FOLDERS:
        if (folder / name).is_file():
            return folder / name
    raise ApiError("document_font_missing", name=name)


def add_fonts(pdf: FPDF) -> None:
    for family, style, name in FACES:
        pdf.add_font(family, style, font_file(name))
