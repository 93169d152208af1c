"""How the variables are presented on every page: areas, the question each chart answers,
the note on multi-valued shares, and women/men in their own colours."""

from __future__ import annotations

import pandas as pd

from core import charts, koder
from core.variabeltexter import FRAGOR, OMRADEN  # noqa: F401  (re-exported)

KONSFARGER = {"K": charts.KVINNOR_FARG, "M": charts.MAN_FARG, koder.SAKNAS: charts.RESTEN_FARG}


def flervalstext(variabel: str) -> str | None:
    """Why a variable's shares do not add up to 100 % (None when they do)."""
    if variabel == "arbetshinder":
        return "En person kan ha flera hinder; andelarna summerar inte till 100 %."
    if variabel == "alder":
        return "Bara de under 25 och de som är 55 år eller äldre visas; andelarna summerar inte till 100 %."
    if koder.VARIABLER[variabel].flerval:
        return "En person kan ha flera svar; andelarna summerar inte till 100 %."
    return None


def _kon_plural(df: pd.DataFrame, variabel: str, kod: str = "kod", etikett: str = "etikett") -> pd.DataFrame:
    """A distribution of ``kon`` reads "Kvinnor" and "Män" (the code list's labels are singular)."""
    if variabel != "kon":
        return df
    return df.assign(**{etikett: [koder.KON_PLURAL.get(k, e) for k, e in zip(df[kod], df[etikett], strict=True)]})
