"""The blocks of the Målgrupp page: distributions, one unit against the rest, the analysis seminar."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import charts, koder, text
from core.matt import jamforelse as jamforelse_matt
from core.matt import korstabell as korstabell_matt
from core.matt import profil as profil_matt
from core.matt.profil import Urval
from core.omfang import Omfang
from core.ui.grafik import diagram
from core.ui.laddare import las_jamforelse, las_korstabell, las_profil
from core.ui.motor import _tal_eller_none, enheter_i_ordning, kort_enhetsnamn
from core.ui.sidofilter import urvalstext
from core.ui.tabeller import (
    SKYDD_AV,
    SKYDD_PA,
    _antal_eller_farre,
    _filnamn,
    andel_i_fil,
    andelsrubrik,
    nedladdning_med_skydd,
    tabell,
)
from core.ui.variabler import FRAGOR, KONSFARGER, OMRADEN, _kon_plural, flervalstext

# The views of Målgrupp (tabs that run only when open, so the page computes what it shows).
MALGRUPP_VYER = ("Fördelning", "En enhet mot resten", "Analysseminariet")


RESTEN_NAMN = "Resten av processen"


def urvalets_storlek(p) -> bool:
    """The round, the filter in words and the number of persons it leaves.

    Returns False, after saying why, when nothing more may be shown: nobody matches, or the
    group is 1–4 persons for a scope whose output is suppressed (then the group shows
    nothing but "dolt").
    """
    siffra, beskrivning = st.columns([1, 4], vertical_alignment="center")
    siffra.metric("Personer i urvalet", text.tal(p.n, skyddad=p.n_skyddad))
    beskrivning.caption(
        f"Mätomgång {p.omgang.omgang_id} ({text.datum(p.omgang.datum)}).  \nUrval: {urvalstext(p.urval)}."
        + (f"  \n{text.skyddsforklaring()}" if p.skyddad else "")
    )
    if p.vagrad or p.n_skyddad:
        st.warning(
            f"{p.vagrad or 'Urvalet kan inte visas.'} Av röjandeskäl visas inget mer; ändra urvalet i sidopanelen."
        )
        return False
    if not p.n:
        st.info("Ingen person i mätomgången matchar urvalet. Vidga urvalet i sidopanelen.")
        return False
    return True


def variabelval(nyckel: str, variabler: tuple[str, ...] | None = None) -> str:
    """Choose a variable: an area (Bakgrund, Hälsa, …), then a variable of it.

    ``nyckel`` prefixes the widget keys; ``variabler`` limits the choice (None: all).
    """
    omraden = {o: tuple(v for v in vs if variabler is None or v in variabler) for o, vs in OMRADEN.items()}
    omraden = {o: vs for o, vs in omraden.items() if vs}
    namn = list(omraden)
    omrade = st.segmented_control(
        "Område", namn, key=f"{nyckel}_omrade", default=namn[0], required=True, label_visibility="collapsed"
    )
    omrade = omrade if omrade in omraden else namn[0]
    val = omraden[omrade]
    variabel = st.pills(
        "Variabel",
        list(val),
        format_func=lambda v: koder.VARIABLER[v].etikett,
        key=f"{nyckel}_variabel_{namn.index(omrade)}",
        default=val[0],
        required=True,
    )
    return variabel if variabel in val else val[0]


def _korstabell_for_visning(kt):
    """The cross-tab's cells and margins with "Kvinnor"/"Män" for ``kon``."""
    celler = _kon_plural(kt.celler, kt.radvariabel, "rad", "rad_etikett")
    celler = _kon_plural(celler, kt.kolumnvariabel, "kolumn", "kolumn_etikett")
    return celler, _kon_plural(kt.rader, kt.radvariabel), _kon_plural(kt.kolumner, kt.kolumnvariabel)


def fordelningstabell(df: pd.DataFrame) -> pd.DataFrame:
    """A distribution for reading: ``Svar``, ``Antal``, ``Andel`` as Swedish text
    (suppressed: "dolt" and a blank share)."""
    return pd.DataFrame(
        {
            "Svar": df["etikett"],
            "Antal": [
                text.tal(_tal_eller_none(n), skyddad=bool(s)) for n, s in zip(df["n"], df["skyddad"], strict=True)
            ],
            "Andel": [
                "" if s else charts.andeltext(_tal_eller_none(a))
                for a, s in zip(df["andel"], df["skyddad"], strict=True)
            ],
        }
    )


def fordelning_fil(p, variabel: str) -> pd.DataFrame:
    """A distribution as a download (long, Swedish headers, the protection stated in a column)."""
    df = _kon_plural(p.fordelningar[variabel], variabel)
    return pd.DataFrame(
        {
            "Mätomgång": p.omgang.omgang_id,
            "Urval": urvalstext(p.urval),
            "Röjandeskydd": SKYDD_PA if p.skyddad else SKYDD_AV,
            "Personer i urvalet": _antal_eller_farre(p.n, p.n_skyddad),
            "Variabel": koder.VARIABLER[variabel].etikett,
            "Svar": df["etikett"],
            "Antal": [_antal_eller_farre(n, bool(s)) for n, s in zip(df["n"], df["skyddad"], strict=True)],
            andelsrubrik("Andel"): [andel_i_fil(a, bool(s)) for a, s in zip(df["andel"], df["skyddad"], strict=True)],
        }
    )


def fordelning_block(omfang: Omfang, omgang_id: str, urval: Urval, variabel: str) -> None:
    """One variable's distribution: the chart, the table and the download."""
    p = las_profil(omfang, omgang_id, urval, (variabel,))
    df = _kon_plural(p.fordelningar[variabel], variabel)
    undertitel = [f"Andel av {text.antal_personer(p.n, skyddad=p.n_skyddad)} i urvalet."]
    if (notering := flervalstext(variabel)) is not None:
        undertitel.append(notering)
    diagram(
        charts.fordelning(df, FRAGOR[variabel], undertitel=undertitel, farger=KONSFARGER if variabel == "kon" else None)
    )
    tabell(fordelningstabell(df))
    nedladdning_med_skydd(
        omfang,
        _filnamn("malgrupp", variabel, omgang_id),
        nyckel="malgrupp_fordelning_csv",
        skyddad=lambda: fordelning_fil(las_profil(omfang, omgang_id, urval, (variabel,), export=True), variabel),
        oskyddad=lambda eng: fordelning_fil(
            profil_matt.profil(eng, omfang.med_skydd(False), omgang_id, urval, [variabel], export=True), variabel
        ),
    )


def jamforelsetabell(j, enhetsnamn: str) -> pd.DataFrame:
    """A unit against the rest as Swedish text: ``Svar``, then count and share per group."""
    f = _kon_plural(j.fordelning, j.variabel)
    ut = pd.DataFrame({"Svar": f.loc[f["grupp"] == "enhet", "etikett"].to_numpy()})
    for grupp, namn in (("enhet", enhetsnamn), ("resten", RESTEN_NAMN)):
        d = f[f["grupp"] == grupp]
        ut[f"{namn}, antal"] = [
            text.tal(_tal_eller_none(n), skyddad=bool(s)) for n, s in zip(d["n"], d["skyddad"], strict=True)
        ]
        ut[f"{namn}, andel"] = [
            "" if s else charts.andeltext(_tal_eller_none(a)) for a, s in zip(d["andel"], d["skyddad"], strict=True)
        ]
    return ut


def jamforelse_fil(j, enhetsnamn: str) -> pd.DataFrame:
    """A unit against the rest as a download (long, one row per group and answer)."""
    storlek = j.storlek.set_index("grupp")
    f = _kon_plural(j.fordelning, j.variabel)
    return pd.DataFrame(
        {
            "Mätomgång": j.omgang.omgang_id,
            "Urval": urvalstext(j.urval),
            "Röjandeskydd": SKYDD_PA if j.skyddad else SKYDD_AV,
            "Variabel": koder.VARIABLER[j.variabel].etikett,
            "Grupp": f["grupp"].map({"enhet": enhetsnamn, "resten": RESTEN_NAMN}),
            "Personer i gruppen": [
                _antal_eller_farre(storlek.loc[g, "n"], bool(storlek.loc[g, "skyddad"])) for g in f["grupp"]
            ],
            "Svar": f["etikett"],
            "Antal": [_antal_eller_farre(n, bool(s)) for n, s in zip(f["n"], f["skyddad"], strict=True)],
            andelsrubrik("Andel"): [andel_i_fil(a, bool(s)) for a, s in zip(f["andel"], f["skyddad"], strict=True)],
        }
    )


def forsta_visbara_enhet(omfang: Omfang, omgang_id: str, urval: Urval, enheter: list[str]) -> str:
    """The unit "En enhet mot resten" opens on: the user's own unit, else the first unit
    whose comparison the role may see (both the unit and the rest large enough to show
    something, :func:`visar_nagot`); the first unit when none may be shown (the page then
    says why).

    Whether a comparison may be shown depends on the groups, not on the variable, so the
    first comparable variable answers for all (each answer is cached like the page's own).
    """
    if not enheter:
        return ""
    if omfang.enhet in enheter:
        return omfang.enhet
    if not omfang.skyddad_skarm:
        return enheter[0]
    variabel = jamforelse_matt.JAMFORBARA[0]
    for e in enheter:
        if visar_nagot(las_jamforelse(omfang, omgang_id, e, variabel, urval)):
            return e
    return enheter[0]


def visar_nagot(j) -> bool:
    """True when a comparison may be shown and each side shows at least one answer with
    persons (not only "dolt"): a rest of 11 persons is allowed, but its women and men are
    then hidden on both sides, which is no comparison."""
    if j.vagrad:
        return False
    f = j.fordelning
    synliga = f[~f["skyddad"].astype(bool) & f["n"].fillna(0).gt(0)]
    return {"enhet", "resten"} <= set(synliga["grupp"])


def enhet_mot_resten_block(omfang: Omfang, omgang_id: str, urval: Urval) -> None:
    """Choose a unit and a variable; the unit's distribution next to the rest of the process."""
    alla = enheter_i_ordning()
    koder_ = list(alla)
    standard = koder_.index(forsta_visbara_enhet(omfang, omgang_id, urval, koder_))
    enhet = st.columns([3, 2])[0].selectbox(
        "Enhet", koder_, index=standard, format_func=lambda k: alla.get(k, k), key="malgrupp_jamfor_enhet"
    )
    variabel = variabelval("malgrupp_jamfor", jamforelse_matt.JAMFORBARA)
    if urval.enhet or urval.ej_enhet:
        st.caption("Enhetsvalet i sidopanelen används inte här: enheten jämförs med alla andra i urvalet.")
    j = las_jamforelse(omfang, omgang_id, enhet, variabel, urval)
    namn = kort_enhetsnamn(alla.get(enhet, enhet))
    if j.vagrad:
        st.warning(f"{namn}: {j.vagrad}")
        return
    storlek = {
        g: text.antal_personer(_tal_eller_none(n), skyddad=bool(s))
        for g, n, s in zip(j.storlek["grupp"], j.storlek["n"], j.storlek["skyddad"], strict=True)
    }
    st.caption(
        f"{namn}: {storlek['enhet']}. {RESTEN_NAMN}: {storlek['resten']}. En person hör till enheten om "
        "mätningen gjordes där, eller om hen har en insats från eller hos enheten som pågår eller "
        "avslutades under de senaste tolv månaderna."
    )
    if (j.storlek["grupp"].eq("enhet") & j.storlek["n"].eq(0)).any():
        st.info(f"Ingen person i urvalet hör till {namn} i den här mätomgången.")
        return
    undertitel = ["Andel av personerna i varje grupp."]
    if (notering := flervalstext(variabel)) is not None:
        undertitel.append(notering)
    diagram(
        charts.jamforelse(
            _kon_plural(j.fordelning, variabel),
            f"{koder.VARIABLER[variabel].etikett}: skiljer sig {namn} från resten av processen?",
            {"enhet": namn, "resten": RESTEN_NAMN},
            undertitel=undertitel,
        )
    )
    tabell(jamforelsetabell(j, namn), bred=True)
    nedladdning_med_skydd(
        omfang,
        _filnamn("malgrupp", enhet, "mot-resten", variabel, omgang_id),
        nyckel="malgrupp_jamfor_csv",
        skyddad=lambda: jamforelse_fil(las_jamforelse(omfang, omgang_id, enhet, variabel, urval, export=True), namn),
        oskyddad=lambda eng: jamforelse_fil(
            jamforelse_matt.enhet_mot_resten(
                eng, omfang.med_skydd(False), omgang_id, enhet, variabel, urval, export=True
            ),
            namn,
        ),
    )


KORS_RAD_NYCKEL = "malgrupp_kors_rad"


KORS_KOLUMN_NYCKEL = "malgrupp_kors_kolumn"


def _byt_rader_och_kolumner() -> None:
    rad, kol = st.session_state.get(KORS_RAD_NYCKEL), st.session_state.get(KORS_KOLUMN_NYCKEL)
    st.session_state[KORS_RAD_NYCKEL], st.session_state[KORS_KOLUMN_NYCKEL] = kol, rad


def _visade(marginal: pd.DataFrame) -> list[str]:
    """Codes of a cross-tab dimension worth a row or column: anyone has them (or hidden)."""
    return [k for k, n, s in zip(marginal["kod"], marginal["n"], marginal["skyddad"], strict=True) if s or n]


def _marginalandel(n, skyddad: bool, total, total_skyddad: bool):
    if skyddad or total_skyddad or n is None or pd.isna(n) or not total:
        return None
    return int(n) / int(total)


def korstabell_tabell(kt, matt: str) -> pd.DataFrame:
    """A cross-tab for reading: rows × columns in the chosen measure, with its margins.

    ``matt`` ``"n"``: counts with a ``Totalt`` column and row. ``"radandel"``: each row's
    shares, the ``Totalt`` row the column codes' shares of everyone, and the row's persons
    in ``Antal personer``. ``"kolumnandel"``: the mirror image. Suppressed cells read
    "dolt"; rows and columns that nobody has are left out.
    """
    celler, rm, km = _korstabell_for_visning(kt)
    rader, kolumner = _visade(rm), _visade(km)
    celler = celler.set_index(["rad", "kolumn"])
    rm = rm.set_index("kod")
    km = km.set_index("kod")
    rubrik = koder.VARIABLER[kt.radvariabel].etikett

    def cell(r, k) -> str:
        c = celler.loc[(r, k)]
        if c["skyddad"]:
            return text.dolt()
        if matt == "n":
            return text.tal(_tal_eller_none(c["n"]))
        return text.procent(_tal_eller_none(c[matt]))

    def antal(m, kod) -> str:
        return text.tal(_tal_eller_none(m.loc[kod, "n"]), skyddad=bool(m.loc[kod, "skyddad"]))

    def andel(m, kod) -> str:
        a = _marginalandel(m.loc[kod, "n"], bool(m.loc[kod, "skyddad"]), kt.total, kt.total_skyddad)
        return text.dolt() if m.loc[kod, "skyddad"] else text.procent(a)

    total = text.tal(kt.total, skyddad=kt.total_skyddad)
    ut = []
    for r in rader:
        rad = {rubrik: rm.loc[r, "etikett"]} | {km.loc[k, "etikett"]: cell(r, k) for k in kolumner}
        if matt == "n":
            rad["Totalt"] = antal(rm, r)
        elif matt == "radandel":
            rad["Antal personer"] = antal(rm, r)
        else:
            rad["Totalt"] = andel(rm, r)
        ut.append(rad)
    if matt == "n":
        ut.append({rubrik: "Totalt"} | {km.loc[k, "etikett"]: antal(km, k) for k in kolumner} | {"Totalt": total})
    elif matt == "radandel":
        ut.append(
            {rubrik: "Totalt"} | {km.loc[k, "etikett"]: andel(km, k) for k in kolumner} | {"Antal personer": total}
        )
    else:
        ut.append(
            {rubrik: "Antal personer"} | {km.loc[k, "etikett"]: antal(km, k) for k in kolumner} | {"Totalt": total}
        )
    return pd.DataFrame(ut)


RADANDEL = andelsrubrik("Andel av raden")
KOLUMNANDEL = andelsrubrik("Andel av kolumnen")


def korstabell_fil(kt, omgang_id: str, urval: Urval) -> pd.DataFrame:
    """A cross-tab as a download: one row per cell and margin (``Totalt``), with the count,
    the share of the row and the share of the column."""
    rad_namn = koder.VARIABLER[kt.radvariabel].etikett
    kol_namn = koder.VARIABLER[kt.kolumnvariabel].etikett
    if rad_namn == kol_namn:  # pragma: no cover - two different variables never share a label
        kol_namn += " (kolumn)"
    celler, rm, km = _korstabell_for_visning(kt)
    rader = []
    for c in celler.itertuples(index=False):
        rader.append(
            {
                rad_namn: c.rad_etikett,
                kol_namn: c.kolumn_etikett,
                "Antal": _antal_eller_farre(c.n, bool(c.skyddad)),
                RADANDEL: andel_i_fil(c.radandel, bool(c.skyddad)),
                KOLUMNANDEL: andel_i_fil(c.kolumnandel, bool(c.skyddad)),
            }
        )
    for m in rm.itertuples(index=False):
        rader.append(
            {
                rad_namn: m.etikett,
                kol_namn: "Totalt",
                "Antal": _antal_eller_farre(m.n, bool(m.skyddad)),
                RADANDEL: None,
                KOLUMNANDEL: andel_i_fil(_marginalandel(m.n, bool(m.skyddad), kt.total, kt.total_skyddad)),
            }
        )
    for m in km.itertuples(index=False):
        rader.append(
            {
                rad_namn: "Totalt",
                kol_namn: m.etikett,
                "Antal": _antal_eller_farre(m.n, bool(m.skyddad)),
                RADANDEL: andel_i_fil(_marginalandel(m.n, bool(m.skyddad), kt.total, kt.total_skyddad)),
                KOLUMNANDEL: None,
            }
        )
    rader.append(
        {
            rad_namn: "Totalt",
            kol_namn: "Totalt",
            "Antal": _antal_eller_farre(kt.total, kt.total_skyddad),
            RADANDEL: None,
            KOLUMNANDEL: None,
        }
    )
    df = pd.DataFrame(rader)
    df.insert(0, "Röjandeskydd", SKYDD_PA if kt.skyddad else SKYDD_AV)
    df.insert(0, "Urval", urvalstext(urval))
    df.insert(0, "Mätomgång", omgang_id)
    return df


def analysseminariet(omfang: Omfang, omgang_id: str, urval: Urval) -> None:
    """The analysis seminar: a free cross-tab of two variables, filtered as the page."""
    st.write("En fråga från rummet: välj två variabler och se hur de hänger ihop i urvalet.")
    korsbara = list(korstabell_matt.KORSBARA)

    def etikett(v: str) -> str:
        return koder.VARIABLER[v].etikett

    k1, k2, k3 = st.columns([3, 3, 4], vertical_alignment="bottom")
    rad = k1.selectbox(
        "Rader", korsbara, index=korsbara.index("arbetshinder"), format_func=etikett, key=KORS_RAD_NYCKEL
    )
    kolumn = k2.selectbox(
        "Kolumner", korsbara, index=korsbara.index("kon"), format_func=etikett, key=KORS_KOLUMN_NYCKEL
    )
    k3.button("Byt rader och kolumner", key="malgrupp_kors_byt", on_click=_byt_rader_och_kolumner)
    matt = st.segmented_control(
        "Visa",
        list(charts.KORSMATT),
        format_func=charts.KORSMATT.get,
        key="malgrupp_kors_matt",
        default="n",
        required=True,
    )
    matt = matt if matt in charts.KORSMATT else "n"
    if rad == kolumn:
        st.warning("Välj två olika variabler.")
        return
    kt = las_korstabell(omfang, omgang_id, rad, kolumn, urval)
    if kt.vagrad:
        st.warning(kt.vagrad)
        return
    noteringar = [
        f"{etikett(v)}: {flervalstext(v)[0].lower()}{flervalstext(v)[1:]}"
        for v in (rad, kolumn)
        if flervalstext(v) is not None
    ]
    for n in noteringar:
        st.caption(n)
    celler, rm, km = _korstabell_for_visning(kt)
    visade = celler[celler["rad"].isin(_visade(rm)) & celler["kolumn"].isin(_visade(km))]
    forklaring = {
        "n": "Antal personer.",
        "radandel": f"Andel av raden: hur personerna i varje rad fördelar sig på {etikett(kolumn).lower()}.",
        "kolumnandel": f"Andel av kolumnen: hur personerna i varje kolumn fördelar sig på {etikett(rad).lower()}.",
    }[matt]
    diagram(
        charts.korstabell_karta(
            visade,
            matt,
            f"{etikett(rad)} efter {etikett(kolumn).lower()}",
            rad_titel=etikett(rad),
            kolumn_titel=etikett(kolumn),
            undertitel=[forklaring, "Svar som ingen i urvalet har visas inte."],
        )
    )
    tabell(korstabell_tabell(kt, matt), bred=True)
    nedladdning_med_skydd(
        omfang,
        _filnamn("korstabell", rad, kolumn, omgang_id),
        nyckel="malgrupp_kors_csv",
        skyddad=lambda: korstabell_fil(
            las_korstabell(omfang, omgang_id, rad, kolumn, urval, export=True), omgang_id, urval
        ),
        oskyddad=lambda eng: korstabell_fil(
            korstabell_matt.korstabell(eng, omfang.med_skydd(False), omgang_id, rad, kolumn, urval, export=True),
            omgang_id,
            urval,
        ),
    )
