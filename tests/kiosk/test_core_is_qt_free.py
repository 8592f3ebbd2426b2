"""The exam core is a small process of its own: `pix-kiosk core` and everything it runs load no
Qt (a system service holding the keys has no use for a GUI toolkit), nor does the robot."""

import subprocess
import sys

CHECK = """
import sys
import kiosk.commands
import kiosk.commands.core
import kiosk.core.launcher
import kiosk.core.link
import kiosk.core.runner
import kiosk.robot
loaded = sorted(name for name in sys.modules if name.startswith(("PySide6", "shiboken6")))
print(",".join(loaded))
"""


def test_the_core_and_the_robot_load_no_qt():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "", done.stdout


def test_pix_kiosk_core_says_what_it_needs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "core", "--data", str(tmp_path), "--socket",
         str(tmp_path / "core.sock"), "--config", str(tmp_path / "missing.toml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Configuration file not found" in done.stderr and "introuvable" in done.stderr
    assert '"error"' in done.stdout
