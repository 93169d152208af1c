"""Everything a politician can see of one round, collected for the attacker (tests/angripare.py).

The collector calls the same public functions the pages and reports call, with the politiker
scope, and writes down every number shown and every cell hidden: the whole round's profile,
the round filtered by every dimension with one value left out, one unit against the rest for
every unit and variable, Översikt's key figures by sex (their shares as relations between a
count and its base), and cross-tabs of pairs of variables. The truth comes from the same
functions with an unprotected scope, so a pinned value can be checked against it.
"""

from __future__ import annotations

import math
import random

import pandas as pd

from core import koder
from core.matt import jamforelse, korstabell, oversikt, profil
from core.matt.profil import Urval
from core.omfang import ADMIN, Omfang
from tests.angripare import DOLD, Varld

POLITIKER = Omfang("politiker")
DIMENSIONER = ("kon", "aldersgrupp", "fodelseregion", "inskrivningstid")


def _n(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else int(v)


def _spec(eng, v: str) -> tuple:
    var = koder.VARIABLER[v]
    kodord = [k for k in profil.kodlista(eng, v)]
    if var.flerval:
        return ("flerval", kodord, tuple(var.ensam))
    return ("enkel", kodord)


def _dimgrupp(d: str, v: str) -> str:
    return f"{d}={v}"


def samla(eng, omgang: str, variabler: list[str], enheter: list[str], par: list[tuple[str, str]]) -> Varld:
    """Collect the politician's views of ``omgang`` over ``variabler`` into a :class:`Varld`."""
    varld = Varld({v: _spec(eng, v) for v in variabler})
    dims = [d for d in DIMENSIONER if d in variabler]

    def profilvy(grupp: str, urval: Urval) -> None:
        p = profil.profil(eng, POLITIKER, omgang, urval, variabler)
        s = profil.profil(eng, ADMIN, omgang, urval, variabler)
        varld.grupp(grupp, DOLD if p.n is None else p.n)
        varld.sanning[("n", grupp)] = s.n
        for v in variabler:
            for kod, n, n_sant in zip(
                p.fordelningar[v]["kod"], p.fordelningar[v]["n"], s.fordelningar[v]["n"], strict=True
            ):
                varld.cell(grupp, v, kod, DOLD if _n(n) is None else _n(n))
                varld.sanning[(grupp, v, kod)] = int(n_sant)

    # the whole round
    profilvy("W", Urval())
    # every dimension with one value left out; the reader knows the groups of a dimension
    # split the round, and which codes of the dimension each group can hold
    for d in dims:
        alla = [*koder.VARIABLER[d].koder, koder.SAKNAS]
        varld.partitioner.append(("W", [_dimgrupp(d, x) for x in alla]))
        for x in alla:
            g = _dimgrupp(d, x)
            varld.grupp(g, None)
            for y in alla:
                if y != x:
                    varld.cell(g, d, y, 0)
            varld.lika.append(((g, d, x), ("n", g)))
            utan = f"{d}≠{x}"
            profilvy(utan, Urval(**{d: tuple(y for y in alla if y != x)}))
            varld.partitioner.append((utan, [_dimgrupp(d, y) for y in alla if y != x]))
    # one unit against the rest, for every unit and variable
    for e in enheter:
        enh, rest = f"U:{e}", f"R:{e}"
        varld.partitioner.append(("W", [enh, rest]))
        for v in variabler:
            j = jamforelse.enhet_mot_resten(eng, POLITIKER, omgang, e, v)
            js = jamforelse.enhet_mot_resten(eng, ADMIN, omgang, e, v)
            st, ss = j.storlek.set_index("grupp")["n"], js.storlek.set_index("grupp")["n"]
            for grupp, namn in (("enhet", enh), ("resten", rest)):
                varld.grupp(namn, DOLD if _n(st[grupp]) is None else _n(st[grupp]))
                varld.sanning[("n", namn)] = int(ss[grupp])
                f = j.fordelning[j.fordelning["grupp"] == grupp]
                fs = js.fordelning[js.fordelning["grupp"] == grupp]
                for kod, n, n_sant in zip(f["kod"], f["n"], fs["n"], strict=True):
                    varld.cell(namn, v, kod, DOLD if _n(n) is None else _n(n))
                    varld.sanning[(namn, v, kod)] = int(n_sant)
    # Översikt: the sizes, and each shown share as "count = share x base"
    if "kon" in variabler:
        ov = oversikt.oversikt(eng, POLITIKER, omgang).tabell.set_index("matt")
        grupper = {"varde": "W", "kvinnor": _dimgrupp("kon", "K"), "man": _dimgrupp("kon", "M")}
        skydd = {"varde": "skyddad", "kvinnor": "kvinnor_skyddad", "man": "man_skyddad"}
        taljare = {
            "andel_handlingsplan": ("handlingsplan", "ja"),
            "andel_af": ("af_inskriven", "ja"),
            "andel_pagaende_insats": ("pagaende_insats", "_nagon"),
            "andel_3ar": ("inskrivningstid", "3+"),
            "andel_1ar": ("inskrivningstid", ("1-2", "2-3", "3+")),
        }
        for kol, g in grupper.items():
            r = ov.loc["personer"]
            if not r[skydd[kol]]:
                varld.grupp(g, int(r[kol]))
            for matt, (v, kod) in taljare.items():
                if v not in variabler or ov.loc[matt, skydd[kol]] or _n(ov.loc[matt, kol] * 1e6) is None:
                    continue
                andel = float(ov.loc[matt, kol])
                if isinstance(kod, tuple):
                    nyckel = (g, "_1ar", "x")
                    varld.summor.append((nyckel, [(g, v, k) for k in kod]))
                else:
                    nyckel = (g, v, kod)
                varld.kvoter.append((nyckel, ("n", g), andel))
    # cross-tabs: each column (a single-valued variable's code) is a group of its own
    for v1, v2 in par:
        kt = korstabell.korstabell(eng, POLITIKER, omgang, v1, v2)
        ks = korstabell.korstabell(eng, ADMIN, omgang, v1, v2)
        kolumner = list(kt.kolumner["kod"])
        namn = {k: (_dimgrupp(v2, k) if v2 in DIMENSIONER else f"W|{v2}={k}") for k in kolumner}
        if v2 not in DIMENSIONER:
            varld.partitioner.append(("W", list(namn.values())))
            for k, g in namn.items():
                varld.grupp(g, None)
                varld.lika.append((("n", g), ("W", v2, k)))
                for y in kolumner:
                    if y != k:
                        varld.cell(g, v2, y, 0)
                varld.lika.append(((g, v2, k), ("n", g)))
        for m, ms in zip(kt.kolumner.itertuples(), ks.kolumner.itertuples(), strict=True):
            varld.grupp(namn[m.kod], DOLD if m.skyddad else int(m.n))
            varld.sanning[("n", namn[m.kod])] = int(ms.n)
        for c, cs in zip(kt.celler.itertuples(), ks.celler.itertuples(), strict=True):
            g = namn[c.kolumn]
            varld.cell(g, v1, c.rad, DOLD if c.skyddad else int(c.n))
            varld.sanning[(g, v1, c.rad)] = int(cs.n)
    return varld


def slumpade_par(rng: random.Random, variabler: list[str], antal: int) -> list[tuple[str, str]]:
    """Random (row, column) pairs; the column single-valued (its codes split the round)."""
    enkla = [v for v in variabler if not koder.VARIABLER[v].flerval]
    return [(rng.choice([v for v in variabler if v != k]), k) for k in rng.sample(enkla, min(antal, len(enkla)))]


# --- Jämställdhet (issue 13) ----------------------------------------------------------------------

INSATSSPEC = {
    "arbetsnara": ("enkel", ["ja", "nej"]),
    "insatstyp": ("flerval", ["ingen", *(str(t) for t in range(1, 13))], ("ingen",)),
    "forsta_insats": ("enkel", ["ja", "nej"]),
}


def samla_jamstalldhet(eng, omgang: str, varld: Varld, variabler: list[str], *, bara_primar: bool = False) -> Varld:
    """Add the Jämställdhet page's views (politiker) of ``omgang`` to ``varld``: every
    indicator of ``variabler`` and of the derived insats variables for women, men and blank
    sex (the groups ``kon=K``, ``kon=M``, ``kon=saknas``), and the work-near share within each
    ``arbetshinder`` code, ``halsa`` code and age band, by sex.

    ``bara_primar``: instead of the page's protected numbers, the true ones with only the
    counts of 1–4 hidden (no secondary suppression, no audit) — to check that the attacker
    *would* find something if the protection were off."""
    from core.matt import jamstalldhet

    for v, spec in INSATSSPEC.items():
        varld.variabler.setdefault(v, spec)
    sann = jamstalldhet.jamstalldhet(eng, ADMIN, omgang)
    res = _bara_primar(sann) if bara_primar else jamstalldhet.jamstalldhet(eng, POLITIKER, omgang)
    grupper = {"K": _dimgrupp("kon", "K"), "M": _dimgrupp("kon", "M"), koder.SAKNAS: _dimgrupp("kon", koder.SAKNAS)}
    for k, g in grupper.items():
        varld.grupp(g, DOLD if res.storlek[k] is None else res.storlek[k])
        varld.sanning[("n", g)] = sann.storlek[k]
    d = res.indikatorer.set_index("indikator")
    ds = sann.indikatorer.set_index("indikator")
    kol = {"K": "n_K", "M": "n_M", koder.SAKNAS: "n_saknas"}
    for ind in d.index:
        v, _, kod = ind.partition(":")
        if v not in varld.variabler or not kod:
            continue
        if kod == "_nagon" and varld.variabler[v][0] != "flerval":
            continue
        for k, g in grupper.items():
            n = _n(d.loc[ind, kol[k]])
            varld.cell(g, v, kod, DOLD if n is None else n)
            varld.sanning[(g, v, kod)] = int(ds.loc[ind, kol[k]])
    # the strata: the persons of one sex with a barrier (or of a health code, an age band) form
    # a group whose size is a shown cell; with the rest of that sex it splits the sex group
    strata = [(res.strata, sann.strata)]
    if "aldersgrupp" in variabler and not bara_primar:
        strata.append(
            (jamstalldhet.aldersstrata(eng, POLITIKER, omgang)[0], jamstalldhet.aldersstrata(eng, ADMIN, omgang)[0])
        )
    for s, ss in strata:
        s = s[s["insats"] == jamstalldhet.ARBETSNARA]
        ss = ss[ss["insats"] == jamstalldhet.ARBETSNARA].set_index(["stratum", "stratumkod"])
        for r in s.itertuples():
            if r.stratum not in variabler:
                continue
            for k in ("K", "M"):
                g = grupper[k]
                inne, ute = f"{g}|{r.stratum}={r.stratumkod}", f"{g}|{r.stratum}≠{r.stratumkod}"
                bas, n = _n(getattr(r, f"bas_{k}")), _n(getattr(r, f"n_{k}"))
                varld.grupp(inne, DOLD if bas is None else bas)
                varld.sanning[("n", inne)] = int(ss.loc[(r.stratum, r.stratumkod), f"bas_{k}"])
                varld.lika.append((("n", inne), (g, r.stratum, r.stratumkod)))
                varld.lika.append(((inne, r.stratum, r.stratumkod), ("n", inne)))
                varld.cell(ute, r.stratum, r.stratumkod, 0)
                varld.partitioner.append((g, [inne, ute]))
                varld.cell(inne, "arbetsnara", "ja", DOLD if n is None else n)
                varld.sanning[(inne, "arbetsnara", "ja")] = int(ss.loc[(r.stratum, r.stratumkod), f"n_{k}"])
    return varld


def _bara_primar(res):
    """The page's figures with only primary suppression (counts of 1–4 hidden)."""
    import copy

    ut = copy.copy(res)

    def dolj(df, kolumner):
        df = df.copy()
        for c in kolumner:
            df[c] = df[c].astype("Int64").mask(df[c].astype("Int64").between(1, 4))
        return df

    ut.indikatorer = dolj(res.indikatorer, ["n_K", "n_M", "n_saknas"])
    ut.strata = dolj(res.strata, ["n_K", "n_M", "bas_K", "bas_M"])
    ut.storlek = {k: (None if v is not None and 1 <= v <= 4 else v) for k, v in res.storlek.items()}
    return ut
