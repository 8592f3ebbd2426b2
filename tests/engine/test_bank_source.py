"""The readable bank source: loading directories and files, media, and every error it reports."""

import json
import zipfile
from pathlib import Path

import pytest

from engine.bank_source import BankSourceError, load_bank_source
from engine.items import ItemError, ItemType

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


def qcu(item_id: str, competence: str = "1.1", **extra) -> dict:
    return {
        "id": item_id,
        "type": "QCU",
        "competence": competence,
        "tube": "@tube",
        "skill": "@tube2",
        "stem": "Question ?",
        "choices": ["oui", "non"],
        "correct_choices": [0],
        "discrimination": 1.0,
        "difficulty": 0.0,
    } | extra


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "logo.svg").write_bytes(SVG)
    (tmp_path / "media" / "notes.csv").write_bytes(b"nom;note\nLea;12\n")
    (tmp_path / "media" / "schema.bin").write_bytes(b"\x00\x01")
    write_json(
        tmp_path / "4.1.json",
        [
            qcu(
                "secu-01",
                "4.1",
                illustration={"file": "media/logo.svg", "alt": "Un logo"},
                attachments=[
                    {"file": "media/notes.csv", "alt": "Des notes"},
                    {"file": "media/schema.bin", "media_type": "application/octet-stream"},
                ],
            )
        ],
    )
    write_json(tmp_path / "1.1.json", [qcu("rech-01"), qcu("rech-02")])
    return tmp_path


def test_a_directory_loads_in_referential_order_with_media_in_memory(bank):
    items = load_bank_source(bank)
    assert [i.id for i in items] == ["rech-01", "rech-02", "secu-01"]
    secu = items[2]
    assert secu.type is ItemType.QCU
    assert secu.illustration.name == "logo.svg"
    assert secu.illustration.media_type == "image/svg+xml"
    assert secu.illustration.data == SVG
    assert secu.illustration.alt == "Un logo"
    notes, schema = secu.attachments
    assert (notes.name, notes.media_type, notes.data) == (
        "notes.csv",
        "text/csv",
        b"nom;note\nLea;12\n",
    )
    assert schema.media_type == "application/octet-stream"
    (bank / "media" / "logo.svg").unlink()
    assert secu.illustration.data == SVG  # self-contained once loaded


def test_a_single_file_loads_with_media_relative_to_its_directory(bank):
    items = load_bank_source(str(bank / "4.1.json"))
    assert [i.id for i in items] == ["secu-01"]
    assert items[0].illustration.data == SVG


def test_a_zipped_copy_loads_through_the_traversable_interface(bank, tmp_path_factory):
    archive = tmp_path_factory.mktemp("zip") / "bank.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in bank.rglob("*"):
            if path.is_file():
                z.write(path, f"engine/demo_bank/{path.relative_to(bank)}")
    items = load_bank_source(zipfile.Path(archive, "engine/demo_bank/"))
    assert [i.id for i in items] == ["rech-01", "rech-02", "secu-01"]
    assert items[2].attachments[0].data == b"nom;note\nLea;12\n"


def test_missing_path(tmp_path):
    with pytest.raises(BankSourceError) as caught:
        load_bank_source(tmp_path / "absent")
    assert "no such file or directory" in caught.value.message_en
    assert "introuvable" in caught.value.message_fr


def test_empty_directory(tmp_path):
    with pytest.raises(BankSourceError, match="no item file"):
        load_bank_source(tmp_path)


def test_a_file_not_named_after_a_competence(bank):
    write_json(bank / "1.l.json", [])
    with pytest.raises(BankSourceError) as caught:
        load_bank_source(bank)
    assert caught.value.source.endswith("1.l.json")
    assert "must be a competence code" in caught.value.message_en


def test_invalid_json_gives_line_and_column(bank):
    (bank / "1.1.json").write_text('[\n  {"id": "x",\n  }\n]', encoding="utf-8")
    with pytest.raises(BankSourceError) as caught:
        load_bank_source(bank)
    assert "invalid JSON at line 3" in caught.value.message_en
    assert "JSON invalide ligne 3" in caught.value.message_fr
    assert caught.value.source.endswith("1.1.json")


def test_not_utf8(bank):
    (bank / "1.1.json").write_bytes('[{"id": "é"}]'.encode("latin-1"))
    with pytest.raises(BankSourceError, match="not UTF-8"):
        load_bank_source(bank)


def test_not_a_list(bank):
    write_json(bank / "1.1.json", qcu("rech-01"))
    with pytest.raises(BankSourceError, match="JSON list of items"):
        load_bank_source(bank)


def test_duplicate_key_in_an_object(bank):
    (bank / "1.1.json").write_text('[{"id": "a", "id": "b"}]', encoding="utf-8")
    with pytest.raises(BankSourceError, match="the key 'id' appears twice"):
        load_bank_source(bank)


def test_item_errors_name_file_item_number_and_field(bank):
    write_json(bank / "1.1.json", [qcu("rech-01"), qcu("rech-02", correct_choices=[5])])
    with pytest.raises(ItemError) as caught:
        load_bank_source(bank)
    error = caught.value
    assert error.source.endswith("1.1.json")
    assert error.position == 2
    assert "1.1.json, item #2: item" in error.message_en
    assert error.item_id == "rech-02"
    assert error.field == "correct_choices"
    assert 'item "rech-02": field "correct_choices": choice index 5 is out of range' in str(error)
    assert "1.1.json, item n° 2 : item « rech-02 »" in error.message_fr


def test_an_item_filed_under_another_competence(bank):
    write_json(bank / "1.1.json", [qcu("rech-01", "1.2")])
    with pytest.raises(ItemError) as caught:
        load_bank_source(bank)
    assert caught.value.field == "competence"
    assert "this file holds competence 1.1, not 1.2" in caught.value.message_en


def test_duplicate_ids_across_files(bank):
    write_json(bank / "1.2.json", [qcu("secu-01", "1.2")])
    with pytest.raises(ItemError) as caught:
        load_bank_source(bank)
    assert caught.value.item_id == "secu-01"
    assert "used by another item" in caught.value.message_en
    assert caught.value.source == str(bank)


@pytest.mark.parametrize(
    ("media", "field", "reason"),
    [
        (
            {"file": "media/absent.svg", "alt": "x"},
            "illustration.file",
            "cannot read the media file",
        ),
        ({"file": "../outside.svg", "alt": "x"}, "illustration.file", "relative path inside"),
        ({"file": "/etc/passwd", "alt": "x"}, "illustration.file", "relative path inside"),
        ({"file": "media\\logo.svg", "alt": "x"}, "illustration.file", "relative path inside"),
        ({"file": 3, "alt": "x"}, "illustration.file", "relative path inside"),
        (
            {"file": "media/schema.bin", "alt": "x"},
            "illustration.media_type",
            "unknown file type .bin",
        ),
        ({"file": "media/logo.svg", "alt": "x", "size": 3}, "illustration.size", "unknown key"),
        ({"alt": "x"}, "illustration", "must be an object like"),
        ("media/logo.svg", "illustration", "must be an object like"),
        ({"file": "media/logo.svg"}, "illustration.alt", "alternative text"),
    ],
)
def test_media_errors(bank, media, field, reason):
    write_json(bank / "1.1.json", [qcu("rech-01", illustration=media)])
    with pytest.raises(ItemError) as caught:
        load_bank_source(bank)
    assert caught.value.field == field
    assert reason in caught.value.reason_en
    assert caught.value.source.endswith("1.1.json")
    assert caught.value.position == 1
