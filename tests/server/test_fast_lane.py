"""Streaming and the record served straight by server_stub/api/fast_lane.py: the same answers
as FastAPI's own dispatch gives, which still takes every request out of the ordinary."""

import httpx

from server_stub.api.fast_lane import KioskFastLane
from server_stub.api.models import Receipt
from server_stub.app import create_app

# A JSON type FastAPI reads as JSON and the lane leaves to it.
VIA_FASTAPI = "application/merge-patch+json"


async def post(room, path: str, body: dict, token: str | None, content_type: str):
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(base_url=room.server.url) as http:
        return await http.post(path, json=body, headers=headers)


async def sat_exam(room, invigilator):
    """A robot that sat its exam with its outbox held back: nothing streamed yet."""
    robot = await room.started(0, invigilator)
    await robot.outbox.stop()
    await robot.take_exam()
    return robot, await robot.seal()


def test_the_lane_and_fastapi_answer_alike(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot, record = await sat_exam(room, invigilator)
        token = robot.client.device_token
        exam_id = record["record"]["exam_id"]
        entries = {"entries": [e.to_dict() for e in robot.journal.entries()[:3]]}
        streamed = f"/api/v1/kiosk/exams/{exam_id}/entries"
        answers = [
            await post(room, streamed, entries, token, kind)
            for kind in ("application/json", VIA_FASTAPI)
        ]
        rest = {"entries": [e.to_dict() for e in robot.journal.entries()[3:]]}
        assert (await post(room, streamed, rest, token, "application/json")).status_code == 200
        by_head = {"record": record["record"], "signature": record["signature"]}
        uploaded = f"/api/v1/kiosk/exams/{exam_id}/record"
        answers += [
            await post(room, uploaded, by_head, token, kind)
            for kind in (VIA_FASTAPI, "application/json")
        ]
        await robot.close()
        return answers

    first, again, record_fastapi, record_lane = room.run(body)
    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"] == again.headers["content-type"] == "application/json"
    assert first.json() == again.json()  # a retry: the original receipt, whoever dispatched it
    Receipt.model_validate(first.json())
    assert record_fastapi.json()["outcome"] == "verified"
    assert record_lane.status_code == 200 and record_lane.json() == record_fastapi.json()


def test_refusals_are_the_servers_usual_errors(room_factory):
    room = room_factory(1)

    async def body(invigilator):
        robot, record = await sat_exam(room, invigilator)
        token = robot.client.device_token
        path = f"/api/v1/kiosk/exams/{record['record']['exam_id']}/entries"
        entries = {"entries": [robot.journal.entries()[0].to_dict()]}
        answers = {
            "no token": await post(room, path, entries, None, "application/json"),
            "unknown token": await post(room, path, entries, "nope", "application/json"),
            "malformed": await post(room, path, {"entry": []}, token, "application/json"),
            "unknown exam": await post(
                room, "/api/v1/kiosk/exams/nope/entries", entries, token, "application/json"
            ),
        }
        await robot.close()
        return answers

    answers = room.run(body)
    assert answers["no token"].status_code == 401
    assert answers["no token"].json()["error"]["code"] == "unauthenticated"
    assert answers["unknown token"].status_code == 401
    refused = answers["malformed"].json()["error"]
    assert answers["malformed"].status_code == 422 and refused["code"] == "invalid_request"
    assert refused["details"][0]["location"].startswith("body")  # FastAPI said what is wrong
    assert answers["unknown exam"].status_code == 404
    assert answers["unknown exam"].json()["error"]["code"] == "exam_not_found"


def test_a_well_formed_request_is_answered_without_fastapi(room_factory):
    room = room_factory(1)
    app = create_app(room.server.ctx)
    lane = KioskFastLane(refuse_everything)

    async def through_lane(scope, receive, send):
        scope["app"] = app  # as FastAPI sets it before its middleware
        await lane(scope, receive, send)

    async def body(invigilator):
        robot, record = await sat_exam(room, invigilator)
        entry = robot.journal.entries()[0].to_dict()
        transport = httpx.ASGITransport(app=through_lane)
        async with httpx.AsyncClient(transport=transport, base_url="http://lane") as http:
            answer = await http.post(
                f"/api/v1/kiosk/exams/{record['record']['exam_id']}/entries",
                json={"entries": [entry]},
                headers={"Authorization": f"Bearer {robot.client.device_token}"},
            )
        await robot.close()
        return answer

    answer = room.run(body)
    assert answer.status_code == 200
    assert Receipt.model_validate(answer.json()).receipt.seq == 1


async def refuse_everything(scope, receive, send):
    raise AssertionError(f"handed to FastAPI: {scope['path']}")
