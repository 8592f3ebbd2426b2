"""Locked: the candidate left the exam window; only the invigilator can let them go on.

The invigilator either unlocks from the console (the kiosk hears it and moves on) or walks over
and types the session's invigilator code here. The code is checked by the server, never here.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from kiosk.ui.controls import button, card, invigilator_code_field, set_error, text_label
from kiosk.ui.quit_screen import QuitLink
from kiosk.ui.screen import Screen


class LockedScreen(Screen):
    """Emits `unlock_requested(code)` when the invigilator types their code and confirms."""

    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.detail = text_label("muted", self)
        for widget in (self.title, self.lead, self.detail):
            self.column.addWidget(widget)
        frame, box = card(self)
        self.code_label, self.code = invigilator_code_field(frame)
        self.problem = text_label("error", frame)
        self.problem.hide()
        self.unlock = button("primary", frame)
        self.unlock.clicked.connect(self._submit)
        self.code.returnPressed.connect(self._submit)
        for widget in (self.code_label, self.code, self.problem):
            box.addWidget(widget)
        box.addWidget(self.unlock, 0, Qt.AlignmentFlag.AlignLeft)
        self.column.addWidget(frame)
        self.column.addStretch(1)
        self.quit = QuitLink(self)
        self.column.addWidget(self.quit, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Épreuve verrouillée"))
        self.lead.setText(
            self.tr(
                "L'épreuve a été verrouillée car la fenêtre a été quittée. Levez la main : "
                "le surveillant va venir la déverrouiller."
            )
        )
        self.detail.setText(
            self.tr("Vos réponses sont conservées. Vous reprendrez à la même question.")
        )
        self.code_label.setText(self.tr("Code surveillant (réservé au surveillant)"))
        self.code.setAccessibleName(self.code_label.text())
        self.code.setAccessibleDescription(
            self.tr("Le surveillant saisit ici le code de la session pour déverrouiller.")
        )
        self.unlock.setText(
            self.tr("Vérification en cours…") if self.busy else self.tr("Déverrouiller")
        )
        self.unlock.setAccessibleName(self.unlock.text())

    def first_focus(self) -> QWidget:
        return self.code

    def _submit(self) -> None:
        code = self.code.text().strip()
        if self.busy:
            return
        if not code:
            self.show_problem(self.tr("Saisissez le code surveillant."))
            return
        self.show_problem("")
        self.unlock_requested.emit(code)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.code.setReadOnly(busy)
        self.retranslate()

    def show_problem(self, message: str) -> None:
        """Why the code was refused (wrong code, too many tries, server unreachable)."""
        set_error(self.problem, message)
        if message:
            self.code.selectAll()
            self.code.setFocus()

    def reset(self) -> None:
        self.code.clear()
        self.show_problem("")
        self.set_busy(False)
