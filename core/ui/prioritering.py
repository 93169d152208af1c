"""The blocks of the Prioritering page: the matrix, the persons of a cell, the follow-up lists.

Person lists are built only for scopes that may see persons (never politiker; a medarbetare
only their own unit — :mod:`core.matt.prioritering` refuses anything else), are never cached,
and every view and download is written to the audit log (``personlista``): a view once per
session and list (a rerun of the same list is not a new view), a download every time.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import charts, config, db, koder, nedladdning, text
from core.matt import forflyttning as forflyttning_matt
from core.matt import prioritering as prio
from core.omfang import Omfang
from core.ui.grafik import diagram
from core.ui.inloggning import anvandarnamn
from core.ui.motor import TTL_DATA, _engine, dataversion, enheter_i_ordning, kort_enhetsnamn
from core.ui.tabeller import SKYDD_AV, SKYDD_PA, _antal_eller_farre, _filnamn, nedladdning_med_skydd, skyddsnot

PRIORITERING_VYER = ("Matris", "Personer i en cell", "Uppföljningslistor", "Förflyttning")
HELA_PROCESSEN = "Hela processen"
ENHET_NYCKEL = "prioritering_enhet"
GRANSVAL_NYCKEL = "prioritering_gransval"
CELL_POTENTIAL_NYCKEL = "prioritering_cell_potential"
CELL_NIVA_NYCKEL = "prioritering_cell_niva"
LISTA_NYCKEL = "prioritering_lista"
_LOGGAD = "prioritering_loggade_listor"  # plain strings: which list views this session has logged

PRIORITERAD_FARG = "#fde7c8"


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=300)
def _matris(url: str, omfang: Omfang, omgang_id: str, enhet, granser, export: bool, version: str):
    return prio.matris(_engine(url), omfang, omgang_id, enhet, granser, export=export)


def las_matris(omfang: Omfang, omgang_id: str, enhet: str | None, granser=None, *, export: bool = False):
    """The matrix for the scope, cached per data version (:func:`core.matt.prioritering.matris`)."""
    return _matris(config.databas_url(), omfang, omgang_id, enhet, granser, export, dataversion())


def prioritering_enhetsval(omfang: Omfang) -> str | None:
    """Whose persons: a medarbetare chooses their unit or the whole process; processledning
    and admin any unit or the whole process. Returns the unit code or None."""
    alla = enheter_i_ordning()
    if omfang.roll == "medarbetare":
        val = [omfang.enhet, None]
    else:
        val = [None, *alla]
    valt = st.segmented_control(
        "Vems personer",
        val,
        format_func=lambda k: (
            HELA_PROCESSEN
            if k is None
            else (
                f"Min enhet: {kort_enhetsnamn(alla.get(k, k))}"
                if omfang.roll == "medarbetare"
                else kort_enhetsnamn(alla[k])
            )
        ),
        default=val[0],
        key=ENHET_NYCKEL,
        required=True,
    )
    return valt if valt in val else val[0]


def prioritering_gransval(omfang: Omfang) -> tuple[int, int] | None:
    """Fixed limits (processledning/admin only; protected output always uses the tertiles)."""
    if omfang.skyddad_skarm:
        return None
    egna = st.toggle("Egna beloppsgränser", key=GRANSVAL_NYCKEL, help="Annars delas beloppen i tre lika stora delar.")
    if not egna:
        return None
    v, h = st.columns(2)
    lag = v.number_input("Nedre gräns (kr)", min_value=0, value=6000, step=500, key="prioritering_grans_lag")
    hog = h.number_input("Övre gräns (kr)", min_value=0, value=10000, step=500, key="prioritering_grans_hog")
    if lag > hog:
        st.warning("Den nedre gränsen är större än den övre; de byter plats.")
        lag, hog = hog, lag
    return int(lag), int(hog)


def _celltext(n, skyddad: bool) -> str:
    return text.tal(None if n is None or pd.isna(n) else int(n), skyddad=skyddad)


def matristabell(m: prio.Matris, *, kon: str | None = None) -> pd.DataFrame:
    """The matrix for reading: one row per potential, one column per level and ``Summa``.
    ``kon`` ``kvinnor`` or ``man``: that sex's counts (no margins)."""
    kol, sk = ("n", "skyddad") if kon is None else (kon, f"{kon}_skyddad")
    ut = {"Förändringspotential": [prio.POTENTIAL_ETIKETT[p] for p in prio.POTENTIALER]}
    for v in prio.NIVAER:
        d = m.celler[m.celler["niva"] == v].set_index("potential")
        ut[prio.NIVA_ETIKETT[v]] = [_celltext(d.loc[p, kol], bool(d.loc[p, sk])) for p in prio.POTENTIALER]
    if kon is None:
        r = m.rader.set_index("potential")
        ut["Summa"] = [_celltext(r.loc[p, "n"], bool(r.loc[p, "skyddad"])) for p in prio.POTENTIALER]
    df = pd.DataFrame(ut)
    if kon is None:
        k = m.kolumner.set_index("niva")
        summa = {"Förändringspotential": "Summa"}
        summa |= {prio.NIVA_ETIKETT[v]: _celltext(k.loc[v, "n"], bool(k.loc[v, "skyddad"])) for v in prio.NIVAER}
        summa["Summa"] = _celltext(m.n, m.n is None)
        df = pd.concat([df, pd.DataFrame([summa])], ignore_index=True)
    return df


def _markera(df: pd.DataFrame):
    """The priority cell (high potential, high level) on a light background."""
    rad = prio.POTENTIALER.index(prio.PRIORITERAD[0])
    kolumn = prio.NIVA_ETIKETT[prio.PRIORITERAD[1]]

    def stil(_):
        ut = pd.DataFrame("", index=df.index, columns=df.columns)
        ut.loc[rad, kolumn] = f"background-color: {PRIORITERAD_FARG}; font-weight: 700"
        return ut

    return df.style.apply(stil, axis=None)


def _visa_matris(df: pd.DataFrame, *, markera: bool = True) -> None:
    config_ = {c: st.column_config.TextColumn(alignment="right") for c in df.columns[1:]}
    st.dataframe(
        _markera(df) if markera else df,
        hide_index=True,
        width="stretch",
        height=35 * (len(df) + 1) + 3,
        column_config=config_,
    )


def matris_fil(m: prio.Matris, enhetsnamn: str) -> pd.DataFrame:
    """The matrix as a download: one row per cell, all and by sex, the protection stated."""
    c = m.celler
    return pd.DataFrame(
        {
            "Mätomgång": m.omgang.omgang_id,
            "Personer": enhetsnamn,
            "Röjandeskydd": SKYDD_PA if m.skyddad else SKYDD_AV,
            "Beloppsgränser": m.granser.text(),
            "Förändringspotential": [prio.POTENTIAL_ETIKETT[p] for p in c["potential"]],
            "Nivå på biståndet": [prio.NIVA_ETIKETT[v] for v in c["niva"]],
            "Prioriterad cell": [
                "ja" if (p, v) == prio.PRIORITERAD else "" for p, v in zip(c["potential"], c["niva"], strict=True)
            ],
            "Antal": [_antal_eller_farre(n, bool(s)) for n, s in zip(c["n"], c["skyddad"], strict=True)],
            "Kvinnor": [
                _antal_eller_farre(n, bool(s)) for n, s in zip(c["kvinnor"], c["kvinnor_skyddad"], strict=True)
            ],
            "Män": [_antal_eller_farre(n, bool(s)) for n, s in zip(c["man"], c["man_skyddad"], strict=True)],
        }
    )


def _namn(enhet: str | None) -> str:
    return HELA_PROCESSEN if enhet is None else kort_enhetsnamn(enheter_i_ordning().get(enhet, enhet))


def prioritering_matris_block(omfang: Omfang, omgang_id: str, enhet: str | None, granser) -> prio.Matris:
    """The matrix (all, then women and men), the limits in words and the download."""
    m = las_matris(omfang, omgang_id, enhet, granser)
    namn = _namn(enhet)
    st.subheader(f"Vilka ska prioriteras? Förändringspotential och nivå på biståndet – {namn}")
    if m.vagrad:
        st.warning(f"{namn}: {m.vagrad}")
        return m
    st.caption(
        f"{text.antal_personer(m.n, skyddad=m.n is None)} i mätomgång {m.omgang.omgang_id}. "
        f"Nivå på biståndet (senaste månaden): {m.granser.text()} "
        "Den markerade cellen – hög potential och hög nivå – är de som ska prioriteras."
    )
    if m.kanda_enhet and enhet is None:
        st.caption(
            f"Hela processen = din enhet ({_namn(m.kanda_enhet)}) räknad exakt, plus resten av processen "
            "med röjandeskydd."
        )
    diagram(charts.prioriteringskarta(m.celler, prio.POTENTIAL_ETIKETT, prio.NIVA_ETIKETT, prio.PRIORITERAD))
    _visa_matris(matristabell(m))
    if listenhet(omfang, enhet)[0]:
        st.caption("Personerna i varje ruta finns under fliken ”Personer i en cell”.")
    st.markdown("**Kvinnor och män**")
    if m.kanda_enhet and enhet is None:
        st.caption(
            "Uppdelningen på kvinnor och män visas för din enhet (välj Min enhet ovan). För hela processen är den "
            "för gles: personer i resten av processen skulle kunna räknas fram."
        )
    else:
        k, mn = st.columns(2)
        with k:
            st.caption("Kvinnor")
            _visa_matris(matristabell(m, kon="kvinnor"))
        with mn:
            st.caption("Män")
            _visa_matris(matristabell(m, kon="man"))
    skyddsnot(m.skyddad)
    nedladdning_med_skydd(
        omfang,
        _filnamn("prioritering", enhet or "alla", omgang_id),
        nyckel="prioritering_matris_csv",
        skyddad=lambda: matris_fil(las_matris(omfang, omgang_id, enhet, None, export=True), namn),
        oskyddad=lambda eng: matris_fil(
            prio.matris(eng, omfang.med_skydd(False), omgang_id, enhet, granser, export=True), namn
        ),
    )
    return m


# --- person lists ---------------------------------------------------------------------------------


def listenhet(omfang: Omfang, enhet: str | None) -> tuple[bool, str | None]:
    """Whether the scope gets a person list for the chosen persons, and of which unit."""
    if not omfang.ser_personer:
        return False, None
    if omfang.roll == "medarbetare":
        return enhet == omfang.enhet, omfang.enhet
    return True, enhet


def personer_for_visning(df: pd.DataFrame) -> pd.DataFrame:
    """A person list with Swedish headers and labels (the table and the file)."""
    alla = enheter_i_ordning()
    plan = {"ja": "Ja", "nej": "Nej"}
    return pd.DataFrame(
        {
            "Person": df["person_id"].astype(str),
            "Handläggare": df["handlaggare"].fillna(koder.SAKNAS_ETIKETT).astype(str),
            "Ansvarig enhet": [kort_enhetsnamn(alla.get(e, e)) for e in df["enhet"]],
            "Månader med bistånd": df["inskrivningstid_man"],
            "Handlingsplan": [plan.get(p, koder.SAKNAS_ETIKETT) for p in df["handlingsplan"]],
            "Pågående insats": [
                ", ".join("Ingen" if k == "ingen" else kort_enhetsnamn(alla.get(k, k)) for k in ks)
                or koder.SAKNAS_ETIKETT
                for ks in df["pagaende_insats"]
            ],
        }
    )


def _ska_loggas(nyckel: str) -> bool:
    """True the first time this session shows this list (a rerun is not a new view)."""
    sedda = st.session_state.setdefault(_LOGGAD, [])
    if nyckel in sedda:
        return False
    sedda.append(nyckel)
    return True


ENHETSTILLHORIGHET = (
    "En person hör till enheten när enheten är ansvarig i mätningen, eller när personen har en insats "
    "som enheten remitterat eller utför och som pågår eller avslutats de senaste 12 månaderna."
)
ALLA_HANDLAGGARE = "Alla handläggare"


def _visa_lista(df: pd.DataFrame, filnamn: str, nedladdning_bygg, nyckel: str) -> None:
    """The list (every row shown up to a long list, sortable by its headers), a filter by case
    worker, and the download of the whole list."""
    visning = personer_for_visning(df)
    koder_ = sorted(set(visning["Handläggare"]))
    if len(koder_) > 1:
        valt = st.selectbox("Handläggare", [ALLA_HANDLAGGARE, *koder_], key=f"{nyckel}_handlaggare")
        if valt in koder_:
            visning = visning[visning["Handläggare"] == valt]
    st.dataframe(visning, hide_index=True, width="stretch", height=min(35 * (len(visning) + 1) + 3, 900))
    st.caption(ENHETSTILLHORIGHET)
    url, anv = config.databas_url(), anvandarnamn()

    def fil() -> bytes:
        # runs when clicked, outside the script: reads and logs the list again ("nedladdning")
        return nedladdning.csv_for_lasning(personer_for_visning(nedladdning_bygg(db.get_engine(url), anv)))

    st.download_button(
        "Ladda ner listan (CSV)", data=fil, file_name=filnamn, mime="text/csv", key=nyckel, on_click="ignore"
    )
    st.caption("Listan innehåller uppgifter om enskilda personer: spara den inte öppet och sprid den inte.")


def prioritering_cell_block(omfang: Omfang, omgang_id: str, enhet: str | None, granser) -> None:
    """Choose a cell (default: the priority cell); its persons, sortable and downloadable."""
    far, listans_enhet = listenhet(omfang, enhet)
    if not far:
        st.info("Personlistan visar bara personer i din egen enhet: välj din enhet ovan.")
        return
    p, v = st.columns(2)
    potential = p.selectbox(
        "Förändringspotential",
        prio.POTENTIALER,
        format_func=prio.POTENTIAL_ETIKETT.get,
        key=CELL_POTENTIAL_NYCKEL,
    )
    niva_ = v.selectbox(
        "Nivå på biståndet",
        prio.NIVAER,
        index=prio.NIVAER.index(prio.PRIORITERAD[1]),
        format_func=prio.NIVA_ETIKETT.get,
        key=CELL_NIVA_NYCKEL,
    )
    vy = f"cell|{omgang_id}|{listans_enhet}|{potential}|{niva_}|{granser}"
    df = prio.personlista(
        _engine(config.databas_url()),
        omfang,
        omgang_id,
        potential,
        niva_,
        listans_enhet,
        granser,
        anvandare=anvandarnamn(),
        logga=_ska_loggas(vy),
    )
    st.markdown(
        f"**{text.antal_personer(len(df))}** med {prio.POTENTIAL_ETIKETT[potential].lower()} förändringspotential "
        f"och {prio.NIVA_ETIKETT[niva_].lower()} nivå på biståndet – {_namn(listans_enhet)}, "
        f"mätomgång {omgang_id}."
    )
    if df.empty:
        return
    _visa_lista(
        df,
        f"personer-{potential}-{niva_}-{listans_enhet or 'alla'}-{omgang_id}.csv",
        lambda eng, anv: prio.personlista(
            eng, omfang, omgang_id, potential, niva_, listans_enhet, granser, anvandare=anv, syfte="nedladdning"
        ),
        "prioritering_cell_csv",
    )


def prioritering_uppfoljning_block(omfang: Omfang, omgang_id: str, enhet: str | None) -> None:
    """The follow-up lists for the next round, per case worker."""
    far, listans_enhet = listenhet(omfang, enhet)
    if not far:
        st.info("Uppföljningslistorna visar bara personer i din egen enhet: välj din enhet ovan.")
        return
    lista = st.segmented_control(
        "Lista", list(prio.LISTOR), format_func=prio.LISTOR.get, key=LISTA_NYCKEL, default="utan_plan", required=True
    )
    lista = lista if lista in prio.LISTOR else "utan_plan"
    vy = f"lista|{omgang_id}|{listans_enhet}|{lista}"
    df = prio.uppfoljningslista(
        _engine(config.databas_url()),
        omfang,
        omgang_id,
        lista,
        listans_enhet,
        anvandare=anvandarnamn(),
        logga=_ska_loggas(vy),
    )
    st.markdown(
        f"**{prio.LISTOR[lista]}:** {text.antal_personer(len(df))} – {_namn(listans_enhet)}, mätomgång {omgang_id}."
    )
    if df.empty:
        return
    ph = prio.per_handlaggare(df)
    st.dataframe(
        pd.DataFrame(
            {
                "Handläggare": ph["handlaggare"].replace({koder.SAKNAS: koder.SAKNAS_ETIKETT}),
                "Personer": ph["personer"],
            }
        ),
        hide_index=True,
        width="content",
    )
    _visa_lista(
        df,
        f"{lista}-{listans_enhet or 'alla'}-{omgang_id}.csv",
        lambda eng, anv: prio.uppfoljningslista(
            eng, omfang, omgang_id, lista, listans_enhet, anvandare=anv, syfte="nedladdning"
        ),
        "prioritering_lista_csv",
    )


# --- movement across the matrix between two rounds --------------------------------------------------


@st.cache_data(ttl=TTL_DATA, show_spinner="Räknar …", max_entries=100)
def _forflyttning(url: str, omfang: Omfang, omgang_id: str, enhet, export: bool, version: str):
    return forflyttning_matt.forflyttning(_engine(url), omfang, omgang_id, None, enhet, export=export)


def forflyttningstabell(f, namn: str) -> pd.DataFrame:
    """One transition table for reading: a row per code then, a column per code now."""
    _v1, _v2, koder_, etiketter = forflyttning_matt.TABELLER[namn]
    t = f.tabeller[namn].set_index(["fran", "till"])
    ut = {f"Mätomgång {f.fran.omgang_id} ↓ / {f.till.omgang_id} →": [etiketter[k] for k in koder_]}
    for y in koder_:
        ut[etiketter[y]] = [_celltext(t.loc[(x, y), "n"], bool(t.loc[(x, y), "skyddad"])) for x in koder_]
    return pd.DataFrame(ut)


def forflyttning_fil(f) -> pd.DataFrame:
    """Both transition tables as a download (long: one row per table and pair of codes)."""
    rader = []
    for namn, rubrik in (("potential", "Förändringspotential"), ("niva", "Nivå på biståndet")):
        etiketter = forflyttning_matt.TABELLER[namn][3]
        for r in f.tabeller[namn].itertuples():
            rader.append(
                {
                    "Från mätomgång": f.fran.omgang_id,
                    "Till mätomgång": f.till.omgang_id,
                    "Röjandeskydd": SKYDD_PA if f.skyddad else SKYDD_AV,
                    "Personer": _namn(f.enhet),
                    "Tabell": rubrik,
                    "Då": etiketter[r.fran],
                    "Nu": etiketter[r.till],
                    "Antal": _antal_eller_farre(r.n, bool(r.skyddad)),
                }
            )
    return pd.DataFrame(rader)


def prioritering_forflyttning_block(omfang: Omfang, omgang_id: str, enhet: str | None) -> None:
    """How the same persons moved across the matrix since the round before."""
    try:
        f = _forflyttning(config.databas_url(), omfang, omgang_id, enhet, False, dataversion())
    except prio.PrioriteringsFel as e:
        st.warning(str(e))
        return
    if f is None:
        st.info("Det här är den första mätomgången: det finns ingen tidigare att jämföra med.")
        return
    namn = _namn(enhet)
    st.subheader(f"Hur har samma personer flyttat i matrisen sedan {f.fran.omgang_id}? – {namn}")
    st.caption(
        f"{text.antal_personer(f.n, skyddad=f.n is None)} finns med i både {f.fran.omgang_id} och "
        f"{f.till.omgang_id}; de som tillkommit eller lämnat ingår inte. Raderna är läget då, kolumnerna läget nu. "
        "Nivån på biståndet delas efter varje omgångs egna tertiler."
    )
    st.markdown("**Förändringspotential**")
    _visa_matris(forflyttningstabell(f, "potential"), markera=False)
    st.markdown("**Nivå på biståndet**")
    _visa_matris(forflyttningstabell(f, "niva"), markera=False)
    skyddsnot(f.skyddad)
    nedladdning_med_skydd(
        omfang,
        _filnamn("forflyttning", enhet or "alla", f.fran.omgang_id, omgang_id),
        nyckel="prioritering_forflyttning_csv",
        skyddad=lambda: forflyttning_fil(
            _forflyttning(
                config.databas_url(),
                omfang,
                omgang_id,
                None if omfang.roll != "medarbetare" else enhet,
                True,
                dataversion(),
            )
        ),
        oskyddad=lambda eng: forflyttning_fil(
            forflyttning_matt.forflyttning(eng, omfang.med_skydd(False), omgang_id, None, enhet, export=True)
        ),
    )
