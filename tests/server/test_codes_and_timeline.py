"""The codes people type (DESIGN §4) and the server's exam clock, without a server."""

import pytest

from server_stub import codes
from server_stub.names import first_names_match, name_key
from server_stub.timeline import BASE_MINUTES, Timeline, time_allowed_s


def test_codes_use_their_alphabets():
    for _ in range(200):
        access = codes.access_code()
        assert len(access) == 6
        assert set(access[:4]) <= set(codes.ACCESS_LETTERS)
        assert set(access[4:]) <= set(codes.ACCESS_DIGITS)
        invigilator = codes.invigilator_code()
        assert len(invigilator) == 6 and set(invigilator) <= set(codes.INVIGILATOR_ALPHABET)
        verification = codes.verification_code()
        assert codes.is_verification_code(verification)
        assert len(set(verification[2:])) == 8
        assert 100_000 <= codes.session_number() <= 999_999


@pytest.mark.parametrize("text", ["P-BCDFGHJ", "P-BBCDFGHJ", "X-BCDFGHJK", "P-BCDFGHJ0"])
def test_malformed_verification_codes_are_refused(text):
    assert not codes.is_verification_code(text)


def test_bearer_tokens_can_be_typed_after_an_option():
    """A token starting with "-" made `pix-kiosk enroll --token <token>` fail (1 in 64)."""
    tokens = {codes.bearer_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert not any(token.startswith("-") for token in tokens)
    assert all(len(token) == 43 for token in tokens)


def test_names_match_without_case_accents_or_punctuation():
    assert name_key("Lefèvre-Durand") == name_key("LEFEVRE DURAND") == "lefevredurand"
    assert name_key("N'Diaye") == name_key("ndiaye")
    assert first_names_match("marie", "Marie Claire")
    assert first_names_match("Marie-Claire", "Marie Claire")
    assert not first_names_match("Claire", "Marie Claire")
    assert not first_names_match("", "Marie")


def test_extra_time_adds_its_percentage():
    assert time_allowed_s(0) == BASE_MINUTES * 60 == 6300
    assert time_allowed_s(33) == 8379


def test_pauses_stop_the_clock_and_extra_time_moves_the_deadline():
    timeline = Timeline(
        started_at=1000.0, time_allowed_s=6300, extra_s=600, pauses=((2000.0, 2600.0),)
    )
    assert timeline.deadline(now=3000.0) == 1000 + 6300 + 600 + 600
    assert timeline.remaining_s(now=3000.0) == 6900 - (3000 - 1000 - 600)
    paused = Timeline(started_at=1000.0, time_allowed_s=6300, extra_s=0, pauses=((2000.0, None),))
    assert paused.is_paused()
    assert paused.remaining_s(now=2500.0) == paused.remaining_s(now=9000.0)
