"""What every service needs, opened once from the data directory: database, keys, clock, wake-ups.

The server's clock is the authority for the exam timeline (DESIGN §5); it is a field here so
that a test can move time forward instead of sleeping.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.keys import public_key_b64
from server_stub.banks import BankStore
from server_stub.datadir import DataDir
from server_stub.db.database import Database
from server_stub.db.readiness import Readiness
from server_stub.device_credentials import DeviceCredentials
from server_stub.exam_evidence import DEFAULT_OFFLINE_REVIEW_S
from server_stub.live_exams import LiveExams
from server_stub.lookup_throttle import LookupThrottle
from server_stub.notifier import Notifier, notifier_for


@dataclass
class ServerContext:
    data_dir: DataDir
    db: Database
    server_key: Ed25519PrivateKey
    publisher_public_key: Ed25519PublicKey
    admin_token: str
    banks: BankStore
    clock: Callable[[], float] = time.time
    # An exam's kiosk silent longer than this (seconds, the exam's clock) sends it to review.
    offline_review_s: float = DEFAULT_OFFLINE_REVIEW_S
    # Long-poll wake-ups, across processes on PostgreSQL (notifier.py).
    notifier: Notifier = field(init=False)
    # device id -> server instant of its last request: live console information, not evidence.
    last_contact: dict[str, float] = field(default_factory=dict)
    # Misses of the public certificate lookup per client address (lookup_throttle.py).
    lookup_throttle: LookupThrottle = field(default_factory=LookupThrottle)
    # Device tokens, with revocations seen within a second (device_credentials.py).
    device_credentials: DeviceCredentials = field(init=False)
    # Exams replayed as their journals stream in (their records are then only compared).
    live_exams: LiveExams = field(init=False)
    # What /health says: can this server write now (db/readiness.py).
    readiness: Readiness = field(init=False)

    def __post_init__(self) -> None:
        self.notifier = notifier_for(self.db.engine)
        self.device_credentials = DeviceCredentials(self.db)
        self.live_exams = LiveExams(self.server_public_key)
        self.readiness = Readiness(self.db)

    @classmethod
    def open(cls, data_dir: DataDir) -> "ServerContext":
        publisher_public_key = data_dir.publisher_public_key()
        banks = BankStore(data_dir, publisher_public_key)
        db = data_dir.open_database()
        return cls(
            data_dir=data_dir,
            db=db,
            server_key=data_dir.server_key(),
            publisher_public_key=publisher_public_key,
            admin_token=data_dir.admin_token(),
            banks=banks,
        )

    @property
    def server_public_key(self) -> Ed25519PublicKey:
        return self.server_key.public_key()

    def public_keys(self) -> dict[str, str]:
        """Both keys as kiosks pin them (base64 of the raw 32 bytes)."""
        return {
            "server_public_key": public_key_b64(self.server_public_key),
            "publisher_public_key": public_key_b64(self.publisher_public_key),
        }

    def now(self) -> float:
        return self.clock()

    def close(self) -> None:
        self.notifier.close()
        self.db.close()
