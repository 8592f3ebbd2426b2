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
import time
from pathlib import Path

import pytest
from core_accounts import (
    CORE_ACCOUNT,
    STRANGER_ACCOUNT,
    WINDOW_ACCOUNT,
    core_lab,
    give_to,
    needs_root,
    run_as,
    shared_folder,
    start_as,
    system_account,
    talk,
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


def window_reaches_first_question(socket_path: str, codes: dict, who: tuple) -> list[dict]:
    """As the window: check in (the test's invigilator authorises meanwhile: see below)."""
    last_name, first_names, birth_date = who
    return talk(
        socket_path,
        [
            {
                "op": "check_in",
                "session_number": int(codes["session_number"]),
                "access_code": codes["access_code"],
                "last_name": last_name,
                "first_name": first_names,
                "birth_date": birth_date,
            }
        ],
    )


def window_attacks(paths: dict[str, str], socket_path: str, other_item: str) -> dict:
    """Everything the pupil tries, as the window's account."""
    seen: dict = {}
    for name in ("signing key", "exchange key", "device token", "journal", "record"):
        seen[f"read {name}"] = try_open(paths[name], "rb")
    seen["write journal"] = try_open(paths["journal"], "ab")
    seen["list exams"] = try_list(paths["exams"])
    seen["core memory"] = try_open(f"/proc/{paths['core pid']}/mem", "rb")
    seen["core environment"] = try_open(f"/proc/{paths['core pid']}/environ", "rb")
    lines = talk(
        socket_path,
        [
            {"op": "start_questions"},
            {"op": "hello"},
        ],
    )
    state = lines[-1]["state"]
    shown = state["item"]
    replies = talk(
        socket_path,
        [
            {"op": "item", "item_id": shown["id"]},
            {"op": "item", "item_id": other_item},
            {"op": "show_next"},
            {"op": "answer", "item_id": other_item, "response": 0},
            {"op": "solution", "item_id": shown["id"]},
            {"op": "next_item"},
            {"op": "content_key"},
            {"op": "network_cut", "seconds": 60},
            {"op": "hello"},
        ],
    )[1:]
    seen["shown"] = shown
    seen["view"] = replies[0]["item"]
    seen["refusals"] = [reply["error"]["code"] for reply in replies[1:8]]
    seen["still"] = replies[8]["state"]["item"]
    return seen


def stranger_knocks(socket_path: str) -> dict:
    return talk(socket_path, [{"op": "hello"}])[0]


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
            try:
                wait_for_socket(socket_path, core)
                who = lab.identity(0)
                checked = run_as(
                    window_account,
                    window_reaches_first_question,
                    str(socket_path),
                    lab.codes,
                    (who.last_name, who.first_names, who.birth_date),
                )
                candidate_id = checked[1]["candidate_id"]

                async def authorise() -> None:
                    console = await lab.console()
                    await console.authorise(candidate_id)
                    await console.close()

                asyncio.run(authorise())
                journal = wait_for_journal(state)
                time.sleep(1.0)  # the core takes the ticket (its long-poll answers at once)
                shown_any = next(item.id for item in load_demo_bank())
                paths = {
                    "signing key": str(state / "identity" / "device-signing.key"),
                    "exchange key": str(state / "identity" / "device-exchange.key"),
                    "device token": str(state / "device-token"),
                    "journal": str(journal),
                    "record": str(journal.with_suffix(".record.json")),
                    "exams": str(state / "exams"),
                    "core pid": str(core.pid),
                }
                seen = run_as(window_account, window_attacks, paths, str(socket_path), shown_any)
                if seen["shown"]["id"] == shown_any:  # the one id we tried is the one shown
                    other = next(i.id for i in load_demo_bank() if i.id != shown_any)
                    seen = run_as(window_account, window_attacks, paths, str(socket_path), other)
                knocked = run_as(stranger, stranger_knocks, str(socket_path))
            finally:
                core.terminate()
                core.join(10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    for attack in ("signing key", "exchange key", "device token", "journal"):
        assert seen[f"read {attack}"] == "refused", attack
    assert seen["read record"] in ("refused", "missing")
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


def wait_for_journal(state: Path) -> Path:
    give_up = time.monotonic() + 30
    while True:
        found = list((state / "exams").glob("*.journal"))
        if found:
            return found[0]
        assert time.monotonic() < give_up, "the core never journaled the start"
        time.sleep(0.1)


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
