"""One Qt thread of its own for the server's renders: the server's event loop never waits on a
layout, renders never overlap, and Qt gets the event loop it expects in the thread it draws in
(in a plain Python thread it complains on every document).

`start()` in the server's main thread, after the Qt application exists; `stop()` at shutdown.
"""

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from server_stub.errors import ApiError


class _Renderer(QObject):
    job = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.job.connect(self._run)

    @Slot(object)
    def _run(self, job: tuple[Callable[[], Any], Future]) -> None:
        work, future = job
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as error:  # handed to whoever waits on the future
            future.set_exception(error)


_state: dict[str, Any] = {}
_guard = threading.Lock()


def start() -> None:
    with _guard:
        if "thread" in _state:
            return
        thread = QThread()
        thread.setObjectName("pix-documents")
        renderer = _Renderer()
        renderer.moveToThread(thread)
        thread.start()
        _state.update(thread=thread, renderer=renderer)


def stop() -> None:
    with _guard:
        thread = _state.pop("thread", None)
        renderer = _state.pop("renderer", None)
    if thread is not None:
        thread.quit()
        thread.wait()
    # Only now may the renderer go: a QObject must not be deleted while its thread still runs
    # (an event being delivered to it there would touch freed memory).
    del renderer


def submit(work: Callable[[], Any]) -> Future:
    """Run `work()` on the render thread; its result (or exception) comes in the future."""
    with _guard:
        renderer = _state.get("renderer")
    if renderer is None:
        raise ApiError("documents_unavailable")
    future: Future = Future()
    renderer.job.emit((work, future))
    return future
