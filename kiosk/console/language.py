"""The console's languages: the kiosk's switcher (kiosk/i18n.py) plus the console's own
catalogue, `translations/console_en.qm`, compiled from `console_en.ts` with
`pyside6-lrelease` (see docs/console.md)."""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.i18n import LanguageSwitcher

CATALOGUE_DIR = Path(__file__).with_name("translations")


class ConsoleLanguage(LanguageSwitcher):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._console = QTranslator(app)

    def set_language(self, language: str) -> None:
        self.app.removeTranslator(self._console)
        if language != "fr":
            catalogue = CATALOGUE_DIR / f"console_{language}.qm"
            if not self._console.load(str(catalogue)):
                raise FileNotFoundError(catalogue)
            self.app.installTranslator(self._console)
        super().set_language(language)
