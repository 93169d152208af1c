"""Reports on the command line: every view a page shows, as JSON or CSV.

``python -m core report profile|oversikt|korstabell|jamforelse …`` call the same measures as
the pages (``core.matt``) with the same disclosure control, so a reviewer can check the
release without a browser: with ``--skydd on`` (the default) each prints exactly what a
politician sees on the page, with ``--skydd off`` what processledning sees.

Shapes (produkt.md, "Reports on the command line"): every report states ``"skydd"`` at the
top; a cell is ``{"n": …, "andel": …, "skyddad": …}`` (``"bas"`` where the denominator is not
the group, ``"varde"`` for a median); a hidden cell is ``{"n": null, "andel": null,
"skyddad": true}``; shares are unrounded fractions 0–1; every code of a code list appears,
``n`` 0 where nobody has it. A group that may not be shown prints the same shape with
``"n": null``, every cell hidden and ``"vagrad"`` saying why.

CSV: a download for reading (``core.nedladdning``): UTF-8 with BOM, semicolon, decimal comma,
hidden counts as the neutral mark "dolt" with the share blank, and a column that says whether
the file is protected.
"""

from __future__ import annotations

import json
import math

import pandas as pd
from sqlalchemy import Engine

from core import koder, nedladdning, text
from core.matt import jamforelse as jamforelse_matt
from core.matt import korstabell as korstabell_matt
from core.matt import oversikt as oversikt_matt
from core.matt import profil as profil_matt
from core.matt.profil import ProfilFel, Urval
from core.omfang import Omfang

SKYDD_PA = "på"
SKYDD_AV = "av – får inte spridas"

# Översikt's figures under the report's ids (produkt.md).
OVERSIKT_ID: dict[str, str] = {
    "personer": "personer",
    "median_inskrivningstid": "median_manader",
    "andel_1ar": "minst_1_ar",
    "andel_3ar": "minst_3_ar",
    "andel_handlingsplan": "handlingsplan",
    "andel_pagaende_insats": "pagaende_insats",
    "andel_af": "af_inskriven",
    "avslut": "avslut",
    "andel_avslut_arbete_studier": "avslut_arbete_studier",
}


class RapportFel(ValueError):
    """Bad report input (unknown round, unit or format), with a Swedish message."""


def _flyt(v) -> float | None:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    f = float(v)
    return None if math.isnan(f) else f


def _cell(n, andel, skyddad: bool) -> dict:
    if skyddad:
        return {"n": None, "andel": None, "skyddad": True}
    return {"n": None if _flyt(n) is None else int(n), "andel": _flyt(andel), "skyddad": False}


def urval_json(urval: Urval) -> dict:
    """The filter as it is printed: every field, codes in code-list order."""
    return {
        f: list(getattr(urval, f))
        for f in ("enhet", "ej_enhet", "kon", "aldersgrupp", "fodelseregion", "inskrivningstid")
    }


def _fordelning(df: pd.DataFrame) -> dict:
    return {
        kod: _cell(n, a, bool(s)) for kod, n, a, s in zip(df["kod"], df["n"], df["andel"], df["skyddad"], strict=True)
    }


# --- profile --------------------------------------------------------------------------------


def profil_data(engine: Engine, omfang: Omfang, omgang_id: str, urval: Urval | str | None = None) -> dict:
    """The profile report as a JSON-ready dict (``urval`` may be a unit code, as before)."""
    if isinstance(urval, str):
        urval = Urval(enhet=(urval,))
    urval = urval or Urval()
    try:
        p = profil_matt.profil(engine, omfang, omgang_id, urval, export=True)
    except ProfilFel as e:
        raise RapportFel(str(e)) from None
    ut: dict = {"omgang": p.omgang.omgang_id, "n": p.n, "skydd": p.skyddad, "urval": urval_json(urval)}
    if p.n_skyddad:
        ut["n_skyddad"] = True
    if p.vagrad:
        ut["vagrad"] = p.vagrad
    ut["variabler"] = {v: _fordelning(df) for v, df in p.fordelningar.items()}
    return ut


def _etiketter(engine: Engine, variabel: str) -> dict[str, str]:
    return profil_matt.visningskoder(engine, variabel)


def profil_tabell(engine: Engine, omfang: Omfang, omgang_id: str, urval: Urval | str | None = None) -> pd.DataFrame:
    """The profile report as a long table with Swedish headers, for CSV and Excel downloads."""
    data = profil_data(engine, omfang, omgang_id, urval)
    rader = []
    for v, celler in data["variabler"].items():
        kodord = _etiketter(engine, v)
        for kod, cell in celler.items():
            rader.append(
                {
                    "Mätomgång": data["omgang"],
                    "Urval": urvalstext(engine, Urval(**{k: tuple(x) for k, x in data["urval"].items()})),
                    "Röjandeskydd": SKYDD_PA if data["skydd"] else SKYDD_AV,
                    "Personer i urvalet": text.dolt() if data["n"] is None else data["n"],
                    "Variabel": v,
                    "Variabelnamn": koder.VARIABLER[v].etikett,
                    "Kod": kod,
                    "Svar": kodord.get(kod, kod),
                    "Antal": text.dolt() if cell.get("skyddad") else cell["n"],
                    "Andel": None if cell.get("skyddad") else cell["andel"],
                }
            )
    df = pd.DataFrame(rader)
    if data["skydd"] and df["Antal"].eq(text.dolt()).any():
        df["Förklaring"] = text.skyddsforklaring()
    return df


def urvalstext(engine: Engine, urval: Urval) -> str:
    """The filter in words (``Kön: K; Enhet: eb``), or "alla personer i mätomgången"."""
    delar = []
    namn = {
        "enhet": "Enhet",
        "ej_enhet": "Utom enhet",
        "kon": "Kön",
        "aldersgrupp": "Åldersgrupp",
        "fodelseregion": "Födelseregion",
        "inskrivningstid": "Tid med försörjningsstöd",
    }
    for falt, rubrik in namn.items():
        valda = getattr(urval, falt)
        if valda:
            delar.append(f"{rubrik}: {', '.join(valda)}")
    return "; ".join(delar) if delar else "alla personer i mätomgången"


def profil(engine: Engine, omfang: Omfang, omgang_id: str, *, urval=None, enhet=None, format: str = "json") -> str:  # noqa: A002
    """The profile report as text in ``format`` (``json`` or ``csv``)."""
    if urval is None and enhet:
        urval = Urval(enhet=(enhet,))
    if format == "json":
        return json.dumps(profil_data(engine, omfang, omgang_id, urval), ensure_ascii=False, indent=2)
    if format == "csv":
        return nedladdning.csv_for_lasning(profil_tabell(engine, omfang, omgang_id, urval)).decode("utf-8")
    raise RapportFel(f"Okänt format {format!r}: välj json eller csv.")


# --- Översikt -------------------------------------------------------------------------------


def oversikt_data(engine: Engine, omfang: Omfang, omgang_id: str) -> dict:
    """Översikt's key figures as a JSON-ready dict (produkt.md's ids)."""
    try:
        ov = oversikt_matt.oversikt(engine, omfang, omgang_id, export=True)
    except ValueError as e:
        raise RapportFel(str(e)) from None
    t = ov.tabell.set_index("matt")
    bas_per_grupp = {
        g: (None if t.loc["personer", kol + "_skyddad" if kol != "varde" else "skyddad"] else t.loc["personer", kol])
        for g, kol in (("alla", "varde"), ("kvinnor", "kvinnor"), ("man", "man"))
    }
    avslut_bas = {
        g: (None if t.loc["avslut", kol + "_skyddad" if kol != "varde" else "skyddad"] else t.loc["avslut", kol])
        for g, kol in (("alla", "varde"), ("kvinnor", "kvinnor"), ("man", "man"))
    }
    nyckeltal = {}
    for matt, rid in OVERSIKT_ID.items():
        r = t.loc[matt]
        figur = {}
        for g, kol, skol in (
            ("alla", "varde", "skyddad"),
            ("kvinnor", "kvinnor", "kvinnor_skyddad"),
            ("man", "man", "man_skyddad"),
        ):
            dold = bool(r[skol])
            v = _flyt(r[kol])
            if r["typ"] == "manader":
                figur[g] = {"varde": None if dold else v, "skyddad": dold}
            elif r["typ"] == "antal":
                figur[g] = {"n": None if dold or v is None else int(v), "skyddad": dold}
            else:
                bas = (avslut_bas if matt == "andel_avslut_arbete_studier" else bas_per_grupp)[g]
                bas = _flyt(bas)
                n = None if dold or v is None or bas is None else int(round(v * bas))
                cell = {"n": n, "andel": None if dold else v, "skyddad": dold}
                if matt == "andel_avslut_arbete_studier":
                    cell["bas"] = None if bas is None else int(bas)
                figur[g] = cell
        figur["forandring"] = _flyt(r["forandring"])
        nyckeltal[rid] = figur
    return {
        "omgang": ov.omgang.omgang_id if ov.omgang else omgang_id,
        "foregaende": ov.foregaende.omgang_id if ov.foregaende else None,
        "skydd": ov.skyddad,
        "nyckeltal": nyckeltal,
    }


# --- cross-tab ------------------------------------------------------------------------------


def korstabell_data(engine: Engine, omfang: Omfang, omgang_id: str, rad: str, kolumn: str, urval: Urval) -> dict:
    """The analysis seminar's cross-tab as a JSON-ready dict."""
    try:
        kt = korstabell_matt.korstabell(engine, omfang, omgang_id, rad, kolumn, urval, export=True)
    except ProfilFel as e:
        raise RapportFel(str(e)) from None
    ut = {
        "omgang": omgang_id,
        "n": kt.total,
        "skydd": kt.skyddad,
        "urval": urval_json(urval),
        "rad": rad,
        "kolumn": kolumn,
        "celler": [
            {"rad": c.rad, "kolumn": c.kolumn, "n": None if c.skyddad else int(c.n), "skyddad": bool(c.skyddad)}
            for c in kt.celler.itertuples(index=False)
        ],
        "radsummor": {
            m.kod: _cell(m.n, _andel(m.n, kt.total), bool(m.skyddad)) for m in kt.rader.itertuples(index=False)
        },
        "kolumnsummor": {
            m.kod: _cell(m.n, _andel(m.n, kt.total), bool(m.skyddad)) for m in kt.kolumner.itertuples(index=False)
        },
    }
    if kt.vagrad:
        ut["vagrad"] = kt.vagrad
    return ut


def _andel(n, total):
    if _flyt(n) is None or not total:
        return None
    return float(n) / float(total)


# --- one unit against the rest --------------------------------------------------------------


def jamforelse_data(engine: Engine, omfang: Omfang, omgang_id: str, enhet: str, variabel: str, urval: Urval) -> dict:
    """One unit against the rest of the (filtered) round as a JSON-ready dict."""
    try:
        j = jamforelse_matt.enhet_mot_resten(engine, omfang, omgang_id, enhet, variabel, urval, export=True)
    except ProfilFel as e:
        raise RapportFel(str(e)) from None
    storlek = j.storlek.set_index("grupp")
    ut: dict = {
        "omgang": omgang_id,
        "skydd": j.skyddad,
        "enhet": enhet,
        "variabel": variabel,
        "urval": urval_json(j.urval),
    }
    for grupp, nyckel in (("enhet", "enheten"), ("resten", "resten")):
        d = j.fordelning[j.fordelning["grupp"] == grupp]
        n = storlek.loc[grupp, "n"]
        ut[nyckel] = {"n": None if pd.isna(n) else int(n), "fordelning": _fordelning(d)}
    if j.vagrad:
        ut["vagrad"] = j.vagrad
    return ut


def som_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
