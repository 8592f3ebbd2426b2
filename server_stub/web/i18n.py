"""The web space's strings: one catalogue per language (catalogue/fr.json, catalogue/en.json),
plus one per area of the web space added beside them (catalogue/AREA.fr.json, ...), French
first. A missing key falls back to French, then to the key itself."""

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
CATALOGUE_DIR = Path(__file__).parent / "catalogue"


@cache
def catalogue(lang: str) -> dict[str, str]:
    strings = json.loads((CATALOGUE_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    for area in sorted(CATALOGUE_DIR.glob(f"*.{lang}.json")):
        strings.update(json.loads(area.read_text(encoding="utf-8")))
    return strings


def translator(lang: str):
    """`t(key, **params)` for templates, in `lang`."""
    strings, french = catalogue(lang), catalogue("fr")

    def t(key: str, **params) -> str:
        text = strings.get(key) or french.get(key) or key
        return text.format(**params) if params else text

    return t
