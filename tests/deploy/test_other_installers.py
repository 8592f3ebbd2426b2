"""The Windows and macOS installers cannot run here (docs/deploy.md: manual checks); what can be
checked is that their files say what the manual check expects: the macOS property lists parse
and run the core as its daemon account and the window as the candidate's, and install.ps1 gives
the state directory to the core's service alone, the pipe to the window's account, and seals
the keys with DPAPI."""

import plistlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MACOS = ROOT / "packaging" / "macos"
WINDOWS = ROOT / "packaging" / "windows"


def test_macos_core_daemon_and_window_agent():
    core = plistlib.loads((MACOS / "org.pix-kiosk.core.plist").read_bytes())
    assert core["UserName"] == "_pix-kiosk" and core["Umask"] == 0o077
    arguments = core["ProgramArguments"]
    assert arguments[1:4] == ["core", "--data", "/Library/Application Support/pix-kiosk"]
    assert arguments[-2:] == ["--allow-uid", "WINDOW_UID"]  # replaced at install (README step 6)
    window = plistlib.loads((MACOS / "org.pix-kiosk.session.plist").read_bytes())
    assert window["ProgramArguments"][1:] == [
        "run",
        "--config",
        "/Library/Application Support/pix-kiosk-run/window.toml",
    ]
    readme = (MACOS / "README.md").read_text(encoding="utf-8")
    assert "launchctl bootstrap system" in readme and "chmod 700" in readme


def test_windows_state_directory_is_the_core_services_alone():
    script = (WINDOWS / "install.ps1").read_text(encoding="utf-8")
    assert "New-Service -Name $CoreService" in script
    assert '"obj=", $CoreAccount' in script
    assert '$CoreAccount = "NT SERVICE\\$CoreService"' in script
    grants = next(line for line in script.splitlines() if line.startswith("$grants = "))
    assert "${CoreAccount}:(OI)(CI)M" in grants and "S-1-5-32-545" not in grants
    assert 'run --config `"$WindowConfig`"' in script
    assert "sc.exe delete $CoreService" in (WINDOWS / "uninstall.ps1").read_text(encoding="utf-8")
    # the core serves the window's account on its named pipe (a SID, never a uid) and seals
    # the keys with DPAPI once the PC is enrolled
    bin_path = next(line for line in script.splitlines() if line.startswith("$binPath = "))
    assert bin_path.endswith('--allow-sid $windowSid"') and "--allow-uid" not in bin_path
    # the core answers the Service Control Manager itself, and is restarted when it stops with
    # an error as when it crashes
    assert '`"$exe`" core --service --data' in bin_path
    assert 'Invoke-Sc @("failureflag", $CoreService, "1")' in script
    assert "restart/2000/restart/2000/restart/2000" in script
    assert "seal-keys --data $DataDir --with dpapi" in script
