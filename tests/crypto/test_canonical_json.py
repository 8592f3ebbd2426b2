"""The fast path of canonical_json writes exactly the bytes of RFC 8785 (the `rfc8785` package),
and refuses what RFC 8785 refuses."""

import math

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.canonical import canonical_json

SAFE = 2**53 - 1
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-SAFE, SAFE)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(json_values)
def test_same_bytes_as_rfc8785(value) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        60.0,
        -0.0,
        1e-7,
        0.0001,
        0.00001,
        123456789012345680.0,
        1e21,
        9007199254740992.0,
        5e-324,
        0.1 + 0.2,
        {"é": 1, "e": 2, "\U0001f600": 3, "\ufb01": 4},
        ["\x00\x1f\x7f\u2028", '\\"/'],
        {"nested": [{"b": 1.5, "a": [2.0, None, True]}]},
    ],
)
def test_edge_cases(value) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, 2**53, -(2**60), "\ud800", {1: "x"}])
def test_refused_like_rfc8785(value) -> None:
    with pytest.raises(Exception) as expected:
        rfc8785.dumps(value)
    with pytest.raises(type(expected.value)):
        canonical_json(value)
