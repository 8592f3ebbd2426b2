"""The parcours catalogue: what ships, and files refused with a reason in both languages."""

import json

import pytest

from engine.parcours import (
    Parcours,
    ParcoursError,
    check_against_bank,
    find,
    load_catalogue,
    parcours_positions,
)
from engine.referential import AREA_CODES, COMPETENCE_CODES, competences_of
from engine.training import load_practice_bank

CATALOGUE = load_catalogue()
BANK = load_practice_bank()


def test_one_back_to_school_diagnostic_per_grade_across_all_16_competences():
    diagnostics = {p.grade: p for p in CATALOGUE if p.purpose == "diagnostic"}
    assert set(diagnostics) == {"3e", "2de", "Tle"}
    for parcours in diagnostics.values():
        assert parcours.competences == COMPETENCE_CODES
        assert parcours.max_items >= 32


def test_one_short_thematic_parcours_per_area():
    training = [p for p in CATALOGUE if p.purpose == "training"]
    for area in AREA_CODES:
        codes = tuple(c.code for c in competences_of(area))
        assert [p for p in training if p.competences == codes], area
    assert all(p.max_items <= 15 for p in training)


def test_every_shipped_parcours_fits_the_practice_bank_and_round_trips():
    assert len({p.id for p in CATALOGUE}) == len(CATALOGUE)
    for parcours in CATALOGUE:
        check_against_bank(parcours, BANK.index)
        assert Parcours.from_dict(parcours.to_dict(), parcours.id) == parcours
        assert parcours.title["fr"] and parcours.title["en"]
    assert find(CATALOGUE, "rentree-3e").grade == "3e"
    with pytest.raises(ParcoursError) as error:
        find(CATALOGUE, "nope")
    assert error.value.code == "parcours_unknown"


def _write(directory, data, name=None):
    directory.mkdir(exist_ok=True)
    (directory / f"{name or data['id']}.json").write_text(json.dumps(data), encoding="utf-8")


def _valid(**changes):
    data = {
        "format": "pix-kiosk/parcours",
        "id": "mots-de-passe",
        "version": 2,
        "title": {"fr": "Mots de passe", "en": "Passwords"},
        "purpose": "training",
        "grade": "2de",
        "competences": ["4.1"],
        "tubes": ["@motDePasse"],
        "skills": [],
        "max_items": 3,
    }
    data.update(changes)
    return data


def test_a_parcours_may_narrow_its_competences_to_tubes_or_skills(tmp_path):
    _write(tmp_path, _valid())
    (parcours,) = load_catalogue(tmp_path)
    assert parcours.version == 2
    chosen = {BANK.index.ids[p] for p in parcours_positions(BANK.index, parcours)}
    assert chosen and all(BANK.item(i).tube == "@motDePasse" for i in chosen)
    check_against_bank(parcours, BANK.index)
    by_skill = Parcours.from_dict(_valid(tubes=[], skills=["@motDePasse1"], max_items=1))
    assert {
        BANK.item(BANK.index.ids[p]).skill for p in parcours_positions(BANK.index, by_skill)
    } == {"@motDePasse1"}


@pytest.mark.parametrize(
    ("changes", "english"),
    [
        ({"purpose": "exam"}, "purpose"),
        ({"grade": "CM2"}, "grade"),
        ({"competences": ["6.1"]}, "competences"),
        ({"competences": []}, "competences"),
        ({"competences": ["4.1", "4.1"]}, "competences"),
        ({"title": {"fr": "Mots de passe"}}, "title"),
        ({"max_items": 0}, "max_items"),
        ({"max_items": True}, "max_items"),
        ({"version": "1"}, "version"),
        ({"format": "other"}, "format"),
        ({"tubes": ["motDePasse"]}, "tubes"),
        ({"extra": 1}, "unknown key"),
    ],
)
def test_invalid_files_are_refused_in_both_languages(tmp_path, changes, english):
    _write(tmp_path, _valid(**changes), name="mots-de-passe")
    with pytest.raises(ParcoursError) as error:
        load_catalogue(tmp_path)
    assert error.value.code == "parcours_invalid"
    assert english in error.value.en and "mots-de-passe.json" in error.value.fr


def test_a_file_not_named_after_its_id_and_unreadable_json_are_refused(tmp_path):
    _write(tmp_path, _valid(), name="autre")
    with pytest.raises(ParcoursError, match="named after its id"):
        load_catalogue(tmp_path)
    (tmp_path / "autre.json").write_text("{", encoding="utf-8")
    with pytest.raises(ParcoursError, match="JSON"):
        load_catalogue(tmp_path)


def test_a_parcours_the_bank_cannot_serve_is_refused():
    for changes, english in (
        ({"tubes": ["@inconnu"]}, "tube @inconnu"),
        ({"tubes": [], "skills": ["@motDePasse7"]}, "skill @motDePasse7"),
        ({"max_items": 40}, "fewer than its length"),
    ):
        with pytest.raises(ParcoursError) as error:
            check_against_bank(Parcours.from_dict(_valid(**changes)), BANK.index)
        assert english in error.value.en and error.value.fr
