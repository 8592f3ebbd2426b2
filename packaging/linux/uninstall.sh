#!/usr/bin/env bash
# Remove the kiosk from a Linux lab PC and give it back its desktop. Safe to run again.
#
#   sudo packaging/linux/uninstall.sh
#
# The data directory /var/lib/pix-kiosk (device keys, exam journals not yet sent) is KEPT: check
# on the server that every exam of this PC was received, then delete it by hand if you wish.
set -euo pipefail

APP_DIR=/opt/pix-kiosk
COMMAND_LINK=/usr/local/bin/pix-kiosk
KIOSK_USER=pix-kiosk
DATA_DIR=/var/lib/pix-kiosk
STATE_DIR=/var/lib/pix-kiosk-install
UNIT=pix-kiosk-session.service
UNIT_PATH=/etc/systemd/system/$UNIT

say() { printf '%s\n' "$@"; }
if [ "$(id -u)" -ne 0 ]; then
  say "ERREUR : lancez ce script avec sudo." "ERROR: run this script with sudo." >&2
  exit 1
fi

systemd_running=0
if [ -d /run/systemd/system ]; then systemd_running=1; fi
if [ "$systemd_running" -eq 1 ]; then systemctl stop "$UNIT" 2>/dev/null || true; fi
if [ -f "$UNIT_PATH" ]; then systemctl disable "$UNIT" >/dev/null 2>&1 || true; fi
rm -f "$UNIT_PATH"
if [ "$systemd_running" -eq 1 ]; then systemctl daemon-reload; fi
if [ -f "$STATE_DIR/previous-default-target" ]; then
  systemctl set-default "$(cat "$STATE_DIR/previous-default-target")" >/dev/null
fi
rm -rf "$STATE_DIR"

if [ "$(readlink "$COMMAND_LINK" 2>/dev/null)" = "$APP_DIR/pix-kiosk" ]; then rm -f "$COMMAND_LINK"; fi
rm -rf "$APP_DIR" "$APP_DIR.new" "$APP_DIR.old"
if id -u "$KIOSK_USER" >/dev/null 2>&1; then userdel --remove "$KIOSK_USER" 2>/dev/null || userdel "$KIOSK_USER"; fi

say "pix-kiosk désinstallé / uninstalled."
if [ -d "$DATA_DIR" ]; then
  say "Données conservées / data kept: $DATA_DIR" \
      "(vérifiez que le serveur a reçu toutes les épreuves avant de le supprimer /" \
      " check that the server received every exam before deleting it)."
fi
