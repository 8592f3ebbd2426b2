"""The configuration keys the server accepts at check-in (`pix-server config-key`).

A kiosk shows a hash of its settings and version (kiosk/config_key.py) with every check-in. The
policy: while the allow-list is empty every key is accepted (the demo and a first install work)
and recorded with the candidate, so IT can see which keys the lab uses and allow them; once it
holds a key, a check-in with any other key is refused (`unknown_configuration`) and logged.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from engine.canonical import BilingualError
from server_stub.db.database import Database

CONFIG_KEY = re.compile(r"^[0-9a-f]{64}$")
REFUSED_EVENT = "unknown_configuration"


class ConfigKeyError(BilingualError):
    """A `pix-server config-key` argument that cannot be used."""


def normalised(key: str) -> str:
    """The key as stored: 64 lower-case hexadecimal characters (IT may paste it in capitals)."""
    key = key.strip().lower()
    if not CONFIG_KEY.match(key):
        raise ConfigKeyError(
            "invalid_config_key",
            f"{key[:80]!r} n'est pas une clé de configuration : 64 caractères hexadécimaux, tels "
            "que les affiche pix-kiosk doctor (ligne config_hash) sur le poste.",
            f"{key[:80]!r} is not a configuration key: 64 hexadecimal characters, as pix-kiosk "
            "doctor shows them (line config_hash) on the PC.",
        )
    return key


def is_accepted(connection: Connection, db: Database, key: str) -> bool:
    """Whether a check-in showing `key` may go on: an empty list accepts every key."""
    allowed = db.tables["config_keys"]
    if connection.scalar(select(func.count()).select_from(allowed)) == 0:
        return True
    return (
        connection.scalar(select(allowed.c.config_key).where(allowed.c.config_key == key))
        is not None
    )


def allow(db: Database, key: str, label: str, now: float) -> bool:
    """Put `key` on the list (a new label replaces the old one); False when it already was."""
    key = normalised(key)
    allowed = db.tables["config_keys"]
    with db.write() as connection:
        row = connection.execute(select(allowed).where(allowed.c.config_key == key)).first()
        if row is None:
            connection.execute(allowed.insert().values(config_key=key, label=label, allowed_at=now))
        elif label:
            connection.execute(
                allowed.update().where(allowed.c.config_key == key).values(label=label)
            )
    return row is None


def revoke(db: Database, key: str) -> int:
    """Take `key` off the list; the number of keys left (0: every key is accepted again)."""
    key = normalised(key)
    allowed = db.tables["config_keys"]
    with db.write() as connection:
        removed = connection.execute(allowed.delete().where(allowed.c.config_key == key))
        if removed.rowcount == 0:
            raise ConfigKeyError(
                "config_key_not_allowed",
                f"La clé {key} n'est pas dans la liste (pix-server config-key list).",
                f"Key {key} is not on the list (pix-server config-key list).",
            )
        return connection.scalar(select(func.count()).select_from(allowed))


def labels(connection: Connection, db: Database) -> dict[str, str]:
    """Allowed key → its label (what the console shows next to a candidate's key)."""
    allowed = db.tables["config_keys"]
    return dict(connection.execute(select(allowed.c.config_key, allowed.c.label)).all())


@dataclass(frozen=True)
class SeenKey:
    """A key kiosks showed that is not on the list: accepted (list empty then) or refused."""

    config_key: str
    app_version: str
    check_ins: int
    refusals: int
    last_seen: float


def listing(db: Database) -> tuple[list[dict[str, Any]], list[SeenKey]]:
    """The allow-list (oldest first), and the keys seen at check-in that are not on it."""
    t = db.tables
    with db.read() as connection:
        allowed = [
            row._asdict()
            for row in connection.execute(select(t["config_keys"]).order_by("allowed_at"))
        ]
        accepted = connection.execute(
            select(
                t["candidates"].c.config_key,
                t["candidates"].c.app_version,
                func.count(),
                func.max(t["candidates"].c.checked_in_at),
            )
            .where(t["candidates"].c.config_key.is_not(None))
            .group_by(t["candidates"].c.config_key, t["candidates"].c.app_version)
        ).all()
        refused = connection.execute(
            select(t["security_log"].c.at, t["security_log"].c.detail).where(
                t["security_log"].c.kind == REFUSED_EVENT
            )
        ).all()
    on_list = {row["config_key"] for row in allowed}
    seen: dict[str, SeenKey] = {}
    for key, version, count, last in accepted:
        seen[key] = _merged(seen.get(key), SeenKey(key, version, count, 0, last))
    for at, detail in refused:
        event = json.loads(detail)
        key = event["config_key"]
        seen[key] = _merged(seen.get(key), SeenKey(key, event["app_version"], 0, 1, at))
    unknown = [key for key in seen.values() if key.config_key not in on_list]
    return allowed, sorted(unknown, key=lambda key: key.last_seen, reverse=True)


def _merged(known: SeenKey | None, more: SeenKey) -> SeenKey:
    """One line per key (the key covers the version: both sides name the same one)."""
    if known is None:
        return more
    return SeenKey(
        known.config_key,
        known.app_version,
        known.check_ins + more.check_ins,
        known.refusals + more.refusals,
        max(known.last_seen, more.last_seen),
    )
