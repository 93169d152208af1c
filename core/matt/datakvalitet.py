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

from core import koder
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
    for v in VARIABLER:
        if v in koder.FLERVAL:
            har_kod = (
                select(MatningVal.person_id)
                .where(
                    MatningVal.omgang_id == Matning.omgang_id,
                    MatningVal.person_id == Matning.person_id,
                    MatningVal.variabel == v,
                )
                .exists()
            )
            saknas = summa(~har_kod)
            if v in OKAND_KOD:
                har_okand = (
                    select(MatningVal.person_id)
                    .where(
                        MatningVal.omgang_id == Matning.omgang_id,
                        MatningVal.person_id == Matning.person_id,
                        MatningVal.variabel == v,
                        MatningVal.kod == OKAND_KOD[v],
                    )
                    .exists()
                )
                okand = summa(har_okand)
            else:
                okand = None
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
