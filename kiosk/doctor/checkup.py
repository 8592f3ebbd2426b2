"""Run every group of checks in the order an IT person fixes things, and never stop half-way.

A group that crashes on something unforeseen becomes a failed line asking for a bug report: the
rest of the report still comes out.
"""

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.config_key import kiosk_config_key
from kiosk.doctor.bank import (
    bank_present_check,
    bank_signature_check,
    bank_version_check,
    open_bank,
)
from kiosk.doctor.configuration import LoadedConfig, load_for_checks
from kiosk.doctor.display import display_platform_check, probe_display, screens_check
from kiosk.doctor.keys import key_protection_check, probe_protection
from kiosk.doctor.machine import (
    config_hash_check,
    lockdown_guards_check,
    prohibited_processes_check,
    remote_session_check,
    virtual_machine_check,
)
from kiosk.doctor.report import Check, failed
from kiosk.doctor.runtime import python_check, qt_check, qt_version
from kiosk.doctor.server import (
    clock_offset_check,
    pinned_keys_check,
    probe_server,
    server_reachable_check,
    server_tls_check,
    utc_now,
)
from kiosk.doctor.storage import data_dir_check, free_bytes, free_disk_check, probe_durable_write
from kiosk.lab_config import LabConfig
from kiosk.lockdown.catalogue import detect_platform, effective_guards
from kiosk.lockdown.environment import (
    detect_remote_session,
    detect_virtual_machine,
    find_prohibited_processes,
)
from kiosk.paths import machine_data_dir
from kiosk.protection import Protection


@dataclass(frozen=True)
class Checkup:
    """Every check, and what protects the keys (which `--json` also gives on its own)."""

    checks: list[Check]
    protection: Protection


def run_checkup(config_path: Path, clock: Callable[[], datetime] = utc_now) -> Checkup:
    """Every check; `clock` is this PC's clock (the offset is measured against the server's)."""
    loaded = load_for_checks(config_path)
    config = loaded.config
    checks = [python_check(), qt_check(qt_version())]
    checks += _guarded("display", lambda: _display_checks(loaded))
    checks.append(loaded.check)
    if config is not None:
        checks += _guarded("server", lambda: _server_and_bank_checks(config, clock))
    data_dir = config.data_dir if config is not None else machine_data_dir()
    checks += _guarded("storage", lambda: _storage_checks(data_dir))
    protection = probe_protection(data_dir)
    checks.append(key_protection_check(protection))
    checks += _guarded("machine", lambda: _machine_checks(loaded))
    return Checkup(checks, protection)


def _display_checks(loaded: LoadedConfig) -> list[Check]:
    probe = probe_display()
    platform = (
        detect_platform({**os.environ, "QT_QPA_PLATFORM": probe.platform})
        if probe.platform is not None
        else "other"
    )
    secure_mode = loaded.config.secure_mode if loaded.config is not None else True
    return [
        display_platform_check(probe),
        lockdown_guards_check(effective_guards(platform), platform, secure_mode),
        screens_check(probe, loaded.policy.extra_screens),
    ]


def _server_and_bank_checks(config: LabConfig, clock: Callable[[], datetime]) -> list[Check]:
    server = asyncio.run(probe_server(config, clock))
    opened = open_bank(config)
    return [
        server_reachable_check(server),
        server_tls_check(server),
        pinned_keys_check(server, config.server_public_key, config.publisher_public_key),
        clock_offset_check(server),
        bank_present_check(config),
        bank_signature_check(opened),
        bank_version_check(opened, server),
    ]


def _storage_checks(data_dir: Path) -> list[Check]:
    return [
        data_dir_check(data_dir, probe_durable_write(data_dir)),
        free_disk_check(data_dir, free_bytes(data_dir)),
    ]


def _machine_checks(loaded: LoadedConfig) -> list[Check]:
    policy = loaded.policy
    running = find_prohibited_processes(policy.prohibited_processes)
    key = kiosk_config_key(loaded.config, policy) if loaded.config is not None else None
    return [
        prohibited_processes_check(policy.prohibited_process_action, running),
        virtual_machine_check(policy.virtual_machine, detect_virtual_machine()),
        remote_session_check(policy.remote_session, detect_remote_session()),
        config_hash_check(key),
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
