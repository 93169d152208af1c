"""The benchmark: ``python -m core bench`` prints how long each page's work takes.

Target (DEVELOPERS guide): in a meeting every click answers within a second at Timrå's scale
(about 300 persons per round, 8 rounds). The figures are measured on a fresh database loaded
with the demo (SQLite in a temporary file, or the URL given), uncached — what the first click
after an import costs; Streamlit's cache makes repeated clicks nearly free. Tests check
behaviour, not time; this script prints the times and the target next to them.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MAL_SEKUNDER = 1.0


def _tid(f: Callable[[], object], upprepningar: int) -> tuple[float, float]:
    tider = []
    for _ in range(upprepningar):
        t0 = time.perf_counter()
        f()
        tider.append(time.perf_counter() - t0)
    return statistics.median(tider), max(tider)


def _under_import(eng, upprepningar: int) -> list[tuple[str, float, float]]:
    """What a page run's writes cost while another connection holds SQLite's write lock (as a
    long import does): the banner's question, the first write (waits ``db.KORT_VANTAN``, then
    is deferred), and a write within the pause after it (deferred at once)."""
    import datetime as dt
    import logging
    import sqlite3

    from core import audit, db, uppskjutet

    logg = logging.getLogger(uppskjutet.__name__)
    niva = logg.level
    logg.setLevel(logging.ERROR)  # the deferrals are the point here, not news
    las = sqlite3.connect(eng.url.database, isolation_level=None)
    las.execute("BEGIN IMMEDIATE")
    try:
        rad = {"tid": dt.datetime(2000, 1, 1), "anvandare": "bench", "handelse": "export"}
        ut = [
            ("Under import: pågår en import?", *_tid(lambda: db.import_pagar(eng), upprepningar)),
            (
                "Under import: första skrivningen",
                *_tid(lambda: uppskjutet._forsok(eng, [rad], tvinga=True), upprepningar),
            ),
            ("Under import: följande skrivning", *_tid(lambda: audit.logga(eng, "bench", "export"), upprepningar)),
        ]
    finally:
        las.execute("ROLLBACK")
        las.close()
        logg.setLevel(niva)
    uppskjutet.skriv_vantande(eng, tvinga=True)
    return ut


def kor(url: str | None = None, upprepningar: int = 5, skriv=print) -> list[tuple[str, float, float]]:
    """Load the demo into a fresh database and time each measure; returns (name, median, max)."""
    from core import db, demo, exporter
    from core.matt import datakvalitet, jamforelse, korstabell, oversikt, profil
    from core.omfang import ADMIN, Omfang

    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        eng = db.get_engine(url)
        db.skapa_schema(eng)
        t0 = time.perf_counter()
        res = demo.ladda(eng)
        laddtid = time.perf_counter() - t0
        if not res.ok:
            raise RuntimeError("demo import failed")
        pol = Omfang("politiker")
        ur = profil.Urval(enhet=("eb",), kon=("K",))
        fall: list[tuple[str, Callable[[], object]]] = [
            ("Översikt (politiker)", lambda: oversikt.oversikt(eng, pol)),
            ("Översikt (admin)", lambda: oversikt.oversikt(eng, ADMIN)),
            ("Målgrupp: hela profilen 2019-09", lambda: profil.profil(eng, pol, "2019-09")),
            ("Målgrupp: en variabel, filter", lambda: profil.profil(eng, pol, "2023-03", ur, ["arbetshinder"])),
            (
                "Analysseminariet: korstabell",
                lambda: korstabell.korstabell(eng, pol, "2019-09", "arbetshinder", "kon"),
            ),
            (
                "En enhet mot resten",
                lambda: jamforelse.enhet_mot_resten(eng, pol, "2023-03", "eai", "arbetshinder"),
            ),
            ("Datakvalitet 2023-03", lambda: datakvalitet.datakvalitet(eng, ADMIN, "2023-03")),
            ("Lista över mätomgångar", lambda: oversikt.omgangar(eng, ADMIN)),
            ("Export (xlsx)", lambda: exporter.xlsx_bytes(eng, ADMIN)),
        ]
        ut = [("Import av hela demon", laddtid, laddtid)]
        for namn, f in fall:
            med, mx = _tid(f, upprepningar)
            ut.append((namn, med, mx))
        from core import bench_skydd

        bench_skydd.kor(eng, "2019-09", skriv=skriv)
        if url.startswith("sqlite"):
            ut += _under_import(eng, upprepningar)
            eng.dispose()
    skriv(
        f"Vägen bench ({'SQLite' if url.startswith('sqlite') else 'PostgreSQL'}), mål: < {MAL_SEKUNDER:.1f} s per klick"
    )
    for namn, med, mx in ut:
        flagga = "" if mx < MAL_SEKUNDER or namn.startswith(("Import", "Export")) else "  ÖVER MÅLET"
        skriv(f"  {namn:<40} median {med * 1000:8.1f} ms   max {mx * 1000:8.1f} ms{flagga}")
    return ut
