"""Headless students training on a practice campaign over HTTP, for load tests and rehearsals.

The counterpart of kiosk/robot.py for the year's practice: each robot is one student of the
campaign's classes and signs in as students do — login and first-login code from the class
sheet, then a password of its own (random, forgotten after the run). The sheet is the teacher's
(`--sheet FILE`, what `pix-server campaign sheet --json` prints), or one the server's rehearsal
door draws (`POST /api/v1/practice/rehearsal/students`, answered only on the server's own
machine: a rehearsal campaign's first students, or any other campaign's students who never chose
a password). Each robot
then does what a student's browser does, through the same JSON routes: join the campaign,
take the item on screen, answer, read the correction, until the parcours ends, then send the
profile. Answers come from a simulated ability, as the exam robots' do: θ drawn from the seed,
each answer right with the 2PL probability of the item (read from the practice bank the engine
ships, which holds the solution), then made into a real response.
"""

import asyncio
import math
import random
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx

from engine.training import PracticeBank, load_practice_bank
from kiosk.robot import Timings, simulated_response

MAX_ITEMS_PER_ROBOT = 200  # a parcours that never ends is a failure, not a hang
TIMEOUT_S = 60.0


class PracticeRobotError(Exception):
    """A call the server refused: its code and both messages."""

    def __init__(self, code: str, fr: str, en: str) -> None:
        super().__init__(f"{code}: {en}")
        self.code, self.fr, self.en = code, fr, en


@dataclass
class StudentOutcome:
    index: int
    login: str
    theta: float
    completed: bool = False
    answered: int = 0
    correct: int = 0
    pix_score: int | None = None
    certifiable: bool | None = None
    reason: str | None = None


async def _call(
    client: httpx.AsyncClient,
    timings: Timings,
    operation: str,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    response = await client.request(method, path, json=body, headers=headers)
    timings.record(operation, time.perf_counter() - started)
    if response.status_code >= 400:
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": f"http_{response.status_code}", "message_fr": "", "message_en": ""}
        raise PracticeRobotError(error["code"], error["message_fr"], error["message_en"])
    return response.json()


def sheet_lines(sheet: dict[str, Any], code: str, students: int) -> list[dict[str, Any]]:
    """The first `students` lines of a class sheet that carry a first-login code (the others
    already chose their password), or PracticeRobotError."""
    if "".join(c for c in str(sheet.get("code", "")).upper() if c.isalnum()) != "".join(
        c for c in code.upper() if c.isalnum()
    ):
        raise PracticeRobotError(
            "sheet_mismatch",
            f"la fiche est celle de la campagne {sheet.get('code')}, pas de {code}",
            f"the sheet is campaign {sheet.get('code')}'s, not {code}'s",
        )
    usable = [line for line in sheet.get("students", []) if line.get("first_login_code")]
    if len(usable) < students:
        raise PracticeRobotError(
            "not_enough_students",
            f"{students} robots demandés, la fiche n'a que {len(usable)} élèves avec un code "
            "de première connexion (imprimez une nouvelle fiche)",
            f"{students} robots asked for, the sheet has only {len(usable)} students with a "
            "first-login code (print a new sheet)",
        )
    return usable[:students]


async def _sign_in(client: httpx.AsyncClient, timings: Timings, line: dict[str, Any]) -> str:
    """The token of a sheet's student: their code, and a password chosen now (as at a
    student's first sign-in)."""
    signed_in = await _call(
        client,
        timings,
        "sign_in",
        "POST",
        "/api/v1/practice/sign-in",
        body={
            "login": line["login"],
            "password": line["first_login_code"],
            "new_password": secrets.token_urlsafe(18),
        },
    )
    return signed_in["access_token"]


async def _train(
    client: httpx.AsyncClient,
    timings: Timings,
    bank: PracticeBank,
    code: str,
    outcome: StudentOutcome,
    line: dict[str, Any],
    rng: random.Random,
) -> None:
    token = await _sign_in(client, timings, line)
    await _call(client, timings, "join", "POST", f"/api/v1/practice/campaigns/{code}/join", token)
    for _ in range(MAX_ITEMS_PER_ROBOT):
        screen = await _call(
            client, timings, "item", "GET", f"/api/v1/practice/campaigns/{code}/item", token
        )
        if screen["done"]:
            break
        item = bank.item(screen["item"]["id"])
        p = 1.0 / (1.0 + math.exp(item.discrimination * (item.difficulty - outcome.theta)))
        feedback = await _call(
            client,
            timings,
            "answer",
            "POST",
            f"/api/v1/practice/campaigns/{code}/answers",
            token,
            {"item_id": item.id, "response": simulated_response(item, rng.random() < p, rng)},
        )
        outcome.answered += 1
        outcome.correct += bool(feedback["correct"])
    else:
        raise PracticeRobotError(
            "parcours_endless",
            f"parcours toujours ouvert après {MAX_ITEMS_PER_ROBOT} questions",
            f"parcours still open after {MAX_ITEMS_PER_ROBOT} questions",
        )
    sent = await _call(
        client, timings, "send", "POST", f"/api/v1/practice/campaigns/{code}/sendings", token
    )
    outcome.pix_score, outcome.certifiable = sent["pix_score"], sent["certifiable"]
    outcome.completed = True


async def run_practice_robots(
    server_url: str,
    code: str,
    *,
    students: int,
    seed: int,
    sheet: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train `students` robots of the campaign at once; the JSON-able summary. `sheet`: the
    class sheet to sign in with (None: ask the server's rehearsal door)."""
    bank = load_practice_bank()
    timings = Timings()
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=server_url, timeout=TIMEOUT_S) as client:
        if sheet is None:
            sheet = await _call(
                client,
                timings,
                "rehearsal",
                "POST",
                "/api/v1/practice/rehearsal/students",
                body={"code": code, "students": students},
            )
        lines = sheet_lines(sheet, code, students)

        async def one(index: int, line: dict[str, Any]) -> StudentOutcome:
            rng = random.Random(f"{seed}:{index}")
            outcome = StudentOutcome(index, line["login"], rng.gauss(0.0, 1.5))
            try:
                await _train(client, timings, bank, code, outcome, line, rng)
            except PracticeRobotError as refused:
                outcome.reason = f"{refused.code}: {refused.en}"
            except httpx.HTTPError as error:
                outcome.reason = f"network: {error!r}"
            return outcome

        outcomes = await asyncio.gather(*(one(i, line) for i, line in enumerate(lines)))
    return {
        "robots": students,
        "code": code,
        "completed": sum(o.completed for o in outcomes),
        "failed": [
            {"index": o.index, "login": o.login, "answered": o.answered, "reason": o.reason}
            for o in outcomes
            if not o.completed
        ],
        "answers": sum(o.answered for o in outcomes),
        "sent": sum(o.completed for o in outcomes),
        "students": [
            {
                "index": o.index,
                "login": o.login,
                "theta": round(o.theta, 3),
                "answered": o.answered,
                "correct": o.correct,
                "pix_score": o.pix_score,
                "certifiable": o.certifiable,
            }
            for o in outcomes
        ],
        "elapsed_s": round(time.perf_counter() - started, 2),
        "latency": timings.summary(),
    }
