"""The requests the core carries out, by name: the one entry point of the window (through the
socket service) and of the robot (in its own process). Anything else is refused — there is no
request for "the next item", for an item other than the one on screen, for a solution, a key or
the journal: the core simply has no way to hand them out.
"""

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.core.exam_core import ExamCore
from kiosk.core.refusals import UNKNOWN_REQUEST, bad_request

Handler = Callable[[ExamCore, Mapping[str, Any]], Any]


def _text(request: Mapping[str, Any], name: str, limit: int = 200) -> str:
    value = request.get(name)
    if not isinstance(value, str) or len(value) > limit:
        raise bad_request(f"{name} must be a string of at most {limit} characters")
    return value


def _number(request: Mapping[str, Any], name: str) -> int:
    value = request.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise bad_request(f"{name} must be a number")
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"{name} must be a number") from None


def _flag(request: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = request.get(name, default)
    if not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false")
    return value


async def _hello(core: ExamCore, _request: Mapping[str, Any]) -> dict[str, Any]:
    return {"state": core.snapshot()}


async def _check_in(core: ExamCore, request: Mapping[str, Any]) -> dict[str, Any]:
    answer = await core.check_in(
        session_number=_number(request, "session_number"),
        access_code=_text(request, "access_code"),
        last_name=_text(request, "last_name"),
        first_name=_text(request, "first_name"),
        birth_date=_text(request, "birth_date", 10),
        wait=_flag(request, "wait", default=True),
    )
    return {
        "candidate_id": answer["candidate_id"],
        "status": answer.get("status"),
        "resuming": core.resuming,
    }


async def _wait_for_ticket(core: ExamCore, _request: Mapping[str, Any]) -> None:
    core.wait_for_ticket()


async def _cancel_waiting(core: ExamCore, _request: Mapping[str, Any]) -> None:
    core.cancel_waiting()


async def _lockdown_refused(core: ExamCore, request: Mapping[str, Any]) -> None:
    core.lockdown_refused(
        _text(request, "code"),
        _text(request, "kind"),
        _text(request, "fr", 2000),
        _text(request, "en", 2000),
    )


async def _start_questions(core: ExamCore, _request: Mapping[str, Any]) -> None:
    core.start_questions()


async def _show_next(core: ExamCore, _request: Mapping[str, Any]) -> None:
    core.show_next()


async def _item(core: ExamCore, request: Mapping[str, Any]) -> dict[str, Any]:
    return {"item": core.current_item_view(_text(request, "item_id"))}


async def _answer(core: ExamCore, request: Mapping[str, Any]) -> None:
    response = request.get("response")
    if not isinstance(response, int | str | list | dict | type(None)) or isinstance(response, bool):
        raise bad_request("response must be a choice, a list of choices, a text or a table")
    core.answer(
        _text(request, "item_id"),
        response,
        skipped=_flag(request, "skipped"),
        timed_out=_flag(request, "timed_out"),
    )


async def _report_problem(core: ExamCore, request: Mapping[str, Any]) -> dict[str, Any]:
    return {"alert": await core.report_problem(_text(request, "item_id"))}


async def _focus_lost(core: ExamCore, request: Mapping[str, Any]) -> None:
    core.note_focus_lost(_text(request, "item_id"))


async def _violation(core: ExamCore, request: Mapping[str, Any]) -> None:
    core.violation(_text(request, "kind"), _text(request, "detail", 2000))


async def _unlock(core: ExamCore, request: Mapping[str, Any]) -> None:
    await core.unlock_with_code(_text(request, "code"))


async def _acknowledge_time_over(core: ExamCore, _request: Mapping[str, Any]) -> None:
    core.acknowledge_time_over()


async def _next_candidate(core: ExamCore, _request: Mapping[str, Any]) -> None:
    core.next_candidate()


async def _quit(core: ExamCore, request: Mapping[str, Any]) -> None:
    await core.quit_with_code(_number(request, "session_number"), _text(request, "code"))


WINDOW_REQUESTS: dict[str, Handler] = {
    "hello": _hello,
    "check_in": _check_in,
    "wait_for_ticket": _wait_for_ticket,
    "cancel_waiting": _cancel_waiting,
    "lockdown_refused": _lockdown_refused,
    "start_questions": _start_questions,
    "show_next": _show_next,
    "item": _item,
    "answer": _answer,
    "report_problem": _report_problem,
    "focus_lost": _focus_lost,
    "violation": _violation,
    "unlock": _unlock,
    "acknowledge_time_over": _acknowledge_time_over,
    "next_candidate": _next_candidate,
    "quit": _quit,
}


async def _network_cut(core: ExamCore, request: Mapping[str, Any]) -> None:
    seconds = request.get("seconds")
    if core.network_cut is None or not isinstance(seconds, int | float) or seconds < 0:
        raise bad_request("seconds must be a number, on a core built with a network switch")
    core.network_cut.cut(float(seconds))


# The robot's extra: cutting the core's network for a while (`--offline-for`). Never served
# on the socket: a window has no business switching the core's network.
ROBOT_REQUESTS: dict[str, Handler] = WINDOW_REQUESTS | {"network_cut": _network_cut}


async def handle(
    core: ExamCore, request: Mapping[str, Any], requests: Mapping[str, Handler] = WINDOW_REQUESTS
) -> dict[str, Any]:
    """Carry out one request; its answer's body (a refusal is raised, `CoreRefusal` or the
    server's `BilingualError`)."""
    handler = requests.get(str(request.get("op")))
    if handler is None:
        raise UNKNOWN_REQUEST
    return await handler(core, request) or {}
