"""What else runs on this PC: prohibited programs, a virtual machine, a remote session.

The detection is the secure mode's own (kiosk.lockdown.environment) and the verdict follows the
lab's policy: what the kiosk would refuse at start fails here, what it would warn about warns.
"""

from kiosk.doctor.report import Check, failed, passed, warned
from kiosk.lockdown.policy import Action


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
