"""The kiosk's HTTP client to the exam server (docs/protocol.md), asynchronous (httpx).

`KioskClient` makes the calls of an enrolled lab PC (device token): enrolment, banks,
check-in, status polling, ticket, the commands long-poll, live alerts, incidents, unlocking or
quitting with the invigilator code, journal streaming, the journal head heartbeat and the
record upload. (The invigilator's calls are kiosk/console/api.py.)

Failures are typed: `ServerError` when the server refused a call (a 4xx: its code and its
French and English message), `ServerUnreachable` when it did not take it (network down,
timeout, a proxy saying the server is away, or any 5xx: the server failing — a full disk, a
restart — is not a verdict on the request). Only the second is worth retrying as is;
`Backoff` spaces the retries (exponential, full jitter) so that a room of kiosks coming back
online does not hit the server all at once.
"""

import asyncio
import hashlib
import os
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from engine.canonical import BilingualError
from engine.journal_format import JournalEntry
from kiosk.config_key import ConfigKey
from kiosk.identity import DeviceIdentity
from kiosk.tls import server_verification

API = "/api/v1"
REQUEST_TIMEOUT_S = 15.0
# Connections stay open between two answers, a minute or two apart: with httpx's default of 5 s
# each answer paid a new TCP (and TLS) handshake. Under the server's 75 s, so the kiosk is the
# one that closes an idle connection, never the server as the kiosk sends on it.
KEEPALIVE_S = 70.0
LONG_POLL_S = 25.0
# From 500 on, the server (or a proxy answering for it) failed: retried, never final.
FIRST_FAILURE_STATUS = 500

T = TypeVar("T")
Timing = Callable[[str, float], None]


class ServerError(BilingualError):
    """The server refused or failed a call; `code` is its stable code (docs/protocol.md)."""

    def __init__(
        self,
        code: str,
        fr: str,
        en: str,
        status: int,
        details: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(code, fr, en)
        self.status = status
        self.details = list(details or ())


class ServerUnreachable(BilingualError):
    """No answer from the server: the kiosk keeps working offline and tries again later."""

    def __init__(self, base_url: str, reason: str) -> None:
        super().__init__(
            "server_unreachable",
            f"Serveur d'examen injoignable ({base_url}) : le travail continue hors ligne et "
            f"sera envoyé dès le retour du réseau. Détail : {reason}.",
            f"Exam server unreachable ({base_url}): work goes on offline and will be sent "
            f"once the network is back. Detail: {reason}.",
        )
        self.base_url = base_url


@dataclass
class Backoff:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base·2ⁿ))."""

    base_s: float = 0.5
    cap_s: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0.0, min(self.cap_s, self.base_s * 2 ** min(attempt, 30)))

    async def retry(
        self, call: Callable[[], Awaitable[T]], attempts: int | None, sleep=asyncio.sleep
    ) -> T:
        """Run `call`, again after a delay while the server is unreachable, `attempts` times
        at most (the last failure is raised); `None`: until it gets through."""
        if attempts is not None and attempts < 1:
            raise ValueError("attempts must be at least 1")
        attempt = 0
        while True:
            try:
                return await call()
            except ServerUnreachable:
                attempt += 1
                if attempts is not None and attempt >= attempts:
                    raise
                await sleep(self.delay(attempt - 1))


@dataclass(frozen=True)
class Enrolment:
    """What enrolment gives a lab PC: its id and token, and the keys to pin."""

    device_id: str
    device_token: str
    server_public_key: str
    publisher_public_key: str


class _Http:
    """One httpx connection pool, the bearer token, the error mapping, optional timings."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timing: Timing | None,
        transport: httpx.AsyncBaseTransport | None,
        verify: ssl.SSLContext | bool,
    ) -> None:
        """`verify`: see kiosk.tls.server_verification."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._timing = timing
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=REQUEST_TIMEOUT_S,
            transport=transport,
            verify=server_verification(verify),
            limits=httpx.Limits(
                max_connections=20, max_keepalive_connections=10, keepalive_expiry=KEEPALIVE_S
            ),
        )

    async def call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float = REQUEST_TIMEOUT_S,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        started = time.perf_counter()
        try:
            response = await self._client.request(
                method, API + path, json=json, params=params, headers=headers, timeout=timeout
            )
        except httpx.HTTPError as error:
            raise ServerUnreachable(self.base_url, type(error).__name__) from error
        if self._timing is not None:
            self._timing(operation, time.perf_counter() - started)
        if response.status_code >= FIRST_FAILURE_STATUS:
            failure = refusal_from(response)
            reason = f"HTTP {response.status_code}"
            if failure.code != "unexpected_answer":
                reason += f" {failure.code}"
            raise ServerUnreachable(self.base_url, reason)
        if response.is_error:
            raise refusal_from(response)
        return response

    async def json(self, operation: str, method: str, path: str, **kwargs: Any) -> Any:
        return (await self.call(operation, method, path, **kwargs)).json()

    async def aclose(self) -> None:
        await self._client.aclose()


def refusal_from(
    response: httpx.Response, error_type: Callable[..., BilingualError] = ServerError
) -> Any:
    """The server's JSON error (`docs/protocol.md`) as `error_type`, or an "unexpected answer"
    one when the body is not in that format (a proxy's page, say)."""
    try:
        error = response.json()["error"]
        return error_type(
            error["code"],
            error["message_fr"],
            error["message_en"],
            response.status_code,
            error.get("details"),
        )
    except (ValueError, KeyError, TypeError):
        return error_type(
            "unexpected_answer",
            f"Réponse inattendue du serveur (HTTP {response.status_code}).",
            f"Unexpected answer from the server (HTTP {response.status_code}).",
            response.status_code,
        )


class KioskClient:
    """The calls of one lab PC. Without a device token only `enrol` and `public_keys` work;
    `check_in` also needs the PC's configuration key (kiosk.config_key), which it sends, with
    the id of the bank edition the PC holds when given (`bank_id`)."""

    def __init__(
        self,
        base_url: str,
        device_token: str | None = None,
        *,
        config_key: ConfigKey | None = None,
        bank_id: str | None = None,
        backoff: Backoff | None = None,
        timing: Timing | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._http = _Http(
            base_url, device_token, timing=timing, transport=transport, verify=verify
        )
        self.backoff = backoff or Backoff()
        self.config_key = config_key
        self.bank_id = bank_id

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def device_token(self) -> str | None:
        return self._http.token

    @device_token.setter
    def device_token(self, token: str | None) -> None:
        self._http.token = token

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "KioskClient":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # --- set-up -----------------------------------------------------------------------------

    async def public_keys(self) -> dict[str, str]:
        """The server's and publisher's keys (to compare with the pinned ones, never to pin
        blindly: pinning is IT's job, from the lab configuration)."""
        return await self._http.json("keys", "GET", "/keys")

    async def enrol(
        self, enrolment_token: str, identity: DeviceIdentity, label: str = ""
    ) -> Enrolment:
        """Register this PC's public keys; the device token is kept for later calls."""
        public = identity.enrolment()
        answer = await self._http.json(
            "enrol",
            "POST",
            "/devices/enrol",
            json={
                "enrolment_token": enrolment_token,
                "label": label,
                "signing_public_key": public["signing_public_key"],
                "exchange_public_key": public["exchange_public_key"],
            },
        )
        self.device_token = answer["device_token"]
        return Enrolment(
            device_id=answer["device_id"],
            device_token=answer["device_token"],
            server_public_key=answer["server_public_key"],
            publisher_public_key=answer["publisher_public_key"],
        )

    async def banks(self) -> list[dict[str, Any]]:
        return await self._http.json("banks", "GET", "/kiosk/banks")

    async def download_bank(self, bank_id: str, destination: Path) -> Path:
        """Fetch a sealed bank into `destination` (atomically); its bytes must hash to its id."""
        response = await self._http.call(
            "download_bank", "GET", f"/kiosk/banks/{bank_id}", timeout=120.0
        )
        data = response.content
        if "sha256:" + hashlib.sha256(data).hexdigest() != bank_id:
            raise ServerError(
                "bank_corrupted",
                "La banque téléchargée ne correspond pas à son identifiant : réessayez.",
                "The downloaded bank does not match its id: try again.",
                response.status_code,
            )
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = destination.with_name(destination.name + ".part")
        staging.write_bytes(data)
        os.replace(staging, destination)
        return destination

    # --- exam day -----------------------------------------------------------------------------

    async def check_in(
        self,
        *,
        session_number: int,
        access_code: str,
        last_name: str,
        first_names: str,
        birth_date: str,
    ) -> dict[str, Any]:
        """Check a candidate in on this PC, showing the server this PC's configuration key
        (refused with `unknown_configuration` when the server's allow-list lacks it)."""
        if self.config_key is None:
            raise ValueError("check_in needs the PC's configuration key: KioskClient(config_key=)")
        body = {
            "session_number": session_number,
            "access_code": access_code,
            "last_name": last_name,
            "first_names": first_names,
            "birth_date": birth_date,
            "config_key": self.config_key.key,
            "app_version": self.config_key.app_version,
        }
        if self.bank_id is not None:
            body["bank_id"] = self.bank_id
        return await self._http.json("check_in", "POST", "/kiosk/checkin", json=body)

    async def candidate_status(self, candidate_id: str, wait_s: float = 0) -> dict[str, Any]:
        """The candidate's status; with `wait_s`, a long-poll that answers as soon as the
        invigilator authorises (or the status changes)."""
        return await self._http.json(
            "candidate_status",
            "GET",
            f"/kiosk/candidates/{candidate_id}",
            params={"wait": wait_s},
            timeout=wait_s + REQUEST_TIMEOUT_S,
        )

    async def fetch_ticket(self, candidate_id: str) -> dict[str, Any]:
        """The signed ticket (verify it with engine.ticket.verify_ticket before use)."""
        return await self._http.json(
            "fetch_ticket", "GET", f"/kiosk/candidates/{candidate_id}/ticket"
        )

    async def commands(self, after_seq: int, wait_s: float = LONG_POLL_S) -> list[dict[str, Any]]:
        """The invigilator's commands for this PC numbered after `after_seq` (long-poll)."""
        answer = await self._http.json(
            "commands",
            "GET",
            "/kiosk/commands",
            params={"after": after_seq, "wait": wait_s},
            timeout=wait_s + REQUEST_TIMEOUT_S,
        )
        return answer["commands"]

    async def live_alert(self, exam_id: str, item_id: str) -> dict[str, Any]:
        return await self._http.json(
            "live_alert", "POST", f"/kiosk/exams/{exam_id}/alerts", json={"item_id": item_id}
        )

    async def report_incident(
        self, exam_id: str, kind: str, detail: str, *, locked: bool = True
    ) -> dict[str, Any]:
        """A lockdown incident: the kiosk locked itself, or (`locked` false) it refused to start
        the exam's lockdown and is not locked (docs/protocol.md, "Live events")."""
        body: dict[str, Any] = {"kind": kind, "detail": detail}
        if not locked:  # a lock's request stays as it always was
            body["locked"] = False
        return await self._http.json(
            "report_incident", "POST", f"/kiosk/exams/{exam_id}/incidents", json=body
        )

    async def unlock_with_code(self, exam_id: str, code: str) -> dict[str, Any]:
        """The invigilator typed the invigilator code on the locked kiosk itself."""
        return await self._http.json(
            "unlock_with_code",
            "POST",
            f"/kiosk/exams/{exam_id}/unlock",
            json={"invigilator_code": code},
        )

    async def quit_with_code(
        self, session_number: int, code: str, exam_id: str | None = None
    ) -> dict[str, Any]:
        """The invigilator typed the invigilator code to quit this kiosk (secure mode); the
        exam under way, if any, is named for the server's security log."""
        return await self._http.json(
            "quit_with_code",
            "POST",
            "/kiosk/quit",
            json={
                "session_number": session_number,
                "invigilator_code": code,
                "exam_id": exam_id,
            },
        )

    async def stream_entries(
        self, exam_id: str, entries: Sequence[JournalEntry], attempts: int = 1
    ) -> dict[str, Any]:
        """Send journal entries; returns the signed receipt (verify it before acknowledging)."""
        body = {"entries": [entry.to_dict() for entry in entries]}
        return await self.backoff.retry(
            lambda: self._http.json(
                "stream_entries", "POST", f"/kiosk/exams/{exam_id}/entries", json=body
            ),
            attempts,
        )

    async def send_head(self, exam_id: str, signed_head: Mapping[str, Any]) -> dict[str, Any]:
        """The heartbeat: commit the journal's signed head (engine.head_commitment.sign_head),
        once, without retrying (the next beat follows in a few seconds)."""
        return await self._http.json(
            "send_head", "POST", f"/kiosk/exams/{exam_id}/head", json=dict(signed_head)
        )

    async def upload_record(
        self, record: Mapping[str, Any], attempts: int | None = 1, *, acknowledged: bool = False
    ) -> dict[str, Any]:
        """Upload the sealed record (engine.record.build_record). The answer holds the receipt
        and the outcome (`verified` or `quarantined` with its reason). `attempts`: see
        `Backoff.retry` (None: until the server takes or refuses it).

        `acknowledged`: the server's receipt covers the record's head, so the record goes by
        its head, without the entries the server holds (35 KB less for a full exam); should
        the server miss some, it says so and the whole record follows."""
        exam_id = record["record"]["exam_id"]

        async def send(body: dict[str, Any]) -> dict[str, Any]:
            return await self.backoff.retry(
                lambda: self._http.json(
                    "upload_record", "POST", f"/kiosk/exams/{exam_id}/record", json=body
                ),
                attempts,
            )

        if acknowledged:
            try:
                return await send({"record": record["record"], "signature": record["signature"]})
            except ServerError as error:
                if error.code != "record_entries_missing":
                    raise
        return await send(dict(record))
