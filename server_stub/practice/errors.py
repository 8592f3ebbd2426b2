"""The practice side's expected failures, in the server's one error catalogue.

`PracticeError(code, **params)` is an ApiError: commands print its two messages, routes answer
it with its status, pages show it in both languages.
"""

from server_stub.errors import CATALOGUE, ApiError

PRACTICE_ERRORS: dict[str, tuple[int, str, str]] = {
    "campaign_not_found": (
        404,
        "Campagne inconnue : vérifiez le code {campaign}.",
        "Unknown campaign: check the code {campaign}.",
    ),
    "campaign_invalid": (
        422,
        "Campagne refusée : {detail_fr}",
        "Campaign refused: {detail_en}",
    ),
    "campaign_not_joined": (
        409,
        "Entrez d'abord le code de la campagne {campaign}.",
        "Enter the campaign code {campaign} first.",
    ),
    "campaign_not_open": (
        409,
        "Cette campagne est {status_fr} : elle n'accepte plus de participation.",
        "This campaign is {status_en}: it no longer takes part.",
    ),
    "campaign_not_for_student": (
        403,
        "Cette campagne n'est pas ouverte à votre classe.",
        "This campaign is not open to your class.",
    ),
    "campaign_transition_refused": (
        409,
        "Impossible de passer la campagne de « {status_fr} » à « {target_fr} ».",
        "The campaign cannot go from “{status_en}” to “{target_en}”.",
    ),
    "parcours_not_found": (
        404,
        "Parcours inconnu : {parcours}. Voir pix-server parcours list.",
        "Unknown parcours: {parcours}. See pix-server parcours list.",
    ),
    "class_not_found": (
        404,
        "Aucun élève dans la classe {division} de l'établissement {uai}.",
        "No student in class {division} of school {uai}.",
    ),
    "practice_sign_in_refused": (
        401,
        "Identifiant, code ou mot de passe incorrect.",
        "Wrong login, code or password.",
    ),
    "practice_sign_in_throttled": (
        429,
        "Trop d'essais incorrects depuis cet appareil : attendez {seconds} s avant de "
        "réessayer, ou demandez un nouveau code à votre professeur.",
        "Too many wrong attempts from this device: wait {seconds} s before trying again, "
        "or ask your teacher for a new code.",
    ),
    "practice_password_required": (
        409,
        "Code accepté : choisissez maintenant votre mot de passe (le code ne servira plus).",
        "Code accepted: now choose your password (the code will no longer work).",
    ),
    "practice_password_invalid": (
        422,
        "Mot de passe refusé : {detail_fr}",
        "Password refused: {detail_en}",
    ),
    "practice_student_unknown": (
        404,
        "Élève inconnu dans cet établissement, ou sans compte d'entraînement.",
        "Unknown student in this school, or without a practice account.",
    ),
    "practice_item_mismatch": (
        409,
        "Cette question n'est plus celle à l'écran : la page a été rechargée ailleurs.",
        "This question is no longer the one on screen: the page was reloaded elsewhere.",
    ),
    "practice_response_invalid": (
        422,
        "Réponse illisible pour cette question : {detail_fr}",
        "Unreadable answer for this question: {detail_en}",
    ),
    "parcours_finished": (
        409,
        "Parcours terminé : il n'y a plus de question.",
        "Parcours finished: there is no question left.",
    ),
    "sending_refused": (
        409,
        "Envoi impossible : {detail_fr}",
        "Cannot send: {detail_en}",
    ),
    "rehearsal_local_only": (
        403,
        "Les élèves-robots ne se connectent que depuis le serveur lui-même (adresse locale).",
        "Robot students sign in only from the server itself (a loopback address).",
    ),
}

CATALOGUE.update(PRACTICE_ERRORS)


class PracticeError(ApiError):
    """An expected failure of the practice side (code from PRACTICE_ERRORS)."""
