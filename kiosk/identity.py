"""This PC's identity: an Ed25519 key that signs its journals and records, and an X25519 key that
receives bank content keys. Both are made here, kept here, and never sent anywhere; only the
public halves leave, at enrolment.

Files: `<data dir>/identity/device-signing.key` and `device-exchange.key`, PEM PKCS#8 — or the
same sealed to this PC's TPM or DPAPI (kiosk.key_sealing, `pix-kiosk seal-keys`) — mode 0600,
in a 0700 directory. The directory is written whole under a temporary name and then renamed, so a
crash during creation never leaves half an identity.
"""

import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from engine.canonical import BilingualError
from engine.keys import (
    KeyFileError,
    device_id_for,
    fingerprint,
    load_exchange_key,
    load_signing_key,
    public_key_b64,
    write_private_key,
)
from kiosk.key_sealing import SealingError, sealed_fields, unsealed

IDENTITY_DIR = "identity"
SIGNING_KEY_FILE = "device-signing.key"
EXCHANGE_KEY_FILE = "device-exchange.key"
PRIVATE_DIR_MODE = 0o700
K = TypeVar("K", Ed25519PrivateKey, X25519PrivateKey)


class IdentityError(BilingualError):
    """The PC's identity is missing, incomplete, unreadable or readable by other accounts."""


@dataclass(frozen=True)
class DeviceIdentity:
    signing_key: Ed25519PrivateKey
    exchange_key: X25519PrivateKey

    @property
    def signing_public_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    @property
    def exchange_public_key(self) -> X25519PublicKey:
        return self.exchange_key.public_key()

    @property
    def device_id(self) -> str:
        return device_id_for(self.signing_public_key)

    def enrolment(self) -> dict[str, str]:
        """What the server records at enrolment (public keys in base64, fingerprints to read)."""
        return {
            "device_id": self.device_id,
            "signing_public_key": public_key_b64(self.signing_public_key),
            "exchange_public_key": public_key_b64(self.exchange_public_key),
            "exchange_key_fingerprint": fingerprint(self.exchange_public_key),
        }

    @classmethod
    def load(cls, data_dir: Path) -> "DeviceIdentity":
        """The existing identity; `IdentityError` when the PC has none (not enrolled) or it is
        unusable."""
        directory = Path(data_dir) / IDENTITY_DIR
        if not directory.is_dir():
            raise IdentityError(
                "missing",
                f"Ce poste n'a pas encore d'identité ({directory} absent) : inscrivez-le avec "
                "`pix-kiosk enroll`.",
                f"This computer has no identity yet ({directory} missing): enrol it with "
                "`pix-kiosk enroll`.",
            )
        if os.name == "posix" and stat.S_IMODE(directory.stat().st_mode) & 0o077:
            raise IdentityError(
                "too_open",
                f"{directory} est accessible à d'autres comptes : faites `chmod 700 {directory}`.",
                f"{directory} is accessible to other accounts: run `chmod 700 {directory}`.",
            )
        try:
            return cls(
                signing_key=_private_key(
                    directory / SIGNING_KEY_FILE, load_signing_key, Ed25519PrivateKey
                ),
                exchange_key=_private_key(
                    directory / EXCHANGE_KEY_FILE, load_exchange_key, X25519PrivateKey
                ),
            )
        except (KeyFileError, SealingError) as error:
            raise IdentityError(error.code, error.fr, error.en) from error

    @classmethod
    def load_or_create(cls, data_dir: Path) -> "DeviceIdentity":
        """The PC's identity, made on first use (enrolment); later calls return the same keys."""
        data_dir = Path(data_dir)
        if (data_dir / IDENTITY_DIR).exists():
            return cls.load(data_dir)
        identity = cls(
            signing_key=Ed25519PrivateKey.generate(), exchange_key=X25519PrivateKey.generate()
        )
        try:
            data_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".identity-", dir=data_dir))  # mode 0700
            write_private_key(staging / SIGNING_KEY_FILE, identity.signing_key)
            write_private_key(staging / EXCHANGE_KEY_FILE, identity.exchange_key)
            _fsync_directory(staging)
        except (OSError, KeyFileError) as error:
            raise _unwritable(data_dir, error) from error
        try:
            staging.rename(data_dir / IDENTITY_DIR)
        except OSError as error:
            for name in (SIGNING_KEY_FILE, EXCHANGE_KEY_FILE):
                (staging / name).unlink()
            staging.rmdir()
            if not (data_dir / IDENTITY_DIR).exists():
                raise _unwritable(data_dir, error) from error
            return cls.load(data_dir)  # another process made it first: theirs wins
        _fsync_directory(data_dir)
        return identity


def _private_key(path: Path, load: Callable[[Path], K], kind: type[K]) -> K:
    """The key in `path`, read by `load`; unsealed first when sealed (kiosk.key_sealing)."""
    try:
        data = path.read_bytes()
    except OSError:
        return load(path)  # says what is wrong, in its own words
    if sealed_fields(data) is None:
        return load(path)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        return load(path)  # refused as too open, sealed or not
    try:
        key = serialization.load_pem_private_key(unsealed(data), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, kind):
        raise KeyFileError(
            "bad_key_file",
            f"{path} : la clé descellée n'est pas une clé {kind.__name__}.",
            f"{path}: the unsealed key is not an {kind.__name__} key.",
        )
    return key


def _unwritable(data_dir: Path, error: Exception) -> IdentityError:
    return IdentityError(
        "unwritable",
        f"Impossible de créer l'identité du poste dans {data_dir} ({error}).",
        f"Cannot create this computer's identity in {data_dir} ({error}).",
    )


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
