"""The apps collect garbage in the Qt main thread only (kiosk/ui/main_thread_gc.py): a cycle
made and left by another thread is freed by the main thread's timer, never by that thread."""

import gc
import threading
import weakref

from kiosk.ui.main_thread_gc import MainThreadCollection


class Node:
    """A reference cycle (as a Qt screen and its slots can make)."""

    def __init__(self) -> None:
        self.itself = self


def test_cycles_left_by_another_thread_are_freed_in_the_main_thread(qapp, qtbot):
    freed_in: list[int] = []
    kept: list[list] = []

    def leave_a_cycle_and_allocate() -> None:
        node = Node()
        weakref.finalize(node, lambda: freed_in.append(threading.get_ident()))
        del node
        kept.append([[] for _ in range(20_000)])  # far past the collector's thresholds

    with MainThreadCollection(qapp, every_ms=20):
        assert not gc.isenabled()
        worker = threading.Thread(target=leave_a_cycle_and_allocate)
        worker.start()
        worker.join()
        assert freed_in == []  # that thread allocated past every threshold, freed nothing
        qtbot.waitUntil(lambda: bool(freed_in), timeout=3000)
    assert freed_in == [threading.get_ident()]
    assert gc.isenabled()
