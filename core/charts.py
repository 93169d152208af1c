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


# --- Sammanfattning: one indicator across rounds, kvinnor and män (issue 17) ------------------


def trend_data(serie: pd.DataFrame) -> pd.DataFrame:
    """The frame behind :func:`trend`: one indicator's shown values per round and group
    (``Alla``, ``Kvinnor``, ``Män``); a hidden or undefined value is left out, so the line
    breaks there instead of pointing at it."""
    d = serie[serie["varde"].notna() & ~serie["skyddad"].astype(bool)].copy()
    d["kon"] = d["grupp"].map({"alla": "Alla", "kvinnor": KVINNOR, "män": MAN})
    d["varde"] = d["varde"].astype(float)
    return d[["omgang_id", "kon", "varde"]].reset_index(drop=True)


def trend(
    serie: pd.DataFrame, etikett: str, typ: str, *, bredd: int = 320, hojd: int = 150, liten: bool = False
) -> alt.LayerChart:
    """One indicator across rounds: kvinnor and män in their colours, all persons as a grey
    dashed line. ``typ``: ``andel`` (0–100 %), ``antal`` (persons) or ``manader``. ``liten``:
    the tile of the Sammanfattning page (no title and no legend: the tile's label and the
    page's caption say them)."""
    data = trend_data(serie)
    ordning = list(dict.fromkeys(serie.sort_values("datum")["omgang_id"]))
    if typ == "andel":
        y = alt.Y("varde:Q", title=None, axis=alt.Axis(format=ANDEL_FORMAT), scale=alt.Scale(domain=[0, 1]))
        tips_format = ANDEL_FORMAT
    else:
        y = alt.Y("varde:Q", title="personer" if typ == "antal" else "månader", scale=alt.Scale(zero=True))
        tips_format = ",.0f" if typ == "antal" else ",.1f"
    x = alt.X("omgang_id:O", title=None, sort=ordning, axis=alt.Axis(labelAngle=0))
    tips = [
        alt.Tooltip("omgang_id:N", title="Mätomgång"),
        alt.Tooltip("kon:N", title="Grupp"),
        alt.Tooltip("varde:Q", title=etikett, format=tips_format),
    ]
    bas = alt.Chart(data).encode(x=x, y=y, tooltip=tips)
    alla = bas.transform_filter(alt.datum.kon == "Alla").mark_line(color="#888888", strokeDash=[4, 3], point=True)
    kon = bas.transform_filter(alt.datum.kon != "Alla").mark_line(point=True)
    if liten:
        farg = kon_farg()
        farg["legend"] = None
        y["title"] = None
        return (alla + kon.encode(color=farg)).properties(width=bredd, height=hojd)
    kon = kon.encode(color=kon_farg())
    return (alla + kon).properties(
        title=alt.Title(etikett, subtitle="Kvinnor, män och alla (streckad) per mätomgång"),
        width=bredd,
        height=hojd,
    )


# --- issue 16: Prioritering ------------------------------------------------------------------------

PRIORITERAD_RAM = "#c75b12"


def prioriteringskarta(celler: pd.DataFrame, potential_etikett: dict, niva_etikett: dict, prioriterad: tuple):
    """The matrix of change potential × benefit level as a heatmap of counts, the priority
    cell framed. A hidden cell is not coloured and reads "dolt" (rule 5).

    Parameters
    ----------
    celler : ``Matris.celler`` (``potential, niva, n, skyddad``).
    potential_etikett, niva_etikett : code -> label, in display order.
    prioriterad : the (potential, level) codes of the priority cell.

    Returns
    -------
    alt.LayerChart
        The heatmap (``kolumn:N`` × ``rad:N``, colour ``varde:Q``), its numbers, and the frame.
    """
    rader = []
    for r in celler.itertuples():
        dold = bool(r.skyddad)
        n = None if dold or pd.isna(r.n) else int(r.n)
        rader.append(
            {
                "rad": potential_etikett[r.potential],
                "kolumn": niva_etikett[r.niva],
                "varde": None if n is None else float(n),
                "skyddad": dold,
                "text": _antal_text(n, dold),
                "antal": _antal_text(n, dold),
                "prioriterad": (r.potential, r.niva) == tuple(prioriterad),
            }
        )
    data = pd.DataFrame(rader)
    topp = float(data["varde"].max()) if data["varde"].notna().any() else 0.0
    radordning, kolordning = list(potential_etikett.values()), list(niva_etikett.values())
    tips = [
        alt.Tooltip("rad:N", title="Förändringspotential"),
        alt.Tooltip("kolumn:N", title="Nivå på biståndet"),
        alt.Tooltip("antal:N", title="Antal"),
    ]
    karta = _karta(
        data,
        radordning,
        kolordning,
        doman=[0, max(topp, 1.0)],
        titel="Hur många har hög förändringspotential och högt bistånd?",
        undertitel="Antal personer per förändringspotential och nivå på biståndet; den inramade rutan prioriteras.",
        rad_titel="Förändringspotential",
        kolumn_titel="Nivå på biståndet",
        tips=tips,
    )
    ram = (
        alt.Chart(data[data["prioriterad"]])
        .mark_rect(fillOpacity=0, stroke=PRIORITERAD_RAM, strokeWidth=3)
        .encode(
            x=alt.X("kolumn:N", sort=kolordning, scale=alt.Scale(domain=kolordning)),
            y=alt.Y("rad:N", sort=radordning, scale=alt.Scale(domain=radordning)),
        )
    )
    return alt.layer(*karta.layer, ram).properties(title=karta.title, height=alt.Step(34), width=alt.Step(110))


# --- Insatsflöden: the flow diagram, the referral and insatstyp matrices (issue 14) -----------

# One colour per delivering unit (the process units strong, the external ones muted); path ends
# in greys and greens. Units not listed get the neutral teal.
ENHETSFARGER: dict[str, str] = {
    "eb": "#1f5f8b",
    "eai": "#2f7e79",
    "reu": "#7a5195",
    "vux": "#8c6d31",
    "vuxutb": "#5b8e3e",
    "af": "#b5651d",
    "fk": "#8a8a8a",
    "region": "#a04a6a",
    "annan": "#9a9a9a",
}
SLUTFARGER: dict[str, str] = {
    "s_arbete": "#3f8f3f",
    "s_studier": "#6aa84f",
    "s_ersattning": "#999966",
    "s_avbrott": "#b04a3a",
    "s_ovrigt": "#a3a3a3",
    "s_pagar": "#c9c9c9",
    "fler": "#7f7f7f",
}
_FLODE_NODBREDD = 0.13
_FLODE_KURVPUNKTER = 18


def _nodfarg(kod: str) -> str:
    return ENHETSFARGER.get(kod) or SLUTFARGER.get(kod) or NEUTRAL_FARG


def flodesdiagram_data(
    noder: pd.DataFrame,
    lankar: pd.DataFrame,
    etiketter: dict[str, str],
    ordning: list[str],
    steg: list[str],
    hojd_px: int = 520,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The layout of the flow diagram: node rectangles and link ribbons, from shown numbers only.

    A node's height is its count; a hidden node (and a hidden link) is drawn with a fixed
    height that depends only on the *shown* links through it — never on its value (rule 5).
    Nodes keep a fixed order (``ordning``: units, then path ends), never ordered by value.

    Parameters
    ----------
    noder : ``steg, kod, n, skyddad`` (``Floden.noder``).
    lankar : ``steg, fran, till, n, skyddad`` (``Floden.steglankar``; ``steg`` is the source's).
    etiketter : code -> Swedish label.
    ordning : the codes in drawing order.
    steg : the step variables, left to right.

    Returns
    -------
    (nodram, bandram)
        ``nodram``: ``steg, kolumn, kod, namn, x, x2, y, y2, farg, antal, text``;
        ``bandram``: ``band, fran, till, x, y, y2, farg, dold, antal, fran_namn, till_namn``
        (one row per point of each ribbon). Hidden counts appear only as "dolt".
    """
    kol = {s: i for i, s in enumerate(steg)}
    pos = {k: i for i, k in enumerate(ordning)}
    synliga = noder[(noder["skyddad"]) | (noder["n"].fillna(0) > 0)].copy()
    lk = lankar[(lankar["skyddad"]) | (lankar["n"].fillna(0) > 0)].copy()
    lk["mal"] = [steg[kol[s] + 1] for s in lk["steg"]]
    visade = [int(n) for n in noder.loc[~noder["skyddad"], "n"]]
    skala = max([*visade, 1])
    tunn = max(skala * 0.012, 0.4)  # a hidden link: a thin ribbon of the same width everywhere
    gap = skala * 0.06

    def band_bredd(r) -> float:
        return tunn if r.skyddad else float(r.n)

    hojd: dict[tuple[str, str], float] = {}
    for r in synliga.itertuples():
        ut_b = sum(band_bredd(x) for x in lk[(lk["steg"] == r.steg) & (lk["fran"] == r.kod)].itertuples())
        in_b = sum(band_bredd(x) for x in lk[(lk["mal"] == r.steg) & (lk["till"] == r.kod)].itertuples())
        bas = tunn * 3 if r.skyddad else float(r.n)
        hojd[(r.steg, r.kod)] = max(bas, ut_b, in_b)
    nodrader = []
    topp: dict[tuple[str, str], float] = {}
    # Every node gets room for its label (about 15 px), so small nodes never print on top of
    # each other; the rectangle keeps its true height.
    storsta = max(
        [sum(hojd[k] + gap for k in hojd if k[0] == s) for s in steg if any(k[0] == s for k in hojd)] or [1.0]
    )
    rad = storsta * 15 / max(hojd_px - 15 * 12, 100)
    for s in steg:
        y = 0.0
        for r in sorted(synliga[synliga["steg"] == s].itertuples(), key=lambda r: pos.get(r.kod, 999)):
            h = hojd[(s, r.kod)]
            topp[(s, r.kod)] = y
            antal = text.dolt() if r.skyddad else text.tal(int(r.n))
            namn = etiketter.get(r.kod, r.kod)
            nodrader.append(
                {
                    "steg": s,
                    "kolumn": kol[s],
                    "kod": r.kod,
                    "namn": namn,
                    "x": kol[s] - _FLODE_NODBREDD / 2,
                    "x2": kol[s] + _FLODE_NODBREDD / 2,
                    "y": y,
                    "y2": y + h,
                    "farg": _nodfarg(r.kod),
                    "antal": antal,
                    "text": f"{namn} {antal}",
                }
            )
            y += max(h, rad) + gap
    ut_fylld = {k: topp[k] for k in topp}
    in_fylld = {k: topp[k] for k in topp}
    bandrader = []
    lk = lk.assign(
        _fp=[pos.get(k, 999) for k in lk["fran"]],
        _tp=[pos.get(k, 999) for k in lk["till"]],
    ).sort_values(["steg", "_fp", "_tp"])
    t = [i / (_FLODE_KURVPUNKTER - 1) for i in range(_FLODE_KURVPUNKTER)]
    for i, r in enumerate(lk.itertuples()):
        a, b = (r.steg, r.fran), (r.mal, r.till)
        if a not in topp or b not in topp:
            continue  # a link into a node nobody reaches (cannot happen with a consistent release)
        w = band_bredd(r)
        y0, y1 = ut_fylld[a], in_fylld[b]
        ut_fylld[a] += w
        in_fylld[b] += w
        x0, x1 = kol[r.steg] + _FLODE_NODBREDD / 2, kol[r.mal] - _FLODE_NODBREDD / 2
        antal = text.dolt() if r.skyddad else text.tal(int(r.n))
        for tt in t:
            s_ = tt * tt * (3 - 2 * tt)
            bandrader.append(
                {
                    "band": i,
                    "fran": r.fran,
                    "till": r.till,
                    "x": x0 + (x1 - x0) * tt,
                    "y": y0 + (y1 - y0) * s_,
                    "y2": y0 + w + (y1 - y0) * s_,
                    "farg": "#bdbdbd" if r.skyddad else _nodfarg(r.fran),
                    "dold": bool(r.skyddad),
                    "antal": antal,
                    "fran_namn": etiketter.get(r.fran, r.fran),
                    "till_namn": etiketter.get(r.till, r.till),
                }
            )
    nodram = pd.DataFrame(
        nodrader, columns=["steg", "kolumn", "kod", "namn", "x", "x2", "y", "y2", "farg", "antal", "text"]
    )
    bandram = pd.DataFrame(
        bandrader,
        columns=["band", "fran", "till", "x", "y", "y2", "farg", "dold", "antal", "fran_namn", "till_namn"],
    )
    return nodram, bandram


def flodesdiagram(
    noder: pd.DataFrame,
    lankar: pd.DataFrame,
    etiketter: dict[str, str],
    ordning: list[str],
    steg: list[str],
    rubriker: dict[str, str],
    *,
    titel: str,
    undertitel: str | list[str] | None = None,
    hojd: int = 520,
) -> alt.LayerChart:
    """The flow diagram: each person's path through the delivering units, step by step.

    Ribbons (``mark_area`` with ``y``/``y2`` per link) between node rectangles (``mark_rect``),
    labelled nodes, one column per step; a loop eb → eai → eb shows as eb in the first column,
    eai in the second and eb again in the third. Hidden links are thin grey ribbons of one
    width, hidden nodes small boxes, both read "dolt".

    Returns
    -------
    alt.LayerChart
    """
    nodram, bandram = flodesdiagram_data(noder, lankar, etiketter, ordning, steg, hojd)
    ymax = float(nodram["y2"].max()) if not nodram.empty else 1.0
    xs = alt.Scale(domain=[-0.2, len(steg) - 0.35], nice=False)
    ys = alt.Scale(domain=[0, ymax * 1.02], reverse=True, nice=False)
    x = alt.X("x:Q", scale=xs, axis=None)
    y = alt.Y("y:Q", scale=ys, axis=None)
    band_tips = [
        alt.Tooltip("fran_namn:N", title="Från"),
        alt.Tooltip("till_namn:N", title="Till"),
        alt.Tooltip("antal:N", title="Personer"),
    ]
    nod_tips = [alt.Tooltip("namn:N", title="Steg"), alt.Tooltip("antal:N", title="Personer")]
    band = (
        alt.Chart(bandram)
        .mark_area(interpolate="monotone", opacity=0.38, strokeWidth=0)
        .encode(x=x, y=y, y2="y2:Q", color=alt.Color("farg:N", scale=None), detail="band:N", tooltip=band_tips)
    )
    rutor = (
        alt.Chart(nodram)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(x=x, x2="x2:Q", y=y, y2="y2:Q", color=alt.Color("farg:N", scale=None), tooltip=nod_tips)
    )
    nodram = nodram.assign(mitt=(nodram["y"] + nodram["y2"]) / 2, xt=nodram["x2"] + 0.02)
    etikett = (
        alt.Chart(nodram)
        .mark_text(align="left", baseline="middle", fontSize=11, dx=2, fontWeight=600, color="#1a1a1a")
        .encode(
            x=alt.X("xt:Q", scale=xs, axis=None),
            y=alt.Y("mitt:Q", scale=ys, axis=None),
            text="text:N",
            tooltip=nod_tips,
        )
    )
    kolumner = pd.DataFrame({"x": [float(i) for i in range(len(steg))], "rubrik": [rubriker[s] for s in steg]})
    rubrik = (
        alt.Chart(kolumner)
        .mark_text(fontSize=12, fontWeight=600, baseline="bottom", dy=-6)
        .encode(x=x, y=alt.Y(datum=0, scale=ys, axis=None), text="rubrik:N")
    )
    return alt.layer(band, rutor, etikett, rubrik).properties(
        title=alt.Title(titel, subtitle=_undertitel(undertitel)), height=hojd
    )


def matris_data(celler: pd.DataFrame, rad: str, kolumn: str, etiketter: dict[str, str]) -> pd.DataFrame:
    """The long frame of a count matrix for :func:`matris_karta`: ``rad, kolumn, varde,
    skyddad, text, antal`` (labels for codes; a hidden cell has no value and reads "dolt")."""
    rader = []
    for r in celler.to_dict("records"):
        skyddad = bool(r["skyddad"])
        n = None if skyddad else int(r["n"])
        antal = _antal_text(n, skyddad)
        rader.append(
            {
                "rad": etiketter.get(str(r[rad]), str(r[rad])),
                "kolumn": etiketter.get(str(r[kolumn]), str(r[kolumn])),
                "varde": None if n is None else float(n),
                "skyddad": skyddad,
                "text": antal,
                "antal": antal,
            }
        )
    return pd.DataFrame(rader, columns=["rad", "kolumn", "varde", "skyddad", "text", "antal"])


def matris_karta(
    celler: pd.DataFrame,
    rad: str,
    kolumn: str,
    etiketter: dict[str, str],
    *,
    titel: str,
    rad_titel: str,
    kolumn_titel: str,
    undertitel: str | list[str] | None = None,
) -> alt.LayerChart:
    """A count matrix as a heatmap (referring × delivering unit; unit × insatstyp), the codes in
    the frame's order, hidden cells uncoloured and "dolt"."""
    data = matris_data(celler, rad, kolumn, etiketter)
    topp = float(data["varde"].max()) if data["varde"].notna().any() else 1.0
    tips = [
        alt.Tooltip("rad:N", title=rad_titel),
        alt.Tooltip("kolumn:N", title=kolumn_titel),
        alt.Tooltip("antal:N", title="Antal"),
    ]
    return _karta(
        data,
        list(dict.fromkeys(data["rad"])),
        list(dict.fromkeys(data["kolumn"])),
        doman=[0, max(topp, 1.0)],
        titel=titel,
        undertitel=undertitel,
        rad_titel=rad_titel,
        kolumn_titel=kolumn_titel,
        tips=tips,
    )


def vantetid_diagram(df: pd.DataFrame, *, titel: str, undertitel: str | list[str] | None = None) -> alt.LayerChart:
    """Waiting time per group: the quartile range as a bar, the median as a tick and label.

    ``df`` has ``etikett, q1, median, q3, text`` (rows without a shown median are not drawn)."""
    ritade = df[df["median"].notna()]
    ordning = list(df["etikett"])
    y = alt.Y("etikett:N", sort=ordning, scale=alt.Scale(domain=ordning), title=None, axis=alt.Axis(labelLimit=260))
    topp = float(ritade["q3"].max()) if not ritade.empty else 10.0
    x = alt.X("q1:Q", title="Dagar från remiss till start", scale=alt.Scale(domain=[0, topp * 1.25], nice=False))
    tips = [
        alt.Tooltip("etikett:N", title="Grupp"),
        alt.Tooltip("text:N", title="Median (kvartiler)"),
    ]
    lager = [
        alt.Chart(ritade)
        .mark_bar(color=NEUTRAL_FARG, opacity=0.35, height=12)
        .encode(y=y, x=x, x2="q3:Q", tooltip=tips),
        alt.Chart(ritade).mark_tick(color=NEUTRAL_FARG, thickness=3, size=16).encode(y=y, x="median:Q", tooltip=tips),
        alt.Chart(df)
        .mark_text(align="left", dx=6, fontSize=11)
        .encode(y=y, x=alt.datum(topp * 1.0), text="text:N", tooltip=tips),
    ]
    return alt.layer(*lager).properties(title=alt.Title(titel, subtitle=_undertitel(undertitel)), height=alt.Step(22))


def konsstaplar(
    data: pd.DataFrame,
    *,
    ordning: list[str],
    x_titel: str,
    andel: bool,
    titel: str,
    undertitel: str | list[str] | None = None,
) -> alt.Chart:
    """Grouped bars by sex: ``etikett`` (in ``ordning``) × ``kon`` (Kvinnor/Män), length
    ``varde`` (a share when ``andel``, else a count); hidden rows (``skyddad``) are not drawn."""
    ritade = data[~data["skyddad"].astype(bool)].copy()
    ritade["varde"] = ritade["varde"].astype(float)
    y = alt.Y("etikett:N", sort=ordning, scale=alt.Scale(domain=ordning), title=None, axis=alt.Axis(labelLimit=280))
    format_ = ANDEL_FORMAT if andel else ",d"
    return (
        alt.Chart(ritade[["etikett", "kon", "varde"]])
        .mark_bar()
        .encode(
            y=y,
            yOffset=alt.YOffset("kon:N", sort=KON_DOMAN, scale=alt.Scale(domain=KON_DOMAN)),
            x=alt.X("varde:Q", title=x_titel, axis=alt.Axis(format=format_)),
            color=kon_farg(),
            tooltip=[
                alt.Tooltip("kon:N", title="Kön"),
                alt.Tooltip("etikett:N", title="Grupp"),
                alt.Tooltip("varde:Q", title=x_titel, format=format_),
            ],
        )
        .properties(title=alt.Title(titel, subtitle=_undertitel(undertitel)), height=alt.Step(14))
    )


# --- Jämställdhet (issue 13) ------------------------------------------------------------------


def jamstalldhet_skillnader_data(indikatorer: pd.DataFrame) -> pd.DataFrame:
    """The frame behind :func:`jamstalldhet_skillnader`: one row per indicator whose gap can be
    shown (both shares shown), with ``etikett``, ``skillnad``/``ki_lag``/``ki_hog`` (percentage
    points, women minus men), the shares as text and ``slutsats``."""
    d = indikatorer[indikatorer["skillnad_pp"].notna()]
    return pd.DataFrame(
        {
            "etikett": d["etikett"].astype(str),
            "skillnad": d["skillnad_pp"].astype(float),
            "ki_lag": d["ki_lag_pp"].astype(float),
            "ki_hog": d["ki_hog_pp"].astype(float),
            "kvinnor": [andeltext(a) for a in d["andel_K"]],
            "man": [andeltext(a) for a in d["andel_M"]],
            "slutsats": d["slutsats"].astype(str),
            "saker": [s.startswith("skillnaden är så stor") for s in d["slutsats"]],
        }
    )


def jamstalldhet_skillnader(indikatorer: pd.DataFrame, titel: str, *, undertitel=None) -> alt.LayerChart:
    """The gap between women and men for each indicator, with its 95 % interval.

    Returns
    -------
    alt.LayerChart
        A rule from ``ki_lag:Q`` to ``ki_hog:Q`` and a point at ``skillnad:Q`` per
        ``etikett:N`` (in the given order); filled where the adjusted test says "more than
        chance"; a zero line. Only indicators whose both shares are shown are drawn.
    """
    data = jamstalldhet_skillnader_data(indikatorer)
    ordning = list(data["etikett"])
    y = alt.Y("etikett:N", sort=ordning, scale=alt.Scale(domain=ordning), title=None, axis=alt.Axis(labelLimit=320))
    x_titel = "← fler bland männen · skillnad i procentenheter · fler bland kvinnorna →"
    tips = [
        alt.Tooltip("etikett:N", title="Indikator"),
        alt.Tooltip("kvinnor:N", title="Kvinnor"),
        alt.Tooltip("man:N", title="Män"),
        alt.Tooltip("skillnad:Q", title="Skillnad (procentenheter)", format=".0f"),
        alt.Tooltip("slutsats:N", title="Prövning"),
    ]
    bas = alt.Chart(data)
    lager = [
        alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=RESTEN_FARG).encode(x="x:Q"),
        bas.mark_rule(color=NEUTRAL_FARG, strokeWidth=2).encode(
            y=y, x=alt.X("ki_lag:Q", title=x_titel), x2="ki_hog:Q", tooltip=tips
        ),
        bas.mark_point(size=70, color=NEUTRAL_FARG, strokeWidth=2).encode(
            y=y,
            x="skillnad:Q",
            fill=alt.condition("datum.saker", alt.value(NEUTRAL_FARG), alt.value("white")),
            tooltip=tips,
        ),
    ]
    return alt.layer(*lager).properties(title=alt.Title(titel, subtitle=_undertitel(undertitel)), height=alt.Step(22))


def jamstalldhet_strata_data(strata: pd.DataFrame) -> pd.DataFrame:
    """The frame behind :func:`jamstalldhet_strata`: per stratum and sex the share with the
    intervention row (``varde`` None where hidden, ``text`` "dolt" then)."""
    rader = []
    for r in strata.itertuples():
        for kon, n, a in ((KVINNOR, r.n_K, r.andel_K), (MAN, r.n_M, r.andel_M)):
            dold = n is pd.NA or pd.isna(n)
            varde = None if dold or pd.isna(a) else float(a)
            rader.append(
                {
                    "etikett": str(r.stratumetikett),
                    "kon": kon,
                    "varde": varde,
                    "skyddad": bool(dold),
                    "antal": _antal_text(None if dold else n, bool(dold)),
                    "andel": "" if dold else andeltext(varde),
                    "text": text.dolt() if dold else andeltext(varde),
                }
            )
    return pd.DataFrame(rader, columns=["etikett", "kon", "varde", "skyddad", "antal", "andel", "text"])


def jamstalldhet_strata(strata: pd.DataFrame, titel: str, *, undertitel=None) -> alt.LayerChart:
    """Grouped bars: within each stratum (a barrier, an age band) the share of the women and
    of the men with an intervention; women and men in their own colours, a hidden share
    only as "dolt" at zero (never drawn to scale)."""
    data = jamstalldhet_strata_data(strata)
    ordning = list(dict.fromkeys(data["etikett"]))
    ritade = data[data["varde"].notna()]
    dolda = data[data["skyddad"]]
    y = alt.Y("etikett:N", sort=ordning, scale=alt.Scale(domain=ordning), title=None, axis=alt.Axis(labelLimit=320))
    yo = alt.YOffset("kon:N", sort=KON_DOMAN, scale=alt.Scale(domain=KON_DOMAN))
    x = _x_axel(ritade["varde"].max() if not ritade.empty else None, "andel", "Andel av kvinnorna / männen i gruppen")
    tips = [
        alt.Tooltip("etikett:N", title="Grupp"),
        alt.Tooltip("kon:N", title="Kön"),
        alt.Tooltip("antal:N", title="Antal"),
        alt.Tooltip("andel:N", title="Andel"),
    ]
    lager = [
        alt.Chart(ritade).mark_bar().encode(y=y, yOffset=yo, x=x, color=kon_farg(), tooltip=tips),
        alt.Chart(ritade)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(y=y, yOffset=yo, x=x, text="text:N", tooltip=tips),
    ]
    if not dolda.empty:
        lager.append(
            alt.Chart(dolda)
            .mark_text(align="left", dx=4, fontSize=11, fontStyle="italic", color=SKYDDAD_FARG)
            .encode(y=y, yOffset=yo, x=alt.datum(0), text="text:N", tooltip=tips)
        )
    return alt.layer(*lager).properties(title=alt.Title(titel, subtitle=_undertitel(undertitel)), height=alt.Step(13))


# --- Trender (issue 15) ---------------------------------------------------------------------------

ALLA_FARG = "#4d4d4d"
ENHET_FARG = "#5b8e3e"


def trendlinje(
    data: pd.DataFrame,
    titel: str,
    typ: str = "andel",
    grupper: dict[str, tuple[str, str]] | None = None,
    x_titel: str = "Mätomgång",
) -> alt.LayerChart:
    """One indicator across rounds: a line each for all, kvinnor and män.

    A hidden or undefined value (``varde`` None) breaks the line there, never drawn as zero.

    Parameters
    ----------
    data : frame ``omgang_id, grupp`` (alla/kvinnor/män), ``varde`` (None where hidden).
    titel : the question the chart answers.
    typ : ``andel`` (0–1, axis in per cent) or ``antal``/``manader``.
    grupper : ``{grupp: (label, colour)}`` for other groups than all/kvinnor/män.
    x_titel : the title of the x axis (the rounds, or years).
    """
    grupper = grupper or {"alla": ("Alla", ALLA_FARG), "kvinnor": (KVINNOR, KVINNOR_FARG), "män": (MAN, MAN_FARG)}
    d = data[["omgang_id", "grupp", "varde"]].copy()
    d["grupp"] = d["grupp"].map({g: e for g, (e, _f) in grupper.items()})
    d["varde"] = [None if v is None or pd.isna(v) else float(v) for v in d["varde"]]
    doman = [e for e, _f in grupper.values()]
    farg = alt.Color(
        "grupp:N", title=None, scale=alt.Scale(domain=doman, range=[f for _e, f in grupper.values()]), sort=doman
    )
    y = (
        alt.Y("varde:Q", title="Andel", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=ANDEL_FORMAT))
        if typ == "andel"
        else alt.Y("varde:Q", title="Antal" if typ == "antal" else "Månader", scale=alt.Scale(zero=True))
    )
    bas = alt.Chart(d).encode(
        x=alt.X("omgang_id:O", title=x_titel, axis=alt.Axis(labelAngle=0)),
        y=y,
        color=farg,
        tooltip=[
            alt.Tooltip("omgang_id:O", title="Mätomgång"),
            alt.Tooltip("grupp:N", title="Grupp"),
            alt.Tooltip("varde:Q", title="Värde", format=ANDEL_FORMAT if typ == "andel" else ",.0f"),
        ],
    )
    linjer = bas.mark_line(invalid="break-paths-show-domains", strokeWidth=2.5)
    punkter = bas.mark_point(filled=True, size=50, invalid="break-paths-show-domains")
    undertitel = ["Ett glapp i linjen är ett dolt värde (röjandeskydd), inte noll."] if d["varde"].isna().any() else []
    return alt.layer(linjer, punkter).properties(title=alt.Title(titel, subtitle=undertitel), height=260)


def overgangsstaplar(data: pd.DataFrame, titel: str) -> alt.Chart:
    """The transitions of one state as horizontal bars (persons per "from → to"); hidden
    cells are not drawn (their label says "dolt").

    Parameters
    ----------
    data : frame ``overgang`` (label "från → till"), ``n`` (None where hidden).
    """
    d = data[["overgang", "n"]].copy()
    d["n"] = [None if v is None or pd.isna(v) else int(v) for v in d["n"]]
    d["text"] = [text.tal(v, skyddad=v is None) for v in d["n"]]
    ordning = list(d["overgang"])
    bas = alt.Chart(d).encode(
        y=alt.Y("overgang:N", sort=ordning, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("n:Q", title="Personer"),
        tooltip=[alt.Tooltip("overgang:N", title="Övergång"), alt.Tooltip("text:N", title="Personer")],
    )
    staplar = bas.mark_bar(color=ALLA_FARG).transform_filter("isValid(datum.n)")
    etiketter = (
        bas.mark_text(align="left", dx=3, fontSize=11)
        .encode(x=alt.X("n:Q"), text="text:N")
        .transform_calculate(n="isValid(datum.n) ? datum.n : 0")
    )
    return alt.layer(staplar, etiketter).properties(title=titel, height=alt.Step(22))
