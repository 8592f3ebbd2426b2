"""Schools (organisations): UAI, name and type. One of them is the server's default school, to
which every session planned without a UAI belongs (migration 0020 creates one)."""

import unicodedata
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, select, update

from engine.canonical import BilingualError
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.schools import audit
from server_stub.schools import errors as _errors  # noqa: F401  (registers the error codes)
from server_stub.schools.uai import normalise_uai

KINDS = ("college", "lycee", "superieur", "other")
KIND_LABELS = {"college": "collège", "lycee": "lycée", "superieur": "supérieur", "other": "autre"}


class OrganisationError(BilingualError):
    """An organisation that cannot be created as asked."""


@dataclass(frozen=True)
class Organisation:
    uai: str
    name: str
    kind: str
    is_default: bool

    def to_dict(self) -> dict:
        return asdict(self)


def normalise_kind(text: str) -> str:
    """`collège`, `college`, `Lycée`… as stored: college, lycee, superieur, other."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    kind = "".join(char for char in decomposed if not unicodedata.combining(char))
    kind = {"autre": "other", "superior": "superieur", "higher": "superieur"}.get(kind, kind)
    if kind not in KINDS:
        raise OrganisationError(
            "invalid_kind",
            f"type d'établissement « {text} » inconnu : collège, lycée, supérieur ou autre.",
            f"unknown school type “{text}”: collège, lycée, supérieur or other.",
        )
    return kind


def create_organisation(
    db: Database, *, uai: str, name: str, kind: str, make_default: bool, now: float, actor: str
) -> Organisation:
    uai, kind, name = normalise_uai(uai), normalise_kind(kind), " ".join(name.split())
    if not name:
        raise OrganisationError(
            "invalid_name", "le nom de l'établissement est vide.", "the school's name is empty."
        )
    table = db.tables["organisations"]
    with db.write() as connection:
        if connection.scalar(select(table.c.uai).where(table.c.uai == uai)) is not None:
            raise OrganisationError(
                "organisation_exists",
                f"l'établissement {uai} existe déjà.",
                f"school {uai} already exists.",
            )
        if make_default:
            _pin_sessions_to_default(connection, db)
            connection.execute(update(table).values(is_default=False))
        connection.execute(
            table.insert().values(
                uai=uai, name=name, kind=kind, is_default=make_default, created_at=now
            )
        )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="organisation.create",
            uai=uai,
            name=name,
            kind=kind,
            is_default=make_default,
        )
    return Organisation(uai, name, kind, make_default)


def ensure_organisation(
    connection: Connection, db: Database, uai: str, *, now: float, actor: str
) -> bool:
    """Create the school if the server does not know it yet (a first roster import names it
    by its UAI, type other: `org edit` sets them); True if it was created."""
    table = db.tables["organisations"]
    if connection.scalar(select(table.c.uai).where(table.c.uai == uai)) is not None:
        return False
    name = f"Établissement {uai}"
    connection.execute(
        table.insert().values(uai=uai, name=name, kind="other", is_default=False, created_at=now)
    )
    audit.record(
        connection,
        db,
        at=now,
        actor=actor,
        action="organisation.create",
        uai=uai,
        name=name,
        kind="other",
        is_default=False,
        reason="first roster import",
    )
    return True


def edit_organisation(
    db: Database,
    *,
    uai: str,
    name: str | None,
    kind: str | None,
    make_default: bool,
    now: float,
    actor: str,
) -> Organisation:
    """Rename a school, change its type, or make it the default one."""
    table = db.tables["organisations"]
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = " ".join(name.split())
        if not changes["name"]:
            raise OrganisationError(
                "invalid_name", "le nom de l'établissement est vide.", "the school's name is empty."
            )
    if kind is not None:
        changes["kind"] = normalise_kind(kind)
    with db.write() as connection:
        school = organisation(connection, db, normalise_uai(uai))
        if make_default and not school.is_default:
            _pin_sessions_to_default(connection, db)
            connection.execute(update(table).values(is_default=False))
            changes["is_default"] = True
        if changes:
            connection.execute(update(table).where(table.c.uai == school.uai).values(**changes))
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="organisation.edit",
            uai=school.uai,
            **changes,
        )
        return organisation(connection, db, school.uai)


def _pin_sessions_to_default(connection: Connection, db: Database) -> None:
    """Sessions planned without a school stay with the school they were planned for."""
    sessions = db.tables["sessions"]
    connection.execute(
        update(sessions).where(sessions.c.uai.is_(None)).values(uai=default_uai(connection, db))
    )


def list_organisations(db: Database) -> list[Organisation]:
    table = db.tables["organisations"]
    with db.read() as connection:
        rows = connection.execute(select(table).order_by(table.c.uai)).all()
    return [Organisation(row.uai, row.name, row.kind, bool(row.is_default)) for row in rows]


def organisation(connection: Connection, db: Database, uai: str) -> Organisation:
    """The school with this UAI, or ApiError organisation_not_found (404)."""
    table = db.tables["organisations"]
    row = connection.execute(select(table).where(table.c.uai == uai.strip().upper())).first()
    if row is None:
        raise ApiError("organisation_not_found", uai=uai)
    return Organisation(row.uai, row.name, row.kind, bool(row.is_default))


def default_uai(connection: Connection, db: Database) -> str:
    table = db.tables["organisations"]
    return connection.scalar(
        select(table.c.uai).where(table.c.is_default.is_(True)).order_by(table.c.uai).limit(1)
    )
