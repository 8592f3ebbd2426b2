"""packaging/linux/install.sh and uninstall.sh, run for real as root, idempotent both ways.

They run in a private mount namespace where /etc, /opt, /usr/local, /var/lib and /home are
copy-on-write overlays on a scratch tmpfs: the account, the app, the unit and the data directory
are really created, and the machine running the test is left untouched.
"""

import os
import shutil
import subprocess
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
        echo "default before: $(systemctl get-default)"
        "$install" --bundle {bundle} --no-system-packages
        echo data > /var/lib/pix-kiosk/journal.sqlite3
        "$install" --bundle {bundle} --no-system-packages
        echo "user: $(id -u pix-kiosk >/dev/null && echo present)"
        echo "command: $(pix-kiosk --version)"
        echo "data: $(stat -c '%U %a' /var/lib/pix-kiosk) $(cat /var/lib/pix-kiosk/journal.sqlite3)"
        echo "unit: $(test -f /etc/systemd/system/pix-kiosk-session.service && echo present)"
        echo "enabled: $(systemctl is-enabled pix-kiosk-session.service || true)"
        echo "default: $(systemctl get-default)"
        echo "leftovers: $(ls -d /opt/pix-kiosk.* 2>/dev/null | wc -l)"
        "$uninstall"
        "$uninstall"
        echo "after: user=$(id -u pix-kiosk 2>/dev/null || echo gone)" \\
          "app=$(test -e /opt/pix-kiosk && echo left || echo gone)" \\
          "unit=$(ls /etc/systemd/system/pix-kiosk-session.service 2>/dev/null || echo gone)" \\
          "link=$(test -e /usr/local/bin/pix-kiosk && echo left || echo gone)" \\
          "data=$(cat /var/lib/pix-kiosk/journal.sqlite3)"
        echo "default after: $(systemctl get-default)"
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
    assert "user: present" in output
    assert "command: pix-kiosk 9.9.9" in output
    assert "data: pix-kiosk 750 data" in output
    assert "unit: present" in output
    assert "enabled: enabled" in output
    assert "default: multi-user.target" in output
    assert "leftovers: 0" in output
    assert "after: user=gone app=gone unit=gone link=gone data=data" in output
    before = output.split("default before: ")[1].splitlines()[0]
    assert f"default after: {before}" in output
