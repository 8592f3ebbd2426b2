"""Throwaway PostgreSQL databases for the tests, on the server PIX_TEST_POSTGRES_URL names
(scripts/throwaway-postgres.sh starts one): a database per test, copied from a template that
`pix-server init` filled once per test process, and dropped after the test."""

import os
import secrets

from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("PIX_TEST_POSTGRES_URL", "")


def database_url(name: str) -> str:
    """The SQLAlchemy URL of database `name` on the test server."""
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def fresh_name(prefix: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{secrets.token_hex(4)}"


def create_database(name: str, template: str | None = None) -> str:
    """Create database `name` (a copy of `template` when given); return its URL."""
    suffix = f" TEMPLATE {_quoted(template)} STRATEGY FILE_COPY" if template else ""
    _administer(f"CREATE DATABASE {_quoted(name)}{suffix}")
    return database_url(name)


def drop_database(name: str) -> None:
    """Drop database `name`, ending whatever connections a test left open on it."""
    _administer(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


def _administer(statement: str) -> None:
    import psycopg  # only when PostgreSQL is asked for

    url = make_url(POSTGRES_URL)
    with psycopg.connect(
        dbname=url.database,
        user=url.username,
        password=url.password,
        host=url.host or url.query.get("host"),
        port=url.port,
        autocommit=True,
    ) as connection:
        connection.execute(statement)


def _quoted(name: str) -> str:
    assert name.replace("_", "").isalnum(), name
    return f'"{name}"'
