"""The disclosure audit (core.revision) against brute force: one LP per unknown and direction.

For random small systems of the shapes the engine builds — sums of cells equal to a total,
cells bounded below, "any code" between the largest code and the sum — every unknown's
smallest and largest feasible value is computed by ``scipy.optimize.linprog`` directly; the
audit must call an unknown pinned exactly when the two are equal, and a random combination
determined exactly when its own minimum and maximum are equal. With and without unknowns
marked as shared ("kopplade"), since that only changes how the null space is computed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from core import revision
from core.frislapp import _delmangder, _kontrahera, _kvadrat


def _min_max(n, lb, likheter, olikheter, c):
    a_eq = np.zeros((len(likheter), n))
    b_eq = np.zeros(len(likheter))
    for i, (kol, koef, konst) in enumerate(likheter):
        a_eq[i, kol] = koef
        b_eq[i] = -konst
    a_ub = np.zeros((len(olikheter), n))
    b_ub = np.zeros(len(olikheter))
    for i, (kol, koef, konst) in enumerate(olikheter):
        a_ub[i, kol] = -np.asarray(koef)  # -(a x) <= const
        b_ub[i] = konst
    # A large upper bound keeps the maximisation finite (HiGHS may call an unbounded problem
    # infeasible); reaching it means "no upper limit".
    bounds = [(float(v), 1e6) for v in lb]
    kw = dict(A_eq=a_eq if len(likheter) else None, b_eq=b_eq if len(likheter) else None, bounds=bounds, method="highs")
    if len(olikheter):
        kw.update(A_ub=a_ub, b_ub=b_ub)
    lo = linprog(c, **kw)
    hi = linprog(-np.asarray(c), **kw)
    assert lo.status == 0 and hi.status == 0
    return lo.fun, (np.inf if -hi.fun > 1e5 else -hi.fun)


@st.composite
def system(draw):
    """A random feasible system built around a true point of small integer counts."""
    n = draw(st.integers(2, 9))
    sant = np.array(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)), dtype=float)
    lb = np.where(sant >= 1, draw(st.sampled_from([0.0, 1.0])), 0.0)
    likheter, olikheter = [], []
    for _ in range(draw(st.integers(1, 5))):
        kol = sorted(set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=min(n, 4)))))
        koef = [draw(st.sampled_from([1.0, -1.0])) for _ in kol]
        likheter.append((kol, koef, -float(np.dot(koef, sant[kol]))))
    if draw(st.booleans()) and n >= 3:
        # "any code" (x0) between the largest code and the sum of codes x1..xk
        k = draw(st.integers(2, min(4, n - 1)))
        koder = list(range(1, k + 1))
        sant[0] = draw(st.integers(int(sant[koder].max()), int(sant[koder].sum())))
        lb[0] = 0.0
        likheter = [(kol, koef, -float(np.dot(koef, sant[kol]))) for kol, koef, _ in likheter]
        for j in koder:
            olikheter.append(([0, j], [1.0, -1.0], 0.0))
        olikheter.append(([*koder, 0], [1.0] * k + [-1.0], 0.0))
    kopplade = draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True))
    return n, lb, likheter, olikheter, sant, kopplade


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(system(), st.data())
def test_granskningen_ar_lika_med_en_lp_per_okand(sys_, data):
    n, lb, likheter, olikheter, sant, kopplade = sys_
    for med in ([], kopplade):
        g = revision.granska(n, lb, likheter, olikheter, med)
        for i in range(n):
            c = np.zeros(n)
            c[i] = 1.0
            lo, hi = _min_max(n, lb, likheter, olikheter, c)
            assert bool(g.last[i]) == (hi - lo < 1e-6), (i, lo, hi)
            if g.last[i]:
                assert round(g.x[i]) == sant[i]
        # random combinations of 0/1 coefficients, as a union of cells is
        for _ in range(3):
            c = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n)))
            lo, hi = _min_max(n, lb, likheter, olikheter, c)
            assert bool(g.bestamda(c.reshape(1, -1))[0]) == (hi - lo < 1e-6)


def test_en_total_med_tva_dolda_ar_inte_last():
    # 3 + x0 + x1 = 8 (a total of 8 with one shown cell of 3): each hidden cell is 1..4.
    g = revision.granska(2, np.array([1.0, 1.0]), [([0, 1], [1.0, 1.0], 3.0 - 8.0)])
    assert not g.last.any()
    assert g.bestamda(np.array([[1.0, 1.0]]))[0]  # their sum (5) is known


def test_exklusiv_kod_laser_den_enda_enheten():
    # Attack 5 of issue 9: ingen 93, saknas 5 of 100 -> "any unit" = 2; every unit but reu is
    # 0, so reu (hidden, x0) is at least and at most "any unit" (x1): pinned at 2.
    g = revision.granska(
        2, np.array([1.0, 0.0]), [([1], [1.0], -2.0)], [([1, 0], [1.0, -1.0], 0.0), ([0, 1], [1.0, -1.0], 0.0)]
    )
    assert g.last.all() and round(g.x[0]) == 2


@pytest.mark.parametrize("form", [(3,), (4, 3), (3, 2, 2)])
def test_unionernas_kvadratiska_form_ar_lika_med_direkt_summa(form):
    # _kvadrat computes a^T G a for every product of subsets staged one dimension at a time;
    # compare with the direct sum over each union.
    rng = np.random.default_rng(42)
    n = int(np.prod(form))
    b = rng.normal(size=(n, 3))
    g = (b @ b.T).reshape(form + form)
    matriser = [_delmangder(k) for k in form]
    kvad = _kvadrat(g, matriser)
    v = rng.integers(0, 5, size=n).astype(float)
    summa = _kontrahera(v.reshape(form), matriser)
    import itertools

    for idx in itertools.product(*[range(m.shape[0]) for m in matriser]):
        a = np.ones(form)
        for d, i in enumerate(idx):
            s = [1] * len(form)
            s[d] = form[d]
            a = a * matriser[d][i].reshape(s)
        a = a.ravel()
        assert kvad[idx] == pytest.approx(a @ (b @ b.T) @ a)
        assert summa[idx] == pytest.approx(a @ v)


@pytest.mark.parametrize("form", [(3,), (4, 3), (3, 2, 2)])
def test_unionerna_for_manga_familjer_pa_en_gang(form):
    from core.frislapp import _kontrahera_alla, _kvadrat_alla

    rng = np.random.default_rng(7)
    n = int(np.prod(form))
    matriser = [_delmangder(k) for k in form]
    grammar, varden = [], []
    for _ in range(4):
        b = rng.normal(size=(n, 2))
        grammar.append((b @ b.T).reshape(form + form))
        varden.append(rng.integers(0, 5, size=n).astype(float).reshape(form))
    kvad = _kvadrat_alla(np.stack(grammar), matriser)
    summa = _kontrahera_alla(np.stack(varden), matriser)
    for f in range(4):
        assert np.allclose(kvad[f], _kvadrat(grammar[f], matriser))
        assert np.allclose(summa[f], _kontrahera(varden[f], matriser))
