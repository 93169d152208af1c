"""The blocks of the Jämställdhet page: the largest gaps in words, women and men in figures,
every indicator side by side, and interventions within the same barrier group."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import charts, config, statistik, text
from core.matt import jamstalldhet as matt
from core.matt.jamstalldhet import _obj
from core.matt.profil import Urval
from core.omfang import Omfang
from core.population import SAKNAS
from core.ui.grafik import diagram
from core.ui.motor import TTL_DATA, _engine, dataversion
from core.ui.sidofilter import urvalstext
from core.ui.tabeller import nedladdning_med_skydd, skyddsnot, tabell

JAMSTALLDHET_VYER = ("Kvinnor och män", "Alla indikatorer", "Insatser inom samma hindergrupp")


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=200)
def _jamstalldhet(url: str, omfang: Omfang, omgang_id: str, urval: Urval, export: bool, version: str):
    return matt.jamstalldhet(_engine(url), omfang, omgang_id, urval, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=200)
def _aldersstrata(url: str, omfang: Omfang, omgang_id: str, urval: Urval, export: bool, version: str):
    return matt.aldersstrata(_engine(url), omfang, omgang_id, urval, export=export)


def las_aldersstrata(omfang: Omfang, omgang_id: str, urval: Urval, *, export: bool = False):
    """The age-band strata (computed only when asked for), cached per data version."""
    return _aldersstrata(config.databas_url(), omfang, omgang_id, urval, export, dataversion())


def las_jamstalldhet(omfang: Omfang, omgang_id: str, urval: Urval, *, export: bool = False) -> matt.Jamstalldhet:
    """The page's figures for the scope, round and filter, cached per data version."""
    return _jamstalldhet(config.databas_url(), omfang, omgang_id, urval, export, dataversion())


def _tal(v):
    return None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v


def _andel_text(n, bas) -> str:
    """``42 % (56 av 134)``; a hidden count reads "dolt"."""
    n, bas = _tal(n), _tal(bas)
    if n is None or bas is None:
        return text.dolt()
    if not bas:
        return "–"
    return f"{charts.andeltext(n / bas)} ({text.tal(n)} av {text.tal(bas)})"


def _skillnad_text(pp) -> str:
    pp = _tal(pp)
    return "" if pp is None else text.procentenheter(pp / 100)


def _skillnad_ki_text(pp, lo, hi) -> str:
    """``−21 (−31 till −11)``: the gap in percentage points with its 95 % interval."""
    pp, lo, hi = _tal(pp), _tal(lo), _tal(hi)
    if pp is None:
        return ""
    return f"{text.forandring(pp)} ({text.tal(lo)} till {text.tal(hi)})"


KORT_SLUTSATS = {
    statistik.SALLAN_SLUMP: "Ja, sällan en slump",
    statistik.KAN_VARA_SLUMP: "Kan vara en slump",
    statistik.FOR_FA: "För få för att pröva",
    statistik.DOLD_PROVNING: "Kan inte prövas (dolt)",
    "": "",
}


def _jamforelsetabell(df: pd.DataFrame) -> None:
    """A comparison table: the first column wide, the figures right-aligned, the verdict
    left-aligned, every row shown."""
    forsta, sista = df.columns[0], df.columns[-1]
    config = {forsta: st.column_config.TextColumn(width="medium")}
    config |= {k: st.column_config.TextColumn(alignment="right") for k in df.columns[1:-1]}
    config[sista] = st.column_config.TextColumn(alignment="left")
    hojd = min(35 * (len(df) + 1) + 3, 800)
    st.dataframe(df, hide_index=True, width="stretch", height=hojd, column_config=config)


def jamstalldhet_rubrik(res: matt.Jamstalldhet, urval: Urval) -> bool:
    """The persons by sex, the round and the filter. False when nothing more may be shown."""
    kol = st.columns([1, 1, 1, 3], vertical_alignment="center")
    for c, k, namn in zip(kol[:3], matt.KON, ("Kvinnor", "Män", "Kön saknas"), strict=True):
        n = res.storlek.get(k)
        c.metric(namn, text.tal(n, skyddad=n is None and res.skyddad and not res.vagrad) if not res.vagrad else "–")
    kol[3].caption(
        f"Mätomgång {res.omgang.omgang_id} ({text.datum(res.omgang.datum)}).  \nUrval: {urvalstext(res.urval)}."
        + ("  \nSidan delar själv upp på kön; könsvalet i sidopanelen används inte här." if urval.kon else "")
    )
    if res.vagrad:
        st.warning(f"{res.vagrad} Av röjandeskäl visas inget mer; ändra urvalet i sidopanelen.")
        return False
    if not any(res.storlek.get(k) for k in matt.KON):
        st.info("Ingen person i mätomgången matchar urvalet. Vidga urvalet i sidopanelen.")
        return False
    return True


def jamstalldhet_storsta_skillnaderna(res: matt.Jamstalldhet) -> None:
    """The sentences at the top: only gaps that survive the adjustment, only shown figures."""
    st.subheader("De största skillnaderna mellan kvinnor och män")
    if res.meningar:
        st.markdown("\n".join(f"- {m}" for m in res.meningar))
    else:
        st.info(
            "Ingen skillnad mellan kvinnor och män är så stor att den håller efter justeringen för många jämförelser."
        )
    st.caption(matt.JUSTERING_TEXT)
    skyddsnot(res.skyddad)


# --- women and men in figures -------------------------------------------------------------------


def _per_kon_varde(rad: dict, k: str) -> str:
    if rad.get(f"{k}_skyddad"):
        return text.dolt()
    v = _tal(rad.get(k))
    if v is None:
        return "–"
    if rad["typ"] == "andel":
        return charts.andeltext(v)
    if rad["typ"] == "manader":
        q1, q3 = _tal(rad.get(f"{k}_q1")), _tal(rad.get(f"{k}_q3"))
        return (
            f"{text.tal(v, 1 if v % 1 else 0)} ({text.tal(q1, 1 if q1 % 1 else 0)}–{text.tal(q3, 1 if q3 % 1 else 0)})"
        )
    return text.tal(v)


def per_kon_tabell(res: matt.Jamstalldhet) -> pd.DataFrame:
    """The by-sex figures for reading (medians with their quartiles in brackets)."""
    rader = res.per_kon.to_dict("records")
    return pd.DataFrame(
        {
            "Mått": [r["etikett"] for r in rader],
            "Kvinnor": [_per_kon_varde(r, "K") for r in rader],
            "Män": [_per_kon_varde(r, "M") for r in rader],
            "Kön saknas": [_per_kon_varde(r, SAKNAS) for r in rader],
        }
    )


def jamstalldhet_per_kon(omfang: Omfang, res: matt.Jamstalldhet) -> None:
    st.markdown("**Hur skiljer sig kvinnors och mäns situation?**")
    tabell(per_kon_tabell(res))
    st.caption(
        "Tider är medianer i hela månader, med första och tredje kvartilen inom parentes. Tiden till första "
        "insatsen gäller dem som har fått en insats sedan inskrivningen. Avsluten gäller hela processen sedan "
        "förra mätningen, oavsett urval."
    )
    _nedladdning(omfang, res, "per_kon", lambda r: per_kon_tabell(r))


# --- every indicator -------------------------------------------------------------------------------


def indikatorvisning(d: pd.DataFrame) -> pd.DataFrame:
    """The indicators for reading: shares with counts, the gap, its interval, the verdict."""
    return pd.DataFrame(
        {
            "Indikator": d["etikett"],
            "Kvinnor": [_andel_text(n, b) for n, b in zip(d["n_K"], d["bas_K"], strict=True)],
            "Män": [_andel_text(n, b) for n, b in zip(d["n_M"], d["bas_M"], strict=True)],
            "Kön saknas": [
                "–" if v == "avslut" else text.dolt() if _tal(n) is None else text.tal(n)
                for n, v in zip(d["n_saknas"], d["variabel"], strict=True)
            ],
            "Skillnad (95 % KI)": [
                _skillnad_ki_text(x, a, b)
                for x, a, b in zip(d["skillnad_pp"], d["ki_lag_pp"], d["ki_hog_pp"], strict=True)
            ],
            "Mer än slumpen?": [KORT_SLUTSATS.get(x, x) for x in d["slutsats"]],
        }
    )


def jamstalldhet_indikatorer(omfang: Omfang, res: matt.Jamstalldhet) -> None:
    d = res.indikatorer
    grupper = list(dict.fromkeys(d["grupp"]))
    val = st.selectbox("Område", grupper, key="jamstalldhet_omrade")
    bara = st.toggle("Visa bara skillnader som håller efter justeringen", key="jamstalldhet_bara_sakra")
    urval = d[d["grupp"] == val] if not bara else d[d["slutsats"] == statistik.SALLAN_SLUMP]
    if bara and urval.empty:
        st.info("Ingen skillnad håller efter justeringen.")
        return
    titel = f"Hur skiljer sig kvinnor och män – {val.lower()}?" if not bara else "Vilka skillnader håller?"
    if urval["skillnad_pp"].notna().any():
        diagram(
            charts.jamstalldhet_skillnader(
                urval,
                titel,
                undertitel="Punkten är skillnaden (kvinnor minus män), strecket dess 95 % konfidensintervall; "
                "fylld punkt: skillnaden håller efter justeringen.",
            )
        )
    _jamforelsetabell(indikatorvisning(urval))
    st.caption(
        "Skillnaden är kvinnornas andel minus männens i procentenheter, med 95 % konfidensintervall (KI) inom parentes. "
        "”Ja, sällan en slump”: skillnaden är så stor att den sällan uppstår av en slump, även efter justeringen. "
        "Prövningen är Fishers exakta test, "
        "som håller även för små grupper; ”för få för att pröva” betyder att inget utfall med så få personer "
        "skulle kunna visa en säker skillnad."
    )
    _nedladdning(omfang, res, "indikatorer", matt.indikatortabell)


# --- interventions within the same barrier group ------------------------------------------------


def stratatabell(s: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Insats": s["insatsetikett"],
            "Kvinnor": [_andel_text(n, b) for n, b in zip(s["n_K"], s["bas_K"], strict=True)],
            "Män": [_andel_text(n, b) for n, b in zip(s["n_M"], s["bas_M"], strict=True)],
            "Skillnad": [_skillnad_text(x) for x in s["skillnad_pp"]],
        }
    )


def stratafil(res: matt.Jamstalldhet) -> pd.DataFrame:
    s = res.strata
    return pd.DataFrame(
        {
            "Mätomgång": res.omgang.omgang_id,
            "Röjandeskydd": "på" if res.skyddad else "av",
            "Grupp efter": [matt.STRATA.get(x, x) for x in s["stratum"]],
            "Grupp": s["stratumetikett"],
            "Insats": s["insatsetikett"],
            "Kvinnor i gruppen": _obj([_tal(x) for x in s["bas_K"]]),
            "Kvinnor med insatsen": _obj([_tal(x) for x in s["n_K"]]),
            "Andel kvinnor": _obj([_tal(x) for x in s["andel_K"]]),
            "Män i gruppen": _obj([_tal(x) for x in s["bas_M"]]),
            "Män med insatsen": _obj([_tal(x) for x in s["n_M"]]),
            "Andel män": _obj([_tal(x) for x in s["andel_M"]]),
            "Skillnad, procentenheter": _obj([_tal(x) for x in s["skillnad_pp"]]),
            "Justerat p-värde": _obj([_tal(x) for x in s["p_justerat"]]),
            "Slutsats": s["slutsats"],
        }
    )


def jamstalldhet_insatser(omfang: Omfang, res: matt.Jamstalldhet) -> None:
    st.markdown(
        "Får kvinnor och män med **samma hinder** samma slags insatser? Forskning som SKL:s förstudie om ekonomiskt "
        "bistånd (2016) sammanfattar har funnit att män oftare får arbetsinriktade insatser medan kvinnors "
        "familjesituation hamnar i fokus. Här jämförs "
        "kvinnor och män inom varje grupp, så att en skillnad inte bara beror på vilka som finns i processen."
    )
    stratum = st.segmented_control(
        "Jämför inom",
        list(matt.STRATA),
        format_func=lambda s: matt.STRATA[s],
        key="jamstalldhet_stratum",
        default="arbetshinder",
        required=True,
    )
    stratum = stratum if stratum in matt.STRATA else "arbetshinder"
    if stratum == "aldersgrupp":
        strata, mh, vagrad = las_aldersstrata(omfang, res.omgang.omgang_id, res.urval)
    else:
        strata, mh, vagrad = res.strata, res.mantel_haenszel.get(stratum), res.strata_vagrad.get(stratum)
    if vagrad:
        st.warning(vagrad)
        return
    s = strata[strata["stratum"] == stratum]
    a = s[s["insats"] == matt.ARBETSNARA]
    a = a[(a["bas_K"].fillna(1) > 0) | (a["bas_M"].fillna(1) > 0)]  # a code nobody has
    grupp = {"arbetshinder": "hindergrupp", "halsa": "grupp med samma hälsa", "aldersgrupp": "åldersgrupp"}[stratum]
    diagram(
        charts.jamstalldhet_strata(
            a,
            f"Hur stor andel av kvinnorna och männen i varje {grupp} har en arbetsnära insats?",
            undertitel="Arbetsnära: arbetsträning, praktik, stöd till anställning, kommunal anställning (SKR 1, 5–8), "
            "pågående på mätdagen.",
        )
    )
    visning = pd.DataFrame(
        {
            "Grupp": a["stratumetikett"],
            "Kvinnor": [_andel_text(n, b) for n, b in zip(a["n_K"], a["bas_K"], strict=True)],
            "Män": [_andel_text(n, b) for n, b in zip(a["n_M"], a["bas_M"], strict=True)],
            "Skillnad (95 % KI)": [
                _skillnad_ki_text(x, lo, hi)
                for x, lo, hi in zip(a["skillnad_pp"], a["ki_lag_pp"], a["ki_hog_pp"], strict=True)
            ],
            "Mer än slumpen?": [KORT_SLUTSATS.get(x, x) for x in a["slutsats"]],
        }
    )
    _jamforelsetabell(visning)
    if stratum == "arbetshinder":
        st.caption(
            "En person kan ha flera hinder och räknas då i varje grupp; därför prövas grupperna var för sig och "
            "vägs samman bara över hälsa och åldersgrupper, som inte överlappar."
        )
    if mh:
        st.markdown(f"**Sammanvägt över grupperna (Mantel–Haenszel):** {mh['mening']}")
        if mh["utelamnade"]:
            st.caption(f"{text.tal(mh['utelamnade'])} grupper med dolda uppgifter ingår inte i sammanvägningen.")
    elif stratum in matt.MH_STRATA:
        st.caption("Grupperna har för få visade uppgifter för att vägas samman.")
    if not res.skyddad:
        koder_ = dict(zip(a["stratumkod"], a["stratumetikett"], strict=True))
        if koder_:
            vald = st.selectbox(
                "Alla insatstyper i gruppen", list(koder_), format_func=koder_.get, key=f"jamstalldhet_grupp_{stratum}"
            )
            tabell(stratatabell(s[s["stratumkod"] == vald]), bred=True)
    else:
        st.caption(
            "Varje insatstyp för sig inom grupperna visas inte med röjandeskydd: grupperna blir så små att nästan "
            "allt skulle döljas. Fördelningen på insatstyper för alla kvinnor och män finns under Alla indikatorer."
        )
    _nedladdning(omfang, res, "insatser", stratafil)


def _nedladdning(omfang: Omfang, res: matt.Jamstalldhet, namn: str, bygg) -> None:
    omgang_id, urval = res.omgang.omgang_id, res.urval
    nedladdning_med_skydd(
        omfang,
        f"jamstalldhet-{namn}-{omgang_id}.csv",
        nyckel=f"jamstalldhet_fil_{namn}",
        skyddad=lambda: bygg(las_jamstalldhet(omfang, omgang_id, urval, export=True)),
        oskyddad=lambda eng: bygg(matt.jamstalldhet(eng, omfang.med_skydd(False), omgang_id, urval, export=True)),
    )
