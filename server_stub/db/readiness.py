"""Whether this server can take answers now: what `GET /health` says, truthfully.

A server that answers but cannot write (a full disk, a read-only file system, a damaged page)
must not look healthy to a load balancer or to IT: it would take requests and fail them. So the
probe commits a real write (a value changed and changed back, in a durable transaction: it
reaches the disk like a receipt's data) and reads the schema's version. The database's pages
were checked at start (server_stub/db/integrity.py); a page damaged since shows up here when
SQLite meets it. Probes run at most once per `PROBE_EVERY_S`: /health is public, and a stranger
calling it in a loop must not make the server write in a loop.
"""

import threading
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server_stub.db.database import Database, migration_scripts
from server_stub.errors import ApiError

PROBE_EVERY_S = 1.0
VERSIONS_QUERY = "SELECT version FROM schema_version"
# Run twice: the value is changed, then back (exactly: a negation). An update that leaves the
# row as it was would write nothing at all (SQLite keeps such a page clean).
WRITE_PROBE = text(
    "UPDATE schema_version SET applied_at = -applied_at "
    "WHERE version = (SELECT MAX(version) FROM schema_version)"
)


class Readiness:
    """The last probe's verdict, renewed when older than `PROBE_EVERY_S`."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.clock = clock
        self._expected = {version for version, _name, _script in migration_scripts()}
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._problem: ApiError | None = None

    def problem(self) -> ApiError | None:
        """None when the server can write and its schema is the expected one; else the
        `not_ready` error saying why."""
        with self._lock:
            now = self.clock()
            if self._checked_at is None or now - self._checked_at >= PROBE_EVERY_S:
                self._problem = self._probe()
                self._checked_at = self.clock()
            return self._problem

    def _probe(self) -> ApiError | None:
        try:
            with self.db.write() as connection:
                versions = {row[0] for row in connection.execute(text(VERSIONS_QUERY))}
                written = [connection.execute(WRITE_PROBE).rowcount for _twice in range(2)]
        except SQLAlchemyError as error:
            reason = " ".join(str(getattr(error, "orig", None) or error).split())
            return ApiError(
                "not_ready",
                detail_fr=f"la base de données refuse l'écriture ({reason})",
                detail=f"the database refuses to write ({reason})",
            )
        if versions != self._expected or written != [1, 1]:
            return ApiError(
                "not_ready",
                detail_fr="le schéma de la base n'est pas celui qu'attend ce serveur",
                detail="the database's schema is not the one this server expects",
            )
        return None
