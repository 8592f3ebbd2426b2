"""Tolerances T1/T2/T3 and number reading, by example and by property."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.tolerance import (
    Tolerances,
    apply_t1,
    apply_t2,
    levenshtein,
    normalise,
    number_matches,
    parse_number,
    text_matches,
    within_t3,
)

ALL = Tolerances()
NONE = Tolerances(t1=False, t2=False, t3=False)
ONLY_T1 = Tolerances(t1=True, t2=False, t3=False)
ONLY_T2 = Tolerances(t1=False, t2=True, t3=False)
ONLY_T3 = Tolerances(t1=False, t2=False, t3=True)

ACCENTS = ["\u0301", "\u0300", "\u0302", "\u0308", "\u0327"]  # acute, grave, circumflex, …
# Shared CI machines make timings vary; the logic under test does not depend on them.
relaxed = settings(deadline=None)
latin_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Élève ", "eleve"),
        ("Cœur de LION", "coeurdelion"),
        ("Ça\tva\u00a0bien\n", "cavabien"),
        ("STRASSE ß", "strassess"),
        ("ﬁchier", "fichier"),
        ("İstanbul", "istanbul"),
    ],
)
def test_t1_examples(typed, expected):
    assert apply_t1(typed) == expected


def test_t2_keeps_only_ascii_letters_digits_and_spaces():
    assert apply_t2("C'est-à-dire : 3 km/h !") == "Cestdire  3 kmh "


def test_treatments_apply_t1_before_t2():
    assert normalise("C'est-à-dire", ALL) == "cestadire"
    assert normalise("C'est-à-dire", ONLY_T2) == "Cestdire"
    assert normalise(" Déjà ", NONE) == " Déjà "


def test_t3_threshold_is_a_quarter_of_the_accepted_length():
    assert within_t3("pariss", "paris")  # 1 / 5
    assert not within_t3("pairs", "paris")  # 2 / 5 (a swap is two edits)
    assert within_t3("abcd", "abce")  # 1 / 4 = 0.25 is accepted
    assert not within_t3("abc", "abd")  # 1 / 3
    assert within_t3("", "")
    assert not within_t3("a", "")


def test_text_matches_with_each_tolerance_switched():
    assert text_matches("  PARIS ", ["Paris"], ALL)
    assert not text_matches("  PARIS ", ["Paris"], ONLY_T2)
    assert text_matches("Pariss", ["Paris"], ONLY_T3)
    assert not text_matches("Pariss", ["Paris"], ONLY_T1)
    assert text_matches("l'océan", ["l océan"], Tolerances(t1=True, t2=True, t3=False))
    assert not text_matches("l'océan", ["l océan"], ONLY_T1)
    assert text_matches("Londres", ["Paris", "Londres"], NONE)
    assert not text_matches("Berlin", ["Paris", "Londres"], ALL)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("3,5", Decimal("3.5")),
        ("3.50", Decimal("3.5")),
        (" -2 ", Decimal("-2")),
        ("\u22122", Decimal("-2")),
        ("+7", Decimal("7")),
        ("1 000", Decimal("1000")),
        ("1\u202f000\u00a0000,25", Decimal("1000000.25")),
        (",5", Decimal("0.5")),
        ("10000", Decimal("10000")),
    ],
)
def test_numbers_people_type(typed, value):
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    "typed", ["", "abc", "3,5,2", "1.000,5", "3 5", "1 00", "12 3456", "3e5", "nan", "inf", "3,"]
)
def test_not_numbers(typed):
    assert parse_number(typed) is None


def test_number_matches_numerically():
    assert number_matches("8,50", ["8.5"])
    assert number_matches("10 000", ["10000"])
    assert not number_matches("8,4", ["8.5"])
    assert not number_matches("huit", ["8"])


# --- properties ---------------------------------------------------------------------------------


@relaxed
@given(st.text())
def test_t1_is_idempotent_and_leaves_no_whitespace_nor_capitals(text):
    once = apply_t1(text)
    assert apply_t1(once) == once
    assert not any(ch.isspace() for ch in once)
    assert once == once.lower()


@relaxed
@given(st.text())
def test_t2_is_idempotent_and_ascii(text):
    once = apply_t2(text)
    assert apply_t2(once) == once
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in once)


@relaxed
@given(st.text(), st.booleans(), st.booleans(), st.booleans())
def test_normalise_is_idempotent_for_every_switch(text, t1, t2, t3):
    tolerances = Tolerances(t1, t2, t3)
    once = normalise(text, tolerances)
    assert normalise(once, tolerances) == once


@relaxed
@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
            st.booleans(),
            st.sampled_from([*ACCENTS, ""]),
            st.sampled_from(["", " ", "\t", "\u00a0"]),
        ),
        min_size=1,
        max_size=15,
    ),
    st.sampled_from(["NFC", "NFD"]),
)
def test_t1_ignores_case_accents_and_spacing(letters, form):
    plain = "".join(letter for letter, _, _, _ in letters)
    decorated = "".join(
        (letter.upper() if upper else letter) + accent + space
        for letter, upper, accent, space in letters
    )
    assert apply_t1(unicodedata.normalize(form, decorated)) == plain
    assert text_matches(unicodedata.normalize(form, decorated), [plain], ONLY_T1)


@relaxed
@given(latin_words, latin_words)
def test_levenshtein_is_a_metric_bounded_by_lengths(a, b):
    d = levenshtein(a, b)
    assert d == levenshtein(b, a)
    assert (d == 0) == (a == b)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))


@relaxed
@given(latin_words, latin_words, latin_words)
def test_levenshtein_triangle_inequality(a, b, c):
    assert levenshtein(a, c) <= levenshtein(a, b) + levenshtein(b, c)


@relaxed
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=40), st.data())
def test_t3_accepts_exactly_up_to_a_quarter_of_substitutions(accepted, data):
    edits = data.draw(st.integers(min_value=0, max_value=len(accepted)))
    positions = data.draw(
        st.lists(st.integers(0, len(accepted) - 1), min_size=edits, max_size=edits, unique=True)
    )
    typed = list(accepted)
    for position in positions:
        typed[position] = "0"  # a digit never equals a letter: one substitution each
    typed = "".join(typed)
    assert levenshtein(typed, accepted) == edits
    assert within_t3(typed, accepted) == (edits / len(accepted) <= 0.25)
    assert text_matches(typed, [accepted], ONLY_T3) == (edits / len(accepted) <= 0.25)


@relaxed
@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, max_value=10**9, min_value=-(10**9)
    )
)
def test_numbers_read_back_with_comma_or_point(value):
    text = f"{value:f}"
    assert parse_number(text) == value
    assert parse_number(text.replace(".", ",")) == value
    assert number_matches(text.replace(".", ","), [text])


@relaxed
@given(st.integers(min_value=1000, max_value=10**12))
def test_thousands_separated_by_spaces(value):
    grouped = f"{value:,}".replace(",", " ")
    assert parse_number(grouped) == value
