"""The answer part of a question, one widget per kind of item.

- QCU and QCM: a list of large choice rows (the whole row is clickable, the text wraps);
  QCU rows are radio buttons moved between with the arrow keys, QCM rows are check boxes.
- QROC and QROCM: labelled text fields, a number keyboard filter for number fields.

Every widget gives `response()` in the shape `engine.answers` checks (an index, a list of
indices, a text, a dict of texts), or None while the answer is incomplete.
"""

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QMouseEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from engine.items import FieldKind, ItemType
from kiosk.core.item_view import ItemView
from kiosk.ui.controls import text_label
from kiosk.ui.theme import set_role

NUMBER_PATTERN = QRegularExpression(r"[-−+]?[0-9  .,]{0,24}")


class ChoiceRow(QFrame):
    """One choice: an indicator and its wrapped text in a bordered row that reacts as a whole."""

    def __init__(self, indicator: QAbstractButton, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", "choice")
        self.indicator = indicator
        self.indicator.setAccessibleName(text)
        self.indicator.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = text_label("lead", self)
        self.label.setText(text)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(10)
        row.addWidget(self.indicator, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.label, 1)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.indicator.toggled.connect(self._restyle)
        self.indicator.installEventFilter(self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.indicator.click()
            self.indicator.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self._restyle()
        return False

    def _restyle(self) -> None:
        self.setProperty("checked", self.indicator.isChecked())
        self.setProperty("focused", self.indicator.hasFocus())
        set_role(self, "choice")


class AnswerWidget(QWidget):
    """What every answer widget offers the question screen."""

    changed = Signal()

    def response(self) -> Any:
        """The response in `engine.answers` shape, or None while incomplete."""
        raise NotImplementedError

    def first_focus(self) -> QWidget:
        return self.focus_chain()[0]

    def focus_chain(self) -> list[QWidget]:
        """The controls in the order Tab visits them."""
        raise NotImplementedError

    def set_locked(self, locked: bool) -> None:
        """Freeze the answer (while it is being recorded, or after the item timer ran out)."""
        raise NotImplementedError


class ChoiceAnswer(AnswerWidget):
    """QCU (one choice, radio buttons) or QCM (several, check boxes)."""

    def __init__(self, choices: tuple[str, ...], several: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.several = several
        # Radio buttons share a group: one Tab stop, the arrows move the choice. Check boxes stay
        # out of any group so that Tab visits each of them, as people expect of check boxes.
        self.group = QButtonGroup(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        self.rows: list[ChoiceRow] = []
        for index, text in enumerate(choices):
            indicator = QCheckBox() if several else QRadioButton()
            if not several:
                self.group.addButton(indicator, index)
            indicator.toggled.connect(self.changed)
            row = ChoiceRow(indicator, text, self)
            self.rows.append(row)
            column.addWidget(row)

    def response(self) -> Any:
        chosen = [index for index, row in enumerate(self.rows) if row.indicator.isChecked()]
        if not chosen:
            return None
        return chosen if self.several else chosen[0]

    def focus_chain(self) -> list[QWidget]:
        if self.several:
            return [row.indicator for row in self.rows]
        return [self.group.checkedButton() or self.rows[0].indicator]

    def set_locked(self, locked: bool) -> None:
        for row in self.rows:
            row.setEnabled(not locked)


class FieldsAnswer(AnswerWidget):
    """QROC (one field) or QROCM (several), each with its visible label and screen-reader name."""

    def __init__(self, item: ItemView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        self.edits: dict[str, QLineEdit] = {}
        for field in item.fields:
            label = text_label("field-label", self)
            label.setText(field.label)
            edit = QLineEdit(self)
            edit.setAccessibleName(field.label)
            edit.setPlaceholderText(field.placeholder)
            edit.setMaxLength(500)
            edit.setMaximumWidth(640)
            if field.kind is FieldKind.NUMBER:
                edit.setValidator(QRegularExpressionValidator(NUMBER_PATTERN, edit))
                edit.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
            label.setBuddy(edit)
            edit.textChanged.connect(self.changed)
            column.addWidget(label)
            column.addWidget(edit)
            column.addSpacing(10)
            self.edits[field.name] = edit

    def response(self) -> Any:
        texts = {name: edit.text() for name, edit in self.edits.items()}
        if any(not text.strip() for text in texts.values()):
            return None
        if self.item.type is ItemType.QROC:
            return next(iter(texts.values()))
        return texts

    def focus_chain(self) -> list[QWidget]:
        return list(self.edits.values())

    def set_locked(self, locked: bool) -> None:
        for edit in self.edits.values():
            edit.setReadOnly(locked)


def answer_widget_for(item: ItemView) -> AnswerWidget:
    """The answer widget an item's type calls for."""
    if item.type is ItemType.QCU:
        return ChoiceAnswer(item.choices, several=False)
    if item.type is ItemType.QCM:
        return ChoiceAnswer(item.choices, several=True)
    return FieldsAnswer(item)
