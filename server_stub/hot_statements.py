"""The statements of the hot paths — streamed entries and records — as builders that
`Database.run` builds once per database and runs on the driver's cursor
(driver_statements.py); values are bind parameters named here.

UPDATE statements leave out `values()`: they set the columns named by the parameters they are
run with (the where-clause parameter has a name of its own, `key`).
"""

from collections.abc import Mapping

from sqlalchemy import Table, bindparam, select

from engine.exam_events import WATCHED_FOCUS_LOST


def exam(t: Mapping[str, Table]):
    """The exam row: `exam_id`."""
    return select(t["exams"]).where(t["exams"].c.exam_id == bindparam("exam_id"))


def exam_for_update(t: Mapping[str, Table]):
    """The exam row, locked until the transaction ends: `exam_id` (on PostgreSQL its chain
    and state change one request at a time, whichever server process takes it)."""
    return exam(t).with_for_update(key_share=True)


def update_exam(t: Mapping[str, Table]):
    """Set columns of the exam `key`."""
    return t["exams"].update().where(t["exams"].c.exam_id == bindparam("key"))


def update_candidate(t: Mapping[str, Table]):
    """Set columns of the candidate `key`."""
    return t["candidates"].update().where(t["candidates"].c.candidate_id == bindparam("key"))


def entry_hash(t: Mapping[str, Table]):
    """The hash of a stored entry: `device_id`, `exam_id`, `seq`."""
    journal = t["journal_entries"]
    return select(journal.c.entry_hash).where(
        journal.c.device_id == bindparam("device_id"),
        journal.c.exam_id == bindparam("exam_id"),
        journal.c.seq == bindparam("seq"),
    )


def insert_entries(t: Mapping[str, Table]):
    return t["journal_entries"].insert()


def end_refused_starts(t: Mapping[str, Table]):
    """Resolve the open refused starts (incidents not locked) of exam `key` at `now`."""
    incidents = t["incidents"]
    return (
        incidents.update()
        .where(
            incidents.c.exam_id == bindparam("key"),
            incidents.c.locked.is_(False),
            incidents.c.kind != WATCHED_FOCUS_LOST,  # a notice stays in the room's view
            incidents.c.resolved_at.is_(None),
        )
        .values(resolved_at=bindparam("now"))
    )


def stored_record(t: Mapping[str, Table]):
    """The record stored for `device_id` and `exam_id`."""
    records = t["records"]
    return select(records).where(
        records.c.device_id == bindparam("device_id"), records.c.exam_id == bindparam("exam_id")
    )


def insert_record(t: Mapping[str, Table]):
    return t["records"].insert()


def streamed_entries(t: Mapping[str, Table]):
    """(seq, hash, signature) of the entries stored for `device_id` and `exam_id`."""
    journal = t["journal_entries"]
    return select(journal.c.seq, journal.c.entry_hash, journal.c.signature).where(
        journal.c.exam_id == bindparam("exam_id"), journal.c.device_id == bindparam("device_id")
    )


def stored_entry_texts(t: Mapping[str, Table]):
    """The stored wire texts of the entries of `device_id` and `exam_id`, in order."""
    journal = t["journal_entries"]
    return (
        select(journal.c.entry)
        .where(
            journal.c.exam_id == bindparam("exam_id"), journal.c.device_id == bindparam("device_id")
        )
        .order_by(journal.c.seq)
    )


def issued_tickets(t: Mapping[str, Table]):
    """(ticket_id, kind) of the tickets issued for `exam_id`."""
    tickets = t["tickets"]
    return select(tickets.c.ticket_id, tickets.c.kind).where(
        tickets.c.exam_id == bindparam("exam_id")
    )


def pauses(t: Mapping[str, Table]):
    """(started_at, ended_at) of the pauses of `exam_id`, in order."""
    pauses = t["pauses"]
    return (
        select(pauses.c.started_at, pauses.c.ended_at)
        .where(pauses.c.exam_id == bindparam("exam_id"))
        .order_by(pauses.c.started_at)
    )


def exam_config(t: Mapping[str, Table]):
    """The stored configuration of bank `bank_id` in `mode`."""
    configs = t["bank_configs"]
    return select(configs.c.config).where(
        configs.c.bank_id == bindparam("bank_id"), configs.c.mode == bindparam("mode")
    )


def accessibility_needs(t: Mapping[str, Table]):
    candidates = t["candidates"]
    return select(candidates.c.accessibility_needs).where(
        candidates.c.candidate_id == bindparam("candidate_id")
    )


def challenge_reports(t: Mapping[str, Table]):
    """(subcategory, item_id) of the IN_CHALLENGE issue reports of `candidate_id`."""
    reports = t["issue_reports"]
    return select(reports.c.subcategory, reports.c.item_id).where(
        reports.c.candidate_id == bindparam("candidate_id"),
        reports.c.category == "IN_CHALLENGE",
    )


def validated_alert_items(t: Mapping[str, Table]):
    alerts = t["alerts"]
    return select(alerts.c.item_id).where(
        alerts.c.exam_id == bindparam("exam_id"), alerts.c.state == "validated"
    )


def result_exists(t: Mapping[str, Table]):
    results = t["results"]
    return select(results.c.exam_id).where(results.c.exam_id == bindparam("exam_id"))


def insert_result(t: Mapping[str, Table]):
    return t["results"].insert()


def update_result(t: Mapping[str, Table]):
    """Set columns of the result of exam `key`."""
    return t["results"].update().where(t["results"].c.exam_id == bindparam("key"))


def commitments_from(t: Mapping[str, Table]):
    """(seq, head_hash) of the heads committed for `exam_id` from `seq` on."""
    commitments = t["head_commitments"]
    return select(commitments.c.seq, commitments.c.head_hash).where(
        commitments.c.exam_id == bindparam("exam_id"), commitments.c.seq >= bindparam("seq")
    )


def insert_commitment(t: Mapping[str, Table]):
    return t["head_commitments"].insert()
