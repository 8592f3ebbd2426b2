"""A check's result and the report IT reads: pass / warn / fail, each with what to do (FR + EN)."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk.protection import Protection


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    """One line of the report: `fr` and `en` say what was found and, unless fine, what to do."""

    name: str
    status: Status
    fr: str
    en: str

    @property
    def detail(self) -> str:
        return f"{self.fr}\n{self.en}"


def passed(name: str, fr: str, en: str) -> Check:
    return Check(name, Status.PASS, fr, en)


def warned(name: str, fr: str, en: str) -> Check:
    return Check(name, Status.WARN, fr, en)


def failed(name: str, fr: str, en: str) -> Check:
    return Check(name, Status.FAIL, fr, en)


def exit_code(checks: Sequence[Check]) -> int:
    """0 when nothing failed (warnings are for IT to judge), 1 otherwise."""
    return int(any(check.status is Status.FAIL for check in checks))


def render_json(checks: Sequence[Check], protection: Protection | None = None) -> str:
    """ASCII JSON (accents escaped): safe through any console encoding or redirection.

    With `protection`, the keys `keys_protected` and `protection` (a contract: outside checks
    read them) sit beside "checks"."""
    payload: dict[str, Any] = {
        "checks": [
            {"name": check.name, "status": str(check.status), "detail": check.detail}
            for check in checks
        ]
    }
    if protection is not None:
        payload["keys_protected"] = protection.keys_protected
        payload["protection"] = protection.protection
    return json.dumps(payload, indent=2)


def render_text(checks: Sequence[Check]) -> str:
    """A report for a terminal: one block per check, the summary last so it stays in view."""
    width = max((len(check.name) for check in checks), default=0)
    lines = []
    for check in checks:
        lines.append(f"[{check.status.upper():4}] {check.name:<{width}}  {check.fr}")
        lines.append(f"{'':7} {'':<{width}}  {check.en}")
    counts = {status: sum(check.status is status for check in checks) for status in Status}
    lines.append("")
    lines.append(
        f"{counts[Status.PASS]} ok / réussi, {counts[Status.WARN]} warn / à vérifier, "
        f"{counts[Status.FAIL]} fail / en échec"
    )
    return "\n".join(lines)
