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


# --- Insatsflöden (issue 14) ------------------------------------------------------------------


def _floden_cell(varld: Varld, grupp: str, v: str, kod, n, sann) -> None:
    varld.cell(grupp, v, kod, DOLD if _n(n) is None else _n(n))
    varld.sanning[(grupp, v, kod)] = int(sann)


def _floden_delgrupper(varld: Varld, foralder: str, v: str, kodord, marg_visad: dict, marg_sann: dict) -> dict:
    """Groups ``foralder|v=k`` for every code of a single-valued ``v``: they split the parent,
    each holds only its own code, and its size is the parent's count of the code."""
    namn = {k: f"{foralder}|{v}={k}" for k in kodord}
    varld.partitioner.append((foralder, list(namn.values())))
    for k, g in namn.items():
        if k not in marg_visad:
            varld.grupp(g, None)  # not shown anywhere: the reader infers it
        else:
            varld.grupp(g, DOLD if _n(marg_visad[k]) is None else _n(marg_visad[k]))
        varld.sanning[("n", g)] = int(marg_sann.get(k, 0))
        varld.lika.append((("n", g), (foralder, v, k)))
        for y in kodord:
            if y != k:
                varld.cell(g, v, y, 0)
        varld.lika.append(((g, v, k), ("n", g)))
    return namn


def samla_floden(eng, period, *, med_kon: bool = True) -> tuple[Varld, Varld]:
    """Everything a politician sees on Insatsflöden for ``period``: (the persons' world — the
    flow diagram's nodes and links, handovers by sex and by first unit — and the episodes'
    world — the referral matrix, unit × insatstyp, outcomes by unit, insatstyp and sex).

    With ``med_kon`` the page filtered to women and to men is collected too (the same views
    for each sex, which split the whole)."""
    from core.matt import floden
    from core.population import SAKNAS as S

    def vy(om, urval=floden.ALLA):
        return floden.floden(eng, om, period, urval)

    p_alla, s_alla = vy(POLITIKER), vy(ADMIN)
    enh = list(p_alla.enheter)
    steg = list(floden.STEG)
    kodord = {s: list(floden.stegkoder(tuple(enh), s)) for s in steg}
    kat = list(floden.OVERLAMNINGAR)
    personer = Varld({**{s: ("enkel", kodord[s]) for s in steg}, "overlamningar": ("enkel", kat)})
    koner = ("K", "M", S)

    def nodmarg(f, s):
        d = {r.kod: r.n for r in f.noder[f.noder["steg"] == s].itertuples()}
        if not f.skyddad:  # the truth: the persons already out are the rest
            d[floden.UTE] = f.n_personer - sum(int(x) for x in d.values())
        return d

    def personvy(g: str, p, s_):
        personer.grupp(g, DOLD if p.n_personer is None else p.n_personer)
        personer.sanning[("n", g)] = s_.n_personer
        for st in steg:
            pm, sm = nodmarg(p, st), nodmarg(s_, st)
            for k in kodord[st]:
                if k == floden.UTE:
                    continue  # never shown (the persons already out): inferred
                _floden_cell(personer, g, st, k, pm.get(k), sm.get(k, 0))
        over_p = p.overlamningar[p.overlamningar["grupp"] == "alla"].set_index("kategori")["n"]
        over_s = s_.overlamningar[s_.overlamningar["grupp"] == "alla"].set_index("kategori")["n"]
        for k in kat:
            _floden_cell(personer, g, "overlamningar", k, over_p[k], over_s[k])
        # the links: for each step, the persons of a node of that step are a group whose
        # counts of the next step are the links out of it
        lp = p.steglankar.set_index(["steg", "fran", "till"])["n"].to_dict()
        ls = s_.steglankar.set_index(["steg", "fran", "till"])["n"].to_dict()
        for st, nasta in zip(steg, steg[1:], strict=False):
            pm, sm = nodmarg(p, st), nodmarg(s_, st)
            namn = _floden_delgrupper(personer, g, st, kodord[st], pm, sm)
            for a in kodord[st]:
                for b in kodord[nasta]:
                    if (st, a, b) in lp or (st, a, b) in ls:
                        _floden_cell(personer, namn[a], nasta, b, lp.get((st, a, b)), ls.get((st, a, b), 0))
                    elif a not in (floden.UTE, *floden.SLUTNODER) or b != floden.UTE:
                        # a link the page does not list is a shown zero; so are the links a
                        # reader knows cannot exist (a unit is always followed by a unit or an
                        # end, an end only by "out")
                        _floden_cell(personer, namn[a], nasta, b, 0, 0)
            if st == "steg1":
                pe = p.overlamningar_per_enhet.set_index(["enhet", "kategori"])["n"].to_dict()
                se = s_.overlamningar_per_enhet.set_index(["enhet", "kategori"])["n"].to_dict()
                for a in enh:
                    for k in kat:
                        _floden_cell(personer, namn[a], "overlamningar", k, pe[(a, k)], se[(a, k)])
        return namn

    personvy("W", p_alla, s_alla)
    # handovers by sex, as the page shows them in the whole
    personer.partitioner.append(("W", [f"kon={k}" for k in koner]))
    for k in ("K", "M"):
        g = f"kon={k}"
        d_p = p_alla.overlamningar[p_alla.overlamningar["grupp"] == k].set_index("kategori")["n"]
        d_s = s_alla.overlamningar[s_alla.overlamningar["grupp"] == k].set_index("kategori")["n"]
        for c in kat:
            _floden_cell(personer, g, "overlamningar", c, d_p[c], d_s[c])
    if med_kon:
        for k in ("K", "M"):
            personvy(f"kon={k}", vy(POLITIKER, floden.FlodesUrval(kon=(k,))), vy(ADMIN, floden.FlodesUrval(kon=(k,))))

    # the episodes
    typer = list(floden.TYPKODER)
    utf = [*floden.UTFALL, S]
    episoder = Varld(
        {
            "fran_enhet": ("enkel", enh),
            "till_enhet": ("enkel", enh),
            "insatstyp": ("enkel", typer),
            "utfall": ("enkel", [u for u in utf if u != S]),
        }
    )

    def episodvy(g: str, p, s_):
        episoder.grupp(g, DOLD if p.n_episoder is None else p.n_episoder)
        episoder.sanning[("n", g)] = s_.n_episoder
        av_p = p.avslut.set_index(["niva", "kod", "utfall"])["n"].to_dict()
        av_s = s_.avslut.set_index(["niva", "kod", "utfall"])["n"].to_dict()
        for u in utf:
            _floden_cell(episoder, g, "utfall", u, av_p[("alla", "alla", u)], av_s[("alla", "alla", u)])
        m_s = s_.lankar.groupby("till_enhet")["n"].sum().to_dict()
        namn = _floden_delgrupper(episoder, g, "till_enhet", enh, {}, m_s)
        for a in enh:
            for b in enh:
                r_p = p.lankar[(p.lankar["fran_enhet"] == a) & (p.lankar["till_enhet"] == b)]["n"].iloc[0]
                r_s = s_.lankar[(s_.lankar["fran_enhet"] == a) & (s_.lankar["till_enhet"] == b)]["n"].iloc[0]
                _floden_cell(episoder, namn[b], "fran_enhet", a, r_p, r_s)
            for u in utf:
                _floden_cell(episoder, namn[a], "utfall", u, av_p[("enhet", a, u)], av_s[("enhet", a, u)])
        tnamn = _floden_delgrupper(episoder, g, "insatstyp", typer, {}, {})
        for t in typer:
            mp = p.matris_insatstyp[p.matris_insatstyp["insatstyp"] == t].set_index("enhet")["n"]
            ms = s_.matris_insatstyp[s_.matris_insatstyp["insatstyp"] == t].set_index("enhet")["n"]
            for a in enh:
                _floden_cell(episoder, tnamn[t], "till_enhet", a, mp[a], ms[a])
            for u in utf:
                _floden_cell(episoder, tnamn[t], "utfall", u, av_p[("insatstyp", t, u)], av_s[("insatstyp", t, u)])
        # the waiting-time tables: started episodes = every utfall but waiting, per unit and type
        vt_p = p.vantetid.set_index(["niva", "kod"])["startade"].to_dict()
        vt_s = s_.vantetid.set_index(["niva", "kod"])["startade"].to_dict()
        for niva, grupper in (("enhet", namn), ("insatstyp", tnamn)):
            for kod, grp in grupper.items():
                nyckel = (grp, "utfall", "_startade")
                episoder.summor.append((nyckel, [(grp, "utfall", u) for u in utf if u != floden.VANTAR]))
                episoder.celler[nyckel] = DOLD if _n(vt_p[(niva, kod)]) is None else _n(vt_p[(niva, kod)])
                episoder.sanning[nyckel] = int(vt_s[(niva, kod)])
        episoder.sanning.update(
            {("n", tnamn[t]): int(s_.matris_insatstyp[s_.matris_insatstyp["insatstyp"] == t]["n"].sum()) for t in typer}
        )
        return av_p, av_s

    av_p, av_s = episodvy("W", p_alla, s_alla)
    episoder.partitioner.append(("W", [f"kon={k}" for k in koner]))
    for k in ("K", "M"):
        _floden_cell_kon = {u: (av_p[("kon", k, u)], av_s[("kon", k, u)]) for u in utf}
        for u, (a, b) in _floden_cell_kon.items():
            _floden_cell(episoder, f"kon={k}", "utfall", u, a, b)
    if med_kon:
        for k in ("K", "M"):
            episodvy(f"kon={k}", vy(POLITIKER, floden.FlodesUrval(kon=(k,))), vy(ADMIN, floden.FlodesUrval(kon=(k,))))
    for v in (personer, episoder):
        for g in list(v.storlek):
            if g.startswith("kon=") and "|" not in g and ("n", g) not in v.sanning:
                v.sanning[("n", g)] = 0
    return personer, episoder
