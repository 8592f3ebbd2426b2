"""Every word the printed documents use, in French and English (French is the default: the
documents are handed to French schools and candidates)."""

from datetime import date, datetime, time

LANGUAGES = ("fr", "en")

_TEXT: dict[str, tuple[str, str]] = {
    # Titles and running heads
    "session_sheet": ("Fiche de session", "Session sheet"),
    "invigilator_kit": ("Kit surveillant", "Invigilator kit"),
    "sign_in_list": ("Liste d'émargement", "Attendance sign-in list"),
    "attendance_report": ("Procès-verbal de session", "Attendance and incident report"),
    "certificate": ("Certificat de compétences numériques", "Digital skills certificate"),
    "page": ("page", "page"),
    "generated": ("Document généré le", "Document generated on"),
    # Session facts
    "session_number": ("Session n°", "Session no."),
    "centre": ("Centre", "Centre"),
    "room": ("Salle", "Room"),
    "date": ("Date", "Date"),
    "start": ("Heure de début", "Start time"),
    "examiner": ("Surveillant(s)", "Invigilator(s)"),
    "access_code": ("Code d'accès candidat", "Candidate access code"),
    "invigilator_code": ("Code surveillant", "Invigilator code"),
    "confidential": (
        "Confidentiel : à ne communiquer qu'aux surveillants de la salle.",
        "Confidential: for the room's invigilators only.",
    ),
    "access_help": (
        "À afficher au tableau au début de l'épreuve : chaque candidat saisit le numéro de "
        "session, ce code d'accès, son nom et sa date de naissance.",
        "Write it on the board when the test begins: each candidate types the session number, "
        "this access code, their name and their birth date.",
    ),
    "before_start": ("Avant de commencer", "Before you start"),
    "checklist": (
        "Vérifier l'identité de chaque candidat (pièce d'identité) avant d'autoriser son "
        "entrée en test.|Ouvrir la console surveillant : pix-kiosk invigilate.|Faire signer "
        "la liste d'émargement.|À la fin, finaliser la session depuis la console.",
        "Check each candidate's identity (ID card) before authorising their test.|Open the "
        "invigilator console: pix-kiosk invigilate.|Have every candidate sign the list.|"
        "At the end, finalise the session from the console.",
    ),
    "candidates_count": ("Candidats inscrits", "Registered candidates"),
    # Candidate columns
    "number_sign": ("N°", "No."),
    "name": ("Nom et prénoms", "Name"),
    "birth_date": ("Né(e) le", "Born"),
    "external_id": ("INE / id", "INE / id"),
    "extra_time": ("Tiers-temps", "Extra time"),
    "accessibility": ("Aménagements", "Access needs"),
    "signature": ("Signature", "Signature"),
    "yes": ("Oui", "Yes"),
    "no_candidates": ("Aucun candidat inscrit.", "No candidate registered."),
    # Attendance report
    "summary": ("Synthèse", "Summary"),
    "present": ("Présents", "Present"),
    "absent_count": ("Absents", "Absent"),
    "finished_count": ("Tests terminés", "Tests finished"),
    "aborted_count": ("Tests interrompus", "Tests ended early"),
    "attendance": ("Présence des candidats", "Candidate attendance"),
    "outcome": ("Issue", "Outcome"),
    "answers": ("Réponses", "Answers"),
    "times": ("Début – fin", "Start – end"),
    "device": ("Poste", "Device"),
    "certification": ("Certification", "Certification"),
    "incidents": ("Incidents et signalements", "Incidents and issue reports"),
    "no_incidents": ("Aucun incident signalé.", "No incident reported."),
    "time": ("Heure", "Time"),
    "candidate": ("Candidat", "Candidate"),
    "kind": ("Catégorie", "Category"),
    "details": ("Détails", "Details"),
    "comment": ("Remarques des surveillants", "Invigilators' remarks"),
    "no_comment": ("Aucune remarque.", "No remarks."),
    "finalised_at": ("Session finalisée le", "Session finalised on"),
    "not_finalised": (
        "Session non finalisée : ce procès-verbal est provisoire.",
        "Session not finalised: this report is provisional.",
    ),
    "signatures": ("Signatures des surveillants", "Invigilators' signatures"),
    "whole_room": ("toute la salle", "whole room"),
    # Certificate
    "awarded_to": ("Délivré à", "Awarded to"),
    "born_on": ("né(e) le", "born on"),
    "passed_on": ("Certification passée le", "Certification taken on"),
    "at_centre": ("au centre", "at"),
    "score": ("Score certifié", "Certified score"),
    "out_of": ("sur 895 pix", "out of 895 pix"),
    "global_level": ("Niveau global", "Global level"),
    "expected_level": ("Niveau attendu en", "Level expected in"),
    "reached": ("atteint", "reached"),
    "not_reached": ("non atteint", "not reached"),
    "class_attestations": ("Attestations de la classe", "Class attestations"),
    "competence_levels": ("Niveaux par compétence", "Levels by competence"),
    "level": ("Niveau", "Level"),
    "verification": ("Vérification", "Verification"),
    "verification_help": (
        "Son authenticité se vérifie en scannant le QR code ou à l'adresse",
        "Check that it is genuine by scanning the QR code or at",
    ),
    "issued_on": ("Délivré le", "Issued on"),
    "levels_scale": (
        "Niveaux de 1 à 7 : 1–2 novice, 3–4 indépendant, 5–6 avancé, 7 expert ; "
        "0 : niveau non atteint.",
        "Levels 1 to 7: 1–2 novice, 3–4 independent, 5–6 advanced, 7 expert; 0: level not reached.",
    ),
}

_CODES: dict[str, tuple[str, str]] = {
    # Attendance outcomes (data.ATTENDANCE_OUTCOMES)
    "not_arrived": ("Non arrivé", "Not arrived"),
    "not_started": ("Non commencé", "Not started"),
    "absent": ("Absent", "Absent"),
    "finished": ("Terminé", "Finished"),
    "aborted": ("Interrompu", "Ended early"),
    "not_finished": ("Non terminé", "Not finished"),
    # Certification statuses (data.CERTIFICATION_STATUSES)
    "validated": ("Validée", "Validated"),
    "rejected": ("Rejetée", "Rejected"),
    "cancelled": ("Annulée", "Cancelled"),
    "pending": ("En attente", "Pending"),
    # Abort reasons (DESIGN §4)
    "candidate": ("abandon du candidat", "candidate's choice"),
    "technical": ("problème technique", "technical problem"),
    # Issue-report categories (DESIGN §4)
    "SIGNATURE_ISSUE": ("Problème de signature", "Signature issue"),
    "CANDIDATE_INFORMATIONS_CHANGES": (
        "Modification des informations du candidat",
        "Change to the candidate's details",
    ),
    "IN_CHALLENGE": ("Problème sur une question", "Problem with a question"),
    "FRAUD": ("Suspicion de fraude", "Suspected fraud"),
    "NON_BLOCKING_CANDIDATE_ISSUE": (
        "Incident non bloquant (candidat)",
        "Non-blocking issue (candidate)",
    ),
    "NON_BLOCKING_TECHNICAL_ISSUE": (
        "Incident technique non bloquant",
        "Non-blocking technical issue",
    ),
    # IN_CHALLENGE subcategories
    "IMAGE_NOT_DISPLAYING": ("L'image ne s'affiche pas", "Image not displaying"),
    "EMBED_NOT_WORKING": ("Le simulateur ne fonctionne pas", "Embedded content not working"),
    "FILE_NOT_OPENING": ("Le fichier ne s'ouvre pas", "File not opening"),
    "WEBSITE_UNAVAILABLE": ("Site indisponible", "Website unavailable"),
    "WEBSITE_BLOCKED": ("Site bloqué", "Website blocked"),
    "SOFTWARE_NOT_WORKING": ("Logiciel défaillant", "Software not working"),
    "EXTRA_TIME_EXCEEDED": ("Tiers-temps dépassé", "Extra time exceeded"),
    "ACCESSIBILITY_ISSUE": ("Problème d'accessibilité", "Accessibility issue"),
    "SKIP_ON_OOPS": ("Question passée après un incident", "Question skipped after a glitch"),
    "UNINTENTIONAL_FOCUS_OUT": ("Sortie involontaire du test", "Unintentional focus loss"),
    # Why a kiosk locked itself (kiosk/lockdown/violations.py)
    "focus_lost": ("a quitté la fenêtre du test", "left the test window"),
    "minimised": ("a réduit la fenêtre du test", "minimised the test window"),
    "left_fullscreen": ("a quitté le plein écran", "left full screen"),
    "foreign_window": ("une autre fenêtre est passée devant", "another window came over the test"),
    "close_attempt": ("a tenté de fermer le test", "tried to close the test"),
    "escape_shortcut": ("raccourci interdit (Alt+Tab…)", "forbidden shortcut (Alt+Tab…)"),
    "screen_changed": ("écran branché ou débranché", "screen plugged in or out"),
    "prohibited_process": ("logiciel interdit ouvert", "forbidden program open"),
    "remote_session": ("prise de contrôle à distance", "remote control"),
    "virtual_machine": ("machine virtuelle", "virtual machine"),
    "keyboard_not_locked": ("clavier non verrouillé", "keyboard not locked"),
    "capture_not_excluded": ("écran non protégé des captures", "screen not protected from capture"),
    # Room event kinds and resolutions
    "LIVE_ALERT": ("Signalement en direct", "Live alert"),
    "KIOSK_LOCKED": ("Poste verrouillé", "Kiosk locked"),
    "START_REFUSED": ("Départ refusé par le poste", "Start refused by the PC"),
    "FOCUS_LOST": (
        "Fenêtre quittée pendant une question surveillée",
        "Window left during a watched question",
    ),
    "TEST_ENDED": ("Test arrêté avant la fin", "Test ended early"),
    "PAUSED": ("Pause", "Pause"),
    "EXTRA_TIME": ("Temps supplémentaire accordé", "Extra time given"),
    "MARKED_ABSENT": ("Déclaré absent", "Marked absent"),
    "open": ("non traité", "not handled"),
    "alert_validated": ("validé, question remplacée", "validated, question replaced"),
    "alert_dismissed": ("rejeté", "dismissed"),
    "unlocked": ("déverrouillé", "unlocked"),
    "resolved": ("résolu", "resolved"),
}

GLOBAL_LEVEL_LABELS = (
    ("Aucun niveau", "No level"),
    ("Novice 1", "Novice 1"),
    ("Novice 2", "Novice 2"),
    ("Indépendant 1", "Independent 1"),
    ("Indépendant 2", "Independent 2"),
    ("Avancé 1", "Advanced 1"),
    ("Avancé 2", "Advanced 2"),
    ("Expert 1", "Expert 1"),
)
"""The label of each global level 0–7 (DESIGN §4, scoring table)."""


def _index(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    return LANGUAGES.index(lang)


def text(key: str, lang: str) -> str:
    return _TEXT[key][_index(lang)]


def code_label(code: str, lang: str) -> str:
    """The label of a status, category or reason code; the code itself when it is unknown."""
    labels = _CODES.get(code)
    return labels[_index(lang)] if labels else code


def global_level_label(level: int, lang: str) -> str:
    return GLOBAL_LEVEL_LABELS[level][_index(lang)]


_MONTHS = (
    (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
)  # fmt: skip


def long_date(day: date, lang: str) -> str:
    """`12 mars 2026`, `1er mars 2026` (French writes the first of the month as an ordinal) /
    `12 March 2026`."""
    index = _index(lang)
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[index][day.month - 1]} {day.year}"


def short_date(day: date, lang: str) -> str:
    """`12/03/2009` in both languages (the form used on French identity documents)."""
    _index(lang)
    return day.strftime("%d/%m/%Y")


def clock(moment: time | datetime, lang: str) -> str:
    """`14 h 05` (non-breaking spaces) / `14:05`."""
    _index(lang)
    return moment.strftime("%H\u00a0h\u00a0%M" if lang == "fr" else "%H:%M")


def date_and_clock(moment: datetime, lang: str) -> str:
    return f"{long_date(moment.date(), lang)}, {clock(moment, lang)}"
