"""The codes people type (DESIGN §4) and the secrets programs present, all drawn with `secrets`.

Alphabets leave out the characters that are easy to misread (0/O, 1/I/l, 5/S...), as in Pix.
"""

import hashlib
import secrets

ACCESS_LETTERS = "BCDFGHJKMPQRTVWXY"
ACCESS_DIGITS = "2346789"
INVIGILATOR_ALPHABET = "23456789bcdfghjkmpqrstvwxyBCDFGHJKMPQRSTVWXY!*?"
VERIFICATION_ALPHABET = ACCESS_LETTERS + ACCESS_DIGITS
VERIFICATION_PREFIX = "P-"


def access_code() -> str:
    """Session access code: 4 letters then 2 digits, e.g. `KXBT47`."""
    letters = "".join(secrets.choice(ACCESS_LETTERS) for _ in range(4))
    return letters + "".join(secrets.choice(ACCESS_DIGITS) for _ in range(2))


def invigilator_code() -> str:
    return "".join(secrets.choice(INVIGILATOR_ALPHABET) for _ in range(6))


def verification_code() -> str:
    """`P-` then 8 distinct characters; uniqueness is the caller's job (it owns the table)."""
    pool = list(VERIFICATION_ALPHABET)
    chosen = []
    for _ in range(8):
        chosen.append(pool.pop(secrets.randbelow(len(pool))))
    return VERIFICATION_PREFIX + "".join(chosen)


def is_verification_code(text: str) -> bool:
    body = text[len(VERIFICATION_PREFIX) :]
    return (
        text.startswith(VERIFICATION_PREFIX)
        and len(body) == 8
        and len(set(body)) == 8
        and all(char in VERIFICATION_ALPHABET for char in body)
    )


def session_number() -> int:
    """Six digits, not sequential, so one session number does not reveal its neighbours."""
    return 100_000 + secrets.randbelow(900_000)


def bearer_token() -> str:
    """A secret a program presents (device, invigilator console, admin, enrolment).

    Never with a leading "-": IT types enrolment tokens on command lines (`pix-kiosk enroll
    --token …`), where one would be read as an option (one token in 64 before)."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def token_digest(token: str) -> str:
    """What the database keeps instead of a bearer token: a stolen database grants nothing."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def identifier(prefix: str) -> str:
    """An opaque, unguessable row id such as `cand_3f9a…`: portable (text) across databases."""
    return f"{prefix}_{secrets.token_hex(8)}"
