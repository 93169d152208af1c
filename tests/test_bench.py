"""The benchmark's machinery (core/bench.py, core/syntet.py): correct, not timed.

Speed is measured by ``python -m core bench``; here the synthetic data must import cleanly
with the proportions the docstring promises, every page call of the table must run for both
scopes, and the naive baseline must count exactly what the product counts (a baseline that
counted something else would make its ratio meaningless).
"""

from __future__ import annotations

import pytest

from core import bench, koder, syntet
from core.importer import importera
from core.matt import profil
from core.matt.profil import ALLA, Urval
from core.omfang import Omfang


@pytest.fixture(scope="module")
def syntetiska_filer(tmp_path_factory):
    katalog = tmp_path_factory.mktemp("syntet")
    antal = syntet.skriv(katalog, 200, 8, fro=3)
    return katalog, antal


def test_syntetiska_data_i_proportion(syntetiska_filer):
    _, antal = syntetiska_filer
    assert antal["matning"] == 200 * 8
    assert 3.5 < antal["flerval"] / antal["matning"] < 4.7  # the demo's 4.1 per row
    assert 0.5 * 2 * 200 < antal["insats"] < 1.5 * 2 * 200  # about EPISODER_PER_PLATS per place
    assert antal["utbetalning"] == 3 * antal["matning"]  # S-like: every month of the quarter


@pytest.fixture
def syntetisk(engine, syntetiska_filer):
    katalog, _ = syntetiska_filer
    r = importera(engine, katalog)
    assert r.ok, r.felrapport()
    return engine


def test_ny_omgang_importeras(syntetisk, tmp_path):
    from core import db

    url = str(syntetisk.url.render_as_string(hide_password=False))
    omgang, n = bench._ny_omgang(url, tmp_path / "ny")
    r = importera(db.get_engine(url), tmp_path / "ny")
    assert r.ok, r.felrapport()
    assert r.antal["matning"].insatta == n == 200


@pytest.mark.parametrize("roll", bench.OMFANG)
def test_varje_sidanrop_kor(syntetisk, roll):
    lage = bench.Lage(syntet.omgang_id(syntet.omgangsdatum(8)[-1]))
    for sida in bench.SIDOR:
        sida.anrop(syntetisk, Omfang(roll), lage)
        sida.session(lage)


@pytest.mark.parametrize("enhet", [None, bench.ENHET])
def test_naiva_vagen_raknar_som_produkten(syntetisk, enhet):
    omgang = syntet.omgang_id(syntet.omgangsdatum(8)[-1])
    naiv = bench.naiv_profil(syntetisk, omgang, enhet)
    urval = Urval(enhet=(enhet,)) if enhet else ALLA
    n, rakning = profil.rakna(syntetisk, profil.hamta_omgang(syntetisk, omgang), urval, list(koder.VARIABLER))
    assert naiv["n"] == n
    for variabel, per_kod in rakning.items():
        if variabel not in naiv:
            continue
        fran_naiv = {("saknas" if k is None or k != k else str(k)): int(v) for k, v in naiv[variabel].items() if v}
        if koder.VARIABLER[variabel].flerval:
            per_kod = {k: v for k, v in per_kod.items() if k != "saknas"}
        assert fran_naiv == {k: v for k, v in per_kod.items() if v}, variabel
