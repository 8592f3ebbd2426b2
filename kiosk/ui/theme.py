"""The look of the kiosk: the French public-service palette, a high-contrast variant, font scaling.

Widgets never pick colours or sizes themselves: they carry a `role` property (title, lead,
primary, error...) and the one stylesheet built here styles every role, so switching theme or
text size at runtime is a single `apply_theme` call.
"""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

FONT_FAMILIES = ("Marianne", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial")
BASE_FONT_PX = 19
HEADER_MAX_SCALE = 1.25
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"


@dataclass(frozen=True)
class Palette:
    """The colours one theme uses; each has one job."""

    background: str
    surface: str
    text: str
    muted: str
    primary: str
    on_primary: str
    primary_hover: str
    border: str
    error: str
    focus: str
    success: str
    warning_surface: str
    check_icon: str  # an SVG in kiosk/assets: the tick drawn in on_primary


STANDARD = Palette(
    background="#ffffff",
    surface="#f6f6f6",
    text="#161616",
    muted="#3a3a3a",
    primary="#000091",
    on_primary="#ffffff",
    primary_hover="#1212ff",
    border="#929292",
    error="#e1000f",
    focus="#0a76f6",
    success="#18753c",
    warning_surface="#fff4e5",
    check_icon="check.svg",
)

HIGH_CONTRAST = Palette(
    background="#000000",
    surface="#000000",
    text="#ffffff",
    muted="#ffffff",
    primary="#ffff00",
    on_primary="#000000",
    primary_hover="#ffffff",
    border="#ffffff",
    error="#ff8080",
    focus="#00ffff",
    success="#80ff80",
    warning_surface="#000000",
    check_icon="check-dark.svg",
)


def font_family() -> str:
    """The first installed family of a Marianne-like sans, so text looks the same on every PC."""
    installed = set(QFontDatabase.families())
    return next((family for family in FONT_FAMILIES if family in installed), "Sans Serif")


def set_role(widget: QWidget, role: str) -> None:
    """Give a widget its stylesheet role (roles may change at runtime). The style is re-applied
    only when the role changes: a restyle costs a relayout, and the clocks set theirs every tick."""
    if widget.property("role") != role:
        widget.setProperty("role", role)
        repolish(widget)


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet to a widget after a property its rules select on has changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def apply_theme(app: QApplication, high_contrast: bool, font_scale: float) -> None:
    """Restyle the whole application at once; safe to call while screens are showing."""
    palette = HIGH_CONTRAST if high_contrast else STANDARD
    family = font_family()
    font = QFont(family)
    font.setPixelSize(round(BASE_FONT_PX * font_scale))
    app.setFont(font)
    app.setPalette(_qt_palette(palette))
    app.setStyleSheet(stylesheet(palette, font_scale, family))


def _qt_palette(palette: Palette) -> QPalette:
    """The palette for what stylesheets do not reach (text cursors, selections, tooltips)."""
    qt = QPalette()
    qt.setColor(QPalette.ColorRole.Window, QColor(palette.background))
    qt.setColor(QPalette.ColorRole.WindowText, QColor(palette.text))
    qt.setColor(QPalette.ColorRole.Base, QColor(palette.background))
    qt.setColor(QPalette.ColorRole.Text, QColor(palette.text))
    qt.setColor(QPalette.ColorRole.Button, QColor(palette.surface))
    qt.setColor(QPalette.ColorRole.ButtonText, QColor(palette.text))
    qt.setColor(QPalette.ColorRole.Highlight, QColor(palette.primary))
    qt.setColor(QPalette.ColorRole.HighlightedText, QColor(palette.on_primary))
    qt.setColor(QPalette.ColorRole.ToolTipBase, QColor(palette.background))
    qt.setColor(QPalette.ColorRole.ToolTipText, QColor(palette.text))
    return qt


def stylesheet(palette: Palette, font_scale: float, family: str) -> str:
    """The single stylesheet for every role; sizes are pixels times the chosen text scale."""

    def px(size: float) -> str:
        return f"{round(size * font_scale)}px"

    def header_px(size: float) -> str:
        """The header grows less than the content, so that it always fits on one line."""
        return f"{round(size * min(font_scale, HEADER_MAX_SCALE))}px"

    p = palette
    return f"""
* {{ font-family: "{family}"; color: {p.text}; }}
QMainWindow, QDialog, QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget {{
    background: {p.background};
}}
QWidget#screen {{ background: {p.background}; }}
QFrame[role="header"] {{ background: {p.background}; border-bottom: 1px solid {p.border}; }}
QFrame[role="card"] {{
    background: {p.surface}; border: 1px solid {p.border}; border-radius: 4px;
}}
QFrame[role="notice"] {{
    background: {p.warning_surface}; border-left: 6px solid {p.primary}; border-radius: 2px;
}}
QLabel {{ font-size: {px(19)}; background: transparent; }}
QLabel[role="brand"] {{ font-size: {header_px(20)}; font-weight: 700; color: {p.primary}; }}
QLabel[role="title"] {{ font-size: {px(34)}; font-weight: 700; }}
QLabel[role="subtitle"] {{ font-size: {px(24)}; font-weight: 700; }}
QLabel[role="lead"] {{ font-size: {px(22)}; }}
QLabel[role="stem"] {{ font-size: {px(22)}; }}
QLabel[role="muted"] {{ font-size: {px(17)}; color: {p.muted}; }}
QLabel[role="status"] {{ font-size: {header_px(16)}; color: {p.muted}; }}
QLabel[role="online-dot"] {{ font-size: {header_px(16)}; color: {p.success}; }}
QLabel[role="offline-dot"] {{ font-size: {header_px(16)}; color: {p.border}; }}
QLabel[role="error"] {{ font-size: {px(18)}; color: {p.error}; font-weight: 700; }}
QLabel[role="success"] {{ font-size: {px(19)}; color: {p.success}; font-weight: 700; }}
QLabel[role="progress"] {{ font-size: {px(19)}; font-weight: 700; color: {p.primary}; }}
QLabel[role="clock"] {{ font-size: {px(19)}; color: {p.text}; }}
QLabel[role="clock-urgent"] {{ font-size: {px(19)}; font-weight: 700; color: {p.error}; }}
QLabel[role="field-label"] {{ font-size: {px(19)}; font-weight: 700; }}
QLabel[role="hint"] {{ font-size: {px(16)}; color: {p.muted}; }}
QLabel[role="alt"] {{
    font-size: {px(17)}; color: {p.muted}; border: 1px dashed {p.border}; padding: {px(12)};
}}

QPushButton {{
    font-size: {px(19)}; min-height: {px(30)}; padding: {px(10)} {px(26)};
    border-radius: 4px; border: 3px solid {p.primary};
    background: {p.background}; color: {p.primary}; font-weight: 700;
}}
QPushButton:hover {{ background: {p.surface}; }}
QPushButton:focus {{ border: 4px solid {p.focus}; }}
QPushButton:disabled {{ color: {p.border}; border-color: {p.border}; }}
QPushButton[role="primary"] {{ background: {p.primary}; color: {p.on_primary}; }}
QPushButton[role="primary"]:hover {{
    background: {p.primary_hover}; border-color: {p.primary_hover};
}}
QPushButton[role="primary"]:focus {{ border: 4px solid {p.focus}; }}
QPushButton[role="primary"]:disabled {{
    background: {p.surface}; color: {p.border}; border-color: {p.border};
}}
QPushButton[role="link"] {{
    border: 3px solid transparent; background: transparent; color: {p.primary};
    text-decoration: underline; font-weight: 400; padding: {px(6)} {px(10)};
}}
QPushButton[role="link"]:focus {{ border: 3px solid {p.focus}; }}
QPushButton[role="toolbar"] {{
    font-size: {header_px(16)}; min-height: {header_px(20)}; padding: {px(4)} {header_px(12)};
    border: 2px solid {p.border}; color: {p.text}; font-weight: 400;
}}
QPushButton[role="toolbar"]:focus {{ border: 3px solid {p.focus}; }}

QLineEdit {{
    font-size: {px(21)}; padding: {px(9)} {px(12)}; min-height: {px(28)};
    border: 2px solid {p.border}; border-bottom: 3px solid {p.text}; border-radius: 4px 4px 0 0;
    background: {p.surface}; color: {p.text}; selection-background-color: {p.primary};
    selection-color: {p.on_primary};
}}
QLineEdit:read-only {{ background: {p.background}; border: 2px dashed {p.border}; }}
QLineEdit:focus {{ border: 3px solid {p.focus}; }}
QLineEdit[invalid="true"] {{ border: 2px solid {p.error}; border-bottom: 4px solid {p.error}; }}
QLineEdit[invalid="true"]:focus {{
    border: 3px solid {p.focus}; border-bottom: 4px solid {p.error};
}}

QFrame[role="choice"] {{
    background: {p.background}; border: 3px solid {p.border}; border-radius: 4px;
}}
QFrame[role="choice"][checked="true"] {{ background: {p.surface}; border-color: {p.primary}; }}
QFrame[role="choice"][focused="true"] {{ border-color: {p.focus}; }}
QRadioButton, QCheckBox {{
    font-size: {px(20)}; spacing: 0; background: transparent;
    min-height: {px(30)}; min-width: {px(30)}; max-width: {px(30)};
}}
QRadioButton::indicator, QCheckBox::indicator {{
    width: {px(24)}; height: {px(24)}; border: 2px solid {p.text}; background: {p.background};
}}
QRadioButton::indicator {{ border-radius: {(round(24 * font_scale) + 4) // 2}px; }}
QCheckBox::indicator {{ border-radius: 3px; }}
QRadioButton::indicator:checked {{
    border: 2px solid {p.primary};
    background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
        stop: 0 {p.primary}, stop: 0.55 {p.primary}, stop: 0.62 {p.background},
        stop: 1 {p.background});
}}
QCheckBox::indicator:checked {{
    border: 2px solid {p.primary}; background: {p.primary};
    image: url("{(ASSETS_DIR / p.check_icon).as_posix()}");
}}
QRadioButton::indicator:disabled, QCheckBox::indicator:disabled {{ border-color: {p.border}; }}

QProgressBar {{
    border: none; background: {p.surface}; max-height: {px(8)}; min-height: {px(8)};
    border-radius: 4px;
}}
QProgressBar::chunk {{ background: {p.primary}; border-radius: 4px; }}
QScrollBar:vertical {{ width: {px(14)}; background: {p.surface}; }}
QScrollBar::handle:vertical {{ background: {p.border}; min-height: 40px; border-radius: 6px; }}
QTextBrowser, QTableWidget {{
    font-size: {px(18)}; background: {p.background}; border: 1px solid {p.border};
}}
QTableWidget::item {{ padding: {px(4)} {px(10)}; }}
QHeaderView::section {{
    background: {p.surface}; color: {p.text}; font-weight: 700; padding: {px(6)};
    border: 1px solid {p.border};
}}
"""
