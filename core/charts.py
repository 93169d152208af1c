"""Every chart of the app: Altair builders and the one theme.

The theme ``vagen`` (registered and enabled on import) gives every chart the same font,
one fixed colour for kvinnor and one for män, and Swedish number formatting through the
Vega-Lite ``config.locale`` (decimal comma, no-break space between thousands, ``52 %``).
The locale travels inside each chart's spec, so nothing is fetched from elsewhere.

Builders take a long frame and return an ``alt.Chart`` whose title states the question the
chart answers. A suppressed value (disclosure control) is never drawn to scale: its bar is
left out and the chart says so; bars are ordered by a fixed order, never by value.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from core import config, text

KVINNOR = "Kvinnor"
MAN = "Män"
# One fixed colour per sex everywhere (dark orange and the app's blue: distinguishable
# for the common colour-vision deficiencies and in greyscale print).
KVINNOR_FARG = "#c75b12"
MAN_FARG = "#1f5f8b"
KON_DOMAN = [KVINNOR, MAN]
KON_FARGER = [KVINNOR_FARG, MAN_FARG]

# Further categories when a chart needs more than the two sexes.
KATEGORIFARGER = [MAN_FARG, KVINNOR_FARG, "#5b8e3e", "#7a5195", "#8c6d31", "#4d4d4d"]

# d3-format locale for Swedish: 12 345,6 and 52 % (no-break spaces, typographic minus).
SVENSK_LOCALE = {
    "number": {
        "decimal": ",",
        "thousands": text.TUSENTAL,
        "grouping": [3],
        "currency": ["", "\u00a0kr"],
        "percent": text.FORE_PROCENT + "%",
        "minus": text.MINUS,
    },
    "time": {
        "dateTime": "%A %e %B %Y kl. %X",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "periods": ["fm", "em"],
        "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
        "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
        "months": list(text.MANADER),
        "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
}

ANDEL_FORMAT = ".0%"


@alt.theme.register("vagen", enable=True)
def tema() -> alt.theme.ThemeConfig:
    """The app's one chart theme (enabled on import of this module).

    No font is set: Streamlit's own chart theme supplies the app's font, served by the app
    itself, and this config is applied on top of it.
    """
    return {
        "config": {
            "locale": SVENSK_LOCALE,
            "range": {"category": KATEGORIFARGER},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 600, "subtitleFontSize": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": False},
            "axisX": {"grid": True, "gridOpacity": 0.4},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top"},
            "view": {"stroke": None},
            "bar": {"cornerRadiusEnd": 2},
        }
    }


def kon_farg(titel: str | None = None) -> alt.Color:
    """The colour encoding of sex: kvinnor and män always in their own colours."""
    return alt.Color(
        "kon:N",
        title=titel,
        scale=alt.Scale(domain=KON_DOMAN, range=KON_FARGER),
        sort=KON_DOMAN,
    )


def nyckeltal_kon_data(tabell: pd.DataFrame) -> pd.DataFrame:
    """The long frame behind :func:`nyckeltal_kon`: the shares of the key-figure table,
    one row per key figure and sex.

    Parameters
    ----------
    tabell : ``Oversikt.tabell`` (columns ``matt``, ``etikett``, ``typ``, ``kvinnor``,
        ``kvinnor_skyddad``, ``man``, ``man_skyddad``, ...).

    Returns
    -------
    DataFrame
        Columns ``matt``, ``etikett``, ``kon`` (``Kvinnor``/``Män``), ``andel`` (0–1 or
        None), ``skyddad`` (bool), ``text`` (``52 %``, or "färre än 5"). Rows in the table's
        order of key figures, kvinnor before män. Only ``typ == "andel"`` rows.
    """
    rader = []
    andelar = tabell[tabell["typ"] == "andel"]
    for r in andelar.itertuples(index=False):
        for kon, kol in ((KVINNOR, "kvinnor"), (MAN, "man")):
            varde = getattr(r, kol)
            skyddad = bool(getattr(r, f"{kol}_skyddad"))
            if skyddad or varde is None or pd.isna(varde):
                varde = None
            rader.append(
                {
                    "matt": r.matt,
                    "etikett": r.etikett,
                    "kon": kon,
                    "andel": None if varde is None else float(varde),
                    "skyddad": skyddad,
                    "text": text.matt(varde, "andel", skyddad=skyddad),
                }
            )
    return pd.DataFrame(rader, columns=["matt", "etikett", "kon", "andel", "skyddad", "text"])


def nyckeltal_kon(tabell: pd.DataFrame) -> alt.Chart | alt.LayerChart:
    """Grouped bars: each share of Översikt for kvinnor and män.

    Suppressed or undefined shares are not drawn (a bar of an unknown length would be drawn
    to a scale it does not have); the subtitle names them. Key figures keep the table's
    order, never an order by value.

    Parameters
    ----------
    tabell : ``Oversikt.tabell``; see :func:`nyckeltal_kon_data`.

    Returns
    -------
    alt.LayerChart
        Bars (``andel:Q`` against ``etikett:N``, coloured and offset by ``kon:N``) with the
        share written at the end of each bar.
    """
    data = nyckeltal_kon_data(tabell)
    ordning = list(dict.fromkeys(data["etikett"]))
    undertitel = ["Andel av personerna i omgången, per kön."]
    skyddade = data[data["skyddad"]]
    saknade = data[data["andel"].isna() & ~data["skyddad"]]
    if not skyddade.empty:
        undertitel.append(f"Visas inte (färre än {config.skydd_troskel()} personer): {_namn(skyddade)}.")
    if not saknade.empty:
        undertitel.append(f"Visas inte (värde saknas): {_namn(saknade)}.")
    ritade = data[data["andel"].notna()]

    bas = alt.Chart(ritade).encode(
        y=alt.Y("etikett:N", sort=ordning, title=None, axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("kon:N", sort=KON_DOMAN),
        x=alt.X(
            "andel:Q",
            title="Andel",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format=ANDEL_FORMAT, values=[0, 0.25, 0.5, 0.75, 1]),
        ),
        tooltip=[
            alt.Tooltip("etikett:N", title="Nyckeltal"),
            alt.Tooltip("kon:N", title="Kön"),
            alt.Tooltip("andel:Q", title="Andel", format=ANDEL_FORMAT),
        ],
    )
    staplar = bas.mark_bar().encode(color=kon_farg())
    etiketter = bas.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("andel:Q", format=ANDEL_FORMAT))
    return alt.layer(staplar, etiketter).properties(
        title=alt.Title("Skiljer sig andelarna mellan kvinnor och män?", subtitle=undertitel),
        height=alt.Step(14),
    )


def _namn(rader: pd.DataFrame) -> str:
    return ", ".join(f"{r.etikett.lower()} ({r.kon.lower()})" for r in rader.itertuples())
