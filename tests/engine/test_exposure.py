"""Exposure control: parameters that travel with the bank, the lottery and prices at work, and a
calibration that brings exposure down."""

import json

import numpy as np
import pytest

from engine import Exam, ExamConfig, ItemBank, calibrate_exposure
from engine.exposure import FAMILY_MEANS, population_weights
from engine.itembank import BankIndexError, ExposureParameters


def with_parameters(bank, k, prices=None):
    prices = np.zeros(len(bank)) if prices is None else prices
    return bank.with_exposure(ExposureParameters((0.0,), k, prices, 0.25))


def test_a_bank_without_parameters_runs_uncontrolled(psy_bank):
    assert psy_bank.exposure is None
    exam = Exam(psy_bank, ExamConfig.default(), 0)
    assert exam.next_item() is not None
    assert exam._cohort.tickets is None


def test_parameters_travel_in_the_json_index_exactly(psy_bank):
    rng = np.random.default_rng(3)
    bank = with_parameters(psy_bank, rng.random((len(psy_bank), 2)), rng.random(len(psy_bank)))
    again = ItemBank.from_dict(json.loads(json.dumps(bank.to_dict())))
    assert again.ids == bank.ids
    assert np.array_equal(again.exposure.k, bank.exposure.k)
    assert np.array_equal(again.exposure.prices, bank.exposure.prices)
    assert again.exposure.edges == bank.exposure.edges


def test_parameters_follow_their_items_when_the_index_is_not_sorted(psy_bank):
    data = with_parameters(psy_bank, np.linspace(0, 1, len(psy_bank) * 2).reshape(-1, 2)).to_dict()
    order = list(reversed(range(len(psy_bank))))
    for key in (
        "ids",
        "competences",
        "tubes",
        "skills",
        "discrimination",
        "difficulty",
        "accessible",
    ):
        data[key] = [data[key][i] for i in order]
    data["exposure"]["k"] = [data["exposure"]["k"][i] for i in order]
    data["exposure"]["prices"] = [data["exposure"]["prices"][i] for i in order]
    again = ItemBank.from_dict(data)
    assert np.array_equal(again.exposure.k, np.linspace(0, 1, len(psy_bank) * 2).reshape(-1, 2))


def test_malformed_parameters_are_refused(psy_bank):
    data = with_parameters(psy_bank, np.ones((len(psy_bank), 2))).to_dict()
    data["exposure"]["k"][0][0] = 1.5
    with pytest.raises(BankIndexError):
        ItemBank.from_dict(data)
    data["exposure"]["method"] = "running-rate"
    with pytest.raises(BankIndexError):
        ItemBank.from_dict(data)


def test_the_lottery_keeps_an_item_whose_k_is_zero_out_of_every_exam(psy_bank):
    first = Exam(psy_bank, ExamConfig.default(), 0).next_item()
    k = np.ones((len(psy_bank), 2))
    k[psy_bank.position[first]] = 0.0
    bank = with_parameters(psy_bank, k)
    for seed in range(20):
        exam = Exam(bank, ExamConfig.default(), seed)
        while (item_id := exam.next_item()) is not None:
            assert item_id != first
            exam.record(item_id, "ok" if seed % 2 else "ko")


def test_the_lottery_gives_an_item_with_probability_k(psy_bank):
    first = Exam(psy_bank, ExamConfig.default(), 0).next_item()
    k = np.ones((len(psy_bank), 2))
    k[psy_bank.position[first], 0] = 0.3  # the start estimate 0 lies in stratum 1: untouched
    k[psy_bank.position[first], 1] = 0.3
    bank = with_parameters(psy_bank, k)
    firsts = [Exam(bank, ExamConfig.default(), seed).next_item() for seed in range(2000)]
    assert firsts.count(first) / 2000 == pytest.approx(0.3, abs=0.04)


def test_a_price_moves_an_item_down_the_ranking(psy_bank):
    first = Exam(psy_bank, ExamConfig.default(), 0).next_item()
    prices = np.zeros(len(psy_bank))
    prices[psy_bank.position[first]] = 10.0
    bank = with_parameters(psy_bank, np.ones((len(psy_bank), 2)), prices)
    assert Exam(bank, ExamConfig.default(), 0).next_item() != first


def test_population_family_weights_are_distributions():
    weights = population_weights()
    assert weights.shape[0] == len(FAMILY_MEANS)
    assert weights.sum(axis=1) == pytest.approx(1.0)


def test_calibration_is_for_the_default_mode_only(psy_bank):
    with pytest.raises(ValueError):
        calibrate_exposure(psy_bank, ExamConfig.pix())
