"""The tables declared in code (server_stub/db/tables.py) are the tables the migrations build:
the same names, columns, types, nullability, keys and indexes — on SQLite, and on PostgreSQL when
PIX_TEST_POSTGRES_URL names a server to test against."""

import os
import secrets

import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    Integer,
    String,
    Table,
    create_engine,
    inspect,
    make_url,
    text,
)

from server_stub.db.database import Database
from server_stub.db.tables import metadata

POSTGRES_URL = os.environ.get("PIX_TEST_POSTGRES_URL")


def _kind(column_type) -> str:
    """The type as the schema means it, whatever the dialect reflects it as."""
    for generic, name in (
        (Boolean, "boolean"),
        (BigInteger, "bigint"),
        (Integer, "integer"),
        (Float, "double"),
        (String, "text"),
    ):
        if isinstance(column_type, generic):
            return name
    return repr(column_type)


def _declared(table: Table) -> dict:
    primary_key = [column.name for column in table.primary_key.columns]
    return {
        "columns": [
            (column.name, _kind(column.type), column.nullable and not column.primary_key)
            for column in table.columns
        ],
        "primary_key": primary_key,
        "foreign_keys": sorted(
            (
                tuple(element.parent.name for element in fk.elements),
                fk.elements[0].column.table.name,
                tuple(element.column.name for element in fk.elements),
            )
            for fk in table.foreign_key_constraints
        ),
        "unique": sorted(
            tuple(column.name for column in constraint.columns)
            for constraint in table.constraints
            if constraint.__class__.__name__ == "UniqueConstraint"
        ),
        "indexes": sorted(
            (index.name, tuple(column.name for column in index.columns), bool(index.unique))
            for index in table.indexes
        ),
    }


def _migrated(inspector, name: str) -> dict:
    primary_key = inspector.get_pk_constraint(name)["constrained_columns"]
    return {
        "columns": [
            # SQLite lets a non-integer primary key hold NULL; the schema means NOT NULL.
            (
                column["name"],
                _kind(column["type"]),
                column["nullable"] and column["name"] not in primary_key,
            )
            for column in inspector.get_columns(name)
        ],
        "primary_key": primary_key,
        "foreign_keys": sorted(
            (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
            for fk in inspector.get_foreign_keys(name)
        ),
        "unique": sorted(
            tuple(constraint["column_names"])
            for constraint in inspector.get_unique_constraints(name)
        ),
        "indexes": sorted(
            (index["name"], tuple(index["column_names"]), bool(index["unique"]))
            for index in inspector.get_indexes(name)
            if "duplicates_constraint" not in index
        ),
    }


def _assert_same_schema(engine) -> None:
    inspector = inspect(engine)
    assert sorted(inspector.get_table_names()) == sorted(metadata.tables)
    for name, table in metadata.tables.items():
        assert _declared(table) == _migrated(inspector, name), name


def test_declared_tables_match_the_migrated_sqlite_schema(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        _assert_same_schema(db.engine)
    finally:
        db.close()


@pytest.mark.skipif(POSTGRES_URL is None, reason="PIX_TEST_POSTGRES_URL is not set")
def test_declared_tables_match_the_migrated_postgresql_schema():
    schema = f"pix_tables_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    db = Database(url.render_as_string(hide_password=False))
    try:
        _assert_same_schema(db.engine)
    finally:
        db.close()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
