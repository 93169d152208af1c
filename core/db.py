"""Engine, schema creation, the shared data version, and every dialect difference.

Everything that differs between SQLite and PostgreSQL lives here: date parts and month
arithmetic, upserts, case-insensitive matching and bulk loading. The rest of ``core`` builds
portable SQLAlchemy expressions and calls these helpers.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import (
    Engine,
    Integer,
    Table,
    create_engine,
    event,
    exists,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from core import config, koder
from core.models import PERSON_NORMALISERAD, Base, Enhet, Installning, Matning, MatningHarledd, OmgangHarledd

_ENGINES: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: :func:`core.config.databas_url`), one per URL.

    SQLite gets foreign keys on, a busy timeout and WAL journaling so that the app and a
    backup or import can run at the same time.
    """
    url = url or config.databas_url()
    eng = _ENGINES.get(url)
    if eng is not None:
        return eng
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if u.database and u.database != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    else:
        eng = create_engine(url, pool_pre_ping=True)
    _ENGINES[url] = eng
    return eng


def dispose_engines() -> None:
    """Close every pooled connection (tests, and before a restore)."""
    for eng in _ENGINES.values():
        eng.dispose()
    _ENGINES.clear()


def skapa_schema(engine: Engine) -> None:
    """Create the tables that do not exist yet and seed the default units if none exist.

    A database created before the derived tables existed (matning rows, but no derived rows)
    gets them computed here (``core.harledning.bygg_om``), and its person table the index of
    the importer's near-duplicate check.
    """
    from core import harledning

    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(CreateIndex(PERSON_NORMALISERAD, if_not_exists=True))  # a person table from before it
        if _finns_rader(conn, Matning) and not (
            _finns_rader(conn, MatningHarledd) and _finns_rader(conn, OmgangHarledd)
        ):
            harledning.bygg_om(conn)
        if conn.execute(select(func.count()).select_from(Enhet)).scalar_one() == 0:
            bulk_insert(
                conn,
                Enhet.__table__,
                [{"enhet": e, "namn": n, "typ": t} for e, n, t in koder.STANDARDENHETER],
            )
        if conn.execute(select(Installning.varde).where(Installning.nyckel == "dataversion")).first() is None:
            conn.execute(insert(Installning).values(nyckel="dataversion", varde=uuid.uuid4().hex))


def _finns_rader(conn: Connection, modell) -> bool:
    return conn.execute(select(exists(select(1).select_from(modell)))).scalar()


def ar_tom(engine: Engine) -> bool:
    """True when no person and no round is stored (``make run`` then loads the demo)."""
    from core.models import Matomgang, Person

    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(Person)).scalar_one()
        m = conn.execute(select(func.count()).select_from(Matomgang)).scalar_one()
    return n == 0 and m == 0


# --- settings and data version ------------------------------------------------------------


def las_installning(conn: Connection, nyckel: str) -> str | None:
    return conn.execute(select(Installning.varde).where(Installning.nyckel == nyckel)).scalar_one_or_none()


def satt_installning(conn: Connection, nyckel: str, varde: str) -> None:
    upsert(conn, Installning.__table__, [{"nyckel": nyckel, "varde": varde}], ["nyckel"])


def dataversion(engine: Engine) -> str:
    """The data version that every import changes; part of every cache key."""
    with engine.connect() as conn:
        return las_installning(conn, "dataversion") or ""


def byt_dataversion(conn: Connection) -> str:
    """Give the data a new version (inside the importing transaction)."""
    v = uuid.uuid4().hex
    satt_installning(conn, "dataversion", v)
    return v


def ar_demolage(engine: Engine) -> bool:
    """True when the database was loaded by ``python -m core demo`` (demo users exist only then)."""
    with engine.connect() as conn:
        return las_installning(conn, "demolage") == "ja"


# --- dialect helpers ----------------------------------------------------------------------


class _DatumDel(FunctionElement):
    """Year, month or day of a date as an integer."""

    type = Integer()
    inherit_cache = True

    def __init__(self, del_: str, expr):
        self.del_ = del_
        super().__init__(expr)


@compiles(_DatumDel, "sqlite")
def _datumdel_sqlite(element, compiler, **kw):
    # SQLite stores a date as the text YYYY-MM-DD (SQLAlchemy's Date, and the importer's
    # adapter): the parts are cut out, several times cheaper than strftime's parse.
    start, langd = {"year": (1, 4), "month": (6, 2), "day": (9, 2)}[element.del_]
    (arg,) = list(element.clauses)
    return f"CAST(substr({compiler.process(arg, **kw)}, {start}, {langd}) AS INTEGER)"


@compiles(_DatumDel)
def _datumdel_default(element, compiler, **kw):
    (arg,) = list(element.clauses)
    return f"CAST(EXTRACT({element.del_.upper()} FROM {compiler.process(arg, **kw)}) AS INTEGER)"


def ar(expr) -> ColumnElement[int]:
    """The year of a date expression, as an integer."""
    return _DatumDel("year", expr)


def manad(expr) -> ColumnElement[int]:
    """The month (1-12) of a date expression."""
    return _DatumDel("month", expr)


def dag(expr) -> ColumnElement[int]:
    """The day of the month of a date expression."""
    return _DatumDel("day", expr)


def hela_manader(fran, till) -> ColumnElement[int]:
    """Completed months from date ``fran`` to date ``till`` (``inskrivningstid``).

    (year2 - year1) * 12 + (month2 - month1), minus one when the day of ``till`` is before
    the day of ``fran``. 2019-01-31 to 2019-02-28 is 0 months; to 2019-03-01 is 1.
    """
    from sqlalchemy import case

    return (ar(till) - ar(fran)) * 12 + (manad(till) - manad(fran)) - case((dag(till) < dag(fran), 1), else_=0)


def hela_manader_py(fran: dt.date, till: dt.date) -> int:
    """Python twin of :func:`hela_manader` (for validation and tests)."""
    return (till.year - fran.year) * 12 + (till.month - fran.month) - (1 if till.day < fran.day else 0)


def lika_skiftlage(kolumn, varde: str) -> ColumnElement[bool]:
    """Case-insensitive equality, the same on both dialects."""
    return func.lower(kolumn) == varde.lower()


def upsert(conn: Connection, tabell, rader: Sequence[dict], nycklar: Sequence[str], *, ersatt: bool = True) -> None:
    """Insert ``rader`` into ``tabell``; where the key exists, replace every non-key column
    (``ersatt=False``: keep the stored row as it is)."""
    if not rader:
        return
    dialekt = conn.dialect.name
    if dialekt == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialekt_insert
    elif dialekt == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialekt_insert
    else:  # pragma: no cover - only the two dialects are supported
        raise NotImplementedError(dialekt)
    stmt = dialekt_insert(tabell)
    ovriga = [c.name for c in tabell.columns if c.name not in nycklar]
    if ovriga and ersatt:
        stmt = stmt.on_conflict_do_update(index_elements=list(nycklar), set_={c: stmt.excluded[c] for c in ovriga})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(nycklar))
    for bit in _bitar(rader, 2000):
        conn.execute(stmt, bit)


# Above this many rows PostgreSQL loads with COPY (one round trip stream instead of one
# INSERT per row); below it the plain executemany is as fast and simpler.
COPY_GRANS = 500


def bulk_insert(conn: Connection, tabell, rader: Iterable[dict]) -> None:
    """Insert many rows: PostgreSQL's COPY for large batches, executemany otherwise.

    Runs inside the caller's transaction on both dialects (COPY uses the same connection),
    so an import stays all or nothing.
    """
    rader = list(rader)
    if not rader:
        return
    if conn.dialect.name == "postgresql" and len(rader) >= COPY_GRANS:
        _copy(conn, tabell, rader)
        return
    for bit in _bitar(rader, 5000):
        conn.execute(insert(tabell), bit)


def _copy(conn: Connection, tabell, rader: list[dict]) -> None:
    """COPY ... FROM STDIN through psycopg 3, the identifiers quoted by SQLAlchemy."""
    prep = conn.dialect.identifier_preparer
    givna: set[str] = set().union(*rader)
    kolumner = [c.name for c in tabell.columns if c.name in givna]
    sql = f"COPY {prep.format_table(tabell)} ({', '.join(prep.quote(k) for k in kolumner)}) FROM STDIN"
    dbapi = conn.connection.dbapi_connection
    with dbapi.cursor() as cur, cur.copy(sql) as copy:
        for r in rader:
            copy.write_row([r.get(k) for k in kolumner])


def _bitar(rader: Sequence[dict], storlek: int):
    """Batches of rows that all have the same keys (a key missing from a row is None)."""
    nycklar: dict[str, None] = {}
    for r in rader:
        nycklar.update(dict.fromkeys(r))
    lika = all(len(r) == len(nycklar) for r in rader)
    for i in range(0, len(rader), storlek):
        bit = rader[i : i + storlek]
        yield bit if lika else [{k: r.get(k) for k in nycklar} for r in bit]


def infoga_select(conn: Connection, tabell, kolumner: Sequence[str], urval, *, ignorera_dubbletter: bool = False):
    """``INSERT INTO tabell (kolumner) SELECT …``; rows whose key exists are skipped when
    ``ignorera_dubbletter`` (``ON CONFLICT DO NOTHING`` on both dialects)."""
    if not ignorera_dubbletter:
        return conn.execute(insert(tabell).from_select(list(kolumner), urval))
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialekt_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialekt_insert

        # SQLite reads "SELECT … JOIN … ON x ON CONFLICT" ambiguously unless a WHERE comes last.
        urval = urval.where(literal_column("1") == 1)
    return conn.execute(dialekt_insert(tabell).from_select(list(kolumner), urval).on_conflict_do_nothing())


# --- fast bulk writes (the importer) -------------------------------------------------------


# The importer's rows reach SQLite's driver directly (skriv_tupler): a date is stored as the
# ISO text SQLAlchemy's Date type stores ("2019-09-15"). Adapters are looked up by exact type,
# so datetime values are not affected; SQLAlchemy converts its own parameters before they
# get here.
sqlite3.register_adapter(dt.date, dt.date.isoformat)


def skriv_tupler(
    conn: Connection, tabell, kolumner: Sequence[str], tupler: list[tuple], *, ignorera_dubbletter=False
) -> int:
    """Insert rows given as tuples in ``kolumner`` order, inside the caller's transaction;
    returns how many were inserted.

    The importer's write path: on SQLite one ``executemany`` on the driver's cursor (dates as
    the ISO text SQLAlchemy stores), on PostgreSQL ``COPY``. With ``ignorera_dubbletter`` a
    row whose key is already stored is skipped and not counted (SQLite ``INSERT OR IGNORE``;
    PostgreSQL ``COPY`` into a temporary twin of the table, then ``INSERT … SELECT … ON
    CONFLICT DO NOTHING``), so the caller learns from the count whether any key repeated.
    """
    if not tupler:
        return 0
    prep = conn.dialect.identifier_preparer
    namn = prep.format_table(tabell)
    cols = ", ".join(prep.quote(k) for k in kolumner)
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite":
        sql = f"INSERT {'OR IGNORE ' if ignorera_dubbletter else ''}INTO {namn} ({cols}) VALUES ({', '.join('?' * len(kolumner))})"
        cur = dbapi.cursor()
        try:
            cur.executemany(sql, tupler)
            return cur.rowcount if ignorera_dubbletter else len(tupler)
        finally:
            cur.close()
    if not ignorera_dubbletter:
        _copy_tupler(dbapi, namn, cols, tupler)
        return len(tupler)
    stage = prep.quote(f"_stage_{tabell.name}")
    with dbapi.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {namn})")
        cur.execute(f"TRUNCATE {stage}")
    _copy_tupler(dbapi, stage, cols, tupler)
    with dbapi.cursor() as cur:
        cur.execute(f"INSERT INTO {namn} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT DO NOTHING")
        return cur.rowcount


def skjut_upp_index(conn: Connection, tabell) -> list:
    """Drop ``tabell``'s secondary (non-unique) indexes for a bulk load, inside the
    transaction, and return them for :func:`aterskapa_index`; building an index once over
    the loaded rows (a sort) is several times cheaper than growing it row by row.

    Only on SQLite, whose readers see the old schema until the commit (WAL); PostgreSQL would
    lock the table for readers until the commit, so nothing is dropped there."""
    if conn.dialect.name != "sqlite":
        return []
    prep = conn.dialect.identifier_preparer
    index = [i for i in tabell.indexes if not i.unique]
    for i in index:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {prep.quote(i.name)}")
    return index


def aterskapa_index(conn: Connection, index: list) -> None:
    """Build the indexes that :func:`skjut_upp_index` dropped."""
    for i in index:
        conn.execute(CreateIndex(i, if_not_exists=True))


def billig_dubblettkontroll(conn: Connection) -> bool:
    """True when an insert that skips and counts rows with a stored key costs no more than a
    plain one (SQLite's ``INSERT OR IGNORE``; PostgreSQL needs a staging table for it)."""
    return conn.dialect.name == "sqlite"


def _copy_tupler(dbapi, namn: str, cols: str, tupler: list[tuple]) -> None:
    with dbapi.cursor() as cur, cur.copy(f"COPY {namn} ({cols}) FROM STDIN") as copy:
        for t in tupler:
            copy.write_row(t)


def skapa_temptabell(conn: Connection, tabell: Table) -> Table:
    """Create ``tabell`` (a ``Table`` with ``prefixes=["TEMPORARY"]``) afresh on this
    connection, inside its transaction; a leftover of an earlier use is dropped first."""
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {conn.dialect.identifier_preparer.format_table(tabell)}")
    tabell.create(conn)
    return tabell


def ta_bort_temptabell(conn: Connection, tabell: Table) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {conn.dialect.identifier_preparer.format_table(tabell)}")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {conn.dialect.identifier_preparer.quote('_stage_' + tabell.name)}")


# --- the import lock and what a failed write means ------------------------------------------

# The key of PostgreSQL's transaction-scoped advisory lock that serialises imports
# (pg_advisory_xact_lock). Any 64-bit number that no other application on the server uses.
IMPORTLAS = 7_366_213_540_991_001


# The page cache (KiB) of SQLite's connection while it imports; back to SQLite's default after.
IMPORT_SIDCACHE_KB = 128 * 1024


def slapp_importinstallningar(conn: Connection) -> None:
    """Undo what :func:`ta_importlas` set on the (pooled) connection, after the transaction."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size = -2000")


class ImportlasUpptaget(RuntimeError):
    """Another import holds the write lock and did not let go within the waiting time."""


def ta_importlas(conn: Connection, vanta_s: float) -> None:
    """Take the import's write lock as the first statement of the connection's transaction,
    waiting at most ``vanta_s`` seconds for another import to finish.

    SQLite: ``BEGIN IMMEDIATE``, the database's write lock (readers go on in WAL mode).
    PostgreSQL: ``pg_advisory_xact_lock(IMPORTLAS)``, released with the transaction. Either
    way nothing is validated against data that another import is about to change.

    Raises
    ------
    ImportlasUpptaget
        When the lock is still held after ``vanta_s`` seconds.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {max(int(vanta_s * 1000), 0)}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as e:
            if ar_last(e):
                raise ImportlasUpptaget() from None
            raise
        finally:
            conn.exec_driver_sql("PRAGMA busy_timeout = 30000")
        # A large import writes B-trees far bigger than the default 2 MB page cache.
        conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_SIDCACHE_KB}")
        return
    slut = time.monotonic() + vanta_s
    while not conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": IMPORTLAS}).scalar():
        if time.monotonic() >= slut:
            raise ImportlasUpptaget()
        time.sleep(0.1)


def ar_last(fel: BaseException) -> bool:
    """True when a database error (SQLAlchemy's, or the driver's own from a raw write) says
    another writer holds a lock: SQLite's "database is locked", PostgreSQL's lock timeout or
    deadlock."""
    orig = getattr(fel, "orig", fel)
    if getattr(orig, "sqlstate", None) in ("55P03", "40P01"):
        return True
    meddelande = str(orig).lower()
    return "database is locked" in meddelande or "database table is locked" in meddelande


def ar_disk_full(fel: BaseException) -> bool:
    """True when a database (or file) error says the disk is full: SQLite's SQLITE_FULL
    ("database or disk is full"), PostgreSQL's disk_full (53100), or ENOSPC."""
    import errno

    orig = getattr(fel, "orig", fel)
    if isinstance(orig, OSError) and orig.errno == errno.ENOSPC:
        return True
    if getattr(orig, "sqlstate", None) == "53100":
        return True
    meddelande = str(orig).lower()
    return "database or disk is full" in meddelande or "no space left on device" in meddelande
