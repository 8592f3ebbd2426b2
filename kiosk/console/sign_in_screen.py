"""Signing in to the console: the server, the session number and the invigilator code.

What the console can check itself (empty fields, a number that is not six digits) is said next
to the field; what only the server knows (wrong code and attempts left, lockout, unknown
session, unreachable server) comes back through `show_problem`.
"""

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QWidget

from kiosk.console.forms import Field, labelled_choice
from kiosk.ui.controls import button, set_error, text_label
from kiosk.ui.screen import Screen

SESSION_NUMBER = QRegularExpression(r"^\d{1,9}$")


class SignInScreen(Screen):
    """Emits `sign_in_requested(server_url, session_number, invigilator_code)`."""

    sign_in_requested = Signal(str, int, str)
    lead_requested = Signal()

    def __init__(self, server_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.server = Field(QLineEdit(server_url), self)
        self.session = Field(QLineEdit(), self)
        self.session.edit.setValidator(QRegularExpressionValidator(SESSION_NUMBER, self))
        self.session.edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.code = Field(QLineEdit(), self)
        self.code.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.code.edit.setMaxLength(20)
        self.show_code = labelled_choice(QCheckBox, "", self)
        self.show_code.toggled.connect(self._toggle_code)
        self.problem = text_label("error", self)
        self.problem.hide()
        self.submit = button("primary", self)
        self.submit.clicked.connect(self._submit)
        self.to_lead = button("link", self)
        self.to_lead.clicked.connect(self.lead_requested)
        for field in (self.server, self.session, self.code):
            field.edit.returnPressed.connect(self._submit)
        row = QHBoxLayout()
        row.addWidget(self.submit)
        row.addStretch(1)
        row.addWidget(self.to_lead)
        for widget in (self.title, self.lead, self.server, self.session, self.code):
            self.column.addWidget(widget)
        self.column.addWidget(self.show_code)
        self.column.addWidget(self.problem)
        self.column.addLayout(row)
        self.column.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Console surveillant"))
        self.lead.setText(
            self.tr(
                "Saisissez le numéro de session et le code surveillant inscrits sur la fiche "
                "de session."
            )
        )
        self.server.set_texts(
            self.tr("Adresse du serveur"), self.tr("Fournie par le service informatique.")
        )
        self.session.set_texts(self.tr("Numéro de session"), self.tr("Par exemple : 482913"))
        self.code.set_texts(
            self.tr("Code surveillant"), self.tr("6 caractères, majuscules et minuscules comptent.")
        )
        self.show_code.setText(self.tr("Afficher le code"))
        self.submit.setText(self.tr("Se connecter"))
        self.to_lead.setText(self.tr("Espace responsable de session"))

    def first_focus(self) -> QWidget:
        return self.session.edit if self.server.edit.text().strip() else self.server.edit

    def _toggle_code(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.code.edit.setEchoMode(mode)

    def _submit(self) -> None:
        if not self.submit.isEnabled():
            return
        url = self.server.edit.text().strip()
        number = self.session.edit.text().strip()
        code = self.code.edit.text().strip()
        problems = {
            self.server: "" if url else self.tr("Indiquez l'adresse du serveur."),
            self.session: "" if number else self.tr("Indiquez le numéro de session."),
            self.code: "" if code else self.tr("Indiquez le code surveillant."),
        }
        for field, message in problems.items():
            field.set_problem(message)
        set_error(self.problem, "")
        wrong = next((field for field, message in problems.items() if message), None)
        if wrong is not None:
            wrong.edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.sign_in_requested.emit(url, int(number), code)

    def set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.submit.setText(self.tr("Connexion…") if busy else self.tr("Se connecter"))

    def show_problem(self, message: str) -> None:
        """A refusal from the server (or no server): said under the form, focus on the code."""
        self.set_busy(False)
        set_error(self.problem, message)
        self.code.edit.selectAll()
        self.code.edit.setFocus(Qt.FocusReason.OtherFocusReason)
