"""The console's English: every French text of the source has its translation, with the same
placeholders, and the compiled catalogue matches its source."""

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from kiosk.console.language import CATALOGUE_DIR

SOURCE = CATALOGUE_DIR / "console_en.ts"
TOOLS = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def messages(path: Path) -> list[ET.Element]:
    return list(ET.parse(path).getroot().iter("message"))


def test_every_text_is_translated_with_its_placeholders():
    found = messages(SOURCE)
    assert len(found) > 200
    for message in found:
        source = message.find("source").text
        translation = message.find("translation")
        assert translation.get("type") is None and translation.text, source
        assert sorted(PLACEHOLDER.findall(source)) == sorted(
            PLACEHOLDER.findall(translation.text)
        ), source


def test_the_catalogue_knows_every_text_of_the_source(tmp_path):
    updated = tmp_path / "console_en.ts"
    shutil.copy(SOURCE, updated)
    sources = sorted(str(path) for path in (CATALOGUE_DIR.parent).glob("*.py"))
    subprocess.run(
        [str(TOOLS / "pyside6-lupdate"), *sources, "-ts", str(updated), "-locations", "none"],
        check=True,
        capture_output=True,
    )
    new = [
        m.find("source").text
        for m in messages(updated)
        if m.find("translation").get("type") == "unfinished"
    ]
    assert new == [], "run pyside6-lupdate (docs/console.md) and translate these"


def test_the_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "console_en.qm"
    subprocess.run(
        [str(TOOLS / "pyside6-lrelease"), "-silent", str(SOURCE), "-qm", str(compiled)],
        check=True,
    )
    assert compiled.read_bytes() == (CATALOGUE_DIR / "console_en.qm").read_bytes()
