"""Not checking twice a signature the server has already checked.

Every streamed journal entry had its device signature verified on arrival, and every ticket it
carries the server's; the final record repeats them. `PreverifiedKey` stands for the device's
(or the server's) public key when the record is verified: a (signature, message) pair already
verified with this very key passes at once, anything else is verified for real. The entry's hash
is still recomputed from its content (engine.journal_format.verify_chain), so a changed entry
cannot ride on an old signature.

`device_key` builds a device's public key object once: every upload of a kiosk is checked with
it, and the key text of a device never changes.
"""

from collections.abc import Set
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine.keys import ed25519_public_from_b64


@lru_cache(maxsize=4096)
def device_key(signing_key: str) -> Ed25519PublicKey:
    """The public key of a device's `signing_key` (base64), as the enrolment stored it."""
    return ed25519_public_from_b64(signing_key)


class PreverifiedKey:
    def __init__(self, key: Ed25519PublicKey, verified: Set[tuple[bytes, bytes]]) -> None:
        self._key = key
        self._verified = verified

    def verify(self, signature: bytes, data: bytes) -> None:
        if (signature, data) not in self._verified:
            self._key.verify(signature, data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._key, name)
