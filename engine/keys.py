"""Key files, wire encodings of public keys, fingerprints and device ids.

Formats (docs/bank-format.md, "Key files"):
- private keys (publisher, server, device): PEM PKCS#8, unencrypted, mode 0600;
- public key files: PEM SubjectPublicKeyInfo (readable by `openssl pkey -pubin`);
- public keys on the wire and in configuration: the raw 32 bytes in base64;
- a bank's content key: one line of base64 (32 bytes), mode 0600.
A fingerprint is the first 10 bytes of SHA-256 over the raw public key, as five dash-separated
groups of four hex digits: short enough to read over the phone when pinning a key. A device's id is
the fingerprint of its Ed25519 public key, so the server can recompute it from the enrolment.
"""

import hashlib
import os
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from engine.canonical import BilingualError, b64decode, b64encode

CONTENT_KEY_BYTES = 32
SECRET_FILE_MODE = 0o600

PublicKey = Ed25519PublicKey | X25519PublicKey
PrivateKey = Ed25519PrivateKey | X25519PrivateKey


class KeyFileError(BilingualError):
    """A key file or encoded key that cannot be used: missing, unreadable, wrong kind, too open."""


def raw_public_bytes(key: PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: PublicKey) -> str:
    digest = hashlib.sha256(raw_public_bytes(key)).hexdigest()[:20]
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def device_id_for(signing_public_key: Ed25519PublicKey) -> str:
    """The id a device is known by: the fingerprint of its Ed25519 (record-signing) key."""
    return fingerprint(signing_public_key)


def public_key_b64(key: PublicKey) -> str:
    return b64encode(raw_public_bytes(key))


def ed25519_public_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_raw_key_from_b64(text, "Ed25519"))


def x25519_public_from_b64(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(_raw_key_from_b64(text, "X25519"))


def _raw_key_from_b64(text: str, kind: str) -> bytes:
    try:
        raw = b64decode(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise KeyFileError(
            "bad_public_key",
            f"Clé publique {kind} illisible : 32 octets en base64 attendus.",
            f"Unreadable {kind} public key: expected 32 bytes of base64.",
        )
    return raw


def write_secret(path: Path, data: bytes) -> None:
    """Create `path` with owner-only permissions; never overwrite (a key lost is an exam lost)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SECRET_FILE_MODE)
    except FileExistsError as error:
        raise KeyFileError(
            "exists",
            f"{path} existe déjà : il n'est pas écrasé (déplacez-le d'abord si c'est voulu).",
            f"{path} already exists and is not overwritten (move it away first if intended).",
        ) from error
    except OSError as error:
        raise _unwritable(path, error) from error
    try:
        os.fchmod(fd, SECRET_FILE_MODE)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private_key(path: Path, key: PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_secret(path, pem)


def write_public_key(path: Path, key: PublicKey) -> None:
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        path.write_bytes(pem)
    except OSError as error:
        raise _unwritable(path, error) from error


def write_content_key(path: Path, content_key: bytes) -> None:
    write_secret(path, (b64encode(content_key) + "\n").encode("ascii"))


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    key = _load_private_key(path)
    if not isinstance(key, Ed25519PrivateKey):
        raise _wrong_kind(path, "Ed25519")
    return key


def load_exchange_key(path: Path) -> X25519PrivateKey:
    key = _load_private_key(path)
    if not isinstance(key, X25519PrivateKey):
        raise _wrong_kind(path, "X25519")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    data = _read(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as error:
        raise _unreadable(path, "clé publique PEM", "PEM public key") from error
    if not isinstance(key, Ed25519PublicKey):
        raise _wrong_kind(path, "Ed25519")
    return key


def load_content_key(path: Path) -> bytes:
    data = _read(path, secret=True)
    try:
        key = b64decode(data.decode("ascii").strip())
    except (ValueError, UnicodeDecodeError):
        key = b""
    if len(key) != CONTENT_KEY_BYTES:
        raise _unreadable(
            path, "clé de contenu (base64, 32 octets)", "content key (base64, 32 bytes)"
        )
    return key


def _load_private_key(path: Path) -> PrivateKey:
    data = _read(path, secret=True)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise _unreadable(path, "clé privée PEM PKCS#8", "PKCS#8 PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey | X25519PrivateKey):
        raise _wrong_kind(path, "Ed25519/X25519")
    return key


def _read(path: Path, secret: bool = False) -> bytes:
    try:
        if secret and os.name == "posix":
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                raise KeyFileError(
                    "too_open",
                    f"{path} est lisible par d'autres comptes (mode {mode:o}) : "
                    f"faites `chmod 600 {path}`.",
                    f"{path} is readable by other accounts (mode {mode:o}): "
                    f"run `chmod 600 {path}`.",
                )
        return path.read_bytes()
    except FileNotFoundError as error:
        raise KeyFileError(
            "missing", f"Fichier de clé introuvable : {path}.", f"Key file not found: {path}."
        ) from error
    except OSError as error:
        raise KeyFileError(
            "unreadable",
            f"Fichier de clé illisible : {path} ({error.strerror}).",
            f"Cannot read key file {path} ({error.strerror}).",
        ) from error


def _unreadable(path: Path, what_fr: str, what_en: str) -> KeyFileError:
    return KeyFileError(
        "bad_key_file",
        f"{path} n'est pas une {what_fr} valide.",
        f"{path} is not a valid {what_en}.",
    )


def _wrong_kind(path: Path, kind: str) -> KeyFileError:
    return KeyFileError(
        "wrong_key_kind",
        f"{path} ne contient pas une clé {kind}.",
        f"{path} does not hold an {kind} key.",
    )


def _unwritable(path: Path, error: OSError) -> KeyFileError:
    return KeyFileError(
        "unwritable",
        f"Impossible d'écrire {path} ({error.strerror}).",
        f"Cannot write {path} ({error.strerror}).",
    )
