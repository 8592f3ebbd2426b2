"""The item model: building, round-tripping through dicts, and every validation error."""

import base64
import copy
import json
import math

import pytest
import rfc8785

from engine.items import (
    MAX_MEDIA_BYTES,
    Field,
    FieldKind,
    Item,
    ItemError,
    ItemType,
    Media,
    Tolerances,
    build_item,
    check_unique_ids,
)

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def base(type_: str) -> dict:
    """A valid item dict of each type, in the `to_dict()` shape."""
    common = {
        "id": "rech-moteur-02",
        "type": type_,
        "competence": "1.1",
        "tube": "@moteurRecherche",
        "skill": "@moteurRecherche2",
        "stem": "Question ?",
        "discrimination": 1.2,
        "difficulty": -0.5,
    }
    if type_ in ("QCU", "QCM"):
        return common | {"choices": ["un", "deux", "trois"], "correct_choices": [1]}
    if type_ == "QROC":
        return common | {
            "fields": [{"name": "reponse", "label": "Réponse"}],
            "accepted": [["Paris"]],
        }
    two_fields = [{"name": "a", "label": "A"}, {"name": "b", "label": "B"}]
    if type_ == "QROCM-ind":
        return common | {"fields": two_fields, "accepted": [["rouge"], ["vert"]]}
    return common | {"fields": two_fields, "accepted": [["rouge"], ["vert"], ["bleu"]]}


ALL_TYPES = ["QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"]


@pytest.mark.parametrize("type_", ALL_TYPES)
def test_every_type_round_trips_through_json(type_):
    item = Item.from_dict(base(type_))
    again = Item.from_dict(json.loads(json.dumps(item.to_dict())))
    assert again == item
    assert again.type is ItemType(type_)
    assert again.to_dict() == item.to_dict()


@pytest.mark.parametrize("type_", ALL_TYPES)
def test_round_trip_through_canonical_json_which_writes_1_0_as_1(type_):
    item = Item.from_dict(base(type_) | {"discrimination": 1.0, "difficulty": 0.0})
    canonical = rfc8785.dumps(item.to_dict())
    assert b'"discrimination":1,' in canonical
    assert Item.from_dict(json.loads(canonical)) == item


def test_media_round_trip_as_base64_and_stay_in_memory():
    data = base("QCU") | {
        "illustration": {
            "name": "barre.svg",
            "media_type": "image/svg+xml",
            "alt": "Une barre d'adresse",
            "data": base64.b64encode(SVG).decode(),
        },
        "attachments": [
            {
                "name": "notes.csv",
                "media_type": "text/csv",
                "data": base64.b64encode(b"a;b\n").decode(),
            }
        ],
        "timer": 90,
        "focused": True,
        "blind_ok": False,
    }
    item = Item.from_dict(data)
    assert item.illustration == Media("barre.svg", "image/svg+xml", SVG, "Une barre d'adresse")
    assert item.attachments[0].data == b"a;b\n"
    assert item.attachments[0].alt == ""
    assert Item.from_dict(json.loads(json.dumps(item.to_dict()))) == item
    assert "data=" not in repr(item.illustration)


def test_defaults_and_derived_properties():
    item = Item(
        id="x1",
        type="QCU",
        competence="4.1",
        tube="@motDePasse",
        skill="@motDePasse3",
        stem="?",
        choices=["a", "b"],
        correct_choices=[0],
    )
    assert item.type is ItemType.QCU
    assert item.correct_choices == frozenset({0})
    assert item.choices == ("a", "b")
    assert item.tolerances == Tolerances(True, True, True)
    assert item.locale == "fr-fr"
    assert (item.timer, item.focused, item.illustration, item.attachments) == (
        None,
        False,
        None,
        (),
    )
    assert item.accessible
    assert item.skill_level == 3
    assert isinstance(hash(item), int)
    assert not Item.from_dict(base("QCU") | {"colour_blind_ok": False}).accessible
    assert Item.from_dict(base("QCU") | {"skill": "@tube"}).skill_level is None


def test_integer_parameters_and_string_kinds_are_normalised():
    item = Item(
        id="n1",
        type=ItemType.QROC,
        competence="1.3",
        tube="t",
        skill="t1",
        stem="?",
        fields=(Field("reponse", "Réponse", "number"),),
        accepted=[["3,5"]],
        discrimination=2,
        difficulty=-1,
    )
    assert item.fields[0].kind is FieldKind.NUMBER
    assert item.accepted == (("3,5",),)
    assert (item.discrimination, item.difficulty) == (2.0, -1.0)
    assert isinstance(item.discrimination, float)


def test_error_message_names_item_and_field_in_both_languages():
    with pytest.raises(ItemError) as caught:
        Item.from_dict(base("QCU") | {"choices": ["seul"], "correct_choices": [0]})
    error = caught.value
    assert error.message_en == (
        'item "rech-moteur-02": field "choices": a QCU needs at least 2 choices (got 1)'
    )
    assert error.message_fr == (
        "item « rech-moteur-02 » : champ « choices » : un QCU demande au moins 2 choix (reçu : 1)"
    )
    assert str(error) == f"{error.message_en}\n{error.message_fr}"
    assert (error.item_id, error.field) == ("rech-moteur-02", "choices")
    located = error.in_source("1.1.json", 3)
    assert located.message_en.startswith('1.1.json, item #3: item "rech-moteur-02"')
    assert located.message_fr.startswith("1.1.json, item n° 3 : item « rech-moteur-02 »")
    assert error.in_source("banque").message_fr.startswith("banque : item")
    assert isinstance(error, ValueError)


def _set(key, value):
    def mutate(d):
        d[key] = value

    return mutate


def _drop(key):
    def mutate(d):
        del d[key]

    return mutate


def _field(index, key, value):
    def mutate(d):
        d["fields"][index][key] = value

    return mutate


def _illustration(**overrides):
    media = {
        "name": "image.svg",
        "media_type": "image/svg+xml",
        "alt": "Une image",
        "data": base64.b64encode(SVG).decode(),
    }
    return _set("illustration", media | overrides)


def _attachments(*media):
    return _set(
        "attachments",
        [
            {"name": "f.txt", "media_type": "text/plain", "data": base64.b64encode(b"x").decode()}
            | m
            for m in media
        ],
    )


# (case, item type, mutation, field named in the error, fragment of the English reason)
INVALID = [
    ("not an object", "QCU", None, "(item)", "must be a JSON object"),
    ("unknown key", "QCU", _set("colour", "red"), "colour", "unknown key"),
    ("missing stem", "QCU", _drop("stem"), "stem", "is missing"),
    ("missing difficulty", "QCU", _drop("difficulty"), "difficulty", "is missing"),
    ("bad id", "QCU", _set("id", "a b"), "id", "is not a valid id"),
    ("empty id", "QCU", _set("id", ""), "id", "is not a valid id"),
    ("unknown type", "QCU", _set("type", "QCX"), "type", "unknown item type 'QCX'"),
    ("type not a string", "QCU", _set("type", 3), "type", "unknown item type 3"),
    (
        "competence off referential",
        "QCU",
        _set("competence", "6.1"),
        "competence",
        "not a competence",
    ),
    ("empty tube", "QCU", _set("tube", " "), "tube", "non-empty string"),
    ("skill not a string", "QCU", _set("skill", None), "skill", "non-empty string"),
    ("bad locale", "QCU", _set("locale", "French"), "locale", "is not a locale"),
    ("empty stem", "QCU", _set("stem", "  "), "stem", "must not be empty"),
    ("choices not a list", "QCU", _set("choices", "ab"), "choices", "must be a list"),
    ("choice not a string", "QCU", _set("choices", ["a", 2]), "choices", "list of strings"),
    ("one choice", "QCU", _set("choices", ["a"]), "choices", "at least 2 choices"),
    ("empty choice", "QCM", _set("choices", ["a", " ", "c"]), "choices[1]", "must not be empty"),
    ("duplicate choices", "QCU", _set("choices", ["a", "b", "a "]), "choices", "same text"),
    ("QCU two answers", "QCU", _set("correct_choices", [0, 1]), "correct_choices", "exactly one"),
    ("QCU no answer", "QCU", _set("correct_choices", []), "correct_choices", "correct choice"),
    ("QCM empty solution", "QCM", _set("correct_choices", []), "correct_choices", "correct choice"),
    (
        "index out of range",
        "QCM",
        _set("correct_choices", [0, 3]),
        "correct_choices",
        "out of range",
    ),
    ("negative index", "QCU", _set("correct_choices", [-1]), "correct_choices", "out of range"),
    ("bool index", "QCU", _set("correct_choices", [True]), "correct_choices", "choice indices"),
    (
        "choice item with fields",
        "QCU",
        _set("fields", [{"name": "a", "label": "A"}]),
        "fields",
        "has choices, not fields",
    ),
    ("choice item with accepted", "QCM", _set("accepted", [["x"]]), "accepted", "has choices"),
    (
        "QROC with choices",
        "QROC",
        _set("choices", ["a", "b"]),
        "choices",
        "has fields, not choices",
    ),
    (
        "QROC with correct choices",
        "QROC",
        _set("correct_choices", [0]),
        "correct_choices",
        "has fields",
    ),
    (
        "QROC two fields",
        "QROC",
        _set("fields", [{"name": "a", "label": "A"}, {"name": "b", "label": "B"}]),
        "fields",
        "exactly one field",
    ),
    (
        "QROCM one field",
        "QROCM-ind",
        _set("fields", [{"name": "a", "label": "A"}]),
        "fields",
        "at least 2 fields",
    ),
    ("fields not a list", "QROC", _set("fields", {"name": "a"}), "fields", "must be a list"),
    ("field not an object", "QROC", _set("fields", ["a"]), "fields[0]", "must be a JSON object"),
    ("field unknown key", "QROC", _field(0, "size", 3), "fields[0]", "unknown key 'size'"),
    (
        "field without label",
        "QROC",
        lambda d: d["fields"][0].pop("label"),
        "fields[0].label",
        "is missing",
    ),
    (
        "field bad name",
        "QROC",
        _field(0, "name", "1st"),
        "fields[0].name",
        "not a valid field name",
    ),
    ("field empty label", "QROC", _field(0, "label", ""), "fields[0].label", "screen reader"),
    (
        "field unknown kind",
        "QROC",
        _field(0, "kind", "date"),
        "fields[0].kind",
        "unknown field kind",
    ),
    (
        "field placeholder",
        "QROC",
        _field(0, "placeholder", 3),
        "fields[0].placeholder",
        "must be a string",
    ),
    ("duplicate field names", "QROCM-ind", _field(1, "name", "a"), "fields[1].name", "two fields"),
    (
        "accepted per field count",
        "QROCM-ind",
        _set("accepted", [["rouge"]]),
        "accepted",
        "one list of accepted answers per field",
    ),
    ("QROC accepted missing", "QROC", _set("accepted", []), "accepted", "per field"),
    ("accepted not lists", "QROC", _set("accepted", ["Paris"]), "accepted", "must be a list"),
    ("accepted not strings", "QROC", _set("accepted", [[3]]), "accepted", "lists of accepted"),
    ("no variant", "QROC", _set("accepted", [[]]), "accepted[0]", "at least one accepted"),
    (
        "variant empty under tolerances",
        "QROC",
        _set("accepted", [["?!"]]),
        "accepted[0]",
        "empty once the item's tolerances",
    ),
    (
        "number field, text variant",
        "QROC",
        lambda d: d.update(
            fields=[{"name": "n", "label": "N", "kind": "number"}], accepted=[["abc"]]
        ),
        "accepted[0]",
        "is not a number",
    ),
    (
        "dep fewer groups than fields",
        "QROCM-dep",
        _set("accepted", [["rouge"]]),
        "accepted",
        "at least as many accepted groups as fields",
    ),
    (
        "dep mixed kinds",
        "QROCM-dep",
        _field(1, "kind", "number"),
        "fields",
        "all be text or all be numbers",
    ),
    (
        "dep empty group",
        "QROCM-dep",
        _set("accepted", [["rouge"], []]),
        "accepted[1]",
        "at least one accepted",
    ),
    (
        "tolerances not an object",
        "QROC",
        _set("tolerances", [True]),
        "tolerances",
        "must be a JSON object",
    ),
    (
        "tolerance unknown key",
        "QROC",
        _set("tolerances", {"t4": True}),
        "tolerances",
        "unknown key 't4'",
    ),
    (
        "tolerance not a boolean",
        "QROC",
        _set("tolerances", {"t1": 1}),
        "tolerances.t1",
        "true or false",
    ),
    ("negative timer", "QCU", _set("timer", -5), "timer", "whole number of seconds"),
    ("zero timer", "QCU", _set("timer", 0), "timer", "whole number of seconds"),
    ("fractional timer", "QCU", _set("timer", 1.5), "timer", "whole number of seconds"),
    ("timer over the exam", "QCU", _set("timer", 7000), "timer", "whole number of seconds"),
    ("focused not bool", "QCU", _set("focused", "yes"), "focused", "true or false"),
    ("blind_ok not bool", "QCU", _set("blind_ok", 1), "blind_ok", "true or false"),
    (
        "colour_blind_ok not bool",
        "QCU",
        _set("colour_blind_ok", None),
        "colour_blind_ok",
        "true or false",
    ),
    ("a zero", "QCU", _set("discrimination", 0), "discrimination", "finite number > 0"),
    ("a negative", "QCU", _set("discrimination", -1.0), "discrimination", "finite number > 0"),
    ("a infinite", "QCU", _set("discrimination", math.inf), "discrimination", "finite number"),
    ("a string", "QCU", _set("discrimination", "1.2"), "discrimination", "finite number"),
    ("b NaN", "QCU", _set("difficulty", math.nan), "difficulty", "finite number"),
    ("b infinite", "QCU", _set("difficulty", -math.inf), "difficulty", "finite number"),
    ("b boolean", "QCU", _set("difficulty", True), "difficulty", "finite number"),
    (
        "illustration without alt",
        "QCU",
        _illustration(alt=" "),
        "illustration.alt",
        "alternative text",
    ),
    (
        "illustration not an image",
        "QCU",
        _illustration(media_type="text/plain"),
        "illustration.media_type",
        "must be an image",
    ),
    (
        "illustration not an object",
        "QCU",
        _set("illustration", "image.svg"),
        "illustration",
        "must be a JSON object",
    ),
    (
        "media missing data",
        "QCU",
        _set("illustration", {"name": "a.svg", "media_type": "image/svg+xml"}),
        "illustration.data",
        "is missing",
    ),
    ("media bad base64", "QCU", _illustration(data="***"), "illustration.data", "base64"),
    ("media empty", "QCU", _illustration(data=""), "illustration.data", "empty"),
    (
        "media path as name",
        "QCU",
        _illustration(name="media/image.svg"),
        "illustration.name",
        "not a file name",
    ),
    (
        "media bad type",
        "QCU",
        _illustration(media_type="svg"),
        "illustration.media_type",
        "not a media type",
    ),
    (
        "media too large",
        "QCU",
        _illustration(data=base64.b64encode(b"x" * (MAX_MEDIA_BYTES + 1)).decode()),
        "illustration.data",
        "too large",
    ),
    (
        "media alt not text",
        "QCU",
        _attachments({"alt": 3}),
        "attachments[0].alt",
        "must be a string",
    ),
    ("attachments not a list", "QCU", _set("attachments", {}), "attachments", "must be a list"),
    (
        "duplicate attachments",
        "QCU",
        _attachments({}, {}),
        "attachments[1].name",
        "two attachments",
    ),
]


@pytest.mark.parametrize(
    ("type_", "mutate", "field", "reason"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_each_invalid_item_is_refused_with_a_precise_error(type_, mutate, field, reason):
    data = copy.deepcopy(base(type_))
    if mutate is None:
        data = ["not", "an", "item"]
    else:
        mutate(data)
    with pytest.raises(ItemError) as caught:
        Item.from_dict(data)
    error = caught.value
    assert error.field == field, error.message_en
    assert reason in error.reason_en
    assert error.reason_fr and error.reason_fr != error.reason_en
    assert f'field "{field}"' in error.message_en
    assert f"champ « {field} »" in error.message_fr


def test_the_error_names_the_item_even_when_it_comes_from_the_constructor():
    with pytest.raises(ItemError, match='item "q7": field "difficulty"'):
        Item(
            id="q7",
            type=ItemType.QCU,
            competence="1.1",
            tube="t",
            skill="t1",
            stem="?",
            choices=("a", "b"),
            correct_choices=frozenset({0}),
            difficulty=math.nan,
        )


def test_an_item_without_a_usable_id_is_named_by_a_question_mark():
    with pytest.raises(ItemError) as caught:
        Item.from_dict(base("QCU") | {"id": 12})
    assert caught.value.item_id == "?"


def test_duplicate_ids_across_a_bank():
    first = Item.from_dict(base("QCU"))
    other = Item.from_dict(base("QROC") | {"id": "autre"})
    check_unique_ids([first, other])
    with pytest.raises(ItemError) as caught:
        check_unique_ids([first, other, Item.from_dict(base("QCM"))])
    assert caught.value.item_id == "rech-moteur-02"
    assert caught.value.field == "id"
    assert "used by another item" in caught.value.message_en


def test_build_item_uses_the_given_media_reader():
    seen = []

    def read(item_id, where, value):
        seen.append((item_id, where, value))
        return Media(value, "image/png", b"\x89PNG", "alt")

    item = build_item(base("QCU") | {"illustration": "logo.png", "attachments": ["a.png"]}, read)
    assert item.illustration.name == "logo.png"
    assert seen == [
        ("rech-moteur-02", "illustration", "logo.png"),
        ("rech-moteur-02", "attachments[0]", "a.png"),
    ]


def test_has_choices():
    assert [t.has_choices for t in ItemType] == [True, True, False, False, False]
