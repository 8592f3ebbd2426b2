"""Students' practice accounts, made from the roster: a login and a first-login code.

No e-mail: a teacher prints the class sheet (each student's login and code) and hands it out.
The login is the first name, a dot, the last name and the day and month of birth
(`lea.martin1503`, as Pix's school accounts). The code is eight characters of the unambiguous
alphabet; only its HMAC (keyed by a secret drawn from the server's own key, so a copy of the
database alone reveals no code, and checking one costs microseconds, not Argon2's second) is
stored. Printing a sheet draws new codes for the students who never signed in; a student who
lost theirs gets a new one from the teacher. Five wrong codes in a row lock the account for
15 minutes.
"""

import hashlib
import hmac
import secrets
import unicodedata
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, select, update

from server_stub.codes import VERIFICATION_ALPHABET
from server_stub.db.database import Database
from server_stub.practice.errors import PracticeError
from server_stub.schools import audit

CODE_LENGTH = 8
MAX_FAILURES = 5
LOCKOUT_S = 15 * 60


def code_key(server_key: Ed25519PrivateKey) -> bytes:
    """The HMAC key of first-login codes, derived from the server's private key."""
    raw = server_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return hashlib.sha256(b"pix-practice-first-login-codes\0" + raw).digest()


def _digest(key: bytes, code: str) -> str:
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def normalise_code(text: str) -> str:
    return "".join(char for char in text.upper() if char.isalnum())


def new_code() -> str:
    """`KXBT-47QM`: eight characters, shown in two groups of four."""
    body = "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{body[:4]}-{body[4:]}"


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain.casefold() if c.isascii() and c.isalpha())


def _login_base(student) -> str:
    first = _ascii_word(student.first_name.split()[0] if student.first_name.split() else "x")
    last = _ascii_word(student.last_name)
    day_month = student.birth_date[8:10] + student.birth_date[5:7]
    return f"{first or 'eleve'}.{last or 'eleve'}{day_month}"


def _free_login(connection: Connection, db: Database, base: str) -> str:
    accounts = db.tables["practice_accounts"]
    taken = set(
        connection.scalars(select(accounts.c.login).where(accounts.c.login.startswith(base)))
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}.{suffix}" in taken:
        suffix += 1
    return f"{base}.{suffix}"


def class_sheet(
    db: Database, key: bytes, *, uai: str, divisions: tuple[str, ...], now: float, actor: str
) -> list[dict[str, Any]]:
    """The printable sheet of the classes: every current student with their login, and a new
    first-login code for each one who never signed in (None for the others: their code stands).
    Accounts are made here for students who have none."""
    students, accounts = db.tables["students"], db.tables["practice_accounts"]
    sheet = []
    with db.write() as connection:
        rows = connection.execute(
            select(students, accounts.c.login, accounts.c.first_sign_in_at)
            .outerjoin(accounts, accounts.c.student_id == students.c.student_id)
            .where(students.c.uai == uai, students.c.division.in_(divisions))
            .where(students.c.archived_at.is_(None))
            .order_by(students.c.division, students.c.last_name, students.c.first_name)
        ).all()
        issued = 0
        for row in rows:
            code = None
            login = row.login
            if login is None:
                login = _free_login(connection, db, _login_base(row))
                code = new_code()
                connection.execute(
                    accounts.insert().values(
                        student_id=row.student_id,
                        login=login,
                        code_hash=_digest(key, code),
                        code_issued_at=now,
                        failures=0,
                    )
                )
            elif row.first_sign_in_at is None:
                code = new_code()
                _store_code(connection, db, key, row.student_id, code, now)
            issued += code is not None
            sheet.append(
                {
                    "student_id": row.student_id,
                    "last_name": row.last_name,
                    "first_name": row.first_name,
                    "division": row.division,
                    "login": login,
                    "first_login_code": code,
                }
            )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="practice.sheet",
            uai=uai,
            target=",".join(divisions),
            codes_issued=issued,
        )
    return sheet


def _store_code(
    connection: Connection, db: Database, key: bytes, student_id: str, code: str, now: float
) -> None:
    accounts = db.tables["practice_accounts"]
    connection.execute(
        update(accounts)
        .where(accounts.c.student_id == student_id)
        .values(code_hash=_digest(key, code), code_issued_at=now, failures=0, locked_until=None)
    )


def reset_code(
    db: Database, key: bytes, *, uai: str, student_id: str, now: float, actor: str
) -> dict[str, Any]:
    """A new first-login code for one student of the school (lost code, locked account)."""
    students, accounts = db.tables["students"], db.tables["practice_accounts"]
    with db.write() as connection:
        row = connection.execute(
            select(students.c.student_id, accounts.c.login)
            .join(accounts, accounts.c.student_id == students.c.student_id)
            .where(students.c.student_id == student_id, students.c.uai == uai)
        ).first()
        if row is None:
            raise PracticeError("practice_sign_in_refused")
        code = new_code()
        _store_code(connection, db, key, row.student_id, code, now)
        connection.execute(
            update(accounts)
            .where(accounts.c.student_id == student_id)
            .values(first_sign_in_at=None)
        )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="practice.code_reset",
            uai=uai,
            target=row.login,
        )
    return {"login": row.login, "first_login_code": code}


def sign_in(db: Database, key: bytes, login: str, code: str, *, now: float) -> dict[str, Any]:
    """The student whose login and code these are, or PracticeError (401, or 429 locked).

    The comparison is constant-time; an unknown login answers as a wrong code does."""
    accounts = db.tables["practice_accounts"]
    login = login.strip().casefold()
    refusal: PracticeError
    with db.write() as connection:
        row = connection.execute(select(accounts).where(accounts.c.login == login)).first()
        if row is None:
            hmac.compare_digest(_digest(key, code), "0" * 64)
            raise PracticeError("practice_sign_in_refused")
        if row.locked_until is not None and row.locked_until > now:
            refusal = PracticeError(
                "practice_account_locked", minutes=max(1, round((row.locked_until - now) / 60))
            )
        elif hmac.compare_digest(_digest(key, code), row.code_hash):
            connection.execute(
                update(accounts)
                .where(accounts.c.student_id == row.student_id)
                .values(
                    failures=0,
                    locked_until=None,
                    first_sign_in_at=row.first_sign_in_at or now,
                )
            )
            return student(connection, db, row.student_id)
        else:
            failures = row.failures + 1
            locked = failures >= MAX_FAILURES
            connection.execute(
                update(accounts)
                .where(accounts.c.student_id == row.student_id)
                .values(
                    failures=0 if locked else failures,
                    locked_until=now + LOCKOUT_S if locked else None,
                )
            )
            refusal = PracticeError("practice_sign_in_refused")
    raise refusal


def student(connection: Connection, db: Database, student_id: str) -> dict[str, Any]:
    """A current student with their practice login (the identity the practice pages use)."""
    students, accounts = db.tables["students"], db.tables["practice_accounts"]
    row = connection.execute(
        select(students, accounts.c.login)
        .outerjoin(accounts, accounts.c.student_id == students.c.student_id)
        .where(students.c.student_id == student_id, students.c.archived_at.is_(None))
    ).first()
    if row is None:
        raise PracticeError("practice_sign_in_refused")
    return {
        "student_id": row.student_id,
        "uai": row.uai,
        "division": row.division,
        "grade": row.grade,
        "last_name": row.last_name,
        "first_name": row.first_name,
        "login": row.login,
    }


def get_student(db: Database, student_id: str) -> dict[str, Any]:
    with db.read() as connection:
        return student(connection, db, student_id)


def class_student_ids(
    connection: Connection, db: Database, uai: str, divisions: tuple[str, ...]
) -> list[str]:
    """The current students of the classes, by class and name (the robots' order too)."""
    students = db.tables["students"]
    return list(
        connection.scalars(
            select(students.c.student_id)
            .where(students.c.uai == uai, students.c.division.in_(divisions))
            .where(students.c.archived_at.is_(None))
            .order_by(students.c.division, students.c.last_name, students.c.first_name)
        )
    )
