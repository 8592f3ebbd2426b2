"""The console window: a header (who is signed in, language, large type) over one screen."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.console.closing_screen import ClosingScreen
from kiosk.console.language import ConsoleLanguage
from kiosk.console.lead_screen import LeadScreen
from kiosk.console.look import restyle
from kiosk.console.room_screen import RoomScreen
from kiosk.console.sign_in_screen import SignInScreen
from kiosk.ui.controls import button, text_label
from kiosk.ui.screen import Screen


class ConsoleWindow(QMainWindow):
    def __init__(
        self,
        language: ConsoleLanguage,
        server_url: str,
        admin_token: str = "",
        large_type: bool = False,
    ) -> None:
        super().__init__()
        self.language = language
        self.large_type = large_type
        self.sign_in = SignInScreen(server_url)
        self.room = RoomScreen()
        self.closing = ClosingScreen()
        self.lead = LeadScreen(server_url, admin_token)
        self.stack = QStackedWidget()
        for screen in (self.sign_in, self.room, self.closing, self.lead):
            self.stack.addWidget(screen)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_header())
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.resize(1440, 900)
        self.retranslate()

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setProperty("role", "header")
        row = QHBoxLayout(header)
        row.setContentsMargins(24, 10, 24, 10)
        self.brand = text_label("brand", header)
        self.brand.setWordWrap(False)
        self.who = text_label("status", header)
        self.language_button = button("toolbar", header)
        self.language_button.clicked.connect(self.toggle_language)
        self.large_button = button("toolbar", header)
        self.large_button.setCheckable(True)
        self.large_button.setChecked(self.large_type)
        self.large_button.toggled.connect(self.set_large_type)
        row.addWidget(self.brand)
        row.addSpacing(16)
        row.addWidget(self.who, 1)
        for control in (self.language_button, self.large_button):
            control.setAutoDefault(False)
            row.addWidget(control)
        return header

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Console surveillant — certification numérique"))
        self.brand.setText(self.tr("Console surveillant"))
        english = self.language.language == "fr"
        self.language_button.setText("English" if english else "Français")
        self.language_button.setAccessibleName(
            "Switch to English" if english else "Passer en français"
        )
        self.large_button.setText(self.tr("Grands caractères"))
        self.large_button.setAccessibleDescription(
            self.tr("Agrandit le texte pour le lire de loin.")
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def toggle_language(self) -> None:
        self.language.set_language("en" if self.language.language == "fr" else "fr")

    def set_large_type(self, large: bool) -> None:
        self.large_type = large
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        restyle(app, large)

    def set_who(self, text: str) -> None:
        self.who.setText(text)

    def show_screen(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen)
        target = screen.first_focus() if isinstance(screen, Screen) else None
        if screen is self.room:
            target = self.room.table
        (target or screen).setFocus(Qt.FocusReason.OtherFocusReason)
