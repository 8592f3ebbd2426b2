"""The shape of one lockdown measure: a guard performs it in `apply()` and reverts it in
`release()` (modelled on Safe Exam Browser's kiosk operations, which each perform and revert).
"""

from typing import Any, ClassVar

from engine.canonical import BilingualError
from kiosk.lockdown.violations import ViolationKind


class Guard:
    """One measure. The session applies guards in order and releases the applied ones in reverse.

    - `apply()` performs the measure, or raises (`LockdownRefused` when the lab's policy says the
      exam must not start this way); whatever it did before raising it undoes itself.
    - `release()` undoes it; called once, after a successful `apply()`, even on a crash path.
    - `reassert()` puts the measure back after the session restored the window (a minimised X11
      window loses its keyboard grab, say). Most guards have nothing to redo.
    - `is_settled()` tells the session whether this guard sees the kiosk back in order (window
      fullscreen and focused, nothing on top); an incident stays open until every guard agrees.
    """

    name: ClassVar[str]

    def apply(self) -> None:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def reassert(self) -> None:
        """Nothing to redo by default."""

    def is_settled(self) -> bool:
        return True


class PersistentGuard(Guard):
    """A guard that changes a setting outliving the process (an X server keyboard option, say).

    Before it is applied, the session writes its `snapshot()` into the on-disk marker, so that if
    the process dies, `recover_after_crash` can call `restore(snapshot)` on the next start.
    """

    def snapshot(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> None:
        raise NotImplementedError


class LockdownRefused(BilingualError):
    """The lab's policy forbids starting the exam here (a prohibited program, a remote session,
    an extra screen, a keyboard that cannot be grabbed); `fr`/`en` tell the person what to do,
    `kind` is the incident the invigilator's console shows for it."""

    def __init__(self, code: str, fr: str, en: str, kind: ViolationKind) -> None:
        super().__init__(code, fr, en)
        self.kind = kind


def keyboard_lock_refused(reason: str) -> LockdownRefused:
    """The refusal when the keyboard cannot be locked (X11 grab, Windows hook)."""
    return LockdownRefused(
        "keyboard_lock_failed",
        "Le clavier n'a pas pu être réservé au kiosque (un autre programme le retient ?) : "
        "fermez les autres programmes, ou utilisez la session kiosque dédiée "
        f"(docs/lockdown.md). Détail : {reason}.",
        "The keyboard could not be reserved for the kiosk (another program holds it?): close "
        "the other programs, or use the dedicated kiosk session (docs/lockdown.md). "
        f"Detail: {reason}.",
        ViolationKind.KEYBOARD_NOT_LOCKED,
    )
