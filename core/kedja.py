"""A chain of cross-tabs in one layer: the steps of a flow, protected together.

A flow diagram drawn as steps (a person's 1st, 2nd, 3rd … episode) shows, for every pair of
consecutive steps ``(v1, v2), (v2, v3), …``, the cross-tab of the two step variables: the
links. Every node of a step is the margin of two cross-tabs at once — the persons leaving a
node of step 2 are the persons arriving there from step 1. Built as separate ``P`` layers,
the engine would audit each cross-tab on its own (siblings, see :mod:`core.frislapp`), and a
reader could combine the bounds of one with the other through the shared nodes. A *chain*
puts every link of every step in one layer ``K((v1, …, vk), Δ)`` above ``F(Δ)``, with all
their relations, so one audit sees them together.

The cells are the engine's ``p_cell``; the relations are exactly those of each pair's
``P`` layer (row and column sums to the step margins in ``F``, the groups of a dimension to
their parent), merged. Nothing of :mod:`core.frislapp` changes: the layer is built with its
pair builder and protected by the same ``_skydda``, cached under its own key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core import frislapp
from core.frislapp import Frislapp, Lager, _p_lager, _sorterade, _utan


def _par(variabler: Sequence[str]) -> list[tuple[str, str]]:
    ut = []
    for a, b in zip(variabler, variabler[1:], strict=False):
        if not a < b:
            raise ValueError("En kedjas variabler måste stå i namnordning (steg1, steg2, …).")
        ut.append((a, b))
    return ut


def _kedjelager(fr: Frislapp, variabler: tuple[str, ...], dims: tuple[str, ...], foraldrar: tuple[Lager, ...]) -> Lager:
    varden: dict = {}
    likheter: list = []
    olikheter: list = []
    for v1, v2 in _par(variabler):
        # each pair's parents: F(dims) and the pair's part of each parent chain (a chain holds
        # every pair's cells, so the parent chain serves as the pair's parent P layer)
        delar = _p_lager(fr.pop, v1, v2, dims, foraldrar, fr.troskel)
        varden.update(delar.varden)
        likheter.extend(delar.likheter)
        olikheter.extend(delar.olikheter)
    return Lager(("K", variabler, dims), dims, varden, likheter, olikheter, foraldrar, fr.troskel)


def kedja(fr: Frislapp, variabler: Iterable[str], dims: Iterable[str]) -> Lager:
    """``K(variabler, dims)``: the cross-tabs of consecutive variables in one protected layer.

    Parameters
    ----------
    fr : the release.
    variabler : two or more non-dimension, single-valued variables of the population, in name
        order (``steg1, steg2, steg3``); the links are the pairs of neighbours.
    dims : the dimensions of the layer (as for :meth:`Frislapp.par`).

    Returns
    -------
    Lager
        Cells ``p_cell(v_i, a, v_{i+1}, b, dims, δ)``; read views with
        :meth:`Lager.kombinationer` / :meth:`Lager.antal`.
    """
    variabler = tuple(variabler)
    if len(variabler) < 2:
        raise ValueError("En kedja behöver minst två steg.")
    dims = _sorterade(dims)
    foraldrar = (fr.fordelningar(dims), *(kedja(fr, variabler, _utan(dims, dims, d)[0]) for d in dims))
    return fr._hamta(("K", variabler, dims), lambda: _kedjelager(fr, variabler, dims, foraldrar))


def lankar(fr: Frislapp, g: frislapp.Grupp, variabler: Sequence[str], koder: dict[str, Sequence[str]]) -> dict:
    """``{(v_i, a, b): count or None}`` for every link of the chain in the group ``g``.

    ``koder`` gives the codes asked for per step variable. A link is shown when the release
    determines it and it is 0 or at least the threshold.
    """
    lg = kedja(fr, variabler, g.dims)
    celler = g.celler(lg.dims)
    nycklar, komb = [], []
    for v1, v2 in _par(tuple(variabler)):
        for a in koder[v1]:
            for b in koder[v2]:
                nycklar.append((v1, a, b))
                komb.append({frislapp.p_cell(v1, a, v2, b, lg.dims, d): 1.0 for d in celler})
    varden = lg.kombinationer(komb)
    from core import skydd

    return {
        k: (None if v is None or skydd.ar_litet(v, fr.troskel) else v) for k, v in zip(nycklar, varden, strict=True)
    }
