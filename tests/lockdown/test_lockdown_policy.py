"""The lockdown policy as configuration, and the configuration key the server is shown."""

import hashlib

import pytest
import rfc8785

from kiosk.config_key import config_key
from kiosk.lockdown import LockdownPolicy


def test_a_configuration_table_round_trips() -> None:
    table = {
        "extra_screens": "refuse",
        "prohibited_processes": ["teamviewer*", "obs"],
        "virtual_machine": "refuse",
        "check_interval_s": 1.5,
    }
    policy = LockdownPolicy.from_dict(table)
    assert policy.prohibited_processes == ("teamviewer*", "obs")
    assert LockdownPolicy.from_dict(policy.to_dict()) == policy
    assert LockdownPolicy.from_dict({}) == LockdownPolicy()


@pytest.mark.parametrize(
    "table",
    [
        {"virtual_machnie": "allow"},  # a typo must not silently weaken the lockdown
        {"remote_session": "maybe"},
        {"extra_screens": "mirror"},
        {"check_interval_s": 0},
    ],
)
def test_mistakes_are_refused(table: dict) -> None:
    with pytest.raises(ValueError):
        LockdownPolicy.from_dict(table)


def test_the_config_key_is_sha256_of_canonical_json() -> None:
    config = {"server": {"url": "https://pix.example"}, "lockdown": LockdownPolicy().to_dict()}
    expected = hashlib.sha256(rfc8785.dumps({"config": config, "version": "1.2.0"})).hexdigest()
    assert config_key(config, "1.2.0") == expected


def test_the_config_key_ignores_order_and_sees_any_change() -> None:
    config = {"b": [1, 2], "a": {"y": True, "x": "é"}}
    same = {"a": {"x": "é", "y": True}, "b": [1, 2]}
    assert config_key(config, "1.0") == config_key(same, "1.0")
    assert config_key(config, "1.0") != config_key(config, "1.1")
    assert config_key(config, "1.0") != config_key({**config, "b": [2, 1]}, "1.0")
    relaxed = LockdownPolicy(virtual_machine="allow").to_dict()
    assert config_key({"lockdown": relaxed}, "1.0") != config_key(
        {"lockdown": LockdownPolicy().to_dict()}, "1.0"
    )
