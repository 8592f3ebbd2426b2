"""Shared fixtures of the psychometric tests (names start with `psy_`)."""

import pytest

from engine.synthetic import synthetic_bank


@pytest.fixture(scope="session")
def psy_bank():
    """A synthetic bank of 16 competences × 20 items, in tubes of 4, without exposure control."""
    return synthetic_bank(20, seed=11)
