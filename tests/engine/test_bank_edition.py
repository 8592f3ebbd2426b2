"""A sealed bank's edition: named at sealing, signed with the header, and derived from the
sealing time for banks sealed before editions had a name (they still open)."""

import hashlib
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.canonical import canonical_json
from engine.keys import fingerprint
from engine.sealed_bank import (
    CIPHER,
    FORMAT_VERSION,
    HEADER_FORMAT,
    MAGIC,
    PREFIX,
    SIGNATURE_DOMAIN,
    SealedBank,
    default_edition,
    seal_bank,
)

SEALED_AT = datetime(2026, 9, 1, 8, 30, 5, tzinfo=UTC)


def test_the_edition_is_named_signed_and_read_back():
    key = Ed25519PrivateKey.generate()
    named = seal_bank({"items": []}, {}, key, label="lycée", edition="2026-T1")
    opened = SealedBank.from_bytes(named.data, key.public_key())
    assert named.edition == opened.edition == "2026-T1"
    unnamed = seal_bank({"items": []}, {}, key, label="lycée", created_at=SEALED_AT)
    assert unnamed.edition == default_edition(SEALED_AT) == "20260901-083005"
    # two sealings of the same content: two editions, two keys, two bank ids
    again = seal_bank({"items": []}, {}, key, label="lycée", edition="2026-T2")
    assert again.content_key != named.content_key and again.bank_id != named.bank_id


def test_a_bank_sealed_before_editions_opens_with_its_sealing_time():
    """The header of a bank sealed by an older publisher tool has no "edition"."""
    key = Ed25519PrivateKey.generate()
    body = b""
    header = canonical_json(
        {
            "format": HEADER_FORMAT,
            "cipher": CIPHER,
            "label": "ancienne",
            "created_at": "2025-06-01T08:00:00.000000Z",
            "publisher": fingerprint(key.public_key()),
            "item_count": 0,
            "index_length": 0,
        }
    )
    signed = PREFIX.pack(MAGIC, FORMAT_VERSION, len(header), len(body)) + header + body
    signature = key.sign(SIGNATURE_DOMAIN + hashlib.sha256(signed).digest())
    opened = SealedBank.from_bytes(signed + signature, key.public_key())
    assert opened.edition == "20250601-080000"
