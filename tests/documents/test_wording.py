"""Dates as the documents print them, in French and English, with no locale library."""

from datetime import date

import pytest

from server_stub.documents.wording import long_date


@pytest.mark.parametrize(
    ("day", "lang", "printed"),
    [
        (date(2026, 3, 1), "fr", "1er mars 2026"),
        (date(2026, 8, 2), "fr", "2 août 2026"),
        (date(2026, 2, 28), "fr", "28 février 2026"),
        (date(2026, 12, 31), "fr", "31 décembre 2026"),
        (date(2026, 3, 1), "en", "1 March 2026"),
        (date(2026, 12, 12), "en", "12 December 2026"),
    ],
)
def test_long_dates(day, lang, printed):
    assert long_date(day, lang) == printed


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        long_date(date(2026, 3, 1), "de")
