"""Where an exam stands, as the core decides and the window shows."""

from enum import StrEnum


class Phase(StrEnum):
    CHECK_IN = "check_in"
    WAITING = "waiting"
    INSTRUCTIONS = "instructions"
    QUESTION = "question"
    PAUSED = "paused"
    LOCKED = "locked"
    TIME_OVER = "time_over"
    FINISHED = "finished"
