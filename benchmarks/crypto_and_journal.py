"""Sealed bank, journal and record costs, each printed next to its target and its floor.

    .venv/bin/python benchmarks/crypto_and_journal.py

- opening a 2,000-item sealed bank (read + publisher signature + unlock the index + build the
  ItemBank): target <= 100 ms; floor: reading and SHA-256-hashing the same file;
- decrypting one item on demand (into an `Item`);
- a durable journal append (sign + canonical JSON + SQLite WAL commit with fsync): p50 and p99
  against a bare SQLite insert with the same durability (the floor);
- verifying a 32-question exam record (~110 entries): records per second against bare Ed25519
  verification of the same number of signatures (the floor); target >= 10 records/s (a room of
  30 candidates verified in 3 s).
"""

import hashlib
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.itembank import ItemBank
from engine.items import Item, ItemType, Media
from engine.record import build_record, verify_record
from engine.sealed_bank import SealedBank, seal_bank
from engine.ticket import TicketGrant, issue_ticket
from kiosk.identity import DeviceIdentity
from kiosk.journal import Journal

BANK_ITEMS = 2000
OPEN_TARGET_MS = 100.0
RECORDS_PER_S_TARGET = 10.0
COMPETENCES = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1")


def bank_items() -> list[Item]:
    """Items of realistic size: a paragraph of stem, four choices, an image on one in four."""
    stem = "Parmi les propositions suivantes, laquelle décrit le mieux la situation ? " * 4
    return [
        Item(
            id=f"rec{number:05d}",
            type=ItemType.QCU,
            competence=COMPETENCES[number % len(COMPETENCES)],
            tube=f"@tube{number // 4}",
            skill=f"@tube{number // 4}{1 + number % 4}",
            stem=f"{stem} ({number})",
            choices=("Première", "Deuxième", "Troisième", "Quatrième"),
            correct_choices=frozenset({number % 4}),
            discrimination=0.5 + (number % 17) / 10,
            difficulty=-4 + (number % 81) / 10,
            illustration=(
                Media(name="i.png", media_type="image/png", data=os.urandom(12_000), alt="image")
                if number % 4 == 0
                else None
            ),
        )
        for number in range(BANK_ITEMS)
    ]


def timed(function, repeat: int) -> list[float]:
    """Wall-clock milliseconds of each call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_bank(workdir: Path) -> None:
    publisher = Ed25519PrivateKey.generate()
    items = bank_items()
    sealed = seal_bank(
        ItemBank.from_items(items).to_dict(),
        {item.id: item.to_dict() for item in items},
        publisher,
        label="bench",
    )
    path = workdir / "bench.pixbank"
    path.write_bytes(sealed.data)
    public = publisher.public_key()

    def open_unlock() -> None:
        SealedBank.open(path, public).unlock(sealed.content_key).item_bank()

    def read_and_hash() -> None:
        hashlib.sha256(path.read_bytes()).digest()

    open_ms = statistics.median(timed(open_unlock, 15))
    floor_ms = statistics.median(timed(read_and_hash, 15))
    print(f"sealed bank: {BANK_ITEMS} items, {len(sealed.data) / 2**20:.1f} MiB")
    print(
        f"  open + verify + unlock + index: {open_ms:7.1f} ms   target <= {OPEN_TARGET_MS:.0f} ms"
        f" ({open_ms / OPEN_TARGET_MS:.2f}x target); floor read+SHA-256 {floor_ms:.1f} ms"
        f" ({open_ms / floor_ms:.1f}x floor)"
    )
    unlocked = SealedBank.open(path, public).unlock(sealed.content_key)
    ids = unlocked.item_ids
    per_item = timed(lambda: unlocked.item(ids[len(ids) // 3]), 200)
    raw = timed(lambda: unlocked.item_content(ids[len(ids) // 3 + 1]), 200)
    print(
        f"  one item decrypted into an Item: p50 {percentile(per_item, 0.5):.3f} ms,"
        f" p99 {percentile(per_item, 0.99):.3f} ms (decrypt + JSON only:"
        f" p50 {percentile(raw, 0.5):.3f} ms); 32 items ~ {32 * percentile(per_item, 0.5):.1f} ms"
    )


def bench_journal(workdir: Path) -> None:
    key = Ed25519PrivateKey.generate()
    payload = {"item_id": "rec00042", "response": [2], "status": "ok", "time_spent_s": 41.2}
    with Journal.open(workdir / "bench.journal", key, exam_id="bench") as journal:
        journal.append("exam_started", {"ticket": {}})
        appends = timed(lambda: journal.append("answer", payload), 300)

    floor_db = sqlite3.connect(workdir / "floor.sqlite", isolation_level=None)
    floor_db.execute("PRAGMA journal_mode=WAL")
    floor_db.execute("PRAGMA synchronous=FULL")
    floor_db.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, entry TEXT)")
    text = "x" * 420  # about one signed entry

    def bare_insert() -> None:
        floor_db.execute("BEGIN IMMEDIATE")
        floor_db.execute("INSERT INTO t (entry) VALUES (?)", (text,))
        floor_db.execute("COMMIT")

    floor = timed(bare_insert, 300)
    floor_db.close()
    p50, p99 = percentile(appends, 0.5), percentile(appends, 0.99)
    f50, f99 = percentile(floor, 0.5), percentile(floor, 0.99)
    print(f"journal append (durable, fsync), {workdir}:")
    print(
        f"  p50 {p50:.2f} ms, p99 {p99:.2f} ms; floor (bare SQLite commit) p50 {f50:.2f} ms,"
        f" p99 {f99:.2f} ms ({p50 / f50:.2f}x floor at p50)"
    )


def bench_record(workdir: Path) -> None:
    device = DeviceIdentity.load_or_create(workdir / "device")
    server = Ed25519PrivateKey.generate()
    now = datetime.now(UTC)
    grant = TicketGrant(
        kind="start", session_id="1", candidate_id="c", device_id=device.device_id,
        exam_id="bench", bank_id="sha256:" + "0" * 64, server_start_time=now,
        time_allowed_s=6300, extra_time_percent=0, selection_seed=7, mode="default",
        config={}, accessibility=(), kiosk_config_key="0" * 64, kiosk_version="bench",
        issued_at=now, expires_at=now + timedelta(minutes=15),
    )  # fmt: skip
    ticket = issue_ticket(
        grant,
        content_key=bytes(32),
        device_exchange_key=device.exchange_public_key,
        server_key=server,
    )
    result = {"score": 400, "level": 4}
    with Journal.open(workdir / "record.journal", device.signing_key, exam_id="bench") as journal:
        journal.append("exam_started", {"ticket": ticket})
        for position in range(1, 33):
            item_id = f"rec{position:05d}"
            journal.append("item_shown", {"item_id": item_id, "position": position})
            journal.append(
                "answer",
                {"item_id": item_id, "response": [1], "status": "ok", "time_spent_s": 60.5},
            )
            if position % 8 == 0:
                journal.append("locked", {"reason": "focus_lost"})
                journal.append("unlocked", {})
        journal.append("finished", {"abort_reason": None, "result": result})
        entries = journal.entries()
    record = build_record(
        ticket=ticket, entries=entries, result=result, signing_key=device.signing_key
    )
    device_public, server_public = device.signing_public_key, server.public_key()
    per_record = timed(lambda: verify_record(record, device_public, server_public), 30)
    signatures = [(bytes.fromhex(e.hash), e.signature) for e in entries]
    message = b"x" * 60
    signature = device.signing_key.sign(message)

    def bare_verifies() -> None:
        for _ in signatures:
            device_public.verify(signature, message)

    floor = timed(bare_verifies, 30)
    rate = 1000 / statistics.median(per_record)
    floor_rate = 1000 / statistics.median(floor)
    print(f"record verification ({len(entries)} entries, 32 answers):")
    print(
        f"  {rate:.0f} records/s ({statistics.median(per_record):.1f} ms each)"
        f"   target >= {RECORDS_PER_S_TARGET:.0f}/s ({rate / RECORDS_PER_S_TARGET:.0f}x target);"
        f" floor (bare Ed25519 verifies) {floor_rate:.0f}/s ({floor_rate / rate:.1f}x faster)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pix-bench-") as directory:
        workdir = Path(directory)
        bench_bank(workdir)
        bench_journal(workdir)
        bench_record(workdir)


if __name__ == "__main__":
    main()
