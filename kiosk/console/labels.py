"""The words for the codes the server sends (statuses, categories, reasons), in the current
language: French in the source, English from the console's Qt translation file."""

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def status_label(status: str, waiting_for: str | None = None) -> str:
    """What a room status means, in words an invigilator reads at a glance."""
    if status == "waiting":
        return _t("Attend la reprise") if waiting_for == "resume" else _t("Attend l'autorisation")
    labels = {
        "not_arrived": _t("Pas arrivé"),
        "authorised": _t("Autorisé, démarre…"),
        "in_progress": _t("En cours"),
        "paused": _t("En pause"),
        "locked": _t("Poste verrouillé"),
        "live_alert": _t("Signalement"),
        "finished": _t("Terminé"),
        "record_received": _t("Résultats reçus"),
        "record_rejected": _t("Résultats refusés"),
        "absent": _t("Absent"),
    }
    return labels.get(status, status)


def abort_reason_label(reason: str) -> str:
    return {
        "candidate": _t("Abandon du candidat"),
        "technical": _t("Problème technique"),
    }.get(reason, reason)


ISSUE_CATEGORIES = (
    "SIGNATURE_ISSUE",
    "CANDIDATE_INFORMATIONS_CHANGES",
    "IN_CHALLENGE",
    "FRAUD",
    "NON_BLOCKING_CANDIDATE_ISSUE",
    "NON_BLOCKING_TECHNICAL_ISSUE",
)
IN_CHALLENGE_SUBCATEGORIES = (
    "IMAGE_NOT_DISPLAYING",
    "EMBED_NOT_WORKING",
    "FILE_NOT_OPENING",
    "WEBSITE_UNAVAILABLE",
    "WEBSITE_BLOCKED",
    "SOFTWARE_NOT_WORKING",
    "EXTRA_TIME_EXCEEDED",
    "ACCESSIBILITY_ISSUE",
    "SKIP_ON_OOPS",
    "UNINTENTIONAL_FOCUS_OUT",
)
"""DESIGN §4: the first nine neutralise a wrong or skipped answer; the last turns a focus-loss
answer into a success."""


def category_label(code: str) -> str:
    return {
        "SIGNATURE_ISSUE": _t("Problème de signature"),
        "CANDIDATE_INFORMATIONS_CHANGES": _t("Modification des informations du candidat"),
        "IN_CHALLENGE": _t("Problème sur une question"),
        "FRAUD": _t("Suspicion de fraude"),
        "NON_BLOCKING_CANDIDATE_ISSUE": _t("Incident non bloquant (candidat)"),
        "NON_BLOCKING_TECHNICAL_ISSUE": _t("Incident technique non bloquant"),
    }.get(code, code)


def subcategory_label(code: str) -> str:
    return {
        "IMAGE_NOT_DISPLAYING": _t("L'image ne s'affiche pas"),
        "EMBED_NOT_WORKING": _t("Le simulateur ne fonctionne pas"),
        "FILE_NOT_OPENING": _t("Le fichier ne s'ouvre pas"),
        "WEBSITE_UNAVAILABLE": _t("Le site est indisponible"),
        "WEBSITE_BLOCKED": _t("Le site est bloqué"),
        "SOFTWARE_NOT_WORKING": _t("Le logiciel ne fonctionne pas"),
        "EXTRA_TIME_EXCEEDED": _t("Le temps de la question est dépassé (tiers-temps)"),
        "ACCESSIBILITY_ISSUE": _t("Problème d'accessibilité"),
        "SKIP_ON_OOPS": _t("Question passée à cause d'un incident"),
        "UNINTENTIONAL_FOCUS_OUT": _t("Sortie involontaire du test"),
    }.get(code, code)


def certification_status_label(status: str) -> str:
    return {
        "validated": _t("Validée"),
        "rejected": _t("Rejetée"),
        "cancelled": _t("Annulée"),
        "pending": _t("En attente"),
        "absent": _t("Absent"),
    }.get(status, status)


def global_level_label(level: int | None) -> str:
    if level is None:
        return "–"
    names = (
        _t("Aucun niveau"),
        _t("Novice 1"),
        _t("Novice 2"),
        _t("Indépendant 1"),
        _t("Indépendant 2"),
        _t("Avancé 1"),
        _t("Avancé 2"),
        _t("Expert 1"),
    )
    return f"{level} – {names[level]}" if 0 <= level < len(names) else str(level)


def lock_reason_label(kind: str) -> str:
    """Why a kiosk locked itself (kiosk/lockdown/violations.py kinds)."""
    return {
        "focus_lost": _t("a quitté la fenêtre du test"),
        "minimised": _t("a réduit la fenêtre du test"),
        "left_fullscreen": _t("a quitté le plein écran"),
        "foreign_window": _t("une autre fenêtre est passée devant le test"),
        "close_attempt": _t("a tenté de fermer le test"),
        "escape_shortcut": _t("a utilisé un raccourci interdit (Alt+Tab…)"),
        "screen_changed": _t("un écran a été branché ou débranché"),
        "prohibited_process": _t("un logiciel interdit est ouvert"),
        "remote_session": _t("prise de contrôle à distance détectée"),
        "virtual_machine": _t("machine virtuelle détectée"),
        "keyboard_not_locked": _t("le clavier n'a pas pu être verrouillé"),
        "capture_not_excluded": _t("l'écran n'a pas pu être protégé des captures"),
    }.get(kind, kind)
