"""Sealed banks: round trip, and every way a file can be wrong is refused with its own code."""

import hashlib
import json
import random
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.items import Item
from engine.sealed_bank import (
    FORMAT_VERSION,
    MAGIC,
    PREFIX,
    SIGNATURE_DOMAIN,
    BankError,
    SealedBank,
    seal_bank,
)


def test_round_trip_gives_back_the_index_and_each_item(small_bank, small_items, publisher_key):
    opened = SealedBank.from_bytes(small_bank.data, publisher_key.public_key())
    digest = hashlib.sha256(small_bank.data).hexdigest()  # what `sha256sum` prints
    assert opened.bank_id == small_bank.bank_id == f"sha256:{digest}"
    assert (opened.label, opened.item_count) == ("test", 3)
    unlocked = opened.unlock(small_bank.content_key)
    assert unlocked.item_ids == [item.id for item in small_items]
    assert unlocked.item_bank().to_dict()["ids"] == [item.id for item in small_items]
    for item in small_items:
        assert unlocked.item(item.id) == item


def test_opening_from_a_file(tmp_path, small_bank, publisher_key):
    path = tmp_path / "bank.pixbank"
    path.write_bytes(small_bank.data)
    assert SealedBank.open(path, publisher_key.public_key()).bank_id == small_bank.bank_id
    with pytest.raises(BankError) as caught:
        SealedBank.open(tmp_path / "absent.pixbank", publisher_key.public_key())
    assert caught.value.code == "unreadable"


def test_no_item_text_and_no_id_is_in_clear(small_bank, small_items):
    for item in small_items:
        assert item.stem.encode() not in small_bank.data
        assert item.id.encode() not in small_bank.data


def test_each_item_is_decrypted_on_demand_only(small_bank, publisher_key):
    unlocked = SealedBank.from_bytes(small_bank.data, publisher_key.public_key()).unlock(
        small_bank.content_key
    )
    with pytest.raises(BankError) as caught:
        unlocked.item_content("absent")
    assert caught.value.code == "unknown_item"


def _tamper_code(data: bytes, publisher_key, content_key) -> str | None:
    """The error code opening and reading the whole bank gives, or None if nothing is noticed."""
    try:
        unlocked = SealedBank.from_bytes(data, publisher_key.public_key()).unlock(content_key)
        for item_id in unlocked.item_ids:
            unlocked.item_content(item_id)
    except BankError as error:
        assert error.fr and error.en
        return error.code
    return None


def test_every_single_byte_change_is_detected(small_bank, publisher_key):
    """Every position, each with two different alterations (a bit flip and a random byte)."""
    rng = random.Random(7)
    undetected = []
    for position in range(len(small_bank.data)):
        for new in (small_bank.data[position] ^ 0x01, rng.choice(range(256))):
            if new == small_bank.data[position]:
                continue
            changed = bytearray(small_bank.data)
            changed[position] = new
            if _tamper_code(bytes(changed), publisher_key, small_bank.content_key) is None:
                undetected.append(position)
    assert undetected == []


def test_header_changes_get_a_precise_reason(small_bank, publisher_key):
    def code_after(position: int, value: int) -> str | None:
        changed = bytearray(small_bank.data)
        changed[position] = value
        return _tamper_code(bytes(changed), publisher_key, small_bank.content_key)

    assert code_after(0, ord("X")) == "not_a_bank"
    assert code_after(9, 2) == "unknown_version"  # version is bytes 8..9, big-endian
    assert code_after(PREFIX.size + 5, ord("x")) in ("tampered", "wrong_publisher")
    assert code_after(len(small_bank.data) - 1, small_bank.data[-1] ^ 0x80) == "tampered"


def test_every_truncation_is_detected(small_bank, publisher_key):
    codes = {
        _tamper_code(small_bank.data[:length], publisher_key, small_bank.content_key)
        for length in range(len(small_bank.data))
    }
    assert codes == {"truncated"}


def test_trailing_bytes_are_refused(small_bank, publisher_key):
    code = _tamper_code(small_bank.data + b"\0", publisher_key, small_bank.content_key)
    assert code == "tampered"


def test_not_a_bank_at_all(publisher_key):
    for data in (b"", b"PIX", b"%PDF-1.7 " + bytes(100), json.dumps({"a": 1}).encode()):
        code = _tamper_code(data, publisher_key, bytes(32))
        assert code in ("not_a_bank", "truncated"), data
    assert _tamper_code(b"%PDF-1.7 " + bytes(100), publisher_key, bytes(32)) == "not_a_bank"


def test_unknown_version_says_so_in_both_languages(small_bank, publisher_key):
    changed = bytearray(small_bank.data)
    struct.pack_into(">H", changed, 8, 7)
    with pytest.raises(BankError) as caught:
        SealedBank.from_bytes(bytes(changed), publisher_key.public_key())
    assert caught.value.code == "unknown_version"
    assert "7" in caught.value.fr and "7" in caught.value.en


def test_wrong_publisher_is_told_apart_from_damage(small_bank):
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(BankError) as caught:
        SealedBank.from_bytes(small_bank.data, stranger.public_key())
    assert caught.value.code == "wrong_publisher"
    assert "éditeur" in caught.value.fr and "publisher" in caught.value.en


def test_wrong_content_key(small_bank, publisher_key):
    opened = SealedBank.from_bytes(small_bank.data, publisher_key.public_key())
    right = small_bank.content_key
    # one bit off (a key whose last byte is replaced by 0 is the right one, 1 time in 256)
    for key in (bytes(32), right[:-1] + bytes([right[-1] ^ 1]), b"short"):
        with pytest.raises(BankError) as caught:
            opened.unlock(key)
        assert caught.value.code == "wrong_content_key"


def test_items_are_bound_to_their_id(small_items, publisher_key):
    """Swapping two items' ciphertexts, even in a file the publisher signs, cannot pass one
    item off as another: the id is the associated data."""
    twin = Item.from_dict(small_items[0].to_dict() | {"id": "rec9999"})
    sealed = seal_bank(
        {"any": "index"},
        {item.id: item.to_dict() for item in (small_items[0], twin)},
        publisher_key,
        label="swap",
    )
    unlocked = SealedBank.from_bytes(sealed.data, publisher_key.public_key()).unlock(
        sealed.content_key
    )
    first, second = unlocked._locations["rec0000"], unlocked._locations["rec9999"]
    assert first == [0, second[1]]  # same length, one after the other, last in the file
    items_start = len(sealed.data) - 64 - 2 * first[1]
    a = sealed.data[items_start : items_start + first[1]]
    b = sealed.data[items_start + first[1] : -64]
    swapped = sealed.data[:items_start] + b + a
    resigned = swapped + publisher_key.sign(SIGNATURE_DOMAIN + hashlib.sha256(swapped).digest())
    unlocked = SealedBank.from_bytes(resigned, publisher_key.public_key()).unlock(
        sealed.content_key
    )
    with pytest.raises(BankError) as caught:
        unlocked.item_content("rec0000")
    assert caught.value.code == "corrupt"


def test_sealing_twice_gives_two_banks_with_their_own_keys(small_items, seal_items, publisher_key):
    first, second = seal_items(small_items, publisher_key), seal_items(small_items, publisher_key)
    assert first.content_key != second.content_key
    assert first.bank_id != second.bank_id


def test_a_signed_but_malformed_file_is_reported_as_the_publishers_fault(publisher_key):
    def signed_file(header: bytes, body: bytes) -> bytes:
        signed = PREFIX.pack(MAGIC, FORMAT_VERSION, len(header), len(body)) + header + body
        return signed + publisher_key.sign(SIGNATURE_DOMAIN + hashlib.sha256(signed).digest())

    for header in (b"not json", b"[]", b'{"format": "pix-sealed-bank"}'):
        with pytest.raises(BankError) as caught:
            SealedBank.from_bytes(signed_file(header, bytes(40)), publisher_key.public_key())
        assert caught.value.code == "corrupt"
