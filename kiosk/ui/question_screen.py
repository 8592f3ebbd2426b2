"""The question screen, for all five item types.

Top to bottom: where you are ("Question 12 / 32") and the time left; the item's own countdown
and the focus warning when they apply; the stem; the illustration (its alternative text read
out, and shown if the image cannot be); attachment buttons; the answer; then « Je passe »,
« Valider » and, quieter, « Signaler un problème ». Enter validates from anywhere in the answer.
"""

import itertools
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.items import ItemType, Media
from kiosk.core.item_view import ItemView
from kiosk.ui.controls import button, set_error, text_label
from kiosk.ui.item_widgets import AnswerWidget, ChoiceAnswer, FieldsAnswer
from kiosk.ui.media import media_pixmap
from kiosk.ui.screen import Screen
from kiosk.ui.theme import set_role

ILLUSTRATION_WIDTH = 760
URGENT_SECONDS = 5 * 60
FRENCH_SPACE = re.compile(r" (?=[?!:;»])|(?<=«) ")


def french_spacing(text: str) -> str:
    """Keep « ? ! : ; » and guillemets on the line of the word they follow, as French requires."""
    return FRENCH_SPACE.sub("\u00a0", text)


def clock_text(seconds: int) -> str:
    """`1:05:09` or `4:07`: minutes and seconds always, hours when there are some."""
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class QuestionScreen(Screen):
    """Shows one item; emits what the candidate does. It records nothing itself."""

    answered = Signal(object)
    skipped = Signal()
    problem_reported = Signal()
    attachment_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: ItemView | None = None
        self.position = 0
        self.total = 32
        self.seconds_left = 0
        self.item_seconds_left: int | None = None
        self.focus_lost = False
        self.problem_sent = False
        self.answer: AnswerWidget | None = None
        self._attachment_buttons: list[tuple[QPushButton, Media]] = []
        self._made_attachment_buttons: list[QPushButton] = []
        self._build()
        self.retranslate()

    def _build(self) -> None:
        top = QHBoxLayout()
        # Both wrap (the clock under its words) rather than widen the screen at half a screen
        # in large type: the window never grows, nothing is cut.
        self.progress_text = text_label("progress", self)
        self.clock = text_label("clock", self)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.progress_text)
        top.addStretch(1)
        top.addWidget(self.clock)
        self.column.addLayout(top)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.column.addWidget(self.progress)
        self.timer_notice, self.timer_text = self._notice()
        self.focus_notice, self.focus_text = self._notice()
        self.stem = text_label("stem", self)
        self.column.addWidget(self.stem)
        self.illustration = text_label("alt", self)
        self.illustration.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.column.addWidget(self.illustration)
        self.attachments_box = QVBoxLayout()
        self.attachments_box.setSpacing(8)
        self.column.addLayout(self.attachments_box)
        self.answer_hint = text_label("muted", self)
        self.column.addWidget(self.answer_hint)
        self.answer_box = QVBoxLayout()
        self.column.addLayout(self.answer_box)
        # One answer widget per kind, each taking the items of its kind in turn.
        self.answers = {
            ItemType.QCU: ChoiceAnswer(several=False, parent=self),
            ItemType.QCM: ChoiceAnswer(several=True, parent=self),
        }
        fields = FieldsAnswer(self)
        for answer in (*self.answers.values(), fields):
            answer.hide()
            answer.changed.connect(lambda: set_error(self.problem, ""))
            self.answer_box.addWidget(answer)
        for kind in ItemType:
            self.answers.setdefault(kind, fields)
        # Its line is kept when it is empty: the buttons never move under the pointer.
        self.problem = text_label("error", self)
        keep_place = self.problem.sizePolicy()
        keep_place.setRetainSizeWhenHidden(True)
        self.problem.setSizePolicy(keep_place)
        self.problem.setText(" ")
        self.problem.hide()
        self.column.addWidget(self.problem)
        actions = QHBoxLayout()
        actions.setSpacing(16)
        self.skip = button("secondary", self)
        self.skip.clicked.connect(self._skip)
        self.validate = button("primary", self)
        self.validate.clicked.connect(self._validate)
        actions.addWidget(self.skip)
        actions.addStretch(1)
        actions.addWidget(self.validate)
        self.column.addSpacing(8)
        self.column.addLayout(actions)
        self.report = button("link", self)
        self.report.clicked.connect(self._report)
        self.report_done = text_label("success", self)
        self.report_done.hide()
        self.column.addWidget(self.report, 0, Qt.AlignmentFlag.AlignLeft)
        self.column.addWidget(self.report_done)
        self.column.addStretch(1)

    def _notice(self) -> tuple[QFrame, QLabel]:
        frame = QFrame(self)
        frame.setProperty("role", "notice")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(20, 12, 20, 12)
        text = text_label("lead", frame)
        layout.addWidget(text)
        frame.hide()
        self.column.addWidget(frame)
        return frame, text

    # --- what the controller tells the screen ---------------------------------------------

    def show_item(self, item: ItemView, position: int, total: int) -> None:
        """Put `item` on screen as question `position` of `total`, with an empty answer."""
        # Painted once, when everything has changed (the progress bar alone would paint the
        # window there and then, before the new question is laid out).
        self.setUpdatesEnabled(False)
        self.item = item
        self.position = position
        self.total = total
        self.focus_lost = False
        self.item_seconds_left = item.timer
        self.stem.setText(french_spacing(item.stem))
        self._show_illustration(item.illustration)
        self._show_attachments(item.attachments)
        answer = self.answers[item.type]
        if answer is not self.answer:
            if self.answer is not None:
                self.answer.hide()
            self.answer = answer
        answer.show()
        answer.show_item(item)
        # New texts in the same widgets change only their height for a width, which Qt's nested
        # layouts do not pass up to the scroll area by themselves (a new widget did).
        answer.updateGeometry()
        set_error(self.problem, "")
        self.problem_sent = False
        self.report_done.hide()
        self.report.show()  # every question can be reported, whatever happened to the last
        self.set_busy(False)
        self.progress.setRange(0, total)
        self.progress.setValue(position - 1)
        self._set_tab_order()
        self.scroll_to_top()
        self.retranslate()
        self.setUpdatesEnabled(True)

    def set_time_left(self, seconds: int) -> None:
        self.seconds_left = seconds
        set_role(self.clock, "clock-urgent" if seconds <= URGENT_SECONDS else "clock")
        self._show_clock()

    def set_item_time_left(self, seconds: int | None) -> None:
        self.item_seconds_left = seconds
        self._show_item_timer()

    def set_focus_lost(self) -> None:
        """A focused item saw the window lose focus: say so (the answer status will show it)."""
        self.focus_lost = True
        self._show_focus_notice()

    def show_problem_sent(self) -> None:
        """The live alert reached the journal: the invigilator is on their way."""
        self.problem_sent = True
        self.report.hide()
        self.report_done.show()
        self.retranslate()

    def show_problem_dismissed(self) -> None:
        """The invigilator looked and closed the alert: the question stays, reporting again is
        possible."""
        self.problem_sent = False
        self.report_done.hide()
        self.report.show()

    def set_busy(self, busy: bool) -> None:
        """While an answer is being recorded, nothing can be sent twice."""
        for control in (self.skip, self.validate, self.report):
            control.setEnabled(not busy)
        if self.answer is not None:
            self.answer.set_locked(busy)

    def current_response(self) -> Any:
        """What is typed or chosen right now (for a timed-out item), None when incomplete."""
        return self.answer.response() if self.answer is not None else None

    def _set_tab_order(self) -> None:
        """Reading order: attachments, the answer, « Je passe », « Valider », the alert link."""
        assert self.answer is not None
        chain = [attachment for attachment, _ in self._attachment_buttons]
        chain += self.answer.focus_chain()
        chain += [self.skip, self.validate, self.report]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    # --- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.progress_text.setText(
            self.tr("Question {position} / {total}").format(
                position=self.position, total=self.total
            )
        )
        self.progress.setAccessibleName(self.progress_text.text())
        self._show_clock()
        self._show_item_timer()
        self._show_focus_notice()
        if self.item is not None:
            self.stem.setAccessibleName(self.tr("Énoncé"))
            self.stem.setAccessibleDescription(self.item.stem)
            self.answer_hint.setText(self._answer_hint(self.item))
        self.skip.setText(self.tr("Je passe"))
        self.skip.setAccessibleName(self.tr("Je passe"))
        self.skip.setAccessibleDescription(
            self.tr("Passe à la question suivante sans répondre à celle-ci.")
        )
        self.validate.setText(self.tr("Valider"))
        self.validate.setAccessibleName(self.tr("Valider ma réponse"))
        self.validate.setAccessibleDescription(
            self.tr("Enregistre votre réponse. Elle ne pourra plus être modifiée.")
        )
        self.report.setText(self.tr("Signaler un problème avec cette question"))
        self.report.setAccessibleName(self.report.text())
        self.report.setAccessibleDescription(
            self.tr("Prévient le surveillant, par exemple si une image ne s'affiche pas.")
        )
        self.report_done.setText(
            self.tr(
                "Le surveillant est prévenu et va venir vous voir. Vous pouvez continuer à "
                "répondre en attendant."
            )
        )
        for index, (attachment, media) in enumerate(self._attachment_buttons):
            attachment.setText(self.tr("Ouvrir la pièce jointe « {name} »").format(name=media.name))
            attachment.setAccessibleName(attachment.text())
            attachment.setAccessibleDescription(media.alt or str(index + 1))
        if self.item is not None and self.item.illustration is not None:
            self.illustration.setAccessibleName(self.tr("Illustration"))

    def _answer_hint(self, item: ItemView) -> str:
        match item.type:
            case ItemType.QCU:
                return self.tr("Une seule réponse possible.")
            case ItemType.QCM:
                return self.tr("Plusieurs réponses possibles : cochez toutes les bonnes réponses.")
            case ItemType.QROC:
                return self.tr("Écrivez votre réponse.")
            case _:
                return self.tr("Remplissez chacun des champs.")

    def _show_clock(self) -> None:
        text = self.tr("Temps restant : {clock}").format(clock=clock_text(self.seconds_left))
        self.clock.setText(text)
        self.clock.setAccessibleName(text)

    def _show_item_timer(self) -> None:
        seconds = self.item_seconds_left
        self.timer_notice.setVisible(seconds is not None)
        if seconds is None:
            return
        if seconds > 0:
            text = self.tr("Question chronométrée : il vous reste {clock} pour y répondre.")
        else:
            text = self.tr("Le temps de cette question est écoulé.")
        self.timer_text.setText(text.format(clock=clock_text(seconds)))

    def _show_focus_notice(self) -> None:
        focused = self.item is not None and self.item.focused
        self.focus_notice.setVisible(focused)
        if not focused:
            return
        if self.focus_lost:
            text = self.tr(
                "Vous avez quitté la fenêtre pendant cette question : cela sera pris en compte. "
                "Vous pouvez quand même y répondre."
            )
        else:
            text = self.tr(
                "Question surveillée : restez sur cette fenêtre jusqu'à ce que vous ayez répondu."
            )
        self.focus_text.setText(text)

    # --- illustration and attachments -------------------------------------------------------

    def _show_illustration(self, media: Media | None) -> None:
        self.illustration.setVisible(media is not None)
        if media is None:
            return
        pixmap = media_pixmap(media, ILLUSTRATION_WIDTH, self.devicePixelRatioF())
        if pixmap is None:
            self.illustration.setText(media.alt)
            set_role(self.illustration, "alt")
        else:
            self.illustration.setPixmap(pixmap)
            set_role(self.illustration, "illustration")
        self.illustration.setAccessibleDescription(media.alt)

    def _show_attachments(self, attachments: tuple[Media, ...]) -> None:
        made = self._made_attachment_buttons
        while len(made) < len(attachments):
            attachment = button("secondary", self)
            index = len(made)
            attachment.clicked.connect(lambda _=False, i=index: self._open_attachment(i))
            self.attachments_box.addWidget(attachment, 0, Qt.AlignmentFlag.AlignLeft)
            made.append(attachment)
        self._attachment_buttons = list(zip(made, attachments, strict=False))
        for attachment, _ in self._attachment_buttons:
            attachment.show()
        for attachment in made[len(attachments) :]:
            attachment.hide()

    def _open_attachment(self, index: int) -> None:
        self.attachment_requested.emit(self._attachment_buttons[index][1])

    # --- what the candidate does -------------------------------------------------------------

    def first_focus(self) -> QWidget | None:
        return self.answer.first_focus() if self.answer is not None else None

    def _validate(self) -> None:
        response = self.current_response()
        if response is None:
            set_error(self.problem, self._incomplete_message())
            if self.answer is not None:
                self.answer.first_focus().setFocus()
            return
        self.set_busy(True)
        self.answered.emit(response)

    def _incomplete_message(self) -> str:
        if self.item is not None and self.item.type.has_choices:
            return self.tr("Choisissez une réponse, ou choisissez « Je passe ».")
        return self.tr("Remplissez tous les champs, ou choisissez « Je passe ».")

    def _skip(self) -> None:
        self.set_busy(True)
        self.skipped.emit()

    def _report(self) -> None:
        self.problem_reported.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.validate.isEnabled():
            self._validate()
            return
        super().keyPressEvent(event)
