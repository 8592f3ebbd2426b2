"""Check-in: the candidate types the session number, the access code, their name and birth date.

Mistakes the kiosk can see on its own (an empty field, a code of the wrong length, a date that
does not exist) are explained next to the field before anything is sent; what only the server
knows (wrong code, unknown candidate) comes back through `show_problem`.
"""

import re
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.ui.controls import button, set_error, text_label
from kiosk.ui.quit_screen import QuitLink
from kiosk.ui.screen import Screen
from kiosk.ui.theme import repolish

ACCESS_CODE_LENGTH = 6
DATE_PATTERN = re.compile(r"^\s*(\d{1,2})\s*[/.\- ]?\s*(\d{1,2})\s*[/.\- ]?\s*(\d{4})\s*$")
COMPACT_DATE_PATTERN = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")
MONTHS = (
    QT_TRANSLATE_NOOP("Months", "janvier"),
    QT_TRANSLATE_NOOP("Months", "février"),
    QT_TRANSLATE_NOOP("Months", "mars"),
    QT_TRANSLATE_NOOP("Months", "avril"),
    QT_TRANSLATE_NOOP("Months", "mai"),
    QT_TRANSLATE_NOOP("Months", "juin"),
    QT_TRANSLATE_NOOP("Months", "juillet"),
    QT_TRANSLATE_NOOP("Months", "août"),
    QT_TRANSLATE_NOOP("Months", "septembre"),
    QT_TRANSLATE_NOOP("Months", "octobre"),
    QT_TRANSLATE_NOOP("Months", "novembre"),
    QT_TRANSLATE_NOOP("Months", "décembre"),
)


@dataclass(frozen=True)
class CheckInDetails:
    """What the candidate typed, tidied (trimmed, code in capitals, date parsed)."""

    session_number: str
    access_code: str
    last_name: str
    first_name: str
    birth_date: date


def date_parts(text: str) -> tuple[int, int, int] | None:
    """Day, month and year as typed (JJ/MM/AAAA, also with dashes, dots, spaces or no separator
    at all), whether or not they make a date."""
    match = COMPACT_DATE_PATTERN.match(text) or DATE_PATTERN.match(text)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    return day, month, year


def parse_birth_date(text: str) -> date | None:
    """The date typed, None when it is not in the expected form or does not exist."""
    parts = date_parts(text)
    if parts is None:
        return None
    day, month, year = parts
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Field:
    """A labelled line edit with its hint and its own error line, stacked top to bottom."""

    def __init__(self, row: QHBoxLayout, parent: QWidget) -> None:
        box = QVBoxLayout()
        box.setSpacing(6)
        self.label = text_label("field-label", parent)
        self.hint = text_label("hint", parent)
        self.edit = QLineEdit(parent)
        self.error = text_label("error", parent)
        self.error.hide()
        self.label.setBuddy(self.edit)
        for widget in (self.label, self.hint, self.edit, self.error):
            box.addWidget(widget)
        box.addStretch(1)
        row.addLayout(box, 1)

    def set_texts(self, label: str, hint: str) -> None:
        self.label.setText(label)
        self.hint.setText(hint)
        self.edit.setAccessibleName(label)
        self.edit.setAccessibleDescription(hint)

    def set_problem(self, message: str) -> None:
        set_error(self.error, message)
        self.edit.setProperty("invalid", bool(message))
        repolish(self.edit)
        if message:
            self.edit.setAccessibleDescription(message)
        else:
            self.edit.setAccessibleDescription(self.hint.text())


class CheckInScreen(Screen):
    """The first screen of every exam. Emits `submitted` with tidy details once they look right."""

    submitted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = text_label("title", self)
        self.lead = text_label("lead", self)
        self.problem = text_label("error", self)
        self.problem.hide()
        self.column.addWidget(self.title)
        self.column.addWidget(self.lead)
        self.column.addWidget(self.problem)
        rows = [QHBoxLayout() for _ in range(3)]
        for row in rows:
            row.setSpacing(32)
            self.column.addLayout(row)
        self.session = _Field(rows[0], self)
        self.session.edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"\d{0,9}"), self)
        )
        self.access_code = _Field(rows[0], self)
        self.access_code.edit.setMaxLength(ACCESS_CODE_LENGTH)
        self.access_code.edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[A-Za-z0-9]{0,6}"), self)
        )
        self.access_code.edit.textEdited.connect(self._capitalise_code)
        self.last_name = _Field(rows[1], self)
        self.first_name = _Field(rows[1], self)
        self.birth_date = _Field(rows[2], self)
        rows[2].addStretch(1)
        self.birth_date.edit.setMaxLength(10)
        self.submit = button("primary", self)
        self.submit.setDefault(True)
        self.submit.clicked.connect(self._submit)
        for field in self._fields():
            field.edit.returnPressed.connect(self._submit)
        self.column.addSpacing(8)
        self.column.addWidget(self.submit, 0)
        self.column.addStretch(1)
        self.quit = QuitLink(self)
        self.column.addWidget(self.quit, 0, Qt.AlignmentFlag.AlignLeft)
        self.busy = False
        self.retranslate()

    def _fields(self) -> tuple[_Field, ...]:
        return (self.session, self.access_code, self.last_name, self.first_name, self.birth_date)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Bienvenue"))
        self.lead.setText(
            self.tr("Pour commencer, saisissez les informations données par le surveillant.")
        )
        self.session.set_texts(
            self.tr("Numéro de session"),
            self.tr("Affiché au tableau : 6 chiffres, par exemple 123456."),
        )
        self.access_code.set_texts(
            self.tr("Code d'accès"),
            self.tr("4 lettres puis 2 chiffres, par exemple BCDF23."),
        )
        self.last_name.set_texts(
            self.tr("Nom de naissance"), self.tr("Comme sur votre pièce d'identité.")
        )
        self.first_name.set_texts(self.tr("Prénom"), self.tr("Votre premier prénom suffit."))
        self.birth_date.set_texts(
            self.tr("Date de naissance"), self.tr("Jour, mois, année : par exemple 14/07/2008.")
        )
        self.birth_date.edit.setPlaceholderText(self.tr("JJ/MM/AAAA"))
        self._show_submit_text()
        if any(field.error.isVisible() for field in self._fields()):
            self.check()

    def _show_submit_text(self) -> None:
        if self.busy:
            self.submit.setText(self.tr("Vérification en cours…"))
        else:
            self.submit.setText(self.tr("Continuer"))
        self.submit.setAccessibleName(self.submit.text())
        self.submit.setAccessibleDescription(
            self.tr("Envoie vos informations pour rejoindre la session.")
        )

    def first_focus(self) -> QWidget:
        return self.session.edit

    def _capitalise_code(self, text: str) -> None:
        if text != text.upper():
            position = self.access_code.edit.cursorPosition()
            self.access_code.edit.setText(text.upper())
            self.access_code.edit.setCursorPosition(position)

    def check(self) -> CheckInDetails | None:
        """Explain every problem next to its field; the details when there is none."""
        session = self.session.edit.text().strip()
        code = self.access_code.edit.text().strip().upper()
        last_name = " ".join(self.last_name.edit.text().split())
        first_name = " ".join(self.first_name.edit.text().split())
        birth_text = self.birth_date.edit.text()
        birth = parse_birth_date(birth_text)
        problems = {
            self.session: self.tr("Saisissez le numéro de session : il est affiché au tableau."),
            self.access_code: self.tr(
                "Le code d'accès compte 6 caractères : 4 lettres puis 2 chiffres."
            ),
            self.last_name: self.tr("Saisissez votre nom de naissance."),
            self.first_name: self.tr("Saisissez votre prénom."),
        }
        valid = {
            self.session: bool(session),
            self.access_code: len(code) == ACCESS_CODE_LENGTH,
            self.last_name: bool(last_name),
            self.first_name: bool(first_name),
        }
        problems = {field: "" if valid[field] else message for field, message in problems.items()}
        problems[self.birth_date] = self._birth_date_problem(birth_text, birth)
        for field, message in problems.items():
            field.set_problem(message)
        first_wrong = next((field for field, message in problems.items() if message), None)
        if first_wrong is not None:
            first_wrong.edit.setFocus()
            return None
        assert birth is not None
        return CheckInDetails(session, code, last_name, first_name, birth)

    def _birth_date_problem(self, text: str, birth: date | None) -> str:
        if not text.strip():
            return self.tr("Saisissez votre date de naissance, par exemple 14/07/2008.")
        if birth is None:
            return self._missing_date_problem(text)
        if not 1900 <= birth.year <= date.today().year - 5:
            return self.tr("Vérifiez l'année de naissance : elle semble incorrecte.")
        return ""

    def _missing_date_problem(self, text: str) -> str:
        """Say what is wrong: the form, a month past 12, or a day the month does not have."""
        parts = date_parts(text)
        if parts is None:
            return self.tr("Écrivez la date au format JJ/MM/AAAA, par exemple 14/07/2008.")
        day, month, year = parts
        if not 1 <= month <= 12:
            return self.tr(
                "Cette date n'existe pas : le mois {month} n'existe pas (de 01 à 12). "
                "Écrivez le jour, puis le mois, puis l'année, par exemple 14/07/2008."
            ).format(month=f"{month:02d}")
        if day == 0:
            return self.tr(
                "Cette date n'existe pas : le jour 00 n'existe pas. Écrivez le jour, puis le "
                "mois, puis l'année, par exemple 14/07/2008."
            )
        month_name = QCoreApplication.translate("Months", MONTHS[month - 1])
        return self.tr("Cette date n'existe pas : le {day} {month} n'existe pas en {year}.").format(
            day=day, month=month_name, year=year
        )

    def _submit(self) -> None:
        if self.busy:
            return
        self.show_problem("")
        details = self.check()
        if details is not None:
            self.submitted.emit(details)

    def set_busy(self, busy: bool) -> None:
        """While the server checks, keep the form visible but unable to send twice."""
        self.busy = busy
        for field in self._fields():
            field.edit.setReadOnly(busy)
        self._show_submit_text()

    def show_problem(self, message: str) -> None:
        """A message about the whole form (wrong code, unknown candidate, server unreachable)."""
        set_error(self.problem, message)

    def reset(self) -> None:
        """Empty the form for the next candidate."""
        for field in self._fields():
            field.edit.clear()
            field.set_problem("")
        self.show_problem("")
        self.set_busy(False)
