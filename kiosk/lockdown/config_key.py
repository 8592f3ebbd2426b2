"""The configuration key: a fingerprint of exactly what this kiosk runs, which it shows the
server (as Safe Exam Browser's config key does) so that the server can refuse a kiosk whose
configuration or version it does not know."""

import hashlib
from collections.abc import Mapping
from typing import Any

from engine.canonical import canonical_json


def config_key(lab_config: Mapping[str, Any], version: str) -> str:
    """SHA-256 (hex) of the RFC 8785 JSON of {"config": the effective configuration, "version":
    the app version}. The same settings give the same key whatever their order."""
    document = {"config": dict(lab_config), "version": version}
    return hashlib.sha256(canonical_json(document)).hexdigest()
