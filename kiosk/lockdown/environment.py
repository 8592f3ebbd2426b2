"""Checks of the machine around the exam: prohibited programs (screen sharing, remote control,
messaging), a virtual machine, a remote session. Each finding is allowed, warned about or
refused as the lab's policy says: refused before the exam, the start is refused; during it,
an incident.
"""

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import psutil
from PySide6.QtCore import QTimer

from kiosk.lockdown.guard import Guard, LockdownRefused
from kiosk.lockdown.policy import Action, LockdownPolicy
from kiosk.lockdown.violations import Report, ViolationKind
from kiosk.lockdown.win32 import Win32Api, is_remote_session, load_win32_api

VM_VENDOR_WORDS = (
    "virtualbox",
    "innotek",
    "vmware",
    "qemu",
    "kvm",
    "xen",
    "bochs",
    "parallels",
    "bhyve",
    "hyper-v",
    "virtual machine",
    "amazon ec2",
    "google compute engine",
    "openstack",
)
DMI_FILES = ("sys_vendor", "product_name", "board_vendor", "bios_vendor", "chassis_vendor")
REMOTE_ENVIRONMENT = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "XRDP_SESSION")


@dataclass(frozen=True)
class Finding:
    kind: ViolationKind
    detail: str
    action: Action
    key: str = ""  # what makes two findings the same (a process id): reported once


def process_base_name(name: str) -> str:
    lowered = name.lower()
    return lowered.removesuffix(".exe")


def find_prohibited_processes(
    patterns: Iterable[str], processes: Iterable[tuple[int, str]] | None = None
) -> list[tuple[int, str]]:
    """(pid, name) of the running processes whose name matches a pattern (any case, no .exe)."""
    translated = [fnmatch.translate(pattern.lower()) for pattern in patterns]
    if not translated:
        return []
    matches = re.compile("|".join(translated)).match
    if processes is None:
        processes = (
            (process.info["pid"], process.info["name"] or "")
            for process in psutil.process_iter(["pid", "name"])
        )
    return [(pid, name) for pid, name in processes if matches(process_base_name(name))]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def detect_virtual_machine(
    dmi_dir: Path = Path("/sys/class/dmi/id"),
    cpuinfo: Path = Path("/proc/cpuinfo"),
    detect_virt: Callable[[], str] | None = None,
) -> str | None:
    """Why this looks like a virtual machine (DMI names, the CPU's hypervisor flag,
    systemd-detect-virt; the BIOS names in the registry on Windows; `kern.hv_vmm_present` on
    macOS), or None."""
    if sys.platform == "win32":
        return _windows_virtual_machine()
    if sys.platform == "darwin":
        return _macos_virtual_machine()
    for name in DMI_FILES:
        value = _read(dmi_dir / name)
        if any(word in value.lower() for word in VM_VENDOR_WORDS):
            return f"DMI {name}: {value}"
    for line in _read(cpuinfo).splitlines():
        if line.startswith("flags") and "hypervisor" in line.split():
            return "the CPU reports a hypervisor"
    answer = (detect_virt or _systemd_detect_virt)()
    if answer and answer != "none":
        return f"systemd-detect-virt: {answer}"
    return None


def _systemd_detect_virt() -> str:
    program = shutil.which("systemd-detect-virt")
    if program is None:
        return ""
    try:
        result = subprocess.run(
            [program, "--vm"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip()


def _windows_virtual_machine() -> str | None:
    import winreg

    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"HARDWARE\DESCRIPTION\System\BIOS")
    except OSError:
        return None
    with key:
        for name in ("SystemManufacturer", "SystemProductName", "BaseBoardManufacturer"):
            try:
                value = str(winreg.QueryValueEx(key, name)[0])
            except OSError:
                continue
            if any(word in value.lower() for word in VM_VENDOR_WORDS):
                return f"BIOS {name}: {value}"
    return None


def _macos_virtual_machine() -> str | None:
    try:
        result = subprocess.run(
            ["sysctl", "-n", "kern.hv_vmm_present"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return "kern.hv_vmm_present = 1" if result.stdout.strip() == "1" else None


def detect_remote_session(
    environ: Mapping[str, str] = os.environ, win32: Win32Api | None = None
) -> str | None:
    """Why this session looks remote (SSH or XRDP variables; Windows' SM_REMOTESESSION), or None.

    `win32` defaults to the real Windows API on Windows (nothing elsewhere)."""
    for name in REMOTE_ENVIRONMENT:
        if environ.get(name):
            return f"{name} is set"
    win32 = win32 or load_win32_api()
    if win32 is not None and is_remote_session(win32):
        return "Windows reports a remote desktop session (SM_REMOTESESSION)"
    return None


class EnvironmentProbe:
    """What the checks look at; tests give their own processes, machine and session."""

    def __init__(
        self,
        processes: Callable[[], Iterable[tuple[int, str]]] | None = None,
        virtual_machine: Callable[[], str | None] = detect_virtual_machine,
        remote_session: Callable[[], str | None] = detect_remote_session,
    ) -> None:
        self.processes = processes
        self.virtual_machine = virtual_machine
        self.remote_session = remote_session


def check_environment(
    policy: LockdownPolicy, probe: EnvironmentProbe | None = None, *, at_start: bool = True
) -> list[Finding]:
    """Every finding whose action is not "allow" (the virtual machine only at start)."""
    probe = probe or EnvironmentProbe()
    findings = []
    if policy.prohibited_process_action != "allow":
        running = probe.processes() if probe.processes is not None else None
        for pid, name in find_prohibited_processes(policy.prohibited_processes, running):
            findings.append(
                Finding(
                    ViolationKind.PROHIBITED_PROCESS,
                    f"{name} (pid {pid}) is running",
                    policy.prohibited_process_action,
                    key=f"process:{pid}",
                )
            )
    if policy.remote_session != "allow" and (reason := probe.remote_session()):
        findings.append(
            Finding(ViolationKind.REMOTE_SESSION, reason, policy.remote_session, key="remote")
        )
    if at_start and policy.virtual_machine != "allow" and (reason := probe.virtual_machine()):
        findings.append(
            Finding(ViolationKind.VIRTUAL_MACHINE, reason, policy.virtual_machine, key="vm")
        )
    return findings


def refusal(findings: list[Finding]) -> LockdownRefused:
    """The bilingual refusal for the findings the policy refuses (its kind: the first one's)."""
    details = "; ".join(finding.detail for finding in findings)
    return LockdownRefused(
        "environment_refused",
        "L'épreuve ne peut pas démarrer sur ce poste : "
        f"{details}. Fermez ces programmes ou appelez le surveillant.",
        f"The exam cannot start on this PC: {details}. Close these programs or call the "
        "invigilator.",
        findings[0].kind,
    )


class EnvironmentGuard(Guard):
    """Checks before the exam (a refusal stops the start), then every `check_interval_s`."""

    name = "environment"

    def __init__(
        self,
        policy: LockdownPolicy,
        report: Report,
        warn: Report,
        probe: EnvironmentProbe | None = None,
    ) -> None:
        self.policy = policy
        self.report = report
        self.warn = warn
        self.probe = probe or EnvironmentProbe()
        self._seen: set[str] = set()
        self._timer = QTimer()
        self._timer.setInterval(round(policy.check_interval_s * 1000))
        self._timer.timeout.connect(self.check_now)

    def apply(self) -> None:
        findings = check_environment(self.policy, self.probe, at_start=True)
        refused = [finding for finding in findings if finding.action == "refuse"]
        if refused:
            raise refusal(refused)
        for finding in findings:
            self._seen.add(finding.key)
            self.warn(finding.kind, finding.detail)
        self._timer.start()

    def release(self) -> None:
        self._timer.stop()

    def check_now(self) -> None:
        """One check during the exam: each new finding is reported (refuse) or warned about."""
        for finding in check_environment(self.policy, self.probe, at_start=False):
            if finding.key in self._seen:
                continue
            self._seen.add(finding.key)
            (self.report if finding.action == "refuse" else self.warn)(finding.kind, finding.detail)
