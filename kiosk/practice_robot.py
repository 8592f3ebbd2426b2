"""Headless students training on a practice campaign over HTTP, for load tests and rehearsals.

The counterpart of kiosk/robot.py for the year's practice: each robot is one student of the
campaign's classes. The robots' tokens come from the server's rehearsal door
(`POST /api/v1/practice/rehearsal/students`, answered only on the server's own machine); each
robot then does what a student's browser does, through the same JSON routes: join the campaign,
take the item on screen, answer, read the correction, until the parcours ends, then send the
profile. Answers come from a simulated ability, as the exam robots' do: θ drawn from the seed,
each answer right with the 2PL probability of the item (read from the practice bank the engine
ships, which holds the solution), then made into a real response.
"""

import asyncio
import math
import random
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


async def _train(
    client: httpx.AsyncClient,
    timings: Timings,
    bank: PracticeBank,
    code: str,
    outcome: StudentOutcome,
    token: str,
    rng: random.Random,
) -> None:
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
    server_url: str, code: str, *, students: int, seed: int
) -> dict[str, Any]:
    """Train `students` robots of the campaign at once; the JSON-able summary."""
    bank = load_practice_bank()
    timings = Timings()
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=server_url, timeout=TIMEOUT_S) as client:
        tokens = await _call(
            client,
            timings,
            "rehearsal",
            "POST",
            "/api/v1/practice/rehearsal/students",
            body={"code": code, "students": students},
        )
        if len(tokens) < students:
            raise PracticeRobotError(
                "not_enough_students",
                f"{students} robots demandés, la campagne n'a que {len(tokens)} élèves",
                f"{students} robots asked for, the campaign has only {len(tokens)} students",
            )

        async def one(index: int, token: dict[str, Any]) -> StudentOutcome:
            rng = random.Random(f"{seed}:{index}")
            outcome = StudentOutcome(index, token["student"]["login"] or "", rng.gauss(0.0, 1.5))
            try:
                await _train(client, timings, bank, code, outcome, token["access_token"], rng)
            except PracticeRobotError as refused:
                outcome.reason = f"{refused.code}: {refused.en}"
            except httpx.HTTPError as error:
                outcome.reason = f"network: {error!r}"
            return outcome

        outcomes = await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
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
