"""The secure mode on this PC: which guards work here, what else runs (prohibited programs, a
virtual machine, a remote session) and the configuration hash that should match across a lab.

The detection is the secure mode's own (kiosk.lockdown) and the verdict follows the lab's policy:
what the kiosk would refuse at start fails here, what it would warn about warns.
"""

from typing import Any

from engine.keys import public_key_b64
from kiosk.doctor.report import Check, failed, passed, warned
from kiosk.lab_config import LabConfig
from kiosk.lockdown.catalogue import GuardSupport
from kiosk.lockdown.policy import Action, LockdownPolicy


def _by_action(action: Action, name: str, fr: str, en: str) -> Check:
    if action == "refuse":
        return failed(name, fr, en)
    if action == "warn":
        return warned(name, fr, en)
    return passed(name, f"{fr} (autorisé par la politique du centre)", f"{en} (allowed by policy)")


def prohibited_processes_check(action: Action, running: list[tuple[int, str]]) -> Check:
    if not running:
        return passed(
            "prohibited_processes",
            "Aucun programme interdit (partage d'écran, prise en main, messagerie) ne tourne.",
            "No prohibited program (screen sharing, remote control, messaging) is running.",
        )
    shown = ", ".join(f"{name} (pid {pid})" for pid, name in running)
    return _by_action(
        action,
        "prohibited_processes",
        f"Programmes interdits en cours : {shown}. Fermez-les et empêchez leur démarrage "
        "automatique sur ce poste, sinon l'examen refusera de démarrer.",
        f"Prohibited programs running: {shown}. Close them and stop them from starting "
        "automatically on this PC, or the exam will refuse to start.",
    )


def virtual_machine_check(action: Action, reason: str | None) -> Check:
    if reason is None:
        return passed(
            "virtual_machine", "Poste physique (pas de machine virtuelle).", "Physical PC (no VM)."
        )
    return _by_action(
        action,
        "virtual_machine",
        f"Ce poste semble être une machine virtuelle ({reason}) : faites passer l'examen sur un "
        "poste physique, ou faites autoriser ce cas dans [lockdown] virtual_machine.",
        f"This PC looks like a virtual machine ({reason}): hold the exam on a physical PC, or "
        "have [lockdown] virtual_machine allow it.",
    )


def remote_session_check(action: Action, reason: str | None) -> Check:
    if reason is None:
        return passed("remote_session", "Session locale.", "Local session.")
    return _by_action(
        action,
        "remote_session",
        f"Session distante détectée ({reason}). Normal si vous lancez doctor par SSH : relancez-le "
        "dans la session locale du kiosque ; le kiosque refuse une session distante.",
        f"Remote session detected ({reason}). Expected if you run doctor over SSH: run it again "
        "in the kiosk's local session; the kiosk refuses remote sessions.",
    )


def lockdown_guards_check(guards: list[GuardSupport], platform: str, secure_mode: bool) -> Check:
    """What the secure mode really achieves here (kiosk.lockdown.effective_guards)."""
    effective = ", ".join(g.measure for g in guards if g.effect == "effective")
    weak = [g for g in guards if g.effect == "detect_only"]
    if not secure_mode:
        return warned(
            "lockdown_guards",
            "Mode sécurisé désactivé dans la configuration : aucun verrouillage pendant l'examen.",
            "Secure mode is off in the configuration: no lockdown during the exam.",
        )
    if platform == "other":
        return warned(
            "lockdown_guards",
            "Système d'affichage inconnu ou sans écran : le verrouillage n'a pas pu être évalué. "
            "Relancez doctor dans la session du kiosque.",
            "Unknown window system or no display: the lockdown could not be assessed. Run doctor "
            "again in the kiosk session.",
        )
    if weak:
        notes = " ".join(g.note for g in weak)
        return warned(
            "lockdown_guards",
            f"Sur {platform}, verrouillage partiel ({notes}) : sous Linux, utilisez la session "
            "d'examen de packaging/linux/install.sh (X11).",
            f"On {platform}, partial lockdown ({notes}): on Linux, use the exam session of "
            "packaging/linux/install.sh (X11).",
        )
    return passed(
        "lockdown_guards",
        f"Verrouillage complet sur {platform} : {effective}.",
        f"Full lockdown on {platform}: {effective}.",
    )


def effective_settings(config: LabConfig, policy: LockdownPolicy) -> dict[str, Any]:
    """The settings that must be identical on every PC of a lab (no per-PC path)."""
    return {
        "server_url": config.server_url,
        "server_public_key": public_key_b64(config.server_public_key),
        "publisher_public_key": public_key_b64(config.publisher_public_key),
        "language": config.language,
        "secure_mode": config.secure_mode,
        "font_scale": config.font_scale,
        "high_contrast": config.high_contrast,
        "lockdown": policy.to_dict(),
    }


def config_hash_check(key: str | None) -> Check:
    """`key` is kiosk.lockdown.config_key of the effective settings (None without a config)."""
    if key is None:
        return failed(
            "config_hash",
            "Pas d'empreinte de configuration : la configuration est illisible (voir lab_config).",
            "No configuration hash: the configuration cannot be read (see lab_config).",
        )
    return passed(
        "config_hash",
        f"Empreinte de configuration {key[:16]} : elle doit être la même sur tous les postes de "
        "la salle ; sinon comparez leurs kiosk.toml.",
        f"Configuration hash {key[:16]}: it must be the same on every PC of the room; otherwise "
        "compare their kiosk.toml.",
    )
