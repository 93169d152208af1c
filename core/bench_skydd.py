"""The cost of the disclosure audit, for ``python -m core bench`` (issue 9).

Two figures: the protection of one cross-tab of 10 x 10 codes with its margins (a synthetic
population with many counts of 1–4, so that the audit has work to do: primary suppression,
rule 2, the LP audit and the unions), and the layers a politician's pages build for one round
of the demo — the whole profile, the sex split, the age split, a unit against the rest, and two
conditions combined. Each is built in a fresh cache; the time includes counting in SQL.
"""

from __future__ import annotations

import random
import statistics
import time

from core import frislapp
from core.population import MinnesPopulation, Varspec


def korstabell_10x10(fro: int = 7, personer: int = 400) -> MinnesPopulation:
    """A synthetic population: two variables of 10 codes with skewed frequencies."""
    rng = random.Random(fro)
    koder = tuple(f"k{i}" for i in range(10))
    vikter = [30, 20, 12, 8, 6, 5, 4, 3, 2, 1]
    poster = [{"a": rng.choices(koder, vikter)[0], "b": rng.choices(koder, vikter[::-1])[0]} for _ in range(personer)]
    return MinnesPopulation(poster, {}, {"a": Varspec("a", koder), "b": Varspec("b", koder)})


def matt_korstabell(upprepningar: int = 5) -> tuple[float, int, int]:
    """Median seconds to protect the 10 x 10 cross-tab with its margins; hidden cells; rounds."""
    tider, lager = [], None
    for i in range(upprepningar):
        pop = korstabell_10x10(fro=7 + i)
        frislapp.rensa_cache()
        fr = frislapp.Frislapp(pop, 5)
        fr.fordelningar(())  # the margins are the variables' own distributions, built first
        t0 = time.perf_counter()
        lager = fr.par("a", "b", ())
        tider.append(time.perf_counter() - t0)
    return statistics.median(tider), len(lager.dolda), lager.varv


def matt_omgang(engine, omgang_id: str) -> list[tuple[str, float, int, int]]:
    """Seconds to build each layer of one round a politician's pages use (cold cache)."""
    from core.matt.profil import frislapp_for

    frislapp.rensa_cache()
    fr = frislapp_for(engine, omgang_id)
    ut = []
    for namn, bygg in (
        ("F(∅): hela profilen", lambda: fr.fordelningar(())),
        ("F(kön): kvinnor/män", lambda: fr.fordelningar(("kon",))),
        ("F(ålder): åldersgrupperna", lambda: fr.fordelningar(("aldersgrupp",))),
        ("F(enhet eai): enheten mot resten", lambda: fr.fordelningar(("enhet:eai",))),
        ("F(kön, ålder): två villkor", lambda: fr.fordelningar(("kon", "aldersgrupp"))),
        ("P(arbetshinder, hälsa): korstabell", lambda: fr.par("arbetshinder", "halsa", ())),
    ):
        t0 = time.perf_counter()
        lg = bygg()
        ut.append((namn, time.perf_counter() - t0, len(lg.dolda), lg.varv))
    frislapp.rensa_cache()
    return ut


def kor(engine, omgang_id: str, skriv=print) -> dict:
    """Print the audit's cost; returns the figures for the benchmark's JSON."""
    sek, dolda, varv = matt_korstabell()
    skriv("Röjandeskydd: granskningens kostnad (linjärprogrammering, HiGHS)")
    flagga = "" if sek < 0.05 else "  ÖVER MÅLET (50 ms)"
    skriv(
        f"  {'Korstabell 10 x 10 med marginaler':<40} median {sek * 1000:8.1f} ms   {dolda} dolda, {varv} varv{flagga}"
    )
    lager = matt_omgang(engine, omgang_id)
    for namn, s, d, v in lager:
        skriv(f"  {namn:<40}        {s * 1000:8.1f} ms   {d} dolda, {v} varv")
    return {"korstabell_10x10_ms": sek * 1000, "lager_ms": {n: s * 1000 for n, s, _d, _v in lager}}
