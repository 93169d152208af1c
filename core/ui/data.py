"""The blocks of the Data page: import, rounds, data quality, export, deleting a round."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core import audit, charts, config, db, exporter, importer, koder, text
from core.matt import datakvalitet as datakvalitet_matt
from core.matt import oversikt as oversikt_matt
from core.omfang import Omfang
from core.ui.grafik import diagram
from core.ui.laddare import las_datakvalitet, las_omgangar
from core.ui.motor import (
    TTL_DATA,
    _engine,
    _som_datum,
    _tal_eller_none,
    dataversion,
    engine,
    enheter_i_ordning,
    kort_enhetsnamn,
    rensa_cacher,
)
from core.ui.sidofilter import omgangsetikett
from core.ui.tabeller import (
    OKAND_OCH_SAKNAS,
    SKYDD_AV,
    SKYDD_PA,
    _antal_eller_farre,
    _filnamn,
    andel_i_fil,
    andelsrubrik,
    nedladdning_med_skydd,
    tabell,
)


def omgangar_block(omfang: Omfang) -> None:
    """The Data page's list of rounds with its (protected by default) download."""
    omgangar = las_omgangar(omfang)
    if omgangar.empty:
        st.info("Inga mätomgångar är inlästa ännu.")
        return
    st.dataframe(omgangstabell(omgangar), hide_index=True, width="stretch")

    def fil(df: pd.DataFrame, skyddad: bool) -> pd.DataFrame:
        ut = omgangstabell(df)
        ut.insert(0, "Röjandeskydd", SKYDD_PA if skyddad else SKYDD_AV)
        return ut

    nedladdning_med_skydd(
        omfang,
        "matomgangar.csv",
        nyckel="data_omgangar_csv",
        skyddad=lambda: fil(las_omgangar(omfang, export=True), True),
        oskyddad=lambda eng: fil(oversikt_matt.omgangar(eng, omfang.med_skydd(False), export=True), False),
    )


FEL_KOLUMNER = {"fil": "Fil", "rad": "Rad", "kolumn": "Kolumn", "varde": "Värde", "meddelande": "Meddelande"}


ENTITETSNAMN = {
    "enhet": "Enheter",
    "person": "Personer",
    "matomgang": "Mätomgångar",
    "matning": "Mätningar",
    "insats": "Insatser",
    "avslut": "Avslut",
    "utbetalning": "Utbetalningar",
}


def uppladdade_filer(filer) -> list[tuple[str, bytes]]:
    """The uploader's files as ``(filnamn, bytes)``, the form :func:`core.importer.importera`
    takes."""
    return [(f.name, f.getvalue()) for f in (filer or [])]


@st.cache_data(ttl=TTL_DATA, show_spinner="Granskar filerna …", max_entries=4)
def _forhandsgranska(url: str, kalla: tuple[tuple[str, bytes], ...], version: str):
    return importer.importera(_engine(url), list(kalla), provkor=True)


def forhandsgranska(kalla: list[tuple[str, bytes]]):
    """Validate an upload without storing anything (cached per files and data version,
    so pressing the import button does not validate twice).

    Returns
    -------
    core.importer.Importresultat
    """
    return _forhandsgranska(config.databas_url(), tuple(kalla), dataversion())


def importerat_meddelande(resultat) -> str:
    """The success message after an import (the counts follow as a table,
    :func:`importerat_block`)."""
    filer = len(resultat.filer)
    return " ".join(
        [
            f"Importen är klar: {text.tal(filer)} {'fil' if filer == 1 else 'filer'} lästes in och sparades.",
            *resultat.kvar_text(),
        ]
    )


def importerat_sammanfattning(resultat) -> dict:
    """What the page keeps until the next run to show after an import: the message and the
    counts per entity as plain rows (no frame in the session state)."""
    tabell_ = antal_tabell(resultat)
    return {"meddelande": importerat_meddelande(resultat), "rader": tabell_.to_dict("records")}


def importerat_block(sammanfattning: dict) -> None:
    """The outcome of an import: the message and a table of new, changed and unchanged rows."""
    st.success(sammanfattning["meddelande"])
    rader = sammanfattning.get("rader") or []
    if rader:
        tabell(pd.DataFrame(rader, columns=ANTAL_KOLUMNER))


def importera(kalla: list[tuple[str, bytes]], anvandare: str | None, *, godta_liknande: bool = False):
    """Import an upload for real (one transaction, audited by the importer) and clear the
    caches when it was stored; ``godta_liknande``: the user confirmed the near-duplicate ids."""
    resultat = importer.importera(engine(), kalla, anvandare=anvandare, godta_liknande=godta_liknande)
    if resultat.ok:
        rensa_cacher()
    return resultat


ANTAL_KOLUMNER = ["Uppgifter", "Nya", "Ändrade", "Oförändrade"]


def antal_tabell(resultat) -> pd.DataFrame:
    """Rows per entity of an import or preview (columns ``Uppgifter``, ``Nya``, ``Ändrade``,
    ``Oförändrade``, counts as Swedish text: ``30 485``), in load order, only entities the
    files held."""
    rader = []
    for entitet in koder.ENTITETER:
        antal = resultat.antal.get(entitet)
        if antal is None:
            continue
        rader.append(
            {
                "Uppgifter": ENTITETSNAMN.get(entitet, entitet),
                "Nya": text.tal(antal.insatta),
                "Ändrade": text.tal(antal.uppdaterade),
                "Oförändrade": text.tal(antal.oforandrade),
            }
        )
    return pd.DataFrame(rader, columns=ANTAL_KOLUMNER)


def fel_tabell(resultat) -> pd.DataFrame:
    """Every error of an import with Swedish headers ``Fil``, ``Rad``, ``Kolumn``, ``Värde``,
    ``Meddelande``."""
    df = resultat.fel_tabell()
    df[["kolumn", "varde"]] = df[["kolumn", "varde"]].fillna("")  # an error of the whole file
    return df.rename(columns=FEL_KOLUMNER)[list(FEL_KOLUMNER.values())]


SAMMANSLAGNING = (
    "En rättelse slår ihop per nyckel: en rad i filen ersätter den sparade raden med samma nyckel (en tom "
    "cell skriver över), nya rader läggs till, och ingenting tas bort."
)
LIKNANDE_BEKRAFTELSE = "Jag har kontrollerat id:na: det är olika personer. Spara dem ändå."


def felsammanfattning(resultat) -> str:
    """The headline of a refused preview or import: how many errors (all of them counted)."""
    visade = f" De första {len(resultat.fel)} visas." if resultat.fler_fel else ""
    return f"{resultat.antal_fel} fel hittades. Rätta filerna och ladda upp dem igen; ingenting har sparats.{visade}"


def allmanna_fel(resultat) -> list[str]:
    """Errors about the import as a whole (another import, a full disk, the database), shown
    as text above the table of the files' errors."""
    return [f.meddelande for f in resultat.fel if not f.fil]


def liknande_tabell(resultat) -> pd.DataFrame:
    """The new person ids that resemble another id (``Fil``, ``Rad``, ``Nytt id``, ``Liknar``,
    ``Finns``)."""
    return pd.DataFrame(
        [
            {
                "Fil": li.fil,
                "Rad": li.rad,
                "Nytt id": li.ny,
                "Liknar": li.befintlig,
                "Finns": "i databasen" if li.i_databasen else "också nytt i filen",
            }
            for li in resultat.liknande
        ],
        columns=["Fil", "Rad", "Nytt id", "Liknar", "Finns"],
    )


def liknande_text(resultat) -> str:
    """Why a near-duplicate id is asked about."""
    n = resultat.antal_liknande
    return (
        f"{n} {'nytt person-id liknar' if n == 1 else 'nya person-id liknar'} ett annat id och skiljer sig bara i "
        "stora och små bokstäver eller i inledande nollor. Excel tappar inledande nollor (00123 blir 123) och "
        "kan ändra bokstäver, så det kan vara samma person som då skulle räknas två gånger."
    )


def omgangstabell(omgangar: pd.DataFrame) -> pd.DataFrame:
    """The rounds for reading (columns ``Mätomgång``, ``Datum``, ``Benämning``, ``Personer``)."""
    return pd.DataFrame(
        {
            "Mätomgång": omgangar["omgang_id"],
            "Datum": [text.datum(_som_datum(d)) for d in omgangar["datum"]],
            "Benämning": omgangar["benamning"].fillna(""),
            "Personer": [
                text.tal(_tal_eller_none(n), skyddad=bool(s))
                for n, s in zip(omgangar["personer"], omgangar["personer_skyddad"], strict=True)
            ],
        }
    )


def exportfil(omfang: Omfang, anvandare: str | None):
    """A callable for ``st.download_button`` that writes the exchange-format workbook when
    the user clicks, and logs the export in the audit log then."""
    url = config.databas_url()

    def skapa() -> bytes:
        data = exporter.xlsx_bytes(db.get_engine(url), omfang)
        audit.logga(db.get_engine(url), anvandare, "export", detalj={"format": "utbytesformat", "fil": exportnamn()})
        return data

    return skapa


def exportnamn() -> str:
    return f"vagen-export-{dt.date.today().isoformat()}.xlsx"


KVALITETSMATT = {"andel_saknas": "Uppgift saknas (tomt svar)", "andel_okand": "Okänt"}


def _kvalitetsnamn(dq: pd.DataFrame, *, med_antal: bool = False) -> dict[str, str]:
    """Column names of the units: ``alla`` first, then the units' short names; ``med_antal``
    adds each unit's persons (on screen only: admin and processledning see them unsuppressed)."""
    namn = {"alla": "Hela omgången"}
    finns = set(dq["enhet"])
    alla = enheter_i_ordning()
    namn |= {e: kort_enhetsnamn(n) for e, n in alla.items() if e in finns}
    namn |= {e: e for e in sorted(finns) if e not in namn}
    if med_antal:
        personer = dict(zip(dq["enhet"], dq["personer"], strict=False))
        namn = {e: f"{n} ({text.tal(_tal_eller_none(personer.get(e)))})" for e, n in namn.items()}
    return namn


def datakvalitet_tabell(dq: pd.DataFrame) -> pd.DataFrame:
    """The whole round: ``Variabel``, ``Okänt``, ``Andel okänt``, ``Uppgift saknas``,
    ``Andel saknas`` (Swedish text; "–" where a variable has no unknown code)."""
    a = dq[dq["enhet"] == "alla"]
    return pd.DataFrame(
        {
            "Variabel": a["etikett"].to_numpy(),
            "Okänt": [text.tal(_tal_eller_none(n)) for n in a["okand"]],
            "Andel okänt": [charts.andeltext(_tal_eller_none(x)) for x in a["andel_okand"]],
            "Uppgift saknas": [text.tal(_tal_eller_none(n)) for n in a["saknas"]],
            "Andel saknas": [charts.andeltext(_tal_eller_none(x)) for x in a["andel_saknas"]],
        }
    )


def datakvalitet_per_enhet(dq: pd.DataFrame, matt: str) -> pd.DataFrame:
    """One share per variable (rows) and unit (columns, the whole round first, each with its
    number of persons), as text."""
    namn = _kvalitetsnamn(dq, med_antal=True)
    bred = dq.pivot(index="variabel", columns="enhet", values=matt)
    etiketter = dict(zip(dq["variabel"], dq["etikett"], strict=False))
    variabler = list(dict.fromkeys(dq["variabel"]))
    ut = pd.DataFrame({"Variabel": [etiketter[v] for v in variabler]})
    for e, n in namn.items():
        ut[n] = [charts.andeltext(_tal_eller_none(bred.loc[v, e])) for v in variabler]
    return ut


def datakvalitet_fil(dq: pd.DataFrame, omgang_id: str, *, skyddad: bool) -> pd.DataFrame:
    """The data-quality table as a download (``dq`` from
    :func:`~core.matt.datakvalitet.datakvalitet_export`; ``skyddad`` says which it was)."""
    namn = _kvalitetsnamn(dq)
    return pd.DataFrame(
        {
            "Mätomgång": omgang_id,
            "Röjandeskydd": SKYDD_PA if skyddad else SKYDD_AV,
            "Enhet": dq["enhet"].map(namn),
            "Variabel": dq["etikett"],
            "Personer": [
                _antal_eller_farre(n, bool(s)) for n, s in zip(dq["personer"], dq["personer_skyddad"], strict=True)
            ],
            "Okänt": [_antal_eller_farre(n, bool(s)) for n, s in zip(dq["okand"], dq["okand_skyddad"], strict=True)],
            andelsrubrik("Andel okänt"): [andel_i_fil(a) for a in dq["andel_okand"]],
            "Uppgift saknas": [
                _antal_eller_farre(n, bool(s)) for n, s in zip(dq["saknas"], dq["saknas_skyddad"], strict=True)
            ],
            andelsrubrik("Andel saknas"): [andel_i_fil(a) for a in dq["andel_saknas"]],
        }
    )


def datakvalitet_block(omfang: Omfang) -> None:
    """The data-quality panel: per round, the share unknown and missing per variable and unit."""
    omgangar = las_omgangar(omfang)
    if omgangar.empty:
        st.info("Inga mätomgångar är inlästa ännu.")
        return
    etiketter = {r["omgang_id"]: omgangsetikett(r) for _, r in omgangar.iterrows()}
    if st.session_state.get("data_kvalitet_omgang") not in etiketter:
        st.session_state.pop("data_kvalitet_omgang", None)
    val, matt_val = st.columns([3, 2], vertical_alignment="bottom")
    omgang_id = val.selectbox("Mätomgång", list(etiketter), format_func=etiketter.get, key="data_kvalitet_omgang")
    dq = las_datakvalitet(omfang, omgang_id)
    if dq.empty:
        st.info("Mätomgången har inga mätningar.")
        return
    matt = matt_val.segmented_control(
        "Visa",
        list(KVALITETSMATT),
        format_func=KVALITETSMATT.get,
        key="data_kvalitet_matt",
        default="andel_saknas",
        required=True,
    )
    matt = matt if matt in KVALITETSMATT else "andel_saknas"
    st.caption(OKAND_OCH_SAKNAS + " Andelarna är av alla personer i omgången, eller i enheten där mätningen gjordes.")
    fraga = {
        "andel_saknas": "Var lämnas frågorna obesvarade?",
        "andel_okand": "Var svarar handläggarna ”okänt”?",
    }[matt]
    diagram(
        charts.datakvalitet_karta(
            dq,
            matt,
            fraga,
            _kvalitetsnamn(dq, med_antal=True),
            undertitel=f"{KVALITETSMATT[matt]}: andel av personerna per variabel och enhet, mätomgång {omgang_id}.",
        )
    )
    tabell(datakvalitet_per_enhet(dq, matt), bred=True)
    with st.expander("Antal för hela omgången"):
        tabell(datakvalitet_tabell(dq))

    nedladdning_med_skydd(
        omfang,
        _filnamn("datakvalitet", omgang_id),
        nyckel="data_kvalitet_csv",
        skyddad=lambda: datakvalitet_fil(las_datakvalitet(omfang, omgang_id, export=True), omgang_id, skyddad=True),
        oskyddad=lambda eng: datakvalitet_fil(
            datakvalitet_matt.datakvalitet_export(eng, omfang.med_skydd(False), omgang_id), omgang_id, skyddad=False
        ),
    )


@st.cache_data(ttl=TTL_DATA, show_spinner=False)
def _for_stora_blad(url: str, version: str) -> dict[str, int]:
    return exporter.for_stora_blad(_engine(url))


def export_for_stor(omfang: Omfang) -> str | None:
    """Why the exchange-format workbook cannot be made (an entity has more rows than an Excel
    sheet holds), in Swedish; None when it can (cached per data version)."""
    omfang.kontrollera_sida("data")
    for_stora = _for_stora_blad(config.databas_url(), dataversion())
    return exporter.for_stor_text(for_stora) if for_stora else None


def export_zip(omfang: Omfang, anvandare: str | None, meddelande: str) -> None:
    """Say why there is no workbook and offer the CSV files in a zip instead (written when
    clicked, audited then)."""
    st.warning(meddelande)
    url = config.databas_url()
    namn = f"vagen-export-{dt.date.today().isoformat()}.zip"

    def skapa() -> bytes:
        data = exporter.zip_bytes(db.get_engine(url), omfang)
        audit.logga(db.get_engine(url), anvandare, "export", detalj={"format": "utbytesformat", "fil": namn})
        return data

    st.download_button(
        "Ladda ner CSV-filer (.zip)",
        data=skapa,
        file_name=namn,
        mime="application/zip",
        key="data_export_zip",
        on_click="ignore",
    )


_RADERAT = "data_raderat"


_RADERA_NUMMER = "data_radera_nummer"


def radera_omgang_block(omfang: Omfang, anvandare: str | None) -> None:
    """Delete a round: choose it, read how many measurements go, confirm, delete.

    The deletion itself (``core.forvaltning.radera_omgang``) keeps a safety copy of the
    database first, is audited, and changes the data version; the caches are cleared.
    """
    from core import forvaltning

    st.write(
        "En ny import av en rättad fil slår ihop raderna efter nyckel: en rad som tagits bort ur filen ligger "
        "kvar i databasen. För att ersätta en mätomgång helt, ta bort den här och importera den rättade filen. "
        "Personer, insatser, avslut och utbetalningar ligger kvar. En säkerhetskopia av hela databasen sparas "
        "först, och borttagningen loggas."
    )
    if meddelande := st.session_state.pop(_RADERAT, None):
        st.success(meddelande)
    omgangar = las_omgangar(omfang)
    if omgangar.empty:
        st.info("Det finns inga mätomgångar att ta bort.")
        return
    etiketter = {
        r["omgang_id"]: f"{r['benamning'] if isinstance(r['benamning'], str) and r['benamning'] else r['omgang_id']}"
        f" ({text.datum(_som_datum(r['datum']))})"
        for _, r in omgangar.iterrows()
    }
    nummer = st.session_state.get(_RADERA_NUMMER, 0)  # a new key after a deletion empties the choice
    vald = st.selectbox(
        "Mätomgång att ta bort",
        list(etiketter),
        index=None,
        format_func=etiketter.get,
        placeholder="Välj en mätomgång",
        key=f"data_radera_val_{nummer}",
    )
    if vald is None:
        return
    try:
        inn = forvaltning.omgangens_innehall(engine(), omfang, vald)
    except forvaltning.ForvaltningsFel as e:
        st.error(str(e))
        return
    antal = text.tal(inn.matningar)
    st.warning(
        f"{antal} mätningar i mätomgång {inn.etikett()} tas bort, med deras flervalssvar. "
        "Det går inte att ångra här; säkerhetskopian kan återställas av den som driftar Vägen."
    )
    bekraftat = st.checkbox(f"Ja, ta bort mätomgång {vald} och dess {antal} mätningar", key=f"data_radera_ja_{vald}")
    if st.button(f"Ta bort {antal} mätningar", type="primary", disabled=not bekraftat, key="data_radera"):
        try:
            r = forvaltning.radera_omgang(engine(), omfang, vald, anvandare, matningar=inn.matningar)
        except forvaltning.ForvaltningsFel as e:
            st.error(str(e))
            return
        rensa_cacher()
        st.session_state[_RADERAT] = r.text()
        st.session_state[_RADERA_NUMMER] = nummer + 1
        st.rerun()
