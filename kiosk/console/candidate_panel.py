"""The panel beside the room table: the selected candidate's details and the actions that make
sense for them now (room_state.actions_for)."""

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from kiosk.console.labels import lock_reason_label, status_label
from kiosk.console.room_state import ACTIONS, RoomLine, RoomSnapshot, actions_for, format_clock
from kiosk.ui.controls import button, text_label

DANGER_ACTIONS = ("end", "mark_absent")
PRIMARY_ACTIONS = ("authorise_start", "authorise_resume", "handle_alert", "unlock")


class CandidatePanel(QFrame):
    """Emits `action_requested(action, candidate_id)`; shows nothing until a row is chosen."""

    action_requested = Signal(str, str)

    def __init__(self, now: Callable[[], float] = time.monotonic, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "panel")
        self.setMinimumWidth(320)
        self.setMaximumWidth(380)
        self.now = now
        self.line: RoomLine | None = None
        self.snapshot: RoomSnapshot | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 20)
        layout.setSpacing(10)
        self.name = text_label("subtitle", self)
        self.status = text_label("big-status", self)
        self.details = text_label("muted", self)
        self.problem = text_label("error", self)
        for label in (self.name, self.status, self.details, self.problem):
            layout.addWidget(label)
        layout.addSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            role = (
                "danger"
                if action in DANGER_ACTIONS
                else "primary"
                if action in PRIMARY_ACTIONS
                else "secondary"
            )
            control = button(role, self)
            control.setProperty("action", action)
            control.clicked.connect(lambda _=False, chosen=action: self._request(chosen))
            layout.addWidget(control)
            self.buttons[action] = control
        layout.addStretch(1)
        self.retranslate()
        self.show_line(None, None)

    def _request(self, action: str) -> None:
        if self.line is not None:
            self.action_requested.emit(action, self.line.candidate_id)

    def show_line(self, line: RoomLine | None, snapshot: RoomSnapshot | None) -> None:
        self.line, self.snapshot = line, snapshot
        offered = actions_for(line, snapshot.is_open) if line and snapshot else ()
        for action, control in self.buttons.items():
            control.setVisible(action in offered)
        self.refresh_texts()

    def first_action(self) -> QPushButton | None:
        return next((b for b in self.buttons.values() if b.isVisible()), None)

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
        if line.config_key:
            facts.append(
                self.tr("Configuration : {config} (version {version})").format(
                    config=line.config_label or line.config_key[:16], version=line.app_version
                )
            )
        if line.extra_time_percent:
            facts.append(self.tr("Tiers-temps : {n} %").format(n=line.extra_time_percent))
        if line.accessibility_needs:
            facts.append(self.tr("Aménagements d'accessibilité"))
        left = snapshot.time_left_s(line, self.now())
        if left is not None:
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
        if line.alerts:
            problems.append(self.tr("Signalement sur la question en cours"))
        if line.rejection_reason:
            problems.append(
                self.tr("Résultats refusés par le serveur : {reason}").format(
                    reason=line.rejection_reason
                )
            )
        self.problem.setText("\n".join(problems))
        self.problem.setVisible(bool(problems))

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
            "report": self.tr("Signaler un problème…"),
        }
        for action, text in texts.items():
            self.buttons[action].setText(text)
            self.buttons[action].setAccessibleName(text.rstrip("…"))
        self.refresh_texts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
