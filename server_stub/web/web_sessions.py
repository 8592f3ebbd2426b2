"""Who is signed in to the web space: a random session id in the cookie, the rest server-side.

The cookie holds only an unguessable id (HttpOnly, SameSite=Strict, Secure over TLS); the
account, the language and the CSRF synchronizer token stay in this process's memory (the server
runs one process: docs/server.md), so a restart signs everyone out. Every visitor gets a session
before signing in, so the sign-in form carries a CSRF token too; signing in replaces the id
(no session fixation). Sessions end after two idle hours.
"""

import secrets
import threading
from dataclasses import dataclass, field

from server_stub.schools.accounts import Account

COOKIE = "pix_web"
IDLE_S = 2 * 60 * 60


@dataclass
class WebSession:
    session_id: str
    csrf_token: str
    last_seen: float
    lang: str = "fr"
    account: Account | None = None
    flash: list[str] = field(default_factory=list)
    # A student signed in to practice (server_stub/web/practice_student.py), never with an account.
    student: dict | None = None
    # Between a right first-login code and the password the student chooses: {"login", "code"}.
    choosing_password: dict | None = None
    feedback: dict = field(default_factory=dict)  # campaign code -> the last answer's correction


class WebSessions:
    """The live sessions of the web space, by id."""

    def __init__(self) -> None:
        self._by_id: dict[str, WebSession] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str | None, now: float) -> WebSession | None:
        with self._lock:
            self._expire(now)
            session = self._by_id.get(session_id or "")
            if session is not None:
                session.last_seen = now
            return session

    def start(self, now: float, lang: str = "fr", account: Account | None = None) -> WebSession:
        session = WebSession(
            session_id=secrets.token_urlsafe(32),
            csrf_token=secrets.token_urlsafe(32),
            last_seen=now,
            lang=lang,
            account=account,
        )
        with self._lock:
            self._by_id[session.session_id] = session
        return session

    def end(self, session_id: str) -> None:
        with self._lock:
            self._by_id.pop(session_id, None)

    def _expire(self, now: float) -> None:
        stale = [key for key, s in self._by_id.items() if now - s.last_seen > IDLE_S]
        for key in stale:
            del self._by_id[key]


def csrf_ok(session: WebSession, token: str | None) -> bool:
    """The synchronizer token check of every POST: the form's token is the session's."""
    return bool(token) and secrets.compare_digest(session.csrf_token, token)
