"""What a lab asks of the secure mode: which shortcuts, screens, processes and sessions to refuse.

The policy is configuration, not code: the lab configuration carries it (a `[lockdown]` table,
read with `LockdownPolicy.from_dict`) and its canonical form enters the configuration key the
kiosk shows the server (see kiosk/config_key.py).
"""

from dataclasses import asdict, dataclass, fields
from typing import Literal

Action = Literal["allow", "warn", "refuse"]
ACTIONS: tuple[Action, ...] = ("allow", "warn", "refuse")

# Keys a candidate uses to leave a fullscreen application: pressing one is an escape attempt
# (an incident), even when the keyboard grab or the hook has already swallowed it.
DEFAULT_ESCAPE_SHORTCUTS = (
    "Alt+Tab",
    "Alt+Shift+Tab",
    "Alt+Esc",
    "Alt+F4",
    "Ctrl+Esc",
    "Ctrl+Alt+T",
    "Ctrl+Alt+Del",
    "Meta",
    "F11",
    "Esc",
    "Ctrl+W",
    "Ctrl+Q",
    "Ctrl+F4",
)

# In-app shortcuts that would open, print, save or inspect something: swallowed silently.
DEFAULT_BLOCKED_SHORTCUTS = (
    "Ctrl+N",
    "Ctrl+Shift+N",
    "Ctrl+T",
    "Ctrl+O",
    "Ctrl+S",
    "Ctrl+P",
    "Ctrl+U",
    "Ctrl+Shift+I",
    "Ctrl+Shift+J",
    "Ctrl+Shift+C",
    "F12",
    "Ctrl+C",
    "Ctrl+X",
    "Ctrl+V",
    "Ctrl+Insert",
    "Shift+Insert",
    "Shift+Del",
    "Print",
    "Alt+Print",
)

# Screen sharing, remote control and messaging programs (process names, shell patterns, any
# case, ".exe" ignored). Labs extend or replace the list in their configuration.
DEFAULT_PROHIBITED_PROCESSES = (
    "teamviewer*",
    "tv_w32",
    "tv_x64",
    "anydesk*",
    "rustdesk",
    "obs",
    "obs32",
    "obs64",
    "obs-studio",
    "discord*",
    "zoom",
    "zoom.us",
    "zoomshare",
    "cpthost",
    "teams",
    "ms-teams",
    "msteams",
    "skype*",
    "slack",
    "whatsapp*",
    "telegram*",
    "signal-desktop",
    "x11vnc",
    "xvnc",
    "vncserver*",
    "vino-server",
    "krfb",
    "gnome-remote-desktop*",
    "tigervnc*",
    "tightvnc*",
    "tvnserver",
    "winvnc*",
    "vncviewer*",
    "realvnc*",
    "remoting_host",
    "remoting_desktop",
    "chrome-remote-desktop*",
    "parsecd",
    "splashtop*",
    "srserver",
    "xrdp",
    "xrdp-sesman",
    "screenconnect*",
    "connectwise*",
    "logmein*",
    "mstsc",
    "webex*",
    "ptoneclk",
)

ExtraScreens = Literal["cover", "refuse"]


@dataclass(frozen=True)
class LockdownPolicy:
    """One lab's secure-mode settings; the defaults are the strict ones.

    - `extra_screens`: a screen beyond the kiosk's is covered by a blank window, or the start is
      refused.
    - `escape_shortcuts` raise an incident; `blocked_shortcuts` are only swallowed. Both use
      `QKeySequence` portable text ("Ctrl+Alt+T"; "Meta" is the Windows/Super key).
    - `prohibited_processes`, `virtual_machine`, `remote_session`: what to do when one is found,
      before the exam (refuse = the start is refused) and during it (refuse = an incident).
    - `require_keyboard_lock`: refuse to start when the keyboard cannot be locked (X11 grab,
      Windows hook): another program holds it.
    - `disable_server_keys`: on X11, turn off the X server's own keys (Ctrl+Alt+F1… console
      switch, Ctrl+Alt+Backspace) for the exam; restored afterwards, even after a crash.
    - `refuse_injected_keys`: on Windows, drop keys synthesised by other programs.
    - `detect_foreign_windows`: on X11, a window of another program stacked above the kiosk is an
      incident.
    - `check_interval_s`: how often processes and the session are checked during the exam.
    """

    extra_screens: ExtraScreens = "cover"
    escape_shortcuts: tuple[str, ...] = DEFAULT_ESCAPE_SHORTCUTS
    blocked_shortcuts: tuple[str, ...] = DEFAULT_BLOCKED_SHORTCUTS
    prohibited_processes: tuple[str, ...] = DEFAULT_PROHIBITED_PROCESSES
    prohibited_process_action: Action = "refuse"
    virtual_machine: Action = "warn"
    remote_session: Action = "refuse"
    require_keyboard_lock: bool = True
    disable_server_keys: bool = True
    refuse_injected_keys: bool = True
    detect_foreign_windows: bool = True
    check_interval_s: float = 2.0

    def __post_init__(self) -> None:
        for name in ("prohibited_process_action", "virtual_machine", "remote_session"):
            if getattr(self, name) not in ACTIONS:
                raise ValueError(f"{name} must be one of {ACTIONS}, not {getattr(self, name)!r}")
        if self.extra_screens not in ("cover", "refuse"):
            raise ValueError(
                f"extra_screens must be 'cover' or 'refuse', not {self.extra_screens!r}"
            )
        if self.check_interval_s <= 0:
            raise ValueError("check_interval_s must be positive")

    @classmethod
    def from_dict(cls, table: dict) -> "LockdownPolicy":
        """Build from a configuration table; unknown keys are refused (a typo must not weaken
        the lockdown)."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ValueError(f"unknown lockdown settings: {', '.join(unknown)}")
        values = {
            key: tuple(value) if isinstance(value, list) else value for key, value in table.items()
        }
        return cls(**values)

    def to_dict(self) -> dict:
        """The JSON form (tuples as lists), as it enters the configuration key."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
        }
