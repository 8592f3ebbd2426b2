"""The authorisation ticket: the server's signed grant to start (or resume) one exam on one device.

It carries everything the kiosk must not decide for itself (who, where, which bank, which seed,
how long, from when), the configuration key and version the kiosk showed at check-in (so that
the record, which holds the ticket, proves which configuration ran), and the bank's content key
wrapped to the device's X25519 key, so that no ticket means no items. On the wire it is
`{"ticket": {...}, "signature": base64}`, the signature being Ed25519 by the server over a domain
tag and the canonical JSON of "ticket" (docs/journal-and-record.md, "Authorisation ticket").
"""

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from engine.canonical import (
    BilingualError,
    b64decode,
    b64encode,
    canonical_json,
    parse_utc_text,
    utc_text,
)
from engine.keys import CONTENT_KEY_BYTES, fingerprint, raw_public_bytes

TICKET_FORMAT = "pix-ticket"
TICKET_VERSION = 2  # 2: kiosk_config_key and kiosk_version
SIGNATURE_DOMAIN = b"pix-kiosk ticket v1\n"
WRAP_ALGORITHM = "X25519-HKDF-SHA256-AES-256-GCM"
WRAP_INFO = b"pix-kiosk content-key wrap v1"
KINDS = ("start", "resume")
MAX_SEED = 2**53 - 1
# The exam clock starts when the candidate presses « Commencer » on the instructions screen,
# and at the latest this long after a start ticket is issued (docs/protocol.md): the kiosk
# starts it by itself then, and the server counts from then whatever the kiosk sends later.
START_WINDOW_S = 10 * 60


class TicketError(BilingualError):
    """A ticket the kiosk (or server) must refuse; `code` says why (see the doc)."""


@dataclass(frozen=True, kw_only=True)
class TicketGrant:
    """What the server decides when an invigilator authorises a candidate on a device."""

    kind: str  # "start" or "resume"
    session_id: str
    candidate_id: str
    device_id: str
    exam_id: str
    bank_id: str
    # A resume ticket: when the exam clock started on the server. A start ticket: when it was
    # issued (the clock starts with the candidate, by START_WINDOW_S after it at the latest).
    server_start_time: datetime
    time_allowed_s: int  # 105 minutes plus the candidate's extra time
    extra_time_percent: int
    selection_seed: int  # 0 .. 2**53 - 1 (canonical JSON integers)
    mode: str  # "default" or "pix"
    config: Mapping[str, Any]
    accessibility: tuple[str, ...]
    kiosk_config_key: str  # what the kiosk showed at check-in (kiosk/config_key.py)
    kiosk_version: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class Ticket(TicketGrant):
    """A ticket whose server signature has been checked."""

    ticket_id: str
    server_key_fingerprint: str
    wrapped_content_key: Mapping[str, str] = field(repr=False)
    signed: Mapping[str, Any] = field(repr=False)  # the wire form, as received (for the journal)


_TEXT_FIELDS = (
    "session_id",
    "candidate_id",
    "device_id",
    "exam_id",
    "bank_id",
    "mode",
    "kiosk_config_key",
    "kiosk_version",
)
_TIME_FIELDS = ("server_start_time", "issued_at", "expires_at")
_INT_FIELDS = ("time_allowed_s", "extra_time_percent", "selection_seed")


def issue_ticket(
    grant: TicketGrant,
    *,
    content_key: bytes,
    device_exchange_key: X25519PublicKey,
    server_key: Ed25519PrivateKey,
) -> dict[str, Any]:
    """Sign `grant` with the content key wrapped for the device; returns the JSON-able ticket."""
    if grant.kind not in KINDS:
        raise ValueError(f"ticket kind must be one of {KINDS}")
    if not 0 <= grant.selection_seed <= MAX_SEED:
        raise ValueError("selection_seed must be within 0 .. 2**53 - 1")
    body: dict[str, Any] = {
        "format": TICKET_FORMAT,
        "version": TICKET_VERSION,
        "ticket_id": uuid.uuid4().hex,
        "kind": grant.kind,
        **{name: getattr(grant, name) for name in _TEXT_FIELDS + _INT_FIELDS},
        **{name: utc_text(getattr(grant, name)) for name in _TIME_FIELDS},
        "config": dict(grant.config),
        "accessibility": list(grant.accessibility),
        "server_key": fingerprint(server_key.public_key()),
        "wrapped_content_key": wrap_content_key(content_key, device_exchange_key, grant.bank_id),
    }
    signature = server_key.sign(SIGNATURE_DOMAIN + canonical_json(body))
    return {"ticket": body, "signature": b64encode(signature)}


def verify_ticket(
    signed: Mapping[str, Any],
    server_public_key: Ed25519PublicKey,
    *,
    device_id: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Check the server signature, then (when given) the device and the expiry.

    The kiosk passes its device id and the current time; the server, verifying a finished
    record, passes the device id only (a ticket has long expired when the record comes back).
    """
    body = _split(signed)[0]
    try:
        server_public_key.verify(*signed_message(signed))
    except (InvalidSignature, ValueError):
        raise _bad_signature(body, server_public_key) from None
    ticket = _parse(body, signed)
    if device_id is not None and ticket.device_id != device_id:
        raise TicketError(
            "wrong_device",
            f"Ce ticket d'autorisation est destiné à un autre poste ({ticket.device_id}), "
            f"pas à celui-ci ({device_id}).",
            f"This authorisation ticket is meant for another computer ({ticket.device_id}), "
            f"not this one ({device_id}).",
        )
    if now is not None and now >= ticket.expires_at:
        raise TicketError(
            "expired",
            f"Ticket d'autorisation expiré ({utc_text(ticket.expires_at)}) : "
            "demandez au surveillant d'autoriser à nouveau le candidat.",
            f"Expired authorisation ticket ({utc_text(ticket.expires_at)}): "
            "ask the invigilator to authorise the candidate again.",
        )
    return ticket


def wrap_content_key(
    content_key: bytes, recipient: X25519PublicKey, bank_id: str
) -> dict[str, str]:
    """X25519 with a fresh ephemeral key, HKDF-SHA256, AES-256-GCM (bank id as associated data)."""
    if len(content_key) != CONTENT_KEY_BYTES:
        raise ValueError("a content key is 32 bytes")
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key()
    kek = _key_encryption_key(ephemeral.exchange(recipient), ephemeral_public, recipient)
    nonce = os.urandom(12)
    return {
        "alg": WRAP_ALGORITHM,
        "ephemeral_public_key": b64encode(raw_public_bytes(ephemeral_public)),
        "nonce": b64encode(nonce),
        "ciphertext": b64encode(AESGCM(kek).encrypt(nonce, content_key, bank_id.encode("utf-8"))),
    }


def unwrap_content_key(ticket: Ticket, device_exchange_key: X25519PrivateKey) -> bytes:
    """The bank's content key, recoverable only with the X25519 key the ticket was issued for."""
    wrapped = ticket.wrapped_content_key
    try:
        ephemeral_public = X25519PublicKey.from_public_bytes(
            b64decode(wrapped["ephemeral_public_key"])
        )
        recipient = device_exchange_key.public_key()
        kek = _key_encryption_key(
            device_exchange_key.exchange(ephemeral_public), ephemeral_public, recipient
        )
        return AESGCM(kek).decrypt(
            b64decode(wrapped["nonce"]),
            b64decode(wrapped["ciphertext"]),
            ticket.bank_id.encode("utf-8"),
        )
    except (InvalidTag, ValueError, KeyError):
        raise TicketError(
            "unwrap_failed",
            "La clé de la banque n'a pas été chiffrée pour ce poste : vérifiez l'inscription "
            "du poste auprès du serveur.",
            "The bank key was not encrypted for this computer: check the computer's enrolment "
            "with the server.",
        ) from None


def _key_encryption_key(
    shared_secret: bytes, ephemeral_public: X25519PublicKey, recipient: X25519PublicKey
) -> bytes:
    info = WRAP_INFO + raw_public_bytes(ephemeral_public) + raw_public_bytes(recipient)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared_secret)


def signed_message(signed: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """(signature, the bytes it signs) of a signed ticket; TicketError if malformed."""
    body, signature = _split(signed)
    return signature, SIGNATURE_DOMAIN + canonical_json(body)


def _split(signed: Mapping[str, Any]) -> tuple[dict[str, Any], bytes]:
    try:
        body = signed["ticket"]
        signature = b64decode(signed["signature"])
        if not isinstance(body, dict):
            raise TypeError
        return body, signature
    except (KeyError, TypeError, ValueError):
        raise _malformed("ticket/signature") from None


def _parse(body: Mapping[str, Any], signed: Mapping[str, Any]) -> Ticket:
    if body.get("format") != TICKET_FORMAT or body.get("version") != TICKET_VERSION:
        raise TicketError(
            "unknown_version",
            f"Format de ticket inconnu ({body.get('format')} v{body.get('version')}) : "
            "mettez le kiosque ou le serveur à jour.",
            f"Unknown ticket format ({body.get('format')} v{body.get('version')}): "
            "update the kiosk or the server.",
        )
    try:
        values: dict[str, Any] = {name: _typed(body, name, str) for name in _TEXT_FIELDS}
        values |= {name: _typed(body, name, int) for name in _INT_FIELDS}
        values |= {name: parse_utc_text(body[name]) for name in _TIME_FIELDS}
        accessibility = _typed(body, "accessibility", list)
        if body["kind"] not in KINDS or not all(isinstance(a, str) for a in accessibility):
            raise ValueError
        return Ticket(
            kind=body["kind"],
            config=_typed(body, "config", dict),
            accessibility=tuple(accessibility),
            ticket_id=_typed(body, "ticket_id", str),
            server_key_fingerprint=_typed(body, "server_key", str),
            wrapped_content_key=_typed(body, "wrapped_content_key", dict),
            signed=signed,
            **values,
        )
    except (KeyError, TypeError, ValueError):
        raise _malformed("fields") from None


def _typed(body: Mapping[str, Any], name: str, kind: type) -> Any:
    value = body[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(name)
    return value


def _bad_signature(body: Mapping[str, Any], server_public_key: Ed25519PublicKey) -> TicketError:
    claimed = body.get("server_key")
    expected = fingerprint(server_public_key)
    hint_fr = hint_en = ""
    if isinstance(claimed, str) and claimed != expected:
        hint_fr = f" Il se dit signé par le serveur {claimed}, le poste attend {expected}."
        hint_en = f" It claims server {claimed}; this computer expects {expected}."
    return TicketError(
        "bad_signature",
        "Ticket d'autorisation refusé : il n'est pas signé par le serveur configuré sur ce poste."
        + hint_fr,
        "Authorisation ticket refused: it is not signed by the server this computer trusts."
        + hint_en,
    )


def _malformed(part: str) -> TicketError:
    return TicketError(
        "malformed",
        f"Ticket d'autorisation mal formé ({part}).",
        f"Malformed authorisation ticket ({part}).",
    )
