"""The secure mode on this PC: which guards work here, what else runs (prohibited programs, a
virtual machine, a remote session) and the configuration key it shows the server (the same on
every PC of a lab).

The detection is the secure mode's own (kiosk.lockdown) and the verdict follows the lab's policy:
what the kiosk would refuse at start fails here, what it would warn about warns.
"""

from kiosk.config_key import ConfigKey
from kiosk.doctor.report import Check, failed, passed, warned
from kiosk.lockdown.catalogue import GuardSupport
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


def config_hash_check(key: ConfigKey | None) -> Check:
    """`key` is this kiosk's configuration key (None without a usable configuration)."""
    if key is None:
        return failed(
            "config_hash",
            "Pas de clé de configuration : la configuration est illisible (voir lab_config).",
            "No configuration key: the configuration cannot be read (see lab_config).",
        )
    return passed(
        "config_hash",
        f"Clé de configuration {key.key} (version {key.app_version}) : le poste l'envoie au "
        "serveur à chaque accueil de candidat. Elle doit être la même sur tous les postes de la "
        "salle (sinon comparez leurs kiosk.toml) ; si le serveur tient une liste de clés, "
        f"faites-la autoriser : pix-server config-key allow --data DIR {key.key}.",
        f"Configuration key {key.key} (version {key.app_version}): this PC sends it to the "
        "server at every check-in. It must be the same on every PC of the room (otherwise "
        "compare their kiosk.toml); if the server keeps a list of keys, have it allowed: "
        f"pix-server config-key allow --data DIR {key.key}.",
    )
