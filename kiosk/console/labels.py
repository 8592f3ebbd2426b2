"""The words for the codes the server sends (statuses, categories, reasons), in the current
language: French in the source, English from the console's Qt translation file.

The tables hold the French marked with QT_TRANSLATE_NOOP (so lupdate finds them); `_label`
translates at the moment of use, so a language switch takes effect at once.
"""

from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "Labels"


def _label(table: Mapping[str, str], code: str) -> str:
    """The translated label of `code`, or the code itself when it is unknown."""
    return QCoreApplication.translate(CONTEXT, table[code]) if code in table else code


STATUSES = {
    "not_arrived": QT_TRANSLATE_NOOP("Labels", "Pas arrivé"),
    "waiting": QT_TRANSLATE_NOOP("Labels", "Attend l'autorisation"),
    "waiting_resume": QT_TRANSLATE_NOOP("Labels", "Attend la reprise"),
    "authorised": QT_TRANSLATE_NOOP("Labels", "Autorisé, démarre…"),
    "in_progress": QT_TRANSLATE_NOOP("Labels", "En cours"),
    "paused": QT_TRANSLATE_NOOP("Labels", "En pause"),
    "locked": QT_TRANSLATE_NOOP("Labels", "Poste verrouillé"),
    "start_refused": QT_TRANSLATE_NOOP("Labels", "Départ refusé"),
    "live_alert": QT_TRANSLATE_NOOP("Labels", "Signalement"),
    "finished": QT_TRANSLATE_NOOP("Labels", "Terminé"),
    "record_received": QT_TRANSLATE_NOOP("Labels", "Résultats reçus"),
    "record_rejected": QT_TRANSLATE_NOOP("Labels", "Résultats refusés"),
    "absent": QT_TRANSLATE_NOOP("Labels", "Absent"),
}


def status_label(status: str, waiting_for: str | None = None) -> str:
    """What a room status means, in words an invigilator reads at a glance."""
    if status == "waiting" and waiting_for == "resume":
        status = "waiting_resume"
    return _label(STATUSES, status)


ABORT_REASONS = {
    "candidate": QT_TRANSLATE_NOOP("Labels", "Abandon du candidat"),
    "technical": QT_TRANSLATE_NOOP("Labels", "Problème technique"),
}


def abort_reason_label(reason: str) -> str:
    return _label(ABORT_REASONS, reason)


ISSUE_CATEGORIES = {
    "SIGNATURE_ISSUE": QT_TRANSLATE_NOOP("Labels", "Problème de signature"),
    "CANDIDATE_INFORMATIONS_CHANGES": QT_TRANSLATE_NOOP(
        "Labels", "Modification des informations du candidat"
    ),
    "IN_CHALLENGE": QT_TRANSLATE_NOOP("Labels", "Problème sur une question"),
    "FRAUD": QT_TRANSLATE_NOOP("Labels", "Suspicion de fraude"),
    "NON_BLOCKING_CANDIDATE_ISSUE": QT_TRANSLATE_NOOP("Labels", "Incident non bloquant (candidat)"),
    "NON_BLOCKING_TECHNICAL_ISSUE": QT_TRANSLATE_NOOP("Labels", "Incident technique non bloquant"),
}
"""DESIGN §4: the categories of an issue report."""

IN_CHALLENGE_SUBCATEGORIES = {
    "IMAGE_NOT_DISPLAYING": QT_TRANSLATE_NOOP("Labels", "L'image ne s'affiche pas"),
    "EMBED_NOT_WORKING": QT_TRANSLATE_NOOP("Labels", "Le simulateur ne fonctionne pas"),
    "FILE_NOT_OPENING": QT_TRANSLATE_NOOP("Labels", "Le fichier ne s'ouvre pas"),
    "WEBSITE_UNAVAILABLE": QT_TRANSLATE_NOOP("Labels", "Le site est indisponible"),
    "WEBSITE_BLOCKED": QT_TRANSLATE_NOOP("Labels", "Le site est bloqué"),
    "SOFTWARE_NOT_WORKING": QT_TRANSLATE_NOOP("Labels", "Le logiciel ne fonctionne pas"),
    "EXTRA_TIME_EXCEEDED": QT_TRANSLATE_NOOP(
        "Labels", "Le temps de la question est dépassé (tiers-temps)"
    ),
    "ACCESSIBILITY_ISSUE": QT_TRANSLATE_NOOP("Labels", "Problème d'accessibilité"),
    "SKIP_ON_OOPS": QT_TRANSLATE_NOOP("Labels", "Question passée à cause d'un incident"),
    "UNINTENTIONAL_FOCUS_OUT": QT_TRANSLATE_NOOP("Labels", "Sortie involontaire du test"),
}
"""DESIGN §4: the first nine neutralise a wrong or skipped answer; the last turns a focus-loss
answer into a success."""


def category_label(code: str) -> str:
    return _label(ISSUE_CATEGORIES, code)


def subcategory_label(code: str) -> str:
    return _label(IN_CHALLENGE_SUBCATEGORIES, code)


CERTIFICATION_STATUSES = {
    "validated": QT_TRANSLATE_NOOP("Labels", "Validée"),
    "rejected": QT_TRANSLATE_NOOP("Labels", "Rejetée"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Annulée"),
    "pending": QT_TRANSLATE_NOOP("Labels", "En attente"),
    "absent": QT_TRANSLATE_NOOP("Labels", "Absent"),
}


def certification_status_label(status: str) -> str:
    return _label(CERTIFICATION_STATUSES, status)


GLOBAL_LEVELS = (
    QT_TRANSLATE_NOOP("Labels", "Aucun niveau"),
    QT_TRANSLATE_NOOP("Labels", "Novice 1"),
    QT_TRANSLATE_NOOP("Labels", "Novice 2"),
    QT_TRANSLATE_NOOP("Labels", "Indépendant 1"),
    QT_TRANSLATE_NOOP("Labels", "Indépendant 2"),
    QT_TRANSLATE_NOOP("Labels", "Avancé 1"),
    QT_TRANSLATE_NOOP("Labels", "Avancé 2"),
    QT_TRANSLATE_NOOP("Labels", "Expert 1"),
)


def global_level_label(level: int | None) -> str:
    if level is None:
        return "–"
    if not 0 <= level < len(GLOBAL_LEVELS):
        return str(level)
    return f"{level} – {QCoreApplication.translate(CONTEXT, GLOBAL_LEVELS[level])}"


LOCK_REASONS = {
    "focus_lost": QT_TRANSLATE_NOOP("Labels", "a quitté la fenêtre du test"),
    "minimised": QT_TRANSLATE_NOOP("Labels", "a réduit la fenêtre du test"),
    "left_fullscreen": QT_TRANSLATE_NOOP("Labels", "a quitté le plein écran"),
    "foreign_window": QT_TRANSLATE_NOOP("Labels", "une autre fenêtre est passée devant le test"),
    "close_attempt": QT_TRANSLATE_NOOP("Labels", "a tenté de fermer le test"),
    "escape_shortcut": QT_TRANSLATE_NOOP("Labels", "a utilisé un raccourci interdit (Alt+Tab…)"),
    "screen_changed": QT_TRANSLATE_NOOP("Labels", "un écran a été branché ou débranché"),
    "prohibited_process": QT_TRANSLATE_NOOP("Labels", "un logiciel interdit est ouvert"),
    "remote_session": QT_TRANSLATE_NOOP("Labels", "prise de contrôle à distance détectée"),
    "virtual_machine": QT_TRANSLATE_NOOP("Labels", "machine virtuelle détectée"),
    "keyboard_not_locked": QT_TRANSLATE_NOOP("Labels", "le clavier n'a pas pu être verrouillé"),
    "capture_not_excluded": QT_TRANSLATE_NOOP(
        "Labels", "l'écran n'a pas pu être protégé des captures"
    ),
}
"""Why a kiosk locked itself, or refused to start its lockdown (kiosk/lockdown/violations.py
kinds)."""


def lock_reason_label(kind: str) -> str:
    return _label(LOCK_REASONS, kind)


INCIDENT_KINDS = {
    **ISSUE_CATEGORIES,
    "LIVE_ALERT": QT_TRANSLATE_NOOP("Labels", "Signalement en direct"),
    "KIOSK_LOCKED": QT_TRANSLATE_NOOP("Labels", "Poste verrouillé"),
    "START_REFUSED": QT_TRANSLATE_NOOP("Labels", "Départ refusé par le poste"),
    "FOCUS_LOST": QT_TRANSLATE_NOOP("Labels", "Fenêtre quittée pendant une question surveillée"),
    "TEST_ENDED": QT_TRANSLATE_NOOP("Labels", "Test arrêté avant la fin"),
    "PAUSED": QT_TRANSLATE_NOOP("Labels", "Pause"),
}


def incident_label(kind: str) -> str:
    """An entry of the session's incident list: an issue-report category or a room event."""
    return _label(INCIDENT_KINDS, kind)


RESOLUTIONS = {
    "alert_validated": QT_TRANSLATE_NOOP("Labels", "validé, question remplacée"),
    "alert_dismissed": QT_TRANSLATE_NOOP("Labels", "rejeté"),
    "unlocked": QT_TRANSLATE_NOOP("Labels", "déverrouillé"),
    "resolved": QT_TRANSLATE_NOOP("Labels", "résolu"),
    "open": QT_TRANSLATE_NOOP("Labels", "non traité"),
}


def resolution_label(code: str) -> str:
    return _label(RESOLUTIONS, code)
