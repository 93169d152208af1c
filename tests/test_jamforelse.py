"""One unit against the rest of the process, on the hand-built fixture (tests/fixtur.py).

In 2019-09 the unit eai holds P01 (an open episode delivered by eai) and P09-P12 (matning);
the rest of the process is P02-P08.
"""

import pytest

from core.matt.jamforelse import JAMFORBARA, enhet_mot_resten
from core.matt.profil import ProfilFel, Urval
from core.omfang import ADMIN, Omfang
from tests import fixtur

POLITIKER = Omfang("politiker")


@pytest.fixture
def eng(engine):
    fixtur.ladda(engine)
    return engine


def celler(j, grupp):
    df = j.fordelning[j.fordelning["grupp"] == grupp]
    return {k: (None if s else int(n)) for k, n, s in zip(df["kod"], df["n"], df["skyddad"], strict=True)}


def test_kon_oskyddat(eng):
    j = enhet_mot_resten(eng, ADMIN, "2019-09", "eai", "kon")
    # eai: P01 K, P09-P11 M, P12 blank sex; the rest: P02-P07 K, P08 M
    assert celler(j, "enhet") == {"K": 1, "M": 3, "saknas": 1}
    assert celler(j, "resten") == {"K": 6, "M": 1, "saknas": 0}
    assert j.storlek["n"].tolist() == [5, 7]
    andel = j.fordelning.set_index(["grupp", "kod"])["andel"]
    assert andel[("enhet", "M")] == pytest.approx(3 / 5)
    assert andel[("resten", "K")] == pytest.approx(6 / 7)
    assert not j.skyddad and not j.fordelning["skyddad"].any()


def test_kon_skyddat_som_korstabell(eng):
    # Cells K 1/6, M 3/1, blank 1/0; rows 7, 4, 1; groups 5, 7; total 12.
    # Rule 1 hides eai's K 1, M 3, blank 1, the rest's M 1 and the row margins M 4, blank 1.
    # Row K then has one hidden member (eai 1) beside its shown margin 7, so the rest's K 6
    # is hidden too: otherwise 7 - 6 would give eai's 1 back.
    j = enhet_mot_resten(eng, POLITIKER, "2019-09", "eai", "kon")
    assert j.skyddad
    assert celler(j, "enhet") == {"K": None, "M": None, "saknas": None}
    assert celler(j, "resten") == {"K": None, "M": None, "saknas": 0}
    assert j.storlek["n"].tolist() == [5, 7]
    assert j.fordelning.loc[j.fordelning["skyddad"], "andel"].isna().all()


def test_flerval_raknar_personer(eng):
    j = enhet_mot_resten(eng, ADMIN, "2019-09", "eai", "arbetshinder")
    # psykisk: P01 P10 P12 in eai; P02 P04 P06 P08 in the rest
    e, r = celler(j, "enhet"), celler(j, "resten")
    assert e["psykisk"] == 3 and r["psykisk"] == 4
    # P09 has no barrier recorded (eai); everyone in the rest has one
    assert e["saknas"] == 1 and r["saknas"] == 0


def test_liten_grupp_visar_bara_farre_an_5(eng):
    # Men: eai P09 P10 P11 (3), the rest P08 (1): both groups and the total (4) are small.
    j = enhet_mot_resten(eng, POLITIKER, "2019-09", "eai", "kon", Urval(kon=("M",)))
    assert j.fordelning["skyddad"].all()
    assert j.storlek["skyddad"].all() and j.storlek["n"].isna().all()


def test_filtrets_enhet_ersatts_av_uppdelningen(eng):
    # The filter's unit (af) does not narrow the comparison: eai is against all others.
    j = enhet_mot_resten(eng, ADMIN, "2019-09", "eai", "kon", Urval(enhet=("af",)))
    assert j.storlek["n"].tolist() == [5, 7]
    assert j.urval == Urval()


def test_fel(eng):
    with pytest.raises(ProfilFel):
        enhet_mot_resten(eng, ADMIN, "2019-09", "finnsinte", "kon")
    with pytest.raises(ProfilFel):
        enhet_mot_resten(eng, ADMIN, "1999-01", "eai", "kon")
    with pytest.raises(ProfilFel):
        enhet_mot_resten(eng, ADMIN, "2019-09", "eai", "alder")
    assert "alder" not in JAMFORBARA and "arbetshinder" in JAMFORBARA
