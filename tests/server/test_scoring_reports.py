"""The server's scoring honours the invigilator's reports: neutralising subcategories leave a
ko/aband answer out, UNINTENTIONAL_FOCUS_OUT turns a focusedOut answer into a success."""

from engine.config import ExamConfig
from engine.exam import Exam
from engine.synthetic import synthetic_bank
from server_stub.results import neutralised_items, score, unintentional_focus_outs


def sat_exam(statuses: dict[int, str]) -> Exam:
    """A finished exam; answer n (1-based) has statuses[n], "ko" otherwise."""
    exam = Exam(synthetic_bank(20, seed=11), ExamConfig.default(), 5)
    number = 0
    while (item_id := exam.next_item()) is not None:
        number += 1
        exam.record(item_id, statuses.get(number, "ko"))
    return exam


def test_an_unintentional_focus_loss_counts_the_answer_as_a_success() -> None:
    exam = sat_exam({3: "focusedOut", 4: "focusedOut", 5: "ko"})
    third, fourth, fifth = exam.administered[2:5]
    reports = [
        ("UNINTENTIONAL_FOCUS_OUT", "#3"),  # by number as the candidate saw it
        ("UNINTENTIONAL_FOCUS_OUT", fifth),  # a ko answer: not turned into ok
    ]
    assert unintentional_focus_outs(exam, reports) == [third]
    result = score(exam, None, reports, validated_alerts=())
    assert result == exam.result(unintentional_focus_out=[third])
    assert result.capacity > exam.result().capacity
    assert fourth not in unintentional_focus_outs(exam, reports)


def test_neutralising_reports_and_focus_reports_do_not_mix() -> None:
    exam = sat_exam({2: "focusedOut", 6: "aband"})
    second, sixth = exam.administered[1], exam.administered[5]
    reports = [("IMAGE_NOT_DISPLAYING", "#6"), ("IMAGE_NOT_DISPLAYING", second)]
    assert neutralised_items(exam, reports, validated_alerts=()) == [sixth]
    assert unintentional_focus_outs(exam, reports) == []
    assert score(exam, None, reports, ()) == exam.result(neutralised=[sixth])
