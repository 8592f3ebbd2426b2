"""Member accounts of the schools and their roles, and signing in (slowed, never locked).

Roles (per school): `lead` plans sessions, imports students, publishes after review and exports;
`reviewer` (national or regional: uai `*`, or one school) decides on pending certifications; `it`
makes enrolment tokens, manages devices and configuration keys; `teacher` opens practice
campaigns for classes and follows their results (docs/campaigns.md). The set grows by adding a
name to ROLES. An administrator (`is_admin`) manages schools, accounts and API clients.
"""

from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, select

from engine.canonical import BilingualError
from server_stub import codes, sign_in_throttle
from server_stub.db.database import Database
from server_stub.schools import audit
from server_stub.schools.orgs import organisation
from server_stub.schools.passwords import check_strength, hash_secret, verify_secret

ROLES = ("lead", "reviewer", "it", "teacher")
ALL_SCHOOLS = "*"


class AccountError(BilingualError):
    """An account that cannot be created, or a sign-in refused."""


@dataclass(frozen=True)
class Account:
    account_id: str
    login: str
    display_name: str
    is_admin: bool
    roles: list[dict[str, str]] = field(default_factory=list)  # [{"uai", "role"}]

    def to_dict(self) -> dict:
        return asdict(self)

    def has_role(self, role: str, uai: str) -> bool:
        return self.is_admin or any(
            grant["role"] == role and grant["uai"] in (uai, ALL_SCHOOLS) for grant in self.roles
        )


def create_account(
    db: Database,
    *,
    login: str,
    display_name: str,
    password: str,
    roles: list[tuple[str, str]],
    is_admin: bool,
    now: float,
    actor: str,
) -> Account:
    """A new account with its roles [(uai or `*`, role)]; the password is stored hashed."""
    login = normalise_login(login)
    check_strength(password)
    for uai, role in roles:
        _check_role(role, uai)
    accounts, memberships = db.tables["accounts"], db.tables["memberships"]
    account_id = codes.identifier("acct")
    with db.write() as connection:
        if connection.scalar(select(accounts.c.login).where(accounts.c.login == login)):
            raise AccountError(
                "account_exists",
                f"l'identifiant {login} est déjà pris.",
                f"login {login} is already taken.",
            )
        for uai, _role in roles:
            if uai != ALL_SCHOOLS:
                organisation(connection, db, uai)
        connection.execute(
            accounts.insert().values(
                account_id=account_id,
                login=login,
                display_name=display_name.strip() or login,
                password_hash=hash_secret(password),
                is_admin=is_admin,
                created_at=now,
            )
        )
        for uai, role in roles:
            connection.execute(
                memberships.insert().values(
                    account_id=account_id, uai=uai.upper(), role=role, created_at=now
                )
            )
        audit.record(
            connection,
            db,
            at=now,
            actor=actor,
            action="account.create",
            target=login,
            is_admin=is_admin,
            roles=[{"uai": uai.upper(), "role": role} for uai, role in roles],
        )
    return Account(
        account_id,
        login,
        display_name.strip() or login,
        is_admin,
        [{"uai": uai.upper(), "role": role} for uai, role in roles],
    )


def normalise_login(login: str) -> str:
    """The login as stored (lower case), or AccountError if empty or holding a space."""
    login = login.strip().casefold()
    if not login or any(char.isspace() for char in login):
        raise AccountError(
            "invalid_login",
            "identifiant vide ou contenant des espaces.",
            "login empty or containing spaces.",
        )
    return login


def list_accounts(db: Database) -> list[Account]:
    with db.read() as connection:
        rows = connection.execute(
            select(db.tables["accounts"]).order_by(db.tables["accounts"].c.login)
        ).all()
        return [_account(connection, db, row) for row in rows]


def authenticate(db: Database, login: str, password: str, *, source: str, now: float) -> Account:
    """The account if the password is right; AccountError otherwise.

    Wrong attempts slow down the source address that makes them on this login
    (sign_in_throttle.py): while it must wait, its attempts are refused unchecked
    (`account_locked`, with the seconds left), and neither written nor logged. The account
    itself is never locked, so a stranger cannot keep a lead or an invigilator out from
    another address. The audit log has every checked attempt on an existing account and the
    start of each wait, so the throttle bounds what a stranger can make it write; the password
    is checked (Argon2) outside the write transaction.
    """
    login = login.strip().casefold()
    accounts = db.tables["accounts"]
    actor = f"account:{login}"
    with db.read() as connection:
        wait = sign_in_throttle.seconds_to_wait(
            connection, db, sign_in_throttle.STAFF, source, login, now
        )
        row = connection.execute(select(accounts).where(accounts.c.login == login)).first()
    if wait:
        raise _throttled(wait)
    right = verify_secret(row.password_hash if _usable(row) else None, password)
    with db.write() as connection:
        if right:
            sign_in_throttle.clear(
                connection, db, sign_in_throttle.STAFF, login=login, source=source
            )
            audit.record(connection, db, at=now, actor=actor, action="sign_in.ok")
            return _account(connection, db, row)
        if row is not None:
            audit.record(connection, db, at=now, actor=actor, action="sign_in.failed")
        started = sign_in_throttle.record_failure(
            connection, db, sign_in_throttle.STAFF, source, login, now
        )
        if started and row is not None:
            audit.record(connection, db, at=now, actor=actor, action="sign_in.locked")
    raise AccountError(
        "sign_in_failed",
        "identifiant ou mot de passe incorrect.",
        "wrong login or password.",
    )


def _usable(row) -> bool:
    return row is not None and row.disabled_at is None


def _throttled(seconds: int) -> AccountError:
    return AccountError(
        "account_locked",
        f"trop d'essais incorrects depuis cette adresse : attendez {seconds} s avant de réessayer.",
        f"too many wrong attempts from this address: wait {seconds} s before trying again.",
    )


def _check_role(role: str, uai: str) -> None:
    if role not in ROLES:
        raise AccountError(
            "invalid_role",
            f"rôle « {role} » inconnu : {', '.join(ROLES)}.",
            f"unknown role “{role}”: {', '.join(ROLES)}.",
        )
    if uai == ALL_SCHOOLS and role != "reviewer":
        raise AccountError(
            "invalid_role",
            "seul un relecteur (reviewer) peut être national (--uai '*').",
            "only a reviewer can be national (--uai '*').",
        )


def _account(connection: Connection, db: Database, row) -> Account:
    memberships = db.tables["memberships"]
    roles = [
        {"uai": grant.uai, "role": grant.role}
        for grant in connection.execute(
            select(memberships)
            .where(memberships.c.account_id == row.account_id)
            .order_by(memberships.c.uai, memberships.c.role)
        )
    ]
    return Account(row.account_id, row.login, row.display_name, bool(row.is_admin), roles)


def account_by_login(db: Database, login: str) -> Account:
    """The enabled account with this login, or AccountError (a command naming its author)."""
    accounts = db.tables["accounts"]
    with db.read() as connection:
        row = connection.execute(
            select(accounts).where(accounts.c.login == login.strip().casefold())
        ).first()
        if not _usable(row):
            raise AccountError(
                "unknown_account",
                f"aucun compte actif « {login} ».",
                f"no active account “{login}”.",
            )
        return _account(connection, db, row)
