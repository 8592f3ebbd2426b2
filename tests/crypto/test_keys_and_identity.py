"""Key files and the PC's identity: owner-only, never overwritten, clear about what is wrong."""

import os
import re
import stat
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from engine.keys import (
    KeyFileError,
    device_id_for,
    ed25519_public_from_b64,
    fingerprint,
    load_content_key,
    load_exchange_key,
    load_public_key,
    load_signing_key,
    public_key_b64,
    write_content_key,
    write_private_key,
    write_public_key,
    x25519_public_from_b64,
)
from kiosk.identity import IDENTITY_DIR, DeviceIdentity, IdentityError

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_key_files_round_trip_with_owner_only_secrets(tmp_path):
    signing, exchange = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    write_private_key(tmp_path / "s.key", signing)
    write_private_key(tmp_path / "x.key", exchange)
    write_public_key(tmp_path / "s.pub", signing.public_key())
    write_content_key(tmp_path / "content.key", bytes(range(32)))
    assert public_key_b64(load_signing_key(tmp_path / "s.key").public_key()) == public_key_b64(
        signing.public_key()
    )
    assert load_exchange_key(tmp_path / "x.key").public_key() == exchange.public_key()
    assert load_public_key(tmp_path / "s.pub") == signing.public_key()
    assert load_content_key(tmp_path / "content.key") == bytes(range(32))
    assert (tmp_path / "s.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    if os.name == "posix":
        assert {_mode(tmp_path / n) for n in ("s.key", "x.key", "content.key")} == {0o600}


def test_secrets_are_never_overwritten(tmp_path):
    write_content_key(tmp_path / "content.key", bytes(32))
    with pytest.raises(KeyFileError) as caught:
        write_content_key(tmp_path / "content.key", bytes(range(32)))
    assert caught.value.code == "exists"
    assert load_content_key(tmp_path / "content.key") == bytes(32)


@posix_only
def test_secrets_readable_by_others_are_refused(tmp_path):
    write_private_key(tmp_path / "s.key", Ed25519PrivateKey.generate())
    os.chmod(tmp_path / "s.key", 0o644)
    with pytest.raises(KeyFileError) as caught:
        load_signing_key(tmp_path / "s.key")
    assert caught.value.code == "too_open"
    assert "chmod 600" in caught.value.fr and "chmod 600" in caught.value.en


def test_wrong_missing_or_garbled_key_files(tmp_path):
    write_private_key(tmp_path / "x.key", X25519PrivateKey.generate())
    (tmp_path / "junk.key").write_bytes(b"hello")
    os.chmod(tmp_path / "junk.key", 0o600)
    cases = [
        (load_signing_key, "x.key", "wrong_key_kind"),
        (load_signing_key, "absent.key", "missing"),
        (load_signing_key, "junk.key", "bad_key_file"),
        (load_content_key, "junk.key", "bad_key_file"),
        (load_public_key, "junk.key", "bad_key_file"),
    ]
    for loader, name, code in cases:
        with pytest.raises(KeyFileError) as caught:
            loader(tmp_path / name)
        assert caught.value.code == code, (loader, name)


def test_wire_encodings_and_fingerprints():
    signing, exchange = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    assert ed25519_public_from_b64(public_key_b64(signing.public_key())) == signing.public_key()
    assert x25519_public_from_b64(public_key_b64(exchange.public_key())) == exchange.public_key()
    assert re.fullmatch(r"([0-9a-f]{4}-){4}[0-9a-f]{4}", fingerprint(signing.public_key()))
    assert device_id_for(signing.public_key()) == fingerprint(signing.public_key())
    for text in ("", "AAAA", "not base64", public_key_b64(signing.public_key())[:-4]):
        with pytest.raises(KeyFileError):
            ed25519_public_from_b64(text)


def test_identity_is_made_once_and_kept(tmp_path):
    made = DeviceIdentity.load_or_create(tmp_path / "data")
    again = DeviceIdentity.load_or_create(tmp_path / "data")
    loaded = DeviceIdentity.load(tmp_path / "data")
    assert made.device_id == again.device_id == loaded.device_id
    assert public_key_b64(loaded.exchange_public_key) == public_key_b64(made.exchange_public_key)
    if os.name == "posix":
        directory = tmp_path / "data" / IDENTITY_DIR
        assert _mode(directory) == 0o700
        assert {_mode(path) for path in directory.iterdir()} == {0o600}
    assert [p.name for p in (tmp_path / "data").iterdir()] == [IDENTITY_DIR]  # no staging left


def test_concurrent_first_starts_agree_on_one_identity(tmp_path):
    results: list[str] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(DeviceIdentity.load_or_create(tmp_path).device_id)
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert DeviceIdentity.load(tmp_path).device_id == results[0]


def test_enrolment_exports_public_halves_only(tmp_path):
    identity = DeviceIdentity.load_or_create(tmp_path)
    enrolment = identity.enrolment()
    assert set(enrolment) == {
        "device_id",
        "signing_public_key",
        "exchange_public_key",
        "exchange_key_fingerprint",
    }
    assert (
        device_id_for(ed25519_public_from_b64(enrolment["signing_public_key"]))
        == (enrolment["device_id"])
    )
    assert x25519_public_from_b64(enrolment["exchange_public_key"]) == identity.exchange_public_key


def test_a_pc_without_identity_is_told_to_enrol(tmp_path):
    with pytest.raises(IdentityError) as caught:
        DeviceIdentity.load(tmp_path)
    assert caught.value.code == "missing"
    assert "enroll" in caught.value.fr and "enroll" in caught.value.en


def test_an_incomplete_identity_is_reported(tmp_path):
    DeviceIdentity.load_or_create(tmp_path)
    (tmp_path / IDENTITY_DIR / "device-exchange.key").unlink()
    with pytest.raises(IdentityError) as caught:
        DeviceIdentity.load_or_create(tmp_path)
    assert caught.value.code == "missing"


@posix_only
def test_an_identity_opened_to_others_is_refused(tmp_path):
    DeviceIdentity.load_or_create(tmp_path)
    os.chmod(tmp_path / IDENTITY_DIR, 0o755)
    with pytest.raises(IdentityError) as caught:
        DeviceIdentity.load(tmp_path)
    assert caught.value.code == "too_open"


def test_an_unusable_data_directory_is_reported(tmp_path):
    (tmp_path / "data").write_text("a file where the data directory should be")
    with pytest.raises(IdentityError) as caught:
        DeviceIdentity.load_or_create(tmp_path / "data" / "kiosk")
    assert caught.value.code == "unwritable"
