"""Bank editions: each sealing has its own content key, a session is planned on one edition, its
tickets release that edition's key only, and a kiosk holding another edition is refused at
check-in. Real commands on a real data directory, a real server on loopback, real keys."""

import asyncio
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.bank_source import load_demo_bank
from engine.cli import dispatch
from engine.config import ExamConfig
from engine.keys import load_content_key, write_content_key, write_private_key
from engine.sealed_bank import BankError, SealedBank, SealedBankFile, seal_bank
from engine.ticket import unwrap_content_key, verify_ticket
from kiosk.client import KioskClient, ServerError
from kiosk.config_key import ConfigKey
from kiosk.identity import DeviceIdentity
from server_stub.banks import publish_bank, published_bank_ids
from server_stub.commands import main as pix_server
from server_stub.console import authorise
from server_stub.datadir import DataDir
from server_stub.planning import create_session, import_candidates, session_row

NEW_EDITION = "2027-juin"


def pix_engine(*argv: str) -> int:
    return dispatch("pix-engine", "test", "engine.commands", ("keygen", "bank"), list(argv))


def seal_edition(data_dir: Path, out: Path, edition: str) -> tuple[Path, Path]:
    """`pix-engine bank seal demo --edition`, with the server's publisher key, as a publisher."""
    bank, key = out / f"{edition}.pixbank", out / f"{edition}.key"
    code = pix_engine(
        "bank", "seal", "demo", "--key", str(DataDir(data_dir).publisher_key_path),
        "--out", str(bank), "--content-key-out", str(key), "--edition", edition, "--no-calibrate",
    )  # fmt: skip
    assert code == 0
    return bank, key


def editions(data_dir: Path, capsys) -> list[dict]:
    capsys.readouterr()
    assert pix_server(["bank", "list", "--data", str(data_dir), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def plan(data_dir: Path, capsys, *extra: str) -> dict:
    """`pix-server session create`: the session's bank id (as stored) and the edition printed."""
    capsys.readouterr()
    args = ["session", "create", "--data", str(data_dir), "--centre", "Lycée Camus"]
    args += ["--room", "B2", "--date", "2027-06-14", "--time", "09:00", *extra]
    assert pix_server(args) == 0
    printed = capsys.readouterr().out
    number = int(printed.split()[1])
    db = DataDir(data_dir).open_database()
    try:
        with db.read() as connection:
            bank_id = session_row(connection, db, str(number)).bank_id
    finally:
        db.close()
    edition = printed.split("bank edition: ")[1].split(" (")[0]
    assert f"({bank_id})" in printed
    return {"bank_id": bank_id, "edition": edition}


def test_publish_a_new_edition_and_plan_sessions_on_either(data_dir, tmp_path, capsys):
    (first,) = editions(data_dir, capsys)  # the demo bank `init` published
    bank, key = seal_edition(data_dir, tmp_path, NEW_EDITION)
    publish = ["bank", "publish", "--data", str(data_dir), str(bank), "--content-key", str(key)]
    assert pix_server(publish) == 0
    assert NEW_EDITION in capsys.readouterr().out
    newest, oldest = editions(data_dir, capsys)
    assert (newest["edition"], newest["modes"]) == (NEW_EDITION, ["default", "pix"])
    assert oldest == first
    data = DataDir(data_dir)
    assert data.content_key(newest["bank_id"]) != data.content_key(first["bank_id"])

    assert plan(data_dir, capsys)["bank_id"] == newest["bank_id"]  # default: the newest
    chosen = plan(data_dir, capsys, "--edition", first["edition"])
    assert (chosen["bank_id"], chosen["edition"]) == (first["bank_id"], first["edition"])
    by_id = plan(data_dir, capsys, "--mode", "pix", "--edition", newest["bank_id"])
    assert by_id["edition"] == NEW_EDITION

    capsys.readouterr()
    unknown = ["session", "create", "--data", str(data_dir), "--centre", "C", "--room", "R"]
    unknown += ["--date", "2027-06-14", "--time", "09:00", "--edition", "2031-nowhere"]
    assert pix_server(unknown) == 1
    error = capsys.readouterr().err
    assert "Aucune édition « 2031-nowhere »" in error and 'No published bank edition "2031' in error


def test_refused_publications_leave_the_editions_intact(data_dir, tmp_path, capsys):
    before = editions(data_dir, capsys)
    data = DataDir(data_dir)
    items = load_demo_bank()
    index = {"items": []}
    contents = {item.id: item.to_dict() for item in items[:3]}

    def publish(sealed, key_bytes: bytes, name: str) -> str:
        bank, key = tmp_path / f"{name}.pixbank", tmp_path / f"{name}.key"
        bank.write_bytes(sealed.data)
        write_content_key(key, key_bytes)
        capsys.readouterr()
        args = ["bank", "publish", "--data", str(data_dir), str(bank), "--content-key", str(key)]
        assert pix_server(args) == 1
        return capsys.readouterr().err

    old_key = data.content_key(before[0]["bank_id"])
    publisher = data.publisher_key()
    reused = seal_bank(index, contents, publisher, label="x", edition="reuse", content_key=old_key)
    assert "chaque édition doit avoir sa propre clé" in publish(reused, old_key, "reused")
    taken = seal_bank(index, contents, publisher, label="x", edition=before[0]["edition"])
    assert "already has the edition name" in publish(taken, taken.content_key, "taken")
    fresh = seal_bank(index, contents, publisher, label="x", edition="fresh")
    assert "does not match this item bank" in publish(fresh, old_key, "wrong-key")
    stranger = Ed25519PrivateKey.generate()
    forged = seal_bank(index, contents, stranger, label="x", edition="forged")
    assert "another publisher" in publish(forged, forged.content_key, "forged")
    # the server's own bank, published again
    again = SealedBank.open(data.bank_path(before[0]["bank_id"]), data.publisher_public_key())
    assert "déjà publiée" in publish(again, old_key, "again")
    assert editions(data_dir, capsys) == before
    assert len(list((data_dir / "keys" / "banks").iterdir())) == len(before)


def test_a_bad_edition_name_is_refused(tmp_path):
    key = Ed25519PrivateKey.generate()
    for name in ("", " ", "a\nb", "x" * 65):
        with pytest.raises(BankError) as refused:
            seal_bank({"items": []}, {}, key, label="x", edition=name)
        assert refused.value.code == "bad_edition" and "édition" in refused.value.fr
    write_private_key(tmp_path / "publisher.key", key)
    argv = ["bank", "seal", "demo", "--key", str(tmp_path / "publisher.key"), "--no-calibrate"]
    argv += ["--out", str(tmp_path / "b"), "--content-key-out", str(tmp_path / "k")]
    assert pix_engine(*argv, "--edition", "x" * 65) == 1
    assert not (tmp_path / "b").exists()


def test_a_ticket_opens_its_sessions_edition_only(live_server, tmp_path):
    """Two editions, two sessions: a kiosk holding the new edition is refused on the old
    session's check-in, checks in on the new one, and its ticket's key opens that edition and
    not the other."""
    data = DataDir(live_server.data_dir)
    (old_id,) = published_bank_ids(live_server.ctx.db)
    bank, key = seal_edition(live_server.data_dir, tmp_path, NEW_EDITION)
    opened = SealedBank.open(bank, data.publisher_public_key())
    publish_bank(
        data,
        live_server.ctx.db,
        SealedBankFile(opened.data, load_content_key(key), opened.bank_id, opened.edition),
        item_count=opened.item_count,
        configs={"default": ExamConfig.default()},
        now=live_server.clock(),
    )
    new_session = live_server.plan(1)  # on the newest edition
    old = create_session(
        live_server.ctx.db, centre="C", room="R", exam_date="2027-06-14", start_time="09:00",
        invigilator="", mode="default", now=live_server.clock(), bank_id=old_id,
    )  # fmt: skip
    import_candidates(live_server.ctx.db, old.session_id, new_session.csv_text.encode())
    candidate = new_session.csv_text.splitlines()[1].split(",")
    identity = DeviceIdentity.load_or_create(tmp_path / "device")

    async def scenario():
        async with KioskClient(
            live_server.url, config_key=ConfigKey("0" * 64, "test"), bank_id=opened.bank_id
        ) as client:
            await client.enrol(new_session.enrol_token, identity)
            person = {
                "last_name": candidate[0],
                "first_names": candidate[1],
                "birth_date": candidate[2],
            }
            with pytest.raises(ServerError) as refused:
                await client.check_in(
                    session_number=old.session_number, access_code=old.access_code, **person
                )
            checked = await client.check_in(
                session_number=new_session.session_number,
                access_code=new_session.access_code,
                **person,
            )
            authorise(live_server.ctx, new_session.session_id, checked["candidate_id"])
            return refused.value, await client.fetch_ticket(checked["candidate_id"])

    refusal, signed = asyncio.run(scenario())
    assert refusal.code == "edition_not_held" and refusal.status == 409
    assert opened.bank_id.removeprefix("sha256:")[:12] in refusal.en
    assert "n'a pas l'édition" in refusal.fr
    ticket = verify_ticket(signed, live_server.ctx.server_key.public_key())
    assert ticket.bank_id == opened.bank_id
    content_key = unwrap_content_key(ticket, identity.exchange_key)
    assert opened.unlock(content_key).item_bank()  # the session's edition opens
    old_bank = SealedBank.open(data.bank_path(old_id), data.publisher_public_key())
    with pytest.raises(BankError) as wrong:
        old_bank.unlock(content_key)  # and the other edition does not
    assert wrong.value.code == "wrong_content_key"
