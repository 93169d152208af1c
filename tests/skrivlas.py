"""A writer in another process that holds the database, for the tests of operations under load.

``python -m tests.skrivlas URL`` holds the database the way a long import does and prints
``LÅST`` once it holds it; it lets go when its standard input closes (or after ten minutes):

- SQLite: ``BEGIN IMMEDIATE``, the one write lock (what an import holds while it writes);
- PostgreSQL: the import's advisory lock (``db.IMPORTLAS``), every row of ``matning``,
  ``aktivitet``, ``inloggningsspar`` and ``installning`` locked ``FOR UPDATE``, and the
  audit table locked against inserts (``--utan-granskning`` leaves the audit table free).

``python -m tests.skrivlas --import URL PATH`` runs the real import of ``PATH`` instead and
holds its transaction open just before the commit (after every row is written and the data
version changed), printing ``LÅST`` there; it commits when standard input closes. So the test
does not depend on how fast the machine imports.

The tests start it with :func:`halla`, a context manager.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
from pathlib import Path

ROT = Path(__file__).resolve().parent.parent


def _vanta_pa_stdin(sekunder: float = 600) -> None:
    select.select([sys.stdin], [], [], sekunder)


def _hall_sqlite(url: str) -> None:
    import sqlite3

    from sqlalchemy.engine import make_url

    conn = sqlite3.connect(make_url(url).database, timeout=30, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE installning SET varde = varde WHERE nyckel = 'dataversion'")
    print("LÅST", flush=True)
    _vanta_pa_stdin()
    conn.execute("ROLLBACK")
    conn.close()


def _hall_pg(url: str, granskning: bool) -> None:
    from sqlalchemy import create_engine, text

    from core import db

    eng = create_engine(url)
    with eng.connect() as conn, conn.begin() as t:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": db.IMPORTLAS})
        for tabell in ("matning", "aktivitet", "inloggningsspar", "installning"):
            conn.execute(text(f"SELECT * FROM {tabell} FOR UPDATE"))
        if granskning:
            conn.execute(text("LOCK TABLE granskningslogg IN EXCLUSIVE MODE"))
        print("LÅST", flush=True)
        _vanta_pa_stdin()
        t.rollback()
    eng.dispose()


def _importera(url: str, sokvag: str) -> None:
    from core import db, importer

    original = db.byt_dataversion

    def byt_och_vanta(conn):
        v = original(conn)
        print("LÅST", flush=True)
        _vanta_pa_stdin()
        return v

    db.byt_dataversion = byt_och_vanta
    resultat = importer.importera(db.get_engine(url), Path(sokvag), anvandare="test:import")
    print("KLAR" if resultat.ok else "FEL:" + resultat.felrapport(), flush=True)


@contextlib.contextmanager
def halla(*args: str):
    """Start the writer with ``args`` and wait until it holds the database; lets go (and
    waits for the process to end) when the block ends. Yields the process."""
    p = subprocess.Popen(
        [sys.executable, "-m", "tests.skrivlas", *args],
        cwd=ROT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROT)),
    )
    try:
        rad = p.stdout.readline().strip()
        if rad != "LÅST":
            p.kill()
            raise RuntimeError(f"skrivlas höll inte databasen: {rad} {p.stderr.read()[-2000:]}")
        yield p
    finally:
        if p.poll() is None:
            p.stdin.close()
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def main(argv: list[str]) -> None:
    if argv[0] == "--import":
        _importera(argv[1], argv[2])
        return
    granskning = "--utan-granskning" not in argv
    url = next(a for a in argv if not a.startswith("--"))
    if url.startswith("sqlite"):
        _hall_sqlite(url)
    else:
        _hall_pg(url, granskning)


if __name__ == "__main__":
    main(sys.argv[1:])
