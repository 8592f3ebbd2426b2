"""A full room of robot candidates (kiosk/robot.py) driven through every status, every console
action taken through the console's own buttons and dialogs, then finalisation, publication and
the attendance report — all against a real `pix-server` on loopback.

Set PIX_CONSOLE_SCREENSHOTS=DIR to save a picture of each screen and dialog on the way.
"""

import asyncio
import subprocess

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from engine.cli import package_version
from engine.record import build_record
from kiosk.console.action_dialogs import (
    ActionDialog,
    AlertDialog,
    EndTestDialog,
    ExtraTimeDialog,
    IdentityCheckDialog,
    IssueReportDialog,
)
from kiosk.console.api import ConsoleApi
from kiosk.robot import ROBOT_CONFIG_KEY, RobotCandidate, RobotSettings, read_candidates_csv


class Room:
    """The test's hands on the console: select a candidate, press a button, answer a dialog."""

    def __init__(self, console, drive, shot):
        self.console, self.drive, self.shot = console, drive, shot
        self.window = console.window
        self.screen = console.window.room

    def status(self, candidate_id: str) -> str | None:
        snapshot = self.screen.snapshot
        line = snapshot.line(candidate_id) if snapshot else None
        return line.status if line else None

    def wait_status(self, candidate_id: str, status: str, timeout: float = 15.0) -> float:
        return self.drive.until(lambda: self.status(candidate_id) == status, timeout)

    def press(self, trigger, answer=None, picture: str | None = None) -> None:
        """Press `trigger` inside the running loop (as a real click is); `answer(dialog)` fills
        the dialog that opens and confirms it."""
        pressed: list[bool] = []

        def handle() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, ActionDialog), dialog
            answer(dialog)
            if picture:
                self.shot(dialog, picture)
            dialog.confirm.click()

        def fire() -> None:
            if answer is not None:
                QTimer.singleShot(50, handle)
            trigger()
            pressed.append(True)

        self.drive.loop.call_soon(fire)
        self.drive.until(lambda: bool(pressed))
        self.drive.until(lambda: not self.console.controller.busy)

    def act(self, candidate_id: str, action: str, answer=None, picture: str | None = None):
        self.screen.select_candidate(candidate_id)
        control = self.screen.panel.buttons[action]
        assert control.isVisible(), f"{action} not offered for {self.status(candidate_id)}"
        self.press(control.click, answer, picture)
        assert not self.screen.error.isVisible(), self.screen.error.text()


def confirm(_dialog) -> None:
    return None


def identity_checked(dialog: IdentityCheckDialog) -> None:
    dialog.checked.setChecked(True)


async def forged_upload(robot: RobotCandidate) -> dict:
    """A record signed by a key the server does not know: kept aside, never scored."""
    await robot.outbox.flush(timeout_s=30)
    await robot.outbox.stop()
    record = build_record(
        ticket=robot.signed_ticket,
        entries=robot.journal.entries(),
        result=robot.exam.result(abort_reason=None).to_dict(),
        signing_key=Ed25519PrivateKey.generate(),
    )
    return await robot.client.upload_record(record)


def test_a_room_through_every_status_and_action(console, drive, plan, server, tmp_path, shot):
    planned = plan(8)
    room = Room(console, drive, shot)
    window = console.window
    screen = room.screen
    sign_in = window.sign_in
    sign_in.session.edit.setText(str(planned.session_number))
    sign_in.code.edit.setText(planned.invigilator_code)
    drive.inside(lambda: shot(window, "sign-in"))
    room.press(sign_in.submit.click)
    drive.until(lambda: screen.model.rowCount() == 8)
    # Nobody has come yet: ending the session is not the screen's obvious next step.
    assert screen.closing.property("role") == "secondary"
    drive.inside(lambda: shot(window, "room-nobody-yet"))

    settings = RobotSettings(
        server.url, planned.session_number, planned.access_code, planned.enrol_token, seed=11
    )
    identities = read_candidates_csv(planned.csv_text)
    nobody = ConsoleApi(server.url)  # the robots never authorise: the console does
    robots = [
        RobotCandidate(i, identities[i], settings, tmp_path / f"robot-{i}", nobody)
        for i in range(7)
    ]
    drive.run(asyncio.gather(*(robot.enrol() for robot in robots)))
    drive.run(asyncio.gather(*(robot.check_in() for robot in robots)))
    ids = [robot.candidate_id for robot in robots]
    for candidate_id in ids:
        room.wait_status(candidate_id, "waiting")
    absent_id = next(
        line.candidate_id for line in screen.snapshot.lines if line.candidate_id not in ids
    )
    assert room.status(absent_id) == "not_arrived"
    drive.inside(lambda: shot(window, "room-waiting"))
    assert screen.closing.property("role") == "primary"

    # Authorise the starts, after the identity check (refused while the box is unticked).
    screen.select_candidate(ids[0])
    # Plain words for the invigilator; the key the kiosk checked in with, on demand (hover).
    assert "Logiciel du poste : accepté" in screen.panel.details.text()
    configuration = f"{ROBOT_CONFIG_KEY.key[:16]}, version {package_version()}"
    assert configuration in screen.panel.details.toolTip()
    refused: list[str] = []

    def untick_then_tick(dialog: IdentityCheckDialog) -> None:
        dialog.confirm.click()
        refused.append(dialog.error.text())
        identity_checked(dialog)
        assert dialog.error.isHidden()  # gone once the box is ticked

    room.act(ids[0], "authorise_start", untick_then_tick, picture="identity-check")
    assert refused == ["Cochez la case une fois l'identité vérifiée."]
    for candidate_id in ids[1:]:
        room.act(candidate_id, "authorise_start", identity_checked)
    tickets = [asyncio.ensure_future(robot.wait_for_ticket(authorise=False)) for robot in robots]
    drive.until(lambda: all(task.done() for task in tickets))
    for task in tickets:
        task.result()
    for candidate_id in ids:
        room.wait_status(candidate_id, "in_progress")

    r0, r1, r2, r3, r4, r5, r6 = robots
    drive.run(
        asyncio.gather(
            r1.take_exam(stop_after=3),
            r2.take_exam(stop_after=4),
            r3.take_exam(stop_after=6),
            r4.take_exam(stop_after=5),
            r6.take_exam(stop_after=2),
        )
    )
    room.drive.until(lambda: screen.snapshot.line(ids[3]).answered == 6)

    # Pause one candidate, give extra time, resume.
    room.act(ids[1], "pause")
    room.wait_status(ids[1], "paused")
    drive.until(lambda: r1.paused.is_set())
    before = screen.snapshot.line(ids[1]).remaining_s

    def ten_minutes(dialog: ExtraTimeDialog) -> None:
        dialog.minutes.setValue(10)

    room.act(ids[1], "extra_time", ten_minutes, picture="extra-time")
    drive.until(lambda: screen.snapshot.line(ids[1]).remaining_s >= before + 599)
    room.act(ids[1], "resume")
    room.wait_status(ids[1], "in_progress")

    # A kiosk locks itself; the console shows it within 2 s; the invigilator unlocks.
    drive.run(r2.client.report_incident(r2.ticket.exam_id, "focus_lost", "Alt+Tab"))
    lock_seen_s = room.wait_status(ids[2], "locked")
    assert lock_seen_s < 2.0
    assert screen.banner.isVisible() and "À traiter maintenant (1)" in screen.banner_text.text()
    drive.inside(lambda: shot(window, "room-locked"))
    room.act(ids[2], "unlock", confirm, picture="unlock")
    room.wait_status(ids[2], "in_progress")

    # A live alert: validated with its reason (the question is replaced), then one dismissed.
    item = drive.run(r3.show_next())
    drive.run(r3.raise_alert(item))
    alert_seen_s = room.wait_status(ids[3], "live_alert")
    assert alert_seen_s < 2.0
    drive.inside(lambda: shot(window, "room-alert"))

    def validate(dialog: AlertDialog) -> None:
        dialog.validate.setChecked(True)
        dialog.subcategory.setCurrentIndex(dialog.subcategory.findData("IMAGE_NOT_DISPLAYING"))

    room.act(ids[3], "handle_alert", validate, picture="alert")
    room.wait_status(ids[3], "in_progress")
    drive.until(lambda: r3.exam.current is None or r3.exam.current != item)
    replacement = drive.run(r3.show_next()) if r3.exam.current is None else r3.exam.current
    drive.run(r3.raise_alert(replacement))
    room.wait_status(ids[3], "live_alert")

    def dismiss(dialog: AlertDialog) -> None:
        dialog.dismiss.setChecked(True)

    room.act(ids[3], "handle_alert", dismiss)
    room.wait_status(ids[3], "in_progress")

    # Pause everyone, then resume everyone.
    room.press(screen.pause_all.click, confirm, picture="pause-all")
    for candidate_id in ids[1:5]:
        room.wait_status(candidate_id, "paused")
    drive.inside(lambda: shot(window, "room-paused"))
    room.press(screen.resume_all.click, confirm)
    for candidate_id in ids[1:5]:
        room.wait_status(candidate_id, "in_progress")

    # End a test early for a technical reason.
    def technical(dialog: EndTestDialog) -> None:
        dialog.reasons.buttons()[1].setChecked(True)

    room.act(ids[4], "end", technical, picture="end-test")
    room.wait_status(ids[4], "finished")
    drive.until(lambda: r4.abort_reason == "technical")

    # Issue reports: a question that did not display, and suspected fraud.
    def image_problem(dialog: IssueReportDialog) -> None:
        dialog.category.setCurrentIndex(dialog.category.findData("IN_CHALLENGE"))
        dialog.subcategory.setCurrentIndex(dialog.subcategory.findData("IMAGE_NOT_DISPLAYING"))
        dialog.question.setValue(2)

    def fraud(dialog: IssueReportDialog) -> None:
        dialog.category.setCurrentIndex(dialog.category.findData("FRAUD"))
        dialog.description.setPlainText("Téléphone sorti pendant la question 4.")

    room.act(ids[1], "report", image_problem, picture="issue-report")
    room.act(ids[4], "report", fraud)

    # A kiosk crashes; the candidate checks in again; the invigilator authorises the resume.
    drive.run(r6.close())
    r6 = RobotCandidate(6, identities[6], settings, tmp_path / "robot-6", nobody)
    drive.run(r6.enrol())
    drive.run(r6.check_in())
    room.drive.until(lambda: screen.snapshot.line(ids[6]).waiting_for == "resume")
    assert room.status(ids[6]) == "waiting"
    room.act(ids[6], "authorise_resume", identity_checked)
    drive.run(r6.wait_for_ticket(authorise=False))
    room.wait_status(ids[6], "in_progress")

    # The one who never came is marked absent.
    room.act(absent_id, "mark_absent", confirm, picture="mark-absent")
    room.wait_status(absent_id, "absent")

    # Everyone else finishes; one record is forged and rejected.
    drive.run(asyncio.gather(*(robot.take_exam() for robot in (r0, r1, r2, r3, r5, r6))))
    drive.run(asyncio.gather(*(robot.finish() for robot in (r0, r1, r2, r3, r4, r6))))
    assert drive.run(forged_upload(r5))["outcome"] == "quarantined"
    for candidate_id in (ids[0], ids[1], ids[2], ids[3], ids[4], ids[6]):
        room.wait_status(candidate_id, "record_received")
    room.wait_status(ids[5], "record_rejected")
    drive.inside(lambda: shot(window, "room-done"))
    for robot in robots:
        drive.run(robot.close())
    drive.run(nobody.close())

    # End of session: accounted for, incidents listed, finalised, results shown (no codes: the
    # school's lead publishes after review, never the invigilator).
    room.press(screen.closing.click)
    closing = window.closing
    drive.until(lambda: closing.incidents.count() >= 6)
    incidents = [closing.incidents.item(i).text() for i in range(closing.incidents.count())]
    assert any(
        "Poste verrouillé (a quitté la fenêtre du test · déverrouillé" in line for line in incidents
    )
    assert any("Signalement en direct (L'image ne s'affiche pas" in line for line in incidents)
    assert any("Suspicion de fraude" in line and "Téléphone" in line for line in incidents)
    assert any("Test arrêté avant la fin (Problème technique)" in line for line in incidents)
    assert any("Temps supplémentaire accordé (+10 min)" in line for line in incidents)
    assert closing.finalise.isEnabled()
    remarks = "Coupure réseau de 14 h 10 à 14 h 12 : tous les postes ont repris seuls."
    closing.remarks.setPlainText(remarks)
    drive.inside(lambda: shot(window, "closing"))
    room.press(closing.finalise.click, confirm, picture="finalise")
    drive.until(lambda: closing.state == "finalised")
    assert closing.remarks.isReadOnly() and closing.remarks.toPlainText() == remarks
    drive.until(lambda: closing.results.rowCount() == 8 and closing.results.isVisible())
    statuses = sorted(closing.results.item(row, 1).text() for row in range(8))
    assert statuses.count("Validée") == 5
    assert {"Absent", "Annulée", "Rejetée"} <= set(statuses)
    codes = [closing.results.item(row, 4).text() for row in range(8)]
    assert not any(code.startswith("P-") for code in codes)
    drive.inside(lambda: shot(window, "results"))

    # The attendance report, downloaded and read back.
    room.press(closing.report_pdf.click)
    report = console.documents / f"proces-verbal-{planned.session_id}.pdf"
    assert console.opened == [report]
    text = subprocess.run(
        ["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Session finalisée le" in flat and "Suspicion de fraude" in flat
    assert remarks in flat and "Temps supplémentaire accordé" in flat
    assert flat.count("Validée") >= 5 and "Absent" in flat and "Rejetée" in flat
