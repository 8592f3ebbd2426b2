"""Grades (6e … Terminale, post-bac) and the level each is expected to reach, from versioned
configuration (config/grades.json says where each figure comes from)."""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from server_stub.spreadsheet_csv import header_key

GRADES = ("6e", "5e", "4e", "3e", "2de", "1re", "Tle", "post-bac")


@dataclass(frozen=True)
class GradeTable:
    expected: dict[str, int]
    aliases: dict[str, str]
    mef_prefixes: dict[str, str]
    division_patterns: tuple[tuple[re.Pattern, str], ...]


@cache
def grade_table() -> GradeTable:
    text = (
        resources.files("server_stub.schools").joinpath("config", "grades.json").read_text("utf-8")
    )
    data = json.loads(text)
    expected, aliases = {}, {}
    for entry in data["grades"]:
        expected[entry["grade"]] = int(entry["expected_level"])
        for alias in (entry["grade"], *entry["aliases"]):
            aliases[header_key(alias).replace(" ", "")] = entry["grade"]
    if tuple(expected) != GRADES:
        raise ValueError("config/grades.json: the grades, in order, are " + " ".join(GRADES))
    return GradeTable(
        expected,
        aliases,
        dict(data["mef_prefixes"]),
        tuple((re.compile(pattern), grade) for pattern, grade in data["division_patterns"]),
    )


def grade_from_text(text: str) -> str | None:
    """`Terminale`, `tle`, `2nde`, `3ème` → the grade as stored; None if not a grade."""
    return grade_table().aliases.get(header_key(text).replace(" ", ""))


def grade_from_mef(code_mef: str) -> str | None:
    return grade_table().mef_prefixes.get(code_mef.strip()[:3]) if code_mef else None


def grade_from_division(division: str) -> str | None:
    key = header_key(division)
    for pattern, grade in grade_table().division_patterns:
        if pattern.match(key):
            return grade
    return None


def expected_level(grade: str | None) -> int | None:
    return grade_table().expected.get(grade) if grade else None
