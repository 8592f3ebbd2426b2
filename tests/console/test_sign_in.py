"""Signing in: the console's own checks, the server's refusals (attempts left, lockout,
unknown session, no server), then the live room."""


def sign_in(drive, console, number, code):
    screen = console.window.sign_in
    screen.session.edit.setText(str(number))
    screen.code.edit.setText(code)
    drive.inside(screen.submit.click)


def test_empty_fields_are_explained_before_anything_is_sent(console, drive):
    screen = console.window.sign_in
    drive.inside(screen.submit.click)
    assert screen.session.error.text() == "Indiquez le numéro de session."
    assert screen.code.error.text() == "Indiquez le code surveillant."
    assert not console.controller.busy


def test_wrong_code_then_lockout_then_unknown_session(console, drive, plan):
    """An unknown session is answered as a wrong code: no session number can be told from
    the answers."""
    planned = plan(1)
    screen = console.window.sign_in
    for left in (4, 3, 2, 1):
        sign_in(drive, console, planned.session_number, "wrong!")
        drive.until(lambda: not console.controller.busy)
        plural = "essai restant" if left == 1 else "essais restants"
        assert f"{left} {plural}" in screen.problem.text()
    sign_in(drive, console, planned.session_number, "wrong!")
    drive.until(lambda: not console.controller.busy)
    assert "bloqué" in screen.problem.text() and "15 min" in screen.problem.text()
    sign_in(drive, console, planned.session_number, planned.invigilator_code)
    drive.until(lambda: not console.controller.busy)
    assert "bloqué" in screen.problem.text()  # locked even with the right code
    sign_in(drive, console, 1, "abcdef")
    drive.until(lambda: not console.controller.busy)
    assert "Code surveillant incorrect (4 essais restants" in screen.problem.text()
    assert screen.submit.isEnabled()


def test_unreachable_server_is_said_plainly(console, drive):
    screen = console.window.sign_in
    screen.server.edit.setText("http://127.0.0.1:9")
    sign_in(drive, console, 123456, "abcdef")
    drive.until(lambda: not console.controller.busy)
    assert "Serveur injoignable (http://127.0.0.1:9)" in screen.problem.text()


def test_sign_in_opens_the_room(console, drive, plan):
    planned = plan(6)
    sign_in(drive, console, planned.session_number, planned.invigilator_code)
    window = console.window
    drive.until(lambda: window.room.model.rowCount() == 6)
    assert window.stack.currentWidget() is window.room
    assert f"Session {planned.session_number}" in window.room.title.text()
    assert window.room.counts.text() == "6 candidats : 6 pas arrivés"
    assert window.room.connection.text() == "● Connecté"
    names = [window.room.model.line(row).name for row in range(6)]
    assert names == sorted(names, key=str.casefold) or len(set(names)) == 6
