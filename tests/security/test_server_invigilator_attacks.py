"""Someone with the wrong code, another session's invigilator, a second PC with a room's
access code: none locks the real invigilator out, acts on a session not theirs, or takes a
candidate's exam over. Each refusal is clear in French and English and logged."""

import httpx
import pytest

from kiosk.client import ServerError


def sign_in(url: str, number: int, code: str, address: str = "127.0.0.1") -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport) as client:
        return client.post(
            url + "/api/v1/console/sign-in",
            json={"session_number": number, "invigilator_code": code},
        )


def test_ten_wrong_codes_from_one_address_leave_the_right_code_working_from_another(
    room_factory, tools
):
    room = room_factory(1)
    url, number = room.server.url, room.planned.session_number
    wrong = [sign_in(url, number, "wrong!", "127.0.0.2") for _ in range(10)]
    assert [answer.status_code for answer in wrong] == [403] * 4 + [429] * 6
    assert wrong[0].json()["error"]["code"] == "wrong_invigilator_code"
    assert wrong[-1].json()["error"]["code"] == "invigilator_locked"
    assert "bloqué" in wrong[-1].json()["error"]["message_fr"]
    assert "locked" in wrong[-1].json()["error"]["message_en"]
    right = sign_in(url, number, room.planned.invigilator_code, "127.0.0.1")
    assert right.status_code == 200, right.text
    still = sign_in(url, number, room.planned.invigilator_code, "127.0.0.2")
    assert still.status_code == 429  # the guesser stays locked out, even with the code
    sources = {
        detail["source"] for detail in tools.security_log(room.server, "wrong_invigilator_code")
    }
    assert sources == {"address:127.0.0.2"}


def test_guessing_session_numbers_is_throttled(room_factory):
    room = room_factory(1)
    url, number = room.server.url, room.planned.session_number
    answers = [sign_in(url, number + n, "abcdef", "127.0.0.3") for n in range(1, 7)]
    assert [a.status_code for a in answers] == [403] * 4 + [429] * 2
    assert len({a.json()["error"]["message_en"] for a in answers[:4]}) == 1  # nothing told
    locked = sign_in(url, number, room.planned.invigilator_code, "127.0.0.3")
    assert locked.status_code == 429  # the guesser is locked out of every session


def test_another_sessions_invigilator_can_act_on_nothing_here(room_factory):
    room = room_factory(1)
    other = room.server.plan(1)

    async def body(invigilator):
        robot = await room.started(0, invigilator)
        await robot.take_exam(stop_after=2)
        exam_id = robot.ticket.exam_id
        stranger = sign_in(room.server.url, other.session_number, other.invigilator_code)
        token = stranger.json()["token"]
        base = f"{room.server.url}/api/v1/console/sessions/{room.planned.session_id}"
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
            answers = [
                await client.get(base + "/room"),
                await client.post(base + f"/candidates/{robot.candidate_id}/end", json={}),
                await client.post(base + f"/candidates/{robot.candidate_id}/release"),
                await client.post(base + "/finalise"),
            ]
        refusals = []
        for attempt in (
            lambda: robot.client.unlock_with_code(exam_id, other.invigilator_code),
            lambda: robot.client.quit_with_code(other.session_number, other.invigilator_code),
        ):
            with pytest.raises(ServerError) as refused:
                await attempt()
            refusals.append(refused.value)
        await robot.close()
        return answers, refusals

    answers, refusals = room.run(body)
    assert [answer.status_code for answer in answers] == [403] * 4
    assert {answer.json()["error"]["code"] for answer in answers} == {"forbidden"}
    assert [(r.status, r.code) for r in refusals] == [(403, "wrong_invigilator_code")] * 2


def test_a_candidate_waiting_on_one_pc_cannot_be_taken_over_from_another(room_factory, tools):
    room = room_factory(1, devices=2)

    async def body(invigilator):
        first = room.robot(0, invigilator, device=0)
        second = room.robot(0, invigilator, device=1)
        for robot in (first, second):
            await robot.enrol()
        await first.check_in()
        refusals = []
        with pytest.raises(ServerError) as waiting:
            await second.check_in()
        refusals.append(waiting.value)
        await invigilator.authorise(first.candidate_id)
        with pytest.raises(ServerError) as authorised:
            await second.check_in()
        refusals.append(authorised.value)
        moved = await invigilator.release(first.candidate_id)
        taken = await second.check_in()  # the invigilator chose this PC
        with pytest.raises(ServerError) as old_pc:
            await first.client.candidate_status(first.candidate_id)
        with pytest.raises(ServerError) as back:  # the old PC asks the server again itself
            await first.client.check_in(
                session_number=room.planned.session_number,
                access_code=room.planned.access_code,
                last_name=first.candidate.last_name,
                first_names=first.candidate.first_names,
                birth_date=first.candidate.birth_date,
            )
        refusals.append(back.value)
        for robot in (first, second):
            await robot.close()
        return refusals, moved, taken, old_pc.value

    refusals, moved, taken, old_pc = room.run(body)
    for refusal in refusals:
        assert (refusal.status, refusal.code) == (409, "candidate_on_other_device")
        assert "surveillant" in refusal.fr and "invigilator" in refusal.en
    assert moved["status"] == "not_arrived" and taken["status"] == "waiting"
    assert old_pc.code == "forbidden"
    (journaled,) = tools.security_log(room.server, "candidate_moved")
    assert journaled["from"] == "authorised"
    assert len(tools.security_log(room.server, "checkin_refused")) == 3


def test_check_in_failures_are_counted(room_factory):
    room = room_factory(1, devices=2)

    async def body(invigilator):
        guesser = room.robot(0, invigilator, device=0)
        honest = room.robot(0, invigilator, device=1)
        for robot in (guesser, honest):
            await robot.enrol()
        codes = []
        for n in range(6):
            try:
                await guesser.client.check_in(
                    session_number=room.planned.session_number,
                    access_code=room.planned.access_code,
                    last_name=f"Inconnu{n}",
                    first_names="Personne",
                    birth_date="2008-01-10",
                )
            except ServerError as error:
                codes.append(error.code)
        answer = await honest.check_in()
        for robot in (guesser, honest):
            await robot.close()
        return codes, answer

    codes, answer = room.run(body)
    assert codes == ["candidate_not_found"] * 5 + ["checkin_locked"]
    assert answer["status"] == "waiting"  # the lockout holds that PC alone
