"""Min enhet: a unit's key figures against the whole process, for the round and across rounds.

Definitions (every share of all persons of the group, blanks included, produkt.md):

- ``personer`` — persons of the round who belong to the unit (:func:`core.omfang.hor_till_enhet`);
  for the process, every person of the round.
- ``handlingsplan`` — persons with ``handlingsplan = ja``; ``utan_plan`` — the others
  (``nej`` or blank), the persons the unit should give a plan before the next round.
- ``pagaende_insats`` — persons with an ongoing intervention (``pagaende_insats`` ≠ ``ingen``).
- ``af_inskriven`` — persons with ``af_inskriven = ja``.
- ``minst_1_ar`` / ``minst_3_ar`` — time on assistance (inskrivningstid) of at least 1 / 3 years.
- ``prioriterade`` — the priority cell of :mod:`core.matt.prioritering` (high change potential,
  benefit level in the round's top tertile band).

Disclosure control: a medarbetare of the unit knows its persons (they see them in the lists),
so on screen the unit's figures are plain counts, and the process's figures are the unit's
count plus the rest of the process read off the release of the persons *outside* the unit
(:class:`core.matt.prioritering.PrioriteringsPopulation` with ``utom``): a hidden count of the
rest stays hidden in the total, so nothing small about the others follows by subtraction.
processledning and admin see plain counts on screen; every file is protected unless they
choose otherwise, and then the unit and the process are read off the round's release, the
unit as ``enhet:KOD`` = in (one additive set with the rest and the whole).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from core.matt import prioritering as prio
from core.matt.profil import OmgangInfo, hamta_omgang, kontrollera_enhet
from core.models import Matomgang
from core.omfang import BehorighetsFel, Omfang
from core.population import ENHET_PREFIX, I_ENHETEN, NAGON, SAKNAS

# (id, label, variable, code or codes; None: the group's size; "prio": the priority cell)
NYCKELTAL: tuple[tuple[str, str, str | None, object], ...] = (
    ("personer", "Personer", None, None),
    ("handlingsplan", "Har handlingsplan", "handlingsplan", "ja"),
    ("utan_plan", "Saknar handlingsplan", "handlingsplan", ("nej", SAKNAS)),
    ("pagaende_insats", "Pågående insats", "pagaende_insats", NAGON),
    ("af_inskriven", "Inskriven på Arbetsförmedlingen", "af_inskriven", "ja"),
    ("minst_1_ar", "Minst 1 år med bistånd", "inskrivningstid", ("1-2", "2-3", "3+")),
    ("minst_3_ar", "Minst 3 år med bistånd", "inskrivningstid", ("3+",)),
    ("prioriterade", "Prioriterade (hög potential, hög nivå)", "prio", None),
)
KOLUMNER = ["matt", "etikett", "enhet_n", "enhet_andel", "enhet_skyddad", "alla_n", "alla_andel", "alla_skyddad"]


@dataclass
class MinEnhet:
    """Key figures of a unit against the process for one round.

    ``tabell`` has :data:`KOLUMNER`: ``enhet_n``/``alla_n`` (Int64, <NA> hidden), shares as
    fractions (NaN hidden or no base), ``*_skyddad`` (bool); one row per :data:`NYCKELTAL`.
    """

    omgang: OmgangInfo
    enhet: str
    tabell: pd.DataFrame
    skyddad: bool
    vagrad: str | None = None
    kanda_enhet: str | None = None  # a medarbetare's own unit, counted as known (module docstring)


def _fragor(fr_or_none):
    from core import utsnitt

    ut = []
    for _id, _e, v, kod in NYCKELTAL:
        if v == "prio":
            ut.append(None)
        elif v is None:
            ut.append(utsnitt.Fraga())
        else:
            ut.append(utsnitt.Fraga(v, kod))
    return ut


def _las(fr, villkor: dict) -> list[int | None]:
    """Every key figure of the group ``villkor`` as the release shows it."""
    from core import frislapp, utsnitt

    g = frislapp.grupp(villkor, fr.pop)
    if villkor and frislapp.vagran(fr, g):
        return [None] * len(NYCKELTAL)
    fragor = _fragor(fr)
    svar = utsnitt.antal(fr, g, [f for f in fragor if f is not None])
    it = iter(svar)
    ut = []
    for f in fragor:
        if f is None:
            ut.append(utsnitt.korsceller(fr, g, prio.POTENTIAL, ["hog"], prio.NIVA, ["3"])[("hog", "3")])
        else:
            ut.append(next(it))
    return ut


def _raa(pop, villkor: dict) -> list[int]:
    """Every key figure of the group, raw (the population's own counts, no protection)."""
    dims = tuple(sorted(villkor))
    delta = tuple(villkor[d] for d in dims)
    storlek = pop.storlekar(dims)
    ford = pop.fordelningar(dims)
    ut = []
    for _id, _e, v, kod in NYCKELTAL:
        if v is None:
            ut.append(int(storlek.get(delta, 0)))
        elif v == "prio":
            ut.append(int(pop.par(prio.NIVA, prio.POTENTIAL, dims).get(("3", "hog", delta), 0)))
        elif v in pop.dimensionsvariabler:
            d2 = tuple(sorted((*dims, v)))
            s2 = pop.storlekar(d2)
            koder_ = kod if isinstance(kod, tuple) else (kod,)
            n = 0
            for k in koder_:
                x = dict(zip(dims, delta, strict=True)) | {v: k}
                n += int(s2.get(tuple(x[d] for d in d2), 0))
            ut.append(n)
        else:
            koder_ = kod if isinstance(kod, tuple) else (kod,)
            ut.append(sum(int(ford.get((v, k, delta), 0)) for k in koder_))
    return ut


def _pop(engine: Engine, omgang: OmgangInfo, utom: str | None = None):
    from core import db

    gr = prio.granser_for(engine, omgang.omgang_id)
    return prio.PrioriteringsPopulation(engine, omgang.omgang_id, omgang.datum, db.dataversion(engine), gr, utom)


def _tabell(enh: list, alla: list) -> pd.DataFrame:
    rader = []
    for i, (mid, etikett, _v, _k) in enumerate(NYCKELTAL):
        rad = {"matt": mid, "etikett": etikett}
        for namn, varden in (("enhet", enh), ("alla", alla)):
            n, bas = varden[i], varden[0]
            rad[f"{namn}_n"] = n
            rad[f"{namn}_andel"] = float("nan") if mid == "personer" or n is None or not bas or bas is None else n / bas
            rad[f"{namn}_skyddad"] = n is None
        rader.append(rad)
    df = pd.DataFrame(rader, columns=KOLUMNER)
    for k in ("enhet_n", "alla_n"):
        df[k] = pd.array(df[k], dtype="Int64")
    return df


def _kontrollera(omfang: Omfang, enhet: str | None) -> str:
    """The unit a scope's Min enhet shows: a medarbetare's own (no other), or the chosen one."""
    if omfang.roll == "medarbetare":
        if enhet not in (None, omfang.enhet):
            raise BehorighetsFel("Du kan bara se din egen enhet här.")
        return omfang.enhet
    omfang.kontrollera_sida("min_enhet")
    if not enhet:
        raise prio.PrioriteringsFel("Välj en enhet.")
    return enhet


def min_enhet(
    engine: Engine, omfang: Omfang, omgang_id: str, enhet: str | None = None, *, export: bool = False
) -> MinEnhet:
    """The unit's key figures against the whole process for one round.

    Parameters
    ----------
    omfang : a medarbetare gets their own unit; processledning and admin choose ``enhet``.
    export : a download (protected unless processledning/admin chose otherwise).

    Returns
    -------
    :class:`MinEnhet`
    """
    omfang.kontrollera_sida("min_enhet")
    enhet = _kontrollera(omfang, enhet)
    omgang = hamta_omgang(engine, omgang_id)
    kontrollera_enhet(engine, enhet)
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    dim = ENHET_PREFIX + enhet
    if not skyddad:
        pop = _pop(engine, omgang)
        return MinEnhet(omgang, enhet, _tabell(_raa(pop, {dim: I_ENHETEN}), _raa(pop, {})), skyddad=False)
    from core import frislapp

    if omfang.roll == "medarbetare":  # on screen and in their files alike (see prioritering.matris)
        # the own unit as counts; the process = the unit + the protected rest
        enh = _raa(_pop(engine, omgang), {dim: I_ENHETEN})
        rest = _las(frislapp.Frislapp(_pop(engine, omgang, utom=enhet)), {})
        alla = [None if r is None else u + r for u, r in zip(enh, rest, strict=True)]
        return MinEnhet(omgang, enhet, _tabell(enh, alla), skyddad=True, kanda_enhet=enhet)
    fr = frislapp.Frislapp(_pop(engine, omgang))
    g = frislapp.grupp({dim: (I_ENHETEN,)}, fr.pop)
    vagrad = frislapp.vagran(fr, g)
    enh = [None] * len(NYCKELTAL) if vagrad else _las(fr, {dim: (I_ENHETEN,)})
    return MinEnhet(omgang, enhet, _tabell(enh, _las(fr, {})), skyddad=True, vagrad=vagrad)


def over_tid(engine: Engine, omfang: Omfang, enhet: str | None = None) -> pd.DataFrame:
    """The key figures of every round (oldest first), unit against process, as :func:`min_enhet`
    shows them on screen: ``omgang_id, datum`` and :data:`KOLUMNER`."""
    omfang.kontrollera_sida("min_enhet")
    with engine.connect() as conn:
        omgangar = conn.execute(select(Matomgang.omgang_id, Matomgang.datum).order_by(Matomgang.datum)).all()
    delar = []
    for oid, datum in omgangar:
        t = min_enhet(engine, omfang, oid, enhet).tabell
        t.insert(0, "datum", datum)
        t.insert(0, "omgang_id", oid)
        delar.append(t)
    if not delar:
        return pd.DataFrame(columns=["omgang_id", "datum", *KOLUMNER])
    return pd.concat(delar, ignore_index=True)


# The page's core calls for the benchmark (the lead wires them into core/bench.py).
BENCH_ANROP = [
    (
        "Min enhet: nyckeltal, medarbetare (kall)",
        prio._kall(lambda engine, omgang_id: min_enhet(engine, Omfang("medarbetare", "eai"), omgang_id)),
    ),
    (
        "Min enhet: nyckeltal, admin",
        lambda engine, omgang_id: min_enhet(engine, Omfang("admin"), omgang_id, "eai"),
    ),
    (
        "Min enhet: skyddad fil, processledning (kall)",
        prio._kall(
            lambda engine, omgang_id: min_enhet(engine, Omfang("processledning"), omgang_id, "eai", export=True)
        ),
    ),
    (
        "Min enhet: alla omgångar, medarbetare",
        lambda engine, omgang_id: over_tid(engine, Omfang("medarbetare", "eai")),
    ),
]


__all__ = ["BENCH_ANROP", "KOLUMNER", "MinEnhet", "NYCKELTAL", "min_enhet", "over_tid"]
