"""The hot statements run on the database driver's own cursor, compiled once per shape.

Streamed entries and final records run a dozen statements each, hundreds of times a second at
the end of a session. SQLAlchemy's execution path costs about 55 µs a statement here, ten times
what SQLite takes to run one of these (an indexed lookup or a one-row insert). So a hot
statement is built once from the reflected tables (hot_statements.py), compiled once for the
dialect — the SQL text stays SQLAlchemy's, portable to PostgreSQL — and each run hands that text
and its parameters straight to the driver's cursor, inside the connection's transaction.

Rows are named tuples (attribute access, as SQLAlchemy's rows); values come as the driver gives
them (a BOOLEAN is 0 or 1 on SQLite: callers that want a bool say so).
"""

from collections import namedtuple
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Executable
from sqlalchemy.engine import Dialect

Parameters = Mapping[str, Any]


class Rows:
    """What a statement returned, fetched at once (the hot statements return a few rows)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def __iter__(self):
        return iter(self._rows)

    def all(self) -> list[tuple]:
        return self._rows

    def first(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalars(self) -> list[Any]:
        return [row[0] for row in self._rows]


class _Shape:
    """The statement compiled for one set of parameter names (an INSERT or an UPDATE names
    its columns by the parameters it runs with)."""

    def __init__(self, statement: Executable, dialect: Dialect, names: Sequence[str]) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(names))
        self.sql = str(compiled)
        self.literals = {k: v for k, v in compiled.params.items() if k not in names}
        # A positional paramstyle (SQLite's qmark) takes the values in the order of the text.
        self.order = compiled.positiontup if dialect.positional else None
        self.row_type: type | None = None

    def bind(self, parameters: Parameters) -> Sequence[Any] | Parameters:
        values = {**self.literals, **parameters} if self.literals else parameters
        if self.order is None:
            return values
        return tuple(values[name] for name in self.order)

    def rows(self, cursor) -> list[tuple]:
        if cursor.description is None:
            return []
        if self.row_type is None:
            self.row_type = namedtuple("Row", [column[0] for column in cursor.description])
        make = self.row_type._make
        return [make(row) for row in cursor.fetchall()]


class DriverStatement:
    """One hot statement of one database."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        self._statement = statement
        self._dialect = dialect
        self._shapes: dict[tuple[str, ...], _Shape] = {}

    def run(self, connection: Connection, parameters: Parameters | list[Parameters]) -> Rows:
        """Run in `connection`'s transaction; a list of parameters (each with the same names)
        runs it once for each."""
        many = isinstance(parameters, list)
        names = tuple(parameters[0] if many else parameters)
        shape = self._shapes.get(names)
        if shape is None:
            shape = self._shapes.setdefault(names, _Shape(self._statement, self._dialect, names))
        cursor = connection.connection.cursor()
        try:
            if many:
                cursor.executemany(shape.sql, [shape.bind(p) for p in parameters])
            else:
                cursor.execute(shape.sql, shape.bind(parameters))
            return Rows(shape.rows(cursor))
        finally:
            cursor.close()
