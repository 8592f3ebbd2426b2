"""Training on the practice bank: selection within a parcours, corrections, the profile."""

import random

import pytest

from engine.answers import ResponseError
from engine.parcours import load_catalogue, parcours_positions
from engine.referential import COMPETENCE_CODES
from engine.training import (
    PracticeError,
    Profile,
    check_practice_answer,
    correction,
    load_practice_bank,
    next_training_item,
    practice_profile,
    public_item,
)


@pytest.fixture(scope="module")
def bank():
    return load_practice_bank()


@pytest.fixture(scope="module")
def catalogue():
    return {parcours.id: parcours for parcours in load_catalogue()}


def _run(bank, parcours, seed, answer, history=()):
    answered = []
    while (
        item_id := next_training_item(bank, parcours, answered, seed, history=history)
    ) is not None:
        answered.append((item_id, answer(item_id)))
        assert len(answered) <= parcours.max_items
    return answered


def test_a_run_asks_each_item_once_within_the_parcours_and_stops_at_its_length(bank, catalogue):
    parcours = catalogue["rentree-2de"]
    answered = _run(bank, parcours, "student-1", lambda _: True)
    ids = [item_id for item_id, _ in answered]
    assert len(ids) == len(set(ids)) == parcours.max_items
    allowed = {bank.index.ids[p] for p in parcours_positions(bank.index, parcours)}
    assert set(ids) <= allowed
    # A diagnostic across 16 competences visits every one of them.
    assert {bank.item(i).competence for i in ids} == set(COMPETENCE_CODES)


def test_the_same_inputs_give_the_same_item_and_another_seed_may_not(bank, catalogue):
    parcours = catalogue["theme-1-information"]
    first = _run(bank, parcours, "seed-a", lambda item_id: len(item_id) % 2 == 0)
    again = _run(bank, parcours, "seed-a", lambda item_id: len(item_id) % 2 == 0)
    assert first == again
    runs = {tuple(_run(bank, parcours, f"seed-{n}", lambda _: True)) for n in range(6)}
    assert len(runs) > 1


def test_a_thematic_parcours_stays_in_its_area(bank, catalogue):
    parcours = catalogue["theme-4-protection"]
    answered = _run(bank, parcours, 7, lambda _: False)
    assert {bank.item(i).competence for i, _ in answered} <= {"4.1", "4.2", "4.3"}


def test_selection_follows_the_student_level(bank, catalogue):
    parcours = catalogue["rentree-tle"]
    strong = _run(bank, parcours, "s", lambda _: True)
    weak = _run(bank, parcours, "s", lambda _: False)

    def mean_difficulty(answered):
        return sum(bank.index.difficulty[bank.index.position[i]] for i, _ in answered) / len(
            answered
        )

    assert mean_difficulty(strong) > mean_difficulty(weak) + 1.5


def test_earlier_practice_is_not_repeated_while_fresh_items_remain(bank, catalogue):
    parcours = catalogue["theme-5-environnement"]
    history = _run(bank, catalogue["rentree-3e"], "h", lambda _: True)
    seen = {item_id for item_id, _ in history}
    answered = _run(bank, parcours, "h", lambda _: True, history=history)
    fresh = [p for p in parcours_positions(bank.index, parcours) if bank.index.ids[p] not in seen]
    repeated = [i for i, _ in answered if i in seen]
    assert len(repeated) == max(0, len(answered) - len(fresh))


def test_the_correction_is_an_accepted_answer_and_the_public_item_hides_it(bank):
    for item_id, item in bank.items.items():
        shown = correction(bank, item_id)
        assert check_practice_answer(bank, item_id, shown["correct_answer"])
        assert shown["explanation"]["fr"] and shown["explanation"]["en"]
        assert shown["answer_text"]
        public = public_item(bank, item_id)
        assert set(public) == {
            "id",
            "type",
            "competence",
            "stem",
            "choices",
            "fields",
            "illustration",
            "attachments",
        }
        if item.type.has_choices:
            wrong = next(i for i in range(len(item.choices)) if i not in item.correct_choices)
            response = wrong if item.type == "QCU" else [wrong]
            assert not check_practice_answer(bank, item_id, response)


def test_unknown_items_and_malformed_responses_are_refused_in_both_languages(bank):
    with pytest.raises(PracticeError) as error:
        public_item(bank, "rech-moteur-01")  # a certification item: not in the practice bank
    assert error.value.code == "unknown_item" and "inconnu" in error.value.fr
    qcu = next(i for i, item in bank.items.items() if item.type == "QCU")
    with pytest.raises(ResponseError) as malformed:
        check_practice_answer(bank, qcu, "not an index")
    assert malformed.value.message_fr and malformed.value.message_en


def test_the_profile_counts_answered_competences_only_and_certifiability(bank, catalogue):
    empty = practice_profile(bank, [])
    assert empty == Profile(dict.fromkeys(COMPETENCE_CODES, 0), 0, False, 0, 0)
    area_1 = _run(bank, catalogue["theme-1-information"], "p", lambda _: True)
    profile = practice_profile(bank, area_1)
    assert {code for code, level in profile.levels.items() if level} == {"1.1", "1.2", "1.3"}
    assert profile.certifiable_competences == 3 and not profile.certifiable
    everything = area_1 + _run(bank, catalogue["rentree-2de"], "p", lambda _: True, area_1)
    full = practice_profile(bank, everything)
    assert full.certifiable and full.certifiable_competences == 16
    assert full.pix_score > profile.pix_score
    weak = practice_profile(bank, [(i, False) for i, _ in everything])
    assert sum(weak.levels.values()) < sum(full.levels.values())
    assert 0 <= weak.pix_score < full.pix_score <= 16 * 8 * 7
    # Answers to items the bank no longer holds are left out.
    assert practice_profile(bank, [*area_1, ("retired-item", True)]) == profile


def test_the_profile_grows_with_right_answers(bank, catalogue):
    rng = random.Random(3)
    answered = _run(bank, catalogue["rentree-tle"], "g", lambda _: rng.random() < 0.5)
    before = practice_profile(bank, answered)
    more = answered + [
        (i, True) for i in bank.items if i not in dict(answered) and i.startswith("ent-1.1")
    ]
    after = practice_profile(bank, more)
    assert after.levels["1.1"] >= before.levels["1.1"]
    assert after.pix_score >= before.pix_score
