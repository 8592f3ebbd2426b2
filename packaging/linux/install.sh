#!/usr/bin/env bash
# Install the kiosk on a Linux lab PC (Debian/Ubuntu; other distributions: install the packages
# listed below yourself and pass --no-system-packages). Safe to run again: it updates in place.
#
#   sudo packaging/linux/install.sh [--bundle DIR] [--server URL --token TOKEN [--ca-file FILE]]
#                                   [--migrate-from DIR] [--no-autostart] [--no-system-packages]
#
# --bundle DIR    the packaged app (default: dist/pix-kiosk of this repository, or ./pix-kiosk
#                 beside this script in a release archive)
# --server/--token  enrol the PC right away (skipped when it is already enrolled)
# --ca-file FILE  the authority of the server's certificate, when the system does not trust it
# --migrate-from DIR  an older per-user data directory whose keys and journals move into the
#                 core's (default: /home/pix-kiosk/.local/share/pix-kiosk when present)
# --no-autostart  install without starting the exam session at boot
# --no-system-packages  do not apt-get the X server and the Qt libraries
#
# What it does: installs the app in /opt/pix-kiosk (command /usr/local/bin/pix-kiosk); creates
# the `pix-kiosk` system account of the exam core (no login shell; its home is its state
# directory /var/lib/pix-kiosk, mode 0700: device keys, journals) and the `pix-candidate` account
# of the candidate window; installs the systemd units pix-kiosk-core.service (the core, as
# pix-kiosk, socket /run/pix-kiosk/core.sock) and pix-kiosk-session.service (autologin of
# pix-candidate on tty7 into a bare X session running only the kiosk window) and, unless
# --no-autostart, boots into it (multi-user target, no desktop). See docs/deploy.md.
set -euo pipefail

APP_DIR=/opt/pix-kiosk
COMMAND_LINK=/usr/local/bin/pix-kiosk
KIOSK_USER=pix-kiosk
WINDOW_USER=pix-candidate
DATA_DIR=/var/lib/pix-kiosk
STATE_DIR=/var/lib/pix-kiosk-install
ETC_DIR=/etc/pix-kiosk
CORE_SOCKET=/run/pix-kiosk/core.sock
UNIT=pix-kiosk-session.service
CORE_UNIT=pix-kiosk-core.service
UNIT_DIR=/etc/systemd/system
OLD_USER_DATA=/home/$KIOSK_USER/.local/share/pix-kiosk
SYSTEM_PACKAGES=(xserver-xorg xinit xauth x11-xserver-utils
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1 libgl1 libfontconfig1
  libdbus-1-3 fonts-dejavu-core)

here="$(cd "$(dirname "$0")" && pwd)"
say() { printf '%s\n' "$@"; }
die() { say "ERREUR : $1" "ERROR: $2" >&2; exit 1; }

bundle=""
server=""
token=""
ca_file=""
migrate_from=""
autostart=1
system_packages=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) bundle="${2:?}"; shift 2 ;;
    --server) server="${2:?}"; shift 2 ;;
    --token) token="${2:?}"; shift 2 ;;
    --ca-file) ca_file="${2:?}"; shift 2 ;;
    --migrate-from) migrate_from="${2:?}"; shift 2 ;;
    --no-autostart) autostart=0; shift ;;
    --no-system-packages) system_packages=0; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) die "option inconnue : $1" "unknown option: $1" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "lancez ce script avec sudo." "run this script with sudo."
if [ -z "$bundle" ]; then
  for candidate in "$here/../../dist/pix-kiosk" "$here/pix-kiosk"; do
    if [ -x "$candidate/pix-kiosk" ]; then bundle="$candidate"; break; fi
  done
fi
if [ -z "$bundle" ] || [ ! -x "$bundle/pix-kiosk" ]; then
  die "application introuvable : construisez-la (scripts/build-bundle.sh) ou donnez --bundle DOSSIER." \
    "app not found: build it (scripts/build-bundle.sh) or pass --bundle DIR."
fi
if [ -n "$server" ] && [ -z "$token" ]; then
  die "--server demande aussi --token." "--server also needs --token."
fi

if [ "$system_packages" -eq 1 ]; then
  command -v apt-get >/dev/null || die \
    "apt-get absent : installez ces paquets puis relancez avec --no-system-packages : ${SYSTEM_PACKAGES[*]}" \
    "no apt-get: install these packages, then run again with --no-system-packages: ${SYSTEM_PACKAGES[*]}"
  missing=()
  for package in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installation des paquets / installing packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

systemd_running=0
if [ -d /run/systemd/system ]; then systemd_running=1; fi
if [ "$systemd_running" -eq 1 ]; then
  # An older install ran the session as pix-kiosk: it must stop before that account changes.
  systemctl stop "$UNIT" "$CORE_UNIT" 2>/dev/null || true
fi

# The core's account: no shell, its home is its state directory (older installs gave the
# session account of that name a home in /home: its data moves below, the home goes).
if [ -z "$migrate_from" ] && [ -d "$OLD_USER_DATA" ]; then migrate_from="$OLD_USER_DATA"; fi
if id -u "$KIOSK_USER" >/dev/null 2>&1; then
  usermod --home "$DATA_DIR" --shell /usr/sbin/nologin --comment "Pix kiosk exam core" "$KIOSK_USER"
else
  useradd --system --no-create-home --home-dir "$DATA_DIR" --shell /usr/sbin/nologin \
    --comment "Pix kiosk exam core" "$KIOSK_USER"
fi
# The candidate window's account: what a pupil at the keyboard controls; never the core's.
if ! id -u "$WINDOW_USER" >/dev/null 2>&1; then
  useradd --system --create-home --home-dir "/home/$WINDOW_USER" --shell /usr/sbin/nologin \
    --comment "Pix kiosk candidate window" "$WINDOW_USER"
fi

# The new app goes in beside the old one, then takes its place: never half an app in APP_DIR.
rm -rf "$APP_DIR.new" "$APP_DIR.old"
cp -a "$bundle" "$APP_DIR.new"
chown -R root:root "$APP_DIR.new"
chmod -R go-w "$APP_DIR.new"
if [ -e "$APP_DIR" ]; then mv "$APP_DIR" "$APP_DIR.old"; fi
mv "$APP_DIR.new" "$APP_DIR"
rm -rf "$APP_DIR.old"
mkdir -p "$(dirname "$COMMAND_LINK")"
ln -sfn "$APP_DIR/pix-kiosk" "$COMMAND_LINK"

# The state directory holds the device keys and the exam journals: created once, never emptied,
# readable by the core's account alone.
install -d -m 0700 -o "$KIOSK_USER" -g "$KIOSK_USER" "$DATA_DIR"
chmod 0700 "$DATA_DIR"
if [ -n "$migrate_from" ] && [ -d "$migrate_from" ]; then
  # Keys and journals of an older install move (no copy left behind); what the state directory
  # already holds wins and the older file stays where it was, named in the output.
  for entry in "$migrate_from"/* "$migrate_from"/.[!.]*; do
    [ -e "$entry" ] || continue
    name="$(basename "$entry")"
    if [ -e "$DATA_DIR/$name" ]; then
      say "Déjà présent, non déplacé / already there, not moved: $entry"
    else
      mv "$entry" "$DATA_DIR/$name"
      say "Déplacé / moved: $entry -> $DATA_DIR/$name"
    fi
  done
  rmdir "$migrate_from" 2>/dev/null || true
fi
chown -R "$KIOSK_USER:$KIOSK_USER" "$DATA_DIR"
chmod -R go-rwx "$DATA_DIR"
if [ "$migrate_from" = "$OLD_USER_DATA" ] && [ -d "/home/$KIOSK_USER" ]; then
  # The old session home (X logs); anything still in it was reported above.
  if [ -z "$(ls -A "$OLD_USER_DATA" 2>/dev/null)" ]; then rm -rf "/home/${KIOSK_USER:?}"; fi
fi

if [ -n "$server" ]; then
  if [ -f "$DATA_DIR/kiosk.toml" ]; then
    say "Poste déjà enrôlé ($DATA_DIR/kiosk.toml) : enrôlement sauté." \
        "PC already enrolled ($DATA_DIR/kiosk.toml): enrolment skipped."
  else
    authority=()
    if [ -n "$ca_file" ]; then
      # Where the kiosk account can read it (the file may be on root's USB stick).
      install -m 0644 -o "$KIOSK_USER" -g "$KIOSK_USER" "$ca_file" "$DATA_DIR/server-ca.pem"
      authority=(--ca-file "$DATA_DIR/server-ca.pem")
    fi
    runuser -u "$KIOSK_USER" -- "$APP_DIR/pix-kiosk" enroll --server "$server" --token "$token" \
      --state "$DATA_DIR" "${authority[@]}"
  fi
fi

# With a TPM 2.0 and tpm2-tools, the device keys are sealed to it (useless on any other
# machine); the account protection above stays what keeps the desktop account out. The core's
# account joins `tss`, the group that may use /dev/tpmrm0.
key_seal=""
if [ -e /dev/tpmrm0 ] && command -v tpm2_unseal >/dev/null 2>&1 && [ -d "$DATA_DIR/identity" ]; then
  if getent group tss >/dev/null 2>&1; then usermod -a -G tss "$KIOSK_USER"; fi
  if runuser -u "$KIOSK_USER" -- "$APP_DIR/pix-kiosk" seal-keys --data "$DATA_DIR" --with tpm \
      >/dev/null; then
    key_seal="tpm"
  else
    say "TPM présent mais scellement impossible : les clés restent des fichiers du compte $KIOSK_USER." \
        "TPM present but sealing failed: the keys stay files of the $KIOSK_USER account."
  fi
fi

# What the window may read: the uid the core lets in, and the lab configuration without the
# state directory (public keys, policy, language: no secret), pointed at the core's socket.
install -d -m 0755 "$ETC_DIR"
printf 'PIX_KIOSK_WINDOW_UID=%s\n' "$(id -u "$WINDOW_USER")" > "$ETC_DIR/core.env"
if [ -n "$key_seal" ]; then printf 'PIX_KIOSK_KEY_SEAL=%s\n' "$key_seal" >> "$ETC_DIR/core.env"; fi
chmod 0644 "$ETC_DIR/core.env"
if [ -f "$DATA_DIR/kiosk.toml" ]; then
  window_config="$ETC_DIR/window.toml"
  sed -E \
    -e "s#^(data_dir|bank) = \"([^/\"][^\"]*)\"#\1 = \"$DATA_DIR/\2\"#" \
    -e "s#^ca_file = \"([^\"]*)\"#ca_file = \"$ETC_DIR/server-ca.pem\"#" \
    -e "/^\[kiosk\]\$/a core_socket = \"$CORE_SOCKET\"" \
    -e "/^core_socket = /d" \
    "$DATA_DIR/kiosk.toml" > "$window_config.new"
  window_authority="$(sed -n -E 's/^ca_file = "([^"]*)"/\1/p' "$DATA_DIR/kiosk.toml")"
  if [ -n "$window_authority" ]; then
    case "$window_authority" in /*) ;; *) window_authority="$DATA_DIR/$window_authority" ;; esac
    install -m 0644 "$window_authority" "$ETC_DIR/server-ca.pem"
  fi
  chmod 0644 "$window_config.new"
  mv "$window_config.new" "$window_config"
fi

install -m 0644 "$here/$UNIT" "$UNIT_DIR/$UNIT"
install -m 0644 "$here/$CORE_UNIT" "$UNIT_DIR/$CORE_UNIT"
if [ "$systemd_running" -eq 1 ]; then systemctl daemon-reload; fi
install -d -m 0755 "$STATE_DIR"
systemctl enable "$CORE_UNIT" >/dev/null
if [ "$autostart" -eq 1 ]; then
  if [ ! -f "$STATE_DIR/previous-default-target" ]; then
    systemctl get-default > "$STATE_DIR/previous-default-target"
  fi
  systemctl set-default multi-user.target >/dev/null
  systemctl enable "$UNIT" >/dev/null
else
  systemctl disable "$UNIT" >/dev/null 2>&1 || true
fi
if [ "$systemd_running" -eq 1 ]; then systemctl restart "$CORE_UNIT" || true; fi

say "" "pix-kiosk $("$APP_DIR/pix-kiosk" --version | cut -d' ' -f2) installé / installed in $APP_DIR."
if [ ! -f "$DATA_DIR/kiosk.toml" ]; then
  say "Étape suivante : sudo $0 --server URL --token JETON" \
      "Next step: sudo $0 --server URL --token TOKEN"
fi
say "Vérifiez le poste / check the PC: sudo pix-kiosk doctor --config $DATA_DIR/kiosk.toml"
if [ "$autostart" -eq 1 ]; then
  if [ "$systemd_running" -eq 1 ]; then
    say "La session d'examen démarrera au prochain redémarrage (ou : sudo systemctl start $UNIT)." \
        "The exam session starts at the next boot (or: sudo systemctl start $UNIT)."
  fi
fi
