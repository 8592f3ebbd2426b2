"""The configuration key: a fingerprint of exactly what this kiosk runs (its lab settings and its
version), which it shows the server at every check-in (as Safe Exam Browser's config key does)
so that the server can refuse a kiosk whose configuration or version it does not know.

`kiosk_config_key` is the one place that says what goes into it: `doctor` shows its result to
IT (who allows it on the server: `pix-server config-key allow`) and the kiosk sends the same.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.canonical import canonical_json
from engine.cli import package_version
from engine.keys import public_key_b64
from kiosk.lab_config import LabConfig, LabConfigError
from kiosk.lockdown.policy import LockdownPolicy


@dataclass(frozen=True)
class ConfigKey:
    """What a kiosk tells the server at check-in: the key, and the app version it covers."""

    key: str
    app_version: str

    @classmethod
    def of(cls, settings: Mapping[str, Any], app_version: str) -> "ConfigKey":
        return cls(config_key(settings, app_version), app_version)


def config_key(settings: Mapping[str, Any], version: str) -> str:
    """SHA-256 (hex) of the RFC 8785 JSON of {"config": the effective settings, "version": the
    app version}. The same settings give the same key whatever their order."""
    document = {"config": dict(settings), "version": version}
    return hashlib.sha256(canonical_json(document)).hexdigest()


def effective_settings(config: LabConfig, policy: LockdownPolicy) -> dict[str, Any]:
    """The settings that must be identical on every PC of a lab (no per-PC path), the policy in
    its canonical form (a table that spells out a default gives the same key as one that
    leaves it out)."""
    return {
        "server_url": config.server_url,
        "server_public_key": public_key_b64(config.server_public_key),
        "publisher_public_key": public_key_b64(config.publisher_public_key),
        "language": config.language,
        "secure_mode": config.secure_mode,
        "font_scale": config.font_scale,
        "high_contrast": config.high_contrast,
        "lockdown": policy.to_dict(),
    }


def kiosk_config_key(config: LabConfig, policy: LockdownPolicy) -> ConfigKey:
    """This kiosk's configuration key: its effective settings under this installed version."""
    return ConfigKey.of(effective_settings(config, policy), package_version())


def lockdown_policy(config: LabConfig) -> LockdownPolicy:
    """The configuration's `[lockdown]` table, checked (secure mode or not: it enters the
    configuration key either way)."""
    try:
        return LockdownPolicy.from_dict(config.lockdown)
    except (ValueError, TypeError) as error:
        raise LabConfigError(
            f"Table [lockdown] de la configuration invalide : {error}.",
            f"Invalid [lockdown] table in the configuration: {error}.",
        ) from None
