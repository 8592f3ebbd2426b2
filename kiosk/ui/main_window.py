"""The kiosk window: a quiet header (who, network, language, text size, contrast) over one screen.

The window owns the screens and shows one at a time; it knows nothing of exams. The display
controls work on every screen, mid-question included, and never change what is recorded.
When quitting needs the invigilator code (secure mode), the window never closes on a close
request: it emits `quit_requested` instead, as do its "Quitter le poste" links and Ctrl+Alt+Q,
and closes only through `close_for_good`.
"""

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine.items import Media
from kiosk.i18n import LanguageSwitcher
from kiosk.lab_config import FONT_SCALES
from kiosk.ui.attachment_viewer import AttachmentViewer
from kiosk.ui.candidate_badge import CandidateBadge
from kiosk.ui.checkin_screen import CheckInScreen
from kiosk.ui.controls import button, text_label
from kiosk.ui.locked_screen import LockedScreen
from kiosk.ui.message_screens import (
    EndScreen,
    InstructionsScreen,
    PausedScreen,
    TimeOverScreen,
    WaitingScreen,
)
from kiosk.ui.network_status import NetworkStatus
from kiosk.ui.question_screen import QuestionScreen
from kiosk.ui.quit_screen import QUIT_SHORTCUT, QuitLink, QuitScreen
from kiosk.ui.screen import Screen
from kiosk.ui.theme import apply_theme


class KioskWindow(QMainWindow):
    """One window, one screen at a time; `show_screen` also moves the keyboard focus sensibly."""

    quit_requested = Signal()

    def __init__(
        self, switcher: LanguageSwitcher, font_scale: float = 1.0, high_contrast: bool = False
    ) -> None:
        super().__init__()
        self.switcher = switcher
        self.font_scale = font_scale
        self.high_contrast = high_contrast
        self.candidate = ("", "")
        self._screen_focus: QWidget | None = None
        self.checkin = CheckInScreen()
        self.waiting = WaitingScreen()
        self.instructions = InstructionsScreen()
        self.question = QuestionScreen()
        self.paused = PausedScreen()
        self.locked = LockedScreen()
        self.time_over = TimeOverScreen()
        self.end = EndScreen()
        self.quit_prompt = QuitScreen()
        self.viewer = AttachmentViewer()
        self.quit_needs_code = False
        self._closing_for_good = False
        for link in self.quit_links():
            link.clicked.connect(self.quit_requested)
        self._quit_shortcut = QShortcut(QKeySequence(QUIT_SHORTCUT), self)
        self._quit_shortcut.setEnabled(False)
        self._quit_shortcut.activated.connect(self.quit_requested)
        self.question.attachment_requested.connect(self.open_attachment)
        self.viewer.closed.connect(self.close_attachment)
        self.stack = QStackedWidget()
        for screen in self.screens():
            self.stack.addWidget(screen)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_header())
        self.notice = text_label("lead")
        self.notice_frame = QFrame()
        self.notice_frame.setProperty("role", "notice")
        notice_layout = QVBoxLayout(self.notice_frame)
        notice_layout.setContentsMargins(24, 12, 24, 12)
        notice_layout.addWidget(self.notice)
        self.notice_frame.hide()
        layout.addWidget(self.notice_frame)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.resize(1280, 860)
        self.retranslate()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._remember_focus)

    def screens(self) -> tuple[Screen, ...]:
        return (
            self.checkin,
            self.waiting,
            self.instructions,
            self.question,
            self.paused,
            self.locked,
            self.time_over,
            self.end,
            self.quit_prompt,
            self.viewer,
        )

    def quit_links(self) -> tuple[QuitLink, ...]:
        return (self.checkin.quit, self.locked.quit, self.end.quit)

    def set_quit_needs_code(self, needed: bool) -> None:
        """Secure mode: closing is refused, and quitting goes through the invigilator code."""
        self.quit_needs_code = needed
        for link in self.quit_links():
            link.setVisible(needed)
        self._quit_shortcut.setEnabled(needed)

    def closeEvent(self, event: QCloseEvent) -> None:
        """A close request (the window manager, Alt+F4, `app.quit()`) opens the quit prompt
        instead when quitting needs the code. (While the lockdown holds, its window guard
        refuses the request first and locks the exam.)"""
        if self.quit_needs_code and not self._closing_for_good:
            event.ignore()
            self.quit_requested.emit()
            return
        super().closeEvent(event)

    def close_for_good(self) -> None:
        """Close whatever the mode: the invigilator's code was accepted, or the app is ending."""
        self._closing_for_good = True
        self.close()

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setProperty("role", "header")
        row = QHBoxLayout(header)
        row.setContentsMargins(24, 12, 24, 12)
        row.setSpacing(12)
        self.brand = text_label("brand", header)
        self.brand.setWordWrap(False)
        self.brand.setMinimumWidth(1)  # never what widens the window: hidden when short of room
        self.who = CandidateBadge(header)
        self.network = NetworkStatus(header)
        self.language_button = button("toolbar", header)
        self.language_button.clicked.connect(self.toggle_language)
        self.language_note = text_label("muted", header)
        self.language_note.setWordWrap(False)
        self.language_note.hide()
        self.smaller = button("toolbar", header)
        self.smaller.setText("A-")
        self.smaller.clicked.connect(lambda: self.step_font_scale(-1))
        self.larger = button("toolbar", header)
        self.larger.setText("A+")
        self.larger.clicked.connect(lambda: self.step_font_scale(+1))
        self.contrast = button("toolbar", header)
        self.contrast.setCheckable(True)
        self.contrast.setChecked(self.high_contrast)
        self.contrast.toggled.connect(self.set_high_contrast)
        self.header = header
        header.installEventFilter(self)
        row.addWidget(self.brand)
        row.addSpacing(16)
        row.addWidget(self.who, 1)
        row.addWidget(self.network)
        row.addSpacing(16)
        row.addWidget(self.language_note)
        for control in (self.language_button, self.smaller, self.larger, self.contrast):
            control.setAutoDefault(False)
            row.addWidget(control)
            # The header serves the candidate, then gets out of the way: typing goes on in
            # the answer and Enter still validates.
            control.clicked.connect(self.return_focus)
        return header

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.header and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._fit_header()
        return super().eventFilter(watched, event)

    def _fit_header(self) -> None:
        """A narrow window (half a screen, large type) drops the brand before the candidate's
        name: the header never asks for more width than the window has."""
        row = self.header.layout()
        margins = row.contentsMargins()
        others = (self.network, self.language_button, self.smaller, self.larger, self.contrast)
        needed = (
            margins.left()
            + margins.right()
            + self.brand.sizeHint().width()
            + self.who.minimumWidth()
            + sum(widget.sizeHint().width() for widget in others if not widget.isHidden())
            + row.spacing() * (row.count() - 1)
            + 32  # the two fixed spacings
        )
        self.brand.setVisible(self.header.width() >= needed)

    def retranslate(self) -> None:
        self._show_candidate()
        self.setWindowTitle(self.tr("Certification des compétences numériques"))
        self.brand.setText(self.tr("Certification numérique"))
        self.language_button.setText("English" if self.switcher.language == "fr" else "Français")
        self.language_button.setAccessibleName(
            "Switch to English" if self.switcher.language == "fr" else "Passer en français"
        )
        # The switch changes the kiosk's own texts, never the questions: say so before and after.
        if self.switcher.language == "fr":
            switch_note = "Screens in English; the questions stay in their own language."
        else:
            switch_note = "Écrans en français ; les questions restent dans leur langue."
        self.language_button.setToolTip(switch_note)
        self.language_button.setAccessibleDescription(switch_note)
        self.language_note.setText("Questions stay in their own language.")
        self.language_note.setVisible(self.switcher.language != "fr")
        self.smaller.setAccessibleName(self.tr("Réduire la taille du texte"))
        self.larger.setAccessibleName(self.tr("Agrandir la taille du texte"))
        self.contrast.setText(self.tr("Contraste élevé"))
        self.contrast.setAccessibleName(self.tr("Contraste élevé"))
        self.contrast.setAccessibleDescription(self.tr("Affiche le texte en blanc sur fond noir."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_screen(self, screen: Screen) -> None:
        """Bring `screen` forward and put the keyboard focus where the candidate will need it."""
        self.stack.setCurrentWidget(screen)
        target = screen.first_focus()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            screen.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remember_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.stack.isAncestorOf(new):
            self._screen_focus = new

    def return_focus(self) -> None:
        """Give the keyboard back to where it was on the screen (the answer), or to the
        screen's first control."""
        screen = self.current_screen()
        last = self._screen_focus
        if last is not None and screen.isAncestorOf(last) and last.isVisibleTo(screen):
            last.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        target = screen.first_focus()
        (target or screen).setFocus(Qt.FocusReason.OtherFocusReason)

    def open_attachment(self, media: Media) -> None:
        """Show an attachment in place of the question; the exam clock keeps running."""
        self.viewer.show_media(media)
        self.show_screen(self.viewer)

    def close_attachment(self) -> None:
        if self.current_screen() is self.viewer:
            self.show_screen(self.question)

    def current_screen(self) -> Screen:
        return self.stack.currentWidget()

    def set_candidate(self, name: str, session_number: str) -> None:
        """Who is sitting here, for the invigilator walking past (empty name: nobody yet)."""
        self.candidate = (name, session_number)
        self._show_candidate()

    def _show_candidate(self) -> None:
        name, session_number = self.candidate
        self.who.show_candidate(self.tr("{name} · session {session}"), name, session_number)

    def set_notice(self, text: str) -> None:
        """A banner under the header (the demo explains itself there); empty hides it."""
        self.notice.setText(text)
        self.notice_frame.setVisible(bool(text))

    def toggle_language(self) -> None:
        self.switcher.set_language("en" if self.switcher.language == "fr" else "fr")

    def step_font_scale(self, step: int) -> None:
        index = FONT_SCALES.index(self.font_scale) + step
        self.font_scale = FONT_SCALES[max(0, min(len(FONT_SCALES) - 1, index))]
        self._restyle()

    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = on
        self._restyle()

    def _restyle(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_theme(app, self.high_contrast, self.font_scale)
        self._fit_header()
        self.smaller.setEnabled(self.font_scale > FONT_SCALES[0])
        self.larger.setEnabled(self.font_scale < FONT_SCALES[-1])
