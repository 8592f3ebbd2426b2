"""Who is signed in to the web space: a random id in the cookie, the session in the database.

The cookie holds only an unguessable id (HttpOnly, SameSite=Strict, Secure over TLS). The table
`web_sessions` holds the rest under the id's SHA-256, so every process serving the database
(`pix-server serve --workers N`) knows the session and a restart keeps it, while a stolen copy
of the database gives no cookie that works: the account (its roles read again at every
request, so a withdrawn role or a disabled account stops at once) or the student, the
language, the messages for the next page, the last answer's correction, and the first-login
code waiting for the student's chosen password — sealed (AES-GCM) under a key drawn from the
cookie's id, so the copy gives no code either.

The CSRF synchronizer token is an HMAC of the id under a key drawn from the server's key: the
page of a visitor who has done nothing yet needs no row, so a stranger requesting pages
stores nothing. A session is written when it changes (and its last contact once a minute);
signing in, signing out and the first-login code's step each replace the id (no session
fixation). The server's clock ends a session after two idle hours or twelve hours in all;
expired rows are deleted as new sessions are stored. A teacher's new code for a student
deletes that student's sessions (practice/student_accounts.py `reset_code`).

Each request's session is opened before the route runs and saved before its response starts
(`WebSessionDoor`, an ASGI middleware): the routes never wait on the database for it.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, or_, select, update
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server_stub.db.database import Database
from server_stub.schools.accounts import Account, AccountError, account_by_login

COOKIE = "pix_web"
IDLE_S = 2 * 60 * 60
ABSOLUTE_S = 12 * 60 * 60
# The last contact is written at most this often: idle sessions end between IDLE_S - TOUCH_S
# and IDLE_S after the last request.
TOUCH_S = 60
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


@dataclass
class WebSession:
    session_id: str
    csrf_token: str
    created_at: float
    last_seen: float
    lang: str = "fr"
    account: Account | None = None
    flash: list = field(default_factory=list)
    # A student signed in to practice (server_stub/web/practice_student.py), never with an account.
    student: dict | None = None
    # Between a right first-login code and the password the student chooses: {"login", "code"}.
    choosing_password: dict | None = None
    feedback: dict = field(default_factory=dict)  # campaign code -> the last answer's correction
    # The columns as last read or written, or as made (then `in_db` is False: no row yet).
    stored: dict[str, Any] = field(default_factory=dict)
    in_db: bool = False

    def columns(self) -> dict[str, Any]:
        """What the row holds, the pending code still in clear (sealed when written)."""
        return {
            "lang": self.lang,
            "account_login": self.account.login if self.account else None,
            "student_id": self.student["student_id"] if self.student else None,
            "student": _json(self.student) if self.student else None,
            "pending": _json(self.choosing_password) if self.choosing_password else None,
            "flash": _json(self.flash),
            "feedback": _json(self.feedback),
        }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def session_key(server_key: Ed25519PrivateKey) -> bytes:
    """The HMAC key of the sessions' CSRF tokens, derived from the server's private key."""
    raw = server_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return hashlib.sha256(b"pix-web-sessions-csrf\0" + raw).digest()


def id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _seal(session_id: str, plain: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_sealing_key(session_id)).encrypt(nonce, plain.encode(), None)
    return base64.b64encode(nonce + sealed).decode()


def _open_sealed(session_id: str, sealed: str) -> str | None:
    raw = base64.b64decode(sealed)
    try:
        return AESGCM(_sealing_key(session_id)).decrypt(raw[:12], raw[12:], None).decode()
    except InvalidTag:
        return None


def _sealing_key(session_id: str) -> bytes:
    return hashlib.sha256(b"pix-web-session-seal\0" + session_id.encode()).digest()


class WebSessions:
    """The web space's sessions, in the database."""

    def __init__(self, db: Database, key: bytes, clock: Callable[[], float]) -> None:
        self.db = db
        self._key = key
        self.clock = clock
        self._table = db.tables["web_sessions"]

    def csrf_token(self, session_id: str) -> str:
        return hmac.new(self._key, session_id.encode(), hashlib.sha256).hexdigest()

    def fresh(self, lang: str) -> WebSession:
        """A new session with a new id (not stored until it holds something)."""
        return self._anonymous(secrets.token_urlsafe(32), lang, self.clock())

    def _anonymous(self, session_id: str, lang: str, now: float) -> WebSession:
        session = WebSession(session_id, self.csrf_token(session_id), now, now, lang=lang)
        session.stored = session.columns()
        return session

    def open(self, session_id: str | None, lang: str) -> WebSession:
        """The session the cookie names, if it stands; else an anonymous one. A well-formed id
        the database does not hold is kept (the sign-in form's token was made for it): it
        carries nothing, and signing in replaces it."""
        now = self.clock()
        if not session_id or not SESSION_ID.match(session_id):
            return self.fresh(lang)
        with self.db.read() as connection:
            row = connection.execute(
                select(self._table).where(self._table.c.id_hash == id_hash(session_id))
            ).first()
        if row is None:
            return self._anonymous(session_id, lang, now)
        if now - row.last_seen >= IDLE_S or now - row.created_at >= ABSOLUTE_S:
            return self.fresh(row.lang)  # a new id: the old row is purged later
        session = self._anonymous(session_id, row.lang, row.created_at)
        session.last_seen = row.last_seen
        session.flash = [tuple(entry) for entry in json.loads(row.flash)]
        session.feedback = json.loads(row.feedback)
        session.student = json.loads(row.student) if row.student else None
        if row.pending:
            opened = _open_sealed(session_id, row.pending)
            session.choosing_password = json.loads(opened) if opened else None
        if row.account_login:
            try:
                session.account = account_by_login(self.db, row.account_login)
            except AccountError:  # disabled since: signed out
                session.account = None
        session.stored = session.columns()
        session.stored["account_login"] = row.account_login  # a disabled one is written off
        session.in_db = True
        return session

    def save(self, session: WebSession, ended: list[WebSession]) -> None:
        """Delete the ended sessions' rows, and write `session` if it changed (or its last
        contact, once a minute). A row deleted meanwhile (signed out in another tab or
        process, a teacher's reset) is not brought back."""
        now = self.clock()
        gone = [id_hash(s.session_id) for s in ended if s.in_db]
        columns = session.columns()
        changed = {k: v for k, v in columns.items() if session.stored.get(k) != v}
        touch = session.in_db and now - session.last_seen >= TOUCH_S
        if not (gone or changed or touch):
            return
        if columns["pending"] is not None:
            columns["pending"] = _seal(session.session_id, columns["pending"])
            if "pending" in changed:
                changed["pending"] = columns["pending"]
        table, key = self._table, id_hash(session.session_id)
        with self.db.write() as connection:
            if gone:
                connection.execute(delete(table).where(table.c.id_hash.in_(gone)))
            if not session.in_db and changed:
                expired = or_(
                    table.c.last_seen <= now - IDLE_S, table.c.created_at <= now - ABSOLUTE_S
                )
                connection.execute(delete(table).where(expired))
                connection.execute(
                    self.db.insert_new(table).values(
                        id_hash=key, created_at=session.created_at, last_seen=now, **columns
                    )
                )
                session.in_db, session.last_seen = True, now
            elif session.in_db and (changed or touch):
                if touch:
                    changed["last_seen"] = session.last_seen = now
                connection.execute(update(table).where(table.c.id_hash == key).values(**changed))
        session.stored = session.columns()


class RequestSessions:
    """One request's session, and those it ended (deleted when the response starts)."""

    def __init__(self, store: WebSessions, current: WebSession) -> None:
        self.store = store
        self.current = current
        self.ended: list[WebSession] = []

    def restart(self) -> WebSession:
        """A new id for the visitor, in the same language; the old session ends."""
        self.ended.append(self.current)
        self.current = self.store.fresh(self.current.lang)
        return self.current


def preferred_language(headers: dict[str, str]) -> str:
    accepted = headers.get("accept-language", "").lower()
    return "en" if accepted.startswith("en") else "fr"


class WebSessionDoor:
    """Opens the session of every request under /web before the route runs, and saves it
    before the response starts (so the next request, on whichever process, sees it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/web/") or "/static/" in path:
            await self.app(scope, receive, send)
            return
        store = _store(scope["app"])
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        cookie = _cookie(headers.get("cookie", ""))
        opened = await run_in_threadpool(store.open, cookie, preferred_language(headers))
        sessions = RequestSessions(store, opened)
        scope.setdefault("state", {})["web_sessions"] = sessions

        async def saving(message: Message) -> None:
            if message["type"] == "http.response.start":
                await run_in_threadpool(store.save, sessions.current, sessions.ended)
            await send(message)

        await self.app(scope, receive, saving)


def _store(app) -> WebSessions:
    state = app.state
    if not hasattr(state, "web_session_store"):
        ctx = state.ctx
        key = session_key(ctx.server_key)
        state.web_session_store = WebSessions(ctx.db, key, lambda: ctx.clock())
    return state.web_session_store


def _cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


def csrf_ok(session: WebSession, token: str | None) -> bool:
    """The synchronizer token check of every POST: the form's token is the session's."""
    return bool(token) and secrets.compare_digest(session.csrf_token, str(token))
