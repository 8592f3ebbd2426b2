"""The lab configuration: what IT writes, and the bilingual messages for each mistake."""

import argparse

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.keys import public_key_b64
from kiosk.commands import run as run_command
from kiosk.lab_config import LabConfigError, config_table, load_lab_config

SERVER_KEY = public_key_b64(Ed25519PrivateKey.generate().public_key())
PUBLISHER_KEY = public_key_b64(Ed25519PrivateKey.generate().public_key())


def write(tmp_path, text: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def complete(**changes: str) -> str:
    values = {
        "url": '"https://certif.lycee.fr/"',
        "server_key": f'"{SERVER_KEY}"',
        "publisher_key": f'"{PUBLISHER_KEY}"',
        "language": '"en"',
        "extra": "",
    } | changes
    return f"""
[server]
url = {values["url"]}
public_key = {values["server_key"]}
[publisher]
public_key = {values["publisher_key"]}
[kiosk]
data_dir = "data"
bank = "banks/demo.pixbank"
language = {values["language"]}
secure_mode = false
[display]
font_scale = 1.5
high_contrast = true
{values["extra"]}
"""


def test_a_complete_configuration(tmp_path):
    config = load_lab_config(write(tmp_path, complete(extra="[lockdown]\nextra_screens = 'cover'")))
    assert config.server_url == "https://certif.lycee.fr"
    assert public_key_b64(config.server_public_key) == SERVER_KEY
    assert config.data_dir == tmp_path.resolve() / "data"
    assert config.bank_path == tmp_path.resolve() / "banks" / "demo.pixbank"
    assert (config.language, config.secure_mode) == ("en", False)
    assert (config.font_scale, config.high_contrast) == (1.5, True)
    assert config.lockdown == {"extra_screens": "cover"}


@pytest.mark.parametrize(
    ("changes", "french", "english"),
    [
        ({"url": '"ftp://x"'}, "[server] url doit être", "[server] url must be"),
        ({"server_key": '"abc"'}, "[server] public_key doit être", "Ed25519 public key"),
        ({"language": '"de"'}, 'language doit valoir "fr" ou "en"', 'must be "fr" or "en"'),
        ({"url": "12"}, "un texte non vide", "a non-empty string"),
        (
            {"language": '"en"\ncore_sid = "pix-kiosk-core"'},
            "[kiosk] core_sid doit être un SID Windows",
            "[kiosk] core_sid must be a Windows SID",
        ),
    ],
)
def test_each_mistake_is_named_in_both_languages(tmp_path, changes, french, english):
    with pytest.raises(LabConfigError) as caught:
        load_lab_config(write(tmp_path, complete(**changes)))
    assert french in caught.value.fr and english in caught.value.en
    assert "kiosk.toml" in caught.value.fr


def test_the_installed_core_s_windows_account_is_kept_and_handed_on(tmp_path):
    sid = "S-1-5-80-1249921362-847227951-3913913932-3253960450-1039360083"
    config = load_lab_config(write(tmp_path, complete(language=f'"en"\ncore_sid = "{sid}"')))
    assert config.core_sid == sid and config_table(config)["kiosk"]["core_sid"] == sid
    assert load_lab_config(write(tmp_path, complete())).core_sid is None


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(LabConfigError, match="introuvable"):
        load_lab_config(tmp_path / "absent.toml")
    with pytest.raises(LabConfigError, match="not valid TOML"):
        load_lab_config(write(tmp_path, "[server\nurl="))
    with pytest.raises(LabConfigError, match=r"key public_key is missing from table \[publisher\]"):
        load_lab_config(write(tmp_path, f"[server]\nurl='http://a'\npublic_key='{SERVER_KEY}'"))


def test_device_token_is_kept_owner_only_and_missing_one_is_explained(tmp_path):
    config = load_lab_config(write(tmp_path, complete()))
    with pytest.raises(LabConfigError, match="pix-kiosk enroll"):
        config.device_token()
    config.save_device_token("token-123")
    assert config.device_token() == "token-123"
    assert config.device_token_path.stat().st_mode & 0o077 == 0


def test_run_says_what_to_fix_without_a_traceback(tmp_path, capsys):
    args = argparse.Namespace(config=tmp_path / "absent.toml", windowed=False)
    assert run_command.run(args) == 2
    err = capsys.readouterr().err
    assert "introuvable" in err and "not found" in err and "Traceback" not in err
