"""What the core says when it will not do what the window asked (French and English)."""

from kiosk.core.protocol import CoreRefusal

NOT_NOW = CoreRefusal(
    "not_now",
    "Cette action n'est pas possible à cette étape de l'examen.",
    "This action is not possible at this step of the exam.",
)
NOT_THE_ITEM_SHOWN = CoreRefusal(
    "not_the_item_shown",
    "Seule la question affichée peut être consultée ou répondue.",
    "Only the question on screen can be read or answered.",
)
UNKNOWN_REQUEST = CoreRefusal(
    "unknown_request",
    "Demande inconnue du cœur d'examen : refusée.",
    "Request unknown to the exam core: refused.",
)
QUIT_OFFLINE = CoreRefusal(
    "quit_offline",
    "Le serveur d'examen est injoignable : le code surveillant ne peut pas être vérifié, le "
    "poste reste donc ouvert. Vérifiez le réseau puis réessayez.",
    "The exam server cannot be reached: the invigilator code cannot be checked, so the kiosk "
    "stays open. Check the network, then try again.",
)
PEER_REFUSED = CoreRefusal(
    "peer_refused",
    "Ce compte n'est pas autorisé à parler au cœur d'examen.",
    "This account is not allowed to talk to the exam core.",
)


def bad_request(detail: str) -> CoreRefusal:
    return CoreRefusal(
        "bad_request",
        f"Demande mal formée : {detail}.",
        f"Malformed request: {detail}.",
    )


def bad_response(detail: str) -> CoreRefusal:
    return CoreRefusal(
        "bad_response",
        f"La réponse ne correspond pas à la question : {detail}.",
        f"The response does not fit the question: {detail}.",
    )
