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
    "Filerna granskas först; ingenting sparas förrän du trycker på Importera, och bara om inga fel hittades. "
    + ui.SAMMANSLAGNING
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
    for rad in forhand.kvar_text():
        st.info(f"{rad} {ui.SAMMANSLAGNING}")
    godta = True
    if forhand.ok and forhand.liknande:
        st.warning(ui.liknande_text(forhand))
        st.dataframe(ui.liknande_tabell(forhand), hide_index=True)
        godta = st.checkbox(ui.LIKNANDE_BEKRAFTELSE, key=f"data_godta_liknande_{uppladdning}")
    if forhand.ok:
        st.success(
            "Inga fel hittades. Tryck på Importera för att spara."
            if not forhand.liknande
            else "Inga fel hittades. Bekräfta id:na ovan och tryck sedan på Importera."
        )
    else:
        for text in ui.allmanna_fel(forhand):
            st.error(text)
        st.error(ui.felsammanfattning(forhand))
        ui.tabell_med_nedladdning(
            ui.fel_tabell(forhand),
            "importfel.csv",
            nyckel="data_fel_csv",
            etikett="Ladda ner fellistan (CSV)",
            breda=("Meddelande",),
            radbryt=True,
        )
    if st.button("Importera", type="primary", disabled=not (forhand.ok and godta), key="data_importera"):
        resultat = ui.importera(kalla, anvandare, godta_liknande=bool(forhand.liknande and godta))
        if resultat.ok:
            st.session_state["data_importerat"] = ui.importerat_sammanfattning(resultat)
            st.session_state["data_importnummer"] = st.session_state.get("data_importnummer", 0) + 1
            st.rerun()
        for text in ui.allmanna_fel(resultat):
            st.error(text)
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
