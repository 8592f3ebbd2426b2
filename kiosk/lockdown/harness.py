"""A small real kiosk for the escape-attempt suite: one fullscreen window under `LockdownSession`,
journaling like the candidate app.

    python -m kiosk.lockdown.harness --state DIR [--policy POLICY.json]

On a violation it journals `security_incident` then `locked` in a real exam journal
(STATE/exams/*.journal), as the app does, shows a lock message and prints an `incident` JSON line
(what the app reports to the server). Other lines on stdout: `ready` (window id, applied guards),
`warning`, `refused` (the start was refused: exit status 3) and `released`. SIGTERM releases
every guard and exits with status 143.
"""

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from engine.exam_events import LOCKED, SECURITY_INCIDENT
from kiosk.exam_session import JOURNAL_SUFFIX
from kiosk.identity import DeviceIdentity
from kiosk.journal import Journal
from kiosk.lockdown.guard import LockdownRefused
from kiosk.lockdown.policy import LockdownPolicy
from kiosk.lockdown.session import LockdownSession

REFUSED_EXIT_STATUS = 3
TITLE = "pix-kiosk lockdown harness"


def emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


class Harness:
    def __init__(self, state_dir: Path, policy: LockdownPolicy) -> None:
        self.state_dir = state_dir
        identity = DeviceIdentity.load_or_create(state_dir)
        exams = state_dir / "exams"
        exams.mkdir(parents=True, exist_ok=True)
        exam_id = f"harness-{uuid.uuid4().hex[:12]}"
        self.journal = Journal.open(
            exams / f"{exam_id}{JOURNAL_SUFFIX}", identity.signing_key, exam_id
        )
        self.window = QLabel("Épreuve en cours")
        self.window.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.window.setWindowTitle(TITLE)
        self.session = LockdownSession(
            self.window,
            policy,
            self.on_violation,
            state_dir=state_dir,
            on_warning=lambda kind, detail: emit("warning", kind=kind, detail=detail),
        )

    def on_violation(self, kind: str, detail: str) -> None:
        seq = self.journal.append(SECURITY_INCIDENT, {"kind": kind, "detail": detail})
        self.journal.append(LOCKED, {"reason": kind})
        emit("incident", kind=kind, detail=detail, seq=seq)
        self.window.setText("Poste verrouillé : appelez le surveillant")
        self.window.setWindowTitle(f"{TITLE} [locked]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.lockdown.harness")
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--policy", type=Path, help="JSON lockdown settings (LockdownPolicy)")
    args = parser.parse_args(argv)
    policy = LockdownPolicy.from_dict(
        json.loads(args.policy.read_text(encoding="utf-8")) if args.policy else {}
    )
    app = QApplication(sys.argv[:1])
    harness = Harness(args.state, policy)
    try:
        harness.session.apply()
    except LockdownRefused as refusal:
        emit("refused", code=refusal.code, en=refusal.en)
        return REFUSED_EXIT_STATUS
    emit(
        "ready",
        pid=os.getpid(),
        window=int(harness.window.winId()),
        platform=app.platformName(),
        guards=harness.session.applied_guards,
    )
    try:
        status = app.exec()
    finally:
        harness.session.release()
        harness.journal.close()
    emit("released", status=status)
    return status


if __name__ == "__main__":
    sys.exit(main())
