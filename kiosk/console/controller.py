"""The console's one decider: it turns what the invigilator asks on screen into calls to the
server, after the right confirmation, and shows what came of them.

Screens only show and emit; the server decides and journals every action (docs/protocol.md).
Network calls run as asyncio tasks (qasync), so the window never freezes.
"""

import asyncio
import ssl
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices

from kiosk.console.action_dialogs import (
    ActionDialog,
    AlertDialog,
    EndTestDialog,
    ExtraTimeDialog,
    IdentityCheckDialog,
    IssueReportDialog,
)
from kiosk.console.api import ConsoleApi, ConsoleApiError, LeadApi
from kiosk.console.labels import abort_reason_label, lock_reason_label
from kiosk.console.room_poller import RoomPoller
from kiosk.console.room_state import RoomLine, RoomSnapshot
from kiosk.console.window import ConsoleWindow


def default_documents_dir() -> Path:
    """Where the console saves the PDFs it downloads: ~/Documents/pix-kiosk."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / "pix-kiosk"


def open_with_desktop(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) as the import expects; Windows-1252 from older spreadsheets."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class ConsoleController(QObject):
    def __init__(
        self,
        window: ConsoleWindow,
        documents_dir: Path,
        open_pdf: Callable[[Path], None] = open_with_desktop,
        tls: ssl.SSLContext | bool = True,
    ) -> None:
        """`tls`: the authorities the server's certificate is checked against (kiosk/tls.py)."""
        super().__init__()
        self.window = window
        self.documents_dir = documents_dir
        self.open_pdf = open_pdf
        self.tls = tls
        self.api: ConsoleApi | None = None
        self.lead_api: LeadApi | None = None
        self.poller: RoomPoller | None = None
        self.snapshot: RoomSnapshot | None = None
        self._tasks: set[asyncio.Task] = set()
        w = window
        w.sign_in.sign_in_requested.connect(self.sign_in)
        w.sign_in.lead_requested.connect(lambda: w.show_screen(w.lead))
        w.room.action_requested.connect(self.act)
        w.room.pause_all_requested.connect(self.pause_all)
        w.room.resume_all_requested.connect(self.resume_all)
        w.room.closing_requested.connect(self.open_closing)
        w.closing.back_requested.connect(lambda: w.show_screen(w.room))
        w.closing.finalise_requested.connect(self.finalise)
        w.closing.report_pdf_requested.connect(self.save_report)
        w.lead.back_requested.connect(lambda: w.show_screen(w.sign_in))
        w.lead.sign_in_requested.connect(self.lead_sign_in)
        w.lead.create_requested.connect(self.create_session)
        w.lead.import_requested.connect(self.import_candidates)
        w.lead.sheet_requested.connect(self.save_sheet)

    # --- plumbing -----------------------------------------------------------------------------

    def spawn(self, coroutine: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            traceback.print_exception(task.exception())

    @property
    def busy(self) -> bool:
        """Whether a call started from the screen is still under way (tests wait on this)."""
        return bool(self._tasks)

    def text(self, error: ConsoleApiError) -> str:
        return self.window.language.localized(error)

    async def close(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
        for api in (self.api, self.lead_api):
            if api is not None:
                await api.close()

    # --- signing in and the room --------------------------------------------------------------

    def sign_in(self, url: str, session_number: int, code: str) -> None:
        self.window.sign_in.set_busy(True)
        self.spawn(self._sign_in(url, session_number, code))

    async def _sign_in(self, url: str, session_number: int, code: str) -> None:
        api = ConsoleApi(url, self.tls)
        try:
            signed = await api.sign_in(session_number, code)
        except ConsoleApiError as error:
            await api.close()
            self.window.sign_in.show_problem(self.text(error))
            return
        self.api = api
        self.window.sign_in.set_busy(False)
        title = self.tr("Session {number} · {centre} · {room}").format(
            number=signed.session_number, centre=signed.centre, room=signed.room
        )
        self.window.room.set_session(title)
        self.window.set_who(title)
        self.poller = RoomPoller(api)
        self.poller.updated.connect(self._room_changed)
        self.poller.connection_changed.connect(self._connection_changed)
        self.poller.start()
        self.window.show_screen(self.window.room)

    def _room_changed(self, snapshot: RoomSnapshot) -> None:
        self.snapshot = snapshot
        self.window.room.show_snapshot(snapshot)
        self.window.closing.show_room(snapshot)

    def _connection_changed(self, error: ConsoleApiError | None) -> None:
        self.window.room.set_connection(None if error is None else self.text(error))

    async def _call(self, call: Awaitable[Any], success: str, screen=None) -> Any:
        """Run one server call; say what happened on `screen` (the room unless told)."""
        screen = screen or self.window.room
        try:
            answer = await call
        except ConsoleApiError as error:
            screen.show_error(self.text(error))
            return None
        screen.show_message(success)
        return answer

    # --- actions on one candidate -------------------------------------------------------------

    def act(self, action: str, candidate_id: str) -> None:
        line = self.snapshot.line(candidate_id) if self.snapshot else None
        if line is None or self.api is None:
            return
        handlers = {
            "authorise_start": self._authorise,
            "authorise_resume": self._authorise,
            "pause": self._pause,
            "resume": self._resume,
            "extra_time": self._extra_time,
            "handle_alert": self._handle_alert,
            "unlock": self._unlock,
            "end": self._end,
            "mark_absent": self._mark_absent,
            "move_device": self._move_device,
            "report": self._report,
        }
        handlers[action](line, self.api)

    def _confirm(self, title: str, text: str, confirm: str, danger: bool = False) -> bool:
        dialog = ActionDialog(title, text, confirm, danger, self.window)
        return dialog.exec() == ActionDialog.DialogCode.Accepted

    def _authorise(self, line: RoomLine, api: ConsoleApi) -> None:
        """A start or, after a crash, a resume: both after the identity check."""
        if IdentityCheckDialog(line, self.window).exec() == ActionDialog.DialogCode.Accepted:
            done = (
                self.tr("Reprise autorisée : {name}")
                if line.waiting_for == "resume"
                else self.tr("Départ autorisé : {name}")
            ).format(name=line.name)
            self.spawn(self._call(api.authorise(line.candidate_id), done))

    def _pause(self, line: RoomLine, api: ConsoleApi) -> None:
        done = self.tr("En pause : {name}").format(name=line.name)
        self.spawn(self._call(api.pause(line.candidate_id), done))

    def _resume(self, line: RoomLine, api: ConsoleApi) -> None:
        done = self.tr("Reprise : {name}").format(name=line.name)
        self.spawn(self._call(api.resume(line.candidate_id), done))

    def _extra_time(self, line: RoomLine, api: ConsoleApi) -> None:
        dialog = ExtraTimeDialog(line, self.window)
        if dialog.exec() == ActionDialog.DialogCode.Accepted:
            minutes = dialog.minutes.value()
            done = self.tr("{n} min ajoutées : {name}").format(n=minutes, name=line.name)
            self.spawn(self._call(api.add_extra_time(line.candidate_id, minutes), done))

    def _end(self, line: RoomLine, api: ConsoleApi) -> None:
        dialog = EndTestDialog(line, self.window)
        if dialog.exec() == ActionDialog.DialogCode.Accepted and dialog.reason:
            done = self.tr("Test arrêté ({reason}) : {name}").format(
                reason=abort_reason_label(dialog.reason), name=line.name
            )
            self.spawn(self._call(api.end(line.candidate_id, dialog.reason), done))

    def _handle_alert(self, line: RoomLine, api: ConsoleApi) -> None:
        if not line.alerts:
            return
        alert = line.alerts[0]
        dialog = AlertDialog(line, self.window)
        if dialog.exec() != ActionDialog.DialogCode.Accepted:
            return
        decision, subcategory = dialog.decision
        if decision == "validate" and subcategory is not None:
            done = self.tr("Signalement validé, question remplacée : {name}").format(name=line.name)
            self.spawn(self._call(api.validate_alert(alert.alert_id, subcategory), done))
        else:
            done = self.tr("Signalement rejeté : {name}").format(name=line.name)
            self.spawn(self._call(api.dismiss_alert(alert.alert_id), done))

    def _unlock(self, line: RoomLine, api: ConsoleApi) -> None:
        if not line.locks:
            return
        lock = line.locks[0]
        if self._confirm(
            self.tr("Déverrouiller le poste"),
            self.tr(
                "Le poste de {name} s'est verrouillé : {reason}. Assurez-vous que le candidat "
                "peut reprendre normalement avant de déverrouiller ; l'incident reste au "
                "procès-verbal."
            ).format(name=line.name, reason=lock_reason_label(lock.kind)),
            self.tr("Déverrouiller"),
        ):
            done = self.tr("Poste déverrouillé : {name}").format(name=line.name)
            self.spawn(self._call(api.unlock(lock.incident_id), done))

    def _mark_absent(self, line: RoomLine, api: ConsoleApi) -> None:
        if self._confirm(
            self.tr("Déclarer absent"),
            self.tr(
                "{name} sera déclaré absent et ne pourra plus commencer le test dans cette "
                "session. Cette décision est définitive."
            ).format(name=line.name),
            self.tr("Déclarer absent"),
            danger=True,
        ):
            done = self.tr("Déclaré absent : {name}").format(name=line.name)
            self.spawn(self._call(api.mark_absent(line.candidate_id), done))

    def _move_device(self, line: RoomLine, api: ConsoleApi) -> None:
        if self._confirm(
            self.tr("Changer de poste"),
            self.tr(
                "{name} est enregistré sur le poste {device}. Son enregistrement sera annulé : "
                "il pourra s'enregistrer à nouveau sur le poste de votre choix, et sur aucun "
                "autre d'ici là. Le changement est consigné au journal de sécurité."
            ).format(name=line.name, device=line.device_label or "–"),
            self.tr("Changer de poste"),
        ):
            done = self.tr("Enregistrement annulé, à refaire sur un autre poste : {name}").format(
                name=line.name
            )
            self.spawn(self._call(api.release(line.candidate_id), done))

    def _report(self, line: RoomLine, api: ConsoleApi) -> None:
        dialog = IssueReportDialog(line, self.window)
        if dialog.exec() == ActionDialog.DialogCode.Accepted:
            category, subcategory, question, description = dialog.report
            done = self.tr("Signalement enregistré : {name}").format(name=line.name)
            self.spawn(
                self._call(
                    api.report_issue(
                        line.candidate_id, category, subcategory, question, description
                    ),
                    done,
                )
            )

    # --- the whole room -----------------------------------------------------------------------

    def pause_all(self) -> None:
        if self.api is not None and self._confirm(
            self.tr("Tout mettre en pause"),
            self.tr("Tous les tests en cours s'arrêtent ; leur chronomètre aussi."),
            self.tr("Tout mettre en pause"),
        ):
            self.spawn(self._call(self.api.pause_all(), self.tr("Toute la salle est en pause.")))

    def resume_all(self) -> None:
        if self.api is not None and self._confirm(
            self.tr("Tout reprendre"),
            self.tr("Tous les tests en pause reprennent ; leur chronomètre aussi."),
            self.tr("Tout reprendre"),
        ):
            self.spawn(self._call(self.api.resume_all(), self.tr("Toute la salle reprend.")))

    # --- end of session -----------------------------------------------------------------------

    def open_closing(self) -> None:
        closing = self.window.closing
        if self.snapshot is not None:
            closing.show_room(self.snapshot)
        closing.show_message("")
        self.window.show_screen(closing)
        self.spawn(self._load_closing())

    async def _load_closing(self) -> None:
        if self.api is None:
            return
        closing = self.window.closing
        try:
            closing.show_report(await self.api.report())
            if closing.state != "planned":
                closing.show_results(await self.api.results())
        except ConsoleApiError as error:
            closing.show_error(self.text(error))

    def finalise(self) -> None:
        if self.api is not None and self._confirm(
            self.tr("Finaliser la session"),
            self.tr(
                "La session sera close : plus aucune action d'examen, les candidats non arrivés "
                "déclarés absents, les résultats recalculés avec les signalements. C'est "
                "définitif."
            ),
            self.tr("Finaliser"),
            danger=True,
        ):
            self.spawn(self._finalise(self.api))

    async def _finalise(self, api: ConsoleApi) -> None:
        closing = self.window.closing
        remarks = closing.remarks_text() or None
        answer = await self._call(api.finalise(remarks), self.tr("Session finalisée."), closing)
        if answer is not None:
            closing.state = "finalised"
            closing.show_saved_remarks(answer.get("remarks"))
            await self._load_closing()

    def save_report(self) -> None:
        if self.api is not None and self.api.session is not None:
            name = f"proces-verbal-{self.api.session.session_id}.pdf"
            download = self.api.attendance_report_pdf(self.window.language.language)
            self.spawn(
                self._save_pdf(
                    download, name, self.window.closing.show_message, self.window.closing.show_error
                )
            )

    async def _save_pdf(
        self,
        download: Awaitable[bytes],
        name: str,
        saved: Callable[[str], None],
        failed: Callable[[str], None],
    ) -> None:
        try:
            content = await download
        except ConsoleApiError as error:
            failed(self.text(error))
            return
        path = self.documents_dir / name
        try:
            self.documents_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        except OSError as error:
            failed(
                self.tr("Impossible d'enregistrer {path} : {reason}").format(
                    path=path, reason=error.strerror
                )
            )
            return
        saved(self.tr("PDF enregistré : {path}").format(path=path))
        self.open_pdf(path)

    # --- the certification lead ---------------------------------------------------------------

    def lead_sign_in(self, url: str, token: str) -> None:
        self.spawn(self._lead_sign_in(url, token))

    async def _lead_sign_in(self, url: str, token: str) -> None:
        api = LeadApi(url, token, self.tls)
        try:
            await api.check_token()
        except ConsoleApiError as error:
            await api.close()
            self.window.lead.set_signed_in(False)
            self.window.lead.show_access_error(self.text(error))
            return
        if self.lead_api is not None:
            await self.lead_api.close()
        self.lead_api = api
        self.window.lead.show_access_error("")
        self.window.lead.set_signed_in(True)

    def create_session(self, fields: dict) -> None:
        if self.lead_api is not None:
            self.spawn(self._create_session(self.lead_api, fields))

    async def _create_session(self, api: LeadApi, fields: dict) -> None:
        try:
            created = await api.create_session(**fields)
        except ConsoleApiError as error:
            self.window.lead.show_create_error(self.text(error))
            return
        self.window.lead.show_created(created)

    def import_candidates(self, session_id: str, path: str) -> None:
        if self.lead_api is not None:
            self.spawn(self._import_candidates(self.lead_api, session_id, Path(path)))

    async def _import_candidates(self, api: LeadApi, session_id: str, path: Path) -> None:
        lead = self.window.lead
        try:
            text = decode_csv(path.read_bytes())
        except OSError as error:
            lead.show_import_error(
                self.tr("Lecture impossible de {path} : {reason}").format(
                    path=path, reason=error.strerror
                ),
                [],
            )
            return
        try:
            imported = await api.import_candidates(session_id, text)
        except ConsoleApiError as error:
            english = self.window.language.language == "en"
            lines = [
                self.tr("ligne {line} : {message}").format(
                    line=detail.get("line", "?"),
                    message=detail.get("message_en" if english else "message_fr", ""),
                )
                for detail in error.details
                if "line" in detail
            ]
            lead.show_import_error(self.text(error), lines)
            return
        lead.show_imported(imported["imported"])

    def save_sheet(self, session_id: str, lang: str) -> None:
        if self.lead_api is not None:
            download = self.lead_api.session_sheet_pdf(session_id, lang)
            lead = self.window.lead
            self.spawn(
                self._save_pdf(
                    download,
                    f"fiche-session-{session_id}.pdf",
                    lead.show_sheet_saved,
                    lead.show_sheet_error,
                )
            )
