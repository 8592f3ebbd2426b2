"""Configuration keys at check-in, on a real server with robot kiosks: recorded (room, export,
the signed ticket and so the record) while the allow-list is empty; once it holds keys, any
other key is refused with a bilingual message, logged, and `pix-server config-key` manages it."""

import asyncio
import json

import httpx
import pytest
from sqlalchemy import select

from engine.cli import package_version
from kiosk.client import ServerError
from kiosk.config_key import ConfigKey
from kiosk.robot import ROBOT_CONFIG_KEY, RobotCandidate
from server_stub.commands import main as pix_server
from server_stub.exports import session_results

LAB_KEY = ConfigKey.of({"room": "B12", "secure_mode": True}, package_version())


def line(room: dict, candidate_id: str) -> dict:
    return next(row for row in room["candidates"] if row["candidate_id"] == candidate_id)


def config_key(server, *args: str) -> int:
    return pix_server(["config-key", args[0], "--data", str(server.data_dir), *args[1:]])


def security_events(server, kind: str) -> list:
    log = server.ctx.db.tables["security_log"]
    with server.ctx.db.read() as connection:
        return connection.execute(select(log).where(log.c.kind == kind)).all()


def robot_with_key(room, index: int, invigilator, key: ConfigKey) -> RobotCandidate:
    state = room.root / f"pc-{index}"
    return RobotCandidate(
        index, room.identity(index), room.settings(config_key=key), state, invigilator
    )


def test_an_empty_list_accepts_every_key_and_the_record_proves_which_ran(room_factory):
    room = room_factory(2)

    async def scenario():
        invigilator = await room.invigilator()
        robot = await room.started(0, invigilator)
        other = robot_with_key(room, 1, invigilator, LAB_KEY)
        await other.enrol()
        await other.check_in()
        status = await invigilator.room()
        await robot.take_exam()
        await robot.finish()
        for each in (robot, other):
            await each.close()
        await invigilator.close()
        return robot, other, status

    robot, other, status = asyncio.run(scenario())
    shown = line(status, robot.candidate_id)
    assert shown["config_key"] == ROBOT_CONFIG_KEY.key
    assert shown["app_version"] == package_version() and shown["config_label"] is None
    assert line(status, other.candidate_id)["config_key"] == LAB_KEY.key
    # The server wrote the key it accepted into the signed ticket, which the record carries.
    assert robot.ticket.kiosk_config_key == ROBOT_CONFIG_KEY.key
    assert robot.ticket.kiosk_version == package_version()
    assert robot.outcome.record_outcome == "verified", robot.outcome
    rows = {
        row["last_name"]: row
        for row in session_results(room.server.ctx.db, room.planned.session_id)
    }
    assert rows[robot.candidate.last_name]["status"] == "validated"
    assert rows[robot.candidate.last_name]["config_key"] == ROBOT_CONFIG_KEY.key
    assert rows[other.candidate.last_name]["app_version"] == package_version()


def test_a_key_off_the_list_is_refused_logged_then_allowed(room_factory, capsys):
    room = room_factory(1)
    server = room.server
    assert config_key(server, "allow", LAB_KEY.key, "--label", "Salle B12") == 0

    async def refused_then_allowed():
        invigilator = await room.invigilator()
        robot = room.robot(0, invigilator)
        await robot.enrol()
        refusals = []
        for _ in range(6):  # not counted as access code failures: no lockout follows
            with pytest.raises(ServerError) as refused:
                await robot.check_in()
            refusals.append(refused.value)
        status = line(await invigilator.room(), room.planned.candidate_ids[0])
        capsys.readouterr()
        assert config_key(server, "list", "--json") == 0
        listed = json.loads(capsys.readouterr().out)
        assert config_key(server, "allow", ROBOT_CONFIG_KEY.key.upper(), "--label", "robots") == 0
        checked_in = await robot.check_in()
        allowed = line(await invigilator.room(), robot.candidate_id)
        await robot.close()
        await invigilator.close()
        return refusals, status, listed, checked_in, allowed

    refusals, status, listed, checked_in, allowed = asyncio.run(refused_then_allowed())
    refusal = refusals[-1]
    assert {error.code for error in refusals} == {"unknown_configuration"}
    assert refusal.status == 403
    assert ROBOT_CONFIG_KEY.key[:16] in refusal.fr and ROBOT_CONFIG_KEY.key[:16] in refusal.en
    assert "pix-kiosk doctor" in refusal.fr and "pix-kiosk doctor" in refusal.en
    assert "pix-server config-key allow" in refusal.en and "Appelez le surveillant" in refusal.fr
    assert status["status"] == "not_arrived" and status["config_key"] is None
    events = security_events(server, "unknown_configuration")
    assert len(events) == 6 and events[0].device_id is not None
    assert json.loads(events[0].detail)["config_key"] == ROBOT_CONFIG_KEY.key
    assert listed["enforced"] is True
    assert [row["label"] for row in listed["allowed"]] == ["Salle B12"]
    (seen,) = listed["seen_not_allowed"]
    assert (seen["config_key"], seen["refusals"], seen["check_ins"]) == (
        ROBOT_CONFIG_KEY.key,
        6,
        0,
    )
    assert checked_in["status"] == "waiting"
    assert allowed["config_label"] == "robots"


def test_revoking_the_last_key_opens_the_list_again(room_factory, capsys):
    room = room_factory(1)
    server = room.server
    assert config_key(server, "allow", LAB_KEY.key) == 0
    assert config_key(server, "allow", LAB_KEY.key, "--label", "B12") == 0
    assert "already allowed" in capsys.readouterr().out
    assert config_key(server, "list") == 0
    assert f"{LAB_KEY.key}" in capsys.readouterr().out

    async def refused() -> ServerError:
        invigilator = await room.invigilator()
        robot = room.robot(0, invigilator)
        await robot.enrol()
        with pytest.raises(ServerError) as caught:
            await robot.check_in()
        await robot.close()
        await invigilator.close()
        return caught.value

    assert asyncio.run(refused()).code == "unknown_configuration"
    assert config_key(server, "revoke", LAB_KEY.key) == 0
    out = capsys.readouterr().out
    assert "every PC configuration is accepted" in out

    async def accepted() -> dict:
        invigilator = await room.invigilator()
        robot = room.robot(0, invigilator)
        await robot.enrol()
        answer = await robot.check_in()
        await robot.close()
        await invigilator.close()
        return answer

    assert asyncio.run(accepted())["status"] == "waiting"
    assert config_key(server, "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["enforced"] is False and listed["allowed"] == []
    assert listed["seen_not_allowed"][0]["check_ins"] == 1


def test_config_key_commands_refuse_what_they_cannot_use(live_server, capsys):
    assert config_key(live_server, "allow", "not-a-key") == 1
    error = capsys.readouterr().err
    assert "n'est pas une clé de configuration" in error and "is not a configuration key" in error
    assert config_key(live_server, "revoke", LAB_KEY.key) == 1
    assert "is not on the list" in capsys.readouterr().err


def test_a_check_in_without_its_key_is_an_invalid_request(room_factory):
    room = room_factory(1)

    async def scenario() -> httpx.Response:
        invigilator = await room.invigilator()
        robot = room.robot(0, invigilator)
        await robot.enrol()
        candidate = room.identity(0)
        async with httpx.AsyncClient(base_url=room.server.url) as client:
            answer = await client.post(
                "/api/v1/kiosk/checkin",
                json={
                    "session_number": room.planned.session_number,
                    "access_code": room.planned.access_code,
                    "last_name": candidate.last_name,
                    "first_names": candidate.first_names,
                    "birth_date": candidate.birth_date,
                    "app_version": "1.0",
                },
                headers={"Authorization": f"Bearer {robot.client.device_token}"},
            )
        await robot.close()
        await invigilator.close()
        return answer

    answer = asyncio.run(scenario())
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"
    assert "config_key" in answer.json()["error"]["message_en"]
