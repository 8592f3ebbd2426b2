"""Languages of the kiosk: French in the source, English from Qt translation files.

The UI strings are written in French (`self.tr("...")`); English comes from
`kiosk/translations/kiosk_en.qm`, compiled from `kiosk_en.ts` (see `compile_translations`).
Switching installs or removes the translator; Qt then sends every widget a LanguageChange event
and each screen re-labels itself, so the language can change in the middle of an exam.
"""

import subprocess
import sys
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
LANGUAGES = ("fr", "en")


class Bilingual(Protocol):
    """A message that exists in both languages, such as an error raised outside the UI."""

    fr: str
    en: str


class LanguageSwitcher:
    """Owns the installed translators; one per application."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.language = "fr"
        self._kiosk = QTranslator(app)
        self._qt = QTranslator(app)

    def set_language(self, language: str) -> None:
        """Switch every widget to `language` ("fr" or "en") at once."""
        if language not in LANGUAGES:
            raise ValueError(f"unsupported language {language!r}")
        self.app.removeTranslator(self._kiosk)
        self.app.removeTranslator(self._qt)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        self._qt.load(f"qtbase_{language}", qt_dir)
        self.app.installTranslator(self._qt)
        if language != "fr":
            if not self._kiosk.load(str(TRANSLATIONS_DIR / f"kiosk_{language}.qm")):
                raise FileNotFoundError(TRANSLATIONS_DIR / f"kiosk_{language}.qm")
            self.app.installTranslator(self._kiosk)
        QLocale.setDefault(QLocale(language))
        self.language = language

    def localized(self, message: Bilingual) -> str:
        """The side of a bilingual message that matches the current language."""
        return message.en if self.language == "en" else message.fr


SOURCES = ("ui/*.py", "exam_session.py")


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(f"pyside6-{name}"))


def extract_strings(ts_file: Path) -> None:
    """Refresh a .ts file with every `tr()` string of the kiosk (Qt's lupdate; keeps the
    translations already written, marks new strings unfinished)."""
    package = Path(__file__).parent
    sources = sorted(str(path) for pattern in SOURCES for path in package.glob(pattern))
    subprocess.run(
        [
            _tool("lupdate"),
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            *sources,
            "-ts",
            str(ts_file),
            "-source-language",
            "fr",
            "-target-language",
            ts_file.stem.split("_")[-1],
        ],
        check=True,
    )


def compile_translation(ts_file: Path, qm_file: Path) -> None:
    """Compile a .ts file into the .qm the kiosk loads (Qt's lrelease)."""
    subprocess.run([_tool("lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)], check=True)


def main() -> None:
    """The build step: `python -m kiosk.i18n` refreshes the .ts files and compiles the .qm."""
    for ts_file in sorted(TRANSLATIONS_DIR.glob("*.ts")):
        extract_strings(ts_file)
        compile_translation(ts_file, ts_file.with_suffix(".qm"))


if __name__ == "__main__":
    main()
