"""Cross-tabulation of any two variables of a round: the analysis seminar's question answered.

Definitions:

- A cell is the number of persons in the group with row code *a* and column code *b*; for a
  multi-valued variable a person counts under every code they have (so that dimension does
  not add up to its margin), and ``saknas`` holds the persons with no code.
- The row margin of *a* is the number of persons with code *a*; the column margin likewise;
  the total is the group's size.
- Row share = cell / row margin; column share = cell / column margin (fractions 0–1).

Counting happens in SQL (one grouped query for the cells, one per margin); disclosure control
(:func:`core.skydd.skydda_korstabell`) applies for the scopes whose output is suppressed. A
share is blank where its cell or its margin is suppressed, so a share never gives a hidden
count back.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, distinct, func, select
from sqlalchemy.orm import aliased

from core import koder
from core.matt.profil import ALLA, ProfilFel, Urval, grupp, hamta_omgang, kodlista, kontrollera_enhet, rakna
from core.models import MatningVal
from core.omfang import Omfang

# Variables that can be crossed: every variable of person and matning plus the age and
# time-on-assistance bands (the derived ``alder`` repeats ``aldersgrupp`` and is left out).
KORSBARA: tuple[str, ...] = tuple(v for v in koder.VARIABLER if v != "alder")


@dataclass
class Korstabell:
    """A cross-tab after disclosure control.

    ``celler`` is long: ``rad, rad_etikett, kolumn, kolumn_etikett, n, skyddad, radandel,
    kolumnandel``; ``rader`` has ``kod, etikett, n, skyddad`` for the row margins, ``kolumner``
    the same for the column margins; ``total`` is None when suppressed.
    """

    radvariabel: str
    kolumnvariabel: str
    celler: pd.DataFrame
    rader: pd.DataFrame
    kolumner: pd.DataFrame
    total: int | None
    total_skyddad: bool
    skyddad: bool
    vagrad: str | None = None  # why a suppressed scope may not see this cross-tab


def _koder(engine: Engine, variabel: str) -> list[str]:
    return [*kodlista(engine, variabel), koder.SAKNAS]


def rakna_celler(engine: Engine, omgang_id: str, radvariabel: str, kolumnvariabel: str, urval: Urval) -> pd.DataFrame:
    """Raw persons per (row code, column code), every code present, ``saknas`` for blanks."""
    omgang = hamta_omgang(engine, omgang_id)
    g = grupp(omgang, urval).subquery("g")

    def dimension(variabel: str, alias: str):
        """(code expression, extra joins) for one variable."""
        if koder.VARIABLER[variabel].flerval:
            mv = aliased(MatningVal, name=alias)
            return mv.kod, mv, variabel
        return g.c[variabel], None, None

    rad_uttr, rad_mv, rad_var = dimension(radvariabel, "mv_rad")
    kol_uttr, kol_mv, kol_var = dimension(kolumnvariabel, "mv_kol")
    q = select(rad_uttr.label("rad"), kol_uttr.label("kolumn"), func.count(distinct(g.c.person_id)))
    q = q.select_from(g)
    for mv, var in ((rad_mv, rad_var), (kol_mv, kol_var)):
        if mv is not None:
            q = q.outerjoin(
                mv,
                (mv.omgang_id == g.c.omgang_id) & (mv.person_id == g.c.person_id) & (mv.variabel == var),
            )
    q = q.group_by(rad_uttr, kol_uttr)
    rad_koder, kol_koder = _koder(engine, radvariabel), _koder(engine, kolumnvariabel)
    n = pd.DataFrame(0, index=rad_koder, columns=kol_koder, dtype="int64")
    with engine.connect() as conn:
        for r, k, antal in conn.execute(q).all():
            r = koder.SAKNAS if r is None else str(r)
            k = koder.SAKNAS if k is None else str(k)
            if r not in n.index:
                n.loc[r] = 0
            if k not in n.columns:
                n[k] = 0
            n.loc[r, k] += antal
    return n


def korstabell(
    engine: Engine,
    omfang: Omfang,
    omgang_id: str,
    radvariabel: str,
    kolumnvariabel: str,
    urval: Urval = ALLA,
    *,
    export: bool = False,
) -> Korstabell:
    """The cross-tab of two variables for the group, through disclosure control for the scope.

    Parameters
    ----------
    omfang : suppression on screen for politiker/medarbetare; in exports (``export=True``)
        unless processledning/admin chose otherwise.
    radvariabel, kolumnvariabel : two different variables of :data:`KORSBARA`.

    Returns
    -------
    :class:`Korstabell` (see its docstring for the columns).
    """
    for v in (radvariabel, kolumnvariabel):
        if v not in KORSBARA:
            raise ProfilFel(f"Variabeln {v!r} kan inte korstabuleras.")
    if radvariabel == kolumnvariabel:
        raise ProfilFel("Välj två olika variabler.")
    omgang = hamta_omgang(engine, omgang_id)
    for e in (*urval.enhet, *urval.ej_enhet):
        kontrollera_enhet(engine, e)
    skyddad = omfang.skyddad_export if export else omfang.skyddad_skarm
    if skyddad:
        return _skyddad_korstabell(engine, omgang_id, radvariabel, kolumnvariabel, urval)
    n = rakna_celler(engine, omgang_id, radvariabel, kolumnvariabel, urval)
    total, marginaler = rakna(engine, omgang, urval, [radvariabel, kolumnvariabel])
    radsumma = pd.Series(marginaler[radvariabel]).reindex(n.index, fill_value=0).astype("int64")
    kolsumma = pd.Series(marginaler[kolumnvariabel]).reindex(n.columns, fill_value=0).astype("int64")
    dolda = pd.DataFrame(False, index=n.index, columns=n.columns)
    dolda_r = pd.Series(False, index=n.index)
    dolda_k = pd.Series(False, index=n.columns)
    dold_t = False
    rad_etiketter = {**kodlista(engine, radvariabel), koder.SAKNAS: koder.SAKNAS_ETIKETT}
    kol_etiketter = {**kodlista(engine, kolumnvariabel), koder.SAKNAS: koder.SAKNAS_ETIKETT}
    celler = []
    for r in n.index:
        for k in n.columns:
            dold = bool(dolda.loc[r, k])
            antal = int(n.loc[r, k])
            celler.append(
                {
                    "rad": r,
                    "rad_etikett": rad_etiketter.get(r, r),
                    "kolumn": k,
                    "kolumn_etikett": kol_etiketter.get(k, k),
                    "n": None if dold else antal,
                    "skyddad": dold,
                    "radandel": None if dold or dolda_r[r] or not radsumma[r] else antal / radsumma[r],
                    "kolumnandel": None if dold or dolda_k[k] or not kolsumma[k] else antal / kolsumma[k],
                }
            )

    def marginal(summa: pd.Series, dolda_m: pd.Series, etiketter: dict) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "kod": list(summa.index),
                "etikett": [etiketter.get(c, c) for c in summa.index],
                "n": pd.array([None if dolda_m[c] else int(summa[c]) for c in summa.index], dtype="Int64"),
                "skyddad": [bool(dolda_m[c]) for c in summa.index],
            }
        )

    celler_df = pd.DataFrame(celler)
    celler_df["n"] = celler_df["n"].astype("Int64")
    celler_df["radandel"] = celler_df["radandel"].astype(float)
    celler_df["kolumnandel"] = celler_df["kolumnandel"].astype(float)
    return Korstabell(
        radvariabel=radvariabel,
        kolumnvariabel=kolumnvariabel,
        celler=celler_df,
        rader=marginal(radsumma, dolda_r, rad_etiketter),
        kolumner=marginal(kolsumma, dolda_k, kol_etiketter),
        total=None if dold_t else int(total),
        total_skyddad=bool(dold_t),
        skyddad=skyddad,
    )


def _skyddad_korstabell(engine: Engine, omgang_id: str, rad: str, kolumn: str, urval: Urval) -> Korstabell:
    """The cross-tab as a suppressed scope sees it: cells, margins and total read off the
    round's release (:mod:`core.utsnitt`), so a margin reads exactly as the variable's own
    distribution on the same page, and every cell is protected together with them."""
    from core import frislapp, utsnitt
    from core.matt.profil import frislapp_for, visningskoder

    fr = frislapp_for(engine, omgang_id)
    rk, kk = visningskoder(engine, rad), visningskoder(engine, kolumn)
    try:
        g = utsnitt.grupp_for_urval(fr.pop, urval)
        vagrad = frislapp.vagran(fr, g)
        if not vagrad:
            celler = utsnitt.korsceller(fr, g, rad, rk, kolumn, kk)
    except frislapp.FrislappFel as e:
        vagrad = str(e)
    if vagrad:
        celler = dict.fromkeys(((a, b) for a in rk for b in kk), None)
        radsumma = dict.fromkeys(rk, None)
        kolsumma = dict.fromkeys(kk, None)
        total = None
    else:
        radsumma = dict(zip(rk, utsnitt.antal(fr, g, [utsnitt.Fraga(rad, k) for k in rk]), strict=True))
        kolsumma = dict(zip(kk, utsnitt.antal(fr, g, [utsnitt.Fraga(kolumn, k) for k in kk]), strict=True))
        total = utsnitt.gruppstorlek(fr, g)

    def andel(n, bas):
        return None if n is None or not bas else n / bas

    rader = []
    for a, ae in rk.items():
        for b, be in kk.items():
            n = celler[(a, b)]
            rader.append(
                {
                    "rad": a,
                    "rad_etikett": ae,
                    "kolumn": b,
                    "kolumn_etikett": be,
                    "n": n,
                    "skyddad": n is None,
                    "radandel": andel(n, radsumma[a]),
                    "kolumnandel": andel(n, kolsumma[b]),
                }
            )
    celler_df = pd.DataFrame(rader)
    celler_df["n"] = celler_df["n"].astype("Int64")
    celler_df["radandel"] = celler_df["radandel"].astype(float)
    celler_df["kolumnandel"] = celler_df["kolumnandel"].astype(float)

    def marginal(summa: dict, etiketter: dict) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "kod": list(summa),
                "etikett": [etiketter[k] for k in summa],
                "n": pd.array(list(summa.values()), dtype="Int64"),
                "skyddad": [v is None for v in summa.values()],
            }
        )

    return Korstabell(
        radvariabel=rad,
        kolumnvariabel=kolumn,
        celler=celler_df,
        rader=marginal(radsumma, rk),
        kolumner=marginal(kolsumma, kk),
        total=total,
        total_skyddad=total is None,
        skyddad=True,
        vagrad=vagrad,
    )
