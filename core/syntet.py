"""Synthetic municipalities for the benchmark, drawn from the demo's own data.

:func:`skriv` writes a municipality of ``personer`` persons in every one of ``omgangar``
quarterly rounds as CSV files the way municipalities export them (semicolon-separated,
Windows-1252, CRLF; ``core.exporter`` format), streaming, so a scale of millions of rows is
written without holding it in memory. The benchmark imports them through the importer.

How it is drawn from the demo (``core.demo.generera``, whose frequencies follow the seeds):

- Every round holds exactly ``personer`` persons: ``personer`` *places*, each filled by one
  person after another. A person is a copy of a random demo person's *trajectory* — their
  matning rows in consecutive demo rounds, every answer as the demo has it, so the joint
  distribution of the answers, their change over time and the multi-valued codes are the
  demo's. The demo's rounds are half-yearly and the synthetic ones quarterly, so each demo
  row stands for two synthetic rounds. The first person of a place starts somewhere inside
  a trajectory, so the first round is not all newcomers.
- Dates move with the rows: ``inskrivningsdatum`` keeps its distance to the round's date,
  the birth year keeps the age at the person's first round, episodes keep their distance to
  the person's first round (clipped at the end of the data, never after the last round's
  year end).
- A person who leaves before the last round gets a closure (``avslut``) dated after their
  last round, the reason drawn from the demo's closures.
- Episodes (``insats``) are the demo person's, a random share of them, so that there are
  about ``EPISODER_PER_PLATS`` per place; payments (``utbetalning``) are one per matning row
  in the round's month plus earlier months of the quarter, about ``BETALNINGAR_PER_PLATS`` per
  place in all, the amount the row's ``bistandsbelopp_kr`` (or a demo payment).

The scales of the benchmark are in :data:`SKALOR`; ``L`` gives about 2.4 million matning
rows, 9.8 million multi-valued codes, 200 000 episodes and 3 million payments.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from core import demo, koder
from core.exporter import formatera_varde

VERSION = 1  # raise when the generator changes what it writes (the benchmark's cache of files)
EPISODER_PER_PLATS = 2.0
BETALNINGAR_PER_PLATS = 30.0
UPPREPNING = 2  # synthetic (quarterly) rounds per demo (half-yearly) round
FORSTA_AR = 2020


@dataclass(frozen=True)
class Skala:
    namn: str
    personer: int
    omgangar: int


SKALOR: dict[str, Skala] = {
    "S": Skala("S", 300, 8),
    "M": Skala("M", 10_000, 24),
    "L": Skala("L", 100_000, 24),
}


def omgangsdatum(omgangar: int) -> list[dt.date]:
    """The rounds' dates: the 15th of March, June, September and December from 2020 on."""
    return [dt.date(FORSTA_AR + k // 4, 3 * (k % 4) + 3, 15) for k in range(omgangar)]


def omgang_id(d: dt.date) -> str:
    """The round id of a round dated ``d``: ``YYYY-MM``."""
    return _omgang_id(d)


def _omgang_id(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _flytta(d: dt.date | None, dagar: int) -> dt.date | None:
    return None if d is None else d + dt.timedelta(days=dagar)


class _Mall:
    """The demo, arranged as trajectories to copy."""

    def __init__(self):
        rader = demo.generera()
        datum = {o["omgang_id"]: o["datum"] for o in rader["matomgang"]}
        self.personer = {p["person_id"]: p for p in rader["person"]}
        per_person: dict[str, list[dict]] = defaultdict(list)
        for m in rader["matning"]:
            per_person[m["person_id"]].append(m)
        self.banor = [sorted(r, key=lambda m: m["omgang_id"]) for r in per_person.values()]
        self.datum = datum
        self.episoder: dict[str, list[dict]] = defaultdict(list)
        for i in rader["insats"]:
            self.episoder[i["person_id"]].append(i)
        self.avslutsorsaker = [a["orsak"] for a in rader["avslut"]]
        self.belopp = [u["belopp_kr"] for u in rader["utbetalning"]]
        personer_i_banor = len(self.banor)
        self.episoder_per_person = sum(len(v) for v in self.episoder.values()) / personer_i_banor
        self.rader_per_person = sum(len(b) for b in self.banor) / personer_i_banor


class _Skrivare:
    """One CSV file of the exchange format, written row by row."""

    def __init__(self, katalog: Path, entitet: str):
        self.entitet = entitet
        self.kolumner = koder.KOLUMNER[entitet]
        self.f = open(katalog / f"{entitet}.csv", "w", encoding="cp1252", newline="")  # noqa: SIM115
        self.w = csv.writer(self.f, delimiter=";", lineterminator="\r\n")
        self.w.writerow(self.kolumner)
        self.antal = 0

    def skriv(self, rad: dict) -> None:
        self.w.writerow([formatera_varde(rad.get(k)) for k in self.kolumner])
        self.antal += 1

    def stang(self) -> None:
        self.f.close()


def skriv(katalog: Path | str, personer: int, omgangar: int, fro: int = 10) -> dict[str, int]:
    """Write a synthetic municipality to ``katalog`` (one CSV file per entity).

    Returns
    -------
    dict
        entity -> rows written, and ``flerval``: the multi-valued codes of the matning rows.
    """
    katalog = Path(katalog)
    katalog.mkdir(parents=True, exist_ok=True)
    rng = random.Random(fro)
    mall = _Mall()
    datum = omgangsdatum(omgangar)
    slut = dt.date(datum[-1].year, 12, 31)
    f = {e: _Skrivare(katalog, e) for e in koder.ENTITETER}
    for e, n, t in koder.STANDARDENHETER:
        f["enhet"].skriv({"enhet": e, "namn": n, "typ": t})
    for d in datum:
        f["matomgang"].skriv(
            {"omgang_id": _omgang_id(d), "datum": d, "benamning": f"Mätning {demo.MANADSNAMN[d.month - 1]} {d.year}"}
        )
    # Persons per place: every bana covers UPPREPNING rounds per row.
    forvantade_personer = personer * omgangar / (UPPREPNING * mall.rader_per_person)
    episodandel = min(1.0, EPISODER_PER_PLATS * personer / (forvantade_personer * mall.episoder_per_person))
    per_rad = BETALNINGAR_PER_PLATS / omgangar
    flerval = 0
    nummer = {"person": 0, "insats": 0}

    def ny_person(k: int, inne_i: bool) -> dict:
        """A new person for a place from round k on: the copy of a demo trajectory."""
        nummer["person"] += 1
        n = nummer["person"]
        bana = rng.choice(mall.banor)
        start = rng.randrange(len(bana) * UPPREPNING) if inne_i else 0
        mallperson = mall.personer[bana[0]["person_id"]]
        forsta_demodatum = mall.datum[bana[start // UPPREPNING]["omgang_id"]]
        skift_ar = datum[k].year - forsta_demodatum.year
        fodelsear = mallperson["fodelsear"]
        p = {
            "person_id": f"S{n:07d}",
            "kon": mallperson["kon"],
            "fodelsear": None if fodelsear is None else fodelsear + skift_ar,
            "fodelseregion": mallperson["fodelseregion"],
            "hushall_id": f"SH{n:07d}",
        }
        f["person"].skriv(p)
        skift = (datum[k] - forsta_demodatum).days
        for e in mall.episoder.get(bana[0]["person_id"], ()):
            if rng.random() >= episodandel:
                continue
            remiss, start_d, slut_d = (_flytta(e[c], skift) for c in ("remissdatum", "startdatum", "slutdatum"))
            if remiss > slut:
                continue
            orsak = e["avslutsorsak"]
            if start_d is not None and start_d > slut:
                start_d, slut_d, orsak = None, None, None
            if slut_d is not None and slut_d > slut:
                slut_d, orsak = None, None
            nummer["insats"] += 1
            f["insats"].skriv(
                {
                    **e,
                    "insats_id": f"SI{nummer['insats']:08d}",
                    "person_id": p["person_id"],
                    "remissdatum": remiss,
                    "startdatum": start_d,
                    "slutdatum": slut_d,
                    "avslutsorsak": orsak,
                }
            )
        return {"p": p, "bana": bana, "steg": start}

    platser = [ny_person(0, True) for _ in range(personer)]
    for k, d in enumerate(datum):
        oid = _omgang_id(d)
        for i, plats in enumerate(platser):
            if plats["steg"] >= len(plats["bana"]) * UPPREPNING:
                # The person left after the previous round: a closure, and a newcomer.
                forra = platser[i]["p"]
                f["avslut"].skriv(
                    {
                        "person_id": forra["person_id"],
                        "datum": datum[k - 1] + dt.timedelta(days=rng.randint(1, 80)),
                        "orsak": rng.choice(mall.avslutsorsaker),
                    }
                )
                plats = platser[i] = ny_person(k, False)
            mallrad = plats["bana"][plats["steg"] // UPPREPNING]
            plats["steg"] += 1
            skift = (d - mall.datum[mallrad["omgang_id"]]).days
            rad = {
                **mallrad,
                "omgang_id": oid,
                "person_id": plats["p"]["person_id"],
                "inskrivningsdatum": _flytta(mallrad["inskrivningsdatum"], skift),
            }
            f["matning"].skriv(rad)
            flerval += sum(len(rad[v] or ()) for v in koder.FLERVAL)
            belopp = rad["bistandsbelopp_kr"] or rng.choice(mall.belopp)
            hh = plats["p"]["hushall_id"]
            extra = per_rad - 1
            for bak in range(3):
                if bak == 0 or rng.random() < extra / 2:
                    m = d.month - bak
                    f["utbetalning"].skriv({"hushall_id": hh, "manad": f"{d.year:04d}-{m:02d}", "belopp_kr": belopp})
    for s in f.values():
        s.stang()
    return {e: s.antal for e, s in f.items()} | {"flerval": flerval}


def skriv_ny_omgang(katalog: Path | str, personer: list[str], datum: dt.date, fro: int = 11) -> None:
    """Write one new round dated ``datum`` for the stored ``personer`` (``matomgang.csv`` and
    ``matning.csv``), each row a random demo row with its dates moved to the round."""
    katalog = Path(katalog)
    katalog.mkdir(parents=True, exist_ok=True)
    rng = random.Random(fro)
    mall = _Mall()
    rader = [r for bana in mall.banor for r in bana]
    omgang = _Skrivare(katalog, "matomgang")
    omgang.skriv(
        {
            "omgang_id": _omgang_id(datum),
            "datum": datum,
            "benamning": f"Mätning {demo.MANADSNAMN[datum.month - 1]} {datum.year}",
        }
    )
    omgang.stang()
    f = _Skrivare(katalog, "matning")
    for p in personer:
        mallrad = rng.choice(rader)
        skift = (datum - mall.datum[mallrad["omgang_id"]]).days
        f.skriv(
            {
                **mallrad,
                "omgang_id": _omgang_id(datum),
                "person_id": p,
                "inskrivningsdatum": _flytta(mallrad["inskrivningsdatum"], skift),
            }
        )
    f.stang()
