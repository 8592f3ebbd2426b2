"""The feeds' bearer tokens: JWTs (RFC 7519) signed by the server's Ed25519 key (EdDSA).

PyJWT signs and checks them; the server needs no second key, and anyone holding the server's
public key (GET /api/v1/keys) can check a token offline. Claims: `iss` and `aud` this server's
feeds, `sub` the client id, `scope`, `iat`, `exp` (one hour), `jti`.
"""

import secrets

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ISSUER = "pix-server"
AUDIENCE = "pix-server-feeds"
LIFETIME_S = 3600
ALGORITHM = "EdDSA"
CLOCK_SKEW_S = 60


def issue_token(key: Ed25519PrivateKey, *, client_id: str, scope: str, now: float) -> str:
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": client_id,
        "scope": scope,
        "iat": int(now),
        "exp": int(now) + LIFETIME_S,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def token_claims(public_key: Ed25519PublicKey, token: str, *, now: float) -> dict | None:
    """The claims of a valid token (signature, issuer, audience, expiry on the server's clock),
    else None."""
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
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
