#!/usr/bin/env bash
# Remove the kiosk from a Linux lab PC and give it back its desktop. Safe to run again.
#
#   sudo packaging/linux/uninstall.sh [--purge]
#
# Stops and removes the exam core and session units, the `pix-kiosk` and `pix-candidate`
# accounts, the app and /etc/pix-kiosk. The state directory /var/lib/pix-kiosk (device keys,
# exam journals not yet sent) is KEPT, given to root (0700), unless you confirm its deletion
# when asked or pass --purge: check on the server that every exam of this PC was received first.
set -euo pipefail

APP_DIR=/opt/pix-kiosk
COMMAND_LINK=/usr/local/bin/pix-kiosk
KIOSK_USER=pix-kiosk
WINDOW_USER=pix-candidate
DATA_DIR=/var/lib/pix-kiosk
STATE_DIR=/var/lib/pix-kiosk-install
ETC_DIR=/etc/pix-kiosk
UNITS=(pix-kiosk-session.service pix-kiosk-core.service)
UNIT_DIR=/etc/systemd/system

say() { printf '%s\n' "$@"; }
die() { say "ERREUR : $1" "ERROR: $2" >&2; exit 1; }

purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "option inconnue : $1" "unknown option: $1" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "lancez ce script avec sudo." "run this script with sudo."

systemd_running=0
if [ -d /run/systemd/system ]; then systemd_running=1; fi
for unit in "${UNITS[@]}"; do
  if [ "$systemd_running" -eq 1 ]; then systemctl stop "$unit" 2>/dev/null || true; fi
  if [ -f "$UNIT_DIR/$unit" ]; then systemctl disable "$unit" >/dev/null 2>&1 || true; fi
  rm -f "$UNIT_DIR/$unit"
done
if [ "$systemd_running" -eq 1 ]; then systemctl daemon-reload; fi
if [ -f "$STATE_DIR/previous-default-target" ]; then
  systemctl set-default "$(cat "$STATE_DIR/previous-default-target")" >/dev/null
fi
rm -rf "$STATE_DIR" "$ETC_DIR"

if [ "$(readlink "$COMMAND_LINK" 2>/dev/null)" = "$APP_DIR/pix-kiosk" ]; then rm -f "$COMMAND_LINK"; fi
rm -rf "$APP_DIR" "$APP_DIR.new" "$APP_DIR.old"
if id -u "$WINDOW_USER" >/dev/null 2>&1; then
  userdel --remove "$WINDOW_USER" 2>/dev/null || userdel "$WINDOW_USER"
fi
# The core's home is its state directory: the account goes, the directory is decided below.
if id -u "$KIOSK_USER" >/dev/null 2>&1; then userdel "$KIOSK_USER"; fi

if [ -d "$DATA_DIR" ] && [ "$purge" -eq 0 ] && [ -t 0 ]; then
  printf '%s\n%s ' "Supprimer aussi les clés et les journaux de $DATA_DIR ? [o/N]" \
    "Also delete the keys and journals in $DATA_DIR? [y/N]"
  read -r answer
  case "$answer" in o|O|oui|y|Y|yes) purge=1 ;; esac
fi
if [ -d "$DATA_DIR" ] && [ "$purge" -eq 1 ]; then
  rm -rf "$DATA_DIR"
  say "Données supprimées / data deleted: $DATA_DIR"
fi

say "pix-kiosk désinstallé / uninstalled."
if [ -d "$DATA_DIR" ]; then
  # No account owns it any more: root keeps it, so that a later account given the same uid
  # cannot read the keys.
  chown -R root:root "$DATA_DIR"
  chmod 0700 "$DATA_DIR"
  say "Données conservées / data kept: $DATA_DIR (root, 0700)" \
      "(vérifiez que le serveur a reçu toutes les épreuves avant de le supprimer :" \
      " sudo $0 --purge / check that the server received every exam before deleting it)."
fi
