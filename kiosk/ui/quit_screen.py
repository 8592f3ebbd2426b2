"""Quitting the kiosk in secure mode: only the invigilator may, with the invigilator code.

A candidate must not be able to close the kiosk and reach the desktop, so in secure mode the
window refuses to close and the invigilator quits from here: the discreet "Quitter le poste"
link of the check-in, end and lock screens (or Ctrl+Alt+Q, or a close request) opens this
screen. The code is checked by the server, never here; the session number is the kiosk's last
check-in's when it has one.
"""

from PySide6.QtCore import QEvent, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from kiosk.ui.controls import (
    button,
    card,
    invigilator_code_field,
    set_error,
    styled_button,
    text_label,
)
from kiosk.ui.screen import Screen

QUIT_SHORTCUT = "Ctrl+Alt+Q"


class QuitLink(QPushButton):
    """The discreet "Quitter le poste" link of a screen; hidden unless quitting needs the code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        styled_button(self, "link")
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(self.tr("Quitter le poste"))
        self.setAccessibleName(self.text())
        self.setAccessibleDescription(
            self.tr(
                "Réservé au surveillant : ferme le poste avec le code surveillant ({keys})."
            ).format(keys=QUIT_SHORTCUT)
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class QuitScreen(Screen):
    """Emits `submitted(session_number, code)` when the invigilator confirms, `cancelled` on
    "Annuler" (or Esc, when the lockdown does not hold the key)."""

    submitted = Signal(str, str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False
        self.exam_under_way = False
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.detail = text_label("muted", self)
        for widget in (self.title, self.lead, self.detail):
            self.column.addWidget(widget)
        frame, box = card(self)
        self.session_label = text_label("field-label", frame)
        self.session = QLineEdit(frame)
        self.session.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,9}"), self.session)
        )
        self.session.setMaximumWidth(420)
        self.session_label.setBuddy(self.session)
        self.code_label, self.code = invigilator_code_field(frame)
        self.problem = text_label("error", frame)
        self.problem.hide()
        self.confirm = button("primary", frame)
        self.confirm.clicked.connect(self._submit)
        self.cancel = button("secondary", frame)
        self.cancel.clicked.connect(self._cancel)
        for edit in (self.session, self.code):
            edit.returnPressed.connect(self._submit)
        for widget in (self.session_label, self.session, self.code_label, self.code):
            box.addWidget(widget)
        box.addWidget(self.problem)
        actions = QHBoxLayout()
        actions.setSpacing(16)
        actions.addWidget(self.confirm)
        actions.addWidget(self.cancel)
        actions.addStretch(1)
        box.addLayout(actions)
        self.column.addWidget(frame)
        self.column.addStretch(1)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._cancel)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Quitter le poste"))
        self.lead.setText(
            self.tr(
                "Réservé au surveillant : saisissez le code surveillant de la session pour "
                "fermer le poste candidat."
            )
        )
        self.detail.setText(
            self.tr(
                "L'épreuve en cours est conservée : le candidat la reprendra au redémarrage du "
                "poste, quand le surveillant autorisera la reprise."
            )
            if self.exam_under_way
            else self.tr("Candidat : revenez à l'écran précédent avec « Annuler ».")
        )
        self.session_label.setText(self.tr("Numéro de session"))
        self.session.setAccessibleName(self.session_label.text())
        self.code_label.setText(self.tr("Code surveillant"))
        self.code.setAccessibleName(self.code_label.text())
        self.code.setAccessibleDescription(
            self.tr("Le code surveillant de la session, vérifié par le serveur.")
        )
        self.confirm.setText(
            self.tr("Vérification en cours…") if self.busy else self.tr("Quitter le poste")
        )
        self.confirm.setAccessibleName(self.confirm.text())
        self.cancel.setText(self.tr("Annuler"))
        self.cancel.setAccessibleName(self.tr("Annuler et revenir à l'écran précédent"))

    def show_prompt(self, session_number: str, exam_under_way: bool) -> None:
        """Empty the form; an exam under way fixes the session (the exam's own)."""
        self.exam_under_way = exam_under_way
        self.session.setText(session_number)
        self.session.setReadOnly(exam_under_way and bool(session_number))
        self.code.clear()
        self.show_problem("")
        self.set_busy(False)

    def first_focus(self) -> QWidget:
        return self.code if self.session.text() else self.session

    def _submit(self) -> None:
        if self.busy:
            return
        if not self.session.text().strip():
            self.show_problem(self.tr("Saisissez le numéro de session."), self.session)
            return
        if not self.code.text().strip():
            self.show_problem(self.tr("Saisissez le code surveillant."))
            return
        self.show_problem("")
        self.submitted.emit(self.session.text().strip(), self.code.text().strip())

    def _cancel(self) -> None:
        if not self.busy:
            self.cancelled.emit()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.code.setReadOnly(busy)
        self.retranslate()

    def show_problem(self, message: str, field: QLineEdit | None = None) -> None:
        """Why the kiosk is still open (wrong code, lockout, server unreachable)."""
        set_error(self.problem, message)
        if message:
            target = field or self.code
            target.selectAll()
            target.setFocus()
