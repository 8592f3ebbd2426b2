"""A kiosk that refused to start its lockdown, as the invigilator sees it: « Départ refusé » in
the table and the panel with the reason, on the banner of what to handle now, and no unlock
(nothing is locked: the PC must be fixed); beside it a real lock keeps its unlock. The first
question clears the refusal. A real `pix-server` on loopback, robot kiosks.

Set PIX_CONSOLE_SCREENSHOTS=DIR to save the room with the refusal selected.
"""

import asyncio

from PySide6.QtCore import Qt

from kiosk.console.api import ConsoleApi
from kiosk.robot import RobotCandidate, RobotSettings, read_candidates_csv

REFUSAL = "environment_refused: a prohibited program is open: anydesk (pid 7)"


def test_a_refused_start_is_shown_as_such_with_no_unlock(
    console, drive, plan, server, shot, tmp_path
):
    planned = plan(3)
    window = console.window
    screen = window.room
    sign_in = window.sign_in
    sign_in.session.edit.setText(str(planned.session_number))
    sign_in.code.edit.setText(planned.invigilator_code)
    drive.inside(sign_in.submit.click)
    drive.until(lambda: screen.model.rowCount() == 3)

    invigilator = ConsoleApi(server.url)  # authorises the starts: not what this test is about
    drive.run(invigilator.sign_in(planned.session_number, planned.invigilator_code))
    settings = RobotSettings(
        server.url, planned.session_number, planned.access_code, planned.enrol_token, seed=11
    )
    identities = read_candidates_csv(planned.csv_text)
    refused, locked = (
        RobotCandidate(i, identities[i], settings, tmp_path / f"pc-{i}", invigilator)
        for i in (0, 1)
    )

    async def start(robot: RobotCandidate) -> None:
        await robot.enrol()
        await robot.check_in()
        await robot.wait_for_ticket()
        await robot.outbox.flush(timeout_s=10)

    drive.run(asyncio.gather(start(refused), start(locked)))
    drive.run(
        refused.client.report_incident(
            refused.ticket.exam_id, "prohibited_process", REFUSAL, locked=False
        )
    )
    drive.run(locked.client.report_incident(locked.ticket.exam_id, "focus_lost", "Alt+Tab"))

    def status(robot: RobotCandidate) -> str | None:
        line = screen.snapshot.line(robot.candidate_id) if screen.snapshot else None
        return line.status if line else None

    drive.until(lambda: status(refused) == "start_refused" and status(locked) == "locked")
    model, panel = screen.model, screen.panel
    row = model.row_of(refused.candidate_id)
    assert model.data(model.index(row, 1), Qt.ItemDataRole.DisplayRole) == "Départ refusé"
    assert screen.banner.isVisible()
    assert "À traiter maintenant (2)" in screen.banner_text.text()

    screen.select_candidate(refused.candidate_id)
    assert panel.status.text() == "Départ refusé"
    assert panel.problem.isVisible()
    assert panel.problem.text() == ("Départ refusé par le poste : un logiciel interdit est ouvert")
    offered = {action for action, control in panel.buttons.items() if control.isVisible()}
    assert offered == {"pause", "extra_time", "end", "report"}  # no « Déverrouiller le poste… »
    drive.inside(lambda: shot(window, "room-start-refused"))

    screen.select_candidate(locked.candidate_id)  # a lock is still a lock, with its unlock
    assert panel.status.text() == "Poste verrouillé"
    assert panel.problem.text() == "Verrouillé : a quitté la fenêtre du test"
    assert panel.buttons["unlock"].isVisible()

    drive.inside(window.language_button.click)
    drive.until(lambda: window.language_button.text() == "Français")
    screen.select_candidate(refused.candidate_id)
    assert model.data(model.index(row, 1), Qt.ItemDataRole.DisplayRole) == "Start refused"
    assert panel.problem.text() == "The PC refused to start: a forbidden program is open"
    drive.inside(window.language_button.click)
    drive.until(lambda: window.language_button.text() == "English")

    # The PC fixed, the candidate starts again: the first question clears the refusal.
    drive.run(refused.show_next())
    drive.until(lambda: status(refused) == "in_progress")
    assert not panel.problem.isVisible()
    assert "À traiter maintenant (1)" in screen.banner_text.text()
    for robot in (refused, locked):
        drive.run(robot.close())
    drive.run(invigilator.close())
