"""`LockdownSession`: every lockdown guard of this platform, applied as one sequence that always
releases.

This is the one entry point of the secure mode for the candidate app:

    session = LockdownSession(window, policy, on_violation, state_dir=state_dir)
    with session:                      # apply() … release(), whatever happens in between
        app.exec()

- `apply()` first undoes what a kiosk that died locked left behind (`recover_after_crash`), then
  applies the guards in order: environment checks (prohibited processes, virtual machine, remote
  session: may refuse the start), screens (extra screens covered or the start refused), the
  window (frameless, on top, fullscreen, closing refused), clipboard, in-app shortcuts and
  context menus, the platform's keyboard lock (X11 grab, Windows hook, macOS presentation
  options) and capture exclusion, then the watchers (focus, window state, foreign windows).
  It raises `LockdownRefused` (bilingual) when the policy forbids this start; anything already
  applied is released first.
- `release()` releases the applied guards in reverse order, each even if another failed, and
  deletes the on-disk marker. It is idempotent. The context manager, SIGTERM (the handler
  releases, then quits the Qt event loop with status 143, or chains to a previous Python
  handler) and, for a process that died, the next start's `recover_after_crash` all end here.
- A violation (focus loss, window deactivated or minimised, fullscreen left, a foreign window on
  top, an escape shortcut, a close request, a screen change, a prohibited process, a remote
  session) calls `on_violation(kind, detail)` once per incident — kinds are `ViolationKind`
  values, details short English text — and the session restores the window (fullscreen, raised,
  focused, keyboard grabbed again). Window incidents are debounced together: one attempt (say
  Alt+Tab, which deactivates, raises another window and changes the state) is one call; the
  incident closes once the kiosk has been back in order for `SETTLE_MS`. The callback runs in
  the Qt main thread, and must not call `release()` itself.
- `on_warning(kind, detail)` (optional) receives the findings the policy marks "warn".

The app calls `release()` before closing the window for good: while the lockdown is applied the
window refuses to close. Build the session after the `QApplication` and apply it once the
window has been created; the session shows the window itself.
"""

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QObject, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.lockdown.catalogue import PERSISTENT_RESTORERS, build_guards
from kiosk.lockdown.guard import Guard, PersistentGuard
from kiosk.lockdown.marker import AppliedGuardsMarker, undo_stale_marker
from kiosk.lockdown.policy import LockdownPolicy
from kiosk.lockdown.violations import WINDOW_KINDS, ViolationKind

SETTLE_MS = 300  # the kiosk must stay in order this long before an incident is closed
RESTORE_EVERY_MS = 100  # while an incident is open, check and restore this often
SIGTERM_EXIT_STATUS = 128 + signal.SIGTERM

Callback = Callable[[str, str], None]

log = logging.getLogger(__name__)


def recover_after_crash(state_dir: Path) -> list[str]:
    """Undo the settings a kiosk that died while locked left behind in `state_dir`.

    Returns the names of the guards that run had applied ([] after a clean exit). Raises
    `LockdownStillRunning` when the marker belongs to a kiosk still alive.
    """
    return undo_stale_marker(state_dir, PERSISTENT_RESTORERS)


class LockdownSession:
    """The secure mode around one candidate window (see the module docstring)."""

    def __init__(
        self,
        window: QWidget,
        policy: LockdownPolicy,
        on_violation: Callback,
        *,
        state_dir: Path | None = None,
        on_warning: Callback | None = None,
    ) -> None:
        self.window = window
        self.policy = policy
        self.state_dir = state_dir
        self._on_violation = on_violation
        self._on_warning = on_warning
        self._applied: list[Guard] = []
        self._active = False  # every guard applied: from now on, reports are violations
        self._marker: AppliedGuardsMarker | None = None
        self._previous_sigterm: Any = None
        self._sigterm_installed = False
        # Python runs signal handlers only when it gets control: a Qt timer gives it some.
        self._signal_poll = QTimer()
        self._signal_poll.setInterval(200)
        self._signal_poll.timeout.connect(lambda: None)
        self._incident = _WindowIncident(self)

    @property
    def applied_guards(self) -> list[str]:
        """The names of the guards currently applied, in order."""
        return [guard.name for guard in self._applied]

    def apply(self) -> None:
        if self._applied:
            raise RuntimeError("lockdown already applied")
        if self.state_dir is not None:
            recover_after_crash(self.state_dir)
            self._marker = AppliedGuardsMarker(self.state_dir)
        self._install_sigterm_handler()
        guards = build_guards(self.window, self.policy, self._report, self._warn)
        try:
            for guard in guards:
                if self._marker is not None:
                    snapshot = guard.snapshot() if isinstance(guard, PersistentGuard) else None
                    self._marker.add(guard.name, snapshot)
                guard.apply()
                self._applied.append(guard)
        except BaseException:
            self.release()
            raise
        self._active = True

    def release(self) -> None:
        self._active = False
        self._incident.stop()
        while self._applied:
            guard = self._applied.pop()
            try:
                guard.release()
            except Exception:
                log.exception("lockdown guard %s failed to release", guard.name)
        if self._marker is not None:
            self._marker.clear()
            self._marker = None
        self._restore_sigterm_handler()

    def __enter__(self) -> "LockdownSession":
        self.apply()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()

    # Violations -------------------------------------------------------------------------------

    def _report(self, kind: ViolationKind, detail: str) -> None:
        if not self._active:
            return  # the window moving while guards are applied or released is not an attempt
        if kind in WINDOW_KINDS:
            self._incident.report(kind, detail)
        else:
            self._on_violation(str(kind), detail)

    def _warn(self, kind: ViolationKind, detail: str) -> None:
        if self._on_warning is not None:
            self._on_warning(str(kind), detail)

    def _restore(self) -> None:
        for guard in self._applied:
            guard.reassert()

    def _is_settled(self) -> bool:
        return all(guard.is_settled() for guard in self._applied)

    # SIGTERM ----------------------------------------------------------------------------------

    def _install_sigterm_handler(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        self._previous_sigterm = signal.signal(signal.SIGTERM, self._on_sigterm)
        self._sigterm_installed = True
        self._signal_poll.start()

    def _restore_sigterm_handler(self) -> None:
        if not self._sigterm_installed:
            return
        # None: the previous handler was not set from Python; the default is the nearest.
        signal.signal(signal.SIGTERM, self._previous_sigterm or signal.SIG_DFL)
        self._signal_poll.stop()
        self._sigterm_installed = False

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        # Python runs this between two bytecodes of whatever Qt callback is under way (a guard's
        # timer, say): releasing here would pull the guards from under it. Do it from the loop.
        QTimer.singleShot(0, lambda: self._terminate(signum, frame))

    def _terminate(self, signum: int, frame: FrameType | None) -> None:
        previous = self._previous_sigterm
        self.release()
        if callable(previous):
            previous(signum, frame)
        else:
            QCoreApplication.exit(SIGTERM_EXIT_STATUS)


class _WindowIncident(QObject):
    """Folds the signals of one escape attempt into one incident, and restores until settled."""

    def __init__(self, session: LockdownSession) -> None:
        super().__init__()
        self._session = session
        self._open = False
        self._settled_for = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(RESTORE_EVERY_MS)
        self._timer.timeout.connect(self._check)

    def report(self, kind: ViolationKind, detail: str) -> None:
        if self._open:
            log.info("folded into the open incident: %s (%s)", kind, detail)
            self._settled_for.invalidate()
            return
        self._open = True
        self._settled_for.invalidate()
        self._session._on_violation(str(kind), detail)
        self._session._restore()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._open = False

    def _check(self) -> None:
        if not self._session._is_settled():
            self._settled_for.invalidate()
            self._session._restore()
            return
        if not self._settled_for.isValid():
            self._settled_for.start()
        elif self._settled_for.elapsed() >= SETTLE_MS:
            self.stop()
