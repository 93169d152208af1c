"""The benchmark: ``python -m core bench`` measures the import and every page at three scales.

For each scale (``core.syntet.SKALOR``: S = 300 persons × 8 rounds, M = 10 000 × 24,
L = 100 000 × 24) it

1. writes a synthetic municipality drawn from the demo (``core.syntet``) as CSV files, the way
   municipalities export them, and imports them through the importer into an empty database
   (SQLite in a temporary file, or ``--url``) in a **fresh process**: seconds, ``matning``
   rows per second and the process's peak memory (``ru_maxrss`` of the child);
2. imports **one new round** (every person of the last round, a quarter later) into that
   database the same way: its cost must follow the file, not the database;
3. runs the **page calls** of :data:`SIDOR` — for each page the core calls the page makes,
   without and with a filter — for an unsuppressed (``admin``) and a suppressed
   (``politiker``) scope, each in a fresh process: ``kall_ms`` is the first call in that
   process, ``varm_ms`` the median of the same calls run again (no result cache exists below
   ``core.ui``, so each run recomputes);
4. renders each page that has a file through Streamlit's ``AppTest`` from ``app.py``, logged
   in (``apptest_ms``: the median of the renders after the first, Streamlit's caches cleared
   before each, so every render computes);
5. runs the **naive path** for the full profile — read the round's rows into pandas and group
   there — and gives ``naiv_kvot`` (the product's time over the naive one; below 1 is faster)
   and ``naiv_minneskvot`` (peak memory, the same way).

It prints one table (scale × page × median ms) and, with ``--json PATH``, writes::

    {"S": {"import_rader_per_s": …, "peak_mb": …, "ny_omgang": {…},
           "sidor": {"oversikt": {"kall_ms": …, "varm_ms": …, "apptest_ms": …,
                                  "per_omfang": {"admin": {…}, "politiker": {…}}}, …},
           "naiv_kvot": …, "naiv_minneskvot": …}, …}

where a page's top-level figures are the slower of the two scopes. Later page issues add
their page to :data:`SIDOR` (one entry: name, label, the calls, the page file and the session
state that selects the view). Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core import config

ROT = config.ROT
APP = ROT / "app.py"
ANVANDARE = {"admin": "bench-admin", "politiker": "bench-politiker"}
COOKIE_NYCKEL = "bench-nyckel-som-bara-anvands-av-benchmarken"
ENHET = "eai"  # the unit of the filters (the demo's second unit)


# --------------------------------------------------------------------------------------------
# The pages and the core calls each makes (extend here)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lage:
    """What the calls are about: the newest round and the unit of the filters."""

    omgang: str
    enhet: str = ENHET


@dataclass(frozen=True)
class Sidanrop:
    """One page (or one view of a page) in the benchmark.

    Attributes
    ----------
    namn : the key in the JSON output.
    etikett : the label in the printed table.
    anrop : makes every core call the page makes, once: ``anrop(engine, omfang, lage)``.
    sida : the page file rendered through AppTest (None: not rendered on its own).
    session : the session state that selects the view and the filter in AppTest.
    """

    namn: str
    etikett: str
    anrop: Callable
    sida: str | None = None
    session: Callable[[Lage], dict] = field(default=lambda lage: {})


def _omgangar(eng, omfang, lage):
    from core.matt import oversikt

    return oversikt.omgangar(eng, omfang)


def _oversikt(eng, omfang, lage):
    from core.matt import oversikt

    oversikt.omgangar(eng, omfang)
    return oversikt.oversikt(eng, omfang, lage.omgang)


def _urval(lage: Lage, filter_: bool):
    from core.matt.profil import ALLA, Urval

    return Urval(enhet=(lage.enhet,)) if filter_ else ALLA


def _malgrupp(filter_: bool):
    def anrop(eng, omfang, lage):
        from core.matt import oversikt, profil

        oversikt.omgangar(eng, omfang)
        # The size of the filtered group, and the first tab's first variable (the same call).
        return profil.profil(eng, omfang, lage.omgang, _urval(lage, filter_), ["kon"])

    return anrop


def _hela_profilen(filter_: bool):
    def anrop(eng, omfang, lage):
        from core.matt import profil

        return profil.profil(eng, omfang, lage.omgang, _urval(lage, filter_))

    return anrop


def _korstabell(filter_: bool):
    def anrop(eng, omfang, lage):
        from core.matt import korstabell, oversikt, profil

        oversikt.omgangar(eng, omfang)
        urval = _urval(lage, filter_)
        profil.profil(eng, omfang, lage.omgang, urval, ["kon"])
        return korstabell.korstabell(eng, omfang, lage.omgang, "arbetshinder", "kon", urval)

    return anrop


def _jamforelse(filter_: bool):
    def anrop(eng, omfang, lage):
        from core.matt import jamforelse, oversikt, profil
        from core.matt.profil import ALLA, Urval

        oversikt.omgangar(eng, omfang)
        urval = Urval(kon=("K",)) if filter_ else ALLA  # a unit filter is replaced by the split
        profil.profil(eng, omfang, lage.omgang, urval, ["kon"])
        return jamforelse.enhet_mot_resten(eng, omfang, lage.omgang, lage.enhet, "kon", urval)

    return anrop


def _session_urval(**falt) -> Callable[[Lage], dict]:
    def session(lage: Lage) -> dict:
        from core import ui

        ut = {}
        for namn, varde in falt.items():
            if namn == "vy":
                ut["malgrupp_vy"] = varde
            else:
                ut[ui.URVALSNYCKLAR[namn]] = [lage.enhet] if varde == "ENHET" else list(varde)
        return ut

    return session


SIDOR: list[Sidanrop] = [
    Sidanrop("omgangar", "Lista över mätomgångar (varje sida)", _omgangar),
    Sidanrop("oversikt", "Översikt", _oversikt, "pages/oversikt.py"),
    Sidanrop("malgrupp", "Målgrupp: fördelning", _malgrupp(False), "pages/malgrupp.py"),
    Sidanrop(
        "malgrupp_enhet",
        "Målgrupp: fördelning, filter enhet",
        _malgrupp(True),
        "pages/malgrupp.py",
        _session_urval(enhet="ENHET"),
    ),
    Sidanrop("profil", "Hela profilen (alla variabler)", _hela_profilen(False)),
    Sidanrop("profil_enhet", "Hela profilen, filter enhet", _hela_profilen(True)),
    Sidanrop(
        "korstabell",
        "Analysseminariet: korstabell",
        _korstabell(False),
        "pages/malgrupp.py",
        _session_urval(vy="Analysseminariet"),
    ),
    Sidanrop(
        "korstabell_enhet",
        "Korstabell, filter enhet",
        _korstabell(True),
        "pages/malgrupp.py",
        _session_urval(vy="Analysseminariet", enhet="ENHET"),
    ),
    Sidanrop(
        "jamforelse",
        "En enhet mot resten",
        _jamforelse(False),
        "pages/malgrupp.py",
        _session_urval(vy="En enhet mot resten"),
    ),
    Sidanrop(
        "jamforelse_kon",
        "En enhet mot resten, filter kön",
        _jamforelse(True),
        "pages/malgrupp.py",
        _session_urval(vy="En enhet mot resten", kon=("K",)),
    ),
]
OMFANG = ("admin", "politiker")

# The page issues' own calls: each measure module lists ``BENCH_ANROP = [(label, (engine,
# omgang_id) -> result), ...]`` with the scope it is about in the call itself (so the
# benchmark's admin/politiker pass runs it as written).
SIDMODULER = (
    "core.matt.jamstalldhet",
    "core.matt.floden",
    "core.matt.trender",
    "core.matt.prioritering",
    "core.matt.min_enhet",
)


def _sidmodulernas_anrop() -> list[Sidanrop]:
    import importlib
    import re

    ut = []
    for modul in SIDMODULER:
        try:
            anrop = importlib.import_module(modul).BENCH_ANROP
        except (ImportError, AttributeError):
            continue
        for etikett, f in anrop:
            namn = re.sub(r"[^a-z0-9]+", "_", etikett.lower().translate(str.maketrans("åäö", "aao"))).strip("_")
            ut.append(Sidanrop(namn, etikett[:40], lambda eng, omfang, lage, f=f: f(eng, lage.omgang)))
    return ut


SIDOR += _sidmodulernas_anrop()


# --------------------------------------------------------------------------------------------
# The naive path: the round's rows in pandas, grouped there
# --------------------------------------------------------------------------------------------


def naiv_profil(eng, omgang_id: str, enhet: str | None = None) -> dict:
    """Every variable's distribution in the round (optionally: the persons who belong to
    ``enhet``), computed the naive way: read the round's rows into pandas and group there."""
    import pandas as pd
    from sqlalchemy import select

    from core import db, koder
    from core.models import Insats, Matning, MatningVal, Matomgang, Person

    with eng.connect() as c:
        datum = c.execute(select(Matomgang.datum).where(Matomgang.omgang_id == omgang_id)).scalar_one()
        m = pd.read_sql(select(Matning).where(Matning.omgang_id == omgang_id), c)
        personer = select(Matning.person_id).where(Matning.omgang_id == omgang_id)
        p = pd.read_sql(select(Person).where(Person.person_id.in_(personer)), c)
        v = pd.read_sql(select(MatningVal).where(MatningVal.omgang_id == omgang_id), c)
        i = pd.read_sql(select(Insats).where(Insats.person_id.in_(personer)), c) if enhet else None
    g = m.merge(p, on="person_id", how="left")
    if enhet:
        ett_ar = pd.Timestamp(
            datum.replace(year=datum.year - 1)
            if (datum.month, datum.day) != (2, 29)
            else datum.replace(year=datum.year - 1, day=28)
        )
        i = i[
            (pd.to_datetime(i["remissdatum"]) <= pd.Timestamp(datum))
            & (i["slutdatum"].isna() | (pd.to_datetime(i["slutdatum"]) >= ett_ar))
        ]
        via_insats = set(i.loc[(i["fran_enhet"] == enhet) | (i["till_enhet"] == enhet), "person_id"])
        g = g[(g["enhet"] == enhet) | g["person_id"].isin(via_insats)]
        v = v[v["person_id"].isin(set(g["person_id"]))]
    alder = datum.year - g["fodelsear"]
    g["aldersgrupp"] = pd.cut(
        alder,
        [lo - 0.5 for _, lo, _ in koder.ALDERSGRUPP_GRANSER] + [1000],
        labels=[k for k, _, _ in koder.ALDERSGRUPP_GRANSER],
    )
    ins = pd.to_datetime(g["inskrivningsdatum"])
    manader = (datum.year - ins.dt.year) * 12 + (datum.month - ins.dt.month) - (ins.dt.day > datum.day).astype(int)
    g["inskrivningstid"] = pd.cut(
        manader, [-0.5, 11.5, 23.5, 35.5, 1e9], labels=[k for k, _, _ in koder.INSKRIVNINGSTID_GRANSER]
    )
    ut = {"n": len(g)}
    for namn, var in koder.VARIABLER.items():
        if var.flerval:
            vv = v[v["variabel"] == namn]
            ut[namn] = vv.groupby("kod")["person_id"].nunique().to_dict()
        elif namn in g:
            ut[namn] = g[namn].value_counts(dropna=False).to_dict()
    db.dispose_engines()
    return ut


# --------------------------------------------------------------------------------------------
# Workers: each measurement in a fresh process
# --------------------------------------------------------------------------------------------


def _arbetare(argv: list[str]) -> None:
    """``python -m core.bench UPPGIFT JSON``: one measurement, its result as JSON on stdout."""
    uppgift, spec = argv[0], json.loads(argv[1])
    from core import db

    eng = db.get_engine(spec["url"])
    ut: dict = {}
    if uppgift == "import":
        from core import importer

        t0 = time.perf_counter()
        r = importer.importera(eng, spec["kalla"])
        ut = {
            "sekunder": time.perf_counter() - t0,
            "ok": r.ok,
            "fel": r.felrapport()[:2000],
            "antal": {e: a.insatta + a.uppdaterade + a.oforandrade for e, a in r.antal.items()},
        }
    elif uppgift == "sida":
        # A server has its modules loaded before the first click; the first call pays for its
        # connection, its SQL and a cold database.
        import core.matt.jamforelse  # noqa: F401
        import core.matt.korstabell  # noqa: F401
        import core.matt.oversikt  # noqa: F401
        import core.matt.profil  # noqa: F401
        from core.omfang import Omfang

        sida = next(s for s in SIDOR if s.namn == spec["sida"])
        omfang, lage = Omfang(spec["roll"]), Lage(spec["omgang"])
        t0 = time.perf_counter()
        sida.anrop(eng, omfang, lage)
        kall = (time.perf_counter() - t0) * 1000
        varma = []
        for _ in range(spec["upprepningar"]):
            t0 = time.perf_counter()
            sida.anrop(eng, omfang, lage)
            varma.append((time.perf_counter() - t0) * 1000)
        ut = {"kall_ms": kall, "varm_ms": statistics.median(varma), "varma_ms": varma}
    elif uppgift == "naiv":
        t0 = time.perf_counter()
        naiv_profil(eng, spec["omgang"], spec.get("enhet"))
        kall = (time.perf_counter() - t0) * 1000
        varma = []
        for _ in range(spec["upprepningar"]):
            t0 = time.perf_counter()
            naiv_profil(eng, spec["omgang"], spec.get("enhet"))
            varma.append((time.perf_counter() - t0) * 1000)
        ut = {"kall_ms": kall, "varm_ms": statistics.median(varma)}
    print(json.dumps(ut, default=str))


def _kor_med_minne(uppgift: str, spec: dict, env: dict | None = None) -> tuple[dict, float]:
    """Run a worker in a fresh process; its result and its own peak memory in MB (wait4).

    The AppTest worker lives in ``tests/bench_apptest.py`` (only ``core/ui.py`` of ``core``
    imports Streamlit); every other one is :func:`_arbetare` here."""
    modul = "tests.bench_apptest" if uppgift == "apptest" else "core.bench"
    proc = subprocess.Popen(
        [sys.executable, "-m", modul, uppgift, json.dumps(spec, default=str)],
        cwd=ROT,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with contextlib.ExitStack():
        ut = proc.stdout.read()
        fel = proc.stderr.read()
        _, status, rusage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmarkens {uppgift} misslyckades: {fel.decode(errors='replace')[-3000:]}")
    return json.loads(ut.decode().strip().splitlines()[-1]), rusage.ru_maxrss / 1024


# --------------------------------------------------------------------------------------------
# One scale
# --------------------------------------------------------------------------------------------


def _tom_databas(url: str) -> None:
    from core import db
    from core.models import Base

    eng = db.get_engine(url)
    Base.metadata.drop_all(eng)
    db.dispose_engines()


def _skapa_anvandare(url: str) -> None:
    from core import auth, db

    eng = db.get_engine(url)
    for roll, namn in ANVANDARE.items():
        auth.skapa_anvandare(eng, namn, f"Benchmark {roll}", roll, None, auth.slumpa_losenord())
    db.dispose_engines()


def _ny_omgang(url: str, katalog: Path) -> tuple[str, int]:
    """Write one new round a quarter after the last: every person of the last round."""
    from sqlalchemy import func, select

    from core import db, syntet
    from core.models import Matning, Matomgang

    eng = db.get_engine(url)
    with eng.connect() as c:
        sista, datum = c.execute(select(Matomgang.omgang_id, Matomgang.datum).order_by(Matomgang.datum.desc())).first()
        personer = list(
            c.execute(select(Matning.person_id).where(Matning.omgang_id == sista).order_by(func.random())).scalars()
        )
    db.dispose_engines()
    ar, man = divmod(datum.year * 12 + datum.month - 1 + 3, 12)
    ny = dt.date(ar, man + 1, 15)
    syntet.skriv_ny_omgang(katalog, personer, ny)
    return syntet.omgang_id(ny), len(personer)


def _tal(x: float) -> str:
    """``12 345`` (a space between thousands)."""
    return f"{x:,.0f}".replace(",", " ")


def kor_skala(skala: str, url: str | None, arbetskatalog: Path, upprepningar: int, skriv=print) -> dict:
    """Every measurement of one scale; returns its part of the JSON."""
    from core import db, syntet

    s = syntet.SKALOR[skala]
    filer = arbetskatalog / f"data_{skala}"
    markor = filer / "syntet.json"
    parametrar = {"personer": s.personer, "omgangar": s.omgangar, "version": syntet.VERSION}
    t0 = time.perf_counter()
    if not (markor.exists() and json.loads(markor.read_text()).get("parametrar") == parametrar):
        shutil.rmtree(filer, ignore_errors=True)
        antal = syntet.skriv(filer, s.personer, s.omgangar)
        markor.write_text(json.dumps({"parametrar": parametrar, "antal": antal}))
    antal = json.loads(markor.read_text())["antal"]
    genererat = time.perf_counter() - t0
    skriv(
        f"[{skala}] data: {_tal(antal['matning'])} mätningar, {_tal(antal['flerval'])} flervalssvar, "
        f"{_tal(antal['insats'])} insatser, {_tal(antal['utbetalning'])} utbetalningar ({genererat:.0f} s)"
    )

    if url is None:
        dbfil = arbetskatalog / f"bench_{skala}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{dbfil}{suffix}").unlink(missing_ok=True)
        url_s = f"sqlite:///{dbfil}"
    else:
        url_s = url
        _tom_databas(url_s)
    eng = db.get_engine(url_s)
    db.skapa_schema(eng)
    db.dispose_engines()

    imp, peak = _kor_med_minne("import", {"url": url_s, "kalla": str(filer)})
    if not imp["ok"]:
        raise RuntimeError(f"importen av {skala} avvisades: {imp['fel']}")
    matningar = imp["antal"]["matning"]
    alla = sum(imp["antal"].values())
    ut: dict = {
        "import_sekunder": imp["sekunder"],
        "import_rader_per_s": matningar / imp["sekunder"],
        "import_alla_rader_per_s": alla / imp["sekunder"],
        "peak_mb": peak,
        "rader": antal,
    }
    skriv(
        f"[{skala}] import: {imp['sekunder']:.1f} s, {ut['import_rader_per_s']:,.0f} mätningar/s, topp {peak:,.0f} MB".replace(
            ",", " "
        )
    )

    ny_katalog = arbetskatalog / f"ny_omgang_{skala}"
    shutil.rmtree(ny_katalog, ignore_errors=True)
    omgang, n = _ny_omgang(url_s, ny_katalog)
    ny, ny_peak = _kor_med_minne("import", {"url": url_s, "kalla": str(ny_katalog)})
    if not ny["ok"]:
        raise RuntimeError(f"den nya omgången av {skala} avvisades: {ny['fel']}")
    ut["ny_omgang"] = {"rader": n, "sekunder": ny["sekunder"], "rader_per_s": n / ny["sekunder"], "peak_mb": ny_peak}
    skriv(f"[{skala}] ny omgång {omgang}: {_tal(n)} rader på {ny['sekunder']:.1f} s, topp {_tal(ny_peak)} MB")

    _skapa_anvandare(url_s)
    sidor: dict = {}
    for sida in SIDOR:
        per = {}
        for roll in OMFANG:
            r, mb = _kor_med_minne(
                "sida", {"url": url_s, "sida": sida.namn, "roll": roll, "omgang": omgang, "upprepningar": upprepningar}
            )
            per[roll] = {"kall_ms": r["kall_ms"], "varm_ms": r["varm_ms"], "peak_mb": mb}
        sidor[sida.namn] = {
            "kall_ms": max(p["kall_ms"] for p in per.values()),
            "varm_ms": max(p["varm_ms"] for p in per.values()),
            "per_omfang": per,
        }
    env = {"VAGEN_DATABASE_URL": url_s, "VAGEN_COOKIE_KEY": COOKIE_NYCKEL}
    med_fil = [s.namn for s in SIDOR if s.sida]
    for roll in OMFANG:
        r, _ = _kor_med_minne(
            "apptest",  # tests/bench_apptest.py: core does not import Streamlit
            {"url": url_s, "roll": roll, "omgang": omgang, "sidor": med_fil, "upprepningar": max(1, upprepningar - 1)},
            env,
        )
        for namn, v in r.items():
            sidor[namn]["per_omfang"][roll]["apptest_ms"] = v["apptest_ms"]
            if v["fel"]:
                sidor[namn]["per_omfang"][roll]["apptest_fel"] = v["fel"]
    for namn in med_fil:
        sidor[namn]["apptest_ms"] = max(p.get("apptest_ms", 0) for p in sidor[namn]["per_omfang"].values())
    ut["sidor"] = sidor

    naiv, naiv_mb = _kor_med_minne("naiv", {"url": url_s, "omgang": omgang, "upprepningar": upprepningar})
    naiv_e, naiv_e_mb = _kor_med_minne(
        "naiv", {"url": url_s, "omgang": omgang, "enhet": ENHET, "upprepningar": upprepningar}
    )
    produkt = sidor["profil"]["per_omfang"]["admin"]
    produkt_e = sidor["profil_enhet"]["per_omfang"]["admin"]
    ut["naiv"] = {
        "profil_ms": naiv["varm_ms"],
        "profil_enhet_ms": naiv_e["varm_ms"],
        "peak_mb": naiv_mb,
        "peak_enhet_mb": naiv_e_mb,
    }
    ut["naiv_kvot"] = max(produkt["varm_ms"] / naiv["varm_ms"], produkt_e["varm_ms"] / naiv_e["varm_ms"])
    ut["naiv_minneskvot"] = max(produkt["peak_mb"] / naiv_mb, produkt_e["peak_mb"] / naiv_e_mb)
    if url is not None:
        _tom_databas(url_s)
    return ut


def maskinen() -> dict:
    """What the figures were measured on."""
    import sqlite3

    import sqlalchemy

    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((r.split(":", 1)[1].strip() for r in open("/proc/cpuinfo") if r.startswith("model name")), "")
    minne = ""
    with contextlib.suppress(OSError):
        minne = next((r.split(":", 1)[1].strip() for r in open("/proc/meminfo") if r.startswith("MemTotal")), "")
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "kärnor": os.cpu_count(),
        "cpu": cpu,
        "minne": minne,
        "last_vid_start": os.getloadavg()[0],
    }


def skriv_tabell(resultat: dict, skriv=print) -> None:
    """The table of the run: scale × page × median ms, then import and memory."""
    skriv(f"{'Skala':<6}{'Sida':<40}{'kall ms':>10}{'varm ms':>10}{'AppTest ms':>12}")
    for skala, r in resultat.items():
        if skala.startswith("_"):
            continue
        for sida in SIDOR:
            v = r["sidor"][sida.namn]
            app = f"{v['apptest_ms']:>12.0f}" if "apptest_ms" in v else f"{'–':>12}"
            skriv(f"{skala:<6}{sida.etikett:<40}{v['kall_ms']:>10.0f}{v['varm_ms']:>10.0f}{app}")
    skriv("")
    for skala, r in resultat.items():
        if skala.startswith("_"):
            continue
        ny = r["ny_omgang"]
        skriv(
            f"{skala}: import {_tal(r['import_rader_per_s'])} mätningar/s (topp {_tal(r['peak_mb'])} MB); "
            f"ny omgång {_tal(ny['rader'])} rader på {ny['sekunder']:.1f} s (topp {_tal(ny['peak_mb'])} MB); "
            f"naiv kvot {r['naiv_kvot']:.2f}, minneskvot {r['naiv_minneskvot']:.2f}"
        )


# --------------------------------------------------------------------------------------------
# The demo: the disclosure audit's cost, the data-quality panel, the export, writes under import
# --------------------------------------------------------------------------------------------


def _tid(f: Callable[[], object], upprepningar: int) -> tuple[float, float]:
    """Median and maximum seconds of ``upprepningar`` calls."""
    tider = []
    for _ in range(upprepningar):
        t0 = time.perf_counter()
        f()
        tider.append(time.perf_counter() - t0)
    return statistics.median(tider), max(tider)


def _under_import(eng, upprepningar: int) -> dict:
    """What a page run's writes cost while another connection holds SQLite's write lock (as a
    long import does): the banner's question, the first write (waits ``db.KORT_VANTAN``, then
    is deferred), and a write within the pause after it (deferred at once); milliseconds."""
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
        ut = {
            "pagar_import_ms": _tid(lambda: db.import_pagar(eng), upprepningar)[0] * 1000,
            "forsta_skrivning_ms": _tid(lambda: uppskjutet._forsok(eng, [rad], tvinga=True), upprepningar)[0] * 1000,
            "foljande_skrivning_ms": _tid(lambda: audit.logga(eng, "bench", "export"), upprepningar)[0] * 1000,
        }
    finally:
        las.execute("ROLLBACK")
        las.close()
        logg.setLevel(niva)
    uppskjutet.skriv_vantande(eng, tvinga=True)
    return ut


def kor_demo(upprepningar: int = 3, skriv=print) -> dict:
    """On the demo in a temporary SQLite file: the disclosure audit (``core.bench_skydd``), the
    data-quality panel, the export workbook and the writes while an import holds the lock."""
    from core import bench_skydd, db, demo, exporter
    from core.matt import datakvalitet
    from core.omfang import ADMIN

    with tempfile.TemporaryDirectory(prefix="vagen-bench-demo-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        eng = db.get_engine(url)
        db.skapa_schema(eng)
        if not demo.ladda(eng).ok:
            raise RuntimeError("demo import failed")
        skriv("[demo] röjandeskyddets granskning:")
        ut = {"skydd": bench_skydd.kor(eng, "2019-09", skriv=skriv)}
        ut["datakvalitet_ms"] = _tid(lambda: datakvalitet.datakvalitet(eng, ADMIN, "2023-03"), upprepningar)[0] * 1000
        ut["export_xlsx_ms"] = _tid(lambda: exporter.xlsx_bytes(eng, ADMIN), 1)[0] * 1000
        ut["under_import"] = _under_import(eng, upprepningar)
        skriv(
            f"[demo] datakvalitet {ut['datakvalitet_ms']:.0f} ms, export {ut['export_xlsx_ms']:.0f} ms; under import: "
            + ", ".join(f"{k} {v:.0f}" for k, v in ut["under_import"].items())
        )
        db.dispose_engines()
    return ut


def kor(
    skalor: list[str] | None = None,
    url: str | None = None,
    upprepningar: int = 3,
    json_fil: Path | None = None,
    katalog: Path | None = None,
    skriv=print,
) -> dict:
    """Run the benchmark at ``skalor`` (default S, M, L); returns (and writes) the results.

    ``katalog`` keeps the generated files between runs (default: a temporary folder)."""
    skalor = skalor or ["S", "M", "L"]
    resultat: dict = {"_maskin": maskinen(), "_databas": "PostgreSQL" if url else "SQLite"}
    with tempfile.TemporaryDirectory(prefix="vagen-bench-") as tmp:
        arbete = Path(katalog) if katalog else Path(tmp)
        arbete.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        if "S" in skalor:
            resultat["_demo"] = kor_demo(upprepningar, skriv)
        for skala in skalor:
            resultat[skala] = kor_skala(skala, url, arbete, upprepningar, skriv)
            resultat["_sekunder"] = time.perf_counter() - t0
            if json_fil:
                Path(json_fil).write_text(json.dumps(resultat, indent=2, ensure_ascii=False, default=str))
    skriv("")
    skriv_tabell(resultat, skriv)
    skriv(f"Hela körningen: {resultat['_sekunder']:.0f} s ({resultat['_databas']}).")
    return resultat


if __name__ == "__main__":
    _arbetare(sys.argv[1:])
