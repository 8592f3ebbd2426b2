"""Where a lab PC keeps the kiosk's per-machine state (device keys, sealed bank, journals, config).

One directory per machine, not per user: the kiosk user, the IT person who enrols the PC and the
`doctor` must all find the same files.

- Linux: `/var/lib/pix-kiosk` when it (or `/var/lib`) is writable, else
  `$XDG_DATA_HOME/pix-kiosk` (by default `~/.local/share/pix-kiosk`);
- Windows: `%PROGRAMDATA%\\pix-kiosk` (usually `C:\\ProgramData\\pix-kiosk`);
- macOS: `/Library/Application Support/pix-kiosk`.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_DIR_NAME = "pix-kiosk"
LAB_CONFIG_NAME = "kiosk.toml"
LINUX_SYSTEM_DATA_DIR = Path("/var/lib") / APP_DIR_NAME


def _writable_or_creatable(directory: Path) -> bool:
    """True when `directory` exists and is writable, or does not exist and its parent is."""
    if directory.exists():
        return directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)
    parent = directory.parent
    return parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)


def machine_data_dir(
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    linux_system_dir: Path = LINUX_SYSTEM_DATA_DIR,
) -> Path:
    """The platform's per-machine data directory (see the module docstring); not created here.

    `environ` and `linux_system_dir` are parameters so that the choice can be checked for every
    platform from any platform.
    """
    if platform == "win32":
        program_data = environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(program_data) / APP_DIR_NAME
    if platform == "darwin":
        return Path("/Library/Application Support") / APP_DIR_NAME
    if _writable_or_creatable(linux_system_dir):
        return linux_system_dir
    xdg_data_home = environ.get("XDG_DATA_HOME")
    user_data = Path(xdg_data_home) if xdg_data_home else Path.home() / ".local" / "share"
    return user_data / APP_DIR_NAME


def default_lab_config_path() -> Path:
    """`kiosk.toml` in this machine's data directory: where `enroll` writes and `doctor` reads."""
    return machine_data_dir() / LAB_CONFIG_NAME
