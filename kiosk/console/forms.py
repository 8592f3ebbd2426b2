"""A labelled form field (label, hint, input, its own error line) for the console's forms."""

from typing import TypeVar

from PySide6.QtWidgets import QCheckBox, QRadioButton, QVBoxLayout, QWidget

from kiosk.ui.controls import set_error, text_label


class Field(QWidget):
    """Wraps any input widget; the label is its buddy, so Alt+letter and screen readers work."""

    def __init__(self, edit: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.label = text_label("field-label", self)
        self.hint = text_label("hint", self)
        self.hint.hide()
        self.edit = edit
        edit.setParent(self)
        self.error = text_label("error", self)
        self.error.hide()
        self.label.setBuddy(edit)
        for widget in (self.label, self.hint, edit, self.error):
            layout.addWidget(widget)

    def set_texts(self, label: str, hint: str = "") -> None:
        self.label.setText(label)
        self.edit.setAccessibleName(label)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.edit.setAccessibleDescription(hint)

    def set_problem(self, message: str) -> None:
        set_error(self.error, message)
        self.edit.setProperty("invalid", bool(message))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)


Button = TypeVar("Button", QCheckBox, QRadioButton)


def labelled_choice(kind: type[Button], text: str, parent: QWidget | None = None) -> Button:
    """A check box or radio button that shows its text (the kiosk theme styles bare ones)."""
    choice = kind(text, parent)
    choice.setProperty("role", "labelled")
    return choice
