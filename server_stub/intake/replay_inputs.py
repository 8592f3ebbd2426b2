"""What the engine needs to replay an exam, read from the database: bank, configuration, seed,
and the candidate's accessibility needs (the same for its live replay, its record's and a
re-scoring)."""

import json
from functools import partial
from typing import Any

from engine.config import ExamConfig
from server_stub import hot_statements as hot
from server_stub.banks import BankStore
from server_stub.db.database import Database
from server_stub.live_exams import ExamStart


def exam_config(connection, db: Database, exam) -> dict[str, Any]:
    """The configuration of the exam's bank in its mode (pix or default), as stored."""
    return json.loads(
        db.run(connection, hot.exam_config, {"bank_id": exam.bank_id, "mode": exam.mode}).scalar()
    )


def accessibility_needs(connection, db: Database, candidate_id: str) -> bool:
    return bool(
        db.run(connection, hot.accessibility_needs, {"candidate_id": candidate_id}).scalar()
    )


def exam_start(connection, db: Database, banks: BankStore, exam) -> ExamStart:
    return ExamStart(
        bank=banks.item_bank(exam.bank_id),
        config=ExamConfig.from_dict(exam_config(connection, db, exam)),
        seed=exam.seed,
        accessibility_needs=accessibility_needs(connection, db, exam.candidate_id),
        item=partial(banks.item, exam.bank_id),
    )
