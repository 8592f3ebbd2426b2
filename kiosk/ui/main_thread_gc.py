"""Python's garbage collector run from the Qt main thread only, while an app's window is open.

The collector runs in whichever thread happens to allocate past its threshold. A reference
cycle that holds a Qt object (a screen, a timer) collected from another thread — qasync's
name-resolution workers, say — is destroyed outside the GUI thread and leaves its timers
registered with the main thread's event loop; the next turn of that loop then touches freed
memory and the app dies of a segmentation fault (seen in the test suite, which for that reason
collects in the main thread after each test: tests/conftest.py).

So while the guard holds, automatic collection is off and a main-thread timer collects instead,
each generation as soon as the collector's own thresholds say it is due: the same collections,
only always in this thread. What exists when the guard starts (modules, Qt's wrappers...) is
frozen out of the collector's sight (`gc.freeze`), so that a full collection only goes through
what the app made since, and stays short.
"""

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_EVERY_MS = 250


class MainThreadCollection:
    """A guard: apply with `with`, released on exit (automatic collection back on)."""

    def __init__(self, parent: QObject | None = None, every_ms: int = CHECK_EVERY_MS) -> None:
        self._timer = QTimer(parent)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(collect_due_generation)
        self._was_enabled = True

    def __enter__(self) -> "MainThreadCollection":
        self._was_enabled = gc.isenabled()
        gc.disable()
        gc.collect()
        gc.freeze()
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.stop()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()


def collect_due_generation() -> None:
    """Collect the oldest generation whose count has reached its threshold, if any."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] >= thresholds[generation]:
            gc.collect(generation)
            return
