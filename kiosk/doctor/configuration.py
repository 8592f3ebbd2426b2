"""The lab configuration file itself, with its secure-mode policy: every other check reads them."""

from dataclasses import dataclass
from pathlib import Path

from kiosk.doctor.report import Check, failed, passed, warned
from kiosk.lab_config import LabConfig, LabConfigError, load_lab_config
from kiosk.lockdown.policy import LockdownPolicy

ENROL_FR = (
    "Enrôlez ce poste (pix-kiosk enroll --server URL --token JETON) ou indiquez le fichier avec "
    "--config."
)
ENROL_EN = (
    "Enrol this PC (pix-kiosk enroll --server URL --token TOKEN) or point to the file with "
    "--config."
)


@dataclass(frozen=True)
class LoadedConfig:
    """What the other checks work from: the configuration (None when unusable) and its policy
    (the strict defaults when there is none)."""

    config: LabConfig | None
    policy: LockdownPolicy
    check: Check


def load_for_checks(path: Path) -> LoadedConfig:
    try:
        config = load_lab_config(path)
    except LabConfigError as error:
        return LoadedConfig(
            None,
            LockdownPolicy(),
            failed("lab_config", f"{error.fr} {ENROL_FR}", f"{error.en} {ENROL_EN}"),
        )
    try:
        policy = LockdownPolicy.from_dict(config.lockdown)
    except (ValueError, TypeError) as error:
        return LoadedConfig(
            None,
            LockdownPolicy(),
            failed(
                "lab_config",
                f"{path} : table [lockdown] invalide ({error}) : corrigez-la "
                "(voir docs/deploy.md).",
                f"{path}: invalid [lockdown] table ({error}): fix it (see docs/deploy.md).",
            ),
        )
    if not config.secure_mode:
        check = warned(
            "lab_config",
            f"{path} : le mode sécurisé est DÉSACTIVÉ (secure_mode = false) : remettez "
            "secure_mode = true dans [kiosk] avant un examen réel.",
            f"{path}: secure mode is OFF (secure_mode = false): set secure_mode = true in "
            "[kiosk] before a real exam.",
        )
    else:
        check = passed(
            "lab_config",
            f"{path} : serveur {config.server_url}, mode sécurisé activé.",
            f"{path}: server {config.server_url}, secure mode on.",
        )
    return LoadedConfig(config, policy, check)
