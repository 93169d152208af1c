"""Reports: ``python -m core report profile``.

The report calls the same measure as the Målgrupp page (``core.matt.profil.profil``) and the
same disclosure control, so what the CLI prints is what the page shows.

JSON shape (produkt.md, "Disclosure control")::

    {"omgang": "2019-09", "enhet": null, "n": 286, "skydd": true,
     "variabler": {"kon": {"K": {"n": 149, "andel": 0.5209…}, "M": {…}, "saknas": {…}}, …}}

Every code of a code list appears (``n`` 0 where nobody has it); shares are unrounded
fractions 0–1; a suppressed cell is ``{"n": null, "andel": null, "skyddad": true}``; a
suppressed group size is ``"n": null`` with ``"n_skyddad": true``.

CSV: a download for reading (``core.nedladdning``): UTF-8 with BOM, semicolon, decimal comma,
suppressed counts as "färre än 5" with the share blank, and a column that says whether the
file is suppressed.
"""

from __future__ import annotations

import json
import math

import pandas as pd
from sqlalchemy import Engine

from core import koder, nedladdning, text
from core.matt import profil as profil_matt
from core.matt.profil import ProfilFel, Urval
from core.omfang import Omfang


class RapportFel(ValueError):
    """Bad report input (unknown round, unit or format), with a Swedish message."""


def profil_data(engine: Engine, omfang: Omfang, omgang_id: str, enhet: str | None = None) -> dict:
    """The profile report as a JSON-ready dict (see the module docstring)."""
    try:
        p = profil_matt.profil(engine, omfang, omgang_id, Urval(enhet=(enhet,) if enhet else ()), export=True)
    except ProfilFel as e:
        raise RapportFel(str(e)) from None
    ut: dict = {"omgang": p.omgang.omgang_id, "enhet": enhet, "n": p.n, "skydd": p.skyddad}
    if p.n_skyddad:
        ut["n_skyddad"] = True
    variabler: dict[str, dict] = {}
    for v, df in p.fordelningar.items():
        celler = {}
        for kod, n, andel, dold in zip(df["kod"], df["n"], df["andel"], df["skyddad"], strict=True):
            if dold:
                celler[kod] = {"n": None, "andel": None, "skyddad": True}
            else:
                celler[kod] = {"n": int(n), "andel": None if andel is None or math.isnan(andel) else float(andel)}
        variabler[v] = celler
    ut["variabler"] = variabler
    return ut


def profil_tabell(engine: Engine, omfang: Omfang, omgang_id: str, enhet: str | None = None) -> pd.DataFrame:
    """The profile report as a long table with Swedish headers, for CSV and Excel downloads."""
    data = profil_data(engine, omfang, omgang_id, enhet)
    skydd_text = "på" if data["skydd"] else "av – får inte spridas"
    rader = []
    for v, celler in data["variabler"].items():
        kodord = _etiketter(engine, v)
        for kod, cell in celler.items():
            rader.append(
                {
                    "Mätomgång": data["omgang"],
                    "Enhet": enhet or "alla",
                    "Röjandeskydd": skydd_text,
                    "Variabel": v,
                    "Variabelnamn": koder.VARIABLER[v].etikett,
                    "Kod": kod,
                    "Svar": kodord.get(kod, koder.SAKNAS_ETIKETT if kod == koder.SAKNAS else kod),
                    "Antal": text.farre_an() if cell.get("skyddad") else cell["n"],
                    "Andel": None if cell.get("skyddad") else cell["andel"],
                }
            )
    return pd.DataFrame(rader)


def _etiketter(engine: Engine, variabel: str) -> dict[str, str]:
    if variabel == "alder":
        return dict(koder.ALDER)
    return profil_matt.kodlista(engine, variabel)


def profil(engine: Engine, omfang: Omfang, omgang_id: str, *, enhet: str | None = None, format: str = "json") -> str:  # noqa: A002
    """The profile report as text in ``format`` (``json`` or ``csv``)."""
    if format == "json":
        return json.dumps(profil_data(engine, omfang, omgang_id, enhet), ensure_ascii=False, indent=2)
    if format == "csv":
        return nedladdning.csv_for_lasning(profil_tabell(engine, omfang, omgang_id, enhet)).decode("utf-8")
    raise RapportFel(f"Okänt format {format!r}: välj json eller csv.")
