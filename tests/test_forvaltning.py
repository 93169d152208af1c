"""Deleting a round (core/forvaltning.py and ``python -m core radera-omgang``), on both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text

from core import backup, db, forvaltning, harledning
from core.exporter import exportera_csv, exportera_rader
from core.importer import importera
from core.models import Granskningslogg, Matning, MatningVal, Matomgang, Person
from core.omfang import ADMIN, BehorighetsFel, Omfang
from tests import fixtur
from tests.skrivlas import halla

PL = Omfang("processledning")


@pytest.fixture
def skydd(tmp_path, monkeypatch):
    katalog = tmp_path / "skydd"
    monkeypatch.setenv("VAGEN_BACKUP_KATALOG", str(katalog))
    return katalog


@pytest.fixture
def eng(engine, skydd):
    fixtur.ladda(engine)
    return engine


def _antal(engine, modell, **villkor) -> int:
    q = select(func.count()).select_from(modell)
    for k, v in villkor.items():
        q = q.where(getattr(modell, k) == v)
    with engine.connect() as c:
        return c.execute(q).scalar_one()


def _utan_omgang(rader: dict, omgang_id: str) -> dict:
    ut = dict(rader)
    ut["matomgang"] = [r for r in rader["matomgang"] if r["omgang_id"] != omgang_id]
    ut["matning"] = [r for r in rader["matning"] if r["omgang_id"] != omgang_id]
    return ut


def test_radera_omgang(eng, skydd):
    fore = exportera_rader(eng, ADMIN)
    version = db.dataversion(eng)
    inn = forvaltning.omgangens_innehall(eng, PL, "2020-03")
    # Round 2020-03: P01-P06 and the newcomer P13.
    assert (inn.matningar, inn.flervalssvar) == (7, _antal(eng, MatningVal, omgang_id="2020-03"))
    assert inn.flervalssvar > 0
    harledda = _harledda(eng, "2020-03")
    assert harledda >= 7 + 7 + 1  # every matning row's derived row, its units, the round's size
    r = forvaltning.radera_omgang(eng, PL, "2020-03", "pia", matningar=7)
    assert (r.omgang_id, r.matningar, r.flervalssvar) == ("2020-03", 7, inn.flervalssvar)
    assert "Mätomgång 2020-03 är borttagen: 7 mätningar" in r.text()
    # The round and everything measured in it are gone; the rest is as it was.
    assert exportera_rader(eng, ADMIN) == _utan_omgang(fore, "2020-03")
    assert _antal(eng, MatningVal, omgang_id="2020-03") == 0
    assert _antal(eng, Person) == 13  # persons stay (P13 was only in 2020-03)
    assert db.dataversion(eng) != version
    with eng.connect() as c:
        (detalj,) = c.execute(
            select(Granskningslogg.detalj).where(
                Granskningslogg.handelse == "radering", Granskningslogg.anvandare == "pia"
            )
        ).scalars()
    assert json.loads(detalj) == {
        "omgang": "2020-03",
        "matningar": 7,
        "flervalssvar": inn.flervalssvar,
        "harledda_rader": harledda,
        "sakerhetskopia": r.sakerhetskopia.name,
    }
    # The safety copy holds the database before the deletion.
    assert r.sakerhetskopia.parent == skydd and "fore-radering-2020-03" in r.sakerhetskopia.name
    assert backup.granska_kopia(str(eng.url.render_as_string(hide_password=False)), r.sakerhetskopia).omgangar == 2


def test_radera_och_importera_igen_ersatter_omgangen(eng, tmp_path):
    """A corrected file merges by key; deleting the round first replaces it completely."""
    fore = exportera_rader(eng, ADMIN)
    exportera_csv(eng, ADMIN, tmp_path / "alla")
    with eng.begin() as c:  # a row that the corrected file no longer has
        c.execute(
            Matning.__table__.insert().values(omgang_id="2020-03", person_id="P07", enhet="eb"),
        )
    assert importera(eng, tmp_path / "alla").ok
    assert _antal(eng, Matning, omgang_id="2020-03") == 8  # the merge keeps it
    forvaltning.radera_omgang(eng, ADMIN, "2020-03", "ada")
    assert importera(eng, tmp_path / "alla").ok
    assert exportera_rader(eng, ADMIN) == fore


def _harledda(eng, omgang_id: str) -> int:
    with eng.connect() as c:
        return sum(
            c.execute(text(f"SELECT count(*) FROM {namn} WHERE omgang_id = :o"), {"o": omgang_id}).scalar_one()
            for namn in forvaltning.HARLEDDA_TABELLER
        )


def _harledda_rader(eng) -> dict[str, list[tuple]]:
    with eng.connect() as c:
        return {
            namn: sorted(tuple(r) for r in c.execute(text(f"SELECT * FROM {namn}")).all())
            for namn in forvaltning.HARLEDDA_TABELLER
        }


def test_radera_tar_harledda_rader(eng):
    """The derived tables lose the round's rows and keep the rest exactly as a from-scratch
    computation gives them."""
    r = forvaltning.radera_omgang(eng, ADMIN, "2019-09", "ada")
    assert r.matningar == 12
    assert _harledda(eng, "2019-09") == 0 and _harledda(eng, "2020-03") > 0
    kvar = _harledda_rader(eng)
    with eng.begin() as c:
        harledning.bygg_om(c)
    assert _harledda_rader(eng) == kvar


@pytest.mark.parametrize("roll", ["politiker", "medarbetare"])
def test_bara_processledning_och_admin(eng, roll, skydd):
    omfang = Omfang(roll, "eb" if roll == "medarbetare" else None)
    with pytest.raises(BehorighetsFel):
        forvaltning.omgangens_innehall(eng, omfang, "2019-09")
    with pytest.raises(BehorighetsFel):
        forvaltning.radera_omgang(eng, omfang, "2019-09", "x")
    assert _antal(eng, Matomgang) == 2 and not skydd.exists()


def test_finns_inte(eng, skydd):
    with pytest.raises(forvaltning.ForvaltningsFel, match="Mätomgången 1999-01 finns inte"):
        forvaltning.radera_omgang(eng, ADMIN, "1999-01", "ada")
    assert not skydd.exists()


def test_inte_under_en_import(eng, db_url, skydd):
    with halla(db_url), pytest.raises(forvaltning.ForvaltningsFel, match="En import pågår"):
        forvaltning.radera_omgang(eng, ADMIN, "2019-09", "ada")
    assert _antal(eng, Matning, omgang_id="2019-09") == 12 and not skydd.exists()


def test_andrad_sedan_bekraftelsen(eng):
    with pytest.raises(forvaltning.ForvaltningsFel, match="har nu 12 mätningar, inte 11"):
        forvaltning.radera_omgang(eng, ADMIN, "2019-09", "ada", matningar=11)
    assert _antal(eng, Matning, omgang_id="2019-09") == 12


def test_ingen_plats_for_sakerhetskopian(eng, full_disk, monkeypatch):
    monkeypatch.setenv("VAGEN_BACKUP_KATALOG", str(full_disk))
    with pytest.raises(forvaltning.ForvaltningsFel, match="Disken är full.*Mätomgången har inte tagits bort"):
        forvaltning.radera_omgang(eng, ADMIN, "2019-09", "ada")
    assert _antal(eng, Matning, omgang_id="2019-09") == 12
    assert sorted(p.name for p in full_disk.iterdir()) == ["fyllnad"]


def _cli(url, *args, input=None):
    env = dict(os.environ, VAGEN_DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )


def test_cli_radera_omgang(eng, db_url, skydd):
    r = _cli(db_url, "radera-omgang", "2020-03")
    assert r.returncode == 1 and "Ingen bekräftelse" in r.stderr
    assert "Mätomgång 2020-03" in r.stdout and "7 mätningar" in r.stdout and "ligger kvar" in r.stdout
    assert _antal(eng, Matning, omgang_id="2020-03") == 7 and not skydd.exists()
    r = _cli(db_url, "radera-omgang", "2020-03", input="ja\n")
    assert r.returncode == 0, r.stderr
    (kopia,) = skydd.iterdir()
    assert f"Säkerhetskopia före borttagningen: {kopia}" in r.stdout
    assert "Mätomgång 2020-03 är borttagen: 7 mätningar." in r.stdout
    assert _antal(eng, Matning, omgang_id="2020-03") == 0
    with eng.connect() as c:
        vem = c.execute(select(Granskningslogg.anvandare).where(Granskningslogg.handelse == "radering")).scalar_one()
    assert vem.startswith("operatör:")
    r = _cli(db_url, "radera-omgang", "2020-03", "--ja")
    assert r.returncode == 1 and "finns inte" in r.stderr and "Traceback" not in r.stderr


def test_bench_vagrar_databas_med_data(eng, db_url):
    # bench loads the demo into the database it is given: never into one with data.
    r = _cli(db_url, "bench", "--url", db_url, "--upprepningar", "1")
    assert r.returncode == 1 and "ange en tom databas" in r.stderr
    assert _antal(eng, Matomgang) == 2
