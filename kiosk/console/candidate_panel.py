"""The panel beside the room table: the selected candidate's details and the actions that make
sense for them now (room_state.actions_for).

A candidate with many facts (extra time, a configuration, several locks…) and six actions is
taller than the room leaves on a 1280×800 laptop with large type, so the content scrolls: the
wheel and the scroll bar reach every line, Tab reaches every button and a focused button is
scrolled into view; the area itself takes the focus (arrows, Page Up/Down) only while it has
something to scroll, so that no line is out of the keyboard's reach.

What the invigilator came for comes first: an alert to handle, a kiosk to unlock, a start or
resume to authorise is the panel's first button, the one primary (blue) button, and the one that
Enter on a row and the banner's « Voir » give the focus to; the other actions follow in their
usual order. Tab and screen readers meet the buttons in that same order, after the lines above.
"""

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.console.labels import lock_reason_label, status_label
from kiosk.console.room_state import (
    ACTIONS,
    FINISHED_STATUSES,
    RoomLine,
    RoomSnapshot,
    actions_for,
    format_clock,
    local_clock,
)
from kiosk.ui.controls import button, text_label
from kiosk.ui.theme import set_role

MIN_WIDTH, MAX_WIDTH = 320, 380  # px at normal type; wider only as far as the buttons need
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum" for a widget's size
MARGIN = 20
REVEAL_MARGIN = 12  # px shown around a focused button, so its focus frame is seen whole
DANGER_ACTIONS = ("end", "mark_absent")
URGENT_ACTIONS = ("handle_alert", "unlock", "authorise_start", "authorise_resume")
"""The actions a candidate waits for, most urgent first: they lead the panel."""


def panel_order(offered: tuple[str, ...]) -> tuple[str, ...]:
    """`offered` with its urgent actions first, by urgency; the others keep their order."""
    urgent = tuple(action for action in URGENT_ACTIONS if action in offered)
    return urgent + tuple(action for action in offered if action not in urgent)


def resting_role(action: str) -> str:
    """A button's role when it is not the candidate's urgent action."""
    return "danger" if action in DANGER_ACTIONS else "secondary"


class CandidatePanel(QFrame):
    """Emits `action_requested(action, candidate_id)`; shows nothing until a row is chosen."""

    action_requested = Signal(str, str)

    def __init__(self, now: Callable[[], float] = time.monotonic, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.setMinimumWidth(MIN_WIDTH)
        self.setMaximumWidth(MAX_WIDTH)
        self.stacked = False
        self.now = now
        self.line: RoomLine | None = None
        self.snapshot: RoomSnapshot | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(1, 1, 1, 1)  # the panel's border stays drawn around the scroll
        self.scroll = QScrollArea(self)
        self.scroll.setProperty("role", "panel-scroll")
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.verticalScrollBar().rangeChanged.connect(self._scroll_range_changed)
        outer.addWidget(self.scroll)
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.setSpacing(10)
        self.name = text_label("subtitle", self.content)
        self.status = text_label("big-status", self.content)
        self.details = text_label("muted", self.content)
        self.problem = text_label("error", self.content)
        for label in (self.name, self.status, self.details, self.problem):
            layout.addWidget(label)
        layout.addSpacing(8)
        self.first_button_at = layout.count()
        self.order: tuple[str, ...] = ACTIONS
        self.buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            control = button(resting_role(action), self.content)
            control.setProperty("action", action)
            control.installEventFilter(self)
            control.clicked.connect(lambda _=False, chosen=action: self._request(chosen))
            layout.addWidget(control)
            self.buttons[action] = control
        layout.addStretch(1)
        self.scroll.setWidget(self.content)
        self.retranslate()
        self.fit_width()
        self.show_line(None, None)

    def _request(self, action: str) -> None:
        if self.line is not None:
            self.action_requested.emit(action, self.line.candidate_id)

    def show_line(self, line: RoomLine | None, snapshot: RoomSnapshot | None) -> None:
        self.line, self.snapshot = line, snapshot
        offered = panel_order(actions_for(line, snapshot.is_open) if line and snapshot else ())
        self._arrange(offered + tuple(action for action in ACTIONS if action not in offered))
        leading = offered[0] if offered and offered[0] in URGENT_ACTIONS else None
        for action, control in self.buttons.items():
            control.setVisible(action in offered)
            role = "primary" if action == leading else resting_role(action)
            if control.property("role") != role:
                set_role(control, role)
        self.refresh_texts()

    def _arrange(self, order: tuple[str, ...]) -> None:
        """Lay the buttons out in `order`, with Tab and the accessibility tree in the same
        order (a widget's place among its siblings is what screen readers follow); the lines
        of text stay before them."""
        if order == self.order:
            return
        self.order = order
        layout = self.content.layout()
        assert isinstance(layout, QVBoxLayout)
        controls = [self.buttons[action] for action in order]
        for control in controls:
            layout.removeWidget(control)
        previous: QWidget = self.problem
        for index, control in enumerate(controls):
            layout.insertWidget(self.first_button_at + index, control)
            control.raise_()  # last among its siblings: the reading order follows
            QWidget.setTabOrder(previous, control)
            previous = control

    def first_action(self) -> QPushButton | None:
        """The first button shown: the urgent action, when the candidate waits for one."""
        return next((self.buttons[a] for a in self.order if self.buttons[a].isVisible()), None)

    def reveal(self, widget: QWidget) -> None:
        """Scroll so that `widget` is in view; for the first action, with as much as fits of
        the details above it (the invigilator reads who it is before acting)."""
        self.content.layout().activate()  # buttons just shown or hidden: place them first
        if widget is self.first_action():
            self.scroll.ensureWidgetVisible(self.name, 0, REVEAL_MARGIN)
        self.scroll.ensureWidgetVisible(widget, 0, REVEAL_MARGIN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QPushButton):
            self.reveal(watched)
            # again once pending layouts are done (a focus given as the buttons change)
            QTimer.singleShot(0, watched, lambda: watched.hasFocus() and self.reveal(watched))
        return super().eventFilter(watched, event)

    def fit_width(self) -> None:
        """As wide as the widest action's text needs (large type, English), so that no button
        is cut; the lines of text wrap to that width. Every action counts, not just the ones
        shown, so that the panel keeps its width from one candidate to the next."""
        widest = max(control.sizeHint().width() for control in self.buttons.values())
        frame = self.contentsMargins().left() + self.contentsMargins().right() + 2
        needed = widest + 2 * MARGIN + self.scroll.verticalScrollBar().sizeHint().width() + frame
        self.setMinimumWidth(max(MIN_WIDTH, needed))
        # Stacked under the room table (half a screen), it takes the table's width.
        self.setMaximumWidth(QWIDGETSIZE_MAX if self.stacked else max(MAX_WIDTH, needed))

    def set_stacked(self, stacked: bool) -> None:
        """Beside the room table (narrow as its buttons allow) or under it (as wide)."""
        self.stacked = stacked
        self.fit_width()

    def _scroll_range_changed(self, _low: int, high: int) -> None:
        """Focusable (arrows, Page Up/Down) only while some of the details are out of view."""
        policy = Qt.FocusPolicy.StrongFocus if high > 0 else Qt.FocusPolicy.NoFocus
        self.scroll.setFocusPolicy(policy)

    def refresh_texts(self) -> None:
        line, snapshot = self.line, self.snapshot
        if line is None or snapshot is None:
            self.name.setText(self.tr("Aucun candidat choisi"))
            self.status.setText("")
            self.details.setText(self.tr("Choisissez une ligne du tableau (flèches ↑ ↓)."))
            self.problem.hide()
            return
        self.name.setText(line.name)
        self.status.setText(status_label(line.status, line.waiting_for))
        facts = [self.tr("Né(e) le {date}").format(date=line.born)]
        if line.device_label:
            facts.append(self.tr("Poste : {device}").format(device=line.device_label))
        self.details.setToolTip("")
        if line.config_key:
            # Plain words for the invigilator; the key itself for IT, on demand (hover).
            if line.config_label:
                facts.append(
                    self.tr("Logiciel du poste : autorisé (« {label} »)").format(
                        label=line.config_label
                    )
                )
            else:
                facts.append(self.tr("Logiciel du poste : accepté"))
            self.details.setToolTip(
                self.tr("Clé de configuration {config}, version {version}").format(
                    config=line.config_key[:16], version=line.app_version
                )
            )
        if line.extra_time_percent:
            facts.append(self.tr("Tiers-temps : {n} %").format(n=line.extra_time_percent))
        if line.accessibility_needs:
            facts.append(self.tr("Aménagements d'accessibilité"))
        left = snapshot.time_left_s(line, self.now())
        if line.status in FINISHED_STATUSES:
            facts.append(
                self.tr("Questions : {n} / {total} · test terminé").format(
                    n=line.answered, total=line.question_count
                )
            )
        elif left is not None:
            facts.append(
                self.tr("Questions : {n} / {total} · temps restant : {left}").format(
                    n=line.answered, total=line.question_count, left=format_clock(left)
                )
            )
        self.details.setText("\n".join(facts))
        problems = [
            self.tr("Verrouillé : {reason}").format(reason=lock_reason_label(lock.kind))
            for lock in line.locks
        ]
        problems += [
            self.tr("Départ refusé par le poste : {reason}").format(
                reason=lock_reason_label(refusal.kind)
            )
            for refusal in line.refusals
        ]
        problems += [
            self.tr("A quitté la fenêtre pendant une question surveillée ({where}, {time})").format(
                where=notice.detail, time=local_clock(notice.reported_at)
            )
            for notice in line.focus_losses
        ]
        if line.alerts:
            problems.append(self.tr("Signalement sur la question en cours"))
        if line.rejection_reason:
            problems.append(
                self.tr("Résultats refusés par le serveur : {reason}").format(
                    reason=line.rejection_reason
                )
            )
        if line.review_reasons:
            problems.append(
                self.tr("Résultat mis en revue par le serveur : {reasons}").format(
                    reasons=", ".join(self.review_reason_label(r) for r in line.review_reasons)
                )
            )
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))

    def review_reason_label(self, reason: str) -> str:
        """Why the server holds a result for review (server_stub/exam_evidence.py)."""
        return {
            "late_entries": self.tr("réponses arrivées après l'heure limite"),
            "offline_stretch": self.tr("poste hors ligne trop longtemps"),
            "journal_conflict": self.tr("journal contredit par le poste"),
        }.get(reason, reason)

    def retranslate(self) -> None:
        texts = {
            "authorise_start": self.tr("Autoriser le départ…"),
            "authorise_resume": self.tr("Autoriser la reprise…"),
            "handle_alert": self.tr("Traiter le signalement…"),
            "unlock": self.tr("Déverrouiller le poste…"),
            "pause": self.tr("Mettre en pause"),
            "resume": self.tr("Reprendre"),
            "extra_time": self.tr("Ajouter du temps…"),
            "end": self.tr("Arrêter le test…"),
            "mark_absent": self.tr("Déclarer absent…"),
            "move_device": self.tr("Changer de poste…"),
            "report": self.tr("Signaler un problème…"),
        }
        for action, text in texts.items():
            self.buttons[action].setText(text)
            self.buttons[action].setAccessibleName(text.rstrip("…"))
        self.scroll.setAccessibleName(self.tr("Détails du candidat choisi"))
        self.refresh_texts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        if event.type() in (
            QEvent.Type.LanguageChange,
            QEvent.Type.StyleChange,
            QEvent.Type.FontChange,
        ):  # the buttons' new size is known once they are polished
            QTimer.singleShot(0, self, self.fit_width)
        super().changeEvent(event)
