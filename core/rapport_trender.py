"""The Trender reports of the operator's tool (issue 15): ``report langvarighet``, ``report
trender`` and ``report overgangar`` print the page's figures as JSON (``--skydd on``, the
default: what a politician sees; a hidden figure is ``null``, a hidden cell
``{"n": null, "andel": null, "skyddad": true}``)."""

from __future__ import annotations

import json
import math

import pandas as pd
from sqlalchemy import Engine

from core.matt import trender
from core.omfang import Omfang


def _v(x):
    """A JSON value: None for missing/hidden, int for whole numbers, else float."""
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(x, float) and math.isnan(x):
        return None
    if hasattr(x, "item"):
        x = x.item()
    return x


def _cell(n, bas) -> dict:
    n, bas = _v(n), _v(bas)
    if n is None:
        return {"n": None, "andel": None, "skyddad": True}
    return {"n": int(n), "andel": (n / bas) if bas else None, "skyddad": False}


def som_json(data: dict) -> str:
    """Indented JSON, UTF-8 characters kept."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def langvarighet_data(engine: Engine, omfang: Omfang, fran: str, till: str) -> dict:
    """``report langvarighet``: the window's households, those paid in every month, the costs,
    and per calendar year the long-term households (see :func:`core.matt.trender.langvarighet`)."""
    lv = trender.langvarighet(engine, omfang, fran, till, export=True)
    return {
        "skydd": lv.skyddad,
        "fran": lv.fran,
        "till": lv.till,
        "hushall": _v(lv.hushall),
        "hela_perioden": _v(lv.hela_perioden),
        "andel_hela_perioden": _v(lv.andel_hela_perioden),
        "kostnad_total": _v(lv.kostnad_total),
        "kostnad_hela_perioden": _v(lv.kostnad_hela_perioden),
        "andel_kostnad_hela_perioden": _v(lv.andel_kostnad_hela_perioden),
        "per_ar": [
            {
                "ar": int(r.ar),
                "hushall": _v(r.hushall),
                "langvariga": _v(r.langvariga),
                "andel_langvariga": _v(r.andel_langvariga),
            }
            for r in lv.per_ar.itertuples()
        ],
    }


def trender_data(engine: Engine, omfang: Omfang, enhet: str | None = None) -> dict:
    """``report trender``: every indicator per round for all, kvinnor and män (``varde``: the
    figure, null where hidden), who stayed, left and joined, and with ``--enhet`` the unit
    against the whole process."""
    s = trender.serie(engine, omfang, export=True)
    omgangar: dict = {}
    for r in s.itertuples():
        o = omgangar.setdefault(r.omgang_id, {"omgang": r.omgang_id, "datum": str(r.datum), "indikatorer": {}})
        o["indikatorer"].setdefault(r.matt, {})[r.grupp] = {"varde": _v(r.varde), "skyddad": bool(r.skyddad)}
    for r in trender.rorelser(engine, omfang, export=True).itertuples():
        omgangar[r.omgang_id]["fran_omgang"] = r.fran_omgang
        omgangar[r.omgang_id]["rorelser"] = {k: _v(getattr(r, k)) for k in ("kvar", "lamnat", "tillkommit")}
    ut = {"skydd": omfang.skyddad_export, "rubrik": trender.rubrik(s), "omgangar": list(omgangar.values())}
    if enhet:
        e = trender.enhet_mot_processen(engine, omfang, enhet, export=True)
        ut["enhet"] = enhet
        ut["enhet_mot_processen"] = [
            {"omgang": r.omgang_id, "matt": r.matt, "grupp": r.grupp, "n": _v(r.n), **_cell(r.antal, r.n)}
            for r in e.itertuples()
        ]
    return ut


def overgangar_data(engine: Engine, omfang: Omfang, fran: str, till: str) -> dict:
    """``report overgangar``: the transition tables of the persons in both rounds, for all,
    kvinnor and män, and those who left (by closure reason) and joined."""
    o = trender.overgangar(engine, omfang, fran, till, export=True)
    storlek = {
        r.grupp: {k: _v(getattr(r, k)) for k in ("kvar", "lamnat", "tillkommit", "fran_n", "till_n")}
        for r in o.storlek.itertuples()
    }
    tabeller: dict = {}
    for r in o.tabeller.itertuples():
        bas = storlek[r.grupp]["kvar"]
        tabeller.setdefault(r.tillstand, {}).setdefault(r.grupp, []).append(
            {"fore": r.fore, "efter": r.efter, **_cell(r.n, bas)}
        )
    return {
        "skydd": o.skyddad,
        "fran_omgang": fran,
        "till_omgang": till,
        "storlek": storlek,
        "overgangar": tabeller,
        "lamnat": {
            g: {r.orsak: _cell(r.n, storlek[g]["lamnat"]) for r in o.lamnat[o.lamnat["grupp"] == g].itertuples()}
            for g in storlek
        },
        "tillkommit": {
            g: {
                r.slag: _cell(r.n, storlek[g]["tillkommit"])
                for r in o.tillkommit[o.tillkommit["grupp"] == g].itertuples()
            }
            for g in storlek
        },
    }
