"""Conventions shared by every signed format (bank, ticket, journal, record, receipt).

What is hashed or signed is always canonical JSON (RFC 8785), so the kiosk and the server agree on
the bytes whatever produced the dictionary; binary values travel as base64 text and instants as
UTC ISO 8601 text. Expected failures raise a `BilingualError`: a stable code for programs and a
message in French and in English for the teacher or IT person who has to act on it.
"""

import base64
import binascii
import json
import re
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
    """The RFC 8785 bytes of a JSON value (integers must stay within ±2^53).

    Everything signed goes through here, thousands of times per record on the server, so the
    common case takes the standard library's C encoder: with no character beyond the Basic
    Multilingual Plane (code-point order of keys is then their UTF-16 order), safe integers,
    and floats that are integral (written as integers, as ECMAScript does) or whose shortest
    form Python and ECMAScript write alike, the bytes are the same. Anything else goes to
    `rfc8785`, which also raises the errors (NaN, huge integers, lone surrogates...).
    """
    plain = _plain(value)
    if plain is not _UNSUPPORTED:
        try:
            text = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            if not _BEYOND_BMP.search(text):
                return text.encode("utf-8")
        except (TypeError, ValueError):  # lone surrogates, cycles: rfc8785 says what is wrong
            pass
    return rfc8785.dumps(value)


def exact_text(value: Any) -> str:
    """JSON text that tells values apart exactly (1, 1.0 and true differ), key order aside.

    Not for signatures (canonical_json is): for storing what was received and for telling
    cheaply whether two received values are the same, with the standard library's C encoder.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_UNSUPPORTED = object()
_MAX_SAFE_INTEGER = 2**53 - 1
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def _plain(value: Any) -> Any:
    """`value` with integral floats as integers, or `_UNSUPPORTED` when the C encoder could
    write it otherwise than RFC 8785 does."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return value if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER else _UNSUPPORTED
    if kind is float:
        if value.is_integer():
            return int(value) if abs(value) <= _MAX_SAFE_INTEGER else _UNSUPPORTED
        return value if 1e-4 <= abs(value) < 1e16 else _UNSUPPORTED
    if kind is dict:
        plain = {}
        for key, item in value.items():
            if type(key) is not str:
                return _UNSUPPORTED
            item = _plain(item)
            if item is _UNSUPPORTED:
                return _UNSUPPORTED
            plain[key] = item
        return plain
    if kind is list or kind is tuple:
        items = []
        for item in value:
            item = _plain(item)
            if item is _UNSUPPORTED:
                return _UNSUPPORTED
            items.append(item)
        return items
    return _UNSUPPORTED


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
