"""An attacker with a calculator and a linear programme, written independently of the engine.

It knows only what a politician sees — the numbers the pages and reports show, and the
additive relations any reader of the tables knows — and tries to pin hidden counts, exactly
as issue 9 describes: for every hidden count it computes the smallest and largest value
consistent with everything shown (``scipy.optimize.linprog``, one LP per direction), and
reports the ones whose true value is 1..4 and whose minimum equals their maximum.

The world model
---------------
- **Groups**: the whole round, every filtered group a view shows, and the groups the reader
  can infer (the rest of a unit, the persons a filter leaves out). Each has a size and, per
  variable and code, a count.
- **Relations**: within a group, the codes of a single-valued variable add up to its size; for a
  multi-valued one with an exclusive code, exclusive + blank + "any other code" = size and
  "any other code" lies between the largest other code and their sum. Across groups: a
  partition (the whole = a unit + its rest = the groups of one dimension) adds up for the size
  and for every code.
- **Bounds**: a shown number is fixed; a hidden one is at least 1 (zero is shown), an inferred
  one at least 0. When that makes the system infeasible (the engine hid a zero as a last
  resort), the attacker lowers every bound to 0 and tries again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

DOLD = object()  # a hidden cell


@dataclass
class Varld:
    """What the attacker has collected."""

    # variable -> ("enkel", codes) or ("flerval", codes, exclusive codes)
    variabler: dict[str, tuple]
    # group -> size (int shown, DOLD, or None: not shown anywhere, inferred)
    storlek: dict[str, object] = field(default_factory=dict)
    # (group, variable, code) -> int shown, or DOLD
    celler: dict[tuple, object] = field(default_factory=dict)
    # (parent, [children]): the children split the parent
    partitioner: list[tuple[str, list[str]]] = field(default_factory=list)
    # the truth, to tell a real disclosure from a wrong guess: key -> value
    sanning: dict[tuple, int] = field(default_factory=dict)
    # (key, [keys]): a cell the reader knows is the sum of others (a union of codes)
    summor: list[tuple[tuple, list[tuple]]] = field(default_factory=list)
    # (key, key): two numbers the reader knows are equal (a cross-tab column and its margin)
    lika: list[tuple[tuple, tuple]] = field(default_factory=list)
    # (numerator key, denominator key, share): a shown share of a count and its base
    kvoter: list[tuple[tuple, tuple, float]] = field(default_factory=list)

    def grupp(self, namn: str, storlek) -> None:
        if namn not in self.storlek or self.storlek[namn] is None:
            self.storlek[namn] = storlek
        elif storlek is not None and storlek is not DOLD:
            assert self.storlek[namn] in (DOLD, storlek), (namn, self.storlek[namn], storlek)
            self.storlek[namn] = storlek

    def cell(self, grupp: str, variabel: str, kod, varde) -> None:
        k = (grupp, variabel, kod)
        if k in self.celler and self.celler[k] is not DOLD and varde is not DOLD:
            assert self.celler[k] == varde, (k, self.celler[k], varde)  # the release agrees with itself
        if k not in self.celler or self.celler[k] is DOLD:
            self.celler[k] = varde


def _familj(k: tuple) -> str:
    """Which block of the system a key belongs to: "n" for group sizes, else its variable."""
    if k[0] == "n":
        return "n"
    return "inskrivningstid" if k[1] == "_1ar" else k[1]


def _relationer(varld: Varld) -> tuple[list, list]:
    """Every relation the reader knows as (``{key: coef}``, rhs): equalities and ``<=`` rows."""
    eq: list[tuple[dict, float]] = []
    ub: list[tuple[dict, float]] = []
    grupper = list(varld.storlek)
    for p, barn in varld.partitioner:
        for g in (p, *barn):
            if g not in varld.storlek:
                varld.storlek[g] = None
                grupper.append(g)

    def koder(v):
        spec = varld.variabler[v]
        return [*spec[1], "saknas"] + (["_nagon"] if spec[0] == "flerval" else [])

    def lagg(rad: dict, lista, rhs=0.0):
        ut: dict = {}
        for k, a in rad:
            ut[k] = ut.get(k, 0.0) + a
        lista.append((ut, rhs))

    for g in grupper:
        for v, spec in varld.variabler.items():
            if spec[0] == "enkel":
                lagg([*(((g, v, k), 1.0) for k in koder(v)), (("n", g), -1.0)], eq)
            else:
                ensam = spec[2]
                vanliga = [k for k in spec[1] if k not in ensam]
                lagg([*(((g, v, k), 1.0) for k in (*ensam, "saknas", "_nagon")), (("n", g), -1.0)], eq)
                for k in vanliga:
                    lagg([((g, v, k), 1.0), ((g, v, "_nagon"), -1.0)], ub)
                lagg([((g, v, "_nagon"), 1.0), *(((g, v, k), -1.0) for k in vanliga)], ub)
                for k in spec[1]:  # a code is at most the group
                    lagg([((g, v, k), 1.0), (("n", g), -1.0)], ub)
    for p, barn in varld.partitioner:
        lagg([(("n", p), -1.0), *((("n", b), 1.0) for b in barn)], eq)
        for v in varld.variabler:
            for k in koder(v):
                lagg([((p, v, k), -1.0), *(((b, v, k), 1.0) for b in barn)], eq)
    for k, delar in varld.summor:
        lagg([(k, -1.0), *((d, 1.0) for d in delar)], eq)
    for a, b in varld.lika:
        lagg([(a, 1.0), (b, -1.0)], eq)
    for t, nm, andel in varld.kvoter:
        lagg([(t, 1.0), (nm, -andel)], eq)
    return eq, ub


def attackera(varld: Varld, troskel: int = 5) -> list[tuple]:
    """Every hidden count of 1..threshold−1 that the LP pins to its true value.

    The system is solved per variable (with every group size, which ties the variables
    together, and the variables whose codes are also group sizes, i.e. cross-tab columns);
    hidden group sizes are attacked with the whole system.
    """
    from scipy import sparse

    eq, ub = _relationer(varld)
    fasta: dict[tuple, float] = {}
    dolda: set[tuple] = set()
    for g, s in varld.storlek.items():
        if s is DOLD:
            dolda.add(("n", g))
        elif s is not None:
            fasta[("n", g)] = float(s)
    for k, v in varld.celler.items():
        if v is DOLD:
            dolda.add(k)
        else:
            fasta[k] = float(v)
    lankade = {_familj(b) for a, b in varld.lika if a[0] == "n"} | {_familj(a) for a, b in varld.lika if b[0] == "n"}
    lankade -= {"n"}
    alla_familjer = {_familj(k) for r, _b in eq for k in r}

    def system(familjer: set[str]):
        rader_eq = [(r, b) for r, b in eq if {_familj(k) for k in r} <= familjer]
        rader_ub = [(r, b) for r, b in ub if {_familj(k) for k in r} <= familjer]
        nycklar = sorted({k for r, _b in (*rader_eq, *rader_ub) for k in r}, key=repr)
        index = {k: i for i, k in enumerate(nycklar)}
        n = len(nycklar)

        def matris(rader):
            ri, ci, data = [], [], []
            for j, (r, _b) in enumerate(rader):
                for k, a in r.items():
                    ri.append(j)
                    ci.append(index[k])
                    data.append(a)
            return sparse.csr_matrix((data, (ri, ci)), shape=(len(rader), n)), np.array([b for _r, b in rader])

        a_eq, b_eq = matris(rader_eq)
        a_ub, b_ub = matris(rader_ub)

        def granser(undre: float):
            ut = []
            for k in nycklar:
                if k in fasta:
                    ut.append((fasta[k], fasta[k]))
                elif k in dolda:
                    ut.append((undre, 1e6))
                else:
                    ut.append((0.0, 1e6))
            return ut

        kw = dict(A_eq=a_eq, b_eq=b_eq, A_ub=a_ub if a_ub.shape[0] else None, b_ub=b_ub if a_ub.shape[0] else None)
        bounds = granser(1.0)
        if linprog(np.zeros(n), bounds=bounds, method="highs", **kw).status != 0:
            bounds = granser(0.0)  # the engine hid a zero: hidden cells may be zero
        return index, bounds, kw

    mal = [k for k in sorted(dolda, key=repr) if 0 < (varld.sanning.get(k) or 0) < troskel]
    fynd = []
    per_familj: dict[str, list] = {}
    for k in mal:
        per_familj.setdefault(_familj(k), []).append(k)
    for fam, nycklar in per_familj.items():
        familjer = alla_familjer if fam == "n" else {fam, "n", *lankade}
        index, bounds, kw = system(familjer)
        n = len(index)
        # A few vertices for random objectives first: a count that differs between two
        # feasible points is not pinned, which spares the two LPs of most counts.
        rng = np.random.default_rng(0)
        punkter = []
        for _ in range(6):
            r = linprog(rng.normal(size=n), bounds=bounds, method="highs", **kw)
            if r.status == 0:
                punkter.append(r.x)
        punkter = np.array(punkter)
        for k in nycklar:
            if k not in index:
                continue  # in no relation: unbounded
            if len(punkter) and np.ptp(punkter[:, index[k]]) > 1e-6:
                continue
            c = np.zeros(n)
            c[index[k]] = 1.0
            lo = linprog(c, bounds=bounds, method="highs", **kw)
            hi = linprog(-c, bounds=bounds, method="highs", **kw)
            assert lo.status == 0 and hi.status == 0, "the shown numbers contradict each other"
            if -hi.fun - lo.fun < 1e-6 and round(lo.fun) == varld.sanning[k]:
                fynd.append((k, varld.sanning[k]))
    return fynd
