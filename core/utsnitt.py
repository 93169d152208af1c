"""Views of the release: the numbers a suppressed scope sees, read off the protected layers.

Every page, report and download that shows a suppressed scope a figure about a round gets
it from here, so the same count reads the same everywhere and no view protects its own copy
(rule 9). A view asks for *combinations* of cells — a filtered group's count of a code is the
sum of the code's cells over the group's values — and gets a number only when the release
determines it and it is 0 or at least the threshold; else None, shown as the neutral mark.

A filter (:class:`core.matt.profil.Urval`) becomes a :class:`core.frislapp.Grupp`: one
dimension per condition (``kon``, ``aldersgrupp``, ``fodelseregion``, ``inskrivningstid``,
``enhet:KOD`` for a unit or the rest of it), at most :data:`core.frislapp.MAX_DIMENSIONER`,
one unit at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core import frislapp, skydd
from core.frislapp import Frislapp, FrislappFel, Grupp, Lager, n_cell, p_cell, x_cell
from core.population import ENHET_PREFIX, I_ENHETEN, NAGON, SAKNAS, UTANFOR, Population

ALDER_DELAR: dict[str, tuple[str, ...]] = {
    "under_25": ("16-24",),
    "over_55": ("55-64", "65+"),
    SAKNAS: (SAKNAS,),
}


def grupp_for_urval(pop: Population, urval) -> Grupp:
    """The filter as a group of the release (raises :class:`FrislappFel` in Swedish when a
    suppressed scope may not combine it so)."""
    villkor: dict[str, tuple[str, ...]] = {}
    for falt in ("kon", "aldersgrupp", "fodelseregion", "inskrivningstid"):
        valda = tuple(getattr(urval, falt))
        if valda:
            villkor[falt] = valda
    enheter = [*urval.enhet, *urval.ej_enhet]
    if len(set(enheter)) > 1:
        raise FrislappFel("Av röjandeskäl kan du bara välja en enhet i taget.")
    if urval.enhet and urval.ej_enhet:
        raise FrislappFel("En enhet kan inte både väljas och väljas bort.")
    if urval.enhet:
        villkor[ENHET_PREFIX + urval.enhet[0]] = (I_ENHETEN,)
    if urval.ej_enhet:
        villkor[ENHET_PREFIX + urval.ej_enhet[0]] = (UTANFOR,)
    if len(villkor) > frislapp.MAX_DIMENSIONER:
        raise FrislappFel("Av röjandeskäl kan högst två villkor kombineras i ett urval.")
    return frislapp.grupp(villkor, pop)


@dataclass(frozen=True)
class Fraga:
    """One count a view asks for: persons in the group (``variabel`` None), or with a code."""

    variabel: str | None = None
    kod: str | tuple[str, ...] | None = None  # a tuple: the union of single-valued codes
    extra: tuple[tuple[str, str], ...] = ()  # further dimensions fixed to one value each


def _lager_och_kombination(fr: Frislapp, g: Grupp, f: Fraga) -> tuple[Lager | None, dict | int]:
    """The layer that owns the count and the combination of its cells (or a constant)."""
    extra = dict(f.extra)
    pop = fr.pop
    v = f.variabel
    koder_ = f.kod if isinstance(f.kod, tuple) else (f.kod,)
    if v is None or v in pop.dimensionsvariabler:
        komb: dict = {}
        lg = None
        for kod in koder_ if v is not None else (None,):
            dims = set(g.dims) | set(extra)
            ex = dict(extra)
            if v is not None and v not in g.dims and v not in ex:
                dims.add(v)
                ex[v] = kod
            lg = fr.storlekar(dims)
            celler = g.celler(lg.dims, ex)
            if v is not None and v in g.dims and v not in extra:
                i = lg.dims.index(v)
                # a code the filter leaves out: nobody in the group has it
                celler = [d for d in celler if d[i] == kod] if kod in g.varden(v) else []
            komb.update({n_cell(lg.dims, d): 1.0 for d in celler})
        return (lg, komb) if komb else (None, 0)
    lg = fr.fordelningar(set(g.dims) | set(extra))
    return lg, {x_cell(v, kod, lg.dims, d): 1.0 for kod in koder_ for d in g.celler(lg.dims, extra)}


def antal(fr: Frislapp, g: Grupp, fragor: Iterable[Fraga]) -> list[int | None]:
    """Each count as the release shows it (None: hidden), evaluated per layer in one batch."""
    fragor = list(fragor)
    ut: list[int | None] = [None] * len(fragor)
    per_lager: dict[tuple, tuple[Lager, list[tuple[int, dict]]]] = {}
    for i, f in enumerate(fragor):
        if f.variabel == "alder":
            # the seed's "under 25" and "55 and older": unions of whole age bands
            f = Fraga("aldersgrupp", ALDER_DELAR[f.kod], f.extra)
        lg, komb = _lager_och_kombination(fr, g, f)
        if lg is None:
            ut[i] = komb
            continue
        per_lager.setdefault(lg.nyckel, (lg, []))[1].append((i, komb))
    for lg, poster in per_lager.values():
        varden = lg.kombinationer([k for _i, k in poster])
        for (i, _k), v in zip(poster, varden, strict=True):
            ut[i] = None if v is None or skydd.ar_litet(v, fr.troskel) else v
    return ut


def gruppstorlek(fr: Frislapp, g: Grupp) -> int | None:
    """The group's size as the release shows it."""
    return antal(fr, g, [Fraga()])[0]


# --- cross-tabs ---------------------------------------------------------------------------------


def korsceller(fr: Frislapp, g: Grupp, v1: str, k1: Iterable[str], v2: str, k2: Iterable[str]) -> dict:
    """``{(kod1, kod2): count or None}`` for two variables in the group.

    Two non-dimension variables read ``P(v1, v2, dims)``; a variable against a dimension
    variable reads ``F`` (or ``S``) with that dimension added; two dimension variables read
    ``S``. So the cross-tab of a variable by sex is the sex split every other page shows.
    """
    pop = fr.pop
    k1, k2 = list(k1), list(k2)
    d1, d2 = v1 in pop.dimensionsvariabler, v2 in pop.dimensionsvariabler
    extra = {v for v, d in ((v1, d1), (v2, d2)) if d} - set(g.dims)
    grans = frislapp.MAX_DIMENSIONER + (1 if d1 and d2 else 0)
    if len(set(g.dims) | extra) > grans:
        raise FrislappFel(
            "Av röjandeskäl kan den här korstabellen inte visas med så många villkor i urvalet; välj färre villkor."
        )
    if not d1 and not d2:
        a, b = (v1, v2) if v1 < v2 else (v2, v1)
        lg = fr.par(a, b, g.dims)
        celler = g.celler(lg.dims)
        komb = []
        nycklar = []
        for x in k1:
            for y in k2:
                ka, kb = (x, y) if a == v1 else (y, x)
                komb.append({p_cell(a, ka, b, kb, lg.dims, d): 1.0 for d in celler})
                nycklar.append((x, y))
        varden = lg.kombinationer(komb)
        return {
            k: (None if v is None or skydd.ar_litet(v, fr.troskel) else v) for k, v in zip(nycklar, varden, strict=True)
        }
    # at least one dimension variable: fix it as an extra dimension of the other's count
    if d2:
        fragor = [(x, y, Fraga(v1, x, ((v2, y),)) if v2 not in g.dims else Fraga(v1, x)) for x in k1 for y in k2]
        if v2 in g.dims:
            # the filter already splits by v2: count v1 in the group restricted to code y
            ut = {}
            for x in k1:
                for y in k2:
                    if y not in g.varden(v2):
                        ut[(x, y)] = 0
                        continue
                    sub = _begransa(g, v2, y)
                    ut[(x, y)] = antal(fr, sub, [Fraga(v1, x)])[0]
            return ut
        varden = antal(fr, g, [f for _x, _y, f in fragor])
        return {(x, y): v for (x, y, _f), v in zip(fragor, varden, strict=True)}
    speglad = korsceller(fr, g, v2, k2, v1, k1)
    return {(x, y): speglad[(y, x)] for x in k1 for y in k2}


def _begransa(g: Grupp, dim: str, varde: str) -> Grupp:
    i = g.dims.index(dim)
    return Grupp(g.dims, g.val[:i] + ((varde,),) + g.val[i + 1 :])


def nagon(fr: Frislapp, g: Grupp, variabel: str, extra: tuple = ()) -> Fraga:
    """The question "persons with any non-exclusive code of ``variabel``" (e.g. an ongoing
    intervention: ``pagaende_insats`` other than ``ingen``)."""
    return Fraga(variabel, NAGON, extra)


__all__ = [
    "Fraga",
    "FrislappFel",
    "antal",
    "grupp_for_urval",
    "gruppstorlek",
    "korsceller",
    "nagon",
    "SAKNAS",
]
