"""A student training in a campaign: the item on screen, the answer and its correction, the
Pix profile that grows from every answer.

The engine chooses (engine.training.next_training_item: adaptive within the parcours, stopping
on length or precision) from everything the student has answered in practice; the server keeps
the item on screen in `participations.current_item`, so a student who leaves finds the same
question when they come back (page reloaded, another device). An answer is taken only for the
item on screen, once.

The choice is computed outside any write transaction (it reads the student's answers and runs
the engine: too long to hold SQLite's write lock while a class trains), then written only if the
participation did not move meanwhile: every change of it adds one to `sequence`, and the write
says `WHERE sequence = the one read` — optimistic, the same on SQLite and PostgreSQL. A write
that finds another sequence (the same student's other tab chose or answered first) reads again.
"""

import hashlib
import secrets
import time
from typing import Any

from sqlalchemy import Connection, select, update

from engine.answers import ResponseError
from engine.training import (
    check_practice_answer,
    correction,
    next_training_item,
    practice_profile,
    public_item,
)
from server_stub.db.database import Database
from server_stub.practice import content
from server_stub.practice.campaigns import Campaign, campaign, get_campaign, require_open
from server_stub.practice.errors import PracticeError


def training_seed(student_id: str, code: str) -> int:
    """The selection seed of one student in one campaign: fixed, so a choice can be replayed."""
    digest = hashlib.sha256(f"{student_id}\0{code}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def answered_items(
    connection: Connection, db: Database, student_id: str, *, code: str | None = None
) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """(this campaign's answers, every other practice answer) of the student, each as (item id,
    correct) in the order given; with no `code`, everything is in the first list."""
    answers = db.tables["practice_answers"]
    run: list[tuple[str, bool]] = []
    history: list[tuple[str, bool]] = []
    for row in connection.execute(
        select(answers.c.item_id, answers.c.correct, answers.c.code)
        .where(answers.c.student_id == student_id)
        .order_by(answers.c.answered_at, answers.c.answer_id)
    ):
        (run if code is None or row.code == code else history).append(
            (row.item_id, bool(row.correct))
        )
    return run, history


def check_student_in(found: Campaign, student: dict[str, Any]) -> None:
    if student["uai"] != found.uai or student["division"] not in found.divisions:
        raise PracticeError("campaign_not_for_student")


def join(db: Database, student: dict[str, Any], code: str, *, now: float) -> Campaign:
    """The student enters a campaign code: their participation starts (or goes on)."""
    participations = db.tables["participations"]
    with db.write() as connection:
        found = campaign(connection, db, code)
        check_student_in(found, student)
        known = connection.execute(
            select(participations.c.code).where(
                participations.c.code == found.code,
                participations.c.student_id == student["student_id"],
            )
        ).first()
        if known is None:
            require_open(found)
            connection.execute(
                participations.insert().values(
                    code=found.code,
                    student_id=student["student_id"],
                    joined_at=now,
                    last_seen_at=now,
                )
            )
    return found


def participation_row(connection: Connection, db: Database, code: str, student_id: str):
    participations = db.tables["participations"]
    row = connection.execute(
        select(participations).where(
            participations.c.code == code, participations.c.student_id == student_id
        )
    ).first()
    if row is None:
        raise PracticeError("campaign_not_joined", campaign=code)
    return row


MAX_CHOICE_ATTEMPTS = 5  # each retry follows another request's progress: it converges


def _moved_on(db: Database, code: str, student_id: str, sequence: int):
    """An UPDATE of the participation that applies only if its sequence is still `sequence`."""
    participations = db.tables["participations"]
    return (
        update(participations)
        .where(
            participations.c.code == code,
            participations.c.student_id == student_id,
            participations.c.sequence == sequence,
        )
        .values(sequence=sequence + 1)
    )


def current_item(db: Database, student: dict[str, Any], code: str, *, now: float) -> dict[str, Any]:
    """What the student's screen shows: the item on screen (chosen now if none is), or the end
    of the parcours. {"done", "item", "answered", "max_items", "campaign"}."""
    bank = content.practice_bank()
    for _ in range(MAX_CHOICE_ATTEMPTS):
        with db.read() as connection:
            found = campaign(connection, db, code)
            check_student_in(found, student)
            row = participation_row(connection, db, found.code, student["student_id"])
            run, history = answered_items(connection, db, student["student_id"], code=found.code)
        chosen_parcours = content.parcours(found.training_parcours_id)
        # An item the bank no longer holds (a later edition retired it) is chosen again.
        item_id = row.current_item if row.current_item in bank.items else None
        if item_id is None and row.finished_at is None and found.status == "open":
            item_id = next_training_item(
                bank,
                chosen_parcours,
                run,
                training_seed(student["student_id"], found.code),
                history=history,
            )
            values: dict[str, Any] = {"current_item": item_id, "last_seen_at": now}
            if item_id is None:
                values["finished_at"] = now
            with db.write() as connection:
                written = connection.execute(
                    _moved_on(db, found.code, student["student_id"], row.sequence).values(**values)
                )
            if written.rowcount != 1:
                continue  # the participation moved meanwhile: read it again
        return {
            "campaign": found.to_dict(),
            "done": item_id is None,
            "item": public_item(bank, item_id) if item_id else None,
            "answered": len(run),
            "max_items": chosen_parcours.max_items,
        }
    raise PracticeError("practice_item_mismatch")


def submit_answer(
    db: Database,
    student: dict[str, Any],
    code: str,
    *,
    item_id: str,
    response: Any,
    now: float,
) -> dict[str, Any]:
    """Check the answer to the item on screen, store it, and give the correction at once:
    {"item_id", "correct", "correct_answer", "explanation", "tutorials"}. The answer is
    written only if that item is still on screen at the sequence read (taken once)."""
    answers = db.tables["practice_answers"]
    bank = content.practice_bank()
    with db.read() as connection:
        found = campaign(connection, db, code)
        check_student_in(found, student)
        require_open(found)
        row = participation_row(connection, db, found.code, student["student_id"])
    if row.current_item != item_id or item_id not in bank.items:
        raise PracticeError("practice_item_mismatch")
    try:
        correct = bool(check_practice_answer(bank, item_id, response))
    except (ResponseError, TypeError, ValueError, KeyError) as error:
        fr = getattr(error, "message_fr", str(error))
        en = getattr(error, "message_en", str(error))
        raise PracticeError("practice_response_invalid", detail_fr=fr, detail_en=en) from None
    with db.write() as connection:
        written = connection.execute(
            _moved_on(db, found.code, student["student_id"], row.sequence).values(
                current_item=None, last_seen_at=now
            )
        )
        if written.rowcount != 1:
            raise PracticeError("practice_item_mismatch")
        connection.execute(
            answers.insert().values(
                answer_id=f"pa_{time.time_ns():020d}_{secrets.token_hex(4)}",
                student_id=student["student_id"],
                code=found.code,
                item_id=item_id,
                correct=correct,
                answered_at=now,
            )
        )
    return {"item_id": item_id, "correct": correct, **correction(bank, item_id)}


def profile_of(connection: Connection, db: Database, student_id: str) -> dict[str, Any]:
    """The student's Pix profile from all their practice: 16 levels, Pix score, certifiability."""
    everything, _ = answered_items(connection, db, student_id)
    found = practice_profile(content.practice_bank(), everything)
    return profile_dict(found)


def profile_dict(found) -> dict[str, Any]:
    return {
        "competence_levels": {code: int(level) for code, level in found.levels.items()},
        "pix_score": int(found.pix_score),
        "certifiable": bool(found.certifiable),
        "certifiable_competences": int(found.certifiable_competences),
    }


def student_profile(db: Database, student_id: str) -> dict[str, Any]:
    with db.read() as connection:
        return profile_of(connection, db, student_id)


def joined_campaigns(db: Database, student_id: str) -> list[dict[str, Any]]:
    """The campaigns the student entered, the latest first."""
    participations = db.tables["participations"]
    with db.read() as connection:
        codes = list(
            connection.scalars(
                select(participations.c.code)
                .where(participations.c.student_id == student_id)
                .order_by(participations.c.joined_at.desc())
            )
        )
    return [get_campaign(db, code).to_dict() for code in codes]
