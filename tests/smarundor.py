"""Small hand-built and random rounds, imported through the importer as CSV files.

The disclosure tests build rounds of a few dozen persons whose counts of 1–4 are planted on
purpose, and import them the way a municipality would (the exchange format of
``datamodell.md``), so that everything downstream — the derived data, the release, the pages
— sees them as real data.
"""

from __future__ import annotations

import csv
import io
import random

from core import importer, koder

OMGANG = "2019-09"
DATUM = "2019-09-15"


def _csv(entitet: str, rader: list[dict]) -> tuple[str, bytes]:
    ut = io.StringIO()
    w = csv.DictWriter(ut, fieldnames=koder.KOLUMNER[entitet], lineterminator="\r\n")
    w.writeheader()
    for r in rader:
        w.writerow({k: ("" if r.get(k) is None else r[k]) for k in koder.KOLUMNER[entitet]})
    return f"{entitet}.csv", ut.getvalue().encode("utf-8")


def fodelsear_for(alder: int) -> int:
    """The birth year that gives ``alder`` in the round (age = the round's year − birth year)."""
    return int(DATUM[:4]) - alder


def person(pid: str, kon: str | None = "K", alder: int | None = 40, region: str | None = "sverige", **svar) -> dict:
    """One person's row of ``person`` and ``matning`` (``svar``: matning columns; multi-valued
    columns as lists of codes)."""
    p = {
        "person_id": pid,
        "kon": kon,
        "fodelsear": None if alder is None else fodelsear_for(alder),
        "fodelseregion": region,
        "hushall_id": f"H{pid}",
    }
    m = {"omgang_id": OMGANG, "person_id": pid, "enhet": "eb", "inskrivningsdatum": "2017-01-01"}
    for k, v in svar.items():
        m[k] = "|".join(v) if isinstance(v, (list, tuple)) else v
    return {"person": p, "matning": m}


def importera(engine, rader: list[dict], *, avslut: list[dict] | None = None) -> None:
    """Import one round (``OMGANG``) of the given persons; raises on any import error."""
    filer = [
        _csv("person", [r["person"] for r in rader]),
        _csv("matomgang", [{"omgang_id": OMGANG, "datum": DATUM, "benamning": "Testomgång"}]),
        _csv("matning", [r["matning"] for r in rader]),
    ]
    if avslut:
        filer.append(_csv("avslut", avslut))
    res = importer.importera(engine, filer)
    assert res.ok, res.felrapport()


# --- random rounds ----------------------------------------------------------------------------

ENHETER = ("eb", "eai", "vux", "reu")


def slumpad_omgang(rng: random.Random, n: int) -> list[dict]:
    """A random round of ``n`` persons with skewed answers, so that counts of 1–4 abound."""

    def val(vikter: dict):
        return rng.choices(list(vikter), weights=list(vikter.values()))[0]

    rader = []
    for i in range(n):
        kon = val({"K": 10, "M": 10, None: 1})
        alder = val({20: 5, 30: 5, 40: 5, 50: 4, 60: 2, 70: 1, None: 1})
        if alder is not None:
            alder += rng.randint(0, 4)
        hinder = val(
            {("psykisk",): 6, ("fysisk",): 3, ("psykisk", "fysisk"): 2, ("inga",): 3, ("ej_klarlagt",): 1, (): 1}
        )
        insats = val({("ingen",): 6, ("eai",): 5, ("af",): 2, ("eai", "af"): 1, ("reu",): 1, (): 1})
        rader.append(
            person(
                f"R{i:03d}",
                kon,
                alder,
                val({"sverige": 8, "utanfor_europa": 3, "norden": 1, None: 1}),
                enhet=val({"eb": 8, "eai": 4, "vux": 1, "reu": 1}),
                inskrivningsdatum=val({"2019-06-01": 2, "2018-03-01": 3, "2016-05-01": 3, None: 1}),
                handlingsplan=val({"ja": 6, "nej": 3, None: 1}),
                af_inskriven=val({"ja": 4, "nej": 6, "okand": 1}),
                halsa=val({"bade": 2, "psykisk": 3, "fysisk": 2, "ingen": 4, "okand": 1}),
                boende=val({"egen": 6, "andrahand": 2, "hemlos": 1, "okand": 1}),
                arbetshinder=list(hinder),
                pagaende_insats=list(insats),
            )
        )
    return rader
