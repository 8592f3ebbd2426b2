"""The console on half a screen (issue 22, item 9): the room table shows status, questions and
time left, the window never grows by itself, even when the connection is lost with a long
reason."""

from PySide6.QtCore import Qt

from kiosk.console.room_table import COLUMNS

HALF_SCREEN = 800


def signed_in(console, drive, planned):
    screen = console.window.sign_in
    screen.session.edit.setText(str(planned.session_number))
    screen.code.edit.setText(planned.invigilator_code)
    drive.inside(screen.submit.click)
    drive.until(lambda: console.window.room.model.rowCount() == len(planned.names))
    return console.window.room


def test_at_half_screen_the_table_shows_status_questions_and_time_left(console, drive, plan, shot):
    room = signed_in(console, drive, plan(3))
    window = console.window
    drive.inside(lambda: window.resize(HALF_SCREEN, 900))
    drive.until(lambda: window.width() == HALF_SCREEN)
    table = room.table
    drive.until(lambda: table.isColumnHidden(COLUMNS.index("device")))
    shown = [name for index, name in enumerate(COLUMNS) if not table.isColumnHidden(index)]
    assert shown == ["candidate", "status", "progress", "time_left"]
    header = table.horizontalHeader()
    order = sorted(shown, key=lambda name: header.visualIndex(COLUMNS.index(name)))
    assert order == ["status", "progress", "time_left", "candidate"]

    def right_edge(name: str) -> int:
        column = COLUMNS.index(name)
        return table.columnViewportPosition(column) + table.columnWidth(column)

    # The candidate panel goes under the table: the table has the width for all four.
    drive.until(lambda: room.splitter.orientation() == Qt.Orientation.Vertical)
    drive.until(lambda: table.width() > window.width() * 3 // 4)
    for name in ("status", "progress", "time_left"):
        assert right_edge(name) <= table.viewport().width(), (
            f"{name} ends at {right_edge(name)} px, out of the {table.viewport().width()} px view"
        )
    assert table.columnWidth(COLUMNS.index("candidate")) >= 120  # the name, shortened at worst
    assert table.horizontalScrollBar().maximum() == 0
    drive.inside(lambda: shot(window, "room-half-screen"))

    long_reason = "le serveur ne répond plus (ConnectError: All connection attempts failed) " * 3
    drive.inside(lambda: room.set_connection(long_reason))
    drive.until(lambda: room.connection.text().startswith("● Connexion perdue"))
    drive.inside(lambda: None)
    assert window.width() == HALF_SCREEN, f"the console grew to {window.width()} px"
    assert room.closing.isVisible()
    closing_right = room.closing.mapTo(window, room.closing.rect().topRight()).x()
    assert closing_right <= window.width()
    drive.inside(lambda: shot(window, "room-half-screen-offline"))


def test_wide_the_table_shows_every_column(console, drive, plan):
    room = signed_in(console, drive, plan(2))
    drive.inside(lambda: console.window.resize(1440, 900))
    drive.until(lambda: not room.table.isColumnHidden(COLUMNS.index("device")))
    assert not room.table.isColumnHidden(COLUMNS.index("contact"))
    drive.until(lambda: room.splitter.orientation() == Qt.Orientation.Horizontal)
    assert room.table.horizontalHeader().visualIndex(COLUMNS.index("candidate")) == 0
