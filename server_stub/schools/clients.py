"""OAuth2 clients of the national feeds (client-credentials grant, RFC 6749 §4.4).

A client has one scope: `livret-scolaire` (the LSU/LSL pulls a school's certifications) or
`parcoursup` (searches a student's certification). Its secret is shown once at creation; only
its Argon2 hash is kept, as for passwords.
"""

import secrets
from dataclasses import asdict, dataclass

from sqlalchemy import select, update

from engine.canonical import BilingualError
from server_stub.db.database import Database
from server_stub.schools import audit
from server_stub.schools.passwords import hash_secret, verify_secret

SCOPES = ("livret-scolaire", "parcoursup")


class ClientError(BilingualError):
    """A client that cannot be created or revoked as asked."""


@dataclass(frozen=True)
class NewClient:
    client_id: str
    client_secret: str
    scope: str
    label: str

    def to_dict(self) -> dict:
        return asdict(self)


def create_client(db: Database, *, scope: str, label: str, now: float, actor: str) -> NewClient:
    if scope not in SCOPES:
        raise ClientError(
            "invalid_scope",
            f"portée « {scope} » inconnue : {' ou '.join(SCOPES)}.",
            f"unknown scope “{scope}”: {' or '.join(SCOPES)}.",
        )
    client = NewClient(
        client_id=f"{scope}-{secrets.token_hex(6)}",
        client_secret=secrets.token_urlsafe(32),
        scope=scope,
        label=label.strip() or scope,
    )
    with db.write() as connection:
        connection.execute(
            db.tables["api_clients"]
            .insert()
            .values(
                client_id=client.client_id,
                secret_hash=hash_secret(client.client_secret),
                scope=scope,
                label=client.label,
                created_at=now,
            )
        )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="client.create",
            target=client.client_id,
            scope=scope,
            label=client.label,
        )
    return client


def list_clients(db: Database) -> list[dict]:
    table = db.tables["api_clients"]
    with db.read() as connection:
        rows = connection.execute(select(table).order_by(table.c.created_at)).all()
    return [
        {
            "client_id": row.client_id,
            "scope": row.scope,
            "label": row.label,
            "revoked": row.revoked_at is not None,
        }
        for row in rows
    ]


def revoke_client(db: Database, client_id: str, *, now: float, actor: str) -> None:
    table = db.tables["api_clients"]
    with db.write() as connection:
        done = connection.execute(
            update(table)
            .where(table.c.client_id == client_id, table.c.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
        if not done:
            raise ClientError(
                "client_not_found",
                f"client {client_id} inconnu ou déjà révoqué.",
                f"client {client_id} unknown or already revoked.",
            )
        audit.record(connection, db, at=now, actor=actor, action="client.revoke", target=client_id)


def client_scope(db: Database, client_id: str, secret: str | None = None) -> str | None:
    """The scope of an active client (checking its secret when given); None otherwise."""
    table = db.tables["api_clients"]
    with db.read() as connection:
        row = connection.execute(select(table).where(table.c.client_id == client_id)).first()
    active = row is not None and row.revoked_at is None
    if secret is not None and not verify_secret(row.secret_hash if active else None, secret):
        return None
    return row.scope if active else None
