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
