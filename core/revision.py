"""The disclosure audit: what can an attacker work out from a set of published tables?

This is rule 9 of ``produkt.md`` ("One release, verified") as a piece of linear algebra. A
release is a set of cells (counts of persons) tied together by the additive relations the
reader knows (the codes of a variable add up to the group, women + men + blank = all, a unit
and the rest add up to the whole, an exclusive code of a multi-valued variable …). Some
cells are shown — their values are constants — and the others are unknowns: hidden cells
(the reader knows they are at least 1, since a zero is always shown) and internal cells
that no page shows but that the relations imply (the rest of the process, the persons
*without* a multi-valued code; at least 0).

:func:`granska` takes that system and finds, for every unknown, whether every point that
satisfies all relations gives it the same value ("pinned"), and answers the same question
for any linear combination of cells ("determined"), e.g. the count of a filtered group that
is the sum of several cells. It does so exactly, for the linear programme over the reals:

1. the unknowns fall into connected components (unknowns that share a relation); each is
   audited alone;
2. per component, linear programmes (``scipy.optimize.linprog`` with HiGHS) find which
   inequalities (the lower bounds, and inequalities such as "the persons with any code are
   at least the persons with this code") hold with equality at every feasible point — the
   implicit equalities — by maximising the slack of every inequality at once and repeating
   for those still tight;
3. the equalities and the implicit equalities span the directions the unknowns cannot move
   in; a combination is determined exactly when it lies in their row space (an orthonormal
   basis from an SVD). Its value is read off any feasible point.

Pinning is thus decided without one LP per cell: one to three LPs and one SVD per component,
which is what makes the audit fast enough for a live meeting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, sparse
from scipy.optimize import linprog
from threadpoolctl import threadpool_limits

# A relation: sum(coef * x[col]) + const (== 0 for an equality, >= 0 for an inequality).
Relation = tuple[Sequence[int], Sequence[float], float]

_TOL_SLACK = 1e-7
_SLACK_TAK = 1e-2
_TOL_RANG = 1e-8


class RevisionsFel(RuntimeError):
    """The system has no solution: the published numbers contradict each other (a bug)."""


@dataclass
class _Block:
    kolumner: np.ndarray  # the block's unknowns (global indices)
    noll: np.ndarray  # orthonormal basis of the block's own null space (k x m)
    global_: np.ndarray  # the block's part of the shared directions (k x dimZ)


@dataclass
class Granskning:
    """The result of :func:`granska`: a feasible point and the directions in which the
    unknowns can move without breaking any relation (a basis of the null space of the
    binding relations, kept per block).

    Attributes
    ----------
    x : a point that satisfies every relation (for the values of determined combinations).
    last : per unknown, True when it is pinned (has the same value at every feasible point).
    """

    x: np.ndarray
    last: np.ndarray
    block: list[_Block] = field(default_factory=list)
    kopplade: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    z: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def _karta(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per unknown: its block (-1 for a shared one), its row in the block, its row in z."""
        if getattr(self, "_karta_cache", None) is None:
            n = len(self.x)
            blk, lok, zr = np.full(n, -1), np.full(n, -1), np.full(n, -1)
            for i, b in enumerate(self.block):
                blk[b.kolumner] = i
                lok[b.kolumner] = np.arange(len(b.kolumner))
            zr[self.kopplade] = np.arange(len(self.kopplade))
            self._karta_cache = (blk, lok, zr)
        return self._karta_cache

    def nollriktningar(self, kolumner: np.ndarray) -> np.ndarray:
        """The null-space directions restricted to the unknowns ``kolumner`` (k x d): a
        combination over them is determined exactly when it is orthogonal to every column."""
        kolumner = np.asarray(kolumner, dtype=int)
        blk, lok, zr = self._karta()
        dim_z = self.z.shape[1]
        delar = []
        glob = np.zeros((len(kolumner), dim_z))
        ar_z = zr[kolumner] >= 0
        if dim_z and ar_z.any():
            glob[ar_z] = self.z[zr[kolumner[ar_z]]]
        for bi in sorted(set(blk[kolumner][~ar_z].tolist())):
            b = self.block[bi]
            rad = np.flatnonzero((blk[kolumner] == bi) & ~ar_z)
            lokala = lok[kolumner[rad]]
            if b.noll.shape[1]:
                d = np.zeros((len(kolumner), b.noll.shape[1]))
                d[rad] = b.noll[lokala]
                delar.append(d)
            if dim_z:
                glob[rad] = b.global_[lokala]
        if dim_z:
            delar.append(glob)
        return np.hstack(delar) if delar else np.zeros((len(kolumner), 0))

    def _nollmatris(self) -> sparse.csr_matrix:
        """Every free direction as one sparse matrix (unknowns x directions)."""
        if getattr(self, "_noll_cache", None) is None:
            n = len(self.x)
            ri, ci, data = [], [], []
            kol = 0
            for b in self.block:
                if b.noll.shape[1]:
                    r, c = np.nonzero(np.abs(b.noll) > 0)
                    ri.append(b.kolumner[r])
                    ci.append(kol + c)
                    data.append(b.noll[r, c])
                    kol += b.noll.shape[1]
            dim_z = self.z.shape[1]
            if dim_z:
                for b in self.block:
                    r, c = np.nonzero(np.abs(b.global_) > 0)
                    ri.append(b.kolumner[r])
                    ci.append(kol + c)
                    data.append(b.global_[r, c])
                r, c = np.nonzero(np.abs(self.z) > 0)
                ri.append(self.kopplade[r])
                ci.append(kol + c)
                data.append(self.z[r, c])
                kol += dim_z
            if ri:
                m = sparse.csr_matrix(
                    (np.concatenate(data), (np.concatenate(ri), np.concatenate(ci))), shape=(n, max(kol, 1))
                )
            else:
                m = sparse.csr_matrix((n, 1))
            self._noll_cache = m
        return self._noll_cache

    def bestamda(self, kombinationer: sparse.csr_matrix | np.ndarray) -> np.ndarray:
        """For each row ``a`` of ``kombinationer`` (over the unknowns): is ``a @ x`` the same
        at every feasible point? Rows that are all zero are determined."""
        a = sparse.csr_matrix(kombinationer)
        if a.nnz == 0:
            return np.ones(a.shape[0], dtype=bool)
        norm = np.sqrt(np.asarray(a.multiply(a).sum(axis=1)).ravel())
        skala = _TOL_RANG * 1e2 * np.maximum(1.0, norm)
        p = (a @ self._nollmatris()).tocsr()
        storst = np.zeros(a.shape[0])
        if p.nnz:
            storst = np.asarray(abs(p).max(axis=1).todense()).ravel()
        return storst <= skala

    def varden(self, kombinationer: sparse.csr_matrix | np.ndarray) -> np.ndarray:
        """``a @ x`` for each row (meaningful where :meth:`bestamda` is True)."""
        return np.asarray(sparse.csr_matrix(kombinationer) @ self.x).ravel()


def _komponenter(n: int, relationer: Sequence[Relation]) -> np.ndarray:
    """Union-find over the unknowns: component id per unknown (-1 when in no relation)."""
    foralder = np.arange(n)

    def rot(i: int) -> int:
        while foralder[i] != i:
            foralder[i] = foralder[foralder[i]]
            i = foralder[i]
        return i

    anvand = np.zeros(n, dtype=bool)
    for kol, _koef, _konst in relationer:
        kol = list(kol)
        if not kol:
            continue
        anvand[kol] = True
        r0 = rot(kol[0])
        for c in kol[1:]:
            r = rot(c)
            if r != r0:
                foralder[r] = r0
    ut = np.full(n, -1)
    ids: dict[int, int] = {}
    for i in np.flatnonzero(anvand):
        ut[i] = ids.setdefault(rot(int(i)), len(ids))
    return ut


def _matris(rader: Sequence[Relation], index: dict[int, int], k: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Rows ``sum(coef * x) + const`` as (A, const) over the component's local indices."""
    data, ri, ci, konst = [], [], [], []
    for i, (kol, koef, c) in enumerate(rader):
        for j, a in zip(kol, koef, strict=True):
            ri.append(i)
            ci.append(index[j])
            data.append(a)
        konst.append(c)
    a = sparse.csr_matrix((data, (ri, ci)), shape=(len(rader), k))
    a.sum_duplicates()
    return a, np.asarray(konst, dtype=float)


def _implicita(
    a_eq: sparse.csr_matrix, b_eq: np.ndarray, a_ge: sparse.csr_matrix, c_ge: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which inequalities ``a_ge @ x + c_ge >= 0`` hold with equality at every point of
    ``{a_eq @ x == b_eq, a_ge @ x + c_ge >= 0}``, and a feasible point.

    Maximise the sum of slacks ``s`` (each in [0, 1]) with ``a_ge @ x + c_ge >= s``; every
    inequality that can be strict somewhere gets a positive slack in some optimum of a
    repetition over those still at zero (the feasible set is convex), so what stays at zero
    after a repetition that frees none is an implicit equality.
    """
    k, m = a_ge.shape[1], a_ge.shape[0]
    tata = np.ones(m, dtype=bool)
    x = None
    while True:
        mal = np.zeros(k + m)
        mal[k + np.flatnonzero(tata)] = -1.0
        # -a_ge x + s <= c_ge
        a_ub = sparse.hstack([-a_ge, sparse.identity(m, format="csr")], format="csr")
        a_eq_ut = sparse.hstack([a_eq, sparse.csr_matrix((a_eq.shape[0], m))], format="csr") if a_eq.shape[0] else None
        # A small cap on each slack: every inequality that can be strict then reaches it in one
        # optimum (no trading one slack for another), so one LP usually settles the system.
        grans = [(None, None)] * k + [(0.0, _SLACK_TAK)] * m
        res = linprog(
            mal,
            A_ub=a_ub,
            b_ub=c_ge,
            A_eq=a_eq_ut,
            b_eq=b_eq if a_eq.shape[0] else None,
            bounds=grans,
            method="highs",
        )
        if res.status != 0:
            raise RevisionsFel(f"linprog: {res.message}")
        x, s = res.x[:k], res.x[k:]
        nu_fria = tata & (s > _TOL_SLACK)
        if not nu_fria.any():
            return tata, x
        tata &= ~nu_fria
        if not tata.any():
            return tata, x


def _svd(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SVD with every right singular vector (the null space needs them) but only as many left
    ones as there are columns: a block with many more relations than unknowns stays cheap."""
    hel = a.shape[0] < a.shape[1]
    try:
        return linalg.svd(a, full_matrices=hel)
    except np.linalg.LinAlgError:  # pragma: no cover - gesdd failed; the slower, sturdier driver
        return linalg.svd(a, full_matrices=hel, lapack_driver="gesvd")


def _rang(s: np.ndarray, form: tuple[int, int]) -> int:
    if s.size == 0:
        return 0
    return int((s > _TOL_RANG * max(form) * max(1.0, s[0])).sum())


def _nollrum(a: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the null space of ``a`` (columns)."""
    if a.shape[0] == 0:
        return np.eye(a.shape[1])
    _u, s, vt = _svd(a)
    return vt[_rang(s, a.shape) :].T


def granska(
    n: int,
    undre: np.ndarray,
    likheter: Sequence[Relation],
    olikheter: Sequence[Relation] = (),
    kopplade: Sequence[int] = (),
) -> Granskning:
    """Audit a linear system of ``n`` unknowns.

    Parameters
    ----------
    n : number of unknowns.
    undre : lower bound of each unknown (1 for a hidden cell, 0 for an internal one).
    likheter : equalities ``sum(coef * x[col]) + const == 0`` (shown cells already folded
        into ``const``).
    olikheter : inequalities ``sum(coef * x[col]) + const >= 0``.
    kopplade : unknowns that tie otherwise separate blocks together (hidden group sizes,
        which every variable's codes add up to). The null space is computed per block with
        these as shared parameters, so a release of many variables costs many small
        decompositions instead of one large one; the result is exact either way.

    Returns
    -------
    Granskning
        Which unknowns are pinned, and how to test any combination.

    Raises
    ------
    RevisionsFel
        When the system has no solution (the shown numbers contradict each other).
    """
    undre = np.asarray(undre, dtype=float)
    likheter = [r for r in likheter if len(r[0])]
    olikheter = [r for r in olikheter if len(r[0])]
    last = np.zeros(n, dtype=bool)
    if n == 0:
        return Granskning(x=np.zeros(0), last=last)
    index = {j: j for j in range(n)}
    a_eq, c_eq = _matris(likheter, index, n)
    # The lower bounds are inequalities too: x - lb >= 0. One LP series for the whole system
    # finds the inequalities that hold with equality everywhere (they bind like equalities).
    granser: list[Relation] = [([j], [1.0], -float(undre[j])) for j in range(n)]
    alla_ge = [*granser, *olikheter]
    a_ge, c_ge = _matris(alla_ge, index, n)
    tata, x = _implicita(a_eq, -c_eq, a_ge, c_ge)
    bindande = sparse.vstack([a_eq, a_ge[np.flatnonzero(tata)]], format="csr")
    # Many small decompositions: one BLAS thread each is faster than a pool that fights the
    # app's other sessions (and the other core) for the CPU.
    with threadpool_limits(limits=1, user_api="blas"):
        return _nollrum_i_block(n, x, bindande, np.asarray(sorted(set(kopplade)), dtype=int))


def _nollrum_i_block(n: int, x: np.ndarray, bindande: sparse.csr_matrix, z: np.ndarray) -> Granskning:
    """Null space of the binding rows, per block of unknowns that share rows (the shared
    unknowns ``z`` left out of the blocks and handled as parameters)."""
    ar_z = np.zeros(n, dtype=bool)
    ar_z[z] = True
    rader = [bindande.indices[bindande.indptr[i] : bindande.indptr[i + 1]] for i in range(bindande.shape[0])]
    egna = [r[~ar_z[r]] for r in rader]
    komp = _komponenter(n, [(list(e), (), 0.0) for e in egna if len(e)])
    fria = np.flatnonzero((komp < 0) & ~ar_z)
    antal = int(komp.max()) + 1 if (komp >= 0).any() else 0
    block_rader: list[list[int]] = [[] for _ in range(antal)]
    d_rader = []
    for i, e in enumerate(egna):
        if len(e):
            block_rader[komp[e[0]]].append(i)
        else:
            d_rader.append(i)
    dz = len(z)
    zpos = {int(c): i for i, c in enumerate(z)}
    bin_csc = bindande.tocsc()
    z_del = bin_csc[:, z].toarray() if dz else np.zeros((bindande.shape[0], 0))
    block_info = []
    villkor_z = [z_del[d_rader]] if dz else []
    for c in range(antal):
        kolumner = np.flatnonzero(komp == c)
        a = bin_csc[block_rader[c]][:, kolumner].toarray() if block_rader[c] else np.zeros((0, len(kolumner)))
        cz = z_del[block_rader[c]] if dz else np.zeros((len(block_rader[c]), 0))
        if a.shape[0]:
            u, s, vt = _svd(a)
            r = _rang(s, a.shape)
        else:
            u, s, vt, r = np.zeros((0, 0)), np.zeros(0), np.eye(len(kolumner)), 0
        noll = vt[r:].T
        if dz and a.shape[0]:
            ur = u[:, :r]
            villkor_z.append(cz - ur @ (ur.T @ cz))
        block_info.append((kolumner, a, cz, u, s, vt, r, noll))
    if dz:
        zbas = _nollrum(np.vstack(villkor_z)) if villkor_z else np.eye(dz)
    else:
        zbas = np.zeros((0, 0))
    dim_z = zbas.shape[1] if dz else 0
    block = []
    normer = (zbas**2).sum(axis=0) if dim_z else np.zeros(0)
    globala = []
    for kolumner, a, cz, u, s, vt, r, _noll in block_info:
        if dim_z and a.shape[0] and r:
            # x = -A^+ C z: the block's movement along each shared direction
            pinv = vt[:r].T @ np.diag(1.0 / s[:r]) @ u[:, :r].T
            g = -pinv @ (cz @ zbas)
        else:
            g = np.zeros((len(kolumner), dim_z))
        normer = normer + (g**2).sum(axis=0) if dim_z else normer
        globala.append(g)
    skala = 1.0 / np.sqrt(np.maximum(normer, 1e-300)) if dim_z else np.zeros(0)
    last = np.zeros(n, dtype=bool)
    for (kolumner, *_rest, noll), g in zip(block_info, globala, strict=True):
        g = g * skala if dim_z else g
        block.append(_Block(kolumner, noll, g))
        rorlig = (np.abs(noll) > 1e-9).any(axis=1) if noll.shape[1] else np.zeros(len(kolumner), dtype=bool)
        if dim_z:
            rorlig |= (np.abs(g) > 1e-9).any(axis=1)
        last[kolumner] = ~rorlig
    for f in fria:
        block.append(_Block(np.array([f]), np.eye(1), np.zeros((1, dim_z))))
    zmat = zbas * skala if dim_z else np.zeros((dz, 0))
    if dz:
        last[z] = ~((np.abs(zmat) > 1e-9).any(axis=1)) if dim_z else True
    del zpos
    return Granskning(x=x, last=last, block=block, kopplade=z, z=zmat)
