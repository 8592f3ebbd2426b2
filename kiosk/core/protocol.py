"""The wire between the candidate window and the exam core: newline-delimited JSON.

The window sends requests `{"id": n, "op": "answer", ...}`; the core answers each with
`{"id": n, "ok": true, ...}` or `{"id": n, "ok": false, "error": {"code", "fr", "en"}}`, and
pushes `{"event": "state", "state": {...}}` whenever what the window shows changes. One line per
message, UTF-8, no newline inside (JSON escapes them), so a reader never has to guess where a
message ends. Requests are small: a line longer than `REQUEST_LIMIT` is refused unread.
"""

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from engine.canonical import BilingualError

REQUEST_LIMIT = 64 * 1024  # what the core reads from a window: a request is a few hundred bytes
MESSAGE_LIMIT = 64 * 1024 * 1024  # what the window reads from the core: an item with its media
STATE_EVENT = "state"


class CoreRefusal(BilingualError):
    """A request the core will not carry out (the reason in French and English)."""


class CoreUnavailable(BilingualError):
    """The core cannot be reached (not started, stopped, or it refused this account)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "core_unavailable",
            f"Le cœur d'examen de ce poste est injoignable ({detail}) : prévenez le "
            "responsable informatique.",
            f"This PC's exam core cannot be reached ({detail}): tell IT.",
        )


def encode(message: Mapping[str, Any]) -> bytes:
    """One message as one line."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


async def read_message(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next message, or None once the other side has closed. A line that is not a JSON
    object, or is longer than the reader's limit, is a `CoreRefusal`."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip():
            raise _malformed() from None
        return None
    except asyncio.LimitOverrunError:
        raise CoreRefusal(
            "request_too_long",
            "Message trop long : refusé.",
            "Message too long: refused.",
        ) from None
    except ConnectionError:
        return None
    try:
        message = json.loads(line)
    except ValueError:
        raise _malformed() from None
    if not isinstance(message, dict):
        raise _malformed()
    return message


def error_body(error: BilingualError) -> dict[str, str]:
    return {"code": error.code, "fr": error.fr, "en": error.en}


def error_from(body: Mapping[str, Any]) -> CoreRefusal:
    return CoreRefusal(str(body.get("code")), str(body.get("fr")), str(body.get("en")))


def _malformed() -> CoreRefusal:
    return CoreRefusal(
        "malformed_message",
        "Message illisible : une ligne JSON (un objet) est attendue.",
        "Unreadable message: one JSON line (an object) is expected.",
    )
