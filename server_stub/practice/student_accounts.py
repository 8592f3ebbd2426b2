"""Students' practice accounts, made from the roster: a login, a first-login code, then the
student's own password.

No e-mail: a teacher prints the class sheet (each student's login and code) and hands it out.
The login is the first name, a dot, the last name and the day and month of birth
(`lea.martin1503`, as Pix's school accounts). The code is eight characters of the unambiguous
alphabet; only its HMAC (keyed by a secret drawn from the server's own key, so a copy of the
database alone reveals no code, and checking one costs microseconds, not Argon2's second) is
stored. The code opens one door only: at the first sign-in the student chooses their password
(Argon2, the staff accounts' rules), and from then on the code no longer works. Printing a
sheet draws new codes for the students who never signed in; a student who forgot their
password gets a new code from the teacher (`reset_code`), which clears the password. Wrong
attempts slow down the source that makes them (sign_in_throttle.py), never lock the account.
Argon2 runs outside any write transaction: a sign-in never holds the database's write lock for
a hash.
"""

import hashlib
import hmac
import secrets
import threading
import unicodedata
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, delete, select, true, update

from server_stub import sign_in_throttle
from server_stub.codes import VERIFICATION_ALPHABET
from server_stub.db.database import Database
from server_stub.practice.campaigns import get_campaign
from server_stub.practice.errors import PracticeError
from server_stub.schools import audit
from server_stub.schools.passwords import (
    WeakPasswordError,
    check_strength,
    hash_secret,
    verify_secret,
)

CODE_LENGTH = 8
# Argon2 takes 64 MiB per hash: a class signing in at once (or a thousand robots) waits for a
# slot rather than holding the request threads' worth of memory at the same moment.
ARGON2_SLOTS = threading.BoundedSemaphore(4)


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
    db: Database,
    key: bytes,
    *,
    uai: str,
    divisions: tuple[str, ...],
    now: float,
    actor: str,
    first: int | None = None,
    renew_all: bool = False,
    untouched_only: bool = False,
) -> list[dict[str, Any]]:
    """The printable sheet of the classes: every current student with their login, and a new
    first-login code for each one who never signed in (None for the others: their password
    stands). Accounts are made here for students who have none. `first`: only the first
    students in the sheet's order; `renew_all`: a new code for each, passwords cleared (a
    rehearsal's robots); `untouched_only`: only the students who never chose a password."""
    students, accounts = db.tables["students"], db.tables["practice_accounts"]
    sheet = []
    with db.write() as connection:
        rows = connection.execute(
            select(students, accounts.c.login, accounts.c.password_hash)
            .outerjoin(accounts, accounts.c.student_id == students.c.student_id)
            .where(students.c.uai == uai, students.c.division.in_(divisions))
            .where(students.c.archived_at.is_(None))
            .where(accounts.c.password_hash.is_(None) if untouched_only else true())
            .order_by(students.c.division, students.c.last_name, students.c.first_name)
            .limit(first)
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
                    )
                )
            elif row.password_hash is None or renew_all:
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


def rehearsal_sheet(
    db: Database, key: bytes, code: str, *, students: int, now: float
) -> dict[str, Any]:
    """The sheet `pix-kiosk practice-robot` signs in with, as students do, shaped as `pix-server
    campaign sheet --json`. A campaign the teacher marked as a rehearsal lends its first
    `students`, each with a new first-login code (their passwords cleared: a rehearsal class).
    Any other campaign lends only students who never chose a password, with the new code a
    reprinted sheet would give them: an account a student already uses is never taken over."""
    found = get_campaign(db, code)
    sheet = class_sheet(
        db,
        key,
        uai=found.uai,
        divisions=found.divisions,
        now=now,
        actor="rehearsal",
        first=students,
        renew_all=found.rehearsal,
        untouched_only=not found.rehearsal,
    )
    return {"code": found.code, "students": sheet}


def _store_code(
    connection: Connection, db: Database, key: bytes, student_id: str, code: str, now: float
) -> None:
    """A new first-login code, which also clears the password: the code works again."""
    accounts = db.tables["practice_accounts"]
    connection.execute(
        update(accounts)
        .where(accounts.c.student_id == student_id)
        .values(
            code_hash=_digest(key, code),
            code_issued_at=now,
            password_hash=None,
            first_sign_in_at=None,
        )
    )


def reset_code(
    db: Database,
    key: bytes,
    *,
    uai: str,
    student_id: str,
    now: float,
    actor: str,
    divisions: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """A new first-login code for one student of the school (forgotten password): their
    password is cleared, the code printed on a new sheet line works once to choose another.
    `divisions`: only a student of these classes (a campaign's), else nothing changes."""
    students, accounts = db.tables["students"], db.tables["practice_accounts"]
    with db.write() as connection:
        row = connection.execute(
            select(students, accounts.c.login)
            .join(accounts, accounts.c.student_id == students.c.student_id)
            .where(students.c.student_id == student_id, students.c.uai == uai)
            .where(students.c.archived_at.is_(None))
            .where(students.c.division.in_(divisions) if divisions is not None else true())
        ).first()
        if row is None:
            raise PracticeError("practice_student_unknown")
        code = new_code()
        _store_code(connection, db, key, row.student_id, code, now)
        sign_in_throttle.clear(connection, db, sign_in_throttle.PRACTICE, login=row.login)
        # Their web sessions end, on every process (server_stub/web/web_sessions.py).
        sessions = db.tables["web_sessions"]
        connection.execute(delete(sessions).where(sessions.c.student_id == row.student_id))
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="practice.code_reset",
            uai=uai,
            target=row.login,
        )
    return {
        "student_id": row.student_id,
        "last_name": row.last_name,
        "first_name": row.first_name,
        "division": row.division,
        "login": row.login,
        "first_login_code": code,
    }


def sign_in(
    db: Database,
    key: bytes,
    login: str,
    secret: str,
    *,
    source: str,
    now: float,
    new_password: str | None = None,
) -> dict[str, Any]:
    """The student whose login and secret these are, or PracticeError.

    `secret` is the student's password, or — until they chose one — their first-login code;
    a right code with no `new_password` answers 409 practice_password_required, with one it
    stores the password (and the code stops working). Wrong: 401, counted against `source`
    (the caller's address) for this login; too many: 429 for that source only. An unknown
    login answers and costs as a wrong secret does."""
    accounts = db.tables["practice_accounts"]
    login = login.strip().casefold()
    with db.read() as connection:
        wait = sign_in_throttle.seconds_to_wait(
            connection, db, sign_in_throttle.PRACTICE, source, login, now
        )
        if wait:
            raise PracticeError("practice_sign_in_throttled", seconds=wait)
        row = connection.execute(select(accounts).where(accounts.c.login == login)).first()
    if row is not None and row.password_hash is not None:
        with ARGON2_SLOTS:
            right = verify_secret(row.password_hash, secret)
    else:
        expected = row.code_hash if row is not None else "0" * 64
        right = hmac.compare_digest(_digest(key, secret), expected) and row is not None
        if right and new_password is None:
            raise PracticeError("practice_password_required")
        if not right and row is None:
            with ARGON2_SLOTS:  # the time a known account's password check takes
                verify_secret(None, secret)
    if not right:
        with db.write() as connection:
            sign_in_throttle.record_failure(
                connection, db, sign_in_throttle.PRACTICE, source, login, now
            )
        raise PracticeError("practice_sign_in_refused")
    chosen = None
    if row.password_hash is None:
        _check_password(new_password, login, secret)
        with ARGON2_SLOTS:
            chosen = hash_secret(new_password)
    with db.write() as connection:
        if chosen is not None:
            # Only if the code is still the one checked and no password was set meanwhile.
            stored = connection.execute(
                update(accounts)
                .where(
                    accounts.c.student_id == row.student_id,
                    accounts.c.code_hash == row.code_hash,
                    accounts.c.password_hash.is_(None),
                )
                .values(password_hash=chosen, first_sign_in_at=now)
            )
            if stored.rowcount != 1:
                raise PracticeError("practice_sign_in_refused")
            audit.record(
                connection, db, at=now, actor=f"student:{login}", action="practice.password_set"
            )
        sign_in_throttle.clear(
            connection, db, sign_in_throttle.PRACTICE, login=login, source=source
        )
        return student(connection, db, row.student_id)


def _check_password(password: str, login: str, code: str) -> None:
    """The staff accounts' rule (at least 12 characters), and neither the login nor the code."""
    try:
        check_strength(password)
    except WeakPasswordError as weak:
        raise PracticeError(
            "practice_password_invalid", detail_fr=weak.fr, detail_en=weak.en
        ) from None
    plain = password.strip().casefold()
    if plain == login or normalise_code(password) == normalise_code(code):
        raise PracticeError(
            "practice_password_invalid",
            detail_fr="il ne doit être ni votre identifiant ni votre code.",
            detail_en="it must be neither your login nor your code.",
        )


def student(connection: Connection, db: Database, student_id: str) -> dict[str, Any]:
    """A current student with their practice login (the identity the practice pages use)."""
    students, accounts = db.tables["students"], db.tables["practice_accounts"]
    row = connection.execute(
        select(students, accounts.c.login, accounts.c.code_issued_at)
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
        # When the latest code was issued: a teacher's reset ends the sessions and tokens
        # opened before it (a stolen password stops at once).
        "credentials_at": row.code_issued_at,
    }


def get_student(db: Database, student_id: str) -> dict[str, Any]:
    with db.read() as connection:
        return student(connection, db, student_id)
