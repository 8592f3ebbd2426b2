"""The exam core's socket, as the window's account sees it (one account: runs anywhere; the
two-account variant is test_core_accounts). A window gets the item on screen without its
solution and nothing else: no other item, no next item before an answer, no solution, key or
journal request; a window of an account the core was not told of is refused at the door."""

import asyncio
import os

import pytest
from core_accounts import core_lab, reach_first_question

from engine.bank_source import load_demo_bank
from engine.exam_events import ANSWER
from kiosk.core.item_view import VIEW_KEYS
from kiosk.core.launcher import ChildCore
from kiosk.core.link import CoreLink
from kiosk.core.protocol import CoreRefusal
from kiosk.journal import read_journal

pytestmark = pytest.mark.slow

SOLUTION_FIELDS = {"correct_choices", "accepted", "tolerances", "discrimination", "difficulty"}
NOT_OFFERED = ("solution", "next_item", "content_key", "keys", "journal", "network_cut", "items")


@pytest.fixture
def lab(tmp_path):
    with core_lab(tmp_path / "pc", tmp_path / "server") as lab:
        yield lab


async def refusal(call) -> str:
    with pytest.raises(CoreRefusal) as refused:
        await call
    return refused.value.code


def test_the_window_gets_the_item_on_screen_and_nothing_else(lab):
    seen: dict = {}

    async def scenario() -> None:
        core = await ChildCore.start(lab.config)
        link = await CoreLink(core.socket_path).connect()
        try:
            state = await reach_first_question(link, lab)
            shown = state["item"]
            view = (await link.request("item", item_id=shown["id"]))["item"]
            seen["view"] = view
            other = next(item.id for item in load_demo_bank() if item.id != shown["id"])
            seen["other item"] = await refusal(link.request("item", item_id=other))
            seen["next without answering"] = await refusal(link.request("show_next"))
            seen["start again"] = await refusal(link.request("start_questions"))
            seen["answer another"] = await refusal(
                link.request("answer", item_id=other, response=0)
            )
            for op in NOT_OFFERED:
                seen[op] = await refusal(link.request(op, item_id=shown["id"]))
            seen["still"] = link.state["item"]
            await link.request("answer", item_id=shown["id"], response=None, skipped=True)
            seen["after"] = (await asyncio.sleep(0.2)) or link.state["item"]
            seen["old item"] = await refusal(link.request("item", item_id=shown["id"]))
            seen["shown"] = shown
        finally:
            await link.close()
            await core.stop()

    asyncio.run(scenario())
    assert set(seen["view"]) == VIEW_KEYS and not SOLUTION_FIELDS & set(seen["view"])
    assert seen["other item"] == "not_the_item_shown"
    assert seen["next without answering"] == "not_now" and seen["start again"] == "not_now"
    assert seen["answer another"] == "not_the_item_shown"
    assert all(seen[op] == "unknown_request" for op in NOT_OFFERED)
    assert seen["still"] == seen["shown"]  # nothing moved the exam on
    assert seen["after"]["position"] == 2 and seen["old item"] == "not_the_item_shown"
    (journal,) = (lab.config.data_dir / "exams").glob("*.journal")
    answers = [e for e in read_journal(journal).entries if e.kind == ANSWER]
    assert [a.payload["item_id"] for a in answers] == [seen["shown"]["id"]]


def test_a_window_of_another_account_is_refused_at_the_door(lab):
    async def scenario() -> str:
        core = await ChildCore.start(lab.config, allowed_uids=frozenset({os.getuid() + 4242}))
        try:
            return await refusal(CoreLink(core.socket_path).connect())
        finally:
            await core.stop()

    assert asyncio.run(scenario()) == "peer_refused"


def test_a_malformed_or_oversized_request_is_refused_and_the_core_goes_on(lab):
    async def scenario() -> list:
        core = await ChildCore.start(lab.config)
        try:
            reader, writer = await asyncio.open_unix_connection(str(core.socket_path))
            await reader.readline()  # the state
            writer.write(b"this is not json\n")
            first = await reader.readline()
            writer.close()
            reader, writer = await asyncio.open_unix_connection(str(core.socket_path))
            await reader.readline()
            writer.write(b"[" * 200_000 + b"\n")
            second = await reader.readline()
            writer.close()
            link = await CoreLink(core.socket_path).connect()
            hello = await link.request("hello")
            await link.close()
            return [first, second, hello["state"]["phase"]]
        finally:
            await core.stop()

    first, second, phase = asyncio.run(scenario())
    assert b"malformed_message" in first and b"request_too_long" in second
    assert phase == "check_in"
