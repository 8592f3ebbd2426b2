#!/usr/bin/env bash
# Build the packaged kiosk (dist/pix-kiosk/pix-kiosk, runs without Python) and smoke-run it:
# `--version`, then `doctor --json` on the offscreen Qt platform. Used by CI and before a release.
#   scripts/build-bundle.sh [DIST_DIR]      (default: dist; the build cache goes to build/)
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-dist}"
python=".venv/bin/python"

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
  "$python" -m pip install --quiet "pyinstaller>=6.5"
fi
"$python" -m PyInstaller --noconfirm --log-level WARN \
  --workpath build/pyinstaller --distpath "$dist" packaging/pix-kiosk.spec

app="$dist/pix-kiosk/pix-kiosk"
"$app" --version

# doctor exits 1 on this build machine (no lab configuration, no real screen): what matters is
# that the packaged app starts, runs every check and prints the JSON report.
report="$(QT_QPA_PLATFORM=offscreen "$app" doctor --json)" || true
printf '%s\n' "$report"
printf '%s' "$report" | "$python" -c '
import json, sys
checks = {check["name"]: check["status"] for check in json.load(sys.stdin)["checks"]}
expected = {"python": "pass", "qt": "pass", "display_platform": "warn", "screens": "warn"}
wrong = {name: checks.get(name) for name, status in expected.items() if checks.get(name) != status}
if wrong or "data_dir" not in checks:
    sys.exit(f"bundle smoke test: unexpected statuses {wrong} (expected {expected})")
print(f"bundle smoke test: {len(checks)} checks reported, Qt runs offscreen from the bundle")
'
