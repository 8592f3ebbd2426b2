"""Run every group of checks in the order an IT person fixes things, and never stop half-way.

A group that crashes on something unforeseen becomes a failed line asking for a bug report: the
rest of the report still comes out.
"""

from collections.abc import Callable
from pathlib import Path

from kiosk.doctor.bank import (
    bank_present_check,
    bank_signature_check,
    bank_version_check,
    open_bank,
)
from kiosk.doctor.configuration import load_for_checks
from kiosk.doctor.display import display_platform_check, probe_display, screens_check
from kiosk.doctor.machine import (
    prohibited_processes_check,
    remote_session_check,
    virtual_machine_check,
)
from kiosk.doctor.report import Check, failed
from kiosk.doctor.runtime import python_check, qt_check, qt_version
from kiosk.doctor.storage import data_dir_check, free_bytes, free_disk_check, probe_durable_write
from kiosk.lab_config import LabConfig
from kiosk.lockdown.environment import (
    detect_remote_session,
    detect_virtual_machine,
    find_prohibited_processes,
)
from kiosk.lockdown.policy import LockdownPolicy
from kiosk.paths import machine_data_dir


def run_checkup(config_path: Path) -> list[Check]:
    checks = [python_check(), qt_check(qt_version())]
    checks += _guarded("display", _display_checks)
    loaded = load_for_checks(config_path)
    checks.append(loaded.check)
    config = loaded.config
    if config is not None:
        checks += _guarded("bank", lambda: _bank_checks(config))
    data_dir = config.data_dir if config is not None else machine_data_dir()
    checks += _guarded("storage", lambda: _storage_checks(data_dir))
    checks += _guarded("machine", lambda: _machine_checks(loaded.policy))
    return checks


def _display_checks() -> list[Check]:
    probe = probe_display()
    return [display_platform_check(probe), screens_check(probe)]


def _bank_checks(config: LabConfig) -> list[Check]:
    present = bank_present_check(config)
    opened = open_bank(config)
    return [present, bank_signature_check(opened), bank_version_check(opened, None)]


def _storage_checks(data_dir: Path) -> list[Check]:
    return [
        data_dir_check(data_dir, probe_durable_write(data_dir)),
        free_disk_check(data_dir, free_bytes(data_dir)),
    ]


def _machine_checks(policy: LockdownPolicy) -> list[Check]:
    running = find_prohibited_processes(policy.prohibited_processes)
    return [
        prohibited_processes_check(policy.prohibited_process_action, running),
        virtual_machine_check(policy.virtual_machine, detect_virtual_machine()),
        remote_session_check(policy.remote_session, detect_remote_session()),
    ]


def _guarded(group: str, run: Callable[[], list[Check]]) -> list[Check]:
    try:
        return run()
    except Exception as error:  # one broken check must not hide the others
        return [
            failed(
                group,
                f"Erreur interne de doctor ({type(error).__name__}: {error}) : signalez-la avec "
                "ce rapport ; les autres vérifications restent valables.",
                f"Internal doctor error ({type(error).__name__}: {error}): report it with this "
                "report; the other checks still stand.",
            )
        ]
