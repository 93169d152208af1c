"""One release, one protection: the disclosure engine for every suppressed figure.

Rules 1–10 of ``produkt.md`` ("Disclosure control"), applied not table by table but to the
*release*: everything a suppressed scope (politiker, medarbetare, and everyone's downloads
by default) can see of one population — a round's persons, or a period's closures — across
every page, filter, tab and download.

Layers
------
A population (:mod:`core.population`) is split by *dimensions* (sex, age band, birth region,
time on assistance, and for every unit "belongs to it" / "does not"). The release is a
lattice of **layers**, each the full cross-classification of the population by a set of
dimensions ``Δ`` (at most :data:`MAX_DIMENSIONER` for a suppressed scope):

- ``S(Δ)`` — the group sizes: persons per combination of values of ``Δ``;
- ``F(Δ)`` — every other variable's codes in each of those groups;
- ``P(v1, v2, Δ)`` — the cross-tab of two variables in each group (the analysis seminar).

Every count belongs to exactly one layer (the age bands of the women are ``S({kon,
aldersgrupp})`` wherever they are shown), so a number is protected once and reads the same
on every page. A layer is built once per data version, from its parents — ``S(Δ)`` from each
``S(Δ − d)``; ``F(Δ)`` from ``S(Δ)`` and each ``F(Δ − d)``; ``P`` from ``F(Δ)`` and each
``P(Δ − d)`` — whose shown numbers it may not change.

Protection of a layer
---------------------
1. *Primary* (rule 1): cells of 1..threshold−1 are hidden; zero is shown.
2. *Audit* (rule 9): every relation the reader knows — the codes of a variable add up to the
   group (rule 2), the exclusive code, the blanks and "any other code" add up to the group and
   "any other code" lies between the largest code and the sum of the codes (rule 10), the
   persons *without* a multi-valued code are the group minus the code (rule 3), the groups of
   a dimension add up to the parent group (a unit, the rest and the whole; women + men +
   blank = all) — goes into a linear system with the layer's and its ancestors' shown cells
   fixed, hidden cells ≥ 1 and internal cells (never shown, e.g. "the rest") ≥ 0.
   :func:`core.revision.granska` finds every unknown that the system pins to one value.
3. *Unions* (rule 7): a filter may choose several values of a dimension; every such group of
   a layer (a "rectangle": a set of values per dimension) whose count the release determines
   is checked too, and so is the rest of the population outside it.
4. A pinned count of 1..threshold−1 (a hidden cell, an internal one, an ancestor's, or a
   union) gets the next smallest shown cell above zero in a relation with it hidden, and the
   layer is audited again, until nothing small is pinned.

A view (a page's table, a chart's data, a sentence, a download, a report) shows a number only
when the release determines it: a cell shown in its layer, or a combination (a filtered
group, a union of codes, a share's numerator) whose value follows from what is shown. A share
is shown only when its count and its denominator are. So no view adds to what the audited
release already gives away.

What the audit does not cover: relations between *sibling* layers that no shown total ties
together linearly (e.g. the bounds that the age-by-sex and the region-by-sex tables put on each
other through a three-way table nobody sees); those need integer programming over tables the
reader never gets. Filters for suppressed scopes are limited to :data:`MAX_DIMENSIONER`
conditions, one unit at a time.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from core import revision, skydd
from core.population import EJ, Population

Cell = tuple

# A suppressed scope may combine at most this many filter conditions (a unit counts as one).
MAX_DIMENSIONER = 2
# Layers kept in memory per process (each a few hundred kB at most).
CACHE_STORLEK = 400


class FrislappFel(ValueError):
    """A request the release cannot answer for a suppressed scope (Swedish message)."""


# --- cells ------------------------------------------------------------------------------------


def _grid(pop: Population, dims: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [tuple(d) for d in itertools.product(*[pop.dimensionsvarden(x) for x in dims])]


def n_cell(dims: tuple[str, ...], delta: tuple[str, ...]) -> Cell:
    """The size of the group ``δ`` of the dimensions ``dims``; ``n_cell((), ())`` is the population."""
    return ("n", dims, delta)


def x_cell(v: str, kod: str, dims: tuple[str, ...], delta: tuple[str, ...]) -> Cell:
    """Persons with code ``kod`` of the (non-dimension) variable ``v`` in group ``δ``."""
    return ("x", v, kod, dims, delta)


def p_cell(v1: str, k1: str, v2: str, k2: str, dims: tuple[str, ...], delta: tuple[str, ...]) -> Cell:
    """Persons with code ``k1`` of ``v1`` and ``k2`` of ``v2`` in group ``δ``."""
    return ("p", v1, k1, v2, k2, dims, delta)


def _utan(dims: tuple[str, ...], delta: tuple[str, ...], d: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    i = dims.index(d)
    return dims[:i] + dims[i + 1 :], delta[:i] + delta[i + 1 :]


def _intern(cell: Cell) -> bool:
    """A cell no page shows: the persons without a multi-valued code."""
    return any(isinstance(k, str) and k.startswith(EJ) for k in cell[1:-2])


# --- a layer ------------------------------------------------------------------------------------


@dataclass
class Lager:
    """One layer of a release after protection (see the module docstring).

    Attributes
    ----------
    nyckel : ``("S", dims)``, ``("F", dims)`` or ``("P", v1, v2, dims)``.
    varden : the true count of every own cell (internal ones included).
    dolda : own cells hidden from the scope.
    foraldrar : the parent layers (already protected).
    """

    nyckel: tuple
    dims: tuple[str, ...]
    varden: dict[Cell, int]
    likheter: list[tuple[tuple[Cell, ...], Cell]]
    olikheter: list[tuple[Cell, tuple[Cell, ...]]]
    foraldrar: tuple[Lager, ...]
    troskel: int
    dolda: set[Cell] = field(default_factory=set)
    granskning: revision.Granskning | None = None
    index: dict[Cell, int] = field(default_factory=dict)
    konstanter: dict[Cell, int] = field(default_factory=dict)
    varv: int = 0

    def visad(self, cell: Cell) -> bool:
        return cell in self.varden and cell not in self.dolda and not _intern(cell)

    def forfader(self) -> list[Lager]:
        """Every ancestor once, nearest first."""
        sedda: dict[tuple, Lager] = {}
        ko = list(self.foraldrar)
        while ko:
            lg = ko.pop(0)
            if lg.nyckel not in sedda:
                sedda[lg.nyckel] = lg
                ko.extend(lg.foraldrar)
        return list(sedda.values())

    def ordningsnyckel(self, cell: Cell) -> tuple[int, int]:
        """Which shown cell to hide next: the smallest, ties broken by the code lists' order
        (the order the cells were made in), so the choice is deterministic and predictable."""
        if not hasattr(self, "_ordning"):
            self._ordning = {c: i for i, c in enumerate(self.varden)}
        return self.varden[cell], self._ordning[cell]

    # -- reading combinations -----------------------------------------------------------------

    def kombinationer(self, kombinationer: list[dict[Cell, float]]) -> list[int | None]:
        """The value of each combination (cell -> coefficient) when the release determines
        it, else None. Cells may be this layer's or any ancestor's."""
        if not kombinationer:
            return []
        g = self.granskning
        assert g is not None
        n = len(g.x)
        konst = np.zeros(len(kombinationer))
        ri, ci, data = [], [], []
        for i, komb in enumerate(kombinationer):
            for c, a in komb.items():
                if c in self.konstanter:
                    konst[i] += a * self.konstanter[c]
                elif c in self.index:
                    ri.append(i)
                    ci.append(self.index[c])
                    data.append(a)
                else:
                    raise KeyError(c)
        m = sparse.csr_matrix((data, (ri, ci)), shape=(len(kombinationer), max(n, 1)))
        if n == 0:
            return [int(round(v)) for v in konst]
        ok = g.bestamda(m)
        varden = konst + g.varden(m)
        return [int(round(v)) if b else None for v, b in zip(varden, ok, strict=True)]

    def antal(self, kombination: dict[Cell, float]) -> int | None:
        """A count for a view: None unless determined and 0 or at least the threshold."""
        v = self.kombinationer([kombination])[0]
        if v is None or skydd.ar_litet(v, self.troskel):
            return None
        return v


# --- building layers ------------------------------------------------------------------------


def _s_lager(pop: Population, dims: tuple[str, ...], foraldrar: tuple[Lager, ...], t: int) -> Lager:
    raknat = pop.storlekar(dims)
    varden = {n_cell(dims, d): int(raknat.get(d, 0)) for d in _grid(pop, dims)}
    likheter = []
    for d in dims:
        pdims = _utan(dims, dims, d)[0]
        for pdelta in _grid(pop, pdims):
            delar = tuple(n_cell(dims, delta) for delta in _grid(pop, dims) if _utan(dims, delta, d)[1] == pdelta)
            likheter.append((delar, n_cell(pdims, pdelta)))
    return Lager(("S", dims), dims, varden, likheter, [], foraldrar, t)


def _f_lager(pop: Population, dims: tuple[str, ...], foraldrar: tuple[Lager, ...], t: int) -> Lager:
    raknat = pop.fordelningar(dims)
    storlek = pop.storlekar(dims)
    varden: dict[Cell, int] = {}
    likheter: list = []
    olikheter: list = []
    grid = _grid(pop, dims)
    for v, s in pop.variabler.items():
        for delta in grid:
            n = int(storlek.get(delta, 0))
            for k in s.rakna_koder:
                varden[x_cell(v, k, dims, delta)] = int(raknat.get((v, k, delta), 0))
            for k in s.koder if s.flerval else ():
                varden[x_cell(v, EJ + k, dims, delta)] = n - varden[x_cell(v, k, dims, delta)]
            for part in s.partitioner():
                likheter.append((tuple(x_cell(v, k, dims, delta) for k in part), n_cell(dims, delta)))
            for nagon, koder_ in s.olikheter():
                olikheter.append((x_cell(v, nagon, dims, delta), tuple(x_cell(v, k, dims, delta) for k in koder_)))
        for d in dims:
            pdims = _utan(dims, dims, d)[0]
            for pdelta in _grid(pop, pdims):
                barn = [delta for delta in grid if _utan(dims, delta, d)[1] == pdelta]
                for k in s.utokade:
                    likheter.append((tuple(x_cell(v, k, dims, b) for b in barn), x_cell(v, k, pdims, pdelta)))
    return Lager(("F", dims), dims, varden, likheter, olikheter, foraldrar, t)


def _p_lager(pop: Population, v1: str, v2: str, dims: tuple[str, ...], foraldrar: tuple[Lager, ...], t: int) -> Lager:
    s1, s2 = pop.variabler[v1], pop.variabler[v2]
    raknat = pop.par(v1, v2, dims)
    f = next(lg for lg in foraldrar if lg.nyckel == ("F", dims))
    storlek = pop.storlekar(dims)
    grid = _grid(pop, dims)
    varden: dict[Cell, int] = {}
    likheter: list = []
    olikheter: list = []

    def marg(v, k, delta):
        return f.varden[x_cell(v, k, dims, delta)]

    for delta in grid:
        n = int(storlek.get(delta, 0))
        for a in s1.rakna_koder:
            for b in s2.rakna_koder:
                varden[p_cell(v1, a, v2, b, dims, delta)] = int(raknat.get((a, b, delta), 0))
        for a in s1.utokade:
            for b in s2.utokade:
                c = p_cell(v1, a, v2, b, dims, delta)
                if c in varden:
                    continue
                ea, eb = a.startswith(EJ), b.startswith(EJ)
                ra, rb = a[len(EJ) :] if ea else a, b[len(EJ) :] if eb else b
                bas = varden[p_cell(v1, ra, v2, rb, dims, delta)]
                if ea and eb:
                    varden[c] = n - marg(v1, ra, delta) - marg(v2, rb, delta) + bas
                elif ea:
                    varden[c] = marg(v2, b, delta) - bas
                else:
                    varden[c] = marg(v1, a, delta) - bas
        for b in s2.utokade:
            for part in s1.partitioner():
                likheter.append((tuple(p_cell(v1, a, v2, b, dims, delta) for a in part), x_cell(v2, b, dims, delta)))
            for nagon, koder_ in s1.olikheter():
                olikheter.append(
                    (p_cell(v1, nagon, v2, b, dims, delta), tuple(p_cell(v1, a, v2, b, dims, delta) for a in koder_))
                )
        for a in s1.utokade:
            for part in s2.partitioner():
                likheter.append((tuple(p_cell(v1, a, v2, b, dims, delta) for b in part), x_cell(v1, a, dims, delta)))
            for nagon, koder_ in s2.olikheter():
                olikheter.append(
                    (p_cell(v1, a, v2, nagon, dims, delta), tuple(p_cell(v1, a, v2, b, dims, delta) for b in koder_))
                )
    for d in dims:
        pdims = _utan(dims, dims, d)[0]
        for pdelta in _grid(pop, pdims):
            barn = [delta for delta in grid if _utan(dims, delta, d)[1] == pdelta]
            for a in s1.utokade:
                for b in s2.utokade:
                    likheter.append(
                        (tuple(p_cell(v1, a, v2, b, dims, x) for x in barn), p_cell(v1, a, v2, b, pdims, pdelta))
                    )
    return Lager(("P", v1, v2, dims), dims, varden, likheter, olikheter, foraldrar, t)


# --- the audit of a layer -------------------------------------------------------------------


def _system(lg: Lager):
    """The linear system of a layer with its ancestors: (unknown index, constants,
    lower bounds, equalities, inequalities) in the form of :func:`core.revision.granska`."""
    alla = [lg, *lg.forfader()]
    konstanter: dict[Cell, int] = {}
    undre: dict[Cell, float] = {}
    for lager in alla:
        for c, v in lager.varden.items():
            if _intern(c):
                undre[c] = 0.0
            elif c in lager.dolda:
                undre[c] = 1.0
            else:
                konstanter[c] = v
    ordning = sorted(undre)
    index = {c: i for i, c in enumerate(ordning)}
    nollor = [c for c in ordning if undre[c] == 1.0 and _sant_varde(alla, c) == 0]

    def rad(termer: Iterable[tuple[Cell, float]]):
        kol, koef, konst = [], [], 0.0
        for c, a in termer:
            if c in index:
                kol.append(index[c])
                koef.append(a)
            else:
                konst += a * konstanter[c]
        return kol, koef, konst

    likheter, olikheter = [], []
    for lager in alla:
        for lhs, rhs in lager.likheter:
            r = rad([*((c, 1.0) for c in lhs), (rhs, -1.0)])
            if r[0]:
                likheter.append(r)
        for nagon, koder_ in lager.olikheter:
            for k in koder_:
                r = rad([(nagon, 1.0), (k, -1.0)])
                if r[0]:
                    olikheter.append(r)
            r = rad([*((k, 1.0) for k in koder_), (nagon, -1.0)])
            if r[0]:
                olikheter.append(r)
    lb = np.array([undre[c] for c in ordning])
    if nollor:
        # A zero hidden as a last resort (see _skydda) means a hidden cell may be zero: in
        # every component that holds one, no hidden cell is known to be at least 1.
        komp = revision._komponenter(len(ordning), [*likheter, *olikheter])
        smittade = {komp[index[c]] for c in nollor} - {-1}
        lb[np.isin(komp, list(smittade))] = 0.0
    return index, konstanter, lb, likheter, olikheter


def _sant_varde(alla: list[Lager], c: Cell) -> int:
    for lager in alla:
        if c in lager.varden:
            return lager.varden[c]
    raise KeyError(c)  # pragma: no cover


def _grannar(lg: Lager) -> dict[Cell, set[Cell]]:
    """Per cell, the cells it shares a relation with (the layer's and its ancestors')."""
    ut: dict[Cell, set[Cell]] = {}
    for lager in [lg, *lg.forfader()]:
        for lhs, rhs in lager.likheter:
            medlemmar = {*lhs, rhs}
            for c in medlemmar:
                ut.setdefault(c, set()).update(medlemmar)
        for nagon, koder_ in lager.olikheter:
            medlemmar = {nagon, *koder_}
            for c in medlemmar:
                ut.setdefault(c, set()).update(medlemmar)
    return ut


def _delmangder(n: int) -> np.ndarray:
    """Indicator rows of every non-empty proper subset of ``n`` values (``2**n - 2`` x ``n``)."""
    rader = [[(m >> i) & 1 for i in range(n)] for m in range(1, 2**n - 1)]
    return np.array(rader, dtype=float).reshape(-1, n)


def _kontrahera(tensor: np.ndarray, matriser: list[np.ndarray]) -> np.ndarray:
    """``tensor`` (axes i1..ik) contracted with one subset matrix per axis: (s1 x … x sk)."""
    ut = tensor
    for a in matriser:
        ut = np.tensordot(ut, a, axes=([0], [1]))  # the contracted axis moves to the end
    return ut


def _kvadrat(g: np.ndarray, matriser: list[np.ndarray]) -> np.ndarray:
    """``a^T G a`` for every product ``a = a1 ⊗ … ⊗ ak`` of subset indicators, staged one
    dimension at a time (``g`` has axes i1..ik, j1..jk)."""
    k = len(matriser)
    ut = g
    for d, a in enumerate(matriser):
        # ut axes: (s_0..s_{d-1}, i_d..i_{k-1}, j_d..j_{k-1})
        batch = d
        rest = k - d
        i_ax, j_ax = batch, batch + rest
        ut = np.tensordot(ut, a, axes=([i_ax], [1]))  # s_d appended at the end
        j_ax -= 1
        ut = np.tensordot(ut, a, axes=([j_ax], [1]))  # second s_d appended
        # keep only the diagonal of the two new s_d axes and move it next to the batch axes
        ut = np.diagonal(ut, axis1=ut.ndim - 2, axis2=ut.ndim - 1)
        ut = np.moveaxis(ut, -1, batch)
    return ut


def _unionskontroll(
    lg: Lager, pop: Population, g: revision.Granskning, index: dict[Cell, int]
) -> list[tuple[frozenset, frozenset]]:
    """Rule 7 for unions: every group a filter can choose in this layer — a set of values
    per dimension, not all single values (those are cells) and none the full set (a cell of
    the parent layer) — whose count the release determines must be 0 or at least the
    threshold; with two dimensions or more, so must the rest of the population outside it.

    Computed per family of cells (a code of a variable, or the group sizes) over the grid of
    the dimensions, all unions at once: a union ``a`` is determined when ``|a|² = a^T P a``
    for the projection ``P`` onto the row space of the binding relations.

    Returns the violations, each as (the cells to anchor the next hiding at, the rest of the
    union's family).
    """
    dims = lg.dims
    if not dims:
        return []
    t = lg.troskel
    vals = [pop.dimensionsvarden(d) for d in dims]
    form = tuple(len(v) for v in vals)
    matriser = [_delmangder(n) for n in form]
    if any(m.shape[0] == 0 for m in matriser):
        return []
    storlekar = [m.sum(axis=1) for m in matriser]
    enkla = np.ones([m.shape[0] for m in matriser], dtype=bool)
    for d, st in enumerate(storlekar):
        form_d = [1] * len(dims)
        form_d[d] = len(st)
        enkla &= (st == 1).reshape(form_d)
    pos = {tuple(v): i for i, v in enumerate(itertools.product(*[range(n) for n in form]))}
    familjer: dict[tuple, dict[tuple, Cell]] = {}
    vindex = [{x: i for i, x in enumerate(v)} for v in vals]
    for c in lg.varden:
        fam = c[:-2] if c[0] != "n" else ("n",)
        familjer.setdefault(fam, {})[tuple(vindex[i][x] for i, x in enumerate(c[-1]))] = c
    rotvarden: dict[tuple, int | None] = {}
    if len(dims) >= 2:
        fams = sorted(familjer, key=repr)
        rotceller = [n_cell((), ()) if f == ("n",) else (*f, (), ()) for f in fams]
        rotvarden = dict(zip(fams, lg.kombinationer([{r: 1.0} for r in rotceller]), strict=True))
    fams = sorted(familjer, key=repr)
    grids = [[familjer[f][k] for k in sorted(familjer[f], key=lambda k: pos[k])] for f in fams]
    ncell = len(pos)
    okanda = np.array([[c in index for c in grid] for grid in grids])
    varden = np.array(
        [[g.x[index[c]] if c in index else lg.konstanter[c] for c in grid] for grid in grids], dtype=float
    )
    rot = np.array([np.nan if rotvarden.get(f) is None else rotvarden[f] for f in fams])
    aktuella = okanda.any(axis=1) | ~np.isnan(rot)
    if not aktuella.any():
        return []  # sums of shown cells (each 0 or >= threshold) are safe
    v = _kontrahera_alla(varden.reshape((len(fams), *form)), matriser)
    bestamd = np.ones_like(v, dtype=bool)
    med_okanda = np.flatnonzero(okanda.any(axis=1))
    if med_okanda.size:
        # a is determined when it is orthogonal to every free direction: a^T (N N^T) a = 0,
        # N the null-space directions restricted to the family's unknown cells
        nollmatris = g._nollmatris()
        gram = np.zeros((med_okanda.size, ncell, ncell))
        for j, f in enumerate(med_okanda):
            rader = np.flatnonzero(okanda[f])
            nf = nollmatris[[index[grids[f][i]] for i in rader]]
            gram[j][np.ix_(rader, rader)] = (nf @ nf.T).toarray()
        form2 = (med_okanda.size, *form, *form)
        kvad = _kvadrat_alla(gram.reshape(form2), matriser)
        norm2 = _kontrahera_alla(okanda[med_okanda].astype(float).reshape((med_okanda.size, *form)), matriser)
        bestamd[med_okanda] = kvad <= 1e-7 * np.maximum(1.0, norm2)
    vr = np.rint(v)
    fel = bestamd & ~enkla & (vr >= 1) & (vr < t)
    if len(dims) >= 2:
        rest = rot.reshape((-1,) + (1,) * len(dims)) - vr
        fel |= bestamd & ~enkla & (rest >= 1) & (rest < t)
    ut: list[set[Cell]] = []
    for f, *idx in zip(*np.nonzero(fel), strict=True):
        val = [np.flatnonzero(matriser[d][i]) for d, i in enumerate(idx)]
        rekt = [grids[f][pos[k]] for k in itertools.product(*val)]
        # Anchors: the union's unknown cells (or its cells, when all are shown); and the rest
        # of its family, through which the union is worked out (the parent minus the rest).
        resten = frozenset(set(grids[f]) - set(rekt))
        ut.append((frozenset({c for c in rekt if c in index} or set(rekt)), resten))
    return ut


def _kontrahera_alla(tensor: np.ndarray, matriser: list[np.ndarray]) -> np.ndarray:
    """:func:`_kontrahera` for a stack of tensors (the first axis is the family)."""
    ut = tensor
    for a in matriser:
        ut = np.tensordot(ut, a, axes=([1], [1]))  # the contracted axis moves to the end
    return ut


def _kvadrat_alla(g: np.ndarray, matriser: list[np.ndarray]) -> np.ndarray:
    """:func:`_kvadrat` for a stack of Gram tensors (first axis: the family), one einsum per
    dimension: ``a^T G a`` for every product of subset indicators."""
    k = len(matriser)
    bokstaver = "abcdefgh"
    ut = g
    for d, a in enumerate(matriser):
        # ut axes: f, s_0..s_{d-1}, i_d..i_{k-1}, j_d..j_{k-1}
        s_gamla = "".join(bokstaver[k + 1 + x] for x in range(d))  # placeholders for done axes
        rest = k - d
        i_ax = "".join(bokstaver[x] for x in range(rest))
        j_ax = "".join(bokstaver[x].upper() for x in range(rest))
        in_ = f"z{s_gamla}{i_ax}{j_ax}"
        ny_s = "y"
        out = f"z{s_gamla}{ny_s}{i_ax[1:]}{j_ax[1:]}"
        ut = np.einsum(f"{in_},{ny_s}{i_ax[0]},{ny_s}{j_ax[0]}->{out}", ut, a, a, optimize=True)
    return ut


def _skydda(lg: Lager, pop: Population, max_varv: int = 60) -> None:
    """Primary suppression, then audit and hide more until nothing small is pinned."""
    t = lg.troskel
    lg.dolda = {c for c, v in lg.varden.items() if not _intern(c) and skydd.ar_litet(v, t)}
    grannar = _grannar(lg)
    _regel2(lg)
    upprepad: dict[frozenset, int] = {}  # how many rounds in a row an anchor has been pinned
    for varv in range(max_varv):
        lg.varv = varv + 1
        index, konstanter, lb, likheter, olikheter = _system(lg)
        # Hidden group sizes tie every variable together; the audit treats them as shared
        # parameters so that it decomposes per variable.
        kopplade = [i for c, i in index.items() if c[0] == "n"] if lg.nyckel[0] != "S" else []
        g = revision.granska(len(lb), lb, likheter, olikheter, kopplade)
        lg.granskning, lg.index, lg.konstanter = g, index, konstanter
        overtradelser: list[tuple[frozenset, frozenset]] = []
        for c, i in index.items():
            if g.last[i] and skydd.ar_litet(round(g.x[i]), t):
                overtradelser.append((frozenset({c}), frozenset()))
        overtradelser += _unionskontroll(lg, pop, g, index)
        if not overtradelser:
            return
        nya: set[Cell] = set()
        interna = {c for c in lg.varden if _intern(c)}
        synliga = set(lg.varden) - lg.dolda - interna
        positiva = {c for c in synliga if lg.varden[c] > 0}
        nollor = synliga - positiva
        okanda = set(index)
        rester = {}
        for a, r in overtradelser:
            rester[a] = rester.get(a, frozenset()) | r
        denna = set(rester)
        for ankare in sorted(denna, key=lambda s: sorted(map(repr, s))):
            # A union is worked out as its parent minus the rest of its family: hide the
            # smallest shown cell of that rest first.
            kandidater = set(rester[ankare]) & positiva
            if kandidater:
                if not kandidater & nya:
                    nya.add(min(kandidater, key=lg.ordningsnyckel))
                continue
            # A count still pinned after a round of hiding is pinned by its bounds, not by a
            # shown cell: a known total split into cells of one each, the rest shown as zero.
            # Hiding more cells above zero cannot help; hide a zero next to it, the neutral
            # mark's last resort (a hidden cell may then be zero, see _system).
            envis = upprepad.get(ankare, 0)
            if envis >= 2:
                # Pinned round after round: hide every shown cell next to it at once.
                nya |= _kandidater(grannar, ankare, positiva, okanda) | _kandidater(grannar, ankare, nollor, okanda)
                continue
            kandidater = set() if envis else _kandidater(grannar, ankare, positiva, okanda)
            if kandidater & nya:
                continue  # an earlier choice of this round already breaks the same relation
            if not kandidater:
                kandidater = _kandidater(grannar, ankare, nollor, okanda)
            if envis:
                kandidater = {min(kandidater, key=lg.ordningsnyckel)} if kandidater else set()
                kandidater |= _kandidater(grannar, ankare, positiva, okanda)
                nya |= {min(kandidater, key=lg.ordningsnyckel)} if kandidater else set()
                continue
            if kandidater:
                nya.add(min(kandidater, key=lg.ordningsnyckel))
        upprepad = {a: upprepad.get(a, 0) + 1 for a in denna}
        if not nya:
            # Nothing left to hide near the pinned counts: hide every shown cell above zero.
            nya = positiva
            if not nya:
                raise revision.RevisionsFel(f"Lagret {lg.nyckel} kan inte skyddas.")
        lg.dolda |= nya
    raise revision.RevisionsFel(f"Lagret {lg.nyckel} blev inte färdigt på {max_varv} varv.")


def _regel2(lg: Lager) -> None:
    """Rule 2 generalised, before the LP: a relation with exactly one unknown gives it away.

    Repeatedly, for every equality of the layer and its ancestors: when all members but one
    are known (shown, or already worked out), the last one is worked out; if it is a count
    of 1..threshold−1, the smallest shown cell above zero of this layer in the relation is
    hidden instead. Cheap, and it settles most of what the audit would find one round at a
    time; the LP audit then checks the rest.
    """
    t = lg.troskel
    alla = [lg, *lg.forfader()]
    varden: dict[Cell, int] = {}
    kand: set[Cell] = set()
    for lager in alla:
        varden.update(lager.varden)
        kand |= {c for c in lager.varden if lager.visad(c)}
    relationer = [(*lhs, rhs) for lager in alla for lhs, rhs in lager.likheter]
    andrat = True
    while andrat:
        andrat = False
        for rel in relationer:
            okanda = [c for c in rel if c not in kand]
            if len(okanda) != 1:
                continue
            u = okanda[0]
            if not skydd.ar_litet(varden[u], t):
                kand.add(u)  # worked out, but no small count: known from now on
                andrat = True
                continue
            kandidater = [c for c in rel if c in lg.varden and c in kand and lg.visad(c) and lg.varden[c] > 0]
            if kandidater:
                valt = min(kandidater, key=lg.ordningsnyckel)
                lg.dolda.add(valt)
                kand.discard(valt)
                andrat = True


def _kandidater(
    grannar: dict[Cell, set[Cell]], ankare: frozenset[Cell], pool: set[Cell], okanda: set[Cell]
) -> set[Cell]:
    """Cells of ``pool`` (this layer's shown cells above zero, or its shown zeros) in a
    relation with the anchors, widening one step at a time through unknowns when the nearest
    relations have none."""
    sedda = set(ankare)
    front = set(ankare)
    for _ in range(4):
        narmast: set[Cell] = set()
        for c in front:
            narmast |= grannar.get(c, set())
        kandidater = narmast & pool
        if kandidater:
            return kandidater
        # Widen only through unknowns: a shown number ends a chain of relations.
        front = (narmast - sedda) & okanda
        sedda |= narmast
        if not front:
            break
    return set()


# --- the release: layers built once and cached ------------------------------------------------

_CACHE: OrderedDict[tuple, Lager] = OrderedDict()
_LAS = threading.RLock()


def rensa_cache() -> None:
    """Forget every layer (tests; the data version in the keys makes this optional)."""
    with _LAS:
        _CACHE.clear()


def _sorterade(dims: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(dims)))


class Frislapp:
    """The release of one population for the suppressed scopes, at one threshold.

    Layers are built lazily, each once per data version (the population's key holds it), and
    shared by every page, report and download in the process.
    """

    def __init__(self, pop: Population, troskel: int | None = None):
        self.pop = pop
        self.troskel = skydd.troskel() if troskel is None else troskel

    def _hamta(self, nyckel: tuple, bygg) -> Lager:
        k = (self.pop.nyckel, self.troskel, nyckel)
        with _LAS:
            lg = _CACHE.get(k)
            if lg is not None:
                _CACHE.move_to_end(k)
                return lg
            lg = bygg()
            _skydda(lg, self.pop)
            _CACHE[k] = lg
            while len(_CACHE) > CACHE_STORLEK:
                _CACHE.popitem(last=False)
            return lg

    def storlekar(self, dims: Iterable[str]) -> Lager:
        """``S(dims)``: the group sizes."""
        dims = _sorterade(dims)
        foraldrar = tuple(self.storlekar(_utan(dims, dims, d)[0]) for d in dims)
        return self._hamta(("S", dims), lambda: _s_lager(self.pop, dims, foraldrar, self.troskel))

    def fordelningar(self, dims: Iterable[str]) -> Lager:
        """``F(dims)``: the other variables' codes in every group."""
        dims = _sorterade(dims)
        foraldrar = (self.storlekar(dims), *(self.fordelningar(_utan(dims, dims, d)[0]) for d in dims))
        return self._hamta(("F", dims), lambda: _f_lager(self.pop, dims, foraldrar, self.troskel))

    def par(self, v1: str, v2: str, dims: Iterable[str]) -> Lager:
        """``P(v1, v2, dims)``: the cross-tab of two non-dimension variables in every group."""
        dims = _sorterade(dims)
        foraldrar = (self.fordelningar(dims), *(self.par(v1, v2, _utan(dims, dims, d)[0]) for d in dims))
        return self._hamta(("P", v1, v2, dims), lambda: _p_lager(self.pop, v1, v2, dims, foraldrar, self.troskel))


# --- groups: a filter as a set of values per dimension ---------------------------------------


@dataclass(frozen=True)
class Grupp:
    """A filtered group: for each dimension in ``dims`` the chosen values (a rectangle)."""

    dims: tuple[str, ...] = ()
    val: tuple[tuple[str, ...], ...] = ()

    def varden(self, dim: str) -> tuple[str, ...]:
        return self.val[self.dims.index(dim)]

    def celler(self, dims: tuple[str, ...], extra: dict[str, str] | None = None) -> list[tuple[str, ...]]:
        """The δ of ``dims`` (which hold this group's dims and those of ``extra``, fixed to
        one value each) that make up the group."""
        extra = extra or {}
        delar = []
        for d in dims:
            if d in extra:
                delar.append((extra[d],))
            elif d in self.dims:
                delar.append(self.varden(d))
            else:  # pragma: no cover - callers pass dims that cover the group
                raise KeyError(d)
        return [tuple(x) for x in itertools.product(*delar)]

    def med(self, dim: str, varden: tuple[str, ...]) -> Grupp:
        """The group with one more condition (or one condition replaced)."""
        villkor = dict(zip(self.dims, self.val, strict=True)) | {dim: tuple(varden)}
        dims = _sorterade(villkor)
        return Grupp(dims, tuple(villkor[d] for d in dims))

    def utan(self, dim: str) -> Grupp:
        """The group with one condition dropped."""
        i = self.dims.index(dim)
        return Grupp(self.dims[:i] + self.dims[i + 1 :], self.val[:i] + self.val[i + 1 :])


def grupp(villkor: dict[str, Iterable[str]], pop: Population) -> Grupp:
    """A group from ``{dimension: chosen values}`` (empty selections dropped), values in the
    dimension's order."""
    dims = _sorterade(d for d, v in villkor.items() if v)
    val = []
    for d in dims:
        valda = set(villkor[d])
        alla = pop.dimensionsvarden(d)
        val.append(tuple(x for x in alla if x in valda))
    return Grupp(dims, tuple(val))


def storlek(fr: Frislapp, g: Grupp) -> int | None:
    """The group's size as the release shows it (None: hidden)."""
    lg = fr.storlekar(g.dims)
    return lg.antal({n_cell(g.dims, d): 1.0 for d in g.celler(g.dims)})


def vagran(fr: Frislapp, g: Grupp) -> str | None:
    """Why the group may not be shown to a suppressed scope (rule 7), or None.

    The group's size must be shown (0 or at least the threshold), and so must the persons it
    leaves out of the population and, for each condition dropped in turn, the persons that
    condition alone removes.
    """
    t = fr.troskel
    if len(g.dims) > MAX_DIMENSIONER:
        return "Av röjandeskäl kan högst två villkor kombineras i ett urval."
    n = storlek(fr, g)
    if n is None:
        return "Urvalet är så litet att det inte kan visas."
    hela = fr.storlekar(()).antal({n_cell((), ()): 1.0})
    if hela is None:
        return "Mätomgången har så få personer att inget kan visas."
    if skydd.ar_litet(hela - n, t):
        return "Urvalet lämnar så få personer utanför att det inte kan visas."
    for d in g.dims:
        storre = storlek(fr, g.utan(d))
        if storre is not None and skydd.ar_litet(storre - n, t):
            return "Ett av villkoren tar bort så få personer att urvalet inte kan visas."
    return None
