"""End of session: check that every candidate is accounted for, review the incidents, write the
session's remarks, finalise; then read the results (status, score, level; the verification
code once the school's lead has published after review — the invigilator never publishes).
Once finalised, the remarks the server kept are shown read-only."""

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from engine.canonical import parse_utc_text
from kiosk.console.labels import (
    abort_reason_label,
    certification_status_label,
    global_level_label,
    incident_label,
    lock_reason_label,
    resolution_label,
    status_label,
    subcategory_label,
)
from kiosk.console.room_state import RoomSnapshot
from kiosk.ui.controls import button, set_error, text_label
from kiosk.ui.screen import Screen
from kiosk.ui.theme import set_role

REMARKS_MAX = 2000  # the server's limit (docs/protocol.md, `invalid_remarks`)


class ClosingScreen(Screen):
    back_requested = Signal()
    finalise_requested = Signal()
    report_pdf_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snapshot: RoomSnapshot | None = None
        self.state = "planned"
        self.title = text_label("title", self)
        self.state_label = text_label("lead", self)
        self.accounted_title = text_label("subtitle", self)
        self.accounted = text_label("lead", self)
        self.incidents_title = text_label("subtitle", self)
        self.incidents = QListWidget(self)
        self.incidents.setWordWrap(True)
        self.incidents.setMinimumHeight(200)
        self.results_title = text_label("subtitle", self)
        self.results = QTableWidget(0, 5, self)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.verticalHeader().hide()
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.results.setMinimumHeight(320)
        # After the results (shown once finalised, above the remarks): Tab follows the page.
        self.remarks_title = text_label("subtitle", self)
        self.remarks_help = text_label("muted", self)
        self.remarks = QPlainTextEdit(self)
        self.remarks.setTabChangesFocus(True)  # Tab leaves the field, as everywhere else
        self.remarks.setFixedHeight(100)
        self.remarks_title.setBuddy(self.remarks)
        self.remarks.textChanged.connect(self._show_remarks_count)
        self.remarks_count = text_label("muted", self)
        self.saved_remarks: str | None = None
        self.message = text_label("success", self)
        self.message.hide()
        self.error = text_label("error", self)
        self.error.hide()
        self.finalise = button("primary", self)
        self.finalise.clicked.connect(self.finalise_requested)
        self.report_pdf = button("secondary", self)
        self.report_pdf.clicked.connect(self.report_pdf_requested)
        self.back = button("link", self)
        self.back.clicked.connect(self.back_requested)
        actions = QHBoxLayout()
        for control in (self.finalise, self.report_pdf):
            actions.addWidget(control)
        actions.addStretch(1)
        actions.addWidget(self.back)
        for widget in (
            self.title,
            self.state_label,
            self.accounted_title,
            self.accounted,
            self.incidents_title,
            self.incidents,
            self.results_title,
            self.results,
            self.remarks_title,
            self.remarks_help,
            self.remarks,
            self.remarks_count,
            self.message,
            self.error,
        ):
            self.column.addWidget(widget)
        self.column.addLayout(actions)
        self.retranslate()

    # --- what the controller tells the screen ------------------------------------------------

    def show_room(self, snapshot: RoomSnapshot) -> None:
        self.snapshot = snapshot
        self.state = snapshot.session_state
        self._show_accounting()
        self._show_state()

    def remarks_text(self) -> str:
        """The remarks to send with the finalisation ("" when none)."""
        return self.remarks.toPlainText().strip()

    def show_saved_remarks(self, remarks: str | None) -> None:
        """The remarks the server kept at finalisation (None: none given)."""
        self.saved_remarks = remarks
        self._show_state()

    def show_report(self, report: Mapping[str, Any]) -> None:
        if self.state != "planned":
            self.show_saved_remarks(report.get("remarks"))
        self.incidents.clear()
        for incident in report["incidents"]:
            when = parse_utc_text(incident["at"]).astimezone().strftime("%H:%M")
            reason = {
                "TEST_ENDED": abort_reason_label,
                "KIOSK_LOCKED": lock_reason_label,
                "START_REFUSED": lock_reason_label,
                "FOCUS_LOST": lambda _code: "",
            }
            details = [
                reason.get(incident["kind"], subcategory_label)(incident["subcategory"]),
                resolution_label(incident["resolution"]),
                incident["description"],
            ]
            text = f"{when} · {incident['candidate_name'] or self.tr('toute la salle')} · "
            text += self._incident_kind(incident["kind"])
            extra = " · ".join(part for part in details if part)
            self.incidents.addItem(f"{text} ({extra})" if extra else text)
        if not report["incidents"]:
            self.incidents.addItem(self.tr("Aucun incident signalé."))

    def show_results(self, rows: list[Mapping[str, Any]]) -> None:
        self.results.setRowCount(len(rows))
        for row, result in enumerate(rows):
            cells = (
                f"{result['last_name'].upper()} {result['first_names']}",
                certification_status_label(result["status"]),
                "" if result["score"] is None else f"{result['score']} / 895",
                global_level_label(result["global_level"]),
                result["verification_code"] or "",
            )
            for column, text in enumerate(cells):
                self.results.setItem(row, column, QTableWidgetItem(text))
        self._show_state()

    def show_message(self, text: str) -> None:
        set_error(self.error, "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.message.hide()
        set_error(self.error, text)

    # --- internals ----------------------------------------------------------------------------

    def _blocking(self):
        return self.snapshot.blocking() if self.snapshot else ()

    def _incident_kind(self, kind: str) -> str:
        """The invigilator's own actions the server logs, then the room's event kinds."""
        own = {
            "EXTRA_TIME": self.tr("Temps supplémentaire accordé"),
            "MARKED_ABSENT": self.tr("Déclaré absent"),
        }
        return own.get(kind) or incident_label(kind)

    def _too_long(self) -> bool:
        return len(self.remarks_text()) > REMARKS_MAX

    def _show_remarks_count(self) -> None:
        text = self.tr("{count} / 2 000 caractères").format(count=len(self.remarks_text()))
        if self._too_long():
            text += " " + self.tr("— trop long : raccourcissez vos remarques pour finaliser.")
        self.remarks_count.setText(text)
        set_role(self.remarks_count, "error" if self._too_long() else "muted")
        self._show_state()

    def _show_accounting(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        blocking = self._blocking()
        lines = [
            self.tr("✗ {name} : {status}").format(
                name=line.name, status=status_label(line.status, line.waiting_for)
            )
            for line in blocking
        ]
        absent = [line.name for line in snapshot.lines if line.status == "not_arrived"]
        if absent and self.state == "planned":
            lines.append(
                self.tr("Seront déclarés absents : {names}").format(names=", ".join(absent))
            )
        awaiting = [line.name for line in snapshot.lines if line.status == "finished"]
        if awaiting:
            lines.append(
                self.tr("Résultats pas encore reçus (ils resteront en attente) : {names}").format(
                    names=", ".join(awaiting)
                )
            )
        if not blocking:
            lines.insert(0, self.tr("✓ Tous les candidats ont terminé ou sont absents."))
        else:
            lines.insert(
                0,
                self.tr(
                    "Finalisation impossible : terminez ces tests (ou attendez leurs résultats) "
                    "ou déclarez ces candidats absents."
                ),
            )
        self.accounted.setText("\n".join(lines))
        set_role(self.accounted, "error" if blocking and self.state == "planned" else "lead")

    def _show_state(self) -> None:
        planned, published = self.state == "planned", self.state == "published"
        self.state_label.setText(
            self.tr("Session en cours : vérifiez puis finalisez.")
            if planned
            else self.tr("Résultats publiés : les certificats sont disponibles.")
            if published
            else self.tr(
                "Session finalisée : elle part en relecture. Le référent de certification de "
                "l'établissement publiera les résultats."
            )
        )
        self.finalise.setVisible(planned)
        self.finalise.setEnabled(planned and not self._blocking() and not self._too_long())
        if self.remarks.isReadOnly() != (not planned):
            self.remarks.setReadOnly(not planned)
            # Kept, not editable any more: it must look so (grey, no frame to type in).
            set_role(self.remarks, "" if planned else "read-only")
        if not planned and self.remarks.toPlainText() != (self.saved_remarks or ""):
            self.remarks.setPlainText(self.saved_remarks or "")
        self.remarks_count.setVisible(planned)
        self.remarks_help.setText(
            self.tr(
                "Facultatif, imprimées sur le procès-verbal : incident non signalé, matériel à "
                "vérifier…"
            )
            if planned
            else self.tr(
                "Remarques enregistrées à la finalisation, imprimées sur le procès-verbal."
            )
        )
        self.remarks.setPlaceholderText(
            self.tr("Aucune remarque pour l'instant.") if planned else self.tr("Aucune remarque.")
        )
        self.results_title.setVisible(not planned)
        self.results.setVisible(not planned)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Fin de session"))
        self.accounted_title.setText(self.tr("Candidats"))
        self.incidents_title.setText(self.tr("Incidents et signalements"))
        self.results_title.setText(self.tr("Résultats"))
        self.results.setHorizontalHeaderLabels(
            [
                self.tr("Candidat"),
                self.tr("Certification"),
                self.tr("Score"),
                self.tr("Niveau global"),
                self.tr("Code de vérification"),
            ]
        )
        self.finalise.setText(self.tr("Finaliser la session…"))
        self.report_pdf.setText(self.tr("Procès-verbal (PDF)"))
        self.back.setText(self.tr("Retour à la salle"))
        self.incidents.setAccessibleName(self.tr("Incidents et signalements"))
        self.remarks_title.setText(self.tr("Remarques sur la session"))
        self.remarks.setAccessibleName(self.tr("Remarques sur la session"))
        self.remarks.setAccessibleDescription(
            self.tr("Imprimées sur le procès-verbal ; 2 000 caractères au plus.")
        )
        self.results.setAccessibleName(self.tr("Résultats"))
        self._show_accounting()
        self._show_state()
        self._show_remarks_count()
