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
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from engine.items import Field, FieldKind, ItemType
from kiosk.core.item_view import ItemView
from kiosk.ui.controls import text_label
from kiosk.ui.theme import repolish

NUMBER_PATTERN = QRegularExpression(r"[-−+]?[0-9  .,]{0,24}")
FIELD_SPACE = 10  # under each field, before the next field's label


class ChoiceRow(QFrame):
    """One choice: an indicator and its wrapped text in a bordered row that reacts as a whole."""

    def __init__(self, indicator: QAbstractButton, parent: QWidget) -> None:
        super().__init__(parent)
        self.setProperty("role", "choice")
        self.indicator = indicator
        self.indicator.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = text_label("lead", self)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(10)
        row.addWidget(self.indicator, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.label, 1)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.indicator.toggled.connect(self._restyle)
        self.indicator.installEventFilter(self)

    def set_text(self, text: str) -> None:
        self.indicator.setAccessibleName(text)
        self.label.setText(text)
        self.updateGeometry()  # re-measured in its answer's column (see QuestionScreen.show_item)

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
        checked, focused = self.indicator.isChecked(), self.indicator.hasFocus()
        if (self.property("checked"), self.property("focused")) != (checked, focused):
            self.setProperty("checked", checked)
            self.setProperty("focused", focused)
            repolish(self)


class AnswerWidget(QWidget):
    """What every answer widget offers the question screen. One of each kind lives as long as
    the screen and takes each item of its kind in turn (`show_item`): building and styling
    widgets anew for every question would delay the next question's paint."""

    changed = Signal()

    def show_item(self, item: ItemView) -> None:
        """Take `item`'s choices or fields, with an empty answer, unlocked."""
        raise NotImplementedError

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

    def __init__(self, several: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.several = several
        # Radio buttons share a group: one Tab stop, the arrows move the choice. Check boxes stay
        # out of any group so that Tab visits each of them, as people expect of check boxes.
        self.group = QButtonGroup(self)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(12)
        self.rows: list[ChoiceRow] = []  # the current item's, in order
        self._made: list[ChoiceRow] = []  # every row made so far; those past `rows` are hidden

    def show_item(self, item: ItemView) -> None:
        self._uncheck()
        while len(self._made) < len(item.choices):
            self._made.append(self._new_row(len(self._made)))
        self.rows = self._made[: len(item.choices)]
        for row, text in zip(self.rows, item.choices, strict=True):
            row.set_text(text)
            row.setEnabled(True)
            row.show()
        for row in self._made[len(self.rows) :]:
            row.hide()

    def _new_row(self, index: int) -> ChoiceRow:
        indicator = QCheckBox() if self.several else QRadioButton()
        if not self.several:
            self.group.addButton(indicator, index)
        indicator.toggled.connect(self.changed)
        row = ChoiceRow(indicator, self)
        self.column.addWidget(row)
        return row

    def _uncheck(self) -> None:
        """Clear the last item's answer (an exclusive group keeps one radio button checked)."""
        self.group.setExclusive(False)
        for row in self._made:
            row.indicator.setChecked(False)
        self.group.setExclusive(True)

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


class FieldSlot:
    """One field of a QROC(M) in its answer's column: its visible label, its text field and the
    space under them (none while the slot is not in use)."""

    def __init__(self, column: QVBoxLayout, parent: QWidget) -> None:
        self.column = column
        self.label = text_label("field-label", parent)
        self.edit = QLineEdit(parent)
        self.edit.setMaxLength(500)
        self.edit.setMaximumWidth(640)
        self.label.setBuddy(self.edit)
        self.number_filter = QRegularExpressionValidator(NUMBER_PATTERN, self.edit)
        self.space = QSpacerItem(
            0, FIELD_SPACE, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed
        )
        column.addWidget(self.label)
        column.addWidget(self.edit)
        column.addSpacerItem(self.space)

    def show_field(self, field: Field) -> None:
        """Take `field`, empty (its undo history too: the last item's text is gone)."""
        self.label.setText(field.label)
        self.edit.setAccessibleName(field.label)
        self.edit.setPlaceholderText(field.placeholder)
        number = field.kind is FieldKind.NUMBER
        self.edit.setValidator(self.number_filter if number else None)
        self.edit.setInputMethodHints(
            Qt.InputMethodHint.ImhFormattedNumbersOnly if number else Qt.InputMethodHint.ImhNone
        )
        self.edit.setText("")
        self.edit.setReadOnly(False)
        self.edit.updateGeometry()  # measured anew once focused, as a new field would be
        self._set_visible(True)

    def hide(self) -> None:
        self._set_visible(False)

    def _set_visible(self, visible: bool) -> None:
        self.label.setVisible(visible)
        self.edit.setVisible(visible)
        height = FIELD_SPACE if visible else 0
        if self.space.sizeHint().height() != height:
            self.space.changeSize(0, height, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self.column.invalidate()


class FieldsAnswer(AnswerWidget):
    """QROC (one field) or QROCM (several), each with its visible label and screen-reader name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: ItemView | None = None
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(8)
        self.edits: dict[str, QLineEdit] = {}  # the current item's, by field name
        self._made: list[FieldSlot] = []  # every slot made so far; those past `edits` are hidden

    def show_item(self, item: ItemView) -> None:
        self.item = item
        while len(self._made) < len(item.fields):
            slot = FieldSlot(self.column, self)
            slot.edit.textChanged.connect(self.changed)
            self._made.append(slot)
        self.edits = {}
        for slot, field in zip(self._made, item.fields, strict=False):
            slot.show_field(field)
            self.edits[field.name] = slot.edit
        for slot in self._made[len(item.fields) :]:
            slot.hide()

    def response(self) -> Any:
        assert self.item is not None
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
