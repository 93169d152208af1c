"""Data quality of a round: how often each variable is unknown or missing, per unit.

Definitions:

- *Okänt* — the case worker answered with the variable's own unknown code (``okand``;
  ``oklart`` for ``missbruk``; ``ej_klarlagt`` for ``arbetshinder``). Variables without an
  unknown code (``handlingsplan`` and the multi-valued lists of studies, benefits and
  interventions) have none.
- *Saknas* — the cell was blank: the question was not answered. For a multi-valued variable:
  no code at all. For ``fodelsear`` and ``inskrivningsdatum``: no date/year.
- Shares are of all persons of the round (or of the unit: the round's ``matning.enhet``).

The panel is shown on the Data page to admin and processledning, who see unsuppressed
figures; it is about the recording, not about people.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, case, func, select

from core import koder, skydd
from core.models import Matning, MatningVal, Person
from core.omfang import Omfang

OKAND_KOD: dict[str, str] = {
    v: ("oklart" if v == "missbruk" else "ej_klarlagt" if v == "arbetshinder" else "okand")
    for v, var in koder.VARIABLER.items()
    if var.entitet != "harledd" and ("okand" in var.koder or v in ("missbruk", "arbetshinder"))
}

# Variables checked, in display order: the stored ones plus the two dates behind the derived.
VARIABLER: tuple[str, ...] = (
    "kon",
    "fodelsear",
    "fodelseregion",
    "inskrivningsdatum",
    *[v for v, var in koder.VARIABLER.items() if var.entitet == "matning"],
)


def _etikett(v: str) -> str:
    if v == "fodelsear":
        return "Födelseår"
    if v == "inskrivningsdatum":
        return "Inskrivningsdatum"
    return koder.VARIABLER[v].etikett


def datakvalitet(engine: Engine, omfang: Omfang, omgang_id: str) -> pd.DataFrame:
    """Unknown and missing answers per variable and unit for one round.

    Only for the roles of the Data page (admin, processledning): ``BehorighetsFel`` otherwise.

    Returns
    -------
    Long frame with ``enhet`` (unit code, or ``alla`` for the whole round), ``variabel``,
    ``etikett``, ``personer``, ``okand`` (count), ``saknas`` (count), ``andel_okand``,
    ``andel_saknas`` (fractions 0–1; NaN for ``okand`` where the variable has no unknown code).
    """

    omfang.kontrollera_sida("data")

    def summa(villkor):
        return func.sum(case((villkor, 1), else_=0))

    kolumner = []

    def har_kod(v: str, kod: str | None = None):
        """EXISTS: the matning row has a code of ``v`` (the code ``kod`` when given)."""
        villkor = [
            MatningVal.omgang_id == Matning.omgang_id,
            MatningVal.person_id == Matning.person_id,
            MatningVal.variabel == v,
        ]
        if kod is not None:
            villkor.append(MatningVal.kod == kod)
        return select(MatningVal.person_id).where(*villkor).exists()

    for v in VARIABLER:
        if v in koder.FLERVAL:
            saknas = summa(~har_kod(v))
            okand = summa(har_kod(v, OKAND_KOD[v])) if v in OKAND_KOD else None
        else:
            kol = getattr(Person, v) if v in ("kon", "fodelsear", "fodelseregion") else getattr(Matning, v)
            saknas = summa(kol.is_(None))
            okand = summa(kol == OKAND_KOD[v]) if v in OKAND_KOD else None
        kolumner.append((v, okand, saknas))

    uttryck = []
    for v, okand, saknas in kolumner:
        uttryck.append(saknas.label(f"{v}__saknas"))
        if okand is not None:
            uttryck.append(okand.label(f"{v}__okand"))
    with engine.connect() as conn:
        rader = (
            conn.execute(
                select(Matning.enhet, func.count().label("personer"), *uttryck)
                .join(Person, Person.person_id == Matning.person_id)
                .where(Matning.omgang_id == omgang_id)
                .group_by(Matning.enhet)
                .order_by(Matning.enhet)
            )
            .mappings()
            .all()
        )
    per_enhet = pd.DataFrame(rader)
    if per_enhet.empty:
        return pd.DataFrame(
            columns=["enhet", "variabel", "etikett", "personer", "okand", "saknas", "andel_okand", "andel_saknas"]
        )
    alla = per_enhet.drop(columns="enhet").sum().to_frame().T
    alla.insert(0, "enhet", "alla")
    bred = pd.concat([alla, per_enhet], ignore_index=True)
    ut = []
    for _, r in bred.iterrows():
        for v, okand, _s in kolumner:
            n = int(r["personer"])
            o = int(r[f"{v}__okand"]) if okand is not None else None
            s = int(r[f"{v}__saknas"])
            ut.append(
                {
                    "enhet": r["enhet"],
                    "variabel": v,
                    "etikett": _etikett(v),
                    "personer": n,
                    "okand": o,
                    "saknas": s,
                    "andel_okand": (o / n) if (o is not None and n) else float("nan"),
                    "andel_saknas": s / n if n else float("nan"),
                }
            )
    df = pd.DataFrame(ut)
    df["okand"] = df["okand"].astype("Int64")
    return df


def skydda_datakvalitet(df: pd.DataFrame, grans: int | None = None) -> pd.DataFrame:
    """Disclosure control for the data-quality table when it leaves the screen (a download).

    The counts are of persons (with an unknown or a blank answer), so the rules of
    ``core.skydd`` apply: a count of 1–4 is hidden (rule 1); a unit of 1–4 persons shows
    nothing; the units' counts add up to the whole round's (``alla``), so within each
    variable, if exactly one unit's count is hidden the next smallest above zero is hidden
    too (rule 2), and the unit sizes likewise. A unit whose size is hidden shows no shares
    (a share and its count would give the size back).

    Parameters
    ----------
    df : :func:`datakvalitet`'s frame.

    Returns
    -------
    A copy with ``personer``, ``okand``, ``saknas`` as nullable Int64 (<NA> where hidden),
    the shares NaN where hidden, and the flags ``personer_skyddad``, ``okand_skyddad``,
    ``saknas_skyddad``.
    """
    g = skydd.troskel() if grans is None else grans
    ut = df.copy()
    ut["personer"] = ut["personer"].astype("Int64")
    ut["okand"] = ut["okand"].astype("Int64")
    ut["saknas"] = ut["saknas"].astype("Int64")
    ut["personer_skyddad"] = False
    ut["okand_skyddad"] = False
    ut["saknas_skyddad"] = False
    if ut.empty:
        return ut
    enheter = ut["enhet"] != "alla"
    storlek = ut[enheter].drop_duplicates("enhet").set_index("enhet")["personer"]
    alla_storlek = int(ut.loc[~enheter, "personer"].iloc[0])
    sma_enheter = {e for e, n in storlek.items() if skydd.ar_litet(n, g)}
    dolda_enheter = _dolj_i_mangd({e: int(n) for e, n in storlek.items()}, sma_enheter, g)
    allt_doljs = skydd.ar_litet(alla_storlek, g)

    for v in ut["variabel"].unique():
        for matt in ("okand", "saknas"):
            rader = ut["variabel"] == v
            if ut.loc[rader, matt].isna().all():
                continue  # no unknown code for this variable
            delar = ut[rader & enheter]
            per_enhet = {e: int(n) for e, n in zip(delar["enhet"], delar[matt], strict=True)}
            sma = {e for e, n in per_enhet.items() if skydd.ar_litet(n, g)}
            dolda = _dolj_i_mangd(per_enhet, sma_enheter | sma, g)
            alla_n = ut.loc[rader & ~enheter, matt].iloc[0]
            if allt_doljs or skydd.ar_litet(alla_n, g):
                dolda = set(per_enhet) | {"alla"}
            ut.loc[rader & ut["enhet"].isin(dolda), f"{matt}_skyddad"] = True
    if allt_doljs:
        ut["personer_skyddad"] = True
    else:
        ut.loc[ut["enhet"].isin(dolda_enheter), "personer_skyddad"] = True
    for matt in ("okand", "saknas"):
        dold = ut[f"{matt}_skyddad"] | ut["enhet"].isin(sma_enheter) | allt_doljs
        ut[f"{matt}_skyddad"] = dold
        ut[matt] = ut[matt].mask(dold)
        ut[f"andel_{matt}"] = ut[f"andel_{matt}"].mask(dold | ut["personer_skyddad"])
    ut["personer"] = ut["personer"].mask(ut["personer_skyddad"])
    return ut


def _dolj_i_mangd(antal: dict[str, int], dolda: set[str], grans: int) -> set[str]:
    """Rule 2 over an additive set with some cells already hidden: if exactly one is hidden,
    hide the next smallest cell above zero too."""
    dolda = set(dolda)
    if len(dolda) == 1:
        kandidater = [(n, i, k) for i, (k, n) in enumerate(antal.items()) if k not in dolda and n > 0]
        if kandidater:
            dolda.add(min(kandidater)[2])
    return dolda


def datakvalitet_export(engine: Engine, omfang: Omfang, omgang_id: str) -> pd.DataFrame:
    """:func:`datakvalitet` for a download: through :func:`skydda_datakvalitet` unless
    processledning/admin chose an unsuppressed file (``omfang.med_skydd(False)``).

    Returns
    -------
    The columns of :func:`skydda_datakvalitet` (flags all False when unsuppressed).
    """
    df = datakvalitet(engine, omfang, omgang_id)
    if omfang.skyddad_export:
        return _som_frislappet(engine, omgang_id, skydda_datakvalitet(df))
    ut = df.copy()
    ut["personer"] = ut["personer"].astype("Int64")
    ut["saknas"] = ut["saknas"].astype("Int64")
    for kol in ("personer_skyddad", "okand_skyddad", "saknas_skyddad"):
        ut[kol] = False
    return ut


# The release's variable for each checked one (the two dates are behind derived bands).
_I_FRISLAPPET = {"fodelsear": "aldersgrupp", "inskrivningsdatum": "inskrivningstid"}


def _som_frislappet(engine: Engine, omgang_id: str, ut: pd.DataFrame) -> pd.DataFrame:
    """The whole round's unknown and blank counts are cells of the round's release (rule 9):
    where the release hides one, the file hides that measure for every unit too, so that the
    units' counts cannot add up to a number the pages hide."""
    from core import frislapp, utsnitt
    from core.matt.profil import frislapp_for

    if ut.empty:
        return ut
    fr = frislapp_for(engine, omgang_id)
    g = frislapp.Grupp()
    for v in ut["variabel"].unique():
        rv = _I_FRISLAPPET.get(v, v)
        fragor = {"saknas": utsnitt.Fraga(rv, koder.SAKNAS)}
        if v in OKAND_KOD:
            fragor["okand"] = utsnitt.Fraga(rv, OKAND_KOD[v])
        for matt, varde in zip(fragor, utsnitt.antal(fr, g, fragor.values()), strict=True):
            if varde is None:
                rader = ut["variabel"] == v
                ut.loc[rader, f"{matt}_skyddad"] = True
                ut.loc[rader, matt] = pd.NA
                ut.loc[rader, f"andel_{matt}"] = float("nan")
    return ut
