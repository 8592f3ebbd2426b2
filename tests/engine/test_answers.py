"""Answer checking for each item type, the answer statuses, and malformed responses."""

import pytest

from engine.answers import AnswerStatus, ResponseError, answer_status, check_answer
from engine.items import Field, FieldKind, Item, ItemType, Tolerances


def make(type_: ItemType, **kwargs) -> Item:
    return Item(
        id=f"test-{type_.lower()}",
        type=type_,
        competence="1.1",
        tube="@tube",
        skill="@tube3",
        stem="Question ?",
        **kwargs,
    )


QCU = make(ItemType.QCU, choices=("Paris", "Lyon", "Lille"), correct_choices={1})
QCM = make(ItemType.QCM, choices=("a", "b", "c", "d"), correct_choices={0, 2})
QROC = make(
    ItemType.QROC, fields=(Field("reponse", "Réponse"),), accepted=(("Strasbourg", "Stras"),)
)
QROC_NUMBER = make(
    ItemType.QROC, fields=(Field("n", "Nombre", FieldKind.NUMBER),), accepted=(("8.5",),)
)
QROCM_IND = make(
    ItemType.QROCM_IND,
    fields=(Field("ville", "Ville"), Field("annee", "Année", FieldKind.NUMBER)),
    accepted=(("Marseille",), ("1998",)),
)
QROCM_DEP = make(
    ItemType.QROCM_DEP,
    fields=(Field("n1", "Premier"), Field("n2", "Deuxième")),
    accepted=(("Firefox", "Mozilla Firefox"), ("Chrome", "Google Chrome"), ("Safari",)),
)


def test_qcu():
    assert check_answer(QCU, 1)
    assert not check_answer(QCU, 0)
    assert not check_answer(QCU, 2)


def test_qcm_is_all_or_nothing_and_order_free():
    assert check_answer(QCM, [0, 2])
    assert check_answer(QCM, (2, 0))
    assert check_answer(QCM, {0, 2})
    assert check_answer(QCM, [2, 0, 2])  # a repeated tick is still one tick
    assert not check_answer(QCM, [0])
    assert not check_answer(QCM, [0, 1, 2])
    assert not check_answer(QCM, [])


def test_qroc_text_uses_the_item_tolerances():
    assert check_answer(QROC, "  strasbourg ")
    assert check_answer(QROC, "Strasbourgg")  # T3: 1 / 10
    assert check_answer(QROC, "stras")
    assert not check_answer(QROC, "Paris")
    strict = make(
        ItemType.QROC,
        fields=(Field("reponse", "Réponse"),),
        accepted=(("Strasbourg",),),
        tolerances=Tolerances(t1=False, t2=False, t3=False),
    )
    assert check_answer(strict, "Strasbourg")
    assert not check_answer(strict, "strasbourg")


def test_qroc_number_compares_numerically_whatever_the_tolerances():
    assert check_answer(QROC_NUMBER, "8,5")
    assert check_answer(QROC_NUMBER, " 8.50 ")
    assert not check_answer(QROC_NUMBER, "8,4")
    assert not check_answer(QROC_NUMBER, "8,5 €")
    assert not check_answer(QROC_NUMBER, "")


def test_qrocm_ind_needs_every_field_right():
    assert check_answer(QROCM_IND, {"ville": "marseille", "annee": "1998"})
    assert not check_answer(QROCM_IND, {"ville": "marseille", "annee": "1999"})
    assert not check_answer(QROCM_IND, {"ville": "Lyon", "annee": "1998"})
    assert not check_answer(QROCM_IND, {"ville": "1998", "annee": "marseille"})


def test_qrocm_dep_needs_each_field_in_a_distinct_group():
    assert check_answer(QROCM_DEP, {"n1": "firefox", "n2": "Google Chrome"})
    assert check_answer(QROCM_DEP, {"n1": "Safari", "n2": "Firefox"})
    assert not check_answer(QROCM_DEP, {"n1": "Firefox", "n2": "Mozilla Firefox"})
    assert not check_answer(QROCM_DEP, {"n1": "Firefox", "n2": "firefox"})
    assert not check_answer(QROCM_DEP, {"n1": "Firefox", "n2": "Opera"})
    assert not check_answer(QROCM_DEP, {"n1": "", "n2": ""})


def test_qrocm_dep_finds_an_assignment_that_a_greedy_one_would_miss():
    # "doc" also fits the "docx" group under T3 (1/4); a first-fit assignment that gives "doc" to
    # "docx" would leave "docx" without a group.
    item = make(
        ItemType.QROCM_DEP,
        fields=(Field("f1", "Premier"), Field("f2", "Deuxième")),
        accepted=(("docx",), ("doc",)),
    )
    assert check_answer(item, {"f1": "doc", "f2": "docx"})
    assert check_answer(item, {"f1": "docx", "f2": "doc"})
    assert not check_answer(item, {"f1": "doc", "f2": "doc"})


def test_qrocm_dep_with_numbers():
    item = make(
        ItemType.QROCM_DEP,
        fields=(Field("a", "A", FieldKind.NUMBER), Field("b", "B", FieldKind.NUMBER)),
        accepted=(("2",), ("4",), ("6",)),
    )
    assert check_answer(item, {"a": "6", "b": "2,0"})
    assert not check_answer(item, {"a": "2", "b": "2,0"})
    assert not check_answer(item, {"a": "2", "b": "3"})


@pytest.mark.parametrize(
    ("item", "response", "reason"),
    [
        (QCU, "1", "expected a choice index"),
        (QCU, True, "expected a choice index"),
        (QCU, [1], "expected a choice index"),
        (QCU, 3, "choice 3 does not exist"),
        (QCU, -1, "choice -1 does not exist"),
        (QCM, 1, "expected a list of choice indices"),
        (QCM, "02", "expected a list of choice indices"),
        (QCM, {0: True}, "expected a list of choice indices"),
        (QCM, [0, "2"], "expected choice indices"),
        (QCM, [0, 4], "choice 4 does not exist"),
        (QROC, 12, "expected a string"),
        (QROC, None, "expected a string"),
        (QROC, {"reponse": "Paris"}, "expected a string"),
        (QROCM_IND, "Marseille", "expected an object"),
        (QROCM_IND, {"ville": "Marseille"}, "expected exactly the fields"),
        (QROCM_IND, {"ville": "a", "annee": "1", "extra": "x"}, "expected exactly the fields"),
        (QROCM_IND, {"ville": "a", "annee": 1998}, "expected text for field 'annee'"),
        (QROCM_DEP, {"n1": "Firefox"}, "expected exactly the fields"),
    ],
)
def test_malformed_responses_are_errors_not_wrong_answers(item, response, reason):
    with pytest.raises(ResponseError) as caught:
        check_answer(item, response)
    assert reason in caught.value.message_en
    assert caught.value.message_en.startswith(f'item "{item.id}": malformed response')
    assert caught.value.message_fr.startswith(f"item « {item.id} » : réponse mal formée")
    assert caught.value.item_id == item.id


def test_statuses_are_pix_strings():
    assert [str(s) for s in AnswerStatus] == ["ok", "ko", "aband", "timedout", "focusedOut"]
    assert AnswerStatus("focusedOut") is AnswerStatus.FOCUSED_OUT


def test_answer_status_precedence():
    focused = make(ItemType.QCU, choices=("a", "b"), correct_choices={0}, focused=True, timer=60)
    assert answer_status(focused, 0) == "ok"
    assert answer_status(focused, 1) == "ko"
    assert answer_status(focused, 0, focus_lost=True) == "focusedOut"
    assert answer_status(focused, 1, focus_lost=True) == "ko"
    assert answer_status(focused, None, skipped=True) == "aband"
    assert answer_status(focused, 0, skipped=True, timed_out=True) == "aband"
    assert answer_status(focused, None, timed_out=True) == "timedout"
    assert answer_status(focused, 0, timed_out=True, focus_lost=True) == "timedout"


def test_focus_loss_on_an_unfocused_item_keeps_a_correct_answer_ok():
    assert answer_status(QCU, 1, focus_lost=True) is AnswerStatus.OK


def test_a_malformed_response_is_still_an_error_in_answer_status():
    with pytest.raises(ResponseError):
        answer_status(QCU, None)
