"""SIGTERM ends the Qt app from its event loop, even when the loop is idle (no Python runs)."""

import signal
import subprocess
import sys
import time

from kiosk.termination import SIGTERM_STATUS

IDLE_APP = """
import sys
from PySide6.QtCore import QCoreApplication
from kiosk.termination import SIGTERM_STATUS, SigtermHandler
app = QCoreApplication(sys.argv)
with SigtermHandler(lambda: app.exit(SIGTERM_STATUS)):
    print("idle", flush=True)
    status = app.exec()
print("cleaned up", flush=True)
sys.exit(status)
"""


def test_sigterm_wakes_an_idle_event_loop_and_exits_with_143() -> None:
    app = subprocess.Popen([sys.executable, "-c", IDLE_APP], stdout=subprocess.PIPE, text=True)
    assert app.stdout is not None
    assert app.stdout.readline().strip() == "idle"
    time.sleep(0.3)  # nothing left for Python to run: only the wake-up byte brings it back
    started = time.monotonic()
    app.send_signal(signal.SIGTERM)
    assert app.wait(5) == SIGTERM_STATUS
    assert time.monotonic() - started < 1.0
    assert app.stdout.read().strip() == "cleaned up"
