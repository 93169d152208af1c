"""Sammanfattning (issue 17): at most eight indicators that matter, across rounds and by sex,
and the sentences a politician reads.

Definitions: every figure is Översikt's (``core.matt.oversikt``) for each round, read off that
round's release for a protected scope, so a figure here is the figure Översikt shows. The
change "since the previous round" compares two consecutive rounds' shown values; a sentence is
written only from shown values (never from a hidden count or a share of one).

Indicators (produkt.md "Measures"): persons in the process, median time on assistance,
the share with at least one year, the share with a plan, the share with an ongoing
intervention, and the closures to work or studies since the previous round. Long-term receipt
and cost (households, from monthly payments) are added by the Trender measures when present
(:data:`EXTRA_INDIKATORER`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from core import text
from core.matt import oversikt as oversikt_matt
from core.omfang import Omfang

# (Översikt's figure, the label on the summary, its type)
INDIKATORER: list[tuple[str, str, str]] = [
    ("personer", "Personer i processen", "antal"),
    ("median_inskrivningstid", "Mediantid med försörjningsstöd", "manader"),
    ("andel_1ar", "Minst ett år med försörjningsstöd", "andel"),
    ("andel_handlingsplan", "Har handlingsplan", "andel"),
    ("andel_pagaende_insats", "Har pågående insats", "andel"),
    ("andel_avslut_arbete_studier", "Avslut till arbete eller studier", "andel"),
]
# Further indicators other measures register: (id, label, type, function(engine, omfang, export)
# -> frame ``omgang_id, grupp, varde, skyddad``).
EXTRA_INDIKATORER: list[tuple[str, str, str, object]] = []

GRUPPER = {"varde": "alla", "kvinnor": "kvinnor", "man": "män"}


@dataclass
class Sammanfattning:
    """``serie``: one row per indicator, round and group (``indikator, etikett, typ, omgang_id,
    datum, grupp`` (alla/kvinnor/män), ``varde`` (None where hidden or undefined),
    ``skyddad``); ``meningar``: the generated sentences; ``skyddad``: the protection applied."""

    serie: pd.DataFrame
    meningar: list[str]
    skyddad: bool
    senaste: str | None


def sammanfattning(engine: Engine, omfang: Omfang, *, export: bool = False) -> Sammanfattning:
    """The summary of every round for the scope (protected unless processledning/admin chose
    otherwise for a file).

    Returns
    -------
    Sammanfattning
    """
    import core.matt.trender  # noqa: F401  (registers long-term receipt and cost in EXTRA_INDIKATORER)

    rundor = oversikt_matt._alla_omgangar(engine)
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    rader = []
    for r in rundor:
        ov = oversikt_matt.oversikt(engine, omfang, r.omgang_id, export=export).tabell.set_index("matt")
        for ind, etikett, typ in INDIKATORER:
            for kol, grupp in GRUPPER.items():
                dold = bool(ov.loc[ind, "skyddad" if kol == "varde" else f"{kol}_skyddad"])
                v = ov.loc[ind, kol]
                rader.append(
                    {
                        "indikator": ind,
                        "etikett": etikett,
                        "typ": typ,
                        "omgang_id": r.omgang_id,
                        "datum": r.datum,
                        "grupp": grupp,
                        "varde": None if dold or v is None or pd.isna(v) else float(v),
                        "skyddad": dold,
                    }
                )
    for ind, etikett, typ, funktion in EXTRA_INDIKATORER:
        extra = funktion(engine, omfang, export)
        datum = {r.omgang_id: r.datum for r in rundor}
        for rad in extra.to_dict("records"):
            rader.append(
                {"indikator": ind, "etikett": etikett, "typ": typ, "datum": datum.get(rad["omgang_id"]), **rad}
            )
    serie = pd.DataFrame(
        rader, columns=["indikator", "etikett", "typ", "omgang_id", "datum", "grupp", "varde", "skyddad"]
    )
    return Sammanfattning(serie, meningar(serie), skyddad, rundor[-1].omgang_id if rundor else None)


def _varde(serie: pd.DataFrame, ind: str, omgang: str, grupp: str = "alla"):
    r = serie[(serie["indikator"] == ind) & (serie["omgang_id"] == omgang) & (serie["grupp"] == grupp)]
    if r.empty or r.iloc[0]["skyddad"] or r.iloc[0]["varde"] is None or pd.isna(r.iloc[0]["varde"]):
        return None
    return float(r.iloc[0]["varde"])


def meningar(serie: pd.DataFrame) -> list[str]:
    """Plain-Swedish sentences from the shown values of the two latest rounds.

    "Andelen med handlingsplan ökade från 61 % till 74 % sedan förra mätningen; ökningen var
    större bland män." A sentence about a change needs both values shown; the comparison of
    women and men needs all four.
    """
    omgangar = [] if serie.empty else list(dict.fromkeys(serie.sort_values("datum")["omgang_id"]))
    if not omgangar:
        return ["Det finns inga mätomgångar ännu."]
    nu = omgangar[-1]
    fore = omgangar[-2] if len(omgangar) > 1 else None
    ut = []
    n = _varde(serie, "personer", nu)
    datum = serie.loc[serie["omgang_id"] == nu, "datum"].iloc[0]
    if n is None:
        return [f"Mätningen {text.manad_ar(datum)} omfattar så få personer att inga uppgifter visas (röjandeskydd)."]
    rad = f"I mätningen {text.manad_ar(datum)} ingick {text.antal_personer(n)}"
    n_fore = _varde(serie, "personer", fore) if fore else None
    if n_fore is not None:
        skillnad = n - n_fore
        rad += (
            f", {text.tal(abs(skillnad))} {'fler' if skillnad > 0 else 'färre'} än vid förra mätningen"
            if skillnad
            else ", lika många som vid förra mätningen"
        )
    ut.append(rad + ".")
    beskrivning = {
        "andel_handlingsplan": "Andelen med handlingsplan",
        "andel_pagaende_insats": "Andelen med en pågående insats",
        "andel_1ar": "Andelen som haft försörjningsstöd minst ett år",
        "andel_avslut_arbete_studier": "Andelen avslut till arbete eller studier",
    }
    for ind, namn in beskrivning.items():
        a = _varde(serie, ind, nu)
        b = _varde(serie, ind, fore) if fore else None
        if a is None:
            continue
        if b is None:
            ut.append(f"{namn} var {text.procent(a)}.")
            continue
        pe = round((a - b) * 100)
        if pe == 0:
            mening = f"{namn} var oförändrad, {text.procent(a)}, sedan förra mätningen"
        else:
            mening = f"{namn} {'ökade' if pe > 0 else 'minskade'} från {text.procent(b)} till {text.procent(a)} sedan förra mätningen"
        kv = [_varde(serie, ind, x, "kvinnor") for x in (fore, nu)]
        ma = [_varde(serie, ind, x, "män") for x in (fore, nu)]
        if pe != 0 and None not in kv and None not in ma:
            dk, dm = kv[1] - kv[0], ma[1] - ma[0]
            ord_ = "ökningen" if pe > 0 else "minskningen"
            if round(abs(dk) * 100) != round(abs(dm) * 100) and (dk > 0) == (dm > 0) == (pe > 0):
                mening += f"; {ord_} var större bland {'kvinnor' if abs(dk) > abs(dm) else 'män'}"
            elif (dk > 0) != (dm > 0):
                mening += f"; bland kvinnorna {'ökade' if dk > 0 else 'minskade'} den, bland männen {'ökade' if dm > 0 else 'minskade'} den"
        ut.append(mening + ".")
    m = _varde(serie, "median_inskrivningstid", nu)
    if m is not None:
        ut.append(f"Mediantiden med försörjningsstöd var {text.tal(m, 0 if m == int(m) else 1)} månader.")
    return ut
