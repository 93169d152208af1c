"""The attacker (tests/angripare.py) against everything a politician sees on Insatsflöden.

The collector (``insamling.samla_floden``) gathers the flow diagram's nodes and links, the
handovers by sex and by first unit, the referral matrix, unit × insatstyp and the outcomes,
for the whole period and for women and men, with every relation a reader knows (a node's
links add up to it, the steps split the persons, the sexes split the whole, a waiting-time
table's started episodes are the outcomes but waiting). No hidden count of 1–4 may come out
pinned; and with primary suppression only (the protection off) the same attacker does pin
some, so the test can fail.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core import db, frislapp, importer
from core.matt import floden as fl
from tests import angripare, insamling, smarundor
from tests.angripare import DOLD
from tests.smarundor import _csv

PERIOD = fl.Period(dt.date(2018, 9, 16), dt.date(2019, 9, 15))
ENHETER = ("eb", "eai", "reu", "af")


def _slumpade_insatser(rng: random.Random, n: int) -> list:
    personer = [
        smarundor.person(f"P{i}", kon=rng.choice(["K", "M", "K", "M", None]), alder=rng.randint(18, 64))["person"]
        for i in range(n)
    ]
    ep = []
    for p in personer:
        dag = PERIOD.fran + dt.timedelta(days=rng.randint(0, 200))
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            till = rng.choice(ENHETER)
            start = dag + dt.timedelta(days=rng.randint(0, 60)) if rng.random() < 0.9 else None
            slut = start + dt.timedelta(days=rng.randint(5, 90)) if start and rng.random() < 0.6 else None
            ep.append(
                {
                    "insats_id": f"I{len(ep):04d}",
                    "person_id": p["person_id"],
                    "insatstyp": rng.choice([1, 2, 4, 12]),
                    "fran_enhet": rng.choice(["eb", "eb", "eai"]),
                    "till_enhet": till,
                    "remissdatum": dag.isoformat(),
                    "startdatum": start.isoformat() if start else None,
                    "slutdatum": slut.isoformat() if slut else None,
                    "avslutsorsak": rng.choice(["arbete", "vidare", "avbrott", "ovrigt"]) if slut else None,
                }
            )
            dag = (slut or start or dag) + dt.timedelta(days=rng.randint(1, 20))
            if dag > PERIOD.till:
                break
    return [
        _csv("person", personer),
        _csv("matomgang", [{"omgang_id": "2019-09", "datum": "2019-09-15", "benamning": "Test"}]),
        _csv("insats", ep),
    ]


@pytest.fixture(params=[7])
def slumpad(request, tmp_path):
    eng = db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")
    db.skapa_schema(eng)
    res = importer.importera(eng, _slumpade_insatser(random.Random(request.param), 45))
    assert res.ok, res.felrapport()
    yield eng
    frislapp.rensa_cache()
    eng.dispose()


def _bara_primar(varld: angripare.Varld) -> angripare.Varld:
    """The same world with the protection off: only counts of 1–4 hidden, nothing else."""
    for k in list(varld.celler):
        sann = varld.sanning.get(k)
        if sann is not None:
            varld.celler[k] = DOLD if 0 < sann < 5 else sann
    for g in list(varld.storlek):
        sann = varld.sanning.get(("n", g))
        if sann is not None and varld.storlek[g] is not None:
            varld.storlek[g] = DOLD if 0 < sann < 5 else sann
    return varld


@pytest.mark.slow
def test_angriparen_laser_ingen_lank(slumpad):
    # the whole period (the filtered views of women and men: see the module docstring)
    personer, episoder = insamling.samla_floden(slumpad, PERIOD, med_kon=False)
    assert any(v is DOLD for v in personer.celler.values())  # there is something to attack
    visade = [k for k, v in personer.celler.items() if v is not DOLD and v and "|steg1=" in k[0]]
    assert visade, "flödet visar inga länkar alls"  # not protected by showing nothing
    for varld in (personer, episoder):
        fynd = angripare.attackera(varld)
        assert not fynd, f"låsta små tal: {fynd[:5]}"


@pytest.mark.slow
def test_utan_skydd_laser_angriparen_nagot(slumpad):
    personer, episoder = insamling.samla_floden(slumpad, PERIOD, med_kon=False)
    fynd = angripare.attackera(_bara_primar(personer)) + angripare.attackera(_bara_primar(episoder))
    assert fynd, "angriparen borde låsa något när bara små tal döljs"


@pytest.mark.slow
def test_angriparen_pa_demodata_med_kon(tmp_path):
    """The demo's twelve months up to 2023-03, whole and for women and men (the page's views)."""
    from core import demo

    eng = db.get_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    db.skapa_schema(eng)
    assert demo.ladda(eng).ok
    try:
        personer, _episoder = insamling.samla_floden(eng, fl.period_for_omgang(eng, "2023-03"))
        assert personer.celler[("W|steg1=eb", "steg2", "eai")] == 26  # the loop's first link, shown
        assert personer.celler[("W|steg2=eai", "steg3", "eb")] == 5  # and its return
        # the flow's links (the episodes' tables are attacked on the random data above)
        fynd = angripare.attackera(personer)
        assert not fynd, f"låsta små tal: {fynd[:5]}"
    finally:
        frislapp.rensa_cache()
        eng.dispose()
