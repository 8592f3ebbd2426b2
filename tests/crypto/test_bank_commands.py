"""`pix-engine keygen` and `pix-engine bank seal|verify`, run as IT would, on real files."""

import dataclasses
import json
import os
import stat

import pytest

from engine.bank_source import BankSourceError, load_demo_bank
from engine.cli import dispatch
from engine.items import ItemError
from engine.keys import load_content_key, load_public_key
from engine.referential import COMPETENCE_CODES
from engine.sealed_bank import SealedBank

SOURCE_ITEMS = 48


def pix_engine(*argv: str) -> int:
    return dispatch("pix-engine", "test", "engine.commands", ("keygen", "bank"), list(argv))


@pytest.fixture
def keys(tmp_path):
    assert pix_engine("keygen", "--out", str(tmp_path / "keys")) == 0
    return tmp_path / "keys"


@pytest.fixture
def source(tmp_path, make_items):
    directory = tmp_path / "source"
    directory.mkdir()
    by_competence: dict[str, list] = {}
    for number, item in enumerate(make_items(SOURCE_ITEMS)):  # every competence, 3 items each
        item = dataclasses.replace(item, competence=COMPETENCE_CODES[number % 16])
        by_competence.setdefault(item.competence, []).append(item.to_dict())
    for code, items in by_competence.items():
        (directory / f"{code}.json").write_text(json.dumps(items), encoding="utf-8")
    return directory


@pytest.fixture
def sealed(tmp_path, keys, source):
    out, content_key = tmp_path / "bank.pixbank", tmp_path / "bank.key"
    code = pix_engine(
        "bank", "seal", str(source), "--key", str(keys / "publisher.key"),
        "--out", str(out), "--content-key-out", str(content_key), "--no-calibrate",
    )  # fmt: skip
    assert code == 0
    return out, content_key


def test_keygen_writes_an_owner_only_private_key_and_a_public_key(keys, capsys):
    assert sorted(p.name for p in keys.iterdir()) == ["publisher.key", "publisher.pub"]
    if os.name == "posix":
        assert stat.S_IMODE(os.stat(keys / "publisher.key").st_mode) == 0o600
    load_public_key(keys / "publisher.pub")


def test_keygen_never_overwrites(keys, capsys):
    before = (keys / "publisher.key").read_bytes()
    assert pix_engine("keygen", "--out", str(keys)) == 1
    assert (keys / "publisher.key").read_bytes() == before
    err = capsys.readouterr().err
    assert "existe déjà" in err and "already exists" in err


def test_seal_then_verify(sealed, keys, capsys):
    out, content_key = sealed
    assert stat.S_IMODE(os.stat(content_key).st_mode) == 0o600
    opened = SealedBank.open(out, load_public_key(keys / "publisher.pub"))
    assert opened.item_count == SOURCE_ITEMS and opened.label == "source"
    unlocked = opened.unlock(load_content_key(content_key))
    assert len(unlocked.item_ids) == SOURCE_ITEMS
    assert unlocked.item_bank().exposure is None  # --no-calibrate
    capsys.readouterr()
    args = ["bank", "verify", str(out), "--publisher", str(keys / "publisher.pub")]
    assert pix_engine(*args) == 0
    assert opened.bank_id in capsys.readouterr().out
    assert pix_engine(*args, "--content-key", str(content_key)) == 0
    assert "decrypted" in capsys.readouterr().out


def _one_line_failure(capsys, *argv: str) -> str:
    assert pix_engine(*argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    return captured.err


def test_verify_failures_are_one_line_reasons(tmp_path, sealed, keys, capsys):
    out, _ = sealed
    publisher = str(keys / "publisher.pub")
    altered = tmp_path / "altered.pixbank"
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x20
    altered.write_bytes(bytes(data))
    assert "altérée" in _one_line_failure(
        capsys, "bank", "verify", str(altered), "--publisher", publisher
    )

    truncated = tmp_path / "truncated.pixbank"
    truncated.write_bytes(out.read_bytes()[:-100])
    assert "tronquée" in _one_line_failure(
        capsys, "bank", "verify", str(truncated), "--publisher", publisher
    )

    other_keys = tmp_path / "other"
    assert pix_engine("keygen", "--out", str(other_keys)) == 0
    capsys.readouterr()
    reason = _one_line_failure(
        capsys, "bank", "verify", str(out), "--publisher", str(other_keys / "publisher.pub")
    )
    assert "another publisher" in reason

    wrong_key = tmp_path / "wrong.key"
    wrong_key.write_text("A" * 43 + "=\n")
    os.chmod(wrong_key, 0o600)
    reason = _one_line_failure(
        capsys,
        "bank",
        "verify",
        str(out),
        "--publisher",
        publisher,
        "--content-key",
        str(wrong_key),
    )
    assert "content key" in reason

    reason = _one_line_failure(
        capsys, "bank", "verify", str(tmp_path / "absent"), "--publisher", publisher
    )
    assert "Cannot read" in reason


def test_seal_refuses_to_overwrite_a_content_key(tmp_path, sealed, keys, source, capsys):
    _, content_key = sealed
    before = content_key.read_bytes()
    _one_line_failure(
        capsys, "bank", "seal", str(source), "--key", str(keys / "publisher.key"),
        "--out", str(tmp_path / "again.pixbank"), "--content-key-out", str(content_key),
        "--no-calibrate",
    )  # fmt: skip
    assert content_key.read_bytes() == before
    assert not (tmp_path / "again.pixbank").exists()


def test_seal_reports_a_bad_source_without_a_traceback(tmp_path, keys, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "1.1.json").write_text("[{]", encoding="utf-8")
    reason = _one_line_failure(
        capsys, "bank", "seal", str(bad), "--key", str(keys / "publisher.key"),
        "--out", str(tmp_path / "b.pixbank"), "--content-key-out", str(tmp_path / "b.key"),
        "--no-calibrate",
    )  # fmt: skip
    assert "JSON" in reason
    assert not (tmp_path / "b.key").exists()


def _demo_bank_loads() -> bool:
    """H2's demo bank, once it is there (and importable as package data)."""
    try:
        return bool(load_demo_bank())
    except (BankSourceError, ItemError, OSError):
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _demo_bank_loads(), reason="the demo bank does not load yet")
def test_seal_the_demo_bank_with_exposure_calibration(tmp_path, keys):
    out, content_key = tmp_path / "demo.pixbank", tmp_path / "demo.key"
    code = pix_engine(
        "bank", "seal", "demo", "--key", str(keys / "publisher.key"),
        "--out", str(out), "--content-key-out", str(content_key),
    )  # fmt: skip
    assert code == 0
    args = ["bank", "verify", str(out), "--publisher", str(keys / "publisher.pub")]
    assert pix_engine(*args, "--content-key", str(content_key)) == 0
    opened = SealedBank.open(out, load_public_key(keys / "publisher.pub"))
    assert opened.label == "demo"
    assert opened.unlock(load_content_key(content_key)).item_bank().exposure is not None


def _write_source(directory, items) -> None:
    directory.mkdir()
    by_competence: dict[str, list] = {}
    for item in items:
        by_competence.setdefault(item.competence, []).append(item.to_dict())
    for code, entries in by_competence.items():
        (directory / f"{code}.json").write_text(json.dumps(entries), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda items: items[:20], "20 questions"),  # too small for 32 answers
        (lambda items: [i for i in items if i.competence != "3.4"], "3.4"),  # a competence empty
        (
            lambda items: [dataclasses.replace(items[0], discrimination=50.0), *items[1:]],
            "a=50",
        ),
        (lambda items: [dataclasses.replace(items[0], difficulty=1e6), *items[1:]], "b=1e+06"),
        (
            lambda items: [*items, dataclasses.replace(items[0], id="rec9999", tube="@t9999")],
            "rec0000 = rec9999",
        ),
    ],
    ids=["too-small", "competence-missing", "a-implausible", "b-implausible", "duplicate"],
)
def test_seal_refuses_a_bank_that_cannot_run_the_exam(
    tmp_path, keys, make_items, capsys, change, expected
):
    items = [
        dataclasses.replace(item, competence=COMPETENCE_CODES[number % 16])
        for number, item in enumerate(make_items(SOURCE_ITEMS))
    ]
    _write_source(tmp_path / "bad", change(items))
    reason = _one_line_failure(
        capsys, "bank", "seal", str(tmp_path / "bad"), "--key", str(keys / "publisher.key"),
        "--out", str(tmp_path / "b.pixbank"), "--content-key-out", str(tmp_path / "b.key"),
        "--no-calibrate",
    )  # fmt: skip
    assert expected in reason
    assert not (tmp_path / "b.key").exists() and not (tmp_path / "b.pixbank").exists()


def test_seal_refuses_an_exposure_bound_the_bank_cannot_hold(tmp_path, keys, source, capsys):
    """48 items, 3 per competence: each item would go to 2 candidates in 3, far above 0.25."""
    reason = _one_line_failure(
        capsys, "bank", "seal", str(source), "--key", str(keys / "publisher.key"),
        "--out", str(tmp_path / "b.pixbank"), "--content-key-out", str(tmp_path / "b.key"),
    )  # fmt: skip
    assert "0.25" in reason and "128" in reason


def test_seal_refuses_a_practice_bank_and_a_mixed_one(tmp_path, keys, source, capsys):
    from importlib import resources

    practice = resources.files("engine").joinpath("practice_bank")
    reason = _one_line_failure(
        capsys, "bank", "seal", str(practice), "--key", str(keys / "publisher.key"),
        "--out", str(tmp_path / "p.pixbank"), "--content-key-out", str(tmp_path / "p.key"),
        "--no-calibrate",
    )  # fmt: skip
    assert "entraînement" in reason and "practice" in reason
    mixed = json.loads((practice / "1.1.json").read_text(encoding="utf-8"))[:1]
    mixed += json.loads((source / "1.1.json").read_text(encoding="utf-8"))
    (source / "1.1.json").write_text(json.dumps(mixed), encoding="utf-8")
    reason = _one_line_failure(
        capsys, "bank", "seal", str(source), "--key", str(keys / "publisher.key"),
        "--out", str(tmp_path / "m.pixbank"), "--content-key-out", str(tmp_path / "m.key"),
        "--no-calibrate",
    )  # fmt: skip
    assert "mêle" in reason and "mixes" in reason
    assert not (tmp_path / "p.key").exists() and not (tmp_path / "m.key").exists()
