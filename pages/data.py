"""Data: import a round (upload -> preview with every error -> import), the rounds, data quality,
export."""

import streamlit as st

from core import ui

omfang = ui.kraver_sida(ui.aktuellt_omfang(), "data")
anvandare = ui.anvandarnamn()

st.title("Data")

st.header("Importera")
st.write(
    "Ladda upp en arbetsbok (.xlsx), en zip-fil med CSV-filer eller flera CSV-filer i utbytesformatet. "
    "Filerna granskas först; ingenting sparas förrän du trycker på Importera, och bara om inga fel hittades."
)
if sparat := st.session_state.pop("data_importerat", None):
    ui.importerat_block(sparat)

# A new key after each import empties the uploader.
uppladdning = f"data_uppladdning_{st.session_state.get('data_importnummer', 0)}"
filer = ui.uppladdning("Filer att importera", ["xlsx", "zip", "csv"], key=uppladdning)
kalla = ui.uppladdade_filer(filer)
if kalla:
    forhand = ui.forhandsgranska(kalla)
    st.subheader("Förhandsgranskning")
    if forhand.ok:
        ui.tabell(ui.antal_tabell(forhand))
    for varning in forhand.varningar:
        st.warning(varning)
    if forhand.ok:
        st.success("Inga fel hittades. Tryck på Importera för att spara.")
    else:
        st.error(f"{len(forhand.fel)} fel hittades. Rätta filerna och ladda upp dem igen; ingenting har sparats.")
        ui.tabell_med_nedladdning(
            ui.fel_tabell(forhand),
            "importfel.csv",
            nyckel="data_fel_csv",
            etikett="Ladda ner fellistan (CSV)",
            breda=("Meddelande",),
            radbryt=True,
        )
    if st.button("Importera", type="primary", disabled=not forhand.ok, key="data_importera"):
        resultat = ui.importera(kalla, anvandare)
        if resultat.ok:
            st.session_state["data_importerat"] = ui.importerat_sammanfattning(resultat)
            st.session_state["data_importnummer"] = st.session_state.get("data_importnummer", 0) + 1
            st.rerun()
        st.error("Importen avbröts; ingenting sparades.")
        ui.tabell_med_nedladdning(
            ui.fel_tabell(resultat), "importfel.csv", nyckel="data_fel_csv_import", breda=("Meddelande",), radbryt=True
        )

st.header("Mätomgångar")
ui.omgangar_block(omfang)

st.header("Datakvalitet")
st.write(
    "Hur ofta svaret är okänt eller saknas, per variabel och enhet: så att nästa mätdag kan bli bättre. "
    "Här visas hur mätningen är ifylld, inte hur personerna har det."
)
ui.datakvalitet_block(omfang)

st.header("Exportera")
st.write(
    "Hela databasen i utbytesformatet (en arbetsbok med ett blad per uppgift). Filen innehåller "
    "uppgifter på personnivå: hantera den som en sekretessbelagd handling. Exporten loggas."
)
for_stor = ui.export_for_stor(omfang)
if for_stor:  # more rows than an Excel sheet holds: the CSV files in a zip instead
    ui.export_zip(omfang, anvandare, for_stor)
st.download_button(
    "Ladda ner arbetsbok (.xlsx)",
    data=ui.exportfil(omfang, anvandare),
    file_name=ui.exportnamn(),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="data_export",
    on_click="ignore",
    disabled=bool(for_stor),
)

st.header("Ta bort en mätomgång")
ui.radera_omgang_block(omfang, anvandare)
