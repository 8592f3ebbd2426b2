"""packaging/linux/install.sh and uninstall.sh, run for real as root, idempotent both ways.

They run in a private mount namespace where /etc, /opt, /usr/local, /var/lib and /home are
copy-on-write overlays on a scratch tmpfs: the account, the app, the unit and the data directory
are really created, and the machine running the test is left untouched.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
OVERLAID = ("/etc", "/opt", "/usr/local", "/var/lib", "/home")


@pytest.mark.parametrize(
    "script", [LINUX / "install.sh", LINUX / "uninstall.sh", ROOT / "scripts" / "build-bundle.sh"]
)
def test_shellcheck_clean(script):
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    subprocess.run(["shellcheck", str(script)], check=True)


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="needs root and unshare (a private mount namespace)",
)
def test_install_twice_then_uninstall_twice(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    app = bundle / "pix-kiosk"
    app.write_text('#!/bin/sh\necho "pix-kiosk 9.9.9"\n', encoding="utf-8")
    app.chmod(0o755)
    (bundle / "_internal").mkdir()
    # kiosk.protection needs only the standard library: the system's Python runs it as the window
    # account (the test's own Python may sit in root's home, out of that account's reach).
    system_python = "/usr/bin/python3"
    if not os.access(system_python, os.X_OK):
        pytest.skip("no /usr/bin/python3 to run the detection as the window account")
    detect = (
        "from pathlib import Path; from kiosk.protection import detect_protection; "
        "p = detect_protection(Path('/var/lib/pix-kiosk')); print(p.keys_protected, p.protection)"
    )
    script = textwrap.dedent(
        f"""
        set -eu
        scratch={tmp_path}/scratch
        mkdir -p "$scratch" && mount -t tmpfs scratch "$scratch"
        for directory in {" ".join(OVERLAID)}; do
          name=$(echo "$directory" | tr / _)
          mkdir -p "$scratch/$name/upper" "$scratch/$name/work"
          mount -t overlay overlay -o \\
            "lowerdir=$directory,upperdir=$scratch/$name/upper,workdir=$scratch/$name/work" \\
            "$directory"
        done
        install={LINUX}/install.sh
        uninstall={LINUX}/uninstall.sh
        detect() {{ PYTHONPATH={ROOT} "$1" -c "{detect}"; }}
        echo "default before: $(systemctl get-default)"
        # An older install: the session account pix-kiosk, its keys and journals in its home.
        useradd --system --create-home --home-dir /home/pix-kiosk --shell /usr/sbin/nologin \\
          --comment "Pix kiosk exam session" pix-kiosk
        old=/home/pix-kiosk/.local/share/pix-kiosk
        mkdir -p "$old/identity" "$old/exams"
        echo key > "$old/identity/device-signing.key"
        echo journal > "$old/exams/e1.journal"
        printf '[kiosk]\\ndata_dir = "."\\nbank = "banks/b.pixbank"\\n' > "$old/kiosk.toml"
        chown -R pix-kiosk: /home/pix-kiosk
        "$install" --bundle {bundle} --no-system-packages
        echo data > /var/lib/pix-kiosk/journal.sqlite3
        "$install" --bundle {bundle} --no-system-packages
        echo "users: $(id -u pix-kiosk >/dev/null && id -u pix-candidate >/dev/null \\
          && echo present)"
        echo "core home: $(getent passwd pix-kiosk | cut -d: -f6,7)"
        echo "old home: $(test -e /home/pix-kiosk && echo left || echo gone)"
        echo "command: $(pix-kiosk --version)"
        echo "data: $(stat -c '%U %a' /var/lib/pix-kiosk) $(cat /var/lib/pix-kiosk/journal.sqlite3)"
        echo "migrated: $(cat /var/lib/pix-kiosk/identity/device-signing.key)" \\
          "$(cat /var/lib/pix-kiosk/exams/e1.journal)" \\
          "$(stat -c '%U %a' /var/lib/pix-kiosk/identity/device-signing.key)"
        window_uid="$(id -u pix-candidate)"
        echo "window uid: $(grep -c "^PIX_KIOSK_WINDOW_UID=$window_uid$" /etc/pix-kiosk/core.env)"
        echo "window config: $(grep -c -e '^core_socket = "/run/pix-kiosk/core.sock"$' \\
          -e '^data_dir = "/var/lib/pix-kiosk/."$' \\
          -e '^bank = "/var/lib/pix-kiosk/banks/b.pixbank"$' \\
          /etc/pix-kiosk/window.toml)"
        echo "units: $(ls /etc/systemd/system/pix-kiosk-session.service \\
          /etc/systemd/system/pix-kiosk-core.service | wc -l)"
        echo "enabled: $(systemctl is-enabled pix-kiosk-session.service || true)" \\
          "$(systemctl is-enabled pix-kiosk-core.service || true)"
        echo "default: $(systemctl get-default)"
        echo "leftovers: $(ls -d /opt/pix-kiosk.* 2>/dev/null | wc -l)"
        key=/var/lib/pix-kiosk/identity/device-signing.key
        echo "attacker: $(runuser -u pix-candidate -- cat "$key" 2>&1 | grep -c 'denied')"
        echo "protection as window: $(runuser -u pix-candidate -- \\
          bash -c "$(declare -f detect); detect {system_python}")"
        echo "protection as root: $(detect {sys.executable})"
        "$uninstall"
        echo "kept: $(stat -c '%U %a' /var/lib/pix-kiosk) $(cat /var/lib/pix-kiosk/journal.sqlite3)"
        "$uninstall"
        echo "after:" \\
          "users=$(id -u pix-kiosk 2>/dev/null || id -u pix-candidate 2>/dev/null || echo gone)" \\
          "app=$(test -e /opt/pix-kiosk && echo left || echo gone)" \\
          "units=$(ls /etc/systemd/system/pix-kiosk-*.service 2>/dev/null || echo gone)" \\
          "etc=$(test -e /etc/pix-kiosk && echo left || echo gone)" \\
          "link=$(test -e /usr/local/bin/pix-kiosk && echo left || echo gone)" \\
          "data=$(cat /var/lib/pix-kiosk/journal.sqlite3)"
        echo "default after: $(systemctl get-default)"
        "$uninstall" --purge
        echo "purged: $(test -e /var/lib/pix-kiosk && echo left || echo gone)"
        """
    )
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout
    assert result.returncode == 0, output + result.stderr
    assert "users: present" in output
    assert "core home: /var/lib/pix-kiosk:/usr/sbin/nologin" in output
    assert "old home: gone" in output
    assert "command: pix-kiosk 9.9.9" in output
    assert "data: pix-kiosk 700 data" in output
    assert "migrated: key journal pix-kiosk 600" in output
    assert "window uid: 1" in output
    assert "window config: 3" in output
    assert "units: 2" in output
    assert "enabled: enabled enabled" in output
    assert "default: multi-user.target" in output
    assert "leftovers: 0" in output
    assert "attacker: 1" in output
    assert "protection as window: True account" in output
    assert "protection as root: True account" in output
    assert "kept: root 700 data" in output
    assert "after: users=gone app=gone units=gone etc=gone link=gone data=data" in output
    before = output.split("default before: ")[1].splitlines()[0]
    assert f"default after: {before}" in output
    assert "purged: gone" in output


def test_core_unit_runs_the_core_hardened():
    """The unit is the contract with `pix-kiosk core` (docs/deploy.md): its account, its socket,
    and the hardening that keeps the rest of the system out of its reach."""
    unit = (LINUX / "pix-kiosk-core.service").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and not line.startswith("#")
    )
    assert settings["User"] == "pix-kiosk"
    assert settings["ExecStart"].split() == [
        "/opt/pix-kiosk/pix-kiosk", "core", "--data", "/var/lib/pix-kiosk",
        "--socket", "/run/pix-kiosk/core.sock", "--allow-uid", "${PIX_KIOSK_WINDOW_UID}",
    ]  # fmt: skip
    expected = {
        "RuntimeDirectory": "pix-kiosk",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "ReadWritePaths": "/var/lib/pix-kiosk",
        "UMask": "0077",
        "Restart": "on-failure",
    }
    assert {name: settings[name] for name in expected} == expected
    session = (LINUX / "pix-kiosk-session.service").read_text(encoding="utf-8")
    assert "User=pix-candidate" in session and "/var/lib/pix-kiosk" not in session
