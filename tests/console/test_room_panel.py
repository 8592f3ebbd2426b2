"""A room with every kind of trouble at once, seen on the invigilators' laptop (1280×800) with
large type: the counts line accounts for every candidate (French plurals, English too) and the
panel of the longest case (extra time, two locks, an alert, six actions) keeps every line and
every button within reach of the mouse and the keyboard. A real `pix-server` on loopback,
robot kiosks.

Set PIX_CONSOLE_SCREENSHOTS=DIR to save the room and the long case, in French and English.
"""

import asyncio

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.console.api import ConsoleApi
from kiosk.console.candidate_panel import CandidatePanel
from kiosk.robot import RobotCandidate, RobotSettings, read_candidates_csv

LAPTOP = (1280, 800)
LONG_CASE_ACTIONS = [
    "handle_alert",
    "unlock",
    "pause",
    "extra_time",
    "end",
    "report",
]  # panel order: what the invigilator came for first, the alert before the lock
COUNTS_FR = (
    "8 candidats : 2 pas arrivés · 1 attend l'autorisation · 1 en cours · 1 en pause"
    " · 1 poste verrouillé · 1 départ refusé · 1 signalement"
)
COUNTS_EN = (
    "8 candidates: 2 not arrived · 1 waiting for authorisation · 1 in progress · 1 paused"
    " · 1 kiosk locked · 1 start refused · 1 live alert"
)


def in_view(panel: CandidatePanel, widget: QWidget) -> bool:
    """The whole of `widget` is inside the panel's visible area."""
    viewport = panel.scroll.viewport()
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


def offered(panel: CandidatePanel) -> list[str]:
    """The actions shown, in the panel's order."""
    return [action for action in panel.order if panel.buttons[action].isVisible()]


def assert_nothing_cut(panel: CandidatePanel) -> None:
    """No line is clipped sideways or cut short, and scrolling reaches the top and the end."""
    viewport, content = panel.scroll.viewport(), panel.content
    assert content.width() <= viewport.width()
    for label in (panel.name, panel.status, panel.details, panel.problem):
        assert label.x() >= 0 and label.geometry().right() < content.width(), label.text()
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    for control in panel.buttons.values():
        if control.isVisible():  # its whole text on it
            assert control.width() >= control.sizeHint().width(), control.text()
            assert control.geometry().right() < content.width(), control.text()
    bar = panel.scroll.verticalScrollBar()
    bar.setValue(bar.minimum())
    assert in_view(panel, panel.name)
    bar.setValue(bar.maximum())
    assert in_view(panel, panel.buttons["report"])
    bar.setValue(bar.minimum())


def tab_through_actions(drive, room) -> list[str]:
    """Enter on the table, then Tab: the actions reached, each seen whole when it has the focus."""
    panel = room.panel
    room.table.setFocus()
    drive.inside(lambda: QTest.keyClick(room.table, Qt.Key.Key_Return))
    reached: list[str] = []
    for _ in range(len(LONG_CASE_ACTIONS)):
        focused = QApplication.focusWidget()
        action = focused.property("action") if focused is not None else None
        if action not in panel.buttons:
            break
        drive.until(lambda shown=focused: in_view(panel, shown), timeout=2)
        reached.append(action)
        drive.inside(lambda pressed=focused: QTest.keyClick(pressed, Qt.Key.Key_Tab))
    return reached


def test_every_candidate_counted_and_the_long_case_within_reach(
    console, drive, plan, server, shot, tmp_path
):
    planned = plan(8)
    window = console.window
    room = window.room
    sign_in = window.sign_in
    sign_in.session.edit.setText(str(planned.session_number))
    sign_in.code.edit.setText(planned.invigilator_code)
    drive.inside(sign_in.submit.click)
    drive.until(lambda: room.model.rowCount() == 8)

    invigilator = ConsoleApi(server.url)
    drive.run(invigilator.sign_in(planned.session_number, planned.invigilator_code))
    settings = RobotSettings(
        server.url, planned.session_number, planned.access_code, planned.enrol_token, seed=5
    )
    identities = read_candidates_csv(planned.csv_text)
    robots = {
        i: RobotCandidate(i, identities[i], settings, tmp_path / f"pc-{i}", invigilator)
        for i in range(1, 7)
    }
    locked, refused, paused, running, long_case, waiting = robots.values()

    async def start(robot: RobotCandidate) -> None:
        await robot.enrol()
        await robot.check_in()
        if robot is not waiting:
            await robot.wait_for_ticket()
            await robot.outbox.flush(timeout_s=10)

    drive.run(asyncio.gather(*(start(robot) for robot in robots.values())))
    drive.run(
        refused.client.report_incident(
            refused.ticket.exam_id, "prohibited_process", "anydesk", locked=False
        )
    )
    drive.run(locked.client.report_incident(locked.ticket.exam_id, "focus_lost", "Alt+Tab"))
    drive.run(invigilator.pause(paused.candidate_id))
    item = drive.run(long_case.show_next())
    drive.run(long_case.raise_alert(item))
    for kind in ("focus_lost", "screen_changed"):
        drive.run(long_case.client.report_incident(long_case.ticket.exam_id, kind, kind))

    def status(robot: RobotCandidate) -> str | None:
        line = room.snapshot.line(robot.candidate_id) if room.snapshot else None
        return line.status if line else None

    expected = {
        locked: "locked",
        refused: "start_refused",
        paused: "paused",
        running: "in_progress",
        long_case: "live_alert",
        waiting: "waiting",
    }
    drive.until(lambda: all(status(robot) == shown for robot, shown in expected.items()))
    drive.until(lambda: len(room.snapshot.line(long_case.candidate_id).locks) == 2)
    assert room.counts.text() == COUNTS_FR

    # The invigilators' laptop, large type, the longest case selected.
    window.resize(*LAPTOP)
    drive.inside(window.large_button.click)
    room.select_candidate(long_case.candidate_id)
    panel = room.panel
    drive.until(lambda: (window.width(), window.height()) == LAPTOP)
    assert room.selected_candidate() == long_case.candidate_id
    assert panel.status.text() == "Signalement", panel.name.text()
    assert offered(panel) == LONG_CASE_ACTIONS
    roles = [panel.buttons[action].property("role") for action in LONG_CASE_ACTIONS]
    assert roles == ["primary", "secondary", "secondary", "secondary", "danger", "secondary"]
    details = panel.details.text()
    for fact in (
        "Né(e) le ",
        "Poste : ",
        "Logiciel du poste : ",
        "Tiers-temps : 33 %",
        "Questions",
    ):
        assert fact in details
    assert panel.problem.text().splitlines() == [
        "Verrouillé : a quitté la fenêtre du test",
        "Verrouillé : un écran a été branché ou débranché",
        "Signalement sur la question en cours",
    ]
    bar = panel.scroll.verticalScrollBar()
    assert bar.maximum() > 0, "the long case fits: this test would prove nothing"
    assert panel.scroll.focusPolicy() == Qt.FocusPolicy.StrongFocus  # arrows, Page Up/Down
    assert_nothing_cut(panel)
    drive.inside(lambda: shot(window, "room-long-case-large-type"))
    assert tab_through_actions(drive, room) == LONG_CASE_ACTIONS
    panel.scroll.setFocus()  # the lines above the buttons, by keyboard too
    while bar.value() > bar.minimum():
        before = bar.value()
        drive.inside(lambda: QTest.keyClick(panel.scroll, Qt.Key.Key_PageUp))
        assert bar.value() < before
    assert in_view(panel, panel.name)
    drive.inside(lambda: QTest.keyClick(panel.scroll, Qt.Key.Key_PageDown))
    assert bar.value() > bar.minimum()

    # In English: the counts, and the same reach with the longer words.
    drive.inside(window.language_button.click)
    drive.until(lambda: window.language_button.text() == "Français")
    assert room.counts.text() == COUNTS_EN
    room.select_candidate(long_case.candidate_id)
    drive.until(lambda: panel.status.text() == "Live alert")
    assert (window.width(), window.height()) == LAPTOP
    assert "Extra time: 33 %" in panel.details.text()
    assert_nothing_cut(panel)
    drive.inside(lambda: shot(window, "room-long-case-large-type-english"))
    assert tab_through_actions(drive, room) == LONG_CASE_ACTIONS

    # Back to normal type: everything fits, no scrolling and no extra stop for Tab.
    drive.inside(window.language_button.click)
    drive.until(lambda: window.language_button.text() == "English")
    drive.inside(window.large_button.click)
    window.resize(1440, 900)
    room.select_candidate(running.candidate_id)
    drive.until(lambda: bar.maximum() == 0)
    assert panel.scroll.focusPolicy() == Qt.FocusPolicy.NoFocus
    for robot in robots.values():
        drive.run(robot.close())
    drive.run(invigilator.close())
