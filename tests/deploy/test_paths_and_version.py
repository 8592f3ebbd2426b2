"""The per-machine data directory of each platform, and `pix-kiosk --version`."""

import subprocess
import sys
from pathlib import Path, PureWindowsPath

from engine.cli import package_version
from kiosk.paths import default_lab_config_path, machine_data_dir


def test_windows_and_macos_directories():
    windows = machine_data_dir("win32", {"PROGRAMDATA": r"D:\ProgramData"})
    assert PureWindowsPath(str(windows)) == PureWindowsPath(r"D:\ProgramData\pix-kiosk")
    default = machine_data_dir("win32", {})
    assert PureWindowsPath(str(default)) == PureWindowsPath(r"C:\ProgramData\pix-kiosk")
    assert machine_data_dir("darwin", {}) == Path("/Library/Application Support/pix-kiosk")


def test_linux_system_directory_when_writable(tmp_path):
    system = tmp_path / "var-lib" / "pix-kiosk"
    system.parent.mkdir()
    assert machine_data_dir("linux", {}, linux_system_dir=system) == system  # creatable
    system.mkdir()
    assert machine_data_dir("linux", {}, linux_system_dir=system) == system  # writable


def test_linux_user_directory_otherwise(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    system = blocker / "pix-kiosk"  # can never be created: its parent is a file
    chosen = machine_data_dir("linux", {"XDG_DATA_HOME": str(tmp_path / "xdg")}, system)
    assert chosen == tmp_path / "xdg" / "pix-kiosk"
    assert machine_data_dir("linux", {}, system) == Path.home() / ".local/share/pix-kiosk"


def test_default_lab_config_is_in_the_data_directory():
    assert default_lab_config_path() == machine_data_dir() / "kiosk.toml"


def test_version_command():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kiosk.commands import main; sys.exit(main())",
            "--version",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"pix-kiosk {package_version()}"
    assert package_version() != "0+unknown"
