"""Constructors for the few kinds of controls every screen uses, styled by role (see theme.py)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


def text_label(role: str, parent: QWidget | None = None) -> QLabel:
    """A word-wrapped label in one of the theme's text roles; selectable text is never needed."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setProperty("role", role)
    return label


def button(role: str, parent: QWidget | None = None) -> QPushButton:
    """A large button (role primary, secondary, link or toolbar) that Tab and Enter reach."""
    return styled_button(QPushButton(parent), role)


def styled_button(widget: QPushButton, role: str) -> QPushButton:
    """`button`'s behaviour and role for a button of a subclass of its own."""
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.setAutoDefault(True)
    widget.setProperty("role", role)
    return widget


def set_error(label: QLabel, message: str) -> None:
    """Show or clear (empty message) an error, keeping it in the screen reader's reach."""
    label.setText(message)
    label.setVisible(bool(message))
    label.setAccessibleName(message)


def card(parent: QWidget, margins: int = 28, spacing: int = 10) -> tuple[QFrame, QVBoxLayout]:
    """A framed panel in the theme's `card` role, and the column to fill it with."""
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    column = QVBoxLayout(frame)
    column.setContentsMargins(margins, margins - 4, margins, margins - 4)
    column.setSpacing(spacing)
    return frame, column


def invigilator_code_field(parent: QWidget) -> tuple[QLabel, QLineEdit]:
    """The invigilator code's label and its masked field (the server checks the code)."""
    label = text_label("field-label", parent)
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(32)
    field.setMaximumWidth(420)
    label.setBuddy(field)
    return label, field
