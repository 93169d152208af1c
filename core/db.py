"""Engine, schema creation, the shared data version, and every dialect difference.

Everything that differs between SQLite and PostgreSQL lives here: date parts and month
arithmetic, upserts, case-insensitive matching and bulk loading. The rest of ``core`` builds
portable SQLAlchemy expressions and calls these helpers.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
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
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from core import config, koder
from core.models import PERSON_NORMALISERAD, Base, Enhet, Installning, Matning, MatningHarledd, OmgangHarledd

_ENGINES: dict[str, Engine] = {}

# The schema version ``skapa_schema`` records in ``installning`` (``schemaversion``). A restore
# accepts a backup of a known version (1 up to this one) that holds every table of
# SCHEMATABELLER. Raise the version when a release adds or changes tables, and add the new
# tables here only if a backup without them cannot be restored.
SCHEMAVERSION = 1
SCHEMATABELLER = frozenset(
    {
        "enhet",
        "person",
        "matomgang",
        "matning",
        "matning_val",
        "insats",
        "avslut",
        "utbetalning",
        "anvandare",
        "inloggningsspar",
        "aktivitet",
        "granskningslogg",
        "installning",
    }
)

# The import write lock. SQLite: an import starts its transaction with BEGIN IMMEDIATE (the
# database's one write lock). PostgreSQL: it takes the transaction-level advisory lock with
# this key (``pg_advisory_xact_lock(IMPORTLAS)``), so two imports never write at once and
# :func:`import_pagar` can see one running.
IMPORTLAS = 7461_0001

# How long a write that must not hold up a page waits for a lock (seconds): the activity
# record, the audit log and the login's counter. Ordinary writes wait 30 s.
KORT_VANTAN = 0.25
VANTAN = 30.0


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
        eng = create_engine(url, connect_args={"timeout": VANTAN})

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(VANTAN * 1000)}")
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
    """Create the tables that do not exist yet, seed the default units if none exist, and
    record the schema version (``installning.schemaversion``, :data:`SCHEMAVERSION`).

    Writes only what is missing, so on a complete database it only reads (and so never
    waits on an import). A database created before the derived tables existed (matning rows,
    but no derived rows) gets them computed here (``core.harledning.bygg_om``), and its person
    table the index of the importer's near-duplicate check.
    """
    from core import harledning

    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        if not _finns_index(conn, PERSON_NORMALISERAD.name):
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
        lagrad = schemaversion(conn)
        if lagrad is None or lagrad < SCHEMAVERSION:
            satt_installning(conn, "schemaversion", str(SCHEMAVERSION))


def schemaversion(conn: Connection) -> int | None:
    """The schema version recorded in the database, or None (none recorded, or not a number).

    A database created before schema versions were recorded has none; ``skapa_schema``
    records the current one.
    """
    varde = las_installning(conn, "schemaversion")
    try:
        return int(varde) if varde is not None else None
    except ValueError:
        return None


def _finns_index(conn: Connection, namn: str) -> bool:
    """Whether an index of that name exists (asked without a write, unlike CREATE INDEX)."""
    if conn.dialect.name == "sqlite":
        fraga = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :n"
    else:
        fraga = "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :n"
    return conn.execute(text(fraga), {"n": namn}).first() is not None


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


def analysera(engine: Engine) -> None:
    """Refresh the query planner's statistics after an import (PostgreSQL's ``ANALYZE``).

    Right after a bulk load PostgreSQL has no statistics of the new rows and may plan the
    release's grouped counts as nested loops: 17 s instead of 0.06 s for one round of the
    demo. Autovacuum would catch up later; the first page after an import must not wait for
    it. SQLite plans from its indexes and needs nothing here. A failure is only logged.
    """
    if engine.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    except Exception as e:  # noqa: BLE001 - statistics are an optimisation, never a failure
        import logging

        logging.getLogger(__name__).warning("ANALYZE efter importen misslyckades (%s).", type(e).__name__)


def ar_demolage(engine: Engine) -> bool:
    """True when the database was loaded by ``python -m core demo`` (demo users exist only then)."""
    with engine.connect() as conn:
        return las_installning(conn, "demolage") == "ja"


# --- locks: writes that must not wait, and the import write lock ----------------------------


class Upptagen(Exception):
    """The database could not give a write lock within the short wait (an import or another
    writer holds it)."""


def ar_upptagen(fel: BaseException) -> bool:
    """True when ``fel`` means that a lock could not be had: SQLite's ``SQLITE_BUSY`` /
    ``SQLITE_LOCKED`` ("database is locked"), PostgreSQL's ``lock_not_available`` (55P03,
    what ``lock_timeout`` raises)."""
    orig = fel.orig if isinstance(fel, DBAPIError) else fel
    if isinstance(orig, sqlite3.OperationalError):
        kod = getattr(orig, "sqlite_errorcode", None)
        if kod is not None:
            return kod & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        return "locked" in str(orig)
    return getattr(orig, "sqlstate", None) == "55P03"


def ar_disk_full(fel: BaseException) -> bool:
    """True when ``fel`` means that the disk (or the user's quota) is full: ``ENOSPC`` or
    ``EDQUOT`` from the file layer, SQLite's ``SQLITE_FULL``, PostgreSQL's disk_full (53100)."""
    orig = fel.orig if isinstance(fel, DBAPIError) else fel
    if isinstance(orig, OSError) and orig.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(orig, sqlite3.Error):
        kod = getattr(orig, "sqlite_errorcode", None)
        return kod == sqlite3.SQLITE_FULL or (kod is None and "disk is full" in str(orig))
    if getattr(orig, "sqlstate", None) == "53100":
        return True
    meddelande = str(orig).lower()
    return "database or disk is full" in meddelande or "no space left on device" in meddelande


@contextmanager
def kort_skrivning(engine: Engine, vantan: float = KORT_VANTAN) -> Iterator[Connection]:
    """A write transaction that waits at most ``vantan`` seconds for a lock.

    SQLite: the connection's busy timeout is ``vantan`` for this transaction (and 30 s again
    afterwards). PostgreSQL: ``SET LOCAL lock_timeout``, so a row another transaction holds
    locked is not waited for either. Commits at the end of the block.

    Raises
    ------
    Upptagen
        When a lock could not be had in time; nothing of the block is stored.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # On the driver's connection: through SQLAlchemy it would begin a transaction.
            conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout={max(int(vantan * 1000), 0)}")
        try:
            with conn.begin():
                if not sqlite:
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{max(int(vantan * 1000), 1)}ms'")
                yield conn
        except DBAPIError as e:
            if ar_upptagen(e):
                raise Upptagen(str(e.orig)) from e
            raise
        finally:
            if sqlite and not conn.invalidated:
                conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout={int(VANTAN * 1000)}")


def import_pagar(engine: Engine, vantan: float = 0.05) -> bool:
    """True while an import (or another long write) holds the database's write lock.

    SQLite: whether a separate connection can take the write lock (``BEGIN IMMEDIATE``)
    within ``vantan`` seconds; it lets go at once. PostgreSQL: whether some session holds the
    advisory lock :data:`IMPORTLAS` (read from ``pg_locks``; nothing is locked by asking).
    Never raises: a database that cannot be asked counts as not importing.
    """
    try:
        if engine.dialect.name == "sqlite":
            fil = engine.url.database
            if not fil or fil == ":memory:" or not Path(fil).exists():
                return False
            rad = sqlite3.connect(fil, timeout=vantan, isolation_level=None)
            try:
                rad.execute("BEGIN IMMEDIATE")
                rad.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError as e:
                return ar_upptagen(e)
            finally:
                rad.close()
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                        "AND classid = :hog AND objid = :lag AND objsubid = 1)"
                    ),
                    {"hog": IMPORTLAS >> 32, "lag": IMPORTLAS & 0xFFFFFFFF},
                ).scalar_one()
            )
    except Exception:  # noqa: BLE001 - a question for the banner, never a reason for a page to fail
        return False


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

# The page cache (KiB) of SQLite's connection while it imports; back to SQLite's default after.
# VAGEN_IMPORT_SIDCACHE_KB overrides it (a machine with little memory; the kill test uses
# SQLite's default so that the transaction's pages spill into the WAL before the commit).
IMPORT_SIDCACHE_KB = int(os.environ.get("VAGEN_IMPORT_SIDCACHE_KB", 128 * 1024))


def slapp_importinstallningar(conn: Connection) -> None:
    """Undo what :func:`ta_importlas` set on the (pooled) connection, after the transaction."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size = -2000")


class ImportlasUpptaget(RuntimeError):
    """Another import holds the write lock and did not let go within the waiting time."""


def ta_importlas(conn: Connection, vanta_s: float = VANTAN) -> None:
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
