"""What a certification lead does before exam day, from the console: create the session, import
its candidates (every refused line explained), print the session sheet.

The lead signs in with the admin token (the file `admin.token` in the server's data directory).
"""

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.console.forms import Field
from kiosk.ui.controls import button, set_error, text_label
from kiosk.ui.screen import Screen


def _row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side, bottom-aligned (fields with a hint line up on their inputs); a
    lone button keeps its natural width."""
    row = QHBoxLayout()
    row.setSpacing(16)
    for widget in widgets:
        row.addWidget(widget, 0 if isinstance(widget, QPushButton) else 1)
        row.setAlignment(widget, Qt.AlignmentFlag.AlignBottom)
    if len(widgets) == 1:
        row.addStretch(1)
    return row


class LeadScreen(Screen):
    sign_in_requested = Signal(str, str)
    create_requested = Signal(dict)
    import_requested = Signal(str, str)
    sheet_requested = Signal(str, str)
    back_requested = Signal()

    def __init__(self, server_url: str, admin_token: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.back = button("link", self)
        self.back.clicked.connect(self.back_requested)
        # Access
        self.server = Field(QLineEdit(server_url), self)
        self.token = Field(QLineEdit(admin_token), self)
        self.token.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.connect_button = button("primary", self)
        self.connect_button.clicked.connect(self._sign_in)
        self.access_status = text_label("success", self)
        self.access_status.hide()
        self.access_error = text_label("error", self)
        self.access_error.hide()
        # 1. Create
        self.create_title = text_label("subtitle", self)
        self.centre = Field(QLineEdit(), self)
        self.room = Field(QLineEdit(), self)
        day = QDateEdit(QDate.currentDate().addDays(7))
        day.setCalendarPopup(True)
        day.setDisplayFormat("dd/MM/yyyy")
        self.day = Field(day, self)
        start = QTimeEdit(QTime(9, 0))
        start.setDisplayFormat("HH:mm")
        self.start = Field(start, self)
        self.invigilator = Field(QLineEdit(), self)
        self.mode = Field(QComboBox(), self)
        self.create_button = button("primary", self)
        self.create_button.clicked.connect(self._create)
        self.created = text_label("success", self)
        self.created.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.created.hide()
        self.create_error = text_label("error", self)
        self.create_error.hide()
        # 2. Import
        self.import_title = text_label("subtitle", self)
        self.import_session = Field(QLineEdit(), self)
        self.csv_path = Field(QLineEdit(), self)
        self.browse = button("secondary", self)
        self.browse.clicked.connect(self._browse)
        self.import_button = button("primary", self)
        self.import_button.clicked.connect(self._import)
        self.imported = text_label("success", self)
        self.imported.hide()
        self.import_error = text_label("error", self)
        self.import_error.hide()
        self.import_lines = QListWidget(self)
        self.import_lines.hide()
        # 3. Print
        self.sheet_title = text_label("subtitle", self)
        self.sheet_session = Field(QLineEdit(), self)
        self.sheet_language = Field(QComboBox(), self)
        self.sheet_language.edit.addItem("Français", "fr")
        self.sheet_language.edit.addItem("English", "en")
        self.sheet_button = button("primary", self)
        self.sheet_button.clicked.connect(self._sheet)
        self.sheet_saved = text_label("success", self)
        self.sheet_saved.hide()
        self.sheet_error = text_label("error", self)
        self.sheet_error.hide()
        self._layout()
        self.set_signed_in(False)
        self.retranslate()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        self.column.addLayout(top)
        self.column.addWidget(self.lead)
        self.access = QWidget(self)
        access = QVBoxLayout(self.access)
        access.setContentsMargins(0, 0, 0, 0)
        access.addWidget(self.server)
        access.addWidget(self.token)
        access.addLayout(_row(self.connect_button))
        self.column.addWidget(self.access)
        for widget in (self.access_status, self.access_error, self.create_title):
            self.column.addWidget(widget)
        self.column.addLayout(_row(self.centre, self.room))
        self.column.addLayout(_row(self.day, self.start, self.mode))
        self.column.addWidget(self.invigilator)
        self.column.addLayout(_row(self.create_button))
        for widget in (self.created, self.create_error, self.import_title):
            self.column.addWidget(widget)
        self.column.addLayout(_row(self.import_session, QWidget(self)))
        self.column.addLayout(_row(self.csv_path, self.browse))
        self.column.addLayout(_row(self.import_button))
        for widget in (self.imported, self.import_error, self.import_lines, self.sheet_title):
            self.column.addWidget(widget)
        self.column.addLayout(_row(self.sheet_session, self.sheet_language))
        self.column.addLayout(_row(self.sheet_button))
        self.column.addWidget(self.sheet_saved)
        self.column.addWidget(self.sheet_error)
        self.column.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Espace responsable de session"))
        self.lead.setText(
            self.tr(
                "Avant le jour de l'examen : créez la session, importez les candidats, puis "
                "imprimez la fiche de session pour les surveillants."
            )
        )
        self.back.setText(self.tr("Retour à la connexion surveillant"))
        self.server.set_texts(self.tr("Adresse du serveur"))
        self.token.set_texts(
            self.tr("Jeton administrateur"),
            self.tr("Le contenu du fichier admin.token du dossier de données du serveur."),
        )
        self.connect_button.setText(self.tr("Se connecter"))
        self.create_title.setText(self.tr("1. Créer une session"))
        self.centre.set_texts(self.tr("Centre (établissement)"))
        self.room.set_texts(self.tr("Salle"))
        self.day.set_texts(self.tr("Date"), self.tr("JJ/MM/AAAA"))
        self.start.set_texts(self.tr("Heure de début"), self.tr("HH:MM"))
        self.invigilator.set_texts(self.tr("Surveillant(s)"))
        self.mode.set_texts(self.tr("Mode d'examen"))
        current = self.mode.edit.currentIndex()
        self.mode.edit.clear()
        self.mode.edit.addItem(self.tr("Standard"), "default")
        self.mode.edit.addItem(self.tr("Compatible Pix"), "pix")
        self.mode.edit.setCurrentIndex(max(0, current))
        self.create_button.setText(self.tr("Créer la session"))
        self.import_title.setText(self.tr("2. Importer les candidats"))
        self.import_session.set_texts(self.tr("Numéro de session"))
        self.csv_path.set_texts(
            self.tr("Fichier CSV des candidats"),
            self.tr(
                "Colonnes : nom, prenoms, date_naissance (JJ/MM/AAAA), ine, "
                "tiers_temps_pourcent, amenagement_accessibilite (oui/non)."
            ),
        )
        self.browse.setText(self.tr("Parcourir…"))
        self.import_button.setText(self.tr("Importer"))
        self.import_lines.setAccessibleName(self.tr("Lignes refusées"))
        self.sheet_title.setText(self.tr("3. Imprimer la fiche de session"))
        self.sheet_session.set_texts(self.tr("Numéro de session"))
        self.sheet_language.set_texts(self.tr("Langue du document"))
        self.sheet_button.setText(self.tr("Enregistrer la fiche (PDF)"))

    def first_focus(self) -> QWidget:
        return self.token.edit

    # --- requests -----------------------------------------------------------------------------

    def _sign_in(self) -> None:
        url, token = self.server.edit.text().strip(), self.token.edit.text().strip()
        self.server.set_problem("" if url else self.tr("Indiquez l'adresse du serveur."))
        self.token.set_problem("" if token else self.tr("Collez le jeton administrateur."))
        if url and token:
            self.sign_in_requested.emit(url, token)

    def _create(self) -> None:
        fields = {
            self.centre: self.tr("Indiquez le centre."),
            self.room: self.tr("Indiquez la salle."),
        }
        missing = False
        for field, message in fields.items():
            empty = not field.edit.text().strip()
            field.set_problem(message if empty else "")
            missing = missing or empty
        if missing:
            return
        self.create_requested.emit(
            {
                "centre": self.centre.edit.text().strip(),
                "room": self.room.edit.text().strip(),
                "day": self.day.edit.date().toString("yyyy-MM-dd"),
                "start": self.start.edit.time().toString("HH:mm"),
                "invigilator": self.invigilator.edit.text().strip(),
                "mode": self.mode.edit.currentData(),
            }
        )

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Fichier CSV des candidats"), "", self.tr("Fichiers CSV (*.csv)")
        )
        if path:
            self.csv_path.edit.setText(path)

    def _import(self) -> None:
        session, path = self.import_session.edit.text().strip(), self.csv_path.edit.text().strip()
        self.import_session.set_problem(
            "" if session else self.tr("Indiquez le numéro de session.")
        )
        self.csv_path.set_problem("" if path else self.tr("Choisissez le fichier CSV."))
        if session and path:
            self.import_requested.emit(session, path)

    def _sheet(self) -> None:
        session = self.sheet_session.edit.text().strip()
        self.sheet_session.set_problem("" if session else self.tr("Indiquez le numéro de session."))
        if session:
            self.sheet_requested.emit(session, self.sheet_language.edit.currentData())

    # --- answers ------------------------------------------------------------------------------

    def set_signed_in(self, signed_in: bool) -> None:
        for widget in (
            self.create_title, self.centre, self.room, self.day, self.start, self.invigilator,
            self.mode, self.create_button, self.import_title, self.import_session, self.csv_path,
            self.browse, self.import_button, self.sheet_title, self.sheet_session,
            self.sheet_language, self.sheet_button,
        ):  # fmt: skip
            widget.setEnabled(signed_in)
        if signed_in:
            self.access_status.setText(
                self.tr("Connecté au serveur {url}.").format(url=self.server.edit.text().strip())
            )
        self.access_status.setVisible(signed_in)
        self.access.setVisible(not signed_in)

    def show_access_error(self, message: str) -> None:
        set_error(self.access_error, message)

    def show_created(self, created: Mapping[str, Any]) -> None:
        set_error(self.create_error, "")
        number = str(created["session_number"])
        self.created.setText(
            self.tr(
                "Session {number} créée.\nCode d'accès candidats : {access}\n"
                "Code surveillant : {code}"
            ).format(number=number, access=created["access_code"], code=created["invigilator_code"])
        )
        self.created.show()
        self.import_session.edit.setText(str(created["session_id"]))
        self.sheet_session.edit.setText(str(created["session_id"]))

    def show_create_error(self, message: str) -> None:
        self.created.hide()
        set_error(self.create_error, message)

    def show_imported(self, count: int) -> None:
        set_error(self.import_error, "")
        self.import_lines.hide()
        self.imported.setText(self.tr("{n} candidat(s) importé(s).").format(n=count))
        self.imported.show()

    def show_import_error(self, message: str, lines: list[str]) -> None:
        self.imported.hide()
        set_error(self.import_error, message)
        self.import_lines.clear()
        self.import_lines.addItems(lines)
        self.import_lines.setVisible(bool(lines))

    def show_sheet_saved(self, message: str) -> None:
        set_error(self.sheet_error, "")
        self.sheet_saved.setText(message)
        self.sheet_saved.show()

    def show_sheet_error(self, message: str) -> None:
        self.sheet_saved.hide()
        set_error(self.sheet_error, message)
