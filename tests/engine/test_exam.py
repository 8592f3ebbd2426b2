"""The exam state machine: presenting, recording, replacing, events and the result."""

import pytest

from engine import Exam, ExamConfig, ExamResult, ItemBank
from engine.exam import ExamError
from engine.referential import COMPETENCE_CODES


@pytest.fixture(params=["pix", "default"])
def psy_config(request):
    return ExamConfig.pix() if request.param == "pix" else ExamConfig.default()


def test_an_exam_presents_32_items_then_none(psy_bank, psy_config):
    exam = Exam(psy_bank, psy_config, 7)
    for count in range(32):
        item_id = exam.next_item()
        assert item_id is not None
        assert exam.next_item() == item_id  # presented until answered
        exam.record(item_id, "ok" if count % 2 else "ko")
    assert exam.next_item() is None
    assert len(exam.administered) == len(set(exam.administered)) == 32
    assert exam.events == [
        {"kind": "answer", "item_id": item_id, "status": status} for item_id, status in exam.answers
    ]


def test_record_refuses_an_item_that_is_not_the_one_presented(psy_bank, psy_config):
    exam = Exam(psy_bank, psy_config, 1)
    with pytest.raises(ExamError, match="presented"):
        exam.record(psy_bank.ids[0], "ok")
    shown = exam.next_item()
    other = next(item_id for item_id in psy_bank.ids if item_id != shown)
    with pytest.raises(ExamError, match=other):
        exam.record(other, "ok")
    with pytest.raises(ExamError, match="status"):
        exam.record(shown, "OK")
    assert exam.events == []


@pytest.mark.parametrize("status", ["ko", "aband", "timedout", "focusedOut"])
def test_only_ok_is_a_success(psy_bank, status):
    success, failure = Exam(psy_bank, ExamConfig.pix(), 3), Exam(psy_bank, ExamConfig.pix(), 3)
    success.record(success.next_item(), "ok")
    failure.record(failure.next_item(), status)
    assert failure.capacity < success.capacity
    reference = Exam(psy_bank, ExamConfig.pix(), 3)
    reference.record(reference.next_item(), "ko")
    assert failure.capacity == reference.capacity


def test_capacity_and_error_start_at_the_configured_values(psy_bank):
    pix = Exam(psy_bank, ExamConfig.pix(), 0)
    assert (pix.capacity, pix.error) == (-3.0, 5.0)
    default = Exam(psy_bank, ExamConfig.default(), 0)
    assert default.capacity == pytest.approx(0.0, abs=1e-12)


def test_replace_withdraws_the_item_and_its_whole_skill(psy_config):
    ids = [f"q{n:02d}" for n in range(48)]
    competences = [COMPETENCE_CODES[n % 16] for n in range(48)]
    skills = [f"skill{n % 16}-{n // 32}" for n in range(48)]  # pairs of items share a skill
    bank = ItemBank.from_arrays(ids, competences, [1.0] * 48, [0.0] * 48, skills=skills)
    exam = Exam(bank, psy_config, 2)
    first = exam.next_item()
    skill = bank.skill[bank.position[first]]
    exam.replace(first)
    assert exam.current is None
    replacement = exam.next_item()
    assert replacement != first
    assert exam.events == [{"kind": "replace", "item_id": first}]
    while (item_id := exam.next_item()) is not None:
        exam.record(item_id, "ok")
    assert first not in exam.administered
    assert all(bank.skill[bank.position[i]] != skill for i in exam.administered)
    # The replaced question does not count: still 32 answers.
    assert len(exam.administered) == 32


def test_replace_refuses_an_item_that_is_not_on_screen(psy_bank):
    exam = Exam(psy_bank, ExamConfig.default(), 0)
    with pytest.raises(ExamError):
        exam.replace(psy_bank.ids[0])
    shown = exam.next_item()
    exam.record(shown, "ok")
    with pytest.raises(ExamError):
        exam.replace(shown)


def test_result_of_a_complete_exam(psy_bank, psy_config):
    exam = Exam(psy_bank, psy_config, 4)
    while (item_id := exam.next_item()) is not None:
        exam.record(item_id, "ok")
    result = exam.result()
    assert isinstance(result, ExamResult)
    assert result.status == "validated"
    assert result.answered == 32
    assert 0 <= result.score <= 895
    assert 0 <= result.global_level <= 7
    assert set(result.competence_levels) == set(COMPETENCE_CODES)
    assert all(0 <= level <= 7 for level in result.competence_levels.values())
    assert result.capacity == exam.capacity
    assert result.error == exam.error
    assert ExamResult.from_dict(result.to_dict()) == result


def test_all_correct_scores_higher_than_all_wrong(psy_bank, psy_config):
    results = {}
    for status in ("ok", "ko"):
        exam = Exam(psy_bank, psy_config, 9)
        while (item_id := exam.next_item()) is not None:
            exam.record(item_id, status)
        results[status] = exam.result()
    assert results["ok"].score > results["ko"].score
    assert results["ok"].global_level > results["ko"].global_level


def test_accessibility_needs_is_a_keyword(psy_bank):
    exam = Exam(psy_bank, ExamConfig.default(), 0, accessibility_needs=True)
    assert exam.next_item() is not None


def test_a_bank_index_from_the_demo_items_runs_an_exam():
    from engine.bank_source import load_demo_bank

    items = load_demo_bank()
    bank = ItemBank.from_items(items)
    assert len(bank) == len(items)
    assert list(bank.ids) == sorted(item.id for item in items)
    exam = Exam(bank, ExamConfig.default(), 0, accessibility_needs=True)
    while (item_id := exam.next_item()) is not None:
        assert bank.accessible[bank.position[item_id]]
        exam.record(item_id, "ok")
    assert exam.result().status == "validated"


def test_bank_index_round_trips_through_json_and_refuses_nonsense(psy_bank):
    import json

    from engine.itembank import BankIndexError

    again = ItemBank.from_dict(json.loads(json.dumps(psy_bank.to_dict())))
    assert again.to_dict() == psy_bank.to_dict()
    bad = [
        dict(ids=["a", "a"], competences=["1.1", "1.1"], discrimination=[1, 1], difficulty=[0, 0]),
        dict(ids=["a"], competences=["9.9"], discrimination=[1], difficulty=[0]),
        dict(ids=["a"], competences=["1.1"], discrimination=[0], difficulty=[0]),
        dict(ids=["a"], competences=["1.1"], discrimination=[1], difficulty=[float("nan")]),
        dict(ids=["a", "b"], competences=["1.1"], discrimination=[1, 1], difficulty=[0, 0]),
    ]
    for columns in bad:
        with pytest.raises(BankIndexError):
            ItemBank.from_arrays(**columns)
    with pytest.raises(BankIndexError):
        ItemBank.from_dict({**psy_bank.to_dict(), "version": 99})


def test_exam_configuration_round_trips_and_checks_its_fields():
    from engine.config import ConfigError

    for config in (ExamConfig.pix(), ExamConfig.default()):
        assert ExamConfig.from_dict(config.to_dict()) == config
    pix = ExamConfig.pix()
    assert (pix.length, pix.challenges_between_same_competence, pix.pick_probability) == (32, 2, 51)
    assert pix.limit_to_one_question_per_tube and pix.enable_passage_by_all_competences
    assert (pix.variation_percent, pix.default_candidate_capacity) == (0.5, -3.0)
    assert ExamConfig.default().questions_per_competence == 2
    for broken in ({"mode": "pix", "length": "32"}, {"mode": "other"}, {"mode": "pix", "x": 1}):
        with pytest.raises(ConfigError):
            ExamConfig.from_dict(broken)
