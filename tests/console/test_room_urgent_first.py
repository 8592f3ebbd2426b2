"""What the invigilator came for comes first: for an alert, a lock, a start or a resume to
authorise, the panel's first button is that action, the one primary button, and the one that
the banner's « Voir » and Enter on a row give the focus to; Enter or Space on it opens its
dialog. The other buttons keep their order; a refused start has no urgent action, so the focus
goes to the first button as before. A real `pix-server` on loopback, robot kiosks.

Set PIX_CONSOLE_SCREENSHOTS=DIR to save the room with the focus on the alert's button.
"""

import asyncio

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.console.action_dialogs import ActionDialog, AlertDialog, IdentityCheckDialog
from kiosk.console.api import ConsoleApi
from kiosk.robot import RobotCandidate, RobotSettings, read_candidates_csv

# (status, the panel's buttons in order): the urgent one first, the rest as they always were
PANELS = {
    "live_alert": ["handle_alert", "pause", "extra_time", "end", "report"],
    "locked": ["unlock", "pause", "extra_time", "end", "report"],
    "waiting": ["authorise_start", "mark_absent", "move_device", "report"],
    "resume": ["authorise_resume", "report"],
    "start_refused": ["pause", "extra_time", "end", "report"],
}


def shown(panel) -> list[str]:
    return [action for action in panel.order if panel.buttons[action].isVisible()]


def focused_action() -> str | None:
    widget = QApplication.focusWidget()
    return widget.property("action") if isinstance(widget, QPushButton) else None


def dialog_opened_by(drive, key: Qt.Key) -> ActionDialog:
    """Press `key` on the focused widget, as a real key press is handled; the dialog that
    opens is noted and cancelled."""
    target = QApplication.focusWidget()
    opened: list[ActionDialog] = []
    pressed: list[bool] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ActionDialog), dialog
        opened.append(dialog)
        dialog.reject()

    def fire() -> None:
        QTimer.singleShot(50, cancel)
        QTest.keyClick(target, key)
        pressed.append(True)

    drive.loop.call_soon(fire)
    drive.until(lambda: bool(pressed))
    assert len(opened) == 1, "no dialog opened"
    window = target.window()
    window.activateWindow()  # the offscreen platform does not give it back by itself
    drive.until(lambda: QApplication.activeWindow() is window, timeout=2)
    return opened[0]


def luminance(colour: QColor) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast(button: QPushButton) -> float:
    """WCAG contrast of the button as drawn: its fill against the lightest pixel of its text."""
    image = button.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    height = image.height()
    fill = QColor(image.pixel(12, height // 2))
    text = max(
        (
            QColor(image.pixel(x, y))
            for x in range(12, image.width() - 12)
            for y in range(height // 4, 3 * height // 4)
        ),
        key=luminance,
    )
    light, dark = sorted((luminance(fill), luminance(text)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def accessible_order(panel) -> list[str]:
    """The panel's lines and buttons as a screen reader walks them."""
    content = QAccessible.queryAccessibleInterface(panel.content)
    names = []
    for index in range(content.childCount()):
        child = content.child(index)
        widget = child.object()
        if widget.isVisible():
            names.append(widget.property("action") or widget.objectName() or "text")
    return names


def test_the_urgent_action_comes_first_and_takes_the_focus(
    console, drive, plan, server, shot, tmp_path
):
    planned = plan(6)
    window = console.window
    room = window.room
    panel = room.panel
    sign_in = window.sign_in
    sign_in.session.edit.setText(str(planned.session_number))
    sign_in.code.edit.setText(planned.invigilator_code)
    drive.inside(sign_in.submit.click)
    drive.until(lambda: room.model.rowCount() == 6)

    invigilator = ConsoleApi(server.url)
    drive.run(invigilator.sign_in(planned.session_number, planned.invigilator_code))
    settings = RobotSettings(
        server.url, planned.session_number, planned.access_code, planned.enrol_token, seed=3
    )
    identities = read_candidates_csv(planned.csv_text)

    def robot(index: int, folder: str) -> RobotCandidate:
        return RobotCandidate(index, identities[index], settings, tmp_path / folder, invigilator)

    # Rows are alphabetical: BERNARD (locked) comes before DUPONT (alert).
    alert, resumed, refused, waiting, locked = (robot(i, f"pc-{i}") for i in range(5))

    async def start(candidate: RobotCandidate) -> None:
        await candidate.enrol()
        await candidate.check_in()
        if candidate is not waiting:
            await candidate.wait_for_ticket()
            await candidate.outbox.flush(timeout_s=10)

    drive.run(asyncio.gather(*(start(r) for r in (alert, resumed, refused, waiting, locked))))
    drive.run(resumed.show_next())
    drive.run(resumed.close())  # its PC crashed: it checks in again and waits for the resume
    resumed = robot(1, "pc-1")  # the same PC, restarted
    drive.run(resumed.enrol())
    drive.run(resumed.check_in())
    drive.run(
        refused.client.report_incident(
            refused.ticket.exam_id, "prohibited_process", "anydesk", locked=False
        )
    )
    item = drive.run(alert.show_next())
    drive.run(alert.raise_alert(item))

    def line(candidate: RobotCandidate):
        return room.snapshot.line(candidate.candidate_id) if room.snapshot else None

    def status(candidate: RobotCandidate) -> str | None:
        found = line(candidate)
        return found.status if found else None

    drive.until(lambda: status(alert) == "live_alert" and status(refused) == "start_refused")
    drive.until(lambda: line(resumed).waiting_for == "resume" and status(waiting) == "waiting")

    # « Voir » with an alert to handle: the focus on « Traiter le signalement… », first and
    # primary; Space opens the alert's dialog. The problem line is read before the buttons.
    drive.inside(room.banner_go.click)
    assert room.selected_candidate() == alert.candidate_id
    assert focused_action() == "handle_alert"
    assert shown(panel) == PANELS["live_alert"]
    assert panel.first_action() is panel.buttons["handle_alert"]
    primary = [a for a in shown(panel) if panel.buttons[a].property("role") == "primary"]
    assert primary == ["handle_alert"]
    assert accessible_order(panel) == ["text"] * 4 + PANELS["live_alert"]
    drive.inside(lambda: shot(window, "room-alert-focus"))
    assert isinstance(dialog_opened_by(drive, Qt.Key.Key_Space), AlertDialog)
    assert focused_action() == "handle_alert"  # back where it was, the alert still open

    # The focused primary button reads well in normal and in large type.
    normal_height = panel.buttons["handle_alert"].height()
    measured = [contrast(panel.buttons["handle_alert"])]
    drive.inside(window.large_button.click)
    drive.until(lambda: panel.buttons["handle_alert"].height() > normal_height)
    measured.append(contrast(panel.buttons["handle_alert"]))
    drive.inside(window.large_button.click)
    assert min(measured) >= 4.5, measured

    # A kiosk locks: BERNARD is first in the room, but the open alert is more urgent, so
    # « Voir » still shows the alert; the banner names the alert first, then the lock.
    drive.run(locked.client.report_incident(locked.ticket.exam_id, "focus_lost", "Alt+Tab"))
    drive.until(lambda: status(locked) == "locked")
    drive.inside(room.banner_go.click)
    assert room.selected_candidate() == alert.candidate_id
    assert focused_action() == "handle_alert"
    banner = room.banner_text.text()
    assert banner.index(line(alert).name) < banner.index(line(locked).name), banner

    # Enter on each row: the focus on what that candidate waits for, and its dialog.
    expected = {
        alert: ("live_alert", "handle_alert", AlertDialog),
        locked: ("locked", "unlock", ActionDialog),
        waiting: ("waiting", "authorise_start", IdentityCheckDialog),
        resumed: ("resume", "authorise_resume", IdentityCheckDialog),
        refused: ("start_refused", "pause", None),
    }
    for candidate, (case, action, dialog_type) in expected.items():
        room.select_candidate(candidate.candidate_id)
        room.table.setFocus()
        drive.inside(lambda: QTest.keyClick(room.table, Qt.Key.Key_Return))
        assert focused_action() == action, case
        assert shown(panel) == PANELS[case], case
        roles = {a: panel.buttons[a].property("role") for a in shown(panel)}
        assert [a for a, role in roles.items() if role == "primary"] == (
            [action] if dialog_type else []
        ), case
        if dialog_type is not None:
            for key in (Qt.Key.Key_Return, Qt.Key.Key_Space):
                assert type(dialog_opened_by(drive, key)) is dialog_type, (case, key)
    for candidate in (alert, resumed, refused, waiting, locked):
        drive.run(candidate.close())
    drive.run(invigilator.close())
