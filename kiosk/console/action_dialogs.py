"""The dialogs behind the invigilator's actions. Each one says what will happen, to whom, and
whether it can be undone; the action runs only through its explicit confirm button (Escape
always cancels)."""

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLayout,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.console.forms import labelled_choice
from kiosk.console.labels import (
    IN_CHALLENGE_SUBCATEGORIES,
    ISSUE_CATEGORIES,
    abort_reason_label,
    category_label,
    subcategory_label,
)
from kiosk.console.room_state import RoomLine
from kiosk.ui.controls import button, set_error, text_label

MAX_DESCRIPTION = 2000
DIALOG_WIDTH = 640


class ActionDialog(QDialog):
    """Title, explanation, a body, then Cancel and the confirm button (danger when final).
    Used as it is for the actions with no options (mark absent, unlock, pause all...)."""

    def __init__(
        self, title: str, explanation: str, confirm: str, danger: bool, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setFixedWidth(DIALOG_WIDTH)
        layout = QVBoxLayout(self)
        # A fixed width, and the height the layout needs at that width (wrapped texts included).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(16)
        heading = text_label("subtitle", self)
        heading.setText(title)
        self.explanation = text_label("lead", self)
        self.explanation.setText(explanation)
        layout.addWidget(heading)
        layout.addWidget(self.explanation)
        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        layout.addLayout(self.body)
        self.error = text_label("error", self)
        self.error.hide()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel = button("secondary", self)
        self.cancel.setText(self.tr("Annuler"))
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.reject)
        self.confirm = button("danger" if danger else "primary", self)
        self.confirm.setText(confirm)
        self.confirm.setDefault(True)
        self.confirm.clicked.connect(self._confirm)
        row.addWidget(self.cancel)
        row.addWidget(self.confirm)
        layout.addLayout(row)

    def _confirm(self) -> None:
        problem = self.problem()
        set_error(self.error, problem)
        if not problem:
            self.accept()

    def problem(self) -> str:
        """What stops the confirmation (empty: nothing); subclasses check their fields."""
        return ""

    def recheck(self) -> None:
        """A field changed: an error on screen goes as soon as it no longer holds."""
        if self.error.isVisible() and not self.problem():
            set_error(self.error, "")


class IdentityCheckDialog(ActionDialog):
    """Authorising a start (or a resume) comes after checking the candidate's ID card."""

    def __init__(self, line: RoomLine, parent: QWidget | None = None) -> None:
        resume = line.waiting_for == "resume"
        super().__init__(
            self.tr("Autoriser la reprise") if resume else self.tr("Autoriser le départ"),
            self.tr(
                "Vérifiez la pièce d'identité du candidat assis au poste {device} : le nom et la "
                "date de naissance doivent être ceux-ci."
            ).format(device=line.device_label or "?"),
            self.tr("Autoriser la reprise") if resume else self.tr("Autoriser le départ"),
            danger=False,
            parent=parent,
        )
        who = text_label("big-status", self)
        who.setText(f"{line.name}\n{self.tr('Né(e) le {date}').format(date=line.born)}")
        self.body.addWidget(who)
        if line.extra_time_percent or line.accessibility_needs:
            needs = text_label("muted", self)
            parts = []
            if line.extra_time_percent:
                parts.append(self.tr("tiers-temps {n} %").format(n=line.extra_time_percent))
            if line.accessibility_needs:
                parts.append(self.tr("aménagements d'accessibilité"))
            needs.setText(
                self.tr("Prévu pour ce candidat : {needs}.").format(needs=", ".join(parts))
            )
            self.body.addWidget(needs)
        self.checked = labelled_choice(
            QCheckBox, self.tr("J'ai vérifié l'identité du candidat"), self
        )
        self.checked.toggled.connect(self.recheck)
        self.body.addWidget(self.checked)

    def problem(self) -> str:
        if not self.checked.isChecked():
            return self.tr("Cochez la case une fois l'identité vérifiée.")
        return ""


class ExtraTimeDialog(ActionDialog):
    def __init__(self, line: RoomLine, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Ajouter du temps"),
            self.tr(
                "Le temps ajouté à {name} s'affiche aussitôt sur son poste. Il ne pourra pas être "
                "retiré."
            ).format(name=line.name),
            self.tr("Ajouter"),
            danger=False,
            parent=parent,
        )
        row = QHBoxLayout()
        label = text_label("field-label", self)
        label.setWordWrap(False)
        label.setText(self.tr("Minutes à ajouter"))
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, 120)
        self.minutes.setValue(10)
        self.minutes.setSuffix(" min")
        label.setBuddy(self.minutes)
        row.addWidget(label)
        row.addWidget(self.minutes)
        row.addStretch(1)
        self.body.addLayout(row)


class EndTestDialog(ActionDialog):
    """Ending a test is final: the kiosk seals what was answered; the reason decides scoring."""

    def __init__(self, line: RoomLine, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Arrêter le test"),
            self.tr(
                "Le test de {name} s'arrête définitivement après {n} réponse(s) sur {total}. "
                "Moins de 20 réponses : la certification est rejetée (annulée si le problème "
                "est technique)."
            ).format(name=line.name, n=line.answered, total=line.question_count),
            self.tr("Arrêter le test"),
            danger=True,
            parent=parent,
        )
        reason_label = text_label("field-label", self)
        reason_label.setText(self.tr("Motif de l'arrêt"))
        self.body.addWidget(reason_label)
        self.reasons = QButtonGroup(self)
        self.reasons.buttonToggled.connect(self.recheck)
        for reason in ("candidate", "technical"):
            choice = labelled_choice(QRadioButton, abort_reason_label(reason), self)
            choice.setProperty("reason", reason)
            self.reasons.addButton(choice)
            self.body.addWidget(choice)

    @property
    def reason(self) -> str | None:
        checked = self.reasons.checkedButton()
        return checked.property("reason") if checked is not None else None

    def problem(self) -> str:
        return "" if self.reason else self.tr("Choisissez le motif de l'arrêt.")


class AlertDialog(ActionDialog):
    """A live alert: validate it (the question is replaced, with a reason) or dismiss it."""

    def __init__(self, line: RoomLine, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Traiter le signalement"),
            self.tr(
                "{name} signale un problème sur la question affichée. Allez voir son écran, puis "
                "validez (la question est remplacée par une autre) ou rejetez (le candidat "
                "reprend la même question)."
            ).format(name=line.name),
            self.tr("Confirmer"),
            danger=False,
            parent=parent,
        )
        self.decisions = QButtonGroup(self)
        self.validate = labelled_choice(
            QRadioButton, self.tr("Valider : la question sera remplacée"), self
        )
        self.dismiss = labelled_choice(
            QRadioButton, self.tr("Rejeter : le candidat reprend la question"), self
        )
        for choice in (self.validate, self.dismiss):
            self.decisions.addButton(choice)
        self.body.addWidget(self.validate)
        self.subcategory = QComboBox(self)
        self.subcategory.setAccessibleName(self.tr("Nature du problème"))
        self.subcategory.addItem(self.tr("Nature du problème…"), None)
        for code in IN_CHALLENGE_SUBCATEGORIES:
            self.subcategory.addItem(subcategory_label(code), code)
        self.subcategory.setEnabled(False)
        self.validate.toggled.connect(self.subcategory.setEnabled)
        self.decisions.buttonToggled.connect(self.recheck)
        self.subcategory.currentIndexChanged.connect(self.recheck)
        self.body.addWidget(self.subcategory)
        self.body.addWidget(self.dismiss)

    @property
    def decision(self) -> tuple[str, str | None]:
        if self.validate.isChecked():
            return "validate", self.subcategory.currentData()
        return "dismiss", None

    def problem(self) -> str:
        if not (self.validate.isChecked() or self.dismiss.isChecked()):
            return self.tr("Choisissez de valider ou de rejeter le signalement.")
        if self.validate.isChecked() and self.subcategory.currentData() is None:
            return self.tr("Choisissez la nature du problème.")
        return ""


class IssueReportDialog(ActionDialog):
    """An issue report (DESIGN §4 categories), kept with the session's minutes."""

    def __init__(self, line: RoomLine, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Signaler un problème"),
            self.tr(
                "Ce signalement concernant {name} figurera au procès-verbal. Un problème sur une "
                "question peut la neutraliser au moment de la finalisation."
            ).format(name=line.name),
            self.tr("Enregistrer le signalement"),
            danger=False,
            parent=parent,
        )
        self.category = QComboBox(self)
        self.category.setAccessibleName(self.tr("Catégorie"))
        self.category.addItem(self.tr("Catégorie…"), None)
        for code in ISSUE_CATEGORIES:
            self.category.addItem(category_label(code), code)
        self.subcategory = QComboBox(self)
        self.subcategory.setAccessibleName(self.tr("Nature du problème sur la question"))
        self.subcategory.addItem(self.tr("Nature du problème…"), None)
        for code in IN_CHALLENGE_SUBCATEGORIES:
            self.subcategory.addItem(subcategory_label(code), code)
        question_row = QHBoxLayout()
        question_label = text_label("field-label", self)
        question_label.setWordWrap(False)
        question_label.setText(self.tr("Numéro de la question"))
        self.question = QSpinBox(self)
        self.question.setRange(1, max(1, line.question_count))
        self.question.setValue(max(1, min(line.answered + 1, line.question_count)))
        question_label.setBuddy(self.question)
        question_row.addWidget(question_label)
        question_row.addWidget(self.question)
        question_row.addStretch(1)
        self.question_row = QWidget(self)
        self.question_row.setLayout(question_row)
        description_label = text_label("field-label", self)
        description_label.setText(self.tr("Description"))
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setFixedHeight(110)
        description_label.setBuddy(self.description)
        for widget in (
            self.category,
            self.subcategory,
            self.question_row,
            description_label,
            self.description,
        ):
            self.body.addWidget(widget)
        self.category.currentIndexChanged.connect(self._category_changed)
        self._category_changed()

    def _category_changed(self) -> None:
        """The question and its problem only matter for IN_CHALLENGE (shown, greyed out else)."""
        in_challenge = self.category.currentData() == "IN_CHALLENGE"
        self.subcategory.setEnabled(in_challenge)
        self.question_row.setEnabled(in_challenge)

    @property
    def report(self) -> tuple[str, str | None, int | None, str]:
        """(category, subcategory, question number, description) as the server takes them."""
        category = self.category.currentData()
        in_challenge = category == "IN_CHALLENGE"
        return (
            category,
            self.subcategory.currentData() if in_challenge else None,
            self.question.value() if in_challenge else None,
            self.description.toPlainText().strip(),
        )

    def problem(self) -> str:
        category, subcategory, _, description = self.report
        if category is None:
            return self.tr("Choisissez une catégorie.")
        if category == "IN_CHALLENGE" and subcategory is None:
            return self.tr("Choisissez la nature du problème sur la question.")
        if category != "IN_CHALLENGE" and not description:
            return self.tr("Décrivez ce qui s'est passé.")
        if len(description) > MAX_DESCRIPTION:
            return self.tr("La description est trop longue ({n} caractères au plus).").format(
                n=MAX_DESCRIPTION
            )
        return ""
