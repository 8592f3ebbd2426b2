"""The signed head commitment: a kiosk telling the server, while online, how far its journal goes.

Entries may lag behind (a slow network, a batch held back), but every few seconds the kiosk
signs its journal's current head — the sequence number and chain hash of its last entry — and
sends it with its heartbeat. The server keeps the first head it saw at each sequence number;
any journal that reaches it later must pass through every one of them (docs/protocol.md, "Head
commitments"). Each entry's hash covers the previous one's, so a committed head fixes the whole
past up to it: a journal rewritten afterwards with the device's own key no longer matches.

The body, in canonical JSON (RFC 8785), signed with the device's Ed25519 key after a domain tag:

    {"format": "pix-head", "v": 1, "device_id", "exam_id", "seq", "hash"}
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.canonical import BilingualError, b64decode, b64encode, canonical_json
from engine.journal_format import ChainHead

HEAD_FORMAT = "pix-head"
HEAD_VERSION = 1
HEAD_DOMAIN = b"pix-kiosk head commitment v1\n"
_FIELDS = frozenset({"format", "v", "device_id", "exam_id", "seq", "hash"})
_HEX = frozenset("0123456789abcdef")


class HeadCommitmentError(BilingualError):
    """A head commitment that cannot be read or whose signature fails."""


@dataclass(frozen=True)
class HeadCommitment:
    device_id: str
    exam_id: str
    head: ChainHead

    def body(self) -> dict[str, Any]:
        return {
            "format": HEAD_FORMAT,
            "v": HEAD_VERSION,
            "device_id": self.device_id,
            "exam_id": self.exam_id,
            "seq": self.head.seq,
            "hash": self.head.hash,
        }


def sign_head(
    *, device_id: str, exam_id: str, head: ChainHead, signing_key: Ed25519PrivateKey
) -> dict[str, Any]:
    """The wire form `{"commitment": body, "signature"}` of the kiosk's current head."""
    body = HeadCommitment(device_id, exam_id, head).body()
    signature = signing_key.sign(HEAD_DOMAIN + canonical_json(body))
    return {"commitment": body, "signature": b64encode(signature)}


def verify_head(
    signed: Mapping[str, Any],
    device_public_key: Ed25519PublicKey,
    *,
    device_id: str,
    exam_id: str,
) -> HeadCommitment:
    """The commitment, once it is known to be well formed, signed by this device, for this exam."""
    try:
        body = signed["commitment"]
        if set(body) != _FIELDS or body["format"] != HEAD_FORMAT or body["v"] != HEAD_VERSION:
            raise ValueError
        seq, digest = body["seq"], body["hash"]
        if type(seq) is not int or seq < 1 or not _is_hex_digest(digest):
            raise ValueError
        if not isinstance(body["device_id"], str) or not isinstance(body["exam_id"], str):
            raise ValueError
        signature = b64decode(signed["signature"])
    except (KeyError, TypeError, ValueError):
        raise HeadCommitmentError(
            "head_malformed",
            "Engagement de tête de journal mal formé.",
            "Malformed journal head commitment.",
        ) from None
    try:
        device_public_key.verify(signature, HEAD_DOMAIN + canonical_json(body))
    except (InvalidSignature, ValueError):
        raise HeadCommitmentError(
            "head_bad_signature",
            "Signature de l'engagement de tête de journal invalide pour ce poste.",
            "The journal head commitment's signature is not valid for this computer.",
        ) from None
    if body["device_id"] != device_id or body["exam_id"] != exam_id:
        raise HeadCommitmentError(
            "head_mismatch",
            "Cet engagement de tête de journal porte sur un autre poste ou une autre épreuve.",
            "This journal head commitment is for another computer or another exam.",
        )
    return HeadCommitment(device_id, exam_id, ChainHead(seq, digest))


def _is_hex_digest(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX
