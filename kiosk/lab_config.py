"""The lab configuration: one TOML file per lab PC, written by IT, read at start-up.

It pins what the kiosk must trust (the server's and the publisher's public keys) and says where
the kiosk keeps its data. Every mistake IT can make in it gets a message in French and English
that names the file, the key and what to write instead; see docs/kiosk.md for the reference.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.canonical import BilingualError
from engine.keys import KeyFileError, ed25519_public_from_b64, public_key_b64, write_secret

LANGUAGES = ("fr", "en")
FONT_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0)
DEVICE_TOKEN_FILE = "device-token"
SID_PATTERN = re.compile(r"S-1(-\d+)+")


class LabConfigError(BilingualError):
    """A lab configuration that cannot be used, with a message for IT in both languages."""

    def __init__(self, fr: str, en: str) -> None:
        super().__init__("lab_config", fr, en)


@dataclass(frozen=True)
class LabConfig:
    """What one lab PC needs to run exams; paths are absolute once loaded."""

    server_url: str
    server_public_key: Ed25519PublicKey
    publisher_public_key: Ed25519PublicKey
    data_dir: Path
    bank_path: Path
    language: str = "fr"
    secure_mode: bool = True
    font_scale: float = 1.0
    high_contrast: bool = False
    lockdown: dict[str, Any] = field(default_factory=dict)
    ca_file: Path | None = None  # the authority of the server's certificate, if not the system's
    core_socket: Path | None = None  # an installed exam core's socket (None: the window starts one)
    # Windows: the account (SID) the installed core runs as, which the window checks before
    # it talks to the pipe (None: the pix-kiosk-core service's own SID).
    core_sid: str | None = None

    @property
    def device_token_path(self) -> Path:
        """The bearer token enrolment gave this PC (one line, owner-only: `save_device_token`)."""
        return self.data_dir / DEVICE_TOKEN_FILE

    def device_token(self) -> str:
        """This PC's device token; a clear error when the PC has not been enrolled."""
        try:
            return self.device_token_path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            raise LabConfigError(
                f"Ce poste n'est pas inscrit auprès du serveur ({self.device_token_path} "
                "manque) : lancez pix-kiosk enroll --server URL --token JETON.",
                f"This PC is not enrolled with the server ({self.device_token_path} is "
                "missing): run pix-kiosk enroll --server URL --token TOKEN.",
            ) from None

    def save_device_token(self, token: str) -> None:
        """Keep the token enrolment returned; refuses to overwrite an existing one."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        write_secret(self.device_token_path, token.encode("ascii") + b"\n")


def config_table(config: LabConfig) -> dict[str, Any]:
    """`config` as the table a TOML file would hold (absolute paths): what the window hands the
    exam core it starts, so that both run on exactly the same settings."""
    server: dict[str, Any] = {
        "url": config.server_url,
        "public_key": public_key_b64(config.server_public_key),
    }
    if config.ca_file is not None:
        server["ca_file"] = str(config.ca_file)
    return {
        "server": server,
        "publisher": {"public_key": public_key_b64(config.publisher_public_key)},
        "kiosk": {
            "data_dir": str(config.data_dir),
            "bank": str(config.bank_path),
            "language": config.language,
            "secure_mode": config.secure_mode,
            **({"core_socket": str(config.core_socket)} if config.core_socket else {}),
            **({"core_sid": config.core_sid} if config.core_sid else {}),
        },
        "display": {"font_scale": config.font_scale, "high_contrast": config.high_contrast},
        "lockdown": dict(config.lockdown),
    }


def load_lab_config(path: Path) -> LabConfig:
    """Read and check a lab configuration file; relative paths are taken from its folder."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabConfigError(
            f"Fichier de configuration introuvable : {path}.",
            f"Configuration file not found: {path}.",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LabConfigError(
            f"Impossible de lire la configuration {path} : {error}.",
            f"Cannot read the configuration {path}: {error}.",
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise LabConfigError(
            f"La configuration {path} n'est pas un fichier TOML valide : {error}.",
            f"The configuration {path} is not valid TOML: {error}.",
        ) from None
    return parse_lab_config(raw, base_dir=path.parent.resolve(), source=str(path))


def parse_lab_config(raw: dict, base_dir: Path, source: str) -> LabConfig:
    """Check a decoded configuration table; `source` names it in error messages."""
    reader = _TableReader(raw, source, base_dir)
    server_url = reader.text("server", "url")
    parsed = urlparse(server_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise LabConfigError(
            f"{source} : [server] url doit être une adresse http(s)://…, pas {server_url!r}.",
            f"{source}: [server] url must be an http(s)://… address, not {server_url!r}.",
        )
    language = reader.text("kiosk", "language", default="fr")
    if language not in LANGUAGES:
        raise LabConfigError(
            f'{source} : [kiosk] language doit valoir "fr" ou "en", pas {language!r}.',
            f'{source}: [kiosk] language must be "fr" or "en", not {language!r}.',
        )
    font_scale = reader.number("display", "font_scale", default=1.0)
    if font_scale not in FONT_SCALES:
        allowed = ", ".join(str(scale) for scale in FONT_SCALES)
        raise LabConfigError(
            f"{source} : [display] font_scale doit être l'une des valeurs {allowed}.",
            f"{source}: [display] font_scale must be one of {allowed}.",
        )
    return LabConfig(
        server_url=server_url.rstrip("/"),
        server_public_key=reader.public_key("server", "public_key"),
        publisher_public_key=reader.public_key("publisher", "public_key"),
        data_dir=base_dir / reader.text("kiosk", "data_dir"),
        bank_path=base_dir / reader.text("kiosk", "bank"),
        language=language,
        secure_mode=reader.flag("kiosk", "secure_mode", default=True),
        font_scale=font_scale,
        high_contrast=reader.flag("display", "high_contrast", default=False),
        lockdown=reader.table("lockdown"),
        ca_file=reader.path("server", "ca_file"),
        core_socket=reader.optional_path("kiosk", "core_socket"),
        core_sid=reader.sid("kiosk", "core_sid"),
    )


class _TableReader:
    """Typed access to `[table] key` values, raising bilingual errors that name the key."""

    def __init__(self, raw: dict, source: str, base_dir: Path) -> None:
        self.raw = raw
        self.source = source
        self.base_dir = base_dir

    def _value(self, table: str, key: str, default: object) -> object:
        section = self.table(table)
        if key in section:
            return section[key]
        if default is None:
            raise LabConfigError(
                f"{self.source} : la clé {key} manque dans la table [{table}].",
                f"{self.source}: key {key} is missing from table [{table}].",
            )
        return default

    def _wrong_type(self, table: str, key: str, fr: str, en: str) -> LabConfigError:
        return LabConfigError(
            f"{self.source} : [{table}] {key} doit être {fr}.",
            f"{self.source}: [{table}] {key} must be {en}.",
        )

    def text(self, table: str, key: str, default: str | None = None) -> str:
        value = self._value(table, key, default)
        if not isinstance(value, str) or not value.strip():
            raise self._wrong_type(table, key, "un texte non vide", "a non-empty string")
        return value.strip()

    def path(self, table: str, key: str) -> Path | None:
        """An optional file, relative to the configuration's folder; it must exist."""
        if key not in self.table(table):
            return None
        path = self.base_dir / self.text(table, key)
        if not path.is_file():
            raise LabConfigError(
                f"{self.source} : [{table}] {key} désigne un fichier introuvable : {path}.",
                f"{self.source}: [{table}] {key} names a file that does not exist: {path}.",
            )
        return path

    def optional_path(self, table: str, key: str) -> Path | None:
        """An optional path that need not exist yet (a socket), relative to the folder."""
        if key not in self.table(table):
            return None
        return self.base_dir / self.text(table, key)

    def sid(self, table: str, key: str) -> str | None:
        """An optional Windows account, as its SID (`S-1-5-80-…`)."""
        if key not in self.table(table):
            return None
        value = self.text(table, key)
        if not SID_PATTERN.fullmatch(value):
            raise self._wrong_type(
                table, key, "un SID Windows (S-1-5-…)", "a Windows SID (S-1-5-…)"
            )
        return value

    def flag(self, table: str, key: str, default: bool) -> bool:
        value = self._value(table, key, default)
        if not isinstance(value, bool):
            raise self._wrong_type(table, key, "true ou false", "true or false")
        return value

    def number(self, table: str, key: str, default: float) -> float:
        value = self._value(table, key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong_type(table, key, "un nombre", "a number")
        return float(value)

    def public_key(self, table: str, key: str) -> Ed25519PublicKey:
        """An Ed25519 public key written as its raw 32 bytes in base64."""
        try:
            return ed25519_public_from_b64(self.text(table, key))
        except KeyFileError:
            raise self._wrong_type(
                table,
                key,
                "une clé publique Ed25519 en base64 (32 octets), telle que l'affiche pix-server",
                "an Ed25519 public key in base64 (32 bytes), as printed by pix-server",
            ) from None

    def table(self, table: str) -> dict[str, Any]:
        """A whole table, checked by its own reader (the lockdown policy, for instance)."""
        section = self.raw.get(table, {})
        if not isinstance(section, dict):
            raise LabConfigError(
                f"{self.source} : [{table}] doit être une table TOML.",
                f"{self.source}: [{table}] must be a TOML table.",
            )
        return section
