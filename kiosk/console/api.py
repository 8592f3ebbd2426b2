"""The console's calls to the server (docs/protocol.md): the invigilator's routes with the
console token, the certification lead's with the admin token. Asynchronous (httpx), so the
window never waits on the network.

Every failure becomes a `ConsoleApiError` holding the server's own French and English message,
or ours when the server cannot be reached.
"""

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from engine.canonical import BilingualError
from kiosk.client import refusal_from
from kiosk.tls import server_verification

API = "/api/v1"
REQUEST_TIMEOUT_S = 15.0
LONG_POLL_S = 20.0


class ConsoleApiError(BilingualError):
    """A refused or failed call; `details` lists individual problems (e.g. bad CSV lines)."""

    def __init__(
        self,
        code: str,
        fr: str,
        en: str,
        status: int | None = None,
        details: list[Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(code, fr, en)
        self.status = status
        self.details = list(details or ())


def _unreachable(base_url: str, error: Exception) -> ConsoleApiError:
    return ConsoleApiError(
        "server_unreachable",
        f"Serveur injoignable ({base_url}) : vérifiez le réseau et l'adresse du serveur, "
        f"puis réessayez. Détail : {type(error).__name__}.",
        f"Cannot reach the server ({base_url}): check the network and the server address, "
        f"then try again. Detail: {type(error).__name__}.",
    )


class _Http:
    """One httpx client and the error mapping both APIs share."""

    def __init__(
        self, base_url: str, token: str | None = None, verify: ssl.SSLContext | bool = True
    ) -> None:
        """`verify`: see kiosk.tls.server_verification."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=REQUEST_TIMEOUT_S,
            verify=server_verification(verify),
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = await self._client.request(
                method,
                API + path,
                json=json,
                params=params,
                headers=headers,
                timeout=timeout or REQUEST_TIMEOUT_S,
            )
        except httpx.HTTPError as error:
            raise _unreachable(self.base_url, error) from error
        if response.is_error:
            raise refusal_from(response, ConsoleApiError)
        return response

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return (await self.call(method, path, **kwargs)).json()

    async def close(self) -> None:
        await self._client.aclose()


@dataclass(frozen=True)
class SignedIn:
    session_id: str
    session_number: int
    centre: str
    room: str


class ConsoleApi:
    """The invigilator's side: sign in once, then act on that one session."""

    def __init__(self, base_url: str, verify: ssl.SSLContext | bool = True) -> None:
        self._http = _Http(base_url, verify=verify)
        self.session: SignedIn | None = None

    @property
    def base_url(self) -> str:
        return self._http.base_url

    async def sign_in(self, session_number: int, invigilator_code: str) -> SignedIn:
        answer = await self._http.json(
            "POST",
            "/console/sign-in",
            json={"session_number": session_number, "invigilator_code": invigilator_code},
        )
        self._http.token = answer["token"]
        self.session = SignedIn(
            answer["session_id"], answer["session_number"], answer["centre"], answer["room"]
        )
        return self.session

    def _session_path(self, suffix: str) -> str:
        if self.session is None:
            raise RuntimeError("sign in first")
        return f"/console/sessions/{self.session.session_id}{suffix}"

    async def _post(self, suffix: str, body: Mapping[str, Any] | None = None) -> Any:
        return await self._http.json("POST", self._session_path(suffix), json=body)

    async def room(self, since: str | None = None, wait_s: float = 0.0) -> dict[str, Any]:
        """The room now, or (with `since`) as soon as it changes, at most `wait_s` later."""
        params: dict[str, Any] = {"wait": wait_s} if since is not None and wait_s else {}
        if since is not None:
            params["since"] = since
        return await self._http.json(
            "GET", self._session_path("/room"), params=params, timeout=wait_s + REQUEST_TIMEOUT_S
        )

    async def authorise(self, candidate_id: str) -> dict[str, Any]:
        return await self._post(f"/candidates/{candidate_id}/authorise")

    async def pause(self, candidate_id: str) -> dict[str, Any]:
        return await self._post(f"/candidates/{candidate_id}/pause")

    async def resume(self, candidate_id: str) -> dict[str, Any]:
        return await self._post(f"/candidates/{candidate_id}/resume")

    async def pause_all(self) -> list[str]:
        return (await self._post("/pause-all"))["candidate_ids"]

    async def resume_all(self) -> list[str]:
        return (await self._post("/resume-all"))["candidate_ids"]

    async def add_extra_time(self, candidate_id: str, minutes: int) -> dict[str, Any]:
        return await self._post(f"/candidates/{candidate_id}/extra-time", {"minutes": minutes})

    async def end(self, candidate_id: str, abort_reason: str) -> dict[str, Any]:
        return await self._post(f"/candidates/{candidate_id}/end", {"abort_reason": abort_reason})

    async def mark_absent(self, candidate_id: str) -> dict[str, Any]:
        return await self._post(f"/candidates/{candidate_id}/absent")

    async def release(self, candidate_id: str) -> dict[str, Any]:
        """Undo a check-in not started yet, so that the candidate checks in on another PC."""
        return await self._post(f"/candidates/{candidate_id}/release")

    async def report_issue(
        self,
        candidate_id: str,
        category: str,
        subcategory: str | None,
        question_number: int | None,
        description: str,
    ) -> dict[str, Any]:
        return await self._post(
            f"/candidates/{candidate_id}/issue-reports",
            {
                "category": category,
                "subcategory": subcategory,
                "question_number": question_number,
                "description": description,
            },
        )

    async def validate_alert(self, alert_id: str, subcategory: str) -> dict[str, Any]:
        return await self._post(f"/alerts/{alert_id}/validate", {"subcategory": subcategory})

    async def dismiss_alert(self, alert_id: str) -> dict[str, Any]:
        return await self._post(f"/alerts/{alert_id}/dismiss")

    async def unlock(self, incident_id: str) -> dict[str, Any]:
        return await self._post(f"/incidents/{incident_id}/unlock")

    async def finalise(self, remarks: str | None = None) -> dict[str, Any]:
        """Close the session; `remarks` (up to 2,000 characters) go on the attendance report.
        Without them the body stays empty, as servers before remarks expect."""
        return await self._post("/finalise", {"remarks": remarks} if remarks else None)

    async def report(self) -> dict[str, Any]:
        """The attendance and incidents, as the attendance report will print them."""
        return await self._http.json("GET", self._session_path("/report"))

    async def results(self) -> list[dict[str, Any]]:
        """One row per candidate: status, score, global level, verification code."""
        return await self._http.json("GET", self._session_path("/results"))

    async def attendance_report_pdf(self, lang: str) -> bytes:
        response = await self._http.call(
            "GET", self._session_path("/report.pdf"), params={"lang": lang}
        )
        return response.content

    async def close(self) -> None:
        await self._http.close()


class LeadApi:
    """The certification lead's side (admin token): plan a session, import, print."""

    def __init__(
        self, base_url: str, admin_token: str, verify: ssl.SSLContext | bool = True
    ) -> None:
        self._http = _Http(base_url, admin_token.strip(), verify)

    async def check_token(self) -> None:
        """Raise ConsoleApiError (`unauthenticated`) unless the admin token is accepted.

        Asks for a session that cannot exist: a good token gets `session_not_found`."""
        try:
            await self._http.json("GET", "/admin/sessions/0")
        except ConsoleApiError as error:
            if error.code != "session_not_found":
                raise

    async def create_session(
        self, centre: str, room: str, day: str, start: str, invigilator: str, mode: str
    ) -> dict[str, Any]:
        return await self._http.json(
            "POST",
            "/admin/sessions",
            json={
                "centre": centre,
                "room": room,
                "date": day,
                "time": start,
                "invigilator": invigilator,
                "mode": mode,
            },
        )

    async def session(self, session_id: str) -> dict[str, Any]:
        return await self._http.json("GET", f"/admin/sessions/{session_id}")

    async def import_candidates(self, session_id: str, csv_text: str) -> dict[str, Any]:
        return await self._http.json(
            "POST", f"/admin/sessions/{session_id}/candidates", json={"csv": csv_text}
        )

    async def session_sheet_pdf(self, session_id: str, lang: str) -> bytes:
        response = await self._http.call(
            "GET", f"/admin/sessions/{session_id}/sheet.pdf", params={"lang": lang}
        )
        return response.content

    async def close(self) -> None:
        await self._http.close()
