"""Environment checks: prohibited programs (a real dummy process), virtual machine and remote
session detection (from files and variables laid out like the real ones)."""

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.lockdown.environment import (
    EnvironmentGuard,
    EnvironmentProbe,
    check_environment,
    detect_remote_session,
    detect_virtual_machine,
    find_prohibited_processes,
)
from kiosk.lockdown.guard import LockdownRefused
from kiosk.lockdown.policy import DEFAULT_PROHIBITED_PROCESSES, LockdownPolicy
from kiosk.lockdown.win32 import SM_REMOTESESSION


@pytest.fixture
def dummy_program(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    name = f"pixd{uuid.uuid4().hex[:8]}"
    program = tmp_path / name
    program.symlink_to(shutil.which("sleep"))
    process = subprocess.Popen([str(program), "30"])
    deadline = time.monotonic() + 5
    while not find_prohibited_processes([name]) and time.monotonic() < deadline:
        time.sleep(0.02)
    yield name, process
    process.kill()
    process.wait()


def test_a_running_prohibited_program_is_found(dummy_program: tuple[str, subprocess.Popen]) -> None:
    name, process = dummy_program
    assert find_prohibited_processes([name.upper()[:6] + "*"]) == [(process.pid, name)]
    assert find_prohibited_processes(["pixd-nothing-like-this"]) == []


def test_names_match_in_any_case_and_without_exe() -> None:
    running = [(1, "TeamViewer.exe"), (2, "AnyDesk"), (3, "obs64.exe"), (4, "python3"), (5, "Zoom")]
    found = find_prohibited_processes(DEFAULT_PROHIBITED_PROCESSES, running)
    assert [pid for pid, _ in found] == [1, 2, 3, 5]


def test_virtual_machine_from_dmi(tmp_path: Path) -> None:
    dmi = tmp_path / "dmi"
    dmi.mkdir()
    (dmi / "sys_vendor").write_text("innotek GmbH\n")
    (dmi / "product_name").write_text("VirtualBox\n")
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags\t: fpu vme de\n")
    reason = detect_virtual_machine(dmi, cpuinfo, lambda: "none")
    assert reason == "DMI sys_vendor: innotek GmbH"


def test_virtual_machine_from_the_cpu_flag_or_systemd(tmp_path: Path) -> None:
    dmi = tmp_path / "no-dmi"
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu vme hypervisor lm\n")
    assert detect_virtual_machine(dmi, cpuinfo, lambda: "none") == "the CPU reports a hypervisor"
    cpuinfo.write_text("flags\t\t: fpu vme lm\n")
    assert detect_virtual_machine(dmi, cpuinfo, lambda: "kvm") == "systemd-detect-virt: kvm"
    assert detect_virtual_machine(dmi, cpuinfo, lambda: "none") is None
    assert detect_virtual_machine(dmi, cpuinfo, lambda: "") is None


class FakeWin32:
    def __init__(self, remote: bool) -> None:
        self.remote = remote

    def get_system_metrics(self, index: int) -> int:
        assert index == SM_REMOTESESSION
        return 1 if self.remote else 0


def test_remote_sessions() -> None:
    assert detect_remote_session({"SSH_CONNECTION": "a b c d"}) == "SSH_CONNECTION is set"
    assert detect_remote_session({"XRDP_SESSION": "1"}) == "XRDP_SESSION is set"
    assert detect_remote_session({}, FakeWin32(remote=False)) is None
    assert "SM_REMOTESESSION" in detect_remote_session({}, FakeWin32(remote=True))


def probe(processes: list[tuple[int, str]], vm: str | None = None, remote: str | None = None):
    return EnvironmentProbe(lambda: processes, lambda: vm, lambda: remote)


def test_the_policy_decides_what_each_finding_does() -> None:
    found = probe([(7, "anydesk")], vm="DMI product_name: KVM", remote="SSH_TTY is set")
    strict = check_environment(LockdownPolicy(), found)
    assert [(f.kind, f.action) for f in strict] == [
        ("prohibited_process", "refuse"),
        ("remote_session", "refuse"),
        ("virtual_machine", "warn"),
    ]
    lenient = LockdownPolicy(
        prohibited_process_action="warn", remote_session="allow", virtual_machine="allow"
    )
    assert [(f.kind, f.action) for f in check_environment(lenient, found)] == [
        ("prohibited_process", "warn")
    ]
    assert all(
        f.kind != "virtual_machine"
        for f in check_environment(LockdownPolicy(), found, at_start=False)
    )


class Calls(list):
    def __call__(self, kind: str, detail: str) -> None:
        self.append((str(kind), detail))


def test_the_guard_refuses_the_start_then_reports_new_findings_once(qtbot: QtBot) -> None:
    running = [(7, "anydesk")]
    reports, warnings = Calls(), Calls()
    guard = EnvironmentGuard(LockdownPolicy(), reports, warnings, probe(running))
    with pytest.raises(LockdownRefused) as refused:
        guard.apply()
    assert "anydesk (pid 7)" in refused.value.en and "anydesk (pid 7)" in refused.value.fr

    running.clear()
    guard = EnvironmentGuard(
        LockdownPolicy(check_interval_s=0.05), reports, warnings, probe(running, vm="KVM")
    )
    guard.apply()
    assert warnings == [("virtual_machine", "KVM")]
    running.append((8, "obs"))
    qtbot.waitUntil(lambda: reports == [("prohibited_process", "obs (pid 8) is running")])
    qtbot.wait(150)  # still running: not reported again
    guard.release()
    assert reports == [("prohibited_process", "obs (pid 8) is running")]
