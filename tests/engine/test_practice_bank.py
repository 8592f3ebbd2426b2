"""The practice bank: its content (counts, levels, corrections) and its separation from the
certification bank (purposes never mixed, on loading, in the practice loader and at sealing)."""

import json
import shutil
import statistics
from collections import Counter
from importlib import resources

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.answers import check_answer
from engine.bank_source import BankSourceError, load_bank_source, load_demo_bank
from engine.itembank import ItemBank
from engine.items import Item, ItemError, ItemType
from engine.referential import COMPETENCE_CODES
from engine.sealed_bank import BankError, seal_bank
from engine.tolerance import text_matches
from engine.training import load_practice_bank

PRACTICE = load_practice_bank()
ITEMS = list(PRACTICE.items.values())
# The difficulty of a skill level, as docs/bank-source.md maps levels onto the capacity scale.
LEVEL_DIFFICULTY = {1: -2.6, 2: -1.4, 3: -0.4, 4: 0.7, 5: 1.6, 6: 2.5, 7: 3.5}


def test_at_least_10_items_per_competence_spread_over_levels_1_to_6():
    per_competence = Counter(item.competence for item in ITEMS)
    assert set(per_competence) == set(COMPETENCE_CODES)
    assert min(per_competence.values()) >= 10 and len(ITEMS) >= 160
    for code in COMPETENCE_CODES:
        levels = Counter(item.skill_level for item in ITEMS if item.competence == code)
        assert set(levels) >= set(range(1, 7)), code
        assert max(levels.values()) <= 3, code  # spread, not piled on one level
        assert len({item.tube for item in ITEMS if item.competence == code}) >= 3, code


def test_difficulty_follows_the_skill_level():
    for item in ITEMS:
        assert abs(item.difficulty - LEVEL_DIFFICULTY[item.skill_level]) <= 0.35, item.id
        assert 0.6 <= item.discrimination <= 2.2, item.id
    means = [
        statistics.mean(i.difficulty for i in ITEMS if i.skill_level == level)
        for level in range(1, 7)
    ]
    assert means == sorted(means)


def test_every_item_is_a_practice_item_with_its_explanation_in_both_languages():
    for item in ITEMS:
        assert item.purpose == "practice"
        assert item.explanation is not None, item.id
        assert len(item.explanation.fr) >= 40 and len(item.explanation.en) >= 40, item.id
        assert item.explanation.fr != item.explanation.en, item.id
        for tutorial in item.tutorials:
            assert tutorial.url.startswith("https://"), item.id
            assert tutorial.title_fr and tutorial.title_en
    assert sum(bool(item.tutorials) for item in ITEMS) >= 30


def test_several_item_types_and_varied_answer_places():
    types = Counter(item.type for item in ITEMS)
    assert {ItemType.QCU, ItemType.QCM, ItemType.QROC, ItemType.QROCM_IND} <= set(types)
    places = Counter(min(item.correct_choices) for item in ITEMS if item.type is ItemType.QCU)
    assert max(places.values()) < 0.4 * sum(places.values())


def test_solutions_are_sound():
    for item in ITEMS:
        if item.type is ItemType.QCU:
            (right,) = item.correct_choices
            assert [check_answer(item, i) for i in range(len(item.choices))] == [
                i == right for i in range(len(item.choices))
            ], item.id
        elif item.type is ItemType.QCM:
            right = sorted(item.correct_choices)
            assert check_answer(item, right) and not check_answer(item, right[1:]), item.id
        else:
            for index, variants in enumerate(item.accepted):
                for variant in variants:
                    answers = [v[0] for v in item.accepted]
                    answers[index] = variant
                    response = (
                        answers[0]
                        if item.type is ItemType.QROC
                        else {f.name: a for f, a in zip(item.fields, answers, strict=True)}
                    )
                    assert check_answer(item, response), (item.id, variant)
            if item.type is ItemType.QROCM_IND:  # no variant fits another field too
                for mine, other in zip(item.accepted, item.accepted[1:], strict=False):
                    assert not any(text_matches(v, other, item.tolerances) for v in mine)


def test_practice_and_certification_items_are_different_questions():
    demo = load_demo_bank()
    assert not {item.id for item in demo} & set(PRACTICE.items)
    assert not {item.stem for item in demo} & {item.stem for item in ITEMS}
    assert len({item.stem for item in ITEMS}) == len(ITEMS)


# --- purposes ------------------------------------------------------------------------------------


def _copy_practice_bank(tmp_path):
    target = tmp_path / "practice"
    shutil.copytree(str(resources.files("engine").joinpath("practice_bank")), target)
    return target


def test_a_bank_that_mixes_purposes_is_refused_on_loading(tmp_path):
    bank = _copy_practice_bank(tmp_path)
    certification = [item.to_dict() for item in load_demo_bank() if item.competence == "5.2"]
    (bank / "5.2.json").write_text(json.dumps(certification[:2]), encoding="utf-8")
    with pytest.raises(BankSourceError) as error:
        load_bank_source(bank)
    assert "mixes certification items" in error.value.message_en
    assert "mêle des items de certification" in error.value.message_fr
    with pytest.raises(BankSourceError):
        load_practice_bank(bank)


def test_the_practice_loader_refuses_a_certification_bank():
    with pytest.raises(BankSourceError) as error:
        load_practice_bank(resources.files("engine.demo_bank"))
    assert "certification bank" in error.value.message_en
    assert "banque de certification" in error.value.message_fr


def test_sealing_refuses_practice_items_alone_or_mixed():
    key = Ed25519PrivateKey.generate()
    practice = {item.id: item.to_dict() for item in ITEMS}
    certification = {item.id: item.to_dict() for item in load_demo_bank()}
    for items in (practice, {**certification, ITEMS[0].id: ITEMS[0].to_dict()}):
        index = ItemBank.from_items(Item.from_dict(content) for content in items.values())
        with pytest.raises(BankError) as error:
            seal_bank(index.to_dict(), items, key, label="x")
        assert error.value.code == "practice_items"
        assert "entraînement" in error.value.fr and "practice" in error.value.en


def _practice_dict(**changes):
    data = ITEMS[0].to_dict()
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"explanation": None}, "explanation"),
        ({"explanation": {"fr": "Parce que.", "en": ""}}, "explanation"),
        ({"explanation": {"fr": "a", "en": "b", "de": "c"}}, "explanation"),
        ({"purpose": "exam"}, "purpose"),
        ({"tutorials": [{"title": {"fr": "a", "en": "b"}, "url": "javascript:alert(1)"}]}, "url"),
        ({"tutorials": [{"title": {"fr": "a", "en": "b"}, "url": "http://pix.fr/"}]}, "url"),
        ({"tutorials": [{"title": "a", "url": "https://pix.fr/"}]}, "tutorials[0]"),
    ],
)
def test_practice_items_need_a_bilingual_explanation_and_https_tutorials(changes, where):
    with pytest.raises(ItemError) as error:
        Item.from_dict(_practice_dict(**changes))
    assert where in error.value.field
    assert error.value.message_fr and error.value.message_en


def test_certification_items_carry_no_correction_and_seal_as_before():
    demo = load_demo_bank()[0]
    assert "purpose" not in demo.to_dict() and "explanation" not in demo.to_dict()
    data = demo.to_dict() | {"explanation": {"fr": "Parce que.", "en": "Because."}}
    with pytest.raises(ItemError) as error:
        Item.from_dict(data)
    assert "practice" in error.value.message_en and "entraînement" in error.value.message_fr
    assert Item.from_dict(ITEMS[0].to_dict()) == ITEMS[0]
