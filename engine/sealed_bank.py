"""The sealed item bank: one signed file, an encrypted index, every item encrypted on its own.

Layout and rules: docs/bank-format.md. In short:

    magic "PIX-BANK" | version u16 | header length u32 | body length u64 | header | body | signature

The Ed25519 publisher signature covers the SHA-256 of every byte before it and is checked before
anything in the file is believed; the bank id is the SHA-256 of the whole file (`sha256sum`), and
one pass of the hash gives both. The
body holds the index (the `ItemBank.to_dict()` and where each item lies) and the items, each
AES-256-GCM under the bank's random content key (items with their id as associated data).
Opening needs only the publisher's public key; unlocking needs the content key, which the kiosk
receives in its authorisation ticket; an item is decrypted, in memory, when it is asked for.
"""

import hashlib
import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engine.canonical import BilingualError, canonical_json, parse_utc_text, utc_text
from engine.itembank import ItemBank
from engine.items import Item
from engine.keys import CONTENT_KEY_BYTES, fingerprint

MAGIC = b"PIX-BANK"
FORMAT_VERSION = 1
PREFIX = struct.Struct(">8sHIQ")  # magic, version, header length, body length
SIGNATURE_BYTES = 64
NONCE_BYTES = 12
HEADER_FORMAT = "pix-sealed-bank"
CIPHER = "AES-256-GCM"
SIGNATURE_DOMAIN = b"pix-kiosk sealed bank v1\n"
MAX_HEADER_BYTES = 1 << 16
MAX_EDITION_CHARS = 64


class BankError(BilingualError):
    """A sealed bank that cannot be opened, unlocked or read; `code` says why (see the doc)."""


@dataclass(frozen=True)
class SealedBankFile:
    """What sealing produces: the file's bytes, the content key to keep secret, the bank id and
    the edition's name."""

    data: bytes
    content_key: bytes
    bank_id: str
    edition: str


def _refuse_practice_items(items: Mapping[str, Mapping[str, Any]]) -> None:
    """Practice items are public, with their corrections: one in a certification bank would
    give its answer away, so a bank holding any is never sealed (alone or mixed)."""
    practice = [
        item_id
        for item_id, content in items.items()
        if content.get("purpose", "certification") != "certification"
    ]
    if practice:
        raise BankError(
            "practice_items",
            f"la banque contient des items d'entraînement (premier : {practice[0]!r}) : une "
            "banque d'entraînement, ou qui en mêle, n'est jamais scellée pour la certification.",
            f"the bank holds practice items (first: {practice[0]!r}): a practice bank, or one "
            "that mixes them in, is never sealed for certification.",
        )


def _bank_id(signed_part_hash: "hashlib._Hash", signature: bytes) -> str:
    """The id tickets name: the SHA-256 of the whole file, continuing the signed part's hash."""
    whole = signed_part_hash.copy()
    whole.update(signature)
    return "sha256:" + whole.hexdigest()


def seal_bank(
    index: Mapping[str, Any],
    items: Mapping[str, Mapping[str, Any]],
    signing_key: Ed25519PrivateKey,
    *,
    label: str,
    edition: str | None = None,
    content_key: bytes | None = None,
    created_at: datetime | None = None,
) -> SealedBankFile:
    """Seal `index` (an `ItemBank.to_dict()`) and `items` (item id -> `Item.to_dict()`).

    Each sealing is an edition of the bank under its own random content key, so that a leaked
    key opens that edition only; `edition` names it (default: the sealing time)."""
    _refuse_practice_items(items)
    created_at = created_at or datetime.now(UTC)
    edition = edition if edition is not None else default_edition(created_at)
    _check_edition(edition)
    content_key = content_key if content_key is not None else AESGCM.generate_key(bit_length=256)
    if len(content_key) != CONTENT_KEY_BYTES:
        raise ValueError("a content key is 32 bytes")
    aead = AESGCM(content_key)
    item_blobs: list[bytes] = []
    locations: dict[str, list[int]] = {}  # item id -> [offset from the first item, length]
    offset = 0
    for item_id, content in items.items():
        blob = _encrypt(aead, canonical_json(dict(content)), item_id.encode("utf-8"))
        locations[item_id] = [offset, len(blob)]
        item_blobs.append(blob)
        offset += len(blob)
    index_plain = canonical_json({"bank": dict(index), "items": locations})
    index_length = len(index_plain) + NONCE_BYTES + 16
    header = canonical_json(
        {
            "format": HEADER_FORMAT,
            "cipher": CIPHER,
            "label": label,
            "edition": edition,
            "created_at": utc_text(created_at),
            "publisher": fingerprint(signing_key.public_key()),
            "item_count": len(item_blobs),
            "index_length": index_length,
        }
    )
    index_blob = _encrypt(aead, index_plain, header)
    body = index_blob + b"".join(item_blobs)
    signed = PREFIX.pack(MAGIC, FORMAT_VERSION, len(header), len(body)) + header + body
    signed_hash = hashlib.sha256(signed)
    signature = signing_key.sign(SIGNATURE_DOMAIN + signed_hash.digest())
    return SealedBankFile(
        data=signed + signature,
        content_key=content_key,
        bank_id=_bank_id(signed_hash, signature),
        edition=edition,
    )


def default_edition(created_at: datetime) -> str:
    """The edition of a bank sealed without a name (and of banks sealed before editions had
    one): its sealing time, to the second."""
    return f"{created_at.astimezone(UTC):%Y%m%d-%H%M%S}"


def _check_edition(edition: str) -> None:
    if not (0 < len(edition) <= MAX_EDITION_CHARS and edition.isprintable() and edition.strip()):
        raise BankError(
            "bad_edition",
            f"Nom d'édition invalide ({edition!r}) : de 1 à {MAX_EDITION_CHARS} caractères "
            "imprimables, par exemple 2026-juin.",
            f"Invalid edition name ({edition!r}): 1 to {MAX_EDITION_CHARS} printable "
            "characters, for example 2026-june.",
        )


def _encrypt(aead: AESGCM, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, plaintext, associated_data)


class SealedBank:
    """A bank file whose publisher signature has been verified; its content is still locked."""

    def __init__(
        self,
        data: bytes,
        header_bytes: bytes,
        header: dict[str, Any],
        body_start: int,
        bank_id: str,
    ):
        self._data = data
        self._header_bytes = header_bytes
        self._header = header
        self._body_start = body_start
        self.bank_id = bank_id

    @classmethod
    def open(cls, path: Path, publisher_key: Ed25519PublicKey) -> "SealedBank":
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise BankError(
                "unreadable",
                f"Banque d'items illisible : {path} ({error.strerror}).",
                f"Cannot read the item bank {path} ({error.strerror}).",
            ) from error
        return cls.from_bytes(data, publisher_key)

    @classmethod
    def from_bytes(cls, data: bytes, publisher_key: Ed25519PublicKey) -> "SealedBank":
        """Check the frame and the publisher signature; nothing is trusted before that."""
        if len(data) < PREFIX.size:
            if MAGIC.startswith(data[: len(MAGIC)]):
                raise _truncated()
            raise _not_a_bank()
        magic, version, header_length, body_length = PREFIX.unpack_from(data)
        if magic != MAGIC:
            raise _not_a_bank()
        if version != FORMAT_VERSION:
            raise BankError(
                "unknown_version",
                f"Version de banque inconnue ({version}) : ce logiciel lit la version "
                f"{FORMAT_VERSION}. Mettez le kiosque à jour ou demandez une banque compatible.",
                f"Unknown bank format version ({version}): this software reads version "
                f"{FORMAT_VERSION}. Update the kiosk or ask for a compatible bank.",
            )
        signed_length = PREFIX.size + header_length + body_length
        if len(data) < signed_length + SIGNATURE_BYTES:
            raise _truncated()
        if len(data) > signed_length + SIGNATURE_BYTES or header_length > MAX_HEADER_BYTES:
            raise _tampered()
        signed_hash = hashlib.sha256(memoryview(data)[:signed_length])
        signature = data[signed_length:]
        header_bytes = bytes(data[PREFIX.size : PREFIX.size + header_length])
        try:
            publisher_key.verify(signature, SIGNATURE_DOMAIN + signed_hash.digest())
        except InvalidSignature:
            raise _signature_failure(header_bytes, publisher_key) from None
        try:
            header = json.loads(header_bytes)
            parse_utc_text(header["created_at"])
            well_formed = (
                header["format"] == HEADER_FORMAT
                and header["cipher"] == CIPHER
                and isinstance(header["label"], str)
                and isinstance(header.get("edition", ""), str)
                and isinstance(header["publisher"], str)
                and type(header["item_count"]) is int
                and type(header["index_length"]) is int
                and 0 <= header["index_length"] <= body_length
            )
        except (ValueError, TypeError, KeyError):
            well_formed = False
        if not well_formed:
            raise _corrupt("header")
        return cls(
            data,
            header_bytes,
            header,
            PREFIX.size + header_length,
            _bank_id(signed_hash, signature),
        )

    @property
    def label(self) -> str:
        return self._header["label"]

    @property
    def created_at(self) -> datetime:
        return parse_utc_text(self._header["created_at"])

    @property
    def edition(self) -> str:
        """Which sealing of the bank this is; sessions are planned on one edition."""
        return self._header.get("edition") or default_edition(self.created_at)

    @property
    def item_count(self) -> int:
        return self._header["item_count"]

    @property
    def publisher_fingerprint(self) -> str:
        return self._header["publisher"]

    @property
    def size(self) -> int:
        return len(self._data)

    @property
    def data(self) -> bytes:
        """The whole file, as opened (its SHA-256 is the bank id)."""
        return self._data

    def unlock(self, content_key: bytes) -> "UnlockedBank":
        """Decrypt the index; a wrong key is told apart from damage because the file is signed."""
        if len(content_key) != CONTENT_KEY_BYTES:
            raise _wrong_content_key()
        aead = AESGCM(content_key)
        index_end = self._body_start + self._header["index_length"]
        index_blob = self._data[self._body_start : index_end]
        try:
            index = json.loads(_decrypt(aead, index_blob, self._header_bytes))
        except InvalidTag:
            raise _wrong_content_key() from None
        if not isinstance(index, dict) or not {"bank", "items"} <= index.keys():
            raise _corrupt("index")
        return UnlockedBank(self, aead, index, items=memoryview(self._data)[index_end:])


class UnlockedBank:
    """The readable index of a sealed bank; items are decrypted one at a time, on demand."""

    def __init__(self, sealed: SealedBank, aead: AESGCM, index: dict[str, Any], items: memoryview):
        self._aead = aead
        self._locations: dict[str, list[int]] = index["items"]
        self._items = items
        self.index: dict[str, Any] = index["bank"]
        self.bank_id = sealed.bank_id
        self.label = sealed.label

    @property
    def item_ids(self) -> list[str]:
        return list(self._locations)

    def item_bank(self) -> ItemBank:
        """The selection index (ids, competences, tubes, skills, 2PL and exposure parameters)."""
        return ItemBank.from_dict(self.index)

    def item_content(self, item_id: str) -> dict[str, Any]:
        """Decrypt one item (stem, choices, solution, media) into memory, as `Item.to_dict()`."""
        location = self._locations.get(item_id)
        if location is None:
            raise BankError(
                "unknown_item",
                f"L'item {item_id!r} n'est pas dans la banque {self.label}.",
                f"Item {item_id!r} is not in bank {self.label}.",
            )
        offset, length = location
        blob = self._items[offset : offset + length]
        try:
            return json.loads(_decrypt(self._aead, blob, item_id.encode("utf-8")))
        except InvalidTag:
            raise _corrupt(f"item {item_id}") from None

    def item(self, item_id: str) -> Item:
        """The decrypted item, validated (`ItemError` if the publisher sealed a bad one)."""
        return Item.from_dict(self.item_content(item_id))


def _decrypt(aead: AESGCM, blob: bytes, associated_data: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise InvalidTag
    return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data)


def _signature_failure(header_bytes: bytes, publisher_key: Ed25519PublicKey) -> BankError:
    """Tell "sealed by someone else" from "altered"; the claimed publisher is only a hint."""
    try:
        claimed = json.loads(header_bytes).get("publisher")
    except (ValueError, AttributeError):
        claimed = None
    expected = fingerprint(publisher_key)
    if isinstance(claimed, str) and claimed != expected:
        return BankError(
            "wrong_publisher",
            f"Banque signée par un autre éditeur ({claimed}) que celui configuré ({expected}) : "
            "vérifiez la clé publique de l'éditeur ou le fichier de banque.",
            f"Bank signed by another publisher ({claimed}) than the configured one ({expected}): "
            "check the publisher public key or the bank file.",
        )
    return _tampered()


def _not_a_bank() -> BankError:
    return BankError(
        "not_a_bank",
        "Ce fichier n'est pas une banque d'items scellée.",
        "This file is not a sealed item bank.",
    )


def _truncated() -> BankError:
    return BankError(
        "truncated",
        "Banque d'items tronquée (téléchargement incomplet ?) : téléchargez-la à nouveau.",
        "Truncated item bank (incomplete download?): download it again.",
    )


def _tampered() -> BankError:
    return BankError(
        "tampered",
        "Banque d'items altérée : la signature de l'éditeur ne correspond pas. "
        "Téléchargez-la à nouveau.",
        "Altered item bank: the publisher signature does not match. Download it again.",
    )


def _wrong_content_key() -> BankError:
    return BankError(
        "wrong_content_key",
        "La clé de contenu ne correspond pas à cette banque d'items.",
        "The content key does not match this item bank.",
    )


def _corrupt(part: str) -> BankError:
    return BankError(
        "corrupt",
        f"Banque signée mais mal formée ({part}) : signalez-le à l'éditeur.",
        f"Signed but malformed bank ({part}): report it to the publisher.",
    )
