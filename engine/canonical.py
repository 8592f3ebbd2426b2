"""Conventions shared by every signed format (bank, ticket, journal, record, receipt).

What is hashed or signed is always canonical JSON (RFC 8785), so the kiosk and the server agree on
the bytes whatever produced the dictionary; binary values travel as base64 text and instants as
UTC ISO 8601 text. Expected failures raise a `BilingualError`: a stable code for programs and a
message in French and in English for the teacher or IT person who has to act on it.
"""

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

import rfc8785


class BilingualError(Exception):
    """An expected failure: a stable `code` for programs, `fr` and `en` messages for people."""

    def __init__(self, code: str, fr: str, en: str) -> None:
        super().__init__(f"{fr} — {en}")
        self.code = code
        self.fr = fr
        self.en = en


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 bytes of a JSON value (integers must stay within ±2^53)."""
    return rfc8785.dumps(value)


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict standard base64; raises ValueError on anything else (so a bad field is caught)."""
    if not isinstance(text, str):
        raise ValueError("base64 value must be a string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as error:
        raise ValueError(f"not base64: {error}") from error


def utc_text(moment: datetime) -> str:
    """An aware datetime as UTC ISO 8601 with a "Z", microseconds kept (exact round trip)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware (UTC) datetime")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_utc_text(text: str) -> datetime:
    """Inverse of `utc_text`; raises ValueError on text that is not an aware ISO 8601 instant."""
    if not isinstance(text, str):
        raise ValueError("timestamp must be a string")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without time zone: {text!r}")
    return moment.astimezone(UTC)
