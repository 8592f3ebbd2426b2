"""The API errors of the schools' routes, added to the one catalogue (server_stub/errors.py).

Kept here so that the schools' codes live beside the code that raises them; importing
`server_stub.schools` (every module of it imports this one) registers them.
"""

from server_stub.errors import CATALOGUE

SCHOOL_ERRORS: dict[str, tuple[int, str, str]] = {
    "organisation_not_found": (
        404,
        "Établissement inconnu : UAI {uai}.",
        "Unknown school: UAI {uai}.",
    ),
    "insufficient_scope": (
        403,
        "Ce jeton ne porte pas la portée « {scope} » qu'exige cette ressource.",
        "This token does not carry the “{scope}” scope this resource requires.",
    ),
    "invalid_token": (
        401,
        "Jeton d'accès invalide ou expiré : demandez-en un nouveau (POST /api/v1/oauth/token).",
        "Invalid or expired access token: ask for a new one (POST /api/v1/oauth/token).",
    ),
    "feed_throttled": (
        429,
        "Trop d'accès refusés depuis cette adresse : réessayez dans une minute.",
        "Too many refused accesses from this address: try again in a minute.",
    ),
    "invalid_search": (
        422,
        "Recherche invalide : donnez soit ine, soit organizationUai, lastName, firstName et "
        "birthdate (AAAA-MM-JJ), soit verificationCode.",
        "Invalid search: give either ine, or organizationUai, lastName, firstName and "
        "birthdate (YYYY-MM-DD), or verificationCode.",
    ),
    "certification_not_found": (
        404,
        "Aucune certification publiée ne correspond à cette recherche.",
        "No published certification matches this search.",
    ),
    "more_than_one_certification": (
        409,
        "Plusieurs élèves correspondent à cette recherche : précisez-la (INE).",
        "More than one student matches this search: narrow it down (INE).",
    ),
}

CATALOGUE.update(SCHOOL_ERRORS)
