"""Schools, accounts and the audit log, through the `pix-server` commands on a real data
directory: `init`'s first administrator, `org`, `account`, Argon2 hashes, the sign-in throttle."""

import pytest
from sqlalchemy import select

from server_stub.commands import main as pix_server
from server_stub.datadir import DataDir
from server_stub.schools.accounts import AccountError, authenticate
from server_stub.schools.audit import entries
from tests.server.school_helpers import LYCEE_UAI, add_school, run_json, run_refused


@pytest.fixture
def db(data_dir):
    database = DataDir(data_dir).open_database()
    yield database
    database.close()


def test_init_creates_the_first_administrator_and_keeps_its_output(tmp_path, capsys):
    root = tmp_path / "fresh"
    assert pix_server(["init", "--data", str(root), "--no-calibrate"]) == 0
    out = capsys.readouterr().out
    assert "jeton admin / admin token" in out and "banque / bank" in out
    password = out.split("password (shown once): ")[1].split()[0]
    database = DataDir(root).open_database()
    try:
        account = authenticate(database, "admin", password, source="127.0.0.1", now=1000.0)
        assert account.is_admin and account.login == "admin"
        stored = database.tables["accounts"]
        with database.read() as connection:
            digest = connection.scalar(select(stored.c.password_hash))
        assert digest.startswith("$argon2id$") and password not in digest
    finally:
        database.close()


def test_init_takes_the_administrators_password_and_refuses_a_weak_one(tmp_path, capsys):
    root = tmp_path / "given"
    assert (
        pix_server(
            [
                "init",
                "--data",
                str(root),
                "--no-calibrate",
                "--admin-login",
                "Chef",
                "--admin-password",
                "un mot de passe long",
            ]
        )
        == 0
    )
    assert "shown once" not in capsys.readouterr().out
    database = DataDir(root).open_database()
    try:
        assert authenticate(
            database, "chef", "un mot de passe long", source="127.0.0.1", now=1.0
        ).is_admin
    finally:
        database.close()
    error = run_refused(
        capsys,
        "init",
        "--data",
        str(tmp_path / "weak"),
        "--no-calibrate",
        "--admin-password",
        "court",
    )
    assert "12" in error
    assert not (tmp_path / "weak").exists()


def test_schools_are_created_and_listed_with_the_default_one(data_dir, capsys):
    created = add_school(capsys, data_dir, uai="0750655e")
    assert created == {
        "uai": LYCEE_UAI,
        "name": "Lycée Jean Moulin",
        "kind": "lycee",
        "is_default": False,
    }
    listed = run_json(capsys, "org", "list", "--data", str(data_dir), "--json")
    assert [org["uai"] for org in listed] == ["0000000A", LYCEE_UAI]
    assert [org["is_default"] for org in listed] == [True, False]
    run_json(
        capsys,
        "org",
        "create",
        "--data",
        str(data_dir),
        "--uai",
        "0931234J",
        "--name",
        "Collège Rosa Parks",
        "--type",
        "College",
        "--default",
        "--json",
    )
    listed = run_json(capsys, "org", "list", "--data", str(data_dir), "--json")
    assert [org["uai"] for org in listed if org["is_default"]] == ["0931234J"]


@pytest.mark.parametrize(
    ("uai", "kind", "words"),
    [
        ("075065E", "lycée", ("sept chiffres", "seven digits")),
        ("0750655E", "école", ("type d'établissement", "school type")),
    ],
)
def test_a_bad_school_is_refused_in_both_languages(data_dir, capsys, uai, kind, words):
    error = run_refused(
        capsys,
        "org",
        "create",
        "--data",
        str(data_dir),
        "--uai",
        uai,
        "--name",
        "X",
        "--type",
        kind,
    )
    assert all(word in error for word in words)
    assert len(run_json(capsys, "org", "list", "--data", str(data_dir), "--json")) == 1


def test_a_school_is_created_once(data_dir, capsys):
    add_school(capsys, data_dir)
    error = run_refused(
        capsys,
        "org",
        "create",
        "--data",
        str(data_dir),
        "--uai",
        LYCEE_UAI,
        "--name",
        "Autre",
        "--type",
        "lycée",
    )
    assert "existe déjà" in error and "already exists" in error


def test_accounts_hold_roles_per_school_and_a_generated_password(data_dir, capsys, db):
    add_school(capsys, data_dir)
    created = run_json(
        capsys,
        "account",
        "create",
        "--data",
        str(data_dir),
        "--login",
        "CPE@lycee.fr",
        "--name",
        "Mme Lead",
        "--role",
        "lead",
        "--uai",
        LYCEE_UAI,
        "--role",
        "it",
        "--uai",
        LYCEE_UAI,
        "--json",
    )
    assert created["login"] == "cpe@lycee.fr" and not created["is_admin"]
    assert {(g["uai"], g["role"]) for g in created["roles"]} == {
        (LYCEE_UAI, "lead"),
        (LYCEE_UAI, "it"),
    }
    account = authenticate(db, "cpe@lycee.fr", created["password"], source="127.0.0.1", now=10.0)
    assert account.has_role("lead", LYCEE_UAI) and not account.has_role("reviewer", LYCEE_UAI)
    assert not account.has_role("lead", "0000000A")
    reviewer = run_json(
        capsys,
        "account",
        "create",
        "--data",
        str(data_dir),
        "--login",
        "jury",
        "--password",
        "relecture nationale",
        "--role",
        "reviewer",
        "--uai",
        "*",
        "--json",
    )
    assert "password" not in reviewer
    assert authenticate(db, "jury", "relecture nationale", source="127.0.0.1", now=11.0).has_role(
        "reviewer", "0931234J"
    )
    listed = run_json(capsys, "account", "list", "--data", str(data_dir), "--json")
    assert [a["login"] for a in listed] == ["admin", "cpe@lycee.fr", "jury"]
    assert all("password" not in a and "password_hash" not in a for a in listed)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--role", "lead", "--uai", "*"], ("national", "national")),
        (["--role", "lead"], ("--uai", "--uai")),
        (["--role", "lead", "--uai", "0999999Z"], ("Établissement inconnu", "Unknown school")),
        (["--password", "court"], ("trop court", "too short")),
    ],
)
def test_a_bad_account_is_refused_and_nothing_stored(data_dir, capsys, extra, words):
    error = run_refused(
        capsys, "account", "create", "--data", str(data_dir), "--login", "x", *extra
    )
    assert all(word in error for word in words)
    listed = run_json(capsys, "account", "list", "--data", str(data_dir), "--json")
    assert [a["login"] for a in listed] == ["admin"]


def _lead_account(data_dir, capsys) -> None:
    run_json(
        capsys,
        "account",
        "create",
        "--data",
        str(data_dir),
        "--login",
        "lead",
        "--password",
        "le bon mot de passe",
        "--json",
    )


def test_a_stranger_is_slowed_never_the_owner_and_every_attempt_is_audited(data_dir, capsys, db):
    _lead_account(data_dir, capsys)
    stranger, owner = "203.0.113.9", "192.0.2.7"
    for attempt in range(5):
        with pytest.raises(AccountError) as refused:
            authenticate(db, "lead", f"mauvais {attempt}", source=stranger, now=100.0 + attempt)
        assert refused.value.code == "sign_in_failed"
    # The stranger now waits (the right password unchecked), told how long in both languages.
    with pytest.raises(AccountError) as refused:
        authenticate(db, "lead", "le bon mot de passe", source=stranger, now=105.0)
    assert refused.value.code == "account_locked"
    assert "wait 1 s" in refused.value.en and "attendez 1 s" in refused.value.fr
    # The lead, from their own address, is not locked out by the stranger's guesses.
    assert authenticate(db, "lead", "le bon mot de passe", source=owner, now=105.5).login == "lead"
    # After the wait the stranger's attempt is checked again: a wrong one doubles the wait.
    with pytest.raises(AccountError) as refused:
        authenticate(db, "lead", "mauvais 5", source=stranger, now=106.5)
    assert refused.value.code == "sign_in_failed"
    with pytest.raises(AccountError) as refused:
        authenticate(db, "lead", "mauvais 6", source=stranger, now=109.0)
    assert refused.value.code == "account_locked" and "wait 2 s" in refused.value.en
    with pytest.raises(AccountError):
        authenticate(db, "nobody", "le bon mot de passe", source=stranger, now=2000.0)
    actions = [e["action"] for e in entries(db) if e["actor"] == "account:lead"]
    assert actions == ["sign_in.failed"] * 5 + [
        "sign_in.locked",
        "sign_in.ok",
        "sign_in.failed",
        "sign_in.locked",
    ]
    created = entries(db, action_prefix="account.create")
    assert [e["target"] for e in created] == ["admin", "lead"] and created[1]["actor"] == "cli"


def test_a_stranger_guessing_a_staff_password_all_day_gets_few_checked_attempts(
    data_dir, capsys, db
):
    """The brute-force bound, measured: one source trying a lead's login every 30 s for a day
    (an attempt while it must wait is refused unchecked, so trying more often gains nothing)."""
    _lead_account(data_dir, capsys)
    checked, tries = 0, 24 * 60 * 2
    for step in range(tries):
        try:
            authenticate(db, "lead", "devine", source="203.0.113.9", now=1000.0 + 30 * step)
        except AccountError as refused:
            assert refused.code in ("sign_in_failed", "account_locked")
            checked += refused.code == "sign_in_failed"
    assert checked <= 120, checked  # out of 2880 tries
    assert authenticate(db, "lead", "le bon mot de passe", source="192.0.2.7", now=90000.0)


def test_a_stranger_cannot_fill_the_audit_log(data_dir, capsys, db):
    """Attempts refused unchecked during a wait write nothing; failures on logins that do not
    exist are not logged either: what a stranger makes the log hold is bounded by the throttle."""
    _lead_account(data_dir, capsys)
    checked, tries = 0, 3600
    for step in range(tries):  # one try a second for an hour
        try:
            authenticate(db, "lead", "devine", source="203.0.113.9", now=1000.0 + step)
        except AccountError as refused:
            checked += refused.code == "sign_in_failed"
    for login in range(10):
        for _attempt in range(3):
            with pytest.raises(AccountError):
                authenticate(db, f"nobody{login}", "devine", source="203.0.113.9", now=5000.0)
    logged = [e["action"] for e in entries(db) if e["action"].startswith("sign_in.")]
    assert logged.count("sign_in.failed") == checked
    assert logged.count("sign_in.locked") == checked - 4  # each wait's start, once
    assert len(logged) <= 40, len(logged)  # out of 3630 tries
