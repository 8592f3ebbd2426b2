"""doctor's local checks, each seen passing, warning and failing on real conditions where the
machine can produce them (a real Qt probe, real files, real permissions), on the measured facts
otherwise."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.cli import package_version
from engine.keys import public_key_b64
from kiosk.config_key import kiosk_config_key
from kiosk.doctor.bank import bank_present_check, bank_signature_check, open_bank
from kiosk.doctor.configuration import load_for_checks
from kiosk.doctor.display import (
    DisplayProbe,
    Screen,
    display_platform_check,
    probe_display,
    screens_check,
)
from kiosk.doctor.machine import (
    config_hash_check,
    lockdown_guards_check,
    prohibited_processes_check,
    remote_session_check,
    virtual_machine_check,
)
from kiosk.doctor.report import Status, exit_code, failed, passed, render_json, render_text, warned
from kiosk.doctor.runtime import python_check, qt_check, qt_version
from kiosk.doctor.storage import (
    DISK_FAIL_BYTES,
    DISK_WARN_BYTES,
    WriteProbe,
    data_dir_check,
    free_bytes,
    free_disk_check,
    probe_durable_write,
)
from kiosk.lab_config import load_lab_config
from kiosk.lockdown.catalogue import effective_guards
from kiosk.lockdown.environment import (
    detect_remote_session,
    detect_virtual_machine,
    find_prohibited_processes,
)
from kiosk.lockdown.policy import LockdownPolicy
from tests.deploy.conftest import write_config


def test_report_json_shape_and_exit_code():
    checks = [passed("a", "fr a", "en a"), warned("b", "fr b", "en b")]
    payload = json.loads(render_json(checks))
    assert payload == {
        "checks": [
            {"name": "a", "status": "pass", "detail": "fr a\nen a"},
            {"name": "b", "status": "warn", "detail": "fr b\nen b"},
        ]
    }
    assert exit_code(checks) == 0
    assert exit_code([*checks, failed("c", "fr", "en")]) == 1
    text = render_text([*checks, failed("c", "fr c", "en c")])
    assert "[FAIL] c" in text and "en c" in text and text.endswith("1 fail / en échec")


def test_python_check():
    assert python_check().status is Status.PASS
    assert python_check((3, 10, 4)).status is Status.FAIL


def test_qt_check():
    assert qt_check(qt_version()).status is Status.PASS
    assert qt_check(("6.2.4", "6.2.4")).status is Status.WARN
    assert qt_check("No module named 'PySide6'").status is Status.FAIL


def screens_config(tmp_path: Path, *sizes: tuple[int, int]) -> str:
    """A Qt offscreen platform with these screens (the plugin's `configfile` option)."""
    screens = [
        {"name": f"s{index}", "x": 2000 * index, "y": 0, "width": width, "height": height}
        for index, (width, height) in enumerate(sizes)
    ]
    path = tmp_path / "screens.json"
    path.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    return f"offscreen:configfile={path}"


def test_display_probe_on_real_qt_platforms(tmp_path, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", screens_config(tmp_path, (1920, 1080)))
    probe = probe_display()
    assert probe == DisplayProbe("offscreen", [Screen("s0", 1920, 1080)])
    assert display_platform_check(probe).status is Status.WARN  # offscreen is no real display
    assert screens_check(probe).status is Status.PASS

    monkeypatch.setenv("QT_QPA_PLATFORM", screens_config(tmp_path, (1920, 1080), (1280, 1024)))
    assert screens_check(probe_display()).status is Status.WARN

    monkeypatch.setenv("QT_QPA_PLATFORM", screens_config(tmp_path, (800, 600)))
    assert screens_check(probe_display()).status is Status.WARN

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    broken = probe_display()
    assert broken.platform is None and "qt.qpa" in broken.error
    assert display_platform_check(broken).status is Status.FAIL
    assert screens_check(broken).status is Status.FAIL


def test_display_platform_names_and_no_screen():
    x11 = display_platform_check(DisplayProbe("xcb", [Screen("HDMI-1", 1920, 1080)]))
    assert x11.status is Status.PASS and "X11" in x11.en
    assert screens_check(DisplayProbe("xcb", [])).status is Status.FAIL


def test_data_dir_pass_and_missing(tmp_path):
    probe = probe_durable_write(tmp_path)
    assert probe.error == "" and probe.exists
    assert data_dir_check(tmp_path, probe).status is Status.PASS
    assert list(tmp_path.iterdir()) == []  # the probe file is gone
    missing = tmp_path / "nowhere"
    assert data_dir_check(missing, probe_durable_write(missing)).status is Status.FAIL
    slow = WriteProbe(seconds=2.0)
    assert data_dir_check(tmp_path, slow).status is Status.WARN


NOBODY = 65534


def probe_unprivileged(directory: Path) -> WriteProbe:
    """The probe in a forked child without privileges: root ignores file permissions, so as root
    the child becomes `nobody` first."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            probe = probe_durable_write(directory)
            os.write(write_end, json.dumps([probe.seconds, probe.error, probe.exists]).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        seconds, error, exists = json.loads(reader.read())
    os.waitpid(pid, 0)
    return WriteProbe(seconds, error, exists)


@pytest.fixture
def read_only_dir():
    """A directory made read-only with chmod 555, inside a folder anyone may enter."""
    parent = Path(tempfile.mkdtemp(prefix="pix-doctor-"))
    parent.chmod(0o755)
    directory = parent / "data"
    directory.mkdir()
    directory.chmod(0o555)
    yield directory
    directory.chmod(0o755)
    shutil.rmtree(parent)


def test_data_dir_unwritable_by_permissions(read_only_dir):
    probe = probe_unprivileged(read_only_dir)
    check = data_dir_check(read_only_dir, probe)
    assert check.status is Status.FAIL
    assert check.en.startswith("Cannot write durably") and "Permission denied" in check.en
    assert list(read_only_dir.iterdir()) == []


def test_free_disk_thresholds(tmp_path):
    assert free_bytes(tmp_path / "not" / "yet") == free_bytes(tmp_path) > 0
    assert free_disk_check(tmp_path, DISK_WARN_BYTES * 5).status is Status.PASS
    assert free_disk_check(tmp_path, DISK_WARN_BYTES - 1).status is Status.WARN
    assert free_disk_check(tmp_path, DISK_FAIL_BYTES - 1).status is Status.FAIL


def test_lab_config_pass_warn_fail(lab):
    loaded = load_for_checks(lab)
    assert loaded.config is not None and loaded.check.status is Status.PASS
    assert loaded.policy == LockdownPolicy()
    document = load_lab_config(lab)
    write_config(
        lab,
        server_public_key=public_key_b64(Ed25519PrivateKey.generate().public_key()),
        publisher_public_key=public_key_b64(Ed25519PrivateKey.generate().public_key()),
        secure_mode=False,
    )
    assert load_for_checks(lab).check.status is Status.WARN
    assert document.data_dir == lab.parent
    missing = load_for_checks(lab.with_name("absent.toml"))
    assert missing.config is None and missing.check.status is Status.FAIL
    assert "pix-kiosk enroll" in missing.check.en

    with lab.open("a", encoding="utf-8") as stream:
        stream.write('[lockdown]\nremote_sesion = "allow"\n')
    typo = load_for_checks(lab)
    assert typo.check.status is Status.FAIL and "remote_sesion" in typo.check.en


def test_bank_present_signed_and_damaged(lab, publisher_key):
    config = load_lab_config(lab)
    assert bank_present_check(config).status is Status.PASS
    assert bank_signature_check(open_bank(config)).status is Status.PASS

    data = bytearray(config.bank_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    config.bank_path.write_bytes(bytes(data))
    corrupted = bank_signature_check(open_bank(config))
    assert corrupted.status is Status.FAIL and "Altered item bank" in corrupted.en

    config.bank_path.unlink()
    assert bank_present_check(config).status is Status.FAIL
    assert bank_signature_check(open_bank(config)).status is Status.FAIL


def test_bank_sealed_by_another_publisher(lab):
    other = public_key_b64(Ed25519PrivateKey.generate().public_key())
    write_config(lab, server_public_key=other, publisher_public_key=other)
    check = bank_signature_check(open_bank(load_lab_config(lab)))
    assert check.status is Status.FAIL and "another publisher" in check.en


@pytest.fixture
def prohibited_program(tmp_path):
    """A real process whose name is on the default prohibited list."""
    program = tmp_path / "anydesk"
    shutil.copy("/bin/sleep", program)
    process = subprocess.Popen([str(program), "30"])
    yield process
    process.kill()
    process.wait()


def test_prohibited_processes(prohibited_program):
    running = find_prohibited_processes(LockdownPolicy().prohibited_processes)
    assert (prohibited_program.pid, "anydesk") in running
    assert prohibited_processes_check("refuse", running).status is Status.FAIL
    assert prohibited_processes_check("warn", running).status is Status.WARN
    assert prohibited_processes_check("allow", running).status is Status.PASS
    assert prohibited_processes_check("refuse", []).status is Status.PASS


def test_virtual_machine(tmp_path):
    (tmp_path / "sys_vendor").write_text("innotek GmbH\n")
    reason = detect_virtual_machine(dmi_dir=tmp_path, cpuinfo=tmp_path / "none")
    assert reason and "innotek" in reason
    assert virtual_machine_check("refuse", reason).status is Status.FAIL
    assert virtual_machine_check("warn", reason).status is Status.WARN
    assert virtual_machine_check("warn", None).status is Status.PASS


def test_remote_session():
    reason = detect_remote_session({"SSH_CONNECTION": "127.0.0.1 50000 127.0.0.1 22"})
    check = remote_session_check("refuse", reason)
    assert check.status is Status.FAIL and "SSH" in check.en
    assert remote_session_check("warn", reason).status is Status.WARN
    assert remote_session_check("refuse", detect_remote_session({})).status is Status.PASS


def test_screens_under_a_policy_that_refuses_extra_screens():
    two = DisplayProbe("xcb", [Screen("a", 1920, 1080), Screen("b", 1920, 1080)])
    assert screens_check(two, "cover").status is Status.WARN
    assert screens_check(two, "refuse").status is Status.FAIL


def test_lockdown_guards_per_platform():
    x11 = lockdown_guards_check(effective_guards("x11"), "x11", secure_mode=True)
    assert x11.status is Status.PASS and "keyboard_lock" in x11.en
    wayland = lockdown_guards_check(effective_guards("wayland"), "wayland", secure_mode=True)
    assert wayland.status is Status.WARN and "packaging/linux" in wayland.en
    unknown = lockdown_guards_check(effective_guards("other"), "other", secure_mode=True)
    assert unknown.status is Status.WARN
    off = lockdown_guards_check(effective_guards("x11"), "x11", secure_mode=False)
    assert off.status is Status.WARN and "off" in off.en


def test_config_hash_is_the_same_for_the_same_settings(lab):
    first = load_for_checks(lab)
    key = kiosk_config_key(first.config, first.policy)
    assert key == kiosk_config_key(load_lab_config(lab), LockdownPolicy())
    assert key.app_version == package_version()
    stricter = LockdownPolicy(virtual_machine="refuse")
    assert kiosk_config_key(first.config, stricter).key != key.key
    shown = config_hash_check(key)
    assert shown.status is Status.PASS and key.key in shown.en and key.key in shown.fr
    assert "pix-server config-key allow" in shown.en
    assert config_hash_check(None).status is Status.FAIL
