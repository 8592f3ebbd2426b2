"""The estimators: `pix` against a line-by-line transcription of Pix's flash.js, `default` against
its definition."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.estimation import DEFAULT_GRID, DEFAULT_PRIOR_SD, PIX_GRID, probability_correct


def pix_reference(answers, start, variation_percent):
    """Pix's getEstimatedLevelAndErrorRateHistory, transcribed with plain floats, in order."""
    samples, value = [], -9.0
    while value < 9:
        samples.append(value)
        value += 18 / 80

    def total(values):
        result = 0.0
        for v in values:
            result += v
        return result

    level, likelihood, history = start, [1.0] * len(samples), []
    for a, b, ok in answers:
        gaussian = [
            math.exp(((s - level) ** 2) / (-2 * 1.5)) / (math.sqrt(1.5) * math.sqrt(2 * math.pi))
            for s in samples
        ]
        prior = [g / total(gaussian) for g in gaussian]
        probabilities = [1 / (1 + math.exp(a * (b - s))) for s in samples]
        likelihood = [
            lk * (p if ok else 1 - p) for lk, p in zip(likelihood, probabilities, strict=True)
        ]
        raw = [lk * pr for lk, pr in zip(likelihood, prior, strict=True)]
        posterior = [r / total(raw) for r in raw]
        estimate = total([s * p for s, p in zip(samples, posterior, strict=True)])
        if variation_percent:
            small = -variation_percent < level < variation_percent
            gap = variation_percent if small else abs(level * variation_percent)
            estimate = (
                min(estimate, level + gap) if estimate > level else max(estimate, level - gap)
            )
        level = estimate
        spread = total([p * (s - level) ** 2 for s, p in zip(samples, posterior, strict=True)])
        history.append((level, math.sqrt(spread - (9 / 80) ** 2 / 12.0)))
    return history


def test_pix_grid_has_81_points_from_minus_9_accumulated_by_18_80():
    assert PIX_GRID.size == 81
    assert PIX_GRID[0] == -9.0
    assert PIX_GRID[-1] < 9 and PIX_GRID[-1] == pytest.approx(9, abs=1e-12)
    assert PIX_GRID[40] == pytest.approx(0, abs=1e-12)


def test_two_parameter_logistic_has_no_scaling_factor():
    assert probability_correct(1.0, np.array(1.0), np.array(1.0)) == 0.5
    assert probability_correct(0.0, np.array(2.0), np.array(1.0)) == pytest.approx(
        1 / (1 + math.exp(2))
    )


def test_no_answer_gives_no_history():
    assert engine.capacity_history([], [], []) == []


ANSWERS = [(1.2, -0.5, True), (0.8, 0.4, True), (1.6, 1.1, False), (1.1, 0.9, True)]


@pytest.mark.parametrize(("start", "variation"), [(0.0, None), (-3.0, 0.5), (-3.0, None)])
def test_pix_mode_matches_the_transcription_of_flash_js(start, variation):
    a, b, ok = zip(*ANSWERS, strict=True)
    ours = engine.capacity_history(a, b, ok, start=start, variation_percent=variation)
    reference = pix_reference(ANSWERS, start, variation)
    for (capacity, error), (ref_capacity, ref_error) in zip(ours, reference, strict=True):
        assert capacity == pytest.approx(ref_capacity, rel=1e-12, abs=1e-12)
        assert error == pytest.approx(ref_error, rel=1e-12, abs=1e-12)


def test_error_is_posterior_sd_with_sheppard_correction():
    ((capacity, error),) = engine.capacity_history([1.0], [0.0], [True])
    posterior = probability_correct(PIX_GRID, np.array(1.0), np.array(0.0)) * np.exp(
        -(PIX_GRID**2) / 3
    )
    posterior /= posterior.sum()
    assert capacity == pytest.approx(posterior @ PIX_GRID, abs=1e-12)
    variance = posterior @ (PIX_GRID - capacity) ** 2
    assert error == pytest.approx(math.sqrt(variance - (9 / 80) ** 2 / 12), abs=1e-12)


def test_variation_percent_caps_a_step_at_v_near_zero():
    uncapped = engine.capacity_history([3.0], [5.0], [True])[0][0]
    capped = engine.capacity_history([3.0], [5.0], [True], variation_percent=0.5)[0][0]
    assert uncapped > 0.5
    assert capped == 0.5


def test_variation_percent_caps_a_step_at_previous_times_v_far_from_zero():
    # From −3 the step is at most |−3 × 0.2| = 0.6, whatever the answer says.
    up = engine.capacity_history([3.0], [5.0], [True], start=-3.0, variation_percent=0.2)
    down = engine.capacity_history([3.0], [-8.0], [False], start=-3.0, variation_percent=0.2)
    assert up[0][0] == pytest.approx(-2.4)
    assert down[0][0] == pytest.approx(-3.6)


def test_pix_prior_is_recentred_on_the_previous_estimate_so_order_matters():
    forward = engine.capacity_history([1, 1], [-1, 1], [True, False])[-1][0]
    backward = engine.capacity_history([1, 1], [1, -1], [False, True])[-1][0]
    assert forward != pytest.approx(backward, abs=1e-6)


def test_default_mode_is_the_eap_of_a_fixed_normal_prior():
    a, b, ok = zip(*ANSWERS, strict=True)
    capacity, error = engine.capacity_history(a, b, ok, mode="default")[-1]
    weight = np.exp(-0.5 * (DEFAULT_GRID / DEFAULT_PRIOR_SD) ** 2)
    for ai, bi, oki in ANSWERS:
        p = probability_correct(DEFAULT_GRID, np.array(ai), np.array(bi))
        weight = weight * (p if oki else 1 - p)
    weight /= weight.sum()
    assert capacity == pytest.approx(weight @ DEFAULT_GRID, abs=1e-12)
    assert error == pytest.approx(math.sqrt(weight @ (DEFAULT_GRID - capacity) ** 2), abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.3, 3.0), st.floats(-3.0, 3.0), st.booleans()),
        min_size=1,
        max_size=8,
    )
)
def test_default_mode_ignores_the_order_of_the_answers(answers):
    a, b, ok = zip(*answers, strict=True)
    forward = engine.capacity_history(a, b, ok, mode="default")[-1]
    a, b, ok = zip(*reversed(answers), strict=True)
    backward = engine.capacity_history(a, b, ok, mode="default")[-1]
    assert forward == pytest.approx(backward, abs=1e-9)


def test_history_has_one_pair_per_answer_and_rejects_bad_input():
    assert len(engine.capacity_history([1, 1, 1], [0, 0, 0], [True, False, True])) == 3
    with pytest.raises(ValueError):
        engine.capacity_history([1, 1], [0], [True])
    with pytest.raises(ValueError):
        engine.capacity_history([1], [0], [True], mode="other")
    with pytest.raises(ValueError):
        engine.capacity_history([1], [0], [True], mode="default", variation_percent=0.5)
