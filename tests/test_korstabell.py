"""Cross-tabs on the hand-built fixture (tests/fixtur.py), counted by hand."""

import pytest

from core.matt.korstabell import korstabell
from core.matt.profil import ProfilFel, Urval
from core.omfang import ADMIN, Omfang
from tests import fixtur


@pytest.fixture
def eng(engine):
    fixtur.ladda(engine)
    return engine


def cell(kt, r, k):
    c = kt.celler.set_index(["rad", "kolumn"]).loc[(r, k)]
    return None if c["skyddad"] else int(c["n"])


def test_kon_x_handlingsplan(eng):
    kt = korstabell(eng, ADMIN, "2019-09", "kon", "handlingsplan")
    # K: P01-P06 ja, P07 nej; M: P08-P10 nej, P11 blank; blank sex: P12 blank plan
    assert [cell(kt, "K", k) for k in ("ja", "nej", "saknas")] == [6, 1, 0]
    assert [cell(kt, "M", k) for k in ("ja", "nej", "saknas")] == [0, 3, 1]
    assert [cell(kt, "saknas", k) for k in ("ja", "nej", "saknas")] == [0, 0, 1]
    assert kt.rader.set_index("kod")["n"].to_dict() == {"K": 7, "M": 4, "saknas": 1}
    assert kt.total == 12
    c = kt.celler.set_index(["rad", "kolumn"]).loc[("K", "ja")]
    assert c["radandel"] == pytest.approx(6 / 7) and c["kolumnandel"] == pytest.approx(6 / 6)


def test_flerval_x_kon(eng):
    kt = korstabell(eng, ADMIN, "2019-09", "arbetshinder", "kon")
    # psykisk: P01 P02 P04 P06 (K), P08 P10 (M), P12 (blank sex)
    assert [cell(kt, "psykisk", k) for k in ("K", "M", "saknas")] == [4, 2, 1]
    # fysisk: P04 P07 (K), P10 (M); no hinder recorded: P09 (M)
    assert [cell(kt, "fysisk", k) for k in ("K", "M", "saknas")] == [2, 1, 0]
    assert [cell(kt, "saknas", k) for k in ("K", "M", "saknas")] == [0, 1, 0]
    assert kt.rader.set_index("kod").loc["psykisk", "n"] == 7


def test_skyddad_korstabell_for_politiker(eng):
    kt = korstabell(eng, Omfang("politiker"), "2019-09", "kon", "handlingsplan")
    assert kt.skyddad
    # every row and column, counting its margin, has 0 or at least 2 suppressed members
    d = kt.celler.pivot(index="rad", columns="kolumn", values="skyddad")
    rad_m = kt.rader.set_index("kod")["skyddad"]
    kol_m = kt.kolumner.set_index("kod")["skyddad"]
    assert all(d.loc[r].sum() + rad_m[r] != 1 for r in d.index)
    assert all(d[k].sum() + kol_m[k] != 1 for k in d.columns)
    assert d.values.any()
    assert kt.celler.loc[kt.celler["skyddad"], "radandel"].isna().all()


def test_filter_och_fel(eng):
    kt = korstabell(eng, ADMIN, "2019-09", "kon", "boende", Urval(enhet=("eai",)))
    assert kt.total == 5
    with pytest.raises(ProfilFel):
        korstabell(eng, ADMIN, "2019-09", "kon", "kon")
    with pytest.raises(ProfilFel):
        korstabell(eng, ADMIN, "2019-09", "kon", "alder")


@pytest.mark.parametrize("rad, kol", [("kon", "handlingsplan"), ("arbetshinder", "kon"), ("boende", "af_inskriven")])
def test_marginalerna_doljs_som_fordelningen(eng, rad, kol):
    # The Fördelning tab shows each variable's distribution on its own; the cross-tab must
    # hide exactly the same margins, or a margin shown there gives a hidden cell back here.
    from core.matt.profil import profil

    pol = Omfang("politiker")
    kt = korstabell(eng, pol, "2019-09", rad, kol)
    p = profil(eng, pol, "2019-09", variabler=[rad, kol])
    for marg, var in ((kt.rader, rad), (kt.kolumner, kol)):
        assert marg.set_index("kod")["skyddad"].to_dict() == p.fordelningar[var].set_index("kod")["skyddad"].to_dict()
