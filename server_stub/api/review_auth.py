"""Member accounts on the API: a bearer token from `POST /api/v1/accounts/sign-in`, then the
account's roles checked per route (a reviewer decides, a lead publishes).

The token is a short-lived JWT (schools/feed_tokens.py, the accounts' audience): the account is
read again at every request, so a disabled account or a withdrawn role stops at once.
"""

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server_stub.api.auth import server_context
from server_stub.context import ServerContext
from server_stub.errors import ApiError
from server_stub.schools.accounts import Account, AccountError, account_by_login
from server_stub.schools.feed_tokens import ACCOUNT_AUDIENCE, token_claims

account_bearer = HTTPBearer(
    scheme_name="AccountToken",
    description="The token returned by POST /api/v1/accounts/sign-in (15 minutes)",
    auto_error=False,
)


def account_claims(ctx: ServerContext, token: str) -> dict | None:
    """The claims of a valid account token, else None."""
    claims = token_claims(ctx.server_public_key, token, now=ctx.now(), audience=ACCOUNT_AUDIENCE)
    return claims if claims is not None and claims.get("scope") == "account" else None


def current_account(
    credentials: HTTPAuthorizationCredentials | None = Depends(account_bearer),
    ctx: ServerContext = Depends(server_context),
) -> Account:
    """The signed-in account, or 401."""
    claims = None if credentials is None else account_claims(ctx, credentials.credentials)
    if claims is None:
        raise ApiError("unauthenticated")
    try:
        return account_by_login(ctx.db, claims["sub"])
    except AccountError:
        raise ApiError("unauthenticated") from None


def require_role(account: Account, role: str, uai: str) -> None:
    """403 unless the account holds `role` for the school `uai` (an administrator does)."""
    if not account.has_role(role, uai):
        raise ApiError("review_role_required", role=role, uai=uai)
