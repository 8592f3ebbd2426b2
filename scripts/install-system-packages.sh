#!/usr/bin/env bash
# Debian packages the tests need: a virtual X server, a window manager and the tools that drive them
# (lockdown escape tests), poppler for PDF checks, Qt's XCB runtime libraries, Chromium
# (the web space's browser tests) and PostgreSQL (the server suite's second backend: a throwaway
# cluster per run, scripts/throwaway-postgres.sh; the Debian service itself is not used), and a
# software TPM 2.0 with tpm2-tools (the device keys sealed to a TPM, tests/security/software_tpm.py).
set -euo pipefail
need=(xvfb openbox xdotool wmctrl poppler-utils x11-utils shellcheck
      libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
      libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-cursor0
      libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core chromium postgresql
      swtpm tpm2-tools libtss2-tcti-swtpm0)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
