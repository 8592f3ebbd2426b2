"""The live room: who is where, what needs the invigilator now, and the actions on them.

Layout: a title line (session, connection), a red banner while alerts, locks or refused starts
wait (most urgent first), the room counts, a toolbar for the whole room, then the table and the
selected candidate's panel.
Keyboard: the table takes the focus; ↑ ↓ choose a candidate, Enter goes to their first action
(what they wait for, when they do: candidate_panel.URGENT_ACTIONS); « Voir » too.
"""

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from kiosk.console.candidate_panel import CandidatePanel
from kiosk.console.room_counts import counts_text
from kiosk.console.room_state import CLOCK_RUNS, RoomSnapshot, local_clock
from kiosk.console.room_table import NARROW_PX, RoomTable, RoomTableModel
from kiosk.ui.controls import button, set_error, text_label
from kiosk.ui.theme import set_role

TICK_MS = 1000


class RoomScreen(QWidget):
    action_requested = Signal(str, str)
    pause_all_requested = Signal()
    resume_all_requested = Signal()
    closing_requested = Signal()

    def __init__(self, now: Callable[[], float] = time.monotonic, parent: QWidget | None = None):
        super().__init__(parent)
        self.snapshot: RoomSnapshot | None = None
        self.title_text = ""
        self.connection_problem: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        top = QHBoxLayout()
        self.title = text_label("room-title", self)
        self.connection = text_label("online", self)
        # A lost connection's reason can be long: it wraps under the header, the window keeps
        # its width (a console on half a screen must never grow by itself).
        self.connection.setWordWrap(True)
        self.connection.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 2)
        top.addWidget(self.connection, 1)
        # On the title's line, not the toolbar's: the three actions on one line would be wider
        # than a console on half a screen.
        self.closing = button("primary", self)
        self.closing.clicked.connect(self.closing_requested)
        top.addWidget(self.closing, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.banner = QFrame(self)
        self.banner.setProperty("role", "banner-alert")
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(16, 10, 16, 10)
        self.banner_text = text_label("lead", self.banner)
        self.banner_go = button("secondary", self.banner)
        self.banner_go.clicked.connect(self.select_first_needing_attention)
        banner_row.addWidget(self.banner_text, 1)
        banner_row.addWidget(self.banner_go)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.counts = text_label("count", self)
        layout.addWidget(self.counts)
        # Watched questions left: no action to take, but seen as they happen.
        self.focus_losses = text_label("error", self)
        self.focus_losses.hide()
        layout.addWidget(self.focus_losses)
        toolbar = QHBoxLayout()
        self.pause_all = button("secondary", self)
        self.pause_all.clicked.connect(self.pause_all_requested)
        self.resume_all = button("secondary", self)
        self.resume_all.clicked.connect(self.resume_all_requested)
        for control in (self.pause_all, self.resume_all):
            toolbar.addWidget(control)
        toolbar.addStretch(1)
        layout.addLayout(toolbar)
        self.message = text_label("success", self)
        self.message.hide()
        self.error = text_label("error", self)
        self.error.hide()
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        self.model = RoomTableModel(now)
        self.table = RoomTable(self.model, self)
        self.panel = CandidatePanel(now, self)
        self.panel.action_requested.connect(self.action_requested)
        self.splitter = splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.installEventFilter(self)
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow (half a screen), the candidate panel goes under the room table, which keeps
        the whole width for status, questions, time left and name; the panel scrolls. The
        window's own size is never touched."""
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW_PX
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)
            self.panel.set_stacked(narrow)
            QTimer.singleShot(0, self, self._share_splitter)

    def _share_splitter(self) -> None:
        """The room table gets most of the space, side by side or stacked."""
        total = sum(self.splitter.sizes())
        if self.splitter.orientation() == Qt.Orientation.Vertical:
            self.splitter.setSizes([total * 3 // 5, total - total * 3 // 5])
        else:
            self.splitter.setSizes([total * 3 // 4, total - total * 3 // 4])

    # --- what the controller tells the screen ------------------------------------------------

    def set_session(self, title: str) -> None:
        self.title_text = title
        self.title.setText(title)

    def show_snapshot(self, snapshot: RoomSnapshot) -> None:
        chosen = self.selected_candidate()
        self.snapshot = snapshot
        self.model.set_snapshot(snapshot)
        if chosen is not None and self.selected_candidate() != chosen:
            self.select_candidate(chosen)
        self._selection_changed()
        self._update_counts()

    def set_connection(self, problem: str | None) -> None:
        """Connected (None), or why not: said in the header line until it comes back."""
        self.connection_problem = problem
        set_role(self.connection, "online" if problem is None else "offline")
        text = (
            self.tr("● Connecté")
            if problem is None
            else self.tr("● Connexion perdue : {reason}").format(reason=problem)
        )
        self.connection.setText(text)
        self.connection.setAccessibleName(text)

    def show_message(self, text: str) -> None:
        set_error(self.error, "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.message.hide()
        set_error(self.error, text)

    def selected_candidate(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        line = self.model.line(rows[0].row()) if rows else None
        return line.candidate_id if line else None

    def select_candidate(self, candidate_id: str) -> None:
        row = self.model.row_of(candidate_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(self.model.index(row, 0))

    def select_first_needing_attention(self) -> None:
        """« Voir »: the most urgent candidate (an alert, then a lock, then a refused start;
        the table's order among equals), with the focus on the action awaited."""
        if self.snapshot is None:
            return
        urgent = self.snapshot.urgent()
        if urgent:
            self.select_candidate(urgent[0].candidate_id)
            target = self.panel.first_action()
            (target or self.table).setFocus(Qt.FocusReason.OtherFocusReason)

    # --- internals ----------------------------------------------------------------------------

    def _tick(self) -> None:
        self.model.tick()
        self.panel.refresh_texts()

    def _selection_changed(self, *_args) -> None:
        chosen = self.selected_candidate()
        line = self.snapshot.line(chosen) if self.snapshot and chosen else None
        self.panel.show_line(line, self.snapshot)

    def _update_counts(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        self.counts.setText(counts_text(snapshot))
        urgent = snapshot.urgent()
        self.banner.setVisible(bool(urgent))
        if urgent:
            names = ", ".join(line.name for line in urgent)
            self.banner_text.setText(
                self.tr("À traiter maintenant ({n}) : {names}").format(n=len(urgent), names=names)
            )
        losses = snapshot.focus_losses()
        self.focus_losses.setVisible(bool(losses))
        if losses:
            self.focus_losses.setText(
                self.tr("Fenêtre quittée pendant une question surveillée : {who}").format(
                    who=" ; ".join(
                        f"{line.name} ({lock.detail}, {local_clock(lock.reported_at)})"
                        for line, lock in losses
                    )
                )
            )
        closed = not snapshot.is_open
        for control in (self.pause_all, self.resume_all):
            control.setEnabled(not closed)
        # Ending the session is the obvious next step only once candidates have come.
        arrived = len(snapshot.lines) - snapshot.count("not_arrived", "absent")
        set_role(self.closing, "primary" if arrived else "secondary")
        running = snapshot.count(*CLOCK_RUNS)
        self.pause_all.setEnabled(not closed and running > 0)
        self.resume_all.setEnabled(not closed and snapshot.count("paused") > 0)

    def retranslate(self) -> None:
        self.banner_go.setText(self.tr("Voir"))
        self.banner_go.setAccessibleName(self.tr("Aller au premier candidat à traiter"))
        self.pause_all.setText(self.tr("Tout mettre en pause"))
        self.resume_all.setText(self.tr("Tout reprendre"))
        self.closing.setText(self.tr("Fin de session…"))
        self.table.setAccessibleName(self.tr("Candidats de la salle"))
        self.model.retranslate()
        self._update_counts()
        if self.connection.text():  # once the first answer (or failure) came
            self.set_connection(self.connection_problem)

    def eventFilter(self, watched, event) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            target = self.panel.first_action()
            if target is not None:
                target.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
