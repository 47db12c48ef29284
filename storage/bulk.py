"""Bulk inserts and updates: many rows in one call, portable, and fast on SQLite.

SQLAlchemy's executemany spends most of a large insert building each row's parameters
(about 0.1 ms a row: a first ingest of 30,000 items spent more time there than in SQLite).
On SQLite the rows go to the driver directly instead: the same SQL, the same column
types' own bind conversions (so a datetime is stored exactly as SQLAlchemy stores it), the
caller's own connection and transaction (a Core connection, or a session's), and a driver
error still comes out as SQLAlchemy's (which `Database.session` and `Database.connection`
turn into StorageError). PostgreSQL keeps the SQLAlchemy path (psycopg batches well).
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Delete, Table, Update
from sqlalchemy.exc import DBAPIError

from storage.db import Executor, connection_of


def insert(
    executor: Executor,
    table: Table,
    rows: list[dict[str, Any]],
    *returning: Any,
    ignore_conflicts: bool = False,
) -> list[tuple[Any, ...]]:
    """INSERT the rows (every row has the same keys; columns left out take their scalar
    defaults). `ignore_conflicts`: ON CONFLICT DO NOTHING. With `returning` columns (ones
    the rows give, or the integer primary key), answers those columns of the rows actually
    inserted, in order."""
    if not rows:
        return []
    unknown = set(rows[0]) - set(table.c.keys())
    if unknown:
        raise ValueError(f"bulk insert into {table.name}: unknown columns {sorted(unknown)}")
    connection = connection_of(executor)
    if connection.dialect.name == "sqlite":
        columns = [_column(table, found) for found in returning]
        return _sqlite(connection, table, rows, columns, ignore_conflicts)
    from sqlalchemy.dialects import postgresql

    statement = postgresql.insert(table)
    if ignore_conflicts:
        statement = statement.on_conflict_do_nothing()
    if returning:
        return [tuple(row) for row in connection.execute(statement.returning(*returning), rows)]
    connection.execute(statement, rows)
    return []


_RETURNING_CHUNK = 500  # rows a statement when the inserted rows are returned


def _variable_limit(connection: sqlite3.Connection) -> int:
    """How many ? parameters one statement of this SQLite may carry."""
    return connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def _returning_sql(
    sql: str, table: Table, returning: Sequence[Column[Any]], dialect: Any
) -> tuple[str, str]:
    """The single-row INSERT `sql` split around its VALUES group, with a RETURNING clause of
    `returning` appended: (text up to VALUES, text after the groups)."""
    head, _values, rest = sql.partition(" VALUES (")
    if not _values:
        raise ValueError(f"bulk insert into {table.name}: unexpected SQL {sql[:80]!r}")
    tail = rest[rest.index(")") + 1 :]
    quote = dialect.identifier_preparer.quote
    return f"{head} VALUES ", f"{tail} RETURNING {', '.join(quote(c.name) for c in returning)}"


def _row_values(
    plan: Sequence[tuple[str | None, Callable[[Any], Any] | None, Any]],
) -> Callable[[dict[str, Any]], Sequence[Any]]:
    """A function from a row to its parameters in the statement's order, per `plan`: (the
    row's key and its conversion) or (None, None, a constant). One C-level itemgetter picks
    the row's values, only the columns that need it are converted, and the constants are
    put in their places (a first ingest converts about a million values: a Python step per
    value, as a comprehension over the plan took, was most of a bulk insert's own time)."""
    names = [name for name, _convert, _value in plan if name is not None]
    # itemgetter of one key answers the value itself, not a 1-tuple
    pick: Callable[[dict[str, Any]], Sequence[Any]]
    if len(names) > 1:
        pick = operator.itemgetter(*names)
    elif names:
        pick = lambda row: (row[names[0]],)  # noqa: E731
    else:
        pick = lambda row: ()  # noqa: E731
    # the conversions by place among the picked values; the constants by place in the
    # statement (in order, so each insert lands where the statement wants it)
    converts = [
        (i, convert)
        for i, (_name, convert, _value) in enumerate(p for p in plan if p[0] is not None)
        if convert
    ]
    constants = [(i, value) for i, (name, _convert, value) in enumerate(plan) if name is None]
    if not converts and not constants:
        return pick

    def values(row: dict[str, Any]) -> list[Any]:
        found = list(pick(row))
        for i, convert in converts:
            found[i] = convert(found[i])
        for i, value in constants:
            found.insert(i, value)
        return found

    return values


_UNSEEN = object()


def _per_moment(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert` for datetimes, remembered per value: a batch shares a few moments ("now")
    across thousands of rows. Remembered by wall-clock time and UTC offset, not by equality:
    aware datetimes of one instant in two zones (or either side of a DST fold) are equal, yet
    SQLite stores each one's own wall-clock time. The value converted last is kept as it is
    too: the rows of a batch hand in the very same "now" object row after row, and the same
    object always converts the same (a datetime cannot change)."""
    seen: dict[tuple[Any, Any], Any] = {}
    last: Any = _UNSEEN
    last_converted: Any = None

    def converted(value: Any) -> Any:
        nonlocal last, last_converted
        if value is last:
            return last_converted
        if not isinstance(value, datetime):
            return convert(value)
        key = (value.replace(tzinfo=None), value.utcoffset())
        found = seen.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = seen[key] = convert(value)
        last, last_converted = value, found
        return found

    return converted


def _is_datetime(column: Column[Any]) -> bool:
    return isinstance(getattr(column.type, "impl", column.type), DateTime)


def _column(table: Table, found: Any) -> Column[Any]:
    """A table column from a column or an ORM attribute (`Item.id`)."""
    column: Column[Any] = table.c[found.key]
    return column


def _sqlite(
    connection: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    returning: Sequence[Column[Any]],
    ignore_conflicts: bool,
) -> list[tuple[Any, ...]]:
    from sqlalchemy.dialects import sqlite

    dialect = connection.dialect
    statement = sqlite.insert(table)
    if ignore_conflicts:
        statement = statement.on_conflict_do_nothing()
    # the SQL SQLAlchemy itself would run: the rows' columns plus those with a default
    compiled = statement.compile(dialect=dialect, column_keys=list(rows[0]))
    sql = str(compiled)
    # per parameter, in the statement's order: the row's value (converted) or the default
    plan: list[tuple[str | None, Callable[[Any], Any] | None, Any]] = []
    for name in compiled.positiontup or ():
        convert: Callable[[Any], Any] | None
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None and _is_datetime(table.c[name]):
            convert = _per_moment(convert)
        if name in rows[0]:
            plan.append((name, convert, None))
            continue
        default = table.c[name].default
        if default is None or not default.is_scalar:
            # a callable default the rows do not give: only SQLAlchemy can compute it
            raise ValueError(f"bulk insert into {table.name} must give {name}")
        value = default.arg  # type: ignore[attr-defined]
        plan.append((None, None, convert(value) if convert else value))

    values = _row_values(plan)
    with _driver_cursor(connection, sql) as (driver, cursor):
        if not returning:
            cursor.executemany(sql, map(values, rows))
            return []
        # RETURNING needs one statement per chunk of rows (executemany cannot return rows):
        # many VALUES groups at once, rather than a statement a row.
        width = len(plan)
        chunk = max(1, min(_RETURNING_CHUNK, _variable_limit(driver) // width))
        head, tail = _returning_sql(sql, table, returning, dialect)
        group = "(" + ", ".join("?" * width) + ")"
        convert_back = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in returning
        ]
        inserted: list[tuple[Any, ...]] = []
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            flat = [value for row in part for value in values(row)]
            cursor.execute(f"{head}{', '.join([group] * len(part))}{tail}", flat)
            inserted.extend(
                tuple(
                    convert(value) if convert else value
                    for convert, value in zip(convert_back, found, strict=True)
                )
                for found in cursor.fetchall()
            )
        return inserted


@contextmanager
def _driver_cursor(
    connection: Connection, sql: str
) -> Iterator[tuple[sqlite3.Connection, sqlite3.Cursor]]:
    """The SQLite connection under `connection` (in its transaction) and a cursor on it; the
    driver's errors are raised as SQLAlchemy's, as the ordinary path raises them."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    cursor = driver.cursor()
    try:
        yield driver, cursor
    except sqlite3.Error as exc:
        raise DBAPIError.instance(sql, None, exc, sqlite3.Error) from exc
    finally:
        cursor.close()


def execute_many(
    executor: Executor, statement: Update | Delete, rows: list[dict[str, Any]]
) -> None:
    """`connection.execute(statement, rows)`: one statement (an UPDATE or DELETE)
    for many rows, each giving its bound parameters by name. On SQLite the rows go to the
    driver's executemany directly, converted by each parameter's own type as SQLAlchemy
    converts them (a poll writes 1,000 feeds' states: SQLAlchemy's per-row parameter work
    was most of that write's CPU)."""
    if not rows:
        return
    connection = connection_of(executor)
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(statement, rows)
        return
    compiled = statement.compile(dialect=dialect)
    binds = compiled.bind_names  # each bound parameter and its name in the SQL
    # SQLAlchemy's own conversion per name (a name given several times converts as the one
    # SQLAlchemy picks); a version without it runs the statement the ordinary way
    converts = getattr(compiled, "_bind_processors", None)
    if converts is None or compiled.literal_execute_params or any(b.expanding for b in binds):
        connection.execute(statement, rows)
        return
    constants = {name: bind.effective_value for bind, name in binds.items()}
    plan: list[tuple[str | None, Callable[[Any], Any] | None, Any]] = []
    for name in compiled.positiontup or ():
        convert = converts.get(name)
        if name not in rows[0]:  # a value of the statement itself (`consecutive_failures=0`)
            value = constants[name]
            plan.append((None, None, convert(value) if convert else value))
        elif convert is not None and isinstance(rows[0][name], datetime):
            plan.append((name, _per_moment(convert), None))
        else:
            plan.append((name, convert, None))
    values = _row_values(plan)
    sql = str(compiled)
    with _driver_cursor(connection, sql) as (_driver, cursor):
        cursor.executemany(sql, map(values, rows))
