"""The pure exam core: referential, items, IRT, selection, scoring, replay, sealed formats.

No Qt, no network, no database: numpy, cryptography and the standard library only.
"""

from importlib import import_module
from typing import Any

# Public names and the module that defines each; resolved on first use so that importing a
# small part of the engine (say, the referential) does not pay for numpy or cryptography.
_EXPORTS = {
    "capacity_history": "engine.estimation",
    "ItemBank": "engine.itembank",
    "ExamConfig": "engine.config",
    "calibrate_exposure": "engine.exposure",
    "Exam": "engine.exam",
    "ExamResult": "engine.exam",
    "replay": "engine.exam_replay",
    "ReplayError": "engine.exam_replay",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
