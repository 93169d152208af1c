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


# --- issue 16: what a medarbetare sees of the rest of the process ------------------------------------


def samla_medarbetare(eng, omgang: str, enhet: str | None, *, naiv: bool = False, primar: bool = False) -> Varld:
    """Everything a medarbetare of ``enhet`` learns about the *rest* of the process from
    Prioritering (the whole matrix, all and by sex, with its margins) and Min enhet (the
    process's key figures): each shown figure of the process minus the unit's own count, which
    they know from the lists. ``naiv``: the process's figures as the round's ordinary release
    shows them (processledning's protected file), i.e. protected without knowing the unit —
    the control that the attack is real. ``enhet`` None: the protected matrix of the whole round
    (processledning's protected file, ``report prioritering --skydd on``), nothing known.
    ``primar``: the true figures with only the rest's counts of 1–4 hidden (no secondary
    suppression, no audit) — the control that the attacker finds what is there to find.
    """
    from core.matt import min_enhet, prioritering
    from core.population import NAGON, SAKNAS

    kalla = Omfang("processledning") if naiv or enhet is None else Omfang("medarbetare", enhet)
    kalla = ADMIN if primar else kalla
    m = prioritering.matris(eng, kalla, omgang, export=kalla.roll == "processledning")
    if enhet is None:  # nothing known: the "unit" is nobody
        egen = prioritering.matris(eng, ADMIN, omgang)
        for t in (egen.celler, egen.rader, egen.kolumner):
            for k in ("n", "kvinnor", "man"):
                if k in t:
                    t[k] = 0
        egen.n = 0
    else:
        egen = prioritering.matris(eng, ADMIN, omgang, enhet)
        me = min_enhet.min_enhet(eng, kalla, omgang, enhet, export=naiv).tabell.set_index("matt")
        me_egen = min_enhet.min_enhet(eng, ADMIN, omgang, enhet).tabell.set_index("matt")
    pop = prioritering.PrioriteringsPopulation(
        eng, omgang, profil.hamta_omgang(eng, omgang).datum, "", m.granser, utom=enhet
    )
    P, N = prioritering.POTENTIAL, prioritering.NIVA
    nivaer = ["1", "2", "3"]
    insatser = ["ingen", *pop.enheter]
    varld = Varld(
        {
            P: ("enkel", list(koder.FORANDRINGSPOTENTIAL)),
            N: ("enkel", nivaer),
            "handlingsplan": ("enkel", ["ja", "nej"]),
            "af_inskriven": ("enkel", ["ja", "nej", "okand"]),
            "pagaende_insats": ("flerval", insatser, ("ingen",)),
            "inskrivningstid": ("enkel", list(koder.VARIABLER["inskrivningstid"].koder)),
        }
    )

    def rest(visat, kand):
        if visat is None or visat is pd.NA or pd.isna(visat):
            return DOLD
        r = int(visat) - int(kand)
        return DOLD if primar and 0 < r < 5 else r

    # the truth about the rest, straight from the population (raw)
    s0 = pop.storlekar(())
    f0 = pop.fordelningar(())
    fk = pop.fordelningar(("kon",))
    p0 = pop.par(N, P, ())
    pk = pop.par(N, P, ("kon",))
    si = pop.storlekar(("inskrivningstid",))
    varld.sanning[("n", "R")] = s0.get((), 0)
    for v in (P, N, "handlingsplan", "af_inskriven", "pagaende_insats"):
        for k in [*varld.variabler[v][1], SAKNAS, NAGON]:
            varld.sanning[("R", v, k)] = f0.get((v, k, ()), 0)
    for k in [*varld.variabler["inskrivningstid"][1], SAKNAS]:
        varld.sanning[("R", "inskrivningstid", k)] = si.get((k,), 0)

    # the matrix: each level a group of its own (a cross-tab column), by sex too
    varld.grupp("R", rest(m.n, egen.n))
    rader, egna_rader = m.rader.set_index("potential"), egen.rader.set_index("potential")
    for p in prioritering.POTENTIALER:
        varld.cell("R", P, p, rest(rader.loc[p, "n"], egna_rader.loc[p, "n"]))
    kol, egna_kol = m.kolumner.set_index("niva"), egen.kolumner.set_index("niva")
    for v in prioritering.NIVAER:
        varld.cell("R", N, v, rest(kol.loc[v, "n"], egna_kol.loc[v, "n"]))
    c, ce = m.celler.set_index(["potential", "niva"]), egen.celler.set_index(["potential", "niva"])
    kon_grupper = {"": "n", "K": "kvinnor", "M": "man", SAKNAS: None}
    varld.partitioner.append(("R", ["R|K", "R|M", f"R|{SAKNAS}"]))
    for kon in ("K", "M", SAKNAS):
        varld.grupp(f"R|{kon}", None)
        varld.sanning[("n", f"R|{kon}")] = pop.storlekar(("kon",)).get((kon,), 0)
    for v in prioritering.NIVAER:
        barn = []
        for kon, kolumn in kon_grupper.items():
            g = f"R{'|' + kon if kon else ''}|{N}={v}"
            if kon:
                barn.append(g)
            varld.grupp(g, None)
            varld.lika.append(((g, N, v), ("n", g)))
            for y in prioritering.NIVAER:
                if y != v:
                    varld.cell(g, N, y, 0)
            varld.sanning[("n", g)] = f0.get((N, v, ()), 0) if not kon else fk.get((N, v, (kon,)), 0)
            for p in prioritering.POTENTIALER:
                varld.sanning[(g, P, p)] = p0.get((v, p, ()), 0) if not kon else pk.get((v, p, (kon,)), 0)
                if kolumn is not None:
                    sk = "skyddad" if kolumn == "n" else f"{kolumn}_skyddad"
                    visat = None if c.loc[(p, v), sk] else c.loc[(p, v), kolumn]
                    varld.cell(g, P, p, rest(visat, ce.loc[(p, v), kolumn]))
        varld.lika.append((("n", f"R|{N}={v}"), ("R", N, v)))
        varld.partitioner.append((f"R|{N}={v}", barn))
    for kon in ("K", "M", SAKNAS):
        varld.partitioner.append((f"R|{kon}", [f"R|{kon}|{N}={v}" for v in prioritering.NIVAER]))

    if enhet is None:
        return varld

    # Min enhet's key figures of the process
    def nyckel(matt):
        visat = None if me.loc[matt, "alla_skyddad"] else me.loc[matt, "alla_n"]
        return rest(visat, me_egen.loc[matt, "enhet_n"])

    varld.grupp("R", nyckel("personer"))
    varld.cell("R", "handlingsplan", "ja", nyckel("handlingsplan"))
    varld.celler[("R", "handlingsplan", "_utan")] = nyckel("utan_plan")
    varld.summor.append((("R", "handlingsplan", "_utan"), [("R", "handlingsplan", k) for k in ("nej", SAKNAS)]))
    varld.sanning[("R", "handlingsplan", "_utan")] = f0.get(("handlingsplan", "nej", ()), 0) + f0.get(
        ("handlingsplan", SAKNAS, ()), 0
    )
    varld.cell("R", "pagaende_insats", NAGON, nyckel("pagaende_insats"))
    varld.cell("R", "af_inskriven", "ja", nyckel("af_inskriven"))
    varld.cell("R", "inskrivningstid", "3+", nyckel("minst_3_ar"))
    varld.celler[("R", "inskrivningstid", "_1ar")] = nyckel("minst_1_ar")
    varld.summor.append((("R", "inskrivningstid", "_1ar"), [("R", "inskrivningstid", k) for k in ("1-2", "2-3", "3+")]))
    varld.sanning[("R", "inskrivningstid", "_1ar")] = sum(si.get((k,), 0) for k in ("1-2", "2-3", "3+"))
    varld.cell(f"R|{N}=3", P, "hog", nyckel("prioriterade"))
    return varld


def samla_forflyttning(eng, fran: str, till: str, enhet: str, *, primar: bool = False) -> Varld:
    """What a medarbetare of ``enhet`` learns about the rest of the process from the movement
    across the matrix (both transition tables minus the unit's own counts); ``primar``: the
    true tables with only the rest's counts of 1–4 hidden (the control)."""
    from core.matt import forflyttning

    om = ADMIN if primar else Omfang("medarbetare", enhet)
    f = forflyttning.forflyttning(eng, om, till, fran)
    egen = forflyttning.forflyttning(eng, ADMIN, till, fran, enhet)
    pop = forflyttning.ForflyttningsPopulation(
        eng, profil.hamta_omgang(eng, fran), profil.hamta_omgang(eng, till), "", utom=enhet
    )
    varld = Varld({v: ("enkel", list(s.koder)) for v, s in pop.variabler.items()})
    varld.grupp("R", DOLD if f.n is None else int(f.n) - int(egen.n))  # "N personer finns med i båda"
    varld.sanning[("n", "R")] = pop.storlekar(())[()]
    for namn, (v1, v2, koder_, _e) in forflyttning.TABELLER.items():
        sann = pop.par(v1, v2, ())
        t = f.tabeller[namn].set_index(["fran", "till"])
        u = egen.tabeller[namn].set_index(["fran", "till"])["n"]
        barn = []
        for y in koder_:
            g = f"R|{v2}={y}"
            barn.append(g)
            varld.grupp(g, None)
            varld.sanning[("n", g)] = sum(sann.get((x, y, ()), 0) for x in koder_)
            varld.lika.append(((g, v2, y), ("n", g)))
            for z in koder_:
                if z != y:
                    varld.cell(g, v2, z, 0)
            for x in koder_:
                varld.sanning[(g, v1, x)] = sann.get((x, y, ()), 0)
                visat = None if t.loc[(x, y), "skyddad"] else t.loc[(x, y), "n"]
                if visat is None or pd.isna(visat):
                    varld.cell(g, v1, x, DOLD)
                    continue
                r = int(visat) - int(u[(x, y)])
                varld.cell(g, v1, x, DOLD if primar and 0 < r < 5 else r)
        varld.partitioner.append(("R", barn))
    return varld


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


# --- Trender (issue 15): the same persons in two rounds -------------------------------------------


def samla_trender(eng, fran: str, till: str, *, skyddad_omfang: Omfang = POLITIKER) -> Varld:
    """What a politician sees on Trender's "Samma personer" of rounds ``fran`` → ``till``: the
    persons in either round by sex — in ``fran`` or new or back (``i_fran``), in ``till`` or
    left with a closure reason (``i_till``) — the stayers, both rounds' sizes, and each state's
    transition table of the stayers by sex.

    The reader knows: the persons in either round split by sex, and into those in ``till`` and
    those not; everyone not in ``till`` was in ``fran`` and every joiner is in ``till``; the
    stayers are those in both, and the transition tables' persons; each column of a
    transition table (a state in ``till``) is a group of its own, split by the rows.
    ``skyddad_omfang`` is the scope whose view is collected (the truth is always admin's)."""
    from core.matt import trender
    from core.population_trender import JA, LAMNAT_KODER, TILLKOMMIT_KODER, TILLSTAND

    o = trender.overgangar(eng, skyddad_omfang, fran, till)
    s = trender.overgangar(eng, ADMIN, fran, till)
    tillstand_koder = {t: [*k, "saknas"] for t, k in TILLSTAND.items()}
    variabler = {"i_fran": ("enkel", [JA, *TILLKOMMIT_KODER]), "i_till": ("enkel", [JA, *LAMNAT_KODER])}
    for t, k in TILLSTAND.items():
        variabler[f"fore_{t}"] = ("enkel", list(k))
        variabler[f"efter_{t}"] = ("enkel", list(k))
    varld = Varld(variabler)
    grupper = {"alla": "U", "kvinnor": "U:K", "män": "U:M"}
    alla_g = ("U", "U:K", "U:M", "U:saknas")
    for suffix in ("", "|B", "|ejB"):
        varld.partitioner.append((f"U{suffix}", [f"U:K{suffix}", f"U:M{suffix}", f"U:saknas{suffix}"]))
    varld.partitioner.append(("S", ["S:K", "S:M", "S:saknas"]))
    for g in alla_g:
        gb, nb = f"{g}|B", f"{g}|ejB"
        for x in (g, gb, nb, g.replace("U", "S")):
            varld.grupp(x, None)
        varld.partitioner.append((g, [gb, nb]))
        varld.lika.append((("n", gb), (g, "i_till", JA)))
        varld.lika.append(((gb, "i_till", JA), ("n", gb)))
        for k in LAMNAT_KODER:
            varld.cell(gb, "i_till", k, 0)
        varld.cell(nb, "i_till", JA, 0)
        for k in TILLKOMMIT_KODER:
            varld.cell(nb, "i_fran", k, 0)  # every joiner is in the later round
        varld.lika.append((("n", g.replace("U", "S")), (gb, "i_fran", JA)))  # the stayers

    def visa(nyckel, v, sant):
        varld.sanning[nyckel] = int(sant)
        return DOLD if _n(v) is None else _n(v)

    st, ss = o.storlek.set_index("grupp"), s.storlek.set_index("grupp")
    la, ls = o.lamnat.set_index(["grupp", "orsak"])["n"], s.lamnat.set_index(["grupp", "orsak"])["n"]
    ta, ts = o.tillkommit.set_index(["grupp", "slag"])["n"], s.tillkommit.set_index(["grupp", "slag"])["n"]
    for grupp, g in grupper.items():
        nyckel = (f"{g}|B", "i_fran", JA)
        varld.cell(*nyckel, visa(nyckel, st.loc[grupp, "kvar"], ss.loc[grupp, "kvar"]))
        for k in LAMNAT_KODER:
            orsak = k.split(":", 1)[1]
            varld.cell(g, "i_till", k, visa((g, "i_till", k), la[(grupp, orsak)], ls[(grupp, orsak)]))
        for k in TILLKOMMIT_KODER:
            slag = k.split(":", 1)[1]
            varld.cell(g, "i_fran", k, visa((g, "i_fran", k), ta[(grupp, slag)], ts[(grupp, slag)]))
        for var, namn, kodord in (("i_till", "_lamnat", LAMNAT_KODER), ("i_fran", "_tillkommit", TILLKOMMIT_KODER)):
            nyckel = (g, var, namn)
            varld.cell(*nyckel, visa(nyckel, st.loc[grupp, namn[1:]], ss.loc[grupp, namn[1:]]))
            varld.summor.append((nyckel, [(g, var, k) for k in kodord]))
        varld.cell(g, "i_fran", JA, visa((g, "i_fran", JA), st.loc[grupp, "fran_n"], ss.loc[grupp, "fran_n"]))
        varld.cell(g, "i_till", JA, visa((g, "i_till", JA), st.loc[grupp, "till_n"], ss.loc[grupp, "till_n"]))
    # Översikt shows both rounds' sizes by sex (another release): the reader has them too
    for omgang, var in ((fran, "i_fran"), (till, "i_till")):
        ov = oversikt.oversikt(eng, skyddad_omfang, omgang).tabell.set_index("matt").loc["personer"]
        for kol, skol, g in (
            ("varde", "skyddad", "U"),
            ("kvinnor", "kvinnor_skyddad", "U:K"),
            ("man", "man_skyddad", "U:M"),
        ):
            if not ov[skol] and _n(ov[kol]) is not None:
                varld.cell(g, var, JA, _n(ov[kol]))
    # transition tables: each column (the state in ``till``) is a group split by sex
    ot = o.tabeller.set_index(["tillstand", "grupp", "fore", "efter"])["n"]
    stt = s.tabeller.set_index(["tillstand", "grupp", "fore", "efter"])["n"]
    for t, kodord in tillstand_koder.items():
        for e in kodord:
            kolumn = {g: f"{g.replace('U', 'S')}|efter_{t}={e}" for g in ("U", "U:K", "U:M", "U:saknas")}
            varld.partitioner.append((kolumn["U"], [kolumn["U:K"], kolumn["U:M"], kolumn["U:saknas"]]))
            for g, kg in kolumn.items():
                varld.grupp(kg, None)
                varld.lika.append((("n", kg), (g.replace("U", "S"), f"efter_{t}", e)))
                for y in kodord:
                    if y != e:
                        varld.cell(kg, f"efter_{t}", y, 0)
                varld.lika.append(((kg, f"efter_{t}", e), ("n", kg)))
        for g in ("U", "U:K", "U:M", "U:saknas"):
            sg = g.replace("U", "S")
            varld.partitioner.append((sg, [f"{sg}|efter_{t}={e}" for e in kodord]))
        for grupp, g in grupper.items():
            for e in kodord:
                kg = f"{g.replace('U', 'S')}|efter_{t}={e}"
                for a in kodord:
                    nyckel = (kg, f"fore_{t}", a)
                    varld.cell(kg, f"fore_{t}", a, visa(nyckel, ot[(t, grupp, a, e)], stt[(t, grupp, a, e)]))
    return varld
