"""The pupil's attacks, as the window's OS account, on an exam core running under its own account
(as an installed lab PC runs it: a state directory only the core's account can open, a socket
that serves only the window's account). Each attack must be refused:

- read the device keys, the device token, the journal; list the exams; write the journal;
- read the core's memory, where the unwrapped content key lives;
- ask the core for another item than the one on screen, for the next item without answering,
  for a solution — and find a solution in the item it does hand over;
- and, from a third account, talk to the core at all.

Needs root (it creates the accounts with `useradd`); skipped with the reason otherwise.
"""

import asyncio
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from core_accounts import (
    CORE_ACCOUNT,
    STRANGER_ACCOUNT,
    WINDOW_ACCOUNT,
    Window,
    authorise_arrivals,
    core_lab,
    give_to,
    needs_root,
    run_as,
    shared_folder,
    start_as,
    system_account,
    try_list,
    try_open,
)

from engine.bank_source import load_demo_bank
from kiosk.core.item_view import VIEW_KEYS
from kiosk.core.runner import serve, state_lock

pytestmark = pytest.mark.slow

SOLUTION_FIELDS = {"correct_choices", "accepted", "tolerances", "discrimination", "difficulty"}


def run_core(config, data_dir: str, socket_path: str, allowed: frozenset[int]) -> None:
    """The core's process body, as the core's account (until it is terminated)."""

    async def main() -> None:
        await serve(config, Path(data_dir), Path(socket_path), allowed, until=asyncio.Event())

    with state_lock(Path(data_dir)):
        asyncio.run(main())


def wait_for_socket(path: Path, child) -> None:
    give_up = time.monotonic() + 30
    while not path.exists():
        assert child.is_alive(), "the core stopped before listening"
        assert time.monotonic() < give_up, "the core never listened"
        time.sleep(0.1)


def window_attacks(paths: dict[str, str], socket_path: str, codes: dict, who: tuple) -> dict:
    """Everything the pupil tries, as the window's account: the files, the core's memory, and
    on its one connection to the core (checked in, authorised, at the first question)."""
    seen: dict = {}
    window = Window(socket_path)
    try:
        last_name, first_names, birth_date = who
        window.request(
            "check_in",
            session_number=int(codes["session_number"]),
            access_code=codes["access_code"],
            last_name=last_name,
            first_name=first_names,
            birth_date=birth_date,
        )
        window.wait_state(lambda state: state["phase"] == "instructions")
        window.request("start_questions")
        shown = window.wait_state(lambda state: state.get("item") is not None)["item"]
        for name in ("signing key", "exchange key", "device token"):
            seen[f"read {name}"] = try_open(paths[name], "rb")
        seen["list exams"] = try_list(paths["exams"])
        exam_journal = f"{paths['exams']}/{window.state['exam_id']}.journal"
        seen["read journal"] = try_open(exam_journal, "rb")
        seen["write journal"] = try_open(exam_journal, "ab")
        seen["core memory"] = try_open(f"/proc/{paths['core pid']}/mem", "rb")
        seen["core environment"] = try_open(f"/proc/{paths['core pid']}/environ", "rb")
        other = next(item_id for item_id in paths["item ids"] if item_id != shown["id"])
        replies = [
            window.request(op, **fields)
            for op, fields in (
                ("item", {"item_id": shown["id"]}),
                ("item", {"item_id": other}),
                ("show_next", {}),
                ("answer", {"item_id": other, "response": 0}),
                ("solution", {"item_id": shown["id"]}),
                ("next_item", {}),
                ("content_key", {}),
                ("network_cut", {"seconds": 60}),
            )
        ]
        seen["shown"] = shown
        seen["view"] = replies[0]["item"]
        seen["refusals"] = [reply["error"]["code"] for reply in replies[1:]]
        seen["still"] = window.request("hello")["state"]["item"]
    finally:
        window.close()
    return seen


def stranger_knocks(socket_path: str) -> dict:
    return Window(socket_path).first


def test_the_window_account_cannot_reach_keys_journal_content_key_or_other_items(tmp_path):
    needs_root()
    core_account = system_account(CORE_ACCOUNT)
    window_account = system_account(WINDOW_ACCOUNT)
    stranger = system_account(STRANGER_ACCOUNT)
    folder = shared_folder()
    try:
        state = folder / "state"
        with core_lab(state, tmp_path / "server") as lab:
            give_to(state, core_account, 0o700)  # what install.sh makes: the core's alone
            run_dir = folder / "run"
            run_dir.mkdir()
            give_to(run_dir, core_account, 0o755)
            socket_path = run_dir / "core.sock"
            core = start_as(
                core_account,
                run_core,
                lab.config,
                str(state),
                str(socket_path),
                frozenset({window_account.uid}),
            )
            stop = threading.Event()
            invigilator = threading.Thread(target=authorise_arrivals, args=(lab, stop))
            invigilator.start()
            try:
                wait_for_socket(socket_path, core)
                who = lab.identity(0)
                paths = {
                    "signing key": str(state / "identity" / "device-signing.key"),
                    "exchange key": str(state / "identity" / "device-exchange.key"),
                    "device token": str(state / "device-token"),
                    "exams": str(state / "exams"),
                    "core pid": core.pid,
                    "item ids": [item.id for item in load_demo_bank()],
                }
                seen = run_as(
                    window_account,
                    window_attacks,
                    paths,
                    str(socket_path),
                    lab.codes,
                    (who.last_name, who.first_names, who.birth_date),
                )
                knocked = run_as(stranger, stranger_knocks, str(socket_path))
                journals = list((state / "exams").glob("*.journal"))
            finally:
                stop.set()
                invigilator.join(10)
                core.terminate()
                core.join(10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    for attack in ("signing key", "exchange key", "device token", "journal"):
        assert seen[f"read {attack}"] == "refused", attack
    assert len(journals) == 1  # the exam is journaled, by the core, out of the window's reach
    assert seen["write journal"] == "refused" and seen["list exams"] == "refused"
    assert seen["core memory"] == "refused" and seen["core environment"] == "refused"
    assert set(seen["view"]) == VIEW_KEYS and not SOLUTION_FIELDS & set(seen["view"])
    assert seen["view"]["id"] == seen["shown"]["id"]
    assert seen["refusals"] == [
        "not_the_item_shown",  # another item
        "not_now",  # the next item without answering
        "not_the_item_shown",  # an answer to another item
        "unknown_request",  # a solution
        "unknown_request",  # "next item"
        "unknown_request",  # the content key
        "unknown_request",  # the robot's network switch
    ]
    assert seen["still"] == seen["shown"]
    assert knocked["event"] == "refused" and knocked["error"]["code"] == "peer_refused"
    assert json.dumps(seen).count("correct_choices") == 0


def test_the_state_directory_is_the_core_account_s_alone(tmp_path):
    """What the attacks above rely on, checked directly: as installed, nothing under the state
    directory can be opened by another account."""
    needs_root()
    core_account = system_account(CORE_ACCOUNT)
    window_account = system_account(WINDOW_ACCOUNT)
    folder = shared_folder()
    try:
        state = folder / "state"
        (state / "identity").mkdir(parents=True)
        (state / "identity" / "device-signing.key").write_bytes(b"secret")
        give_to(state, core_account, 0o700)
        seen = run_as(
            window_account, try_open, str(state / "identity" / "device-signing.key"), "rb"
        )
        mine = run_as(core_account, try_open, str(state / "identity" / "device-signing.key"), "rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert (seen, mine) == ("refused", "done")
    assert os.geteuid() == 0
