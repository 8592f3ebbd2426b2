"""Shared by the tests that publish: a national reviewer account, and a session reviewed and
published by its lead (the invigilator code no longer publishes)."""

import time

from server_stub.review.decisions import decide
from server_stub.review.publication import publish_session
from server_stub.review.queue import pending_certifications
from server_stub.schools.accounts import Account, create_account

PASSWORD = "relecture-2026-juin"


def reviewer_account(db, login: str = "jury@academie.fr", uai: str = "*") -> Account:
    return create_account(
        db,
        login=login,
        display_name="Jury",
        password=PASSWORD,
        roles=[(uai, "reviewer")],
        is_admin=False,
        now=time.time(),
        actor="cli",
    )


def validate_all_and_publish(ctx, session_id: str) -> list[dict]:
    """Validate every pending certification of the session as a reviewer, then publish as its
    lead; the queue as it was."""
    pending = pending_certifications(ctx.db, session_id=session_id)
    if pending:
        reviewer = reviewer_account(ctx.db)
        for item in pending:
            decide(
                ctx.db,
                ctx.banks,
                candidate_id=item["candidate_id"],
                decision="validate",
                reason="relu",
                reviewer=reviewer,
            )
    publish_session(ctx.db, session_id, actor="cli")
    return pending
