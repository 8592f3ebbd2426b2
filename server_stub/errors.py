"""Every error the API can answer, in one catalogue: stable code, HTTP status, French and English.

Clients switch on the code; people read the message. Keeping them together is what lets
docs/protocol.md list them all and lets a test check that each has both languages.
"""

from typing import Any

from engine.canonical import BilingualError

# code: (HTTP status, French, English). Messages may hold {placeholders} filled at raise time.
CATALOGUE: dict[str, tuple[int, str, str]] = {
    "invalid_request": (
        422,
        "Requête invalide : {detail}.",
        "Invalid request: {detail}.",
    ),
    "not_found": (404, "Ressource introuvable.", "Resource not found."),
    "request_too_large": (
        413,
        "Requête trop volumineuse pour cette route : refusée sans être lue.",
        "Request too large for this route: refused without being read.",
    ),
    "json_too_deep": (
        400,
        "Corps JSON refusé : imbriqué trop profondément pour être lu (ou illisible).",
        "JSON body refused: nested too deep to be read (or unreadable).",
    ),
    "verification_unavailable": (
        503,
        "La vérification des résultats est momentanément indisponible : le poste les renverra "
        "de lui-même. Si cela dure, redémarrez le serveur (pix-server serve).",
        "Result verification is unavailable for a moment: the PC will send its results again "
        "by itself. If this lasts, restart the server (pix-server serve).",
    ),
    "not_ready": (
        503,
        "Le serveur n'est pas prêt : {detail_fr}. Voir docs/deployment.md.",
        "The server is not ready: {detail}. See docs/deployment.md.",
    ),
    "document_font_missing": (
        503,
        "Police {name} introuvable sur le serveur : installez le paquet fonts-dejavu-core "
        "(apt-get install fonts-dejavu-core) pour imprimer les documents.",
        "Font {name} not found on the server: install the fonts-dejavu-core package "
        "(apt-get install fonts-dejavu-core) to print the documents.",
    ),
    "method_not_allowed": (405, "Méthode non autorisée.", "Method not allowed."),
    "unauthenticated": (
        401,
        "Authentification requise : jeton absent ou invalide.",
        "Authentication required: missing or invalid token.",
    ),
    "forbidden": (
        403,
        "Ce jeton ne donne pas accès à cette ressource.",
        "This token does not give access to this resource.",
    ),
    "enrolment_token_invalid": (
        403,
        "Jeton d'enrôlement inconnu. Demandez un nouveau jeton au service informatique.",
        "Unknown enrolment token. Ask IT for a new token.",
    ),
    "enrolment_token_expired": (
        403,
        "Jeton d'enrôlement expiré. Demandez un nouveau jeton au service informatique.",
        "Enrolment token expired. Ask IT for a new token.",
    ),
    "enrolment_token_used_up": (
        403,
        "Ce jeton d'enrôlement a déjà servi pour le nombre maximal de postes.",
        "This enrolment token has already enrolled its maximum number of devices.",
    ),
    "invalid_public_key": (
        422,
        "Clé publique invalide ({detail}) : 32 octets en base64 attendus.",
        "Invalid public key ({detail}): 32 bytes in base64 expected.",
    ),
    "device_already_enrolled": (
        409,
        "Ce poste (même clé de signature) est déjà enrôlé.",
        "This device (same signing key) is already enrolled.",
    ),
    "bank_not_found": (404, "Banque d'items introuvable.", "Item bank not found."),
    "invalid_session_field": (
        422,
        "Champ de session invalide : {field} ({detail}).",
        "Invalid session field: {field} ({detail}).",
    ),
    "no_bank_published": (
        409,
        "Aucune banque d'items publiée pour le mode {mode} : lancez `pix-server init`.",
        "No item bank published for mode {mode}: run `pix-server init`.",
    ),
    "edition_not_found": (
        404,
        "Aucune édition « {edition} » de la banque publiée pour le mode {mode} : voyez "
        "`pix-server bank list`.",
        'No published bank edition "{edition}" for mode {mode}: see `pix-server bank list`.',
    ),
    "bank_already_published": (
        409,
        "Cette banque ({bank_id}) est déjà publiée.",
        "This bank ({bank_id}) is already published.",
    ),
    "edition_taken": (
        409,
        "Une banque publiée porte déjà le nom d'édition « {edition} » : scellez-la sous un autre "
        "nom (pix-engine bank seal --edition).",
        'A published bank already has the edition name "{edition}": seal it under another '
        "name (pix-engine bank seal --edition).",
    ),
    "content_key_reused": (
        409,
        "Cette banque est scellée avec la clé de contenu de l'édition « {edition} » : chaque "
        "édition doit avoir sa propre clé (scellez-la à nouveau, sans réutiliser de clé).",
        'This bank is sealed under the content key of edition "{edition}": each edition must '
        "have its own key (seal it again, without reusing a key).",
    ),
    "edition_not_held": (
        409,
        "Ce poste n'a pas l'édition de la banque prévue pour cette session (il a {held}, la "
        "session demande {planned}) : le service informatique doit la télécharger "
        "(pix-kiosk enroll) avant que le candidat ne s'y installe.",
        "This PC does not hold the bank edition this session is planned on (it has {held}, the "
        "session needs {planned}): IT must download it (pix-kiosk enroll) before the candidate "
        "sits here.",
    ),
    "candidates_rejected": (
        422,
        "Fichier de candidats refusé, aucun candidat importé.",
        "Candidates file refused, no candidate imported.",
    ),
    "session_not_found": (
        404,
        "Session introuvable : vérifiez le numéro de session.",
        "Session not found: check the session number.",
    ),
    "session_closed": (
        409,
        "La session est finalisée : plus aucune action d'examen n'est possible.",
        "The session is finalised: no further exam action is possible.",
    ),
    "exams_still_running": (
        409,
        "Impossible de finaliser : des candidats n'ont pas terminé ({names}). Terminez leur "
        "épreuve ou déclarez-les absents.",
        "Cannot finalise: some candidates have not finished ({names}). End their test or mark "
        "them absent.",
    ),
    "invalid_remarks": (
        422,
        "Remarques refusées : un texte de 2 000 caractères au plus est attendu. La session n'a "
        "pas été modifiée.",
        "Remarks refused: text of at most 2,000 characters expected. The session was not changed.",
    ),
    "session_not_finalised": (
        409,
        "La session doit être finalisée avant la publication des résultats.",
        "The session must be finalised before its results are published.",
    ),
    "publication_by_lead": (
        403,
        "Le code surveillant ne publie plus les résultats : la session est finalisée et part en "
        "relecture. Le référent de certification de l'établissement publie une fois la relecture "
        "terminée (pix-server session publish, ou son espace).",
        "The invigilator code no longer publishes results: the session is finalised and goes to "
        "review. The school's certification lead publishes once the review is done (pix-server "
        "session publish, or their web space).",
    ),
    "account_sign_in_refused": (
        401,
        "Connexion refusée : {detail_fr}",
        "Sign-in refused: {detail_en}",
    ),
    "review_still_pending": (
        409,
        "Publication refusée : {count} certification(s) attendent encore la décision d'un "
        "relecteur : {names}.",
        "Publication refused: {count} certification(s) still await a reviewer's decision: {names}.",
    ),
    "review_candidate_not_found": (
        404,
        "Candidat {candidate} introuvable.",
        "Candidate {candidate} not found.",
    ),
    "review_not_open": (
        409,
        "La certification de {candidate} n'est pas en relecture : sa session doit être finalisée "
        "et non publiée, et l'épreuve terminée.",
        "{candidate}'s certification is not under review: its session must be finalised and not "
        "published, and the test done.",
    ),
    "review_invalid_decision": (
        422,
        "Décision refusée : {detail_fr}. Rien n'a été modifié.",
        "Decision refused: {detail_en}. Nothing was changed.",
    ),
    "review_role_required": (
        403,
        "Ce compte n'a pas le rôle {role} pour l'établissement {uai}.",
        "This account does not hold the {role} role for school {uai}.",
    ),
    "wrong_access_code": (
        403,
        "Code d'accès incorrect. Vérifiez le code affiché par le surveillant.",
        "Wrong access code. Check the code shown by the invigilator.",
    ),
    "unknown_configuration": (
        403,
        "Ce poste n'est pas autorisé par le serveur : sa configuration (clé {key}…, version "
        "{version}) n'est pas dans la liste des configurations acceptées. Appelez le "
        "surveillant. Service informatique : lancez pix-kiosk doctor sur ce poste pour lire sa "
        "clé de configuration, comparez-la à pix-server config-key list, puis autorisez-la "
        "(pix-server config-key allow) ou corrigez la configuration du poste.",
        "This PC is not allowed by the server: its configuration (key {key}…, version "
        "{version}) is not on the list of accepted configurations. Call the invigilator. IT: "
        "run pix-kiosk doctor on this PC to read its configuration key, compare it with "
        "pix-server config-key list, then allow it (pix-server config-key allow) or fix the "
        "PC's configuration.",
    ),
    "checkin_locked": (
        429,
        "Trop d'essais d'enregistrement (code d'accès ou candidat inconnu) depuis ce poste. "
        "Réessayez dans {minutes} min ou appelez le surveillant.",
        "Too many check-in attempts (access code or unknown candidate) from this device. Try "
        "again in {minutes} min or call the invigilator.",
    ),
    "candidate_not_found": (
        404,
        "Aucun candidat de cette session ne porte ce nom avec cette date de naissance. "
        "Vérifiez l'orthographe ou appelez le surveillant.",
        "No candidate of this session has this name and birth date. "
        "Check the spelling or call the invigilator.",
    ),
    "candidate_absent": (
        409,
        "Ce candidat a été déclaré absent. Appelez le surveillant.",
        "This candidate was marked absent. Call the invigilator.",
    ),
    "candidate_finished": (
        409,
        "Ce candidat a déjà terminé son épreuve.",
        "This candidate has already finished the test.",
    ),
    "candidate_on_other_device": (
        409,
        "Ce candidat est déjà enregistré ou a commencé son épreuve sur un autre poste. "
        "Appelez le surveillant : lui seul peut le changer de poste.",
        "This candidate is already checked in or started the test on another computer. Call "
        "the invigilator: only they can move the candidate.",
    ),
    "candidate_not_found_in_session": (
        404,
        "Candidat introuvable dans cette session.",
        "Candidate not found in this session.",
    ),
    "wrong_invigilator_code": (
        403,
        "Code surveillant incorrect ({left_fr} avant blocage).",
        "Wrong invigilator code ({left_en} before lockout).",
    ),
    "invigilator_locked": (
        429,
        "Code surveillant bloqué pour ce poste ou cette adresse après 5 échecs. Réessayez "
        "dans {minutes} min (ou depuis la console du surveillant).",
        "Invigilator code locked for this computer or address after 5 failures. Try again in "
        "{minutes} min (or from the invigilator's console).",
    ),
    "candidate_not_waiting": (
        409,
        "Le candidat n'attend pas d'autorisation (état : {status}).",
        "The candidate is not waiting for authorisation (status: {status}).",
    ),
    "exam_not_feasible": (
        409,
        "Autorisation impossible : {reason_fr} Prévenez le responsable de la certification.",
        "Cannot authorise: {reason_en} Tell the certification lead.",
    ),
    "not_authorised_yet": (
        409,
        "L'épreuve n'est pas encore autorisée par le surveillant.",
        "The test has not been authorised by the invigilator yet.",
    ),
    "exam_not_found": (404, "Épreuve introuvable.", "Exam not found."),
    "exam_not_running": (
        409,
        "L'épreuve n'est pas en cours (état : {status}).",
        "The test is not running (status: {status}).",
    ),
    "alert_not_found": (404, "Signalement introuvable.", "Alert not found."),
    "alert_already_resolved": (
        409,
        "Ce signalement a déjà été traité.",
        "This alert has already been handled.",
    ),
    "invalid_subcategory": (
        422,
        "Sous-catégorie inconnue : {detail}.",
        "Unknown subcategory: {detail}.",
    ),
    "invalid_category": (
        422,
        "Catégorie de signalement inconnue : {detail}.",
        "Unknown issue report category: {detail}.",
    ),
    "incident_not_found": (404, "Incident introuvable.", "Incident not found."),
    "entry_rejected": (
        422,
        "Entrée de journal refusée. {detail_fr}",
        "Journal entry refused. {detail}",
    ),
    "entry_conflict": (
        422,
        "Une autre entrée porte déjà le numéro {seq} de cette épreuve : refusée.",
        "Another entry already holds number {seq} of this exam: refused.",
    ),
    "entry_gap": (
        409,
        "Entrée {seq} reçue alors que la dernière connue est {head} : envoyez les entrées "
        "dans l'ordre.",
        "Entry {seq} received while the last known one is {head}: send entries in order.",
    ),
    "head_rejected": (
        422,
        "Engagement de tête de journal refusé. {detail_fr}",
        "Journal head commitment refused. {detail}",
    ),
    "head_conflict": (
        422,
        "La tête de journal annoncée (n° {seq}) contredit ce que ce poste a déjà envoyé pour "
        "cette épreuve (journal réécrit) : refusée, l'épreuve ira en revue.",
        "The journal head announced (no. {seq}) contradicts what this computer already sent "
        "for this exam (rewritten journal): refused, the exam goes to review.",
    ),
    "record_conflict": (
        422,
        "Un autre dossier a déjà été reçu pour cette épreuve : refusé.",
        "A different record was already received for this exam: refused.",
    ),
    "record_entries_missing": (
        409,
        "Le serveur n'a pas toutes les entrées du journal jusqu'à la tête de ce procès-verbal "
        "(il les a jusqu'à la n° {seq}) : envoyez le procès-verbal avec ses entrées.",
        "The server does not hold every journal entry up to this record's head (it has them "
        "up to no. {seq}): send the record with its entries.",
    ),
    "record_malformed": (
        422,
        "Dossier d'épreuve illisible : {detail}.",
        "Unreadable exam record: {detail}.",
    ),
    "lookup_throttled": (
        429,
        "Trop de codes de vérification inconnus depuis cette adresse : réessayez dans une minute.",
        "Too many unknown verification codes from this address: try again in a minute.",
    ),
    "certificate_not_found": (
        404,
        "Aucun certificat ne correspond à ce code de vérification.",
        "No certificate matches this verification code.",
    ),
}


class ApiError(BilingualError):
    """An expected failure answered as JSON with its HTTP status (and kept in the catalogue).

    `details` (optional) lists the individual problems, e.g. every bad line of a CSV file.
    """

    def __init__(self, code: str, details: list[dict[str, Any]] | None = None, **params: Any):
        status, fr, en = CATALOGUE[code]
        super().__init__(code, fr.format(**params), en.format(**params))
        self.status = status
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message_fr": self.fr, "message_en": self.en}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}
