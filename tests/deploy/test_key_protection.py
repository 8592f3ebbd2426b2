"""What protects the exam core's keys (kiosk.protection) and how doctor reports it: real
accounts, real directories and modes on Linux, the attacker's own read attempt when run as root;
the Windows ACL and TPM answers are PowerShell's, given by the test."""

import json
import os
import pwd
import subprocess
from pathlib import Path

import pytest

from kiosk.doctor.keys import key_protection_check, probe_protection
from kiosk.doctor.report import Status, render_json, render_text
from kiosk.protection import ACCOUNT, NONE, PROTECTIONS, Protection, detect_protection

# Accounts every Debian/Ubuntu has: `nobody` plays the core's account, `daemon` the desktop's.
CORE, DESKTOP = "nobody", "daemon"
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give files to an account")


def uid(name: str) -> int:
    return pwd.getpwnam(name).pw_uid


@pytest.fixture
def core_state(tmp_path: Path) -> Path:
    """A state directory as install.sh leaves it: the core account's, 0700, a key inside."""
    tmp_path.chmod(0o755)
    state = tmp_path / "state"
    (state / "identity").mkdir(parents=True)
    (state / "identity" / "device-signing.key").write_text("secret\n", encoding="utf-8")
    state.chmod(0o700)
    if os.geteuid() == 0:
        for path in (state, state / "identity", state / "identity" / "device-signing.key"):
            os.chown(path, uid(CORE), uid(CORE))
    return state


@as_root
def test_account_protection_and_the_desktop_account_really_cannot_read(core_state):
    found = detect_protection(core_state, account=CORE, window_uid=uid(DESKTOP), tpm_present=False)
    assert (found.keys_protected, found.protection) == (True, ACCOUNT)
    assert found.fr.startswith("Clés protégées") and found.en.startswith("Keys protected")
    assert DESKTOP in found.en
    # the attacker's try, as the desktop account: no listing, no key
    for command in (
        ["ls", str(core_state)],
        ["cat", str(core_state / "identity/device-signing.key")],
    ):
        attempt = subprocess.run(
            ["runuser", "-u", DESKTOP, "--", *command], capture_output=True, text=True
        )
        assert attempt.returncode != 0 and "Permission denied" in attempt.stderr


@as_root
def test_a_tpm_is_mentioned_never_claimed(core_state):
    found = detect_protection(core_state, account=CORE, window_uid=uid(DESKTOP), tpm_present=True)
    assert found.protection == ACCOUNT
    assert "TPM 2.0 present, not used" in found.en and "TPM 2.0 présent, non utilisé" in found.fr


@as_root
def test_each_opening_is_refused(core_state):
    def verdict(**overrides) -> Protection:
        arguments = {"account": CORE, "window_uid": uid(DESKTOP), "tpm_present": False}
        return detect_protection(core_state, **(arguments | overrides))

    core_state.chmod(0o750)
    assert verdict().protection == NONE and "chmod 700" in verdict().en
    core_state.chmod(0o700)
    assert verdict(window_uid=uid(CORE)).protection == NONE  # window and core share the account
    assert verdict(window_uid=0).protection == NONE
    os.chown(core_state, uid(DESKTOP), uid(DESKTOP))
    opened = verdict()
    assert opened.protection == NONE and "chown" in opened.en and opened.fr.startswith("Clés non")
    assert verdict(account="pix-kiosk-no-such-account").protection == NONE
    assert detect_protection(core_state / "missing", account=CORE).protection == NONE


def test_same_account_is_none(tmp_path):
    """The demo, rehearsals and tests: the core's files belong to the desktop account."""
    found = detect_protection(
        tmp_path, account=pwd.getpwuid(os.getuid()).pw_name, tpm_present=False
    )
    assert (found.keys_protected, found.protection) == (False, NONE)
    assert found.protection in PROTECTIONS


def windows_answer(**fields) -> str:
    answer = {
        "sids": ["S-1-5-18", "S-1-5-32-544", "S-1-5-80-1234"],
        "service_sid": "S-1-5-80-1234",
        "protected": True,
        "tpm": False,
    }
    return json.dumps(answer | fields)


def test_windows_acl_reserved_to_the_service(tmp_path):
    scripts = []

    def powershell(script: str) -> str:
        scripts.append(script)
        return windows_answer()

    found = detect_protection(
        Path(r"C:\ProgramData\pix-kiosk"), platform="win32", powershell=powershell
    )
    assert (found.keys_protected, found.protection) == (True, ACCOUNT)
    assert "pix-kiosk-core service" in found.en
    assert "Get-Acl" in scripts[0] and "pix-kiosk-core" in scripts[0]
    with_tpm = detect_protection(
        tmp_path, platform="win32", powershell=lambda _: windows_answer(tpm=True)
    )
    assert with_tpm.protection == ACCOUNT and "TPM 2.0 present, not used" in with_tpm.en


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"sids": ["S-1-5-18", "S-1-5-80-1234", "S-1-5-32-545"]}, "Users"),
        ({"sids": ["S-1-5-80-1234", "S-1-1-0"]}, "Everyone"),
        ({"sids": ["S-1-5-80-1234", "S-1-5-21-7-8-9-1001"]}, "S-1-5-21-7-8-9-1001"),
        ({"protected": False}, "inheritance"),
        ({"service_sid": None}, "install.ps1"),
    ],
)
def test_windows_acl_open_to_the_desktop(tmp_path, fields, said):
    found = detect_protection(
        tmp_path, platform="win32", powershell=lambda _: windows_answer(**fields)
    )
    assert (found.keys_protected, found.protection) == (False, NONE)
    assert said in found.en


def test_windows_unreadable_answer_is_none(tmp_path):
    def broken(_script: str) -> str:
        raise subprocess.CalledProcessError(1, "powershell")

    assert detect_protection(tmp_path, platform="win32", powershell=broken).protection == NONE
    garbage = detect_protection(tmp_path, platform="win32", powershell=lambda _: "not json")
    assert garbage.protection == NONE


@as_root
def test_macos_uses_its_daemon_account(core_state):
    found = detect_protection(
        core_state, platform="darwin", account=CORE, window_uid=uid(DESKTOP), tpm_present=True
    )
    assert found.protection == ACCOUNT and "TPM" not in found.en


def test_doctor_line_and_json(tmp_path):
    protected = Protection(True, ACCOUNT, "Clés protégées : x", "Keys protected: x")
    assert key_protection_check(protected).status is Status.PASS
    bare = probe_protection(tmp_path)
    line = key_protection_check(bare)
    assert line.status is Status.WARN and "install.sh" in line.en and "install.sh" in line.fr
    payload = json.loads(render_json([line], bare))
    assert payload["keys_protected"] is False and payload["protection"] == "none"
    assert json.loads(render_json([], protected))["protection"] == "account"
    assert "key_protection" in render_text([line])
