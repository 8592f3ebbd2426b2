"""The room as a table: one row per candidate, coloured by status, its clocks ticking locally."""

import time
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from kiosk.console.labels import status_label
from kiosk.console.look import ALERT_RED, STATUS_COLOURS
from kiosk.console.room_state import (
    CLOCK_RUNS,
    NEEDS_ATTENTION,
    STALE_CONTACT_S,
    RoomLine,
    RoomSnapshot,
    format_clock,
)

COLUMNS = ("candidate", "status", "progress", "time_left", "device", "contact")
TICKING = (COLUMNS.index("time_left"), COLUMNS.index("contact"))
# Below this width (a console on half a screen) the PC and last-contact columns give way: status,
# questions and time left are what an invigilator scans the room for. The candidate panel
# still shows the PC and its last contact.
SECONDARY = (COLUMNS.index("device"), COLUMNS.index("contact"))
NARROW_PX = 900
FIRST_WHEN_NARROW = ("status", "progress", "time_left")


class RoomTableModel(QAbstractTableModel):
    """Rows follow the server's order (alphabetical); `now` is a monotonic clock."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.snapshot: RoomSnapshot | None = None
        self.now = now

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.snapshot is None else len(self.snapshot.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Candidat"),
            self.tr("État"),
            self.tr("Questions"),
            self.tr("Temps restant"),
            self.tr("Poste"),
            self.tr("Contact"),
        )[section]

    def line(self, row: int) -> RoomLine | None:
        if self.snapshot is None or not 0 <= row < len(self.snapshot.lines):
            return None
        return self.snapshot.lines[row]

    def row_of(self, candidate_id: str) -> int:
        if self.snapshot is None:
            return -1
        return next(
            (i for i, line in enumerate(self.snapshot.lines) if line.candidate_id == candidate_id),
            -1,
        )

    def set_snapshot(self, snapshot: RoomSnapshot) -> None:
        """Take the server's new picture; rows are kept (and the selection with them) when the
        same candidates are listed in the same order."""
        same_rows = self.snapshot is not None and [
            line.candidate_id for line in self.snapshot.lines
        ] == [line.candidate_id for line in snapshot.lines]
        if same_rows:
            self.snapshot = snapshot
            self._changed(0, len(COLUMNS) - 1)
        else:
            self.beginResetModel()
            self.snapshot = snapshot
            self.endResetModel()

    def tick(self) -> None:
        """Refresh the clocks (time left, last contact) without asking the server."""
        for column in TICKING:
            self._changed(column, column)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self._changed(0, len(COLUMNS) - 1)

    def _changed(self, first_column: int, last_column: int) -> None:
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, first_column), self.index(self.rowCount() - 1, last_column)
            )

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0):
        line = self.line(index.row()) if index.isValid() else None
        if line is None or self.snapshot is None:
            return None
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(line, column)
        if role == Qt.ItemDataRole.BackgroundRole and column == "status":
            return QBrush(QColor(STATUS_COLOURS[line.status][0]))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "status":
                return QBrush(QColor(STATUS_COLOURS[line.status][1]))
            if column == "contact" and self._stale(line):
                return QBrush(QColor(ALERT_RED))
        if role == Qt.ItemDataRole.FontRole and (
            (column == "status" and line.status in NEEDS_ATTENTION)
            or (column == "contact" and self._stale(line))
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == "candidate":
            return self.tr("Né(e) le {date}").format(date=line.born)
        if role == Qt.ItemDataRole.ToolTipRole and column == "contact":
            return self.tr("Temps écoulé depuis la dernière requête du poste au serveur")
        return None

    def _stale(self, line: RoomLine) -> bool:
        age = self.snapshot.contact_age_s(line, self.now()) if self.snapshot else None
        return line.status in CLOCK_RUNS and age is not None and age > STALE_CONTACT_S

    def _text(self, line: RoomLine, column: str) -> str:
        assert self.snapshot is not None
        if column == "candidate":
            if line.extra_time_percent:
                return self.tr("{name} · tiers-temps").format(name=line.name)
            return line.name
        if column == "status":
            return status_label(line.status, line.waiting_for)
        if column == "progress":
            started = line.remaining_s is not None or line.answered
            return f"{line.answered} / {line.question_count}" if started else ""
        if column == "time_left":
            if line.status not in (*CLOCK_RUNS, "paused", "authorised"):
                return ""  # before the authorisation, and once finished
            return format_clock(self.snapshot.time_left_s(line, self.now()))
        if column == "device":
            return line.device_label
        age = self.snapshot.contact_age_s(line, self.now())
        if age is None:
            return "–"
        text = f"{int(age)} s" if age < 60 else f"{int(age // 60)} min"
        return ("⚠ " + text) if self._stale(line) else text


class RoomTable(QTableView):
    """The table view: whole rows, one selected at a time, reachable and usable by keyboard."""

    def __init__(self, model: RoomTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The name takes what is left (shortened with « … »): never the status pushed out of view.
        header.setSectionResizeMode(COLUMNS.index("candidate"), QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        narrow = event.size().width() < NARROW_PX
        for column in SECONDARY:
            self.setColumnHidden(column, narrow)
        # Narrow, the name comes after what the invigilator scans for (it is shortened first).
        header = self.horizontalHeader()
        candidate = COLUMNS.index("candidate")
        wanted = len(FIRST_WHEN_NARROW) if narrow else 0
        if header.visualIndex(candidate) != wanted:
            header.moveSection(header.visualIndex(candidate), wanted)
        super().resizeEvent(event)
