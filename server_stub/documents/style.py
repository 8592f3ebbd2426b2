"""The documents' look: a calm public-service palette, one sans-serif family, large type."""

from PySide6.QtGui import QFont, QTextDocument

BLUE = "#000091"
BLUE_LIGHT = "#e3e3fd"
GREY = "#f6f6f6"
RED = "#e1000f"
INK = "#161616"
MUTED = "#5c5c5c"
RULE = "#cecece"

FONT_FAMILIES = ("Marianne", "Nimbus Sans", "Arial", "Liberation Sans", "DejaVu Sans")
MONO_FAMILIES = ("DejaVu Sans Mono", "Nimbus Mono PS", "Courier New", "monospace")
BODY_POINTS = 10.5
TABLE_POINTS = 9.5


def _css_families(families: tuple[str, ...]) -> str:
    return ", ".join(f"'{family}'" for family in families)


STYLESHEET = f"""
body {{ color: {INK}; }}
h1 {{ color: {BLUE}; font-size: 20pt; font-weight: bold; margin-top: 0; margin-bottom: 4pt; }}
h2 {{ color: {BLUE}; font-size: 14pt; font-weight: bold; margin-top: 14pt; margin-bottom: 6pt; }}
p {{ margin-top: 0; margin-bottom: 4pt; }}
.muted {{ color: {MUTED}; }}
.alert {{ color: {RED}; font-weight: bold; }}
.code {{ font-family: {_css_families(MONO_FAMILIES)}; font-weight: bold; }}
table.grid {{ border-collapse: collapse; border-color: {RULE}; border-style: solid;
              font-size: {TABLE_POINTS}pt; }}
table.grid td {{ border: 1px solid {RULE}; }}
table.grid th {{ background-color: {BLUE}; color: white; border: 1px solid {BLUE};
                 font-weight: bold; text-align: left; }}
tr.band td {{ background-color: {BLUE_LIGHT}; color: {BLUE}; font-weight: bold; }}
td.signature {{ border: 1px solid {RULE}; padding-top: 14px; padding-bottom: 14px; }}
td.signature-box {{ border: 1px solid {RULE}; padding-top: 48px; padding-bottom: 48px; }}
td.label {{ color: {MUTED}; }}
"""


def new_document() -> QTextDocument:
    """An empty rich-text document carrying the shared font and stylesheet."""
    document = QTextDocument()
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPointSizeF(BODY_POINTS)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(STYLESHEET)
    document.setDocumentMargin(0)
    return document
