"""The blocks of the Trender page (issue 15): indicators across rounds, the same persons in two
rounds, long-term receipt and cost, and one unit against the whole process."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import charts, config, koder, text
from core.matt import trender as trender_matt
from core.omfang import Omfang
from core.population import SAKNAS
from core.population_trender import TILLSTAND, TILLSTAND_NAMN, UTAN_AVSLUT
from core.ui.grafik import diagram
from core.ui.motor import TTL_DATA, _engine, dataversion, enheter_i_ordning, enhetsnamn, kort_enhetsnamn
from core.ui.tabeller import nedladdning_med_skydd, skyddsnot, tabell

TRENDER_VYER = ("Indikatorer över tid", "Samma personer", "Långvarighet och kostnad", "Återkoppling till enheten")
GRUPPNAMN = {"alla": "Alla", "kvinnor": "Kvinnor", "män": "Män"}


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=50)
def _serie(url: str, omfang: Omfang, export: bool, version: str) -> pd.DataFrame:
    return trender_matt.serie(_engine(url), omfang, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=50)
def _rorelser(url: str, omfang: Omfang, export: bool, version: str) -> pd.DataFrame:
    return trender_matt.rorelser(_engine(url), omfang, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=100)
def _overgangar(url: str, omfang: Omfang, fran: str, till: str, export: bool, version: str):
    return trender_matt.overgangar(_engine(url), omfang, fran, till, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=100)
def _langvarighet(url: str, omfang: Omfang, fran: str, till: str, export: bool, version: str):
    return trender_matt.langvarighet(_engine(url), omfang, fran, till, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=20)
def _ater(url: str, omfang: Omfang, export: bool, version: str) -> pd.DataFrame:
    return trender_matt.ateraktualisering(_engine(url), omfang, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=100)
def _enhet(url: str, omfang: Omfang, enhet: str, export: bool, version: str) -> pd.DataFrame:
    return trender_matt.enhet_mot_processen(_engine(url), omfang, enhet, export=export)


@st.cache_data(ttl=TTL_DATA, show_spinner=False, max_entries=20)
def _manader(url: str, version: str):
    return trender_matt.betalningsmanader(_engine(url))


def las_trendserie(omfang: Omfang, *, export: bool = False) -> pd.DataFrame:
    """Every Översikt figure per round (see :func:`core.matt.trender.serie`), cached."""
    return _serie(config.databas_url(), omfang, export, dataversion())


def rubrik(omfang: Omfang) -> None:
    """The headline in one sentence at the top of the page."""
    st.subheader(trender_matt.rubrik(las_trendserie(omfang)))


def _linje(chart) -> None:
    """A trend line at its own height (Streamlit would otherwise squeeze it to the width's
    aspect)."""
    st.altair_chart(chart, width="stretch", height=340)


def _tal(v, typ: str = "antal") -> str:
    if v is None or pd.isna(v):
        return text.dolt()
    return text.procent(v) if typ == "andel" else text.tal(v, 0 if typ == "antal" else 1)


# --- indicators -------------------------------------------------------------------------------------


def indikatorer_block(omfang: Omfang) -> None:
    """Each indicator across rounds for all, kvinnor and män, with each round's N and who
    joined and left."""
    s = las_trendserie(omfang)
    if s.empty:
        st.info("Det finns inga mätomgångar ännu.")
        return
    val = {e: (m, t) for m, e, t in trender_matt.INDIKATORER}
    etikett = st.selectbox("Indikator", list(val), index=list(val).index("Har handlingsplan"), key="trender_indikator")
    matt, typ = val[etikett]
    d = s[s["matt"] == matt]
    _linje(charts.trendlinje(d, f"Hur har ”{etikett.lower()}” utvecklats mellan mätningarna?", typ))
    ror = _rorelser(config.databas_url(), omfang, False, dataversion()).set_index("omgang_id")
    n = s[(s["matt"] == "personer")].pivot(index="omgang_id", columns="grupp", values="varde")
    bred = d.pivot(index="omgang_id", columns="grupp", values="varde")
    rader = []
    for o in bred.index:
        rad = {"Mätomgång": o}
        rad |= {GRUPPNAMN[g]: _tal(bred.loc[o, g], typ) for g in ("alla", "kvinnor", "män")}
        rad["Personer (N)"] = _tal(n.loc[o, "alla"])
        rad["Tillkomna sedan förra"] = _tal(ror.loc[o, "tillkommit"]) if o in ror.index else "–"
        rad["Lämnat sedan förra"] = _tal(ror.loc[o, "lamnat"]) if o in ror.index else "–"
        rader.append(rad)
    tabell(pd.DataFrame(rader), bred=True)
    st.caption(
        "Personerna i mätningarna byts delvis ut mellan omgångarna: kolumnerna Tillkomna och Lämnat visar hur "
        "många som kommit till och lämnat sedan förra mätningen. Fliken Samma personer följer dem som finns i båda."
    )
    nedladdning_med_skydd(
        omfang,
        "trender-indikatorer.csv",
        nyckel="trender_indikatorer_csv",
        skyddad=lambda: indikatorfil(trender_matt.serie(_engine(config.databas_url()), omfang, export=True)),
        oskyddad=lambda eng: indikatorfil(trender_matt.serie(eng, omfang.med_skydd(False), export=True)),
    )
    skyddsnot(omfang.skyddad_skarm)


def indikatorfil(s: pd.DataFrame) -> pd.DataFrame:
    """The indicators per round as a download (Swedish headers; hidden values empty, marked)."""
    return pd.DataFrame(
        {
            "Mätomgång": s["omgang_id"],
            "Indikator": s["etikett"],
            "Grupp": s["grupp"].map(GRUPPNAMN),
            "Värde": s["varde"],
            "Dolt": ["ja" if x else "nej" for x in s["skyddad"]],
        }
    )


# --- the same persons ------------------------------------------------------------------------------


def _kodnamn(s: str, k: str) -> str:
    return "Uppgift saknas" if k == SAKNAS else TILLSTAND[s][k]


def overgangar_block(omfang: Omfang, omgangar: list[str], vald: str | None = None) -> None:
    """Transitions of the persons in two chosen rounds, by sex; leavers and joiners. The round
    chosen in the sidebar (``vald``) is the later round by default, the one before it the earlier."""
    if len(omgangar) < 2:
        st.info("Det behövs minst två mätomgångar för att följa samma personer.")
        return
    senast = omgangar.index(vald) if vald in omgangar and omgangar.index(vald) > 0 else len(omgangar) - 1
    v1, v2 = st.columns(2)
    fran = v1.selectbox("Från mätomgång", omgangar[:-1], index=senast - 1, key="trender_fran")
    senare = [o for o in omgangar if o > fran]
    standard = senare.index(omgangar[senast]) if omgangar[senast] in senare else len(senare) - 1
    till = v2.selectbox("Till mätomgång", senare, index=standard, key="trender_till")
    o = _overgangar(config.databas_url(), omfang, fran, till, False, dataversion())
    st_ = o.storlek.set_index("grupp")
    k1, k2, k3 = st.columns(3)
    k1.metric(f"Finns i både {fran} och {till}", _tal(st_.loc["alla", "kvar"]))
    k2.metric("Har lämnat", _tal(st_.loc["alla", "lamnat"]))
    k3.metric("Har tillkommit", _tal(st_.loc["alla", "tillkommit"]))
    namn = {TILLSTAND_NAMN[s]: s for s in TILLSTAND}
    s = namn[st.selectbox("Vad ska följas?", list(namn), key="trender_tillstand")]
    d = o.tabeller[o.tabeller["tillstand"] == s].copy()
    d["overgang"] = [f"{_kodnamn(s, a)} → {_kodnamn(s, b)}" for a, b in zip(d["fore"], d["efter"], strict=True)]
    visa = d[(d["grupp"] == "alla") & ~((d["n"] == 0) & ((d["fore"] == SAKNAS) | (d["efter"] == SAKNAS)))]
    st.markdown(overgangsmening(o, s))
    diagram(charts.overgangsstaplar(visa, f"Hur har de som finns i båda mätningarna gått mellan {fran} och {till}?"))
    bred = d.pivot_table(index="overgang", columns="grupp", values="n", aggfunc="first", dropna=False, sort=False)
    # rows of blanks that are zero for everyone say nothing
    noll = {ov for ov, x in d.groupby("overgang", sort=False)["n"] if (x == 0).all()}
    rader = [
        {
            "Övergång": ov,
            **{GRUPPNAMN[g]: _tal(bred.loc[ov, g]) if g in bred.columns else text.dolt() for g in GRUPPNAMN},
        }
        for ov in dict.fromkeys(d["overgang"])
        if not (ov in noll and "Uppgift saknas" in ov)
    ]
    tabell(pd.DataFrame(rader), bred=True)
    if s in o.ej_per_kon:
        st.caption("Uppdelningen på kvinnor och män kan inte visas för den här tabellen utan att röja små tal.")
    st.markdown("**De som lämnat, efter orsak till avslut** · **de som tillkommit**")
    c1, c2 = st.columns(2)
    orsaker = {**koder.AVSLUT_ORSAK, UTAN_AVSLUT: "Inget avslut registrerat"}
    lam = o.lamnat.pivot(index="orsak", columns="grupp", values="n").reindex(list(orsaker))
    with c1:
        tabell(
            pd.DataFrame(
                [{"Orsak": orsaker[k], **{GRUPPNAMN[g]: _tal(lam.loc[k, g]) for g in GRUPPNAMN}} for k in orsaker]
            ),
            bred=True,
        )
    slag = {"ny": "Ny i mätningarna", "atervand": "Fanns i en tidigare mätning"}
    til = o.tillkommit.pivot(index="slag", columns="grupp", values="n")
    with c2:
        tabell(
            pd.DataFrame(
                [{"Tillkommit": slag[k], **{GRUPPNAMN[g]: _tal(til.loc[k, g]) for g in GRUPPNAMN}} for k in slag]
            ),
            bred=True,
        )
    st.caption("Här visas bara antal. Ingen person listas, och små övergångar visas som ”dolt”.")
    nedladdning_med_skydd(
        omfang,
        f"trender-overgangar-{fran}-{till}.csv",
        nyckel="trender_overgangar_csv",
        skyddad=lambda: overgangsfil(
            trender_matt.overgangar(_engine(config.databas_url()), omfang, fran, till, export=True)
        ),
        oskyddad=lambda eng: overgangsfil(
            trender_matt.overgangar(eng, omfang.med_skydd(False), fran, till, export=True)
        ),
    )
    skyddsnot(omfang.skyddad_skarm)


def overgangsmening(o, s: str) -> str:
    """One sentence on the main change of state ``s`` among the stayers, from shown values."""
    fore, efter = list(TILLSTAND[s])[:2]
    d = o.tabeller[(o.tabeller["tillstand"] == s) & (o.tabeller["grupp"] == "alla")].set_index(["fore", "efter"])["n"]
    kvar = o.storlek.set_index("grupp").loc["alla", "kvar"]
    upp, ner = d.get((fore, efter)), d.get((efter, fore))
    if kvar is None or pd.isna(kvar) or upp is None or pd.isna(upp):
        return f"Hur många som gått från ”{TILLSTAND[s][fore].lower()}” till ”{TILLSTAND[s][efter].lower()}” kan inte visas (röjandeskydd)."
    mening = (
        f"Av de {text.tal(kvar)} som finns i båda mätningarna har {text.tal(upp)} gått från "
        f"”{TILLSTAND[s][fore].lower()}” till ”{TILLSTAND[s][efter].lower()}”"
    )
    if ner is not None and not pd.isna(ner):
        mening += " och ingen åt andra hållet" if ner == 0 else f" och {text.tal(ner)} åt andra hållet"
    return mening + "."


def overgangsfil(o) -> pd.DataFrame:
    """Every transition table of two rounds as a download."""
    d = o.tabeller
    return pd.DataFrame(
        {
            "Från mätomgång": o.fran,
            "Till mätomgång": o.till,
            "Följs": d["tillstand"].map(TILLSTAND_NAMN),
            "Grupp": d["grupp"].map(GRUPPNAMN),
            "Före": [_kodnamn(s, k) for s, k in zip(d["tillstand"], d["fore"], strict=True)],
            "Efter": [_kodnamn(s, k) for s, k in zip(d["tillstand"], d["efter"], strict=True)],
            "Personer": d["n"],
        }
    )


# --- long-term receipt -----------------------------------------------------------------------------


def langvarighet_block(omfang: Omfang) -> None:
    """Long-term receipt and cost from the monthly payments, and re-entry after a closure."""
    manader = _manader(config.databas_url(), dataversion())
    if manader is None:
        st.info("Det finns inga månadsutbetalningar ännu. De importeras som tabellen utbetalning på sidan Data.")
        return
    forsta, sista = int(manader[0][:4]), int(manader[1][:4])
    ar = list(range(forsta, sista + 1))
    c1, c2 = st.columns(2)
    a = c1.selectbox("Fönstrets första år", ar, index=0, key="trender_fran_ar")
    b = c2.selectbox(
        "Fönstrets sista år",
        [y for y in ar if y >= a],
        index=min(3, len([y for y in ar if y >= a]) - 1),
        key="trender_till_ar",
    )
    fran, till = f"{a}-01", f"{b}-12"
    lv = _langvarighet(config.databas_url(), omfang, fran, till, False, dataversion())
    st.markdown(langvarighetsmening(lv))
    m1, m2, m3 = st.columns(3)
    m1.metric(f"Hushåll med bistånd {a}–{b}", _tal(lv.hushall))
    m2.metric("…med bistånd varje månad", _tal(lv.hela_perioden))
    m3.metric("Deras andel av kostnaden", _tal(lv.andel_kostnad_hela_perioden, "andel"))
    per_ar = lv.per_ar.copy()
    per_ar["omgang_id"] = per_ar["ar"].astype(str)
    per_ar["grupp"] = "alla"
    per_ar["varde"] = per_ar["andel_langvariga"]
    _linje(
        charts.trendlinje(
            per_ar,
            "Hur stor andel av hushållen hade bistånd minst 10 av årets 12 månader?",
            grupper={"alla": ("Hushåll med bistånd under året", charts.ALLA_FARG)},
            x_titel="År",
        )
    )
    tabell(
        pd.DataFrame(
            {
                "År": per_ar["ar"].astype(str),
                "Hushåll med bistånd": [_tal(v) for v in per_ar["hushall"]],
                "Långvariga (minst 10 mån)": [_tal(v) for v in per_ar["langvariga"]],
                "Andel långvariga": [_tal(v, "andel") for v in per_ar["andel_langvariga"]],
            }
        ),
        bred=True,
    )
    st.caption(
        "Långvarigt biståndsmottagande enligt Socialstyrelsen: bistånd minst 10 av kalenderårets 12 månader. "
        "En månad räknas när beloppet är större än noll. Kostnaden är summan av fönstrets utbetalningar."
    )
    nedladdning_med_skydd(
        omfang,
        f"trender-langvarighet-{fran}-{till}.csv",
        nyckel="trender_langvarighet_csv",
        skyddad=lambda: langvarighetsfil(
            trender_matt.langvarighet(_engine(config.databas_url()), omfang, fran, till, export=True)
        ),
        oskyddad=lambda eng: langvarighetsfil(
            trender_matt.langvarighet(eng, omfang.med_skydd(False), fran, till, export=True)
        ),
    )
    st.markdown("**Återaktualisering: fick bistånd igen inom 12 månader efter ett avslut**")
    ater = _ater(config.databas_url(), omfang, False, dataversion())
    if ater.empty:
        st.caption("Inga avslut har hela 12 månader efter sig i utbetalningsdata.")
    else:
        # from the first measurement year on: the closures the process followed up
        forsta_matning = int(min(_omgangsar(omfang)))
        ater = ater[ater["ar"] >= forsta_matning]
        bred = ater.pivot(index="ar", columns="grupp", values="andel")
        n = ater.pivot(index="ar", columns="grupp", values="avslut")
        tabell(
            pd.DataFrame(
                [
                    {
                        "Avslutsår": str(y),
                        "Avslut": _tal(n.loc[y, "alla"]),
                        **{
                            f"Åter inom 12 mån, {GRUPPNAMN[g].lower()}": _tal(bred.loc[y, g], "andel")
                            for g in GRUPPNAMN
                        },
                    }
                    for y in bred.index
                ]
            ),
            bred=True,
        )
        st.caption(
            f"Avslut från och med {forsta_matning}, det år den första mätningen gjordes, vars 12 följande månader "
            "finns i utbetalningsdata. Återaktualisering: hushållet fick bistånd igen någon av de 12 månaderna."
        )
    skyddsnot(omfang.skyddad_skarm)


def _omgangsar(omfang: Omfang) -> list[str]:
    from core.ui.laddare import las_omgangar

    return [str(d.year) for d in las_omgangar(omfang)["datum"]]


def langvarighetsmening(lv) -> str:
    """The window's finding in one sentence, from shown values only."""
    if lv.hushall is None or lv.hela_perioden is None:
        return "Antalet hushåll kan inte visas (röjandeskydd)."
    hela_ar = lv.fran.endswith("-01") and lv.till.endswith("-12")
    period = f"hela {lv.fran[:4]}–{lv.till[:4]}" if hela_ar else f"{lv.fran}–{lv.till}"
    mening = (
        f"{text.tal(lv.hela_perioden)} av {text.tal(lv.hushall)} hushåll "
        f"({text.procent(lv.andel_hela_perioden)}) hade bistånd varje månad {period}"
    )
    if lv.andel_kostnad_hela_perioden is not None:
        mening += f" och stod för {text.procent(lv.andel_kostnad_hela_perioden)} av kostnaden"
    return mening + "."


def langvarighetsfil(lv) -> pd.DataFrame:
    """Long-term receipt of a window as a download: the window's figures, then one row per year."""
    rader = [
        {"Uppgift": f"Hushåll med bistånd {lv.fran}–{lv.till}", "Värde": lv.hushall},
        {"Uppgift": "Hushåll med bistånd varje månad", "Värde": lv.hela_perioden},
        {"Uppgift": "Andel hushåll med bistånd varje månad", "Värde": lv.andel_hela_perioden},
        {"Uppgift": "Kostnad totalt, kr", "Värde": lv.kostnad_total},
        {"Uppgift": "Kostnad för hushåll med bistånd varje månad, kr", "Värde": lv.kostnad_hela_perioden},
        {"Uppgift": "Deras andel av kostnaden", "Värde": lv.andel_kostnad_hela_perioden},
    ]
    for r in lv.per_ar.itertuples():
        rader += [
            {"Uppgift": f"{r.ar}: hushåll med bistånd", "Värde": r.hushall},
            {"Uppgift": f"{r.ar}: långvariga (minst 10 av 12 månader)", "Värde": r.langvariga},
            {"Uppgift": f"{r.ar}: andel långvariga", "Värde": r.andel_langvariga},
        ]
    return pd.DataFrame(rader)


# --- staff feedback --------------------------------------------------------------------------------


def enhet_block(omfang: Omfang) -> None:
    """One unit's shares against the whole process, round by round (medarbetare: their own unit)."""
    enheter = list(enheter_i_ordning())
    standard = omfang.enhet if omfang.enhet in enheter else (enheter[0] if enheter else None)
    if standard is None:
        st.info("Det finns inga enheter.")
        return
    enhet = st.selectbox(
        "Enhet",
        enheter,
        index=enheter.index(standard),
        format_func=lambda e: kort_enhetsnamn(enhetsnamn(e)),
        key="trender_enhet",
    )
    d = _enhet(config.databas_url(), omfang, enhet, False, dataversion())
    namn = {m: e for m, e, _vk in trender_matt.UNIT_MATT}
    matt = st.radio("Andel", list(namn), format_func=namn.get, horizontal=True, key="trender_enhet_matt")
    x = d[d["matt"] == matt].copy()
    x["varde"] = x["andel"]
    kort = kort_enhetsnamn(enhetsnamn(enhet))
    grupper = {"enheten": (kort, charts.ENHET_FARG), "hela processen": ("Hela processen", charts.ALLA_FARG)}
    _linje(charts.trendlinje(x, f"{namn[matt]}: hur går det för {kort} jämfört med hela processen?", grupper=grupper))
    bred = d[d["matt"] == matt].pivot(index="omgang_id", columns="grupp", values="andel")
    nn = d[d["matt"] == matt].pivot(index="omgang_id", columns="grupp", values="n")
    tabell(
        pd.DataFrame(
            [
                {
                    "Mätomgång": o,
                    f"{kort} (N)": _tal(nn.loc[o, "enheten"]),
                    kort: _tal(bred.loc[o, "enheten"], "andel"),
                    "Hela processen (N)": _tal(nn.loc[o, "hela processen"]),
                    "Hela processen": _tal(bred.loc[o, "hela processen"], "andel"),
                }
                for o in bred.index
            ]
        ),
        bred=True,
    )
    skyddsnot(omfang.skyddad_skarm)
