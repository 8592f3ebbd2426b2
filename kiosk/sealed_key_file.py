"""How a sealed key file looks, readable with the standard library alone: `kiosk.protection`
(which the system's Python runs as the window's account, without the app's packages) tells a
sealed key from a plain one with it; `kiosk.key_sealing` seals and unseals.

A sealed key file is one JSON object, `{"pix_sealed_key": 1, "sealed_by": "tpm"|"dpapi", ...}`,
in place of the PEM it replaces.
"""

import json
from pathlib import Path
from typing import Any

MAGIC = "pix_sealed_key"
TPM = "tpm"
DPAPI = "dpapi"


def sealed_fields(data: bytes) -> dict[str, Any] | None:
    """The sealed file's fields, or None when `data` is a plain PEM key; ValueError when it is
    neither."""
    if not data.lstrip().startswith(b"{"):
        return None
    fields = json.loads(data)
    if not isinstance(fields, dict) or fields.get(MAGIC) != 1:
        raise ValueError("not a sealed key file")
    return fields


def sealed_by(paths: list[Path]) -> str | None:
    """The sealer of every file in `paths` when they share one, else None (plain, mixed, or
    unreadable from this account)."""
    names = set()
    for path in paths:
        try:
            fields = sealed_fields(path.read_bytes())
        except (OSError, ValueError):
            return None
        names.add(None if fields is None else fields.get("sealed_by"))
    return names.pop() if len(names) == 1 else None
