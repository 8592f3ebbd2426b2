"""Lab PCs join the server: IT makes an enrolment token, each PC presents it with its public keys.

A token enrols at most `max_devices` PCs before it expires. The device id is the fingerprint of
the PC's Ed25519 key (engine/keys.py), so both sides compute it. The PC receives a device token
it sends with every later request; the database keeps only digests of both tokens.
"""

from dataclasses import dataclass

from sqlalchemy import select

from engine.keys import (
    KeyFileError,
    device_id_for,
    ed25519_public_from_b64,
    x25519_public_from_b64,
)
from server_stub import codes
from server_stub.db.database import Database
from server_stub.errors import ApiError
from server_stub.security import log_event


@dataclass(frozen=True)
class EnrolledDevice:
    device_id: str
    device_token: str


def create_enrolment_token(db: Database, *, max_devices: int, valid_hours: float, now: float):
    token = codes.bearer_token()
    with db.write() as connection:
        connection.execute(
            db.tables["enrolment_tokens"]
            .insert()
            .values(
                token_id=codes.identifier("enr"),
                token_digest=codes.token_digest(token),
                max_devices=max_devices,
                enrolled_devices=0,
                created_at=now,
                expires_at=now + valid_hours * 3600,
            )
        )
    return token


def enrol_device(
    db: Database,
    *,
    enrolment_token: str,
    label: str,
    signing_key: str,
    exchange_key: str,
    now: float,
) -> EnrolledDevice:
    try:
        device_id = device_id_for(ed25519_public_from_b64(signing_key))
    except KeyFileError:
        raise ApiError("invalid_public_key", detail="signing_key") from None
    try:
        x25519_public_from_b64(exchange_key)
    except KeyFileError:
        raise ApiError("invalid_public_key", detail="exchange_key") from None
    tokens, devices = db.tables["enrolment_tokens"], db.tables["devices"]
    with db.write() as connection:
        token = connection.execute(
            select(tokens)
            .where(tokens.c.token_digest == codes.token_digest(enrolment_token))
            .with_for_update(key_share=True)  # its count of devices: one enrolment at a time
        ).first()
        if token is None:
            raise ApiError("enrolment_token_invalid")
        if now >= token.expires_at:
            raise ApiError("enrolment_token_expired")
        if token.enrolled_devices >= token.max_devices:
            raise ApiError("enrolment_token_used_up")
        if connection.scalar(select(devices.c.device_id).where(devices.c.device_id == device_id)):
            raise ApiError("device_already_enrolled")
        enrolled = EnrolledDevice(device_id, codes.bearer_token())
        connection.execute(
            devices.insert().values(
                device_id=enrolled.device_id,
                label=label.strip()[:100] or enrolled.device_id,
                signing_key=signing_key,
                exchange_key=exchange_key,
                token_digest=codes.token_digest(enrolled.device_token),
                enrolment_token_id=token.token_id,
                enrolled_at=now,
            )
        )
        connection.execute(
            tokens.update()
            .where(tokens.c.token_id == token.token_id)
            .values(enrolled_devices=tokens.c.enrolled_devices + 1)
        )
    return enrolled


def device_for_token(db: Database, device_token: str):
    """The enrolled device presenting this token, or `unauthenticated` (revoked devices too)."""
    devices = db.tables["devices"]
    with db.read() as connection:
        device = connection.execute(
            select(devices).where(devices.c.token_digest == codes.token_digest(device_token))
        ).first()
    if device is None or device.revoked_at is not None:
        raise ApiError("unauthenticated")
    return device


def revoked_device_ids(db: Database) -> frozenset[str]:
    devices = db.tables["devices"]
    with db.read() as connection:
        return frozenset(
            connection.scalars(select(devices.c.device_id).where(devices.c.revoked_at.is_not(None)))
        )


def revoke_device(db: Database, device_id: str, now: float) -> bool:
    """Revoke a lab PC (lost, stolen, its keys copied): a running server refuses its token
    within a second (api/auth.py). False when no such device is enrolled."""
    devices = db.tables["devices"]
    with db.write() as connection:
        device = connection.execute(select(devices).where(devices.c.device_id == device_id)).first()
        if device is None:
            return False
        if device.revoked_at is None:
            connection.execute(
                devices.update().where(devices.c.device_id == device_id).values(revoked_at=now)
            )
            log_event(
                connection,
                db,
                at=now,
                kind="device_revoked",
                detail={"label": device.label},
                device_id=device_id,
            )
    return True
