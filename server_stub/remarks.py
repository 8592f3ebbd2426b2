"""The invigilators' remarks on a session, given at finalisation: free text, checked once here.

Up to `MAX_REMARKS` characters of text (line breaks and tabs allowed, no other control
character: they would not print, and PostgreSQL refuses NUL in TEXT). Blank remarks count as
none given.
"""

from typing import Any

from server_stub.errors import ApiError

MAX_REMARKS = 2000
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def checked_remarks(remarks: Any) -> str | None:
    """The remarks to store (trimmed; None when blank), or `invalid_remarks` when they are not
    text of at most `MAX_REMARKS` characters."""
    if remarks is None:
        return None
    if (
        not isinstance(remarks, str)
        or len(remarks) > MAX_REMARKS
        or any(_control(char) and char not in _ALLOWED_CONTROLS for char in remarks)
    ):
        raise ApiError("invalid_remarks")
    return remarks.strip() or None


def _control(char: str) -> bool:
    return ord(char) < 32 or 127 <= ord(char) < 160
