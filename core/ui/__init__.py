"""The UI layer: the only part of ``core`` that imports Streamlit.

One module per concern, so that a page's blocks sit next to each other and the shared
widgets in one place:

- ``motor`` — the engine, the data version, cached lookups every page needs;
- ``inloggning`` — login, idle logout, the user's scope, page access, the frame's sidebar box;
- ``sidofilter`` — the round selector and the filter, kept across page switches;
- ``laddare`` — cached loaders (keyed by database, scope, filter and data version);
- ``tabeller`` — tables and the one download helper (disclosure control and the audit log);
- ``grafik`` — charts on screen;
- ``widgetar`` — Streamlit's widgets without their English words (``flerval`` for every
  multiselect, ``uppladdning`` for the file uploader);
- one module per page for that page's blocks: ``oversikt``, ``malgrupp``, ``data``,
  ``granskning``, ``anvandarsida`` (later pages add theirs).

Caching follows one rule per kind (stil.md): the engine is a ``st.cache_resource``; every
query result a ``st.cache_data`` keyed by the database URL, the user's scope (a frozen,
hashable :class:`~core.omfang.Omfang`), the filter and the data version; nothing but widget
values and the login's own keys live in ``st.session_state``, never a DataFrame.

The names below are the layer's interface for ``app.py`` and the pages (``from core import
ui``; ``ui.las_profil(...)``).
"""

from core.ui.anvandarsida import (  # noqa: F401
    ANVANDAR_KOLUMNER,
    administrera,
    anvandare,
    anvandaretikett,
    anvandartabell,
)
from core.ui.data import (  # noqa: F401
    ENTITETSNAMN,
    FEL_KOLUMNER,
    KVALITETSMATT,
    LIKNANDE_BEKRAFTELSE,
    SAMMANSLAGNING,
    allmanna_fel,
    antal_tabell,
    datakvalitet_block,
    datakvalitet_fil,
    datakvalitet_per_enhet,
    datakvalitet_tabell,
    export_for_stor,
    export_zip,
    exportfil,
    exportnamn,
    fel_tabell,
    felsammanfattning,
    forhandsgranska,
    importera,
    importerat_block,
    importerat_meddelande,
    importerat_sammanfattning,
    liknande_tabell,
    liknande_text,
    omgangar_block,
    omgangstabell,
    radera_omgang_block,
    uppladdade_filer,
)

# --- Insatsflöden (issue 14) -----------------------------------------------------------------
from core.ui.floden import (  # noqa: F401
    FLODEN_DEFINITIONER,
    FLODEN_VYER,
    avslut_block,
    flodet_block,
    insatstyper_block,
    las_floden,
    overlamningar_block,
    remisser_block,
    vantetid_block,
)
from core.ui.floden import periodval as floden_periodval  # noqa: F401
from core.ui.floden import sammanfattning as floden_sammanfattning  # noqa: F401
from core.ui.floden import urvalsval as floden_urvalsval  # noqa: F401
from core.ui.grafik import (  # noqa: F401
    diagram,
)
from core.ui.granskning import (  # noqa: F401
    GRANSKNING_KOLUMNER,
    anvandarnamn_i_loggen,
    granskningsfilter,
    las_granskning,
)
from core.ui.inloggning import (  # noqa: F401
    COOKIE_NAMN,
    COOKIE_TIMMAR,
    FEL_INLOGGNING,
    FEL_LAST,
    IMPORT_PAGAR_TEXT,
    UTLOGGNING_NYCKEL,
    aktuellt_omfang,
    anvandarnamn,
    autentisering,
    demobanner,
    dolj_verktygsrader,
    driftlage,
    ingen_behorighet,
    inloggad,
    inloggningssida,
    kontrollera_cookie_nyckel,
    kontrollera_installningar,
    kraver_sida,
    last_meddelande,
    sidopanel,
)

# --- Jämställdhet (issue 13) ---
from core.ui.jamstalldhet import (  # noqa: F401
    JAMSTALLDHET_VYER,
    jamstalldhet_indikatorer,
    jamstalldhet_insatser,
    jamstalldhet_per_kon,
    jamstalldhet_rubrik,
    jamstalldhet_storsta_skillnaderna,
    las_jamstalldhet,
)
from core.ui.laddare import (  # noqa: F401
    las_datakvalitet,
    las_jamforelse,
    las_korstabell,
    las_omgangar,
    las_oversikt,
    las_profil,
)
from core.ui.malgrupp import (  # noqa: F401
    KORS_KOLUMN_NYCKEL,
    KORS_RAD_NYCKEL,
    MALGRUPP_VYER,
    RESTEN_NAMN,
    analysseminariet,
    enhet_mot_resten_block,
    fordelning_block,
    fordelning_fil,
    fordelningstabell,
    forsta_visbara_enhet,
    jamforelse_fil,
    jamforelsetabell,
    korstabell_fil,
    korstabell_tabell,
    urvalets_storlek,
    variabelval,
)
from core.ui.min_enhet import (  # noqa: F401  (issue 16)
    las_min_enhet,
    min_enhet_block,
    min_enhet_fil,
    min_enhet_over_tid_block,
    min_enhet_tabell,
    min_enhet_val,
)
from core.ui.mote import (  # noqa: F401
    BILDER,
    MOTE_BILD,
    MOTE_FRAGA,
    motesvy,
)
from core.ui.motor import (  # noqa: F401
    DEMO_TEXT,
    TTL_ANVANDARE,
    TTL_DATA,
    ar_demolage,
    dataversion,
    engine,
    enheter,
    enheter_i_ordning,
    enhetsnamn,
    kort_enhetsnamn,
    rensa_cacher,
)
from core.ui.oversikt import (  # noqa: F401
    inga_omgangar,
    kon_fil,
    kvinnor_och_man,
    nyckeltal,
    tabell_definitioner,
    tabell_kon,
)
from core.ui.prioritering import (  # noqa: F401  (issue 16)
    PRIORITERING_VYER,
    las_matris,
    matris_fil,
    matristabell,
    personer_for_visning,
    prioritering_cell_block,
    prioritering_enhetsval,
    prioritering_forflyttning_block,
    prioritering_gransval,
    prioritering_matris_block,
    prioritering_uppfoljning_block,
)
from core.ui.sammanfattning import (  # noqa: F401, E402
    indikatorer,
    las_sammanfattning,
    rapportpaket_block,
)
from core.ui.sidofilter import (  # noqa: F401
    FILTERNYCKLAR,
    OMGANG_NYCKEL,
    URVAL_ETIKETTER,
    URVAL_RENSA_NYCKEL,
    URVALSNYCKLAR,
    bevara_filter,
    las_sparrade_val,
    omgangsetikett,
    omgangsval,
    urvalstext,
    urvalsval,
    vald_omgang,
    valt_urval,
)
from core.ui.tabeller import (  # noqa: F401
    ANDEL_I_FIL,
    OKAND_OCH_SAKNAS,
    SKYDD_AV,
    SKYDD_PA,
    UTAN_SKYDD_ETIKETT,
    andel_i_fil,
    andelskolumner,
    andelsrubrik,
    nedladdning_med_skydd,
    skyddsnot,
    tabell,
    tabell_med_nedladdning,
    textbredd,
)

# --- Trender (issue 15) ---
from core.ui.trender import (  # noqa: F401, E402
    TRENDER_VYER,
    enhet_block,
    indikatorer_block,
    langvarighet_block,
    las_trendserie,
    overgangar_block,
)
from core.ui.trender import rubrik as trendrubrik  # noqa: F401, E402
from core.ui.variabler import (  # noqa: F401
    FRAGOR,
    KONSFARGER,
    OMRADEN,
    flervalstext,
)
from core.ui.widgetar import (  # noqa: F401
    flerval,
    svenska_widgetar,
    uppladdning,
    uppladdningstext,
)
