"""The referential of DESIGN §4: 5 areas, 16 competences, codes and names."""

import pytest

from engine.referential import (
    AREA_CODES,
    AREAS,
    COMPETENCE_CODES,
    COMPETENCES,
    UnknownCodeError,
    area,
    competence,
    competences_of,
    is_competence_code,
)


def test_five_areas_and_sixteen_competences_in_order():
    assert AREA_CODES == ("1", "2", "3", "4", "5")
    assert COMPETENCE_CODES == (
        "1.1", "1.2", "1.3",
        "2.1", "2.2", "2.3", "2.4",
        "3.1", "3.2", "3.3", "3.4",
        "4.1", "4.2", "4.3",
        "5.1", "5.2",
    )  # fmt: skip
    assert [len(competences_of(a.code)) for a in AREAS] == [3, 4, 4, 3, 2]


def test_french_names_are_pix_names():
    assert area("1").name_fr == "Information et données"
    assert competence("1.1").name_fr == "Mener une recherche et une veille d'information"
    assert competence("2.4").name_fr == "S'insérer dans le monde numérique"
    assert competence("4.3").name_fr == "Protéger la santé, le bien-être et l'environnement"
    assert competence("5.2").name_fr == "Construire un environnement numérique"


def test_every_competence_has_names_and_belongs_to_its_area():
    for c in COMPETENCES:
        assert c.name_fr and c.name_en
        assert c.code.split(".")[0] == c.area_code == c.area.code


@pytest.mark.parametrize("code", ["6.1", "1", "", None, "1.10"])
def test_unknown_competence_codes_are_refused_in_both_languages(code):
    assert not is_competence_code(code)
    with pytest.raises(UnknownCodeError) as caught:
        competence(code)
    assert "unknown competence code" in caught.value.message_en
    assert "code de compétence inconnu" in caught.value.message_fr


def test_unknown_area_code():
    with pytest.raises(UnknownCodeError, match="unknown area code"):
        area("9")
    with pytest.raises(UnknownCodeError):
        competences_of("0")
