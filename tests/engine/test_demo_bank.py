"""The demo bank: coverage of the referential and of item features, and every solution checked."""

import itertools
import re
import statistics
from collections import Counter
from importlib import resources

import pytest

from engine.answers import check_answer
from engine.bank_source import load_demo_bank
from engine.items import FieldKind, Item, ItemType
from engine.referential import COMPETENCE_CODES
from engine.tolerance import parse_number, text_matches

BANK = load_demo_bank()
BY_ID = {item.id: item for item in BANK}


def of_type(*types: ItemType) -> list[Item]:
    return [item for item in BANK if item.type in types]


def test_every_competence_has_at_least_8_items_over_at_least_2_tubes():
    per_competence = Counter(item.competence for item in BANK)
    assert set(per_competence) == set(COMPETENCE_CODES)
    assert min(per_competence.values()) >= 8
    assert len(BANK) >= 150
    for code in COMPETENCE_CODES:
        tubes = {item.tube for item in BANK if item.competence == code}
        assert len(tubes) >= 2, code


def test_tubes_and_skills_follow_pix_naming_and_belong_to_one_competence():
    competence_of_tube: dict[str, str] = {}
    for item in BANK:
        assert re.fullmatch(r"@[a-z][A-Za-z0-9]+", item.tube), item.id
        assert item.skill == f"{item.tube}{item.skill_level}", item.id
        assert 1 <= item.skill_level <= 7
        assert competence_of_tube.setdefault(item.tube, item.competence) == item.competence
        assert item.locale == "fr-fr"


def test_every_type_and_feature_is_represented():
    types = Counter(item.type for item in BANK)
    assert set(types) == set(ItemType)
    assert types[ItemType.QCU] == max(types.values())
    assert types[ItemType.QCM] >= 15
    assert types[ItemType.QROC] >= 15
    assert types[ItemType.QROCM_IND] >= 5 and types[ItemType.QROCM_DEP] >= 5
    numeric = [i for i in of_type(ItemType.QROC) if i.fields[0].kind is FieldKind.NUMBER]
    assert len(numeric) >= 8
    assert sum(item.illustration is not None for item in BANK) >= 8
    assert sum(bool(item.attachments) for item in BANK) >= 5
    assert sum(item.focused for item in BANK) >= 10
    timed = [item.timer for item in BANK if item.timer is not None]
    assert len(timed) >= 5 and all(60 <= t <= 120 for t in timed)
    inaccessible = [item for item in BANK if not item.accessible]
    assert 1 <= len(inaccessible) <= len(BANK) // 10
    assert all(item.illustration is not None for item in inaccessible)


def test_irt_parameters_are_plausible_and_cover_levels_1_to_7():
    assert all(0.6 <= item.discrimination <= 2.2 for item in BANK)
    difficulties = [item.difficulty for item in BANK]
    assert min(difficulties) <= -2.8 and max(difficulties) >= 3.8
    assert all(-3.0 <= b <= 4.0 for b in difficulties)
    mean_by_level = [
        statistics.mean(item.difficulty for item in BANK if item.skill_level == level)
        for level in range(1, 8)
    ]
    assert mean_by_level == sorted(mean_by_level)
    for code in COMPETENCE_CODES:
        levels = {item.skill_level for item in BANK if item.competence == code}
        assert min(levels) <= 2 and max(levels) >= 6, code


def test_media_are_loaded_described_and_all_used():
    used = set()
    for item in BANK:
        media = ([item.illustration] if item.illustration else []) + list(item.attachments)
        for m in media:
            assert m.data and m.alt.strip(), item.id
            used.add(m.name)
        if item.illustration:
            assert item.illustration.media_type == "image/svg+xml"
            assert item.illustration.data.lstrip().startswith(b"<svg")
    shipped = {
        f.name for f in (resources.files("engine.demo_bank") / "media").iterdir() if f.is_file()
    }
    assert used == shipped


def test_items_that_refer_to_media_carry_them():
    for item in BANK:
        if "illustr" in item.stem:
            assert item.illustration is not None, item.id
        if "fichier joint" in item.stem:
            assert item.attachments, item.id


def test_qcu_solutions_are_answerable_and_unique():
    for item in of_type(ItemType.QCU):
        (correct,) = item.correct_choices
        assert [check_answer(item, i) for i in range(len(item.choices))] == [
            i == correct for i in range(len(item.choices))
        ], item.id


def test_correct_choices_are_not_always_in_the_same_place():
    positions = Counter(min(item.correct_choices) for item in of_type(ItemType.QCU))
    assert max(positions.values()) < 0.4 * sum(positions.values())


def test_qcm_solutions_are_all_or_nothing():
    for item in of_type(ItemType.QCM):
        correct = sorted(item.correct_choices)
        assert 2 <= len(correct) < len(item.choices), item.id
        assert check_answer(item, correct)
        assert check_answer(item, list(reversed(correct)))
        assert not check_answer(item, correct[1:])
        for extra in set(range(len(item.choices))) - set(correct):
            assert not check_answer(item, [*correct, extra]), item.id


def _response(item: Item, answers: list[str]):
    if item.type is ItemType.QROC:
        return answers[0]
    return {f.name: text for f, text in zip(item.fields, answers, strict=True)}


def test_every_accepted_variant_is_accepted():
    for item in of_type(ItemType.QROC, ItemType.QROCM_IND):
        for index, variants in enumerate(item.accepted):
            for variant in variants:
                answers = [v[0] for v in item.accepted]
                answers[index] = variant
                assert check_answer(item, _response(item, answers)), (item.id, variant)


def test_numbers_are_numbers():
    for item in BANK:
        for f, variants in zip(item.fields, item.accepted, strict=False):
            if f.kind is FieldKind.NUMBER:
                assert all(parse_number(v) is not None for v in variants), item.id


def test_wrong_free_answers_are_refused():
    for item in of_type(ItemType.QROC, ItemType.QROCM_IND):
        right = [v[0] for v in item.accepted]
        for index, f in enumerate(item.fields):
            wrong = list(right)
            wrong[index] = "1234567" if f.kind is FieldKind.TEXT else "-987654"
            assert not check_answer(item, _response(item, wrong)), item.id
            wrong[index] = ""
            assert not check_answer(item, _response(item, wrong)), item.id


def test_qrocm_ind_fields_are_not_interchangeable():
    for item in of_type(ItemType.QROCM_IND):
        right = [v[0] for v in item.accepted]
        swapped = right[1:] + right[:1]
        if len(set(right)) == len(right):
            assert not check_answer(item, _response(item, swapped)), item.id


@pytest.mark.parametrize("item", of_type(ItemType.QROCM_DEP), ids=lambda item: item.id)
def test_qrocm_dep_accepts_any_distinct_groups_and_refuses_a_repeated_one(item):
    n = len(item.fields)
    for groups in itertools.permutations(range(len(item.accepted)), n):
        answers = [item.accepted[g][-1] for g in groups]
        assert check_answer(item, _response(item, answers)), answers
    for group in item.accepted:
        assert not check_answer(item, _response(item, [group[0]] * n))
        if len(group) >= n:  # two spellings of one answer are still one answer
            assert not check_answer(item, _response(item, list(group[:n])))


def test_no_accepted_answer_also_fits_another_group_or_field():
    for item in of_type(ItemType.QROCM_IND, ItemType.QROCM_DEP):
        if item.fields[0].kind is FieldKind.NUMBER:
            continue
        for (_, mine), (j, theirs) in itertools.permutations(enumerate(item.accepted), 2):
            if mine != theirs:
                for variant in mine:
                    assert not text_matches(variant, theirs, item.tolerances), (item.id, variant, j)


def test_french_text_is_clean():
    for item in BANK:
        texts = [item.stem, *item.choices, *(f.label for f in item.fields)]
        for text in texts:
            assert text == text.strip(), item.id
            assert all("  " not in line.strip() for line in text.splitlines()), item.id
            # French typography: no space before "," or a final ".", a space before ": ".
            assert not re.search(r"\s,|\s\.(\s|$)|[a-zà-ÿ]: ", text), (item.id, text)
        assert "?" in item.stem or item.stem.endswith((".", "…", "]")), item.id
