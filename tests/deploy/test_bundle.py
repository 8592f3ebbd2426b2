"""The packaged app (PyInstaller one-folder) builds and runs without the venv: `--version` and
`doctor --json` from the bundle, as CI does with scripts/build-bundle.sh."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bundle_builds_and_runs(tmp_path):
    dist = tmp_path / "dist"
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-bundle.sh"), str(dist)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "pix-kiosk 0." in result.stdout
    assert "bundle smoke test:" in result.stdout

    app = dist / "pix-kiosk" / "pix-kiosk"
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment.update(QT_QPA_PLATFORM="offscreen", PATH="/usr/bin:/bin")
    report = subprocess.run(
        [str(app), "doctor", "--json", "--config", str(tmp_path / "absent.toml")],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.returncode == 1  # no lab configuration here
    payload = json.loads(report.stdout)
    checks = {check["name"]: check for check in payload["checks"]}
    assert checks["lab_config"]["status"] == "fail"
    assert payload["keys_protected"] is False and payload["protection"] == "none"
    assert "bundled" in checks["python"]["detail"]
