"""What the engine needs to replay an exam, read from the database: bank, configuration, seed,
and the candidate's accessibility needs (the same for its live replay, its record's and a
re-scoring)."""

import json
from functools import partial
from typing import Any

from sqlalchemy import Connection, bindparam, select

from engine.config import ExamConfig
from server_stub.banks import BankStore
from server_stub.db.tables import bank_configs, candidates
from server_stub.live_exams import ExamStart

_CONFIG = select(bank_configs.c.config).where(
    bank_configs.c.bank_id == bindparam("bank_id"), bank_configs.c.mode == bindparam("mode")
)
_ACCESSIBILITY_NEEDS = select(candidates.c.accessibility_needs).where(
    candidates.c.candidate_id == bindparam("candidate_id")
)


def exam_config(connection: Connection, exam) -> dict[str, Any]:
    """The configuration of the exam's bank in its mode (pix or default), as stored."""
    stored = connection.execute(_CONFIG, {"bank_id": exam.bank_id, "mode": exam.mode}).scalar()
    return json.loads(stored)


def accessibility_needs(connection: Connection, candidate_id: str) -> bool:
    found = connection.execute(_ACCESSIBILITY_NEEDS, {"candidate_id": candidate_id}).scalar()
    return bool(found)


def exam_start(connection: Connection, banks: BankStore, exam) -> ExamStart:
    return ExamStart(
        bank=banks.item_bank(exam.bank_id),
        config=ExamConfig.from_dict(exam_config(connection, exam)),
        seed=exam.seed,
        accessibility_needs=accessibility_needs(connection, exam.candidate_id),
        item=partial(banks.item, exam.bank_id),
    )
