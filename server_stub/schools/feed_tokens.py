"""The feeds' bearer tokens: JWTs (RFC 7519) signed by the server's Ed25519 key (EdDSA).

PyJWT signs and checks them; the server needs no second key, and anyone holding the server's
public key (GET /api/v1/keys) can check a token offline. Claims: `iss` and `aud` this server's
feeds, `sub` the client id, `scope`, `iat`, `exp` (one hour), `jti`. Member accounts signing
in to the API get the same kind of token for another audience (`ACCOUNT_AUDIENCE`, `sub` the
login, scope `account`, 15 minutes), so a feed token never opens the review routes nor the
reverse.
"""

import secrets
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ISSUER = "pix-server"
AUDIENCE = "pix-server-feeds"
LIFETIME_S = 3600
ALGORITHM = "EdDSA"
CLOCK_SKEW_S = 60
ACCOUNT_AUDIENCE = "pix-server-accounts"
ACCOUNT_LIFETIME_S = 15 * 60


def issue_token(
    key: Ed25519PrivateKey,
    *,
    client_id: str,
    scope: str,
    now: float,
    audience: str = AUDIENCE,
    lifetime_s: int = LIFETIME_S,
    bound_to: dict[str, Any] | None = None,
) -> str:
    """A signed bearer token; `bound_to`: claims the holder's current state must still match
    when the token is used (a student's credentials' version)."""
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "sub": client_id,
        "scope": scope,
        "iat": int(now),
        "exp": int(now) + lifetime_s,
        "jti": secrets.token_hex(8),
        **(bound_to or {}),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def token_claims(
    public_key: Ed25519PublicKey, token: str, *, now: float, audience: str = AUDIENCE
) -> dict | None:
    """The claims of a valid token (signature, issuer, audience, expiry on the server's clock),
    else None."""
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=ISSUER,
            # Times are checked below on the server's clock, the one that issued the token.
            options={
                "require": ["exp", "iat", "sub", "scope"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.PyJWTError:
        return None
    return claims if claims["iat"] <= now + CLOCK_SKEW_S and claims["exp"] > now else None
