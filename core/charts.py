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

from core import text

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
            # labelLimit 0: a legend names a unit in full, never "Enheten för arbete och integr…".
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top", "labelLimit": 0},
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
        None), ``skyddad`` (bool), ``text`` (``52 %``, or "dolt"). Rows in the table's
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
    if "andel_avslut_arbete_studier" in set(data["matt"]):
        # Not every share has the persons as its denominator (issue 12).
        etikett = data.loc[data["matt"] == "andel_avslut_arbete_studier", "etikett"].iloc[0]
        undertitel = [
            f"Andel av personerna i omgången, per kön; ”{etikett}” är en andel av avsluten sedan förra mätningen."
        ]
    skyddade = data[data["skyddad"]]
    saknade = data[data["andel"].isna() & ~data["skyddad"]]
    if not skyddade.empty:
        undertitel.append(f"Visas inte (dolt för att skydda enskilda personer): {_namn(skyddade)}.")
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


# --- Målgrupp: distributions, one unit against the rest, cross-tabs, data quality -----------

# Charts that are not about sex use neutral colours, so orange and blue always mean
# kvinnor and män: a teal for the group in question, a grey for "the rest".
NEUTRAL_FARG = "#2f7e79"
RESTEN_FARG = "#a3a3a3"
SKYDDAD_FARG = "#6b6b6b"
# Heatmaps run from white (0: nothing to see) to a dark teal.
KARTA_FARGER = ["#ffffff", "#1d6d67"]

_KOLUMNER_FORDELNING = ["kod", "etikett", "varde", "skyddad", "antal", "andel", "text"]


def _antal_text(n, skyddad: bool) -> str:
    return text.tal(None if n is None or pd.isna(n) else int(n), skyddad=skyddad)


def andeltext(andel, skyddad: bool = False) -> str:
    """A share as read in charts and tables: ``28 %``, ``<1 %`` (never "0 %" for something
    that is there), "dolt" when suppressed, "–" when undefined."""
    if skyddad:
        return text.dolt()
    if andel is None or pd.isna(andel):
        return "–"
    if 0 < andel < 0.005:
        return "<1" + text.FORE_PROCENT + "%"  # never "0 %" for something that is there
    return text.procent(andel)


def fordelning_data(df: pd.DataFrame, matt: str = "andel") -> pd.DataFrame:
    """The long frame behind :func:`fordelning`: one row per code, in the frame's order.

    Parameters
    ----------
    df : a distribution after disclosure control (``Profil.fordelningar[v]``: columns
        ``kod``, ``etikett``, ``n``, ``andel``, ``skyddad``); extra columns are kept.
    matt : ``"andel"`` (bars of the share) or ``"n"`` (bars of the count).

    Returns
    -------
    DataFrame
        The input's extra columns and ``kod``, ``etikett``, ``varde`` (the drawn value, None
        where suppressed or undefined), ``skyddad``, ``antal`` (``"80"`` or "dolt"),
        ``andel`` (``"28 %"``, "dolt", or "–" when undefined), ``text`` (the bar's label:
        ``"80 (28 %)"``, or "dolt"). The suppressed count never appears.
    """
    if matt not in ("andel", "n"):
        raise ValueError(f"okänt mått: {matt}")
    rader = []
    for r in df.to_dict("records"):
        skyddad = bool(r["skyddad"])
        n = None if skyddad or pd.isna(r["n"]) else int(r["n"])
        andel = None if skyddad or pd.isna(r["andel"]) else float(r["andel"])
        varde = andel if matt == "andel" else (None if n is None else float(n))
        antal, andel_txt = _antal_text(n, skyddad), andeltext(andel, skyddad)
        etikett = text.dolt() if skyddad else (f"{antal} ({andel_txt})" if andel is not None else antal)
        extra = {k: v for k, v in r.items() if k not in ("kod", "etikett", "n", "andel", "skyddad")}
        rader.append(
            extra
            | {
                "kod": r["kod"],
                "etikett": r["etikett"],
                "varde": varde,
                "skyddad": skyddad,
                "antal": antal,
                "andel": andel_txt,
                "text": etikett,
            }
        )
    extra_kol = [c for c in df.columns if c not in ("kod", "etikett", "n", "andel", "skyddad")]
    return pd.DataFrame(rader, columns=[*extra_kol, *_KOLUMNER_FORDELNING])


def _x_axel(maxvarde, matt: str, titel: str) -> alt.X:
    """A zero-based x axis with room for the labels at the bars' ends."""
    m = 0.0 if maxvarde is None or pd.isna(maxvarde) else float(maxvarde)
    if matt == "andel":
        topp = max(m, 0.05) * 1.3
        steg = 0.05 if topp <= 0.3 else 0.1 if topp <= 0.7 else 0.2 if topp <= 1.1 else 0.25
        varden = [round(i * steg, 4) for i in range(int(min(topp, 1.0) / steg + 1e-9) + 1)]
        axel = alt.Axis(format=ANDEL_FORMAT, values=varden)
    else:
        topp = max(m, 1.0) * 1.3
        axel = alt.Axis(format=",d", tickMinStep=1)
    return alt.X("varde:Q", title=titel, scale=alt.Scale(domain=[0, topp], nice=False), axis=axel)


def _undertitel(undertitel) -> list[str]:
    if undertitel is None:
        return []
    return [undertitel] if isinstance(undertitel, str) else list(undertitel)


def fordelning(
    df: pd.DataFrame,
    titel: str,
    *,
    matt: str = "andel",
    undertitel: str | list[str] | None = None,
    farger: dict[str, str] | None = None,
) -> alt.LayerChart:
    """Horizontal bars of one variable's distribution: the share (or count) per code.

    Codes keep the code list's order, never an order by value (a suppressed value must not
    show through the order). A suppressed code gets no bar: it is left out of the bar layer
    and reads "dolt" at zero. Labels and tooltips show the same formatted values as
    the table.

    Parameters
    ----------
    df : a distribution after disclosure control; see :func:`fordelning_data`.
    titel : the question the chart answers.
    matt : ``"andel"`` or ``"n"``.
    undertitel : one or more lines under the title.
    farger : code -> colour (e.g. kvinnor and män in their own colours); other codes neutral.

    Returns
    -------
    alt.LayerChart
        Layers: the bars (``varde:Q`` against ``etikett:N``), their labels, and the
        suppressed codes' "dolt" (only when there are any).
    """
    data = fordelning_data(df, matt)
    ordning = list(dict.fromkeys(data["etikett"]))
    ritade = data[data["varde"].notna()]
    dolda = data[data["skyddad"]]
    y = alt.Y("etikett:N", sort=ordning, scale=alt.Scale(domain=ordning), title=None, axis=alt.Axis(labelLimit=320))
    x = _x_axel(ritade["varde"].max() if not ritade.empty else None, matt, "Andel" if matt == "andel" else "Antal")
    tips = [
        alt.Tooltip("etikett:N", title="Svar"),
        alt.Tooltip("antal:N", title="Antal"),
        alt.Tooltip("andel:N", title="Andel"),
    ]
    if farger:
        koder_ = list(dict.fromkeys(data["kod"]))
        farg = alt.Color(
            "kod:N",
            scale=alt.Scale(domain=koder_, range=[farger.get(k, NEUTRAL_FARG) for k in koder_]),
            legend=None,
        )
        staplar = alt.Chart(ritade).mark_bar().encode(y=y, x=x, color=farg, tooltip=tips)
    else:
        staplar = alt.Chart(ritade).mark_bar(color=NEUTRAL_FARG).encode(y=y, x=x, tooltip=tips)
    lager = [
        staplar,
        alt.Chart(ritade).mark_text(align="left", dx=4, fontSize=12).encode(y=y, x=x, text="text:N", tooltip=tips),
    ]
    if not dolda.empty:
        lager.append(
            alt.Chart(dolda)
            .mark_text(align="left", dx=4, fontSize=12, fontStyle="italic", color=SKYDDAD_FARG)
            .encode(y=y, x=alt.datum(0), text="text:N", tooltip=tips)
        )
    return alt.layer(*lager).properties(
        title=alt.Title(titel, subtitle=_undertitel(undertitel)),
        height=alt.Step(26),
    )


def jamforelse(
    df: pd.DataFrame,
    titel: str,
    grupper: dict[str, str],
    *,
    undertitel: str | list[str] | None = None,
) -> alt.LayerChart:
    """Grouped horizontal bars: one variable's shares in two groups (a unit and the rest).

    Parameters
    ----------
    df : long frame after disclosure control with ``grupp``, ``kod``, ``etikett``, ``n``,
        ``andel``, ``skyddad`` (``Jamforelse.fordelning``).
    titel : the question the chart answers.
    grupper : group code -> the name shown, in the order drawn (the first in the neutral
        colour, the second in grey).

    Returns
    -------
    alt.LayerChart
        Bars of ``varde:Q`` (the share within the group) against ``etikett:N``, offset and
        coloured by ``gruppnamn:N``; suppressed cells only as "dolt" at zero.
    """
    data = fordelning_data(df, "andel")
    data.insert(0, "gruppnamn", data["grupp"].map(grupper))
    namn = list(grupper.values())
    ordning = list(dict.fromkeys(data["etikett"]))
    ritade = data[data["varde"].notna()]
    dolda = data[data["skyddad"]]
    y = alt.Y("etikett:N", sort=ordning, scale=alt.Scale(domain=ordning), title=None, axis=alt.Axis(labelLimit=320))
    y_forskjutning = alt.YOffset("gruppnamn:N", sort=namn, scale=alt.Scale(domain=namn))
    x = _x_axel(ritade["varde"].max() if not ritade.empty else None, "andel", "Andel av gruppen")
    farg = alt.Color(
        "gruppnamn:N",
        title=None,
        scale=alt.Scale(domain=namn, range=[NEUTRAL_FARG, RESTEN_FARG][: len(namn)]),
        sort=namn,
    )
    tips = [
        alt.Tooltip("gruppnamn:N", title="Grupp"),
        alt.Tooltip("etikett:N", title="Svar"),
        alt.Tooltip("antal:N", title="Antal"),
        alt.Tooltip("andel:N", title="Andel"),
    ]
    lager = [
        alt.Chart(ritade).mark_bar().encode(y=y, yOffset=y_forskjutning, x=x, color=farg, tooltip=tips),
        alt.Chart(ritade)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(y=y, yOffset=y_forskjutning, x=x, text="andel:N", tooltip=tips),
    ]
    if not dolda.empty:
        lager.append(
            alt.Chart(dolda)
            .mark_text(align="left", dx=4, fontSize=11, fontStyle="italic", color=SKYDDAD_FARG)
            .encode(y=y, yOffset=y_forskjutning, x=alt.datum(0), text="text:N", tooltip=tips)
        )
    return alt.layer(*lager).properties(
        title=alt.Title(titel, subtitle=_undertitel(undertitel)),
        height=alt.Step(15),
    )


KORSMATT = {"n": "Antal", "radandel": "Andel av raden", "kolumnandel": "Andel av kolumnen"}


def korstabell_data(celler: pd.DataFrame, matt: str) -> pd.DataFrame:
    """The long frame behind :func:`korstabell_karta`: one row per cell.

    Parameters
    ----------
    celler : ``Korstabell.celler`` (``rad``, ``rad_etikett``, ``kolumn``, ``kolumn_etikett``,
        ``n``, ``skyddad``, ``radandel``, ``kolumnandel``).
    matt : ``"n"``, ``"radandel"`` or ``"kolumnandel"``.

    Returns
    -------
    DataFrame
        ``rad``, ``kolumn`` (labels), ``varde`` (the coloured value, None where suppressed or
        undefined), ``skyddad``, ``text`` (the cell's text in the chosen measure), ``antal``,
        ``radandel``, ``kolumnandel`` (formatted, for the tooltip).
    """
    if matt not in KORSMATT:
        raise ValueError(f"okänt mått: {matt}")
    rader = []
    for r in celler.to_dict("records"):
        skyddad = bool(r["skyddad"])
        n = None if skyddad or pd.isna(r["n"]) else int(r["n"])
        andelar = {a: (None if skyddad or pd.isna(r[a]) else float(r[a])) for a in ("radandel", "kolumnandel")}
        varde = (None if n is None else float(n)) if matt == "n" else andelar[matt]
        if matt == "n":
            cell = _antal_text(n, skyddad)
        else:
            cell = text.dolt() if skyddad else ("" if varde is None else andeltext(varde))
        rader.append(
            {
                "rad": r["rad_etikett"],
                "kolumn": r["kolumn_etikett"],
                "varde": varde,
                "skyddad": skyddad,
                "text": cell,
                "antal": _antal_text(n, skyddad),
                "radandel": andeltext(andelar["radandel"], skyddad),
                "kolumnandel": andeltext(andelar["kolumnandel"], skyddad),
            }
        )
    return pd.DataFrame(
        rader, columns=["rad", "kolumn", "varde", "skyddad", "text", "antal", "radandel", "kolumnandel"]
    )


def _karta(
    data: pd.DataFrame,
    rader: list[str],
    kolumner: list[str],
    *,
    doman: list[float],
    titel: str,
    undertitel,
    rad_titel: str | None,
    kolumn_titel: str | None,
    tips: list[alt.Tooltip],
) -> alt.LayerChart:
    """A heatmap with the value written in every cell; cells without a value are not coloured."""
    ritade = data[data["varde"].notna()]
    langa = max((len(k) for k in kolumner), default=0) > 14
    x = alt.X(
        "kolumn:N",
        sort=kolumner,
        scale=alt.Scale(domain=kolumner),
        title=kolumn_titel,
        axis=alt.Axis(
            orient="top",
            labelAngle=-35 if langa else 0,
            labelAlign="left" if langa else "center",
            labelLimit=220,
            labelOverlap=False,  # every column is named, even when the names are long
        ),
    )
    y = alt.Y("rad:N", sort=rader, scale=alt.Scale(domain=rader), title=rad_titel, axis=alt.Axis(labelLimit=320))
    rutor = (
        alt.Chart(ritade)
        .mark_rect(stroke="#d9d9d9", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "varde:Q", scale=alt.Scale(domain=doman, range=KARTA_FARGER, interpolate="rgb"), legend=None
            ),
            tooltip=tips,
        )
    )
    ljus = doman[1] * 0.55
    siffror = (
        alt.Chart(data)
        .mark_text(fontSize=12)
        .encode(
            x=x,
            y=y,
            text="text:N",
            # Light text on dark cells; zeros greyed, so what is there stands out.
            color=alt.when(f"datum.varde != null && datum.varde > {ljus}")
            .then(alt.value("white"))
            .when("datum.varde === 0")
            .then(alt.value("#9a9a9a"))
            .otherwise(alt.value("#1a1a1a")),
            tooltip=tips,
        )
    )
    return alt.layer(rutor, siffror).properties(
        title=alt.Title(titel, subtitle=_undertitel(undertitel)),
        height=alt.Step(28),
    )


def korstabell_karta(
    celler: pd.DataFrame,
    matt: str,
    titel: str,
    *,
    rad_titel: str | None = None,
    kolumn_titel: str | None = None,
    undertitel: str | list[str] | None = None,
) -> alt.LayerChart:
    """A cross-tab as a heatmap: rows × columns, coloured by the chosen measure.

    A suppressed cell is not coloured (its value is left out of the colour layer) and reads
    "dolt"; rows and columns keep the code lists' order.

    Parameters
    ----------
    celler : ``Korstabell.celler``, possibly without rows/columns that are left out.
    matt : ``"n"``, ``"radandel"`` or ``"kolumnandel"``.
    titel : the question the chart answers.
    rad_titel, kolumn_titel : the two variables' names.

    Returns
    -------
    alt.LayerChart
        A ``rect`` layer (``kolumn:N`` × ``rad:N``, colour ``varde:Q``) and a ``text`` layer.
    """
    data = korstabell_data(celler, matt)
    topp = float(data["varde"].max()) if data["varde"].notna().any() else 0.0
    tips = [
        alt.Tooltip("rad:N", title=rad_titel or "Rad"),
        alt.Tooltip("kolumn:N", title=kolumn_titel or "Kolumn"),
        alt.Tooltip("antal:N", title="Antal"),
        alt.Tooltip("radandel:N", title="Andel av raden"),
        alt.Tooltip("kolumnandel:N", title="Andel av kolumnen"),
    ]
    return _karta(
        data,
        list(dict.fromkeys(data["rad"])),
        list(dict.fromkeys(data["kolumn"])),
        doman=[0, 1] if matt != "n" else [0, max(topp, 1.0)],
        titel=titel,
        undertitel=undertitel,
        rad_titel=rad_titel,
        kolumn_titel=kolumn_titel,
        tips=tips,
    )


def datakvalitet_karta(
    df: pd.DataFrame,
    matt: str,
    titel: str,
    enhetsnamn: dict[str, str],
    *,
    undertitel: str | list[str] | None = None,
) -> alt.LayerChart:
    """Data quality as a heatmap: variables × units, coloured by the share unknown or missing.

    Parameters
    ----------
    df : ``core.matt.datakvalitet.datakvalitet`` (``enhet``, ``variabel``, ``etikett``,
        ``personer``, ``okand``, ``saknas``, ``andel_okand``, ``andel_saknas``).
    matt : ``"andel_okand"`` or ``"andel_saknas"``.
    enhetsnamn : unit code -> the column's name (``alla`` included), in the order shown.

    Returns
    -------
    alt.LayerChart
        Cells without a value (a variable without an unknown code) read "–" and are not
        coloured. The colour scale runs from 0 to the largest share (at least 10 %).
    """
    if matt not in ("andel_okand", "andel_saknas"):
        raise ValueError(f"okänt mått: {matt}")
    antal_kol = "okand" if matt == "andel_okand" else "saknas"
    rader = []
    for r in df.to_dict("records"):
        varde = None if pd.isna(r[matt]) else float(r[matt])
        antal = r[antal_kol]
        rader.append(
            {
                "rad": r["etikett"],
                "kolumn": enhetsnamn.get(r["enhet"], r["enhet"]),
                "varde": varde,
                "text": andeltext(varde),
                "antal": "–" if antal is None or pd.isna(antal) else text.tal(int(antal)),
                "personer": text.tal(int(r["personer"])),
            }
        )
    data = pd.DataFrame(rader, columns=["rad", "kolumn", "varde", "text", "antal", "personer"])
    tips = [
        alt.Tooltip("rad:N", title="Variabel"),
        alt.Tooltip("kolumn:N", title="Enhet"),
        alt.Tooltip("text:N", title="Okänt" if matt == "andel_okand" else "Saknas"),
        alt.Tooltip("antal:N", title="Antal"),
        alt.Tooltip("personer:N", title="Personer"),
    ]
    kolumner = [n for k, n in enhetsnamn.items() if n in set(data["kolumn"])]
    kolumner += [k for k in dict.fromkeys(data["kolumn"]) if k not in kolumner]
    # Shares of missing answers are small: a scale up to 100 % would leave every cell pale.
    topp = max(float(data["varde"].max()) if data["varde"].notna().any() else 0.0, 0.1)
    return _karta(
        data,
        list(dict.fromkeys(data["rad"])),
        kolumner,
        doman=[0, topp],
        titel=titel,
        undertitel=undertitel,
        rad_titel=None,
        kolumn_titel=None,
        tips=tips,
    )


# --- Möte: the same charts in large type for a projector (issue 17) ---------------------------


def storbild(chart: alt.TopLevelMixin, *, bredd: int | None = None, radhojd: int | None = None) -> alt.TopLevelMixin:
    """A chart for the projector: large title, labels and texts (also the texts a layer set
    itself), and with ``radhojd`` taller rows."""
    chart = chart.copy(deep=True)
    for lager in getattr(chart, "layer", None) or []:
        mark = lager.mark
        typ = mark if isinstance(mark, str) else getattr(mark, "type", None)
        if typ == "text":
            egna = {} if isinstance(mark, str) else {k: v for k, v in mark.to_dict().items() if k != "type"}
            lager.mark = alt.MarkDef(type="text", **{**egna, "fontSize": 20})
    if radhojd:
        chart = chart.properties(height=alt.Step(radhojd))
    ut = chart.configure_title(fontSize=30, subtitleFontSize=20, anchor="start").configure_axis(
        labelFontSize=20, titleFontSize=20, labelLimit=520
    )
    # the header above the chart names the row variable; a rotated title would cross long labels
    ut = ut.configure_axisY(titleOpacity=0)
    ut = ut.configure_legend(labelFontSize=20, titleFontSize=20).configure_text(fontSize=20)
    if bredd:
        ut = ut.properties(width=bredd)
    return ut
