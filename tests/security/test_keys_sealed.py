"""The device keys sealed to this PC: against a real (software) TPM 2.0, and DPAPI with its
Windows calls stood in for. Sealed keys open on their own TPM only — not on another chip, even
with the files in hand — the core loads them as before, a damaged or foreign seal is a clear
error that leaves the files as they were, and doctor says `tpm` only for a PC whose account
protection holds too."""

import ctypes
import json
import os
import pwd
import subprocess
import sys

import pytest
from software_tpm import SoftwareTpm

from kiosk.commands import main as pix_kiosk
from kiosk.identity import (
    EXCHANGE_KEY_FILE,
    IDENTITY_DIR,
    SIGNING_KEY_FILE,
    DeviceIdentity,
    IdentityError,
)
from kiosk.key_sealing import (
    CRYPTPROTECT_LOCAL_MACHINE,
    MAGIC,
    TCTI_VARIABLE,
    DpapiSealer,
    _DataBlob,
    unsealed,
)
from kiosk.protection import ACCOUNT, NONE, TPM, detect_protection

pytestmark = pytest.mark.slow


@pytest.fixture
def tpm():
    chip = SoftwareTpm()
    yield chip
    chip.stop()


def _identity_files(data_dir):
    return [data_dir / IDENTITY_DIR / name for name in (SIGNING_KEY_FILE, EXCHANGE_KEY_FILE)]


def test_keys_sealed_to_the_tpm_open_there_and_nowhere_else(tmp_path, tpm, monkeypatch, capsys):
    data = tmp_path / "pc"
    made = DeviceIdentity.load_or_create(data)
    plain = [path.read_bytes() for path in _identity_files(data)]
    monkeypatch.setenv(TCTI_VARIABLE, tpm.tcti)

    assert pix_kiosk(["seal-keys", "--data", str(data), "--with", "tpm"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said == {"sealed_by": "tpm", "sealed": [SIGNING_KEY_FILE, EXCHANGE_KEY_FILE]}
    for path, before in zip(_identity_files(data), plain, strict=True):
        sealed = json.loads(path.read_bytes())
        assert sealed[MAGIC] == 1 and sealed["sealed_by"] == "tpm"
        assert b"PRIVATE KEY" not in path.read_bytes() and oct(path.stat().st_mode)[-3:] == "600"
        assert unsealed(path.read_bytes()) == before
    assert DeviceIdentity.load(data).enrolment() == made.enrolment()
    assert pix_kiosk(["seal-keys", "--data", str(data)]) == 0  # again: nothing to do
    assert json.loads(capsys.readouterr().out)["sealed"] == []

    # The files copied to another PC (another TPM): useless, and left as they were.
    other = SoftwareTpm()
    try:
        monkeypatch.setenv(TCTI_VARIABLE, other.tcti)
        kept = [path.read_bytes() for path in _identity_files(data)]
        with pytest.raises(IdentityError) as refused:
            DeviceIdentity.load(data)
        assert refused.value.code in ("tpm_failed", "sealed_key_damaged")
        assert "TPM" in refused.value.en and "TPM" in refused.value.fr
        assert [path.read_bytes() for path in _identity_files(data)] == kept
    finally:
        other.stop()

    # The exam core, started as `pix-kiosk core` starts it, loads them from its own TPM.
    monkeypatch.setenv(TCTI_VARIABLE, tpm.tcti)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from kiosk.identity import DeviceIdentity; "
         "print(DeviceIdentity.load(Path(sys.argv[1])).device_id)", str(data)],
        capture_output=True, text=True, check=True, env=os.environ,
    )  # fmt: skip
    assert loaded.stdout.strip() == made.device_id


def test_a_damaged_seal_is_a_clear_error(tmp_path, tpm, monkeypatch):
    data = tmp_path / "pc"
    DeviceIdentity.load_or_create(data)
    monkeypatch.setenv(TCTI_VARIABLE, tpm.tcti)
    assert pix_kiosk(["seal-keys", "--data", str(data), "--with", "tpm"]) == 0
    signing = _identity_files(data)[0]
    fields = json.loads(signing.read_bytes())
    fields["ciphertext"] = fields["ciphertext"][:-8] + "AAAAAAA="
    signing.write_text(json.dumps(fields))
    with pytest.raises(IdentityError) as refused:
        DeviceIdentity.load(data)
    assert refused.value.code == "sealed_key_damaged"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give files to an account")
def test_doctor_says_tpm_only_on_top_of_the_account(tmp_path):
    core, desktop = "nobody", "daemon"  # accounts every Debian has
    tmp_path.chmod(0o755)
    state = tmp_path / "state"
    (state / IDENTITY_DIR).mkdir(parents=True)
    for path in _identity_files(state):
        path.write_text(json.dumps({MAGIC: 1, "sealed_by": "tpm", "ciphertext": ""}))
    state.chmod(0o700)
    core_uid, desktop_uid = pwd.getpwnam(core).pw_uid, pwd.getpwnam(desktop).pw_uid
    for path in (state, state / IDENTITY_DIR, *_identity_files(state)):
        os.chown(path, core_uid, core_uid)
    found = detect_protection(state, account=core, window_uid=desktop_uid, tpm_present=True)
    assert (found.keys_protected, found.protection) == (True, TPM)
    assert "sealed by the TPM 2.0" in found.en and "scellées par le TPM 2.0" in found.fr
    plain = detect_protection(
        state, account=core, window_uid=desktop_uid, tpm_present=True, sealed="none-yet"
    )
    assert plain.protection == ACCOUNT
    # the state left open to the desktop account: sealing does not make it protected
    state.chmod(0o755)
    opened = detect_protection(state, account=core, window_uid=desktop_uid, tpm_present=True)
    assert (opened.keys_protected, opened.protection) == (False, NONE)
    assert "desktop account can use them here" in opened.en


class StandInCrypt32:
    """CryptProtectData / CryptUnprotectData as Windows does them for this machine: a blob only
    this 'machine' opens, the flags recorded."""

    MACHINE = 0x5A

    def __init__(self) -> None:
        self.flags: list[int] = []
        self._kept: list = []

    def _answer(self, data: bytes, out) -> int:
        buffer = ctypes.create_string_buffer(data, len(data))
        self._kept.append(buffer)
        blob = out._obj
        blob.cbData = len(data)
        blob.pbData = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))
        return 1

    def CryptProtectData(self, given, _description, _entropy, _reserved, _prompt, flags, out):
        self.flags.append(flags)
        blob: _DataBlob = given._obj
        data = ctypes.string_at(blob.pbData, blob.cbData)
        return self._answer(b"DPAPI" + bytes(byte ^ self.MACHINE for byte in data), out)

    def CryptUnprotectData(self, given, _description, _entropy, _reserved, _prompt, flags, out):
        self.flags.append(flags)
        blob: _DataBlob = given._obj
        data = ctypes.string_at(blob.pbData, blob.cbData)
        if not data.startswith(b"DPAPI"):
            return 0
        return self._answer(bytes(byte ^ self.MACHINE for byte in data[5:]), out)


class StandInKernel32:
    def __init__(self) -> None:
        self.freed = 0

    def LocalFree(self, _pointer):
        self.freed += 1


def test_dpapi_seals_in_machine_scope_and_the_identity_opens_again(tmp_path, monkeypatch):
    data = tmp_path / "pc"
    made = DeviceIdentity.load_or_create(data)
    crypt32, kernel32 = StandInCrypt32(), StandInKernel32()
    sealer = DpapiSealer(crypt32, kernel32)
    from kiosk import key_sealing

    monkeypatch.setattr(
        key_sealing, "sealer_named", lambda name, **_: sealer if name == "dpapi" else None
    )
    for path in _identity_files(data):
        assert key_sealing.seal_file(path, sealer)
        assert json.loads(path.read_bytes())["sealed_by"] == "dpapi"
    assert crypt32.flags[0] & CRYPTPROTECT_LOCAL_MACHINE
    assert DeviceIdentity.load(data).enrolment() == made.enrolment()
    assert kernel32.freed == len(crypt32.flags)  # every buffer Windows gave back is freed
