"""The console's look, on top of the kiosk theme (kiosk/ui/theme.py): status colours that read
from across the room, and a large-type switch for the invigilator walking between rows."""

from PySide6.QtWidgets import QApplication

from kiosk.ui.theme import STANDARD, apply_theme

NORMAL_SCALE = 1.0
LARGE_SCALE = 1.5
ALERT_RED = STANDARD.error
BLUE = STANDARD.primary
BLUE_LIGHT = "#e3e3fd"
GREY = STANDARD.surface
GREEN = STANDARD.success
MUTED = "#666666"
WARNING = "#b34000"  # DSFR warning text: 5.3:1 on the warning surface (AA)

STATUS_COLOURS: dict[str, tuple[str, str]] = {
    # status: (background, text)
    "not_arrived": ("#ffffff", MUTED),
    "waiting": (BLUE_LIGHT, BLUE),
    "authorised": (BLUE_LIGHT, BLUE),
    "in_progress": ("#ffffff", STANDARD.text),
    "paused": (GREY, STANDARD.text),
    "locked": (ALERT_RED, "#ffffff"),
    "start_refused": (STANDARD.warning_surface, WARNING),  # to fix at the PC, not locked
    "live_alert": (ALERT_RED, "#ffffff"),
    "finished": ("#ffffff", STANDARD.text),
    "record_received": ("#ffffff", GREEN),
    "record_rejected": ("#ffffff", ALERT_RED),
    "absent": (GREY, MUTED),
}


def console_stylesheet(scale: float) -> str:
    """Rules the kiosk theme has no role for: the room table, the action panel, banners."""

    def px(size: float) -> str:
        return f"{round(size * scale)}px"

    return f"""
QTableView {{
    font-size: {px(18)}; background: #ffffff; border: 1px solid {STANDARD.border};
    gridline-color: #dddddd; selection-background-color: {BLUE};
    selection-color: #ffffff;
}}
QTableView:focus {{ border: 3px solid {STANDARD.focus}; }}
QTableView::item {{ padding: {px(6)} {px(8)}; }}
QHeaderView::section {{
    background: {GREY}; color: {STANDARD.text}; font-weight: 700; font-size: {px(17)};
    padding: {px(6)} {px(10)}; border: none; border-bottom: 2px solid {BLUE};
}}
QPushButton[role="toolbar"]:checked {{
    background: {BLUE}; color: #ffffff; border-color: {BLUE};
}}
QFrame[role="panel"] {{
    background: {GREY}; border: 1px solid {STANDARD.border}; border-radius: 4px;
}}
QScrollArea[role="panel-scroll"], QScrollArea[role="panel-scroll"] > QWidget,
QScrollArea[role="panel-scroll"] > QWidget > QWidget {{ background: {GREY}; border: none; }}
QScrollArea[role="panel-scroll"]:focus {{ border: 3px solid {STANDARD.focus}; }}
QFrame[role="banner-alert"] {{ background: {ALERT_RED}; border-radius: 4px; }}
QFrame[role="banner-alert"] QLabel {{ color: #ffffff; font-weight: 700; font-size: {px(20)}; }}
QFrame[role="banner-ok"] {{ background: {BLUE_LIGHT}; border-left: 6px solid {BLUE}; }}
QLabel[role="room-title"] {{ font-size: {px(24)}; font-weight: 700; color: {BLUE}; }}
QLabel[role="count"] {{ font-size: {px(18)}; color: {STANDARD.text}; }}
QLabel[role="online"] {{ font-size: {px(16)}; color: {GREEN}; font-weight: 700; }}
QLabel[role="offline"] {{ font-size: {px(16)}; color: {ALERT_RED}; font-weight: 700; }}
QLabel[role="big-status"] {{ font-size: {px(22)}; font-weight: 700; }}
QPushButton[role="danger"] {{
    background: #ffffff; color: {ALERT_RED}; border: 3px solid {ALERT_RED};
}}
QPushButton[role="danger"]:focus {{ border: 4px solid {STANDARD.focus}; }}
QComboBox, QSpinBox, QDateEdit, QTimeEdit, QPlainTextEdit {{
    font-size: {px(19)}; padding: {px(6)} {px(10)}; border: 2px solid {STANDARD.border};
    background: #ffffff;
}}
QComboBox:focus, QSpinBox:focus, QDateEdit:focus, QTimeEdit:focus, QPlainTextEdit:focus {{
    border: 3px solid {STANDARD.focus};
}}
QPlainTextEdit[role="read-only"] {{
    background: {GREY}; border: 2px solid {GREY}; color: {STANDARD.text};
}}
QPlainTextEdit[role="read-only"]:focus {{ border: 3px solid {STANDARD.focus}; }}
QCheckBox[role="labelled"], QRadioButton[role="labelled"] {{
    spacing: {px(12)}; max-width: 16777215px; font-size: {px(19)};
}}
QListWidget {{ font-size: {px(18)}; border: 1px solid {STANDARD.border}; background: #ffffff; }}
"""


def restyle(app: QApplication, large: bool) -> None:
    """The kiosk theme, then the console's rules, at normal or large type."""
    scale = LARGE_SCALE if large else NORMAL_SCALE
    apply_theme(app, high_contrast=False, font_scale=scale)
    app.setStyleSheet(app.styleSheet() + console_stylesheet(scale))
