"""The journal entry format and its chain: what is hashed, what is signed, how a chain verifies.

Shared by the kiosk (which writes the journal) and the server (which verifies streamed entries
and final records) so that both agree byte for byte. An entry's body is

    {"v": 1, "exam_id", "seq", "prev", "elapsed_ms", "wall_time", "kind", "payload"}

its hash is SHA-256 over the body's canonical JSON (RFC 8785), and the device signs, with
Ed25519, a domain tag followed by that hash. Entry 1's "prev" is the genesis hash, bound to the
exam id, so a journal cannot be passed off as another exam's. The server's signed receipt
acknowledges a chain head (seq, hash); it is defined here too, being the other half of the
kiosk's outbox. Details: docs/journal-and-record.md.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.canonical import (
    BilingualError,
    b64decode,
    b64encode,
    canonical_json,
    parse_utc_text,
    utc_text,
)

ENTRY_VERSION = 1
ENTRY_DOMAIN = b"pix-kiosk journal entry v1\n"
GENESIS_DOMAIN = b"pix-kiosk journal genesis v1\n"
RECEIPT_DOMAIN = b"pix-kiosk receipt v1\n"
_BODY_FIELDS = ("v", "exam_id", "seq", "prev", "elapsed_ms", "wall_time", "kind", "payload")


class JournalError(BilingualError):
    """A journal or chain that fails verification; `seq` names the first bad entry (or None)."""

    def __init__(self, code: str, seq: int | None, fr: str, en: str) -> None:
        super().__init__(code, fr, en)
        self.seq = seq


@dataclass(frozen=True)
class ChainHead:
    """The last entry of a chain, as a server receipt acknowledges it."""

    seq: int
    hash: str


@dataclass(frozen=True)
class JournalEntry:
    exam_id: str
    seq: int  # 1, 2, 3, ...
    prev: str  # hex SHA-256 of the previous entry's body, or the genesis hash for entry 1
    elapsed_ms: int  # the kiosk's running time for this exam; never goes back, excludes downtime
    wall_time: str  # UTC ISO 8601, as the kiosk's clock said
    kind: str  # see engine/exam_events.py
    payload: Mapping[str, Any] = field(hash=False)
    hash: str
    signature: str  # base64 Ed25519

    @property
    def head(self) -> ChainHead:
        return ChainHead(self.seq, self.hash)

    @property
    def wall_datetime(self) -> datetime:
        return parse_utc_text(self.wall_time)

    def body(self) -> dict[str, Any]:
        return {
            "v": ENTRY_VERSION,
            "exam_id": self.exam_id,
            "seq": self.seq,
            "prev": self.prev,
            "elapsed_ms": self.elapsed_ms,
            "wall_time": self.wall_time,
            "kind": self.kind,
            "payload": self.payload,
        }

    def to_dict(self) -> dict[str, Any]:
        """The wire form: the body plus "hash" and "signature"."""
        return self.body() | {"hash": self.hash, "signature": self.signature}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "JournalEntry":
        try:
            if data["v"] != ENTRY_VERSION or set(data) != {*_BODY_FIELDS, "hash", "signature"}:
                raise ValueError
            entry = cls(
                exam_id=data["exam_id"],
                seq=data["seq"],
                prev=data["prev"],
                elapsed_ms=data["elapsed_ms"],
                wall_time=data["wall_time"],
                kind=data["kind"],
                payload=data["payload"],
                hash=data["hash"],
                signature=data["signature"],
            )
            types_ok = all(
                isinstance(getattr(entry, name), kind)
                for name, kind in (
                    ("exam_id", str),
                    ("prev", str),
                    ("wall_time", str),
                    ("kind", str),
                    ("payload", dict),
                    ("hash", str),
                    ("signature", str),
                )
            ) and all(type(value) is int and value >= 0 for value in (entry.seq, entry.elapsed_ms))
            if not types_ok:
                raise ValueError
            parse_utc_text(entry.wall_time)
            return entry
        except (KeyError, TypeError, ValueError):
            seq = data.get("seq") if isinstance(data, Mapping) else None
            raise JournalError(
                "malformed",
                seq if isinstance(seq, int) else None,
                f"Entrée de journal mal formée (n° {seq}).",
                f"Malformed journal entry (no. {seq}).",
            ) from None


def genesis_hash(exam_id: str) -> str:
    """The "prev" of entry 1: binds the chain to its exam."""
    return hashlib.sha256(GENESIS_DOMAIN + exam_id.encode("utf-8")).hexdigest()


def sign_entry(
    *,
    exam_id: str,
    seq: int,
    prev: str,
    elapsed_ms: int,
    wall_time: datetime,
    kind: str,
    payload: Mapping[str, Any],
    signing_key: Ed25519PrivateKey,
) -> JournalEntry:
    """Build and sign the entry that follows `prev` (the kiosk's journal stores it)."""
    unsigned = JournalEntry(
        exam_id=exam_id,
        seq=seq,
        prev=prev,
        elapsed_ms=elapsed_ms,
        wall_time=utc_text(wall_time),
        kind=kind,
        payload=dict(payload),
        hash="",
        signature="",
    )
    digest = hashlib.sha256(canonical_json(unsigned.body())).digest()
    signature = signing_key.sign(ENTRY_DOMAIN + digest)
    return replace(unsigned, hash=digest.hex(), signature=b64encode(signature))


def verify_chain(
    entries: Iterable[JournalEntry],
    public_key: Ed25519PublicKey,
    exam_id: str,
    *,
    previous: ChainHead | None = None,
    expected_head: ChainHead | None = None,
) -> ChainHead | None:
    """Check every entry's hash and signature and the links between them; return the new head.

    `previous` is where the entries continue from (None: they start the journal); the server
    passes its stored head when verifying a streamed batch. `expected_head` is a head that must
    be in the chain, e.g. the one the server acknowledged: removing entries from the end of a
    journal cannot be seen otherwise. Raises `JournalError` naming the first bad entry.
    """
    head = previous
    for entry in entries:
        expected_seq = 1 if head is None else head.seq + 1
        expected_prev = genesis_hash(exam_id) if head is None else head.hash
        try:
            digest = hashlib.sha256(canonical_json(entry.body())).digest()
        except ValueError:
            raise _chain_error(
                "malformed", expected_seq, "valeur non JSON canonique", "not canonical JSON"
            ) from None
        if digest.hex() != entry.hash:
            raise _chain_error(
                "altered", expected_seq, "contenu modifié après signature", "content altered"
            )
        try:
            public_key.verify(b64decode(entry.signature), ENTRY_DOMAIN + digest)
        except (InvalidSignature, ValueError):
            raise _chain_error(
                "bad_signature",
                expected_seq,
                "signature invalide pour ce poste",
                "signature not valid for this computer",
            ) from None
        if entry.exam_id != exam_id:
            raise _chain_error(
                "exam_mismatch",
                expected_seq,
                f"appartient à l'examen {entry.exam_id}, pas {exam_id}",
                f"belongs to exam {entry.exam_id}, not {exam_id}",
            )
        if entry.seq != expected_seq:
            raise _chain_error(
                "out_of_sequence",
                expected_seq,
                f"n° {entry.seq} trouvé à sa place (entrée supprimée, insérée ou déplacée)",
                f"no. {entry.seq} found in its place (entry removed, inserted or moved)",
            )
        if entry.prev != expected_prev:
            raise _chain_error(
                "chain_broken",
                expected_seq,
                "ne suit pas l'entrée précédente",
                "does not follow the previous entry",
            )
        if (
            expected_head is not None
            and entry.seq == expected_head.seq
            and entry.hash != expected_head.hash
        ):
            raise _chain_error(
                "head_mismatch",
                entry.seq,
                "diffère de celle que le serveur a accusée",
                "differs from the one the server acknowledged",
            )
        head = entry.head
    if expected_head is not None and (head is None or head.seq < expected_head.seq):
        raise _chain_error(
            "missing_entries",
            (head.seq if head else 0) + 1,
            "absente alors que le serveur l'a reçue (fin du journal supprimée)",
            "missing although the server received it (end of journal removed)",
        )
    return head


def sign_receipt(
    *, device_id: str, head: ChainHead, exam_id: str, server_key: Ed25519PrivateKey
) -> dict[str, Any]:
    """The server's acknowledgement that it holds a device's entries of an exam up to `head`."""
    body = {"device_id": device_id, "exam_id": exam_id, "seq": head.seq, "hash": head.hash}
    signature = server_key.sign(RECEIPT_DOMAIN + canonical_json(body))
    return {"receipt": body, "signature": b64encode(signature)}


def verify_receipt(
    signed: Mapping[str, Any],
    server_public_key: Ed25519PublicKey,
    *,
    device_id: str,
    exam_id: str,
) -> ChainHead:
    """The head a receipt acknowledges, once it is known to come from the server, for us."""
    try:
        body = signed["receipt"]
        server_public_key.verify(
            b64decode(signed["signature"]), RECEIPT_DOMAIN + canonical_json(body)
        )
        if body["device_id"] != device_id or body["exam_id"] != exam_id:
            raise ValueError
        head = ChainHead(body["seq"], body["hash"])
        if type(head.seq) is not int or not isinstance(head.hash, str):
            raise ValueError
        return head
    except (KeyError, TypeError, ValueError, InvalidSignature):
        raise JournalError(
            "bad_receipt",
            None,
            "Accusé de réception du serveur invalide (signature, poste ou examen) : ignoré.",
            "Invalid server receipt (signature, computer or exam): ignored.",
        ) from None


def _chain_error(code: str, seq: int, reason_fr: str, reason_en: str) -> JournalError:
    return JournalError(
        code,
        seq,
        f"Journal d'examen invalide à l'entrée n° {seq} : {reason_fr}.",
        f"Exam journal invalid at entry no. {seq}: {reason_en}.",
    )
