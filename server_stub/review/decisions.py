"""A reviewer's decision on a pending certification, recorded with its author and reason.

Decisions: `validate` (the result stands and may be published), `cancel` and `reject` (it
will not be), `neutralise` one answer (`item_id`, a wrong or skipped answer) and re-score the
record through the engine's neutralisation path (closing.rescore) — the certification then
stays in the queue until a validate, cancel or reject. Every decision is a row of
`review_decisions` and an entry of the audit log; a later final decision supersedes an earlier.
"""

import time
from typing import Any

from sqlalchemy import select

from server_stub import candidate_states as states
from server_stub import codes
from server_stub.banks import BankStore
from server_stub.closing import rescore
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.results import NEUTRALISABLE_STATUSES
from server_stub.review.queue import certification_evidence
from server_stub.schools import audit
from server_stub.schools.accounts import Account, account_by_login
from server_stub.schools.orgs import default_uai

DECISIONS = ("validate", "cancel", "reject", "neutralise")
MAX_REASON = 2000


def decide(
    db: Database,
    banks: BankStore,
    *,
    candidate_id: str,
    decision: str,
    reason: str,
    reviewer: str | Account,
    item_id: str | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """Record `reviewer`'s (a login or an Account holding the reviewer role for the session's
    school) `decision` with its `reason`; returns the certification's evidence afterwards.
    ApiError, and nothing stored, when anything is wrong."""
    now = time.time() if now is None else now
    account = reviewer if isinstance(reviewer, Account) else account_by_login(db, reviewer)
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        _refuse(
            f"« {decision} » inconnue ({', '.join(DECISIONS)})",
            f"unknown “{decision}” ({', '.join(DECISIONS)})",
        )
    if not reason or len(reason) > MAX_REASON:
        _refuse(
            f"un motif de 1 à {MAX_REASON} caractères est exigé",
            f"a reason of 1 to {MAX_REASON} characters is required",
        )
    if (decision == "neutralise") != bool(item_id):
        _refuse(
            "--item (la question) va avec neutralise, et avec elle seule",
            "--item (the question) goes with neutralise, and with it only",
        )
    t = db.tables
    with db.write() as connection:
        candidate = connection.execute(
            select(t["candidates"]).where(t["candidates"].c.candidate_id == candidate_id)
        ).first()
        if candidate is None:
            raise ApiError("review_candidate_not_found", candidate=candidate_id)
        session = connection.execute(
            select(t["sessions"]).where(t["sessions"].c.session_id == candidate.session_id)
        ).one()
        uai = session.uai or default_uai(connection, db)
        if not account.has_role("reviewer", uai):
            raise ApiError("review_role_required", role="reviewer", uai=uai)
        if session.state != "finalised" or candidate.status not in states.DONE:
            raise ApiError("review_not_open", candidate=candidate_id)
        exam = connection.execute(
            select(t["exams"]).where(t["exams"].c.candidate_id == candidate_id)
        ).first()
        scored = connection.scalar(
            select(t["results"].c.status).where(t["results"].c.candidate_id == candidate_id)
        )
        if decision in ("validate", "neutralise") and scored is None:
            _refuse(
                "ce dossier a été écarté (mis en quarantaine), il n'a pas de résultat à valider",
                "this record was quarantined: it has no result to validate",
            )
        if decision == "neutralise":
            earlier = connection.scalars(
                select(t["review_decisions"].c.item_id).where(
                    t["review_decisions"].c.candidate_id == candidate_id,
                    t["review_decisions"].c.decision == "neutralise",
                )
            ).all()
            replayed = rescore(connection, db, banks, exam, now, {*earlier, item_id})
            if dict(replayed.answers).get(item_id) not in NEUTRALISABLE_STATUSES:
                _refuse(
                    f"la question {item_id} n'est pas une réponse fausse ou passée de ce candidat",
                    f"question {item_id} is not a wrong or skipped answer of this candidate",
                )
        connection.execute(
            t["review_decisions"]
            .insert()
            .values(
                decision_id=codes.identifier("rev"),
                candidate_id=candidate_id,
                session_id=session.session_id,
                decision=decision,
                item_id=item_id,
                reason=reason,
                reviewer=account.login,
                decided_at=now,
            )
        )
        audit.record(
            connection,
            db,
            at=now,
            actor=f"account:{account.login}",
            action=f"review.{decision}",
            uai=uai,
            target=candidate_id,
            session_id=session.session_id,
            item_id=item_id,
            reason=reason,
        )
    return certification_evidence(db, candidate_id, banks)


def _refuse(fr: str, en: str) -> None:
    raise ApiError("review_invalid_decision", detail_fr=fr, detail_en=en)
