"""Campaigns: what a teacher opens for one or more classes of the school.

Two kinds, as in Pix Orga: `assessment` (students take a parcours and send their results once)
and `profiles-collection` (students send their Pix profile; with `multiple_sendings`, as often
as they like, so the teacher follows their progress). A campaign is `open`, then `closed` (no
more participation or sending), then `archived` (out of the teacher's list); each step only
goes forward. Its code is what students type: nine characters from the unambiguous alphabet of
the session codes. A campaign the teacher marks as a `rehearsal` lends its classes' practice
accounts to `pix-kiosk practice-robot` run on the server's machine (student_accounts.py,
`rehearsal_sheet`): for a rehearsal class, never for real students.
"""

import secrets
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from server_stub.codes import ACCESS_DIGITS, ACCESS_LETTERS
from server_stub.db.database import Database
from server_stub.practice import content
from server_stub.practice.errors import PracticeError
from server_stub.schools import audit
from server_stub.schools.orgs import organisation
from server_stub.schools.uai import normalise_uai

KINDS = ("assessment", "profiles-collection")
STATUSES = ("open", "closed", "archived")
STATUS_WORDS = {
    "open": ("ouverte", "open"),
    "closed": ("clôturée", "closed"),
    "archived": ("archivée", "archived"),
}
CODE_ALPHABET = ACCESS_LETTERS + ACCESS_DIGITS
CODE_LENGTH = 9
MAX_TITLE = 120


@dataclass(frozen=True)
class Campaign:
    code: str
    uai: str
    title: str
    kind: str
    parcours_id: str | None
    multiple_sendings: bool
    status: str
    divisions: tuple[str, ...]
    created_by: str
    created_at: float
    rehearsal: bool = False

    def to_dict(self) -> dict[str, Any]:
        found = asdict(self)
        found["divisions"] = list(self.divisions)
        found["type"] = self.kind
        return found

    @property
    def training_parcours_id(self) -> str | None:
        """The parcours students train on: the campaign's, else the broadest training one."""
        if self.parcours_id:
            return self.parcours_id
        fallback = content.profile_parcours()
        return fallback.id if fallback else None


def normalise_code(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum())


def _refused(fr: str, en: str) -> PracticeError:
    return PracticeError("campaign_invalid", detail_fr=fr, detail_en=en)


def create_campaign(
    db: Database,
    *,
    uai: str,
    divisions: list[str],
    kind: str,
    parcours_id: str | None,
    multiple_sendings: bool,
    title: str,
    now: float,
    actor: str,
    rehearsal: bool = False,
) -> Campaign:
    """A new open campaign for the classes (each must have current students)."""
    uai = normalise_uai(uai)
    divisions = sorted({d.strip() for d in divisions if d.strip()})
    if kind not in KINDS:
        raise _refused(
            f"type « {kind} » inconnu : {' ou '.join(KINDS)}.",
            f"unknown type “{kind}”: {' or '.join(KINDS)}.",
        )
    if not divisions:
        raise _refused("choisissez au moins une classe.", "choose at least one class.")
    if kind == "assessment" and not parcours_id:
        raise _refused(
            "une campagne d'évaluation porte sur un parcours (--parcours).",
            "an assessment campaign is on a parcours (--parcours).",
        )
    if kind == "assessment" and multiple_sendings:
        raise _refused(
            "l'envoi multiple est réservé aux collectes de profils.",
            "multiple sendings are for profile collections only.",
        )
    chosen = content.parcours(parcours_id) if parcours_id else None
    title = " ".join(title.split())[:MAX_TITLE] or _default_title(kind, chosen, divisions)
    campaigns, classes, students = (
        db.tables["campaigns"],
        db.tables["campaign_classes"],
        db.tables["students"],
    )
    with db.write() as connection:
        organisation(connection, db, uai)
        for division in divisions:
            present = connection.scalar(
                select(students.c.student_id)
                .where(students.c.uai == uai, students.c.division == division)
                .where(students.c.archived_at.is_(None))
                .limit(1)
            )
            if present is None:
                raise PracticeError("class_not_found", division=division, uai=uai)
        code = _free_code(connection, db)
        connection.execute(
            campaigns.insert().values(
                code=code,
                uai=uai,
                title=title,
                kind=kind,
                parcours_id=parcours_id or None,
                multiple_sendings=multiple_sendings,
                status="open",
                created_by=actor,
                created_at=now,
                rehearsal=rehearsal,
            )
        )
        for division in divisions:
            connection.execute(classes.insert().values(code=code, division=division))
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="campaign.create",
            uai=uai,
            target=code,
            kind=kind,
            parcours=parcours_id,
            multiple_sendings=multiple_sendings,
            divisions=divisions,
            rehearsal=rehearsal,
        )
    return Campaign(
        code,
        uai,
        title,
        kind,
        parcours_id or None,
        multiple_sendings,
        "open",
        tuple(divisions),
        actor,
        now,
        rehearsal,
    )


def _default_title(kind: str, chosen, divisions: list[str]) -> str:
    if chosen is not None:
        return f"{chosen.title.get('fr', chosen.id)} — {', '.join(divisions)}"
    return f"Collecte de profils — {', '.join(divisions)}"


def _free_code(connection: Connection, db: Database) -> str:
    campaigns = db.tables["campaigns"]
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if connection.scalar(select(campaigns.c.code).where(campaigns.c.code == code)) is None:
            return code


def campaign(connection: Connection, db: Database, code: str) -> Campaign:
    """The campaign with this code (typed with spaces or in lower case), or 404."""
    campaigns, classes = db.tables["campaigns"], db.tables["campaign_classes"]
    code = normalise_code(code)
    row = connection.execute(select(campaigns).where(campaigns.c.code == code)).first()
    if row is None:
        raise PracticeError("campaign_not_found", campaign=code or "?")
    divisions = tuple(
        connection.scalars(
            select(classes.c.division).where(classes.c.code == code).order_by(classes.c.division)
        )
    )
    return _campaign(row, divisions)


def _campaign(row, divisions: tuple[str, ...]) -> Campaign:
    return Campaign(
        row.code,
        row.uai,
        row.title,
        row.kind,
        row.parcours_id,
        bool(row.multiple_sendings),
        row.status,
        divisions,
        row.created_by,
        row.created_at,
        bool(row.rehearsal),
    )


def get_campaign(db: Database, code: str) -> Campaign:
    with db.read() as connection:
        return campaign(connection, db, code)


def school_campaigns(db: Database, uai: str, *, archived: bool = False) -> list[Campaign]:
    """The school's campaigns, newest first (archived ones only when asked)."""
    campaigns, classes = db.tables["campaigns"], db.tables["campaign_classes"]
    query = select(campaigns).where(campaigns.c.uai == normalise_uai(uai))
    if not archived:
        query = query.where(campaigns.c.status != "archived")
    with db.read() as connection:
        rows = connection.execute(query.order_by(campaigns.c.created_at.desc())).all()
        by_code: dict[str, list[str]] = {}
        for code, division in connection.execute(
            select(classes.c.code, classes.c.division)
            .join(campaigns, campaigns.c.code == classes.c.code)
            .where(campaigns.c.uai == normalise_uai(uai))
            .order_by(classes.c.division)
        ):
            by_code.setdefault(code, []).append(division)
    return [_campaign(row, tuple(by_code.get(row.code, ()))) for row in rows]


def change_status(db: Database, code: str, target: str, *, now: float, actor: str) -> Campaign:
    """Close an open campaign, or archive a closed (or open) one; never backwards."""
    campaigns = db.tables["campaigns"]
    with db.write() as connection:
        found = campaign(connection, db, code)
        if target not in STATUSES or STATUSES.index(target) <= STATUSES.index(found.status):
            raise PracticeError(
                "campaign_transition_refused",
                status_fr=STATUS_WORDS[found.status][0],
                status_en=STATUS_WORDS[found.status][1],
                target_fr=STATUS_WORDS.get(target, (target,))[0],
                target_en=STATUS_WORDS.get(target, (target, target))[1],
            )
        moment = {"closed_at": now} if target == "closed" else {"archived_at": now}
        connection.execute(
            update(campaigns).where(campaigns.c.code == found.code).values(status=target, **moment)
        )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action=f"campaign.{target}",
            uai=found.uai,
            target=found.code,
        )
    return get_campaign(db, found.code)


def require_open(found: Campaign) -> None:
    if found.status != "open":
        fr, en = STATUS_WORDS[found.status]
        raise PracticeError("campaign_not_open", status_fr=fr, status_en=en)
