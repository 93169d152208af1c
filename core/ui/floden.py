"""The blocks of the Insatsflöden page: the flow diagram, referrals, insatstyper, handovers,
waiting times and how episodes end; the waiting list for those who may see persons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core import audit, charts, config, koder, text
from core.matt import floden as floden_matt
from core.matt.floden import FlodesUrval, Period
from core.omfang import Omfang
from core.ui.grafik import diagram
from core.ui.inloggning import anvandarnamn
from core.ui.motor import TTL_DATA, _engine, dataversion, enheter_i_ordning
from core.ui.tabeller import _antal_eller_farre, _filnamn, nedladdning_med_skydd, tabell
from core.ui.widgetar import flerval

FLODEN_VYER = ("Flödet", "Remisser", "Insatstyper", "Överlämningar", "Väntetid", "Avslut")
FLODEN_NYCKLAR = {
    "kon": "floden_kon",
    "aldersgrupp": "floden_aldersgrupp",
    "insatstyp": "floden_insatstyp",
    "egen": "floden_egen_period",
    "fran": "floden_fran",
    "till": "floden_till",
}
KORT_TYP = floden_matt.KORT_TYP


# --- loading -------------------------------------------------------------------------------------


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar flöden …", max_entries=200)
def _floden(url: str, omfang: Omfang, period: Period, urval: FlodesUrval, export: bool, version: str):
    return floden_matt.floden(_engine(url), omfang, period, urval, export=export)


def las_floden(omfang: Omfang, period: Period, urval: FlodesUrval, *, export: bool = False):
    """The page's figures for the scope, cached per data version (see :func:`core.matt.floden.floden`)."""
    return _floden(config.databas_url(), omfang, period, urval, export, dataversion())


@st.cache_data(ttl=TTL_DATA, show_spinner=False, max_entries=100)
def _period(url: str, omgang_id: str, version: str) -> Period:
    return floden_matt.period_for_omgang(_engine(url), omgang_id)


def enhetsetiketter() -> dict[str, str]:
    """Unit code -> a short Swedish name (``Arbete och integration``) for nodes and heads."""
    return {kod: floden_matt.kortnamn(namn) for kod, namn in enheter_i_ordning().items()}


def etiketter() -> dict[str, str]:
    """Every code the page names: units, path ends, utfall, insatstyper (``11 Validering``)."""
    ut = {k: v for k, v in floden_matt.SLUTNODER.items()}
    ut[floden_matt.FLER] = "Fler steg"
    ut |= {k: v for k, v in floden_matt.UTFALL.items()}
    ut[koder.SAKNAS] = koder.SAKNAS_ETIKETT
    ut |= {str(k): f"{k} {v}" for k, v in KORT_TYP.items()}
    ut |= enhetsetiketter()
    return ut


# --- the choices: period and filter ---------------------------------------------------------------


def periodval(omfang: Omfang, omgang_id: str) -> Period:
    """The period: the twelve months up to the round chosen in the sidebar; processledning and
    admin may choose their own dates (a suppressed scope may not: two overlapping periods
    would give away the episodes of the days between them)."""
    standard = _period(config.databas_url(), omgang_id, dataversion())
    if omfang.skyddad_skarm:
        return standard
    egen = st.toggle("Välj egen period", key=FLODEN_NYCKLAR["egen"])
    if not egen:
        return standard
    a, b = st.columns(2)
    fran = a.date_input("Från och med", value=standard.fran, key=FLODEN_NYCKLAR["fran"], format="YYYY-MM-DD")
    till = b.date_input("Till och med", value=standard.till, key=FLODEN_NYCKLAR["till"], format="YYYY-MM-DD")
    if not isinstance(fran, dt.date) or not isinstance(till, dt.date) or fran > till:
        st.warning("Periodens första dag måste ligga före dess sista; visar de tolv månaderna före mätomgången.")
        return standard
    return Period(fran, till)


def urvalsval() -> FlodesUrval:
    """Sex, age band and insatstyp (the page's own filter; empty means all)."""
    a, b, c = st.columns(3)
    kon = flerval("Kön", {"K": "Kvinnor", "M": "Män"}, key=FLODEN_NYCKLAR["kon"], behallare=a)
    alder = flerval("Åldersgrupp", dict(koder.ALDERSGRUPP), key=FLODEN_NYCKLAR["aldersgrupp"], behallare=b)
    typ = flerval(
        "Insatstyp",
        {str(k): f"{k} {KORT_TYP[int(k)]}" for k in koder.INSATSTYP},
        key=FLODEN_NYCKLAR["insatstyp"],
        behallare=c,
        help="Gäller remisser, insatstyper, väntetid och avslut. Flödet och överlämningarna visar "
        "hela vägar och räknar alltid alla insatstyper.",
    )
    return FlodesUrval(tuple(kon), tuple(alder), tuple(sorted(typ, key=int)))


def urvalstext(urval: FlodesUrval) -> str:
    delar = []
    if urval.kon:
        delar.append(" och ".join({"K": "kvinnor", "M": "män"}[k] for k in urval.kon))
    if urval.aldersgrupp:
        delar.append(", ".join(koder.ALDERSGRUPP[k] for k in urval.aldersgrupp))
    if urval.insatstyp:
        delar.append("insatstyp " + ", ".join(urval.insatstyp))
    return "; ".join(delar) if delar else "alla"


# --- the summary ----------------------------------------------------------------------------------


def sammanfattning(f) -> None:
    """Episodes, persons, handovers and waiting as metrics, with the period in words."""
    st.caption(
        f"Insatser med remiss {text.datum(f.period.fran)}–{text.datum(f.period.till)}; läget den "
        f"{text.datum(f.period.till)}. Urval: {urvalstext(f.urval)}."
    )
    for vagrad in dict.fromkeys(x for x in (f.vagrad_episoder, f.vagrad_personer) if x):
        st.warning(f"{vagrad} Av röjandeskäl visas inte allt; ändra urvalet.")
    for meddelande in f.meddelanden:
        st.warning(meddelande)
    k = st.columns(4)
    k[0].metric("Insatser (remisser)", text.tal(f.n_episoder, skyddad=f.n_episoder is None), border=True)
    k[1].metric("Personer", text.tal(f.n_personer, skyddad=f.n_personer is None), border=True)
    k[2].metric(
        "Bytt enhet (personer)",
        text.tal(f.personer_med_overlamning, skyddad=f.personer_med_overlamning is None),
        border=True,
        help="Byte av utförande enhet mellan två insatser i följd för samma person.",
    )
    v = f.vantetid_alla
    k[3].metric(
        "Väntetid, median",
        "dolt"
        if v["median"] is None and v["n"]
        else (f"{text.tal(v['median'])} dagar" if v["median"] is not None else "–"),
        border=True,
        help="Dagar från remiss till start, över de insatser som hade börjat.",
    )


# --- the flow diagram -----------------------------------------------------------------------------


def _ordning(f) -> list[str]:
    return [*f.enheter, *floden_matt.SLUTNODER, floden_matt.FLER]


def flodet_block(omfang: Omfang, f, period: Period, urval: FlodesUrval) -> None:
    """The flow diagram, the loops in words, its links as a table and a download."""
    et = etiketter()
    if f.noder["n"].fillna(0).sum() == 0 and not f.noder["skyddad"].any():
        st.info("Inga insatser under perioden.")
        return
    diagram(
        charts.flodesdiagram(
            f.noder,
            f.steglankar,
            et,
            _ordning(f),
            list(floden_matt.STEG),
            {"steg1": "1:a insatsen", "steg2": "2:a insatsen", "steg3": "3:e insatsen", "steg4": "Sedan"},
            titel="Hur går personerna mellan enheterna?",
            undertitel=[
                "Varje band är personer som gick från en insats till nästa. En enhet som syns igen till höger "
                "är en återkomst.",
                "Sista steget: hur den sista insatsen slutade. Tunna grå band och små rutor är dolda (röjandeskydd).",
            ],
        )
    )
    aterkomster = aterkomst_text(f, et)
    if aterkomster:
        st.markdown(aterkomster)
    df = lanktabell(f.steglankar, et)
    with st.expander("Flödet som tabell"):
        tabell(df)
    nedladdning_med_skydd(
        omfang,
        _filnamn("insatsfloden", "steg", period.fran.isoformat(), period.till.isoformat()),
        nyckel="floden_steg_csv",
        skyddad=lambda: _fil_lankar(las_floden(omfang, period, urval, export=True).steglankar, et),
        oskyddad=lambda eng: _fil_lankar(
            floden_matt.floden(eng, omfang.med_skydd(False), period, urval, export=True).steglankar, et
        ),
    )


def aterkomst_text(f, et: dict[str, str]) -> str:
    """The returns the diagram shows, in words: a unit in step 1 reached again in step 3 through
    another unit in step 2, where both links are shown (no count is inferred)."""
    lk = f.steglankar
    visade = lk[~lk["skyddad"]]
    rader = []
    for r1 in visade[visade["steg"] == "steg1"].itertuples():
        if r1.fran == r1.till or r1.till not in f.enheter:
            continue
        for r2 in visade[(visade["steg"] == "steg2") & (visade["fran"] == r1.till)].itertuples():
            if r2.till == r1.fran:
                rader.append(
                    f"- **{et.get(r1.fran, r1.fran)} → {et.get(r1.till, r1.till)} → {et.get(r2.till, r2.till)}**: "
                    f"{text.tal(int(r1.n))} gick från {et.get(r1.fran, r1.fran).lower()} till "
                    f"{et.get(r1.till, r1.till).lower()}, och {text.tal(int(r2.n))} kom därifrån tillbaka "
                    f"(i steg 3) till {et.get(r2.till, r2.till).lower()}."
                )
    if not rader:
        return ""
    return "**Återkomster i flödet**\n\n" + "\n".join(rader)


def lanktabell(lankar: pd.DataFrame, et: dict[str, str]) -> pd.DataFrame:
    """The flow's links as Swedish text: Steg, Från, Till, Personer ("dolt" where hidden)."""
    steg = {"steg1": "1 → 2", "steg2": "2 → 3", "steg3": "3 → sedan"}
    return pd.DataFrame(
        {
            "Steg": [steg[s] for s in lankar["steg"]],
            "Från": [et.get(k, k) for k in lankar["fran"]],
            "Till": [et.get(k, k) for k in lankar["till"]],
            "Personer": [
                text.tal(None if s else int(n), skyddad=bool(s))
                for n, s in zip(lankar["n"], lankar["skyddad"], strict=True)
            ],
        }
    )


def _fil_lankar(lankar: pd.DataFrame, et: dict[str, str]) -> pd.DataFrame:
    df = lanktabell(lankar, et)
    df["Personer"] = [_antal_eller_farre(n, bool(s)) for n, s in zip(lankar["n"], lankar["skyddad"], strict=True)]
    return df


# --- matrices -------------------------------------------------------------------------------------


def _matris_tabell(celler: pd.DataFrame, rad: str, kolumn: str, et: dict[str, str], rubrik: str, fil: bool = False):
    rader = list(dict.fromkeys(celler[rad]))
    kolumner = list(dict.fromkeys(celler[kolumn]))
    ut = {rubrik: [et.get(str(r), str(r)) for r in rader]}
    idx = {
        (str(a), str(b)): (n, s)
        for a, b, n, s in zip(celler[rad], celler[kolumn], celler["n"], celler["skyddad"], strict=True)
    }
    for k in kolumner:
        varden = []
        for r in rader:
            n, s = idx[(str(r), str(k))]
            varden.append(_antal_eller_farre(n, bool(s)) if fil else text.tal(None if s else int(n), skyddad=bool(s)))
        ut[et.get(str(k), str(k))] = varden
    return pd.DataFrame(ut)


def remisser_block(omfang: Omfang, f, period: Period, urval: FlodesUrval) -> None:
    """Referring unit × delivering unit (episodes): a heatmap, the diagonal self-referrals."""
    et = etiketter()
    celler = f.lankar[
        f.lankar["fran_enhet"].isin(_aktiva(f.lankar, "fran_enhet"))
        & f.lankar["till_enhet"].isin(_aktiva(f.lankar, "till_enhet"))
    ]
    if celler.empty:
        st.info("Inga remisser under perioden.")
        return
    diagram(
        charts.matris_karta(
            celler,
            "fran_enhet",
            "till_enhet",
            et,
            titel="Vem remitterar till vem?",
            rad_titel="Remitterande enhet",
            kolumn_titel="Utförande enhet",
            undertitel="Antal insatser (remisser) under perioden; en enhet mot sig själv är egna insatser.",
        )
    )
    nedladdning_med_skydd(
        omfang,
        _filnamn("insatsfloden", "remisser", period.fran.isoformat(), period.till.isoformat()),
        nyckel="floden_remisser_csv",
        skyddad=lambda: _matris_tabell(
            las_floden(omfang, period, urval, export=True).lankar,
            "fran_enhet",
            "till_enhet",
            et,
            "Remitterande enhet",
            True,
        ),
        oskyddad=lambda eng: _matris_tabell(
            floden_matt.floden(eng, omfang.med_skydd(False), period, urval, export=True).lankar,
            "fran_enhet",
            "till_enhet",
            et,
            "Remitterande enhet",
            True,
        ),
    )


def _aktiva(celler: pd.DataFrame, kol: str) -> list[str]:
    """The codes of ``kol`` with any shown count above zero or any hidden cell (a row of zeros
    only is left out of the heatmap; the table and the file keep it)."""
    har = celler[(celler["skyddad"]) | (celler["n"].fillna(0) > 0)]
    return list(dict.fromkeys(har[kol]))


def insatstyper_block(omfang: Omfang, f, period: Period, urval: FlodesUrval) -> None:
    """Unit × insatstyp, and the insatstyper nobody delivered, said in words."""
    et = etiketter()
    celler = f.matris_insatstyp[f.matris_insatstyp["enhet"].isin(_aktiva(f.matris_insatstyp, "enhet"))]
    if f.typer_utan_utforare:
        namn = ", ".join(f"{t} ({koder.INSATSTYP[int(t)]})" for t in f.typer_utan_utforare)
        st.markdown(
            f"**Ingen enhet gav under perioden {'insatstyp' if len(f.typer_utan_utforare) == 1 else 'insatstyperna'} "
            f"{namn}.** En tom kolumn är ett fynd: finns det någon som kan erbjuda "
            f"{'den insatsen' if len(f.typer_utan_utforare) == 1 else 'de insatserna'}?"
        )
    if celler.empty:
        st.info("Inga insatser under perioden.")
        return
    diagram(
        charts.matris_karta(
            celler,
            "enhet",
            "insatstyp",
            et,
            titel="Vilken enhet ger vilken insatstyp?",
            rad_titel="Utförande enhet",
            kolumn_titel="Insatstyp (SKR)",
            undertitel="Antal insatser under perioden per utförande enhet och SKR:s insatstyp.",
        )
    )
    nedladdning_med_skydd(
        omfang,
        _filnamn("insatsfloden", "insatstyper", period.fran.isoformat(), period.till.isoformat()),
        nyckel="floden_insatstyp_csv",
        skyddad=lambda: _matris_tabell(
            las_floden(omfang, period, urval, export=True).matris_insatstyp,
            "enhet",
            "insatstyp",
            et,
            "Utförande enhet",
            True,
        ),
        oskyddad=lambda eng: _matris_tabell(
            floden_matt.floden(eng, omfang.med_skydd(False), period, urval, export=True).matris_insatstyp,
            "enhet",
            "insatstyp",
            et,
            "Utförande enhet",
            True,
        ),
    )


# --- handovers ------------------------------------------------------------------------------------


def overlamningstabell(over: pd.DataFrame, fil: bool = False) -> pd.DataFrame:
    """Handovers per person: Överlämningar × Alla / Kvinnor / Män (count and share)."""
    grupper = {"alla": "Alla", "K": "Kvinnor", "M": "Män"}
    ut: dict[str, list] = {"Överlämningar per person": list(floden_matt.OVERLAMNINGAR.values())}
    for g, namn in grupper.items():
        d = over[over["grupp"] == g].set_index("kategori")
        ut[namn] = [
            _antal_eller_farre(d.loc[k, "n"], bool(d.loc[k, "skyddad"]))
            if fil
            else text.tal(None if d.loc[k, "skyddad"] else int(d.loc[k, "n"]), skyddad=bool(d.loc[k, "skyddad"]))
            for k in floden_matt.OVERLAMNINGAR
        ]
        ut[f"{namn}, andel"] = [
            (None if pd.isna(d.loc[k, "andel"]) else float(d.loc[k, "andel"]))
            if fil
            else charts.andeltext(d.loc[k, "andel"], bool(d.loc[k, "skyddad"]))
            for k in floden_matt.OVERLAMNINGAR
        ]
    return pd.DataFrame(ut)


def overlamningar_block(omfang: Omfang, f, period: Period, urval: FlodesUrval) -> None:
    """Handovers per person by sex, and by the unit of the first episode."""
    et = etiketter()
    over = f.overlamningar
    data = over[over["grupp"].isin(["K", "M"])].assign(
        kod=lambda d: d["kategori"],
        etikett=lambda d: d["kategori"].map(floden_matt.OVERLAMNINGAR),
        kon=lambda d: d["grupp"].map({"K": charts.KVINNOR, "M": charts.MAN}),
    )
    diagram(
        charts.konsstaplar(
            data.assign(varde=data["andel"]),
            ordning=list(floden_matt.OVERLAMNINGAR.values()),
            x_titel="Andel av personerna",
            andel=True,
            titel="Hur många byten av enhet gör kvinnor och män?",
            undertitel="Andel av personerna med insatser under perioden; dolda staplar ritas inte.",
        )
    )
    tabell(overlamningstabell(over))
    if f.overlamningar_totalt is not None:
        st.caption(f"Överlämningar totalt under perioden: {text.tal(f.overlamningar_totalt)}.")
    st.markdown("**Efter den första insatsens enhet**")
    tabell(
        _matris_tabell(
            f.overlamningar_per_enhet, "enhet", "kategori", et | floden_matt.OVERLAMNINGAR, "Första insatsens enhet"
        )
    )
    nedladdning_med_skydd(
        omfang,
        _filnamn("insatsfloden", "overlamningar", period.fran.isoformat(), period.till.isoformat()),
        nyckel="floden_overlamningar_csv",
        skyddad=lambda: overlamningstabell(las_floden(omfang, period, urval, export=True).overlamningar, True),
        oskyddad=lambda eng: overlamningstabell(
            floden_matt.floden(eng, omfang.med_skydd(False), period, urval, export=True).overlamningar, True
        ),
    )


# --- waiting --------------------------------------------------------------------------------------


def vantetidstabell(vt: pd.DataFrame, et: dict[str, str], niva: str) -> pd.DataFrame:
    d = vt[vt["niva"] == niva]
    d = d[d["startade"].isna() | (d["startade"] > 0)]

    def dagar(v):
        return "–" if v is None or pd.isna(v) else text.tal(float(v), 1 if float(v) % 1 else 0)

    return pd.DataFrame(
        {
            "Utförande enhet" if niva == "enhet" else "Insatstyp": [et.get(k, k) for k in d["kod"]],
            "Startade insatser": [text.tal(None if pd.isna(n) else int(n), skyddad=pd.isna(n)) for n in d["startade"]],
            "Median, dagar": [text.dolt() if s else dagar(m) for m, s in zip(d["median"], d["skyddad"], strict=True)],
            "Kvartiler, dagar": [
                text.dolt() if s else ("–" if pd.isna(a) else f"{dagar(a)}–{dagar(b)}")
                for a, b, s in zip(d["q1"], d["q3"], d["skyddad"], strict=True)
            ],
        }
    )


def vantetid_block(omfang: Omfang, f, period: Period, urval: FlodesUrval) -> None:
    """Waiting time per delivering unit and insatstyp; episodes still waiting; the list."""
    et = etiketter()
    vt = f.vantetid
    d = vt[(vt["niva"] == "enhet") & (vt["startade"].isna() | (vt["startade"] > 0))]
    rad = d.assign(
        etikett=[et.get(k, k) for k in d["kod"]],
        text=[
            text.dolt() if s else ("–" if pd.isna(m) else f"{text.tal(m)} dagar ({text.tal(a)}–{text.tal(b)})")
            for m, a, b, s in zip(d["median"], d["q1"], d["q3"], d["skyddad"], strict=True)
        ],
    )
    diagram(
        charts.vantetid_diagram(
            rad,
            titel="Hur länge väntar man på att insatsen börjar?",
            undertitel="Dagar från remiss till start per utförande enhet: median (streck) och mittersta hälften (stapel).",
        )
    )
    if f.skyddad:
        st.caption(
            "Median och kvartiler visas bara där antalet startade insatser visas och är minst fem; annars står ”dolt”."
        )
    a, b = st.columns(2)
    with a:
        tabell(vantetidstabell(vt, et, "enhet"))
    with b:
        tabell(vantetidstabell(vt, et, "insatstyp"))
    v = f.vantande
    n_txt = text.tal(v["n"], skyddad=v["n"] is None)
    med = "" if v["median_dagar"] is None else f", i median {text.tal(v['median_dagar'])} dagar hittills"
    st.markdown(f"**Väntar på start den {text.datum(period.till)}:** {n_txt} insatser{med}.")
    nedladdning_med_skydd(
        omfang,
        _filnamn("insatsfloden", "vantetid", period.fran.isoformat(), period.till.isoformat()),
        nyckel="floden_vantetid_csv",
        skyddad=lambda: vantetidstabell(las_floden(omfang, period, urval, export=True).vantetid, et, "enhet"),
        oskyddad=lambda eng: vantetidstabell(
            floden_matt.floden(eng, omfang.med_skydd(False), period, urval, export=True).vantetid, et, "enhet"
        ),
    )
    if omfang.ser_personer:
        vantelista(omfang, period, et)


def vantelista(omfang: Omfang, period: Period, et: dict[str, str]) -> None:
    """The waiting episodes, one row each (a person list: audited, never for politiker)."""
    omfattning = (
        "alla enheter" if omfang.ser_alla_personer else f"insatser som {et.get(omfang.enhet, omfang.enhet)} ska ge"
    )
    with st.expander(f"Lista över väntande ({omfattning})"):
        if not st.toggle("Visa listan", key="floden_vantelista"):
            st.caption("Listan visar personer; varje visning loggas.")
            return
        df = floden_matt.vantande_lista(_engine(config.databas_url()), omfang, period)
        audit.logga(
            _engine(config.databas_url()),
            anvandarnamn(),
            "personlista",
            detalj={"sida": "floden", "lista": "vantande", "rader": len(df)},
        )
        if df.empty:
            st.info("Ingen insats väntade på start vid periodens slut.")
            return
        visning = pd.DataFrame(
            {
                "Insats": df["insats_id"],
                "Person": df["person_id"],
                "Insatstyp": [et.get(str(t), str(t)) for t in df["insatstyp"]],
                "Remitterande": [et.get(k, k) for k in df["fran_enhet"]],
                "Utförande": [et.get(k, k) for k in df["till_enhet"]],
                "Remissdatum": [text.datum(d) for d in df["remissdatum"]],
                "Väntat, dagar": [text.tal(int(d)) for d in df["vantat_dagar"]],
            }
        )
        tabell(visning, bred=True)


# --- how episodes end ----------------------------------------------------------------------------


def avslutstabell(avslut: pd.DataFrame, niva: str, et: dict[str, str], fil: bool = False) -> pd.DataFrame:
    d = avslut[avslut["niva"] == niva]
    rubrik = {"enhet": "Utförande enhet", "insatstyp": "Insatstyp", "kon": "Kön", "alla": "Alla"}[niva]
    celler = d.rename(columns={"kod": "grupp"})
    if niva == "kon":
        et = et | {"K": "Kvinnor", "M": "Män"}
    et = et | {"alla": "Alla insatser"}
    t = _matris_tabell(celler, "grupp", "utfall", et, rubrik, fil)
    return t


def avslut_block(omfang: Omfang, f, period: Period, urval: FlodesUrval) -> None:
    """How the period's episodes stood on its last day: per sex, unit and insatstyp."""
    et = etiketter()
    a = f.avslut
    kon = a[(a["niva"] == "kon") & (a["utfall"] != koder.SAKNAS)]
    kon = kon.assign(
        etikett=kon["utfall"].map(floden_matt.UTFALL),
        kon=kon["kod"].map({"K": charts.KVINNOR, "M": charts.MAN}),
        varde=kon["n"].astype("Float64"),
    )
    diagram(
        charts.konsstaplar(
            kon,
            ordning=list(floden_matt.UTFALL.values()),
            x_titel="Antal insatser",
            andel=False,
            titel="Hur slutar insatserna för kvinnor och män?",
            undertitel="Periodens insatser och deras läge vid periodens slut; dolda staplar ritas inte.",
        )
    )
    st.markdown("**Kvinnor och män**")
    tabell(avslutstabell(a, "kon", et), bred=True)
    st.markdown("**Per utförande enhet**")
    tabell(avslutstabell(a, "enhet", et), bred=True)
    st.markdown("**Per insatstyp**")
    tabell(avslutstabell(a, "insatstyp", et), bred=True)
    nedladdning_med_skydd(
        omfang,
        _filnamn("insatsfloden", "avslut", period.fran.isoformat(), period.till.isoformat()),
        nyckel="floden_avslut_csv",
        skyddad=lambda: avslutstabell(las_floden(omfang, period, urval, export=True).avslut, "enhet", et, True),
        oskyddad=lambda eng: avslutstabell(
            floden_matt.floden(eng, omfang.med_skydd(False), period, urval, export=True).avslut, "enhet", et, True
        ),
    )


FLODEN_DEFINITIONER = """
- **Period**: insatser med remissdatum under perioden (båda dagarna medräknade); som standard de tolv
  månaderna fram till den valda mätomgången. Läget (väntar, pågår, avslutad) avser periodens sista dag.
- **Flödet**: varje persons insatser under perioden i ordning (remissdatum, sedan startdatum); steg 1–3
  är den utförande enheten för den 1:a–3:e insatsen, steget efter den sista visar hur den slutade.
  Personer med fyra insatser eller fler går till ”Fler steg”. En enhet som syns igen till höger är en
  återkomst. Banden räknar personer.
- **Remisser**: insatser från remitterande enhet (som gav uppdraget) till utförande enhet; räknar insatser.
- **Överlämning**: byte av utförande enhet mellan två insatser i följd för samma person.
- **Väntetid**: dagar från remiss till start, över de insatser som hade börjat; median och kvartiler
  visas bara när minst fem insatser ingår. **Väntande**: insatser som inte hade börjat vid periodens slut.
- **Röjandeskydd**: för politiker och medarbetare visas varken band, rutor eller celler med 1–4 och
  inget som de kan räknas fram ur; dolda band ritas tunna och lika breda.
"""
