"""Målgrupp (distributions, one unit against the rest, the analysis seminar) and the Data
page's quality panel, as each role meets them, through AppTest from ``app.py``.

The fixtures (the demo database with one user per role, clean caches, the server's page
mode) are those of ``tests/test_pages.py``. The demo's first round, 2019-09, reproduces the
seed's September 2019 profile (seed 001, Bilaga 3: 286 adults).
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import select
from streamlit.runtime.media_file_manager import MediaFileManager

from core import db, text, ui
from core.matt.jamforelse import FOR_LITEN_REST
from core.matt.profil import Urval, profil
from core.models import Granskningslogg
from core.omfang import ROLLER, Omfang
from tests import test_pages

# The fixtures of the page tests: the demo database (one user per role), clean caches, and
# the server's page mode.
demodatabas = test_pages.demodatabas
databas = test_pages.databas
rena_cacher = test_pages.rena_cacher
som_pa_servern = test_pages.som_pa_servern
_inloggad = test_pages._inloggad

SMA_TAL = {"1", "2", "3", "4"}
FARRE = "dolt"  # the neutral mark of every hidden figure


@pytest.fixture
def filer(monkeypatch):
    """The files the page hands to its download buttons: built at once (file name -> bytes)
    or when clicked (file name -> the callable)."""
    fardiga: dict[str, bytes] = {}
    vid_klick: dict[str, object] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def spara(self, data, mimetype, coordinates, file_name=None, **kw):
        if file_name:
            fardiga[file_name] = data
        return add(self, data, mimetype, coordinates, file_name=file_name, **kw)

    def spara_senare(self, anrop, mimetype, coordinates, file_name=None, **kw):
        vid_klick[file_name] = anrop
        return add_deferred(self, anrop, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add", spara)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spara_senare)
    return _Filer(fardiga, vid_klick), vid_klick


class _Filer(dict):
    """The files by name: built at once, or built (and logged) by clicking now. Every
    download is logged when clicked, so most files are of the second kind."""

    def __init__(self, fardiga: dict, vid_klick: dict):
        super().__init__()
        self.fardiga, self.vid_klick = fardiga, vid_klick

    def __getitem__(self, namn):
        if namn in self.fardiga:
            return self.fardiga[namn]
        return self.vid_klick[namn]()

    def __contains__(self, namn):
        return namn in self.fardiga or namn in self.vid_klick

    def __bool__(self):
        return bool(self.fardiga or self.vid_klick)

    def clear(self):
        self.fardiga.clear()
        self.vid_klick.clear()


def _malgrupp(roll: str, omgang: str = "2019-09"):
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page("pages/malgrupp.py").run()
    at.sidebar.selectbox(key=ui.OMGANG_NYCKEL).select(omgang).run()
    assert not at.exception
    return at


def _vy(at, vy: str):
    at.session_state["malgrupp_vy"] = vy
    at.run()
    assert not at.exception
    return at


def _variabel(at, omrade: str, variabel: str, prefix: str = "malgrupp_fordelning"):
    at.segmented_control(key=f"{prefix}_omrade").set_value(omrade).run()
    i = list(ui.OMRADEN).index(omrade)
    at.pills(key=f"{prefix}_variabel_{i}").set_value(variabel).run()
    assert not at.exception
    return at


def _urval(at, **falt):
    for namn, koder_ in falt.items():
        at.sidebar.multiselect(key=ui.URVALSNYCKLAR[namn]).set_value(list(koder_))
    at.run()
    assert not at.exception
    return at


def _tabell(at, i: int = 0) -> pd.DataFrame:
    return at.dataframe[i].value


def _rad(df: pd.DataFrame, svar: str) -> list[str]:
    return df[df.iloc[:, 0] == svar].iloc[0, 1:].tolist()


def _sma_tal(at) -> list[str]:
    """Every cell of every table and every metric that reads 1, 2, 3 or 4."""
    celler = [str(v) for d in at.dataframe for v in d.value.iloc[:, 1:].to_numpy().ravel()]
    celler += [m.value for m in at.metric]
    return [c for c in celler if c in SMA_TAL]


def _diagram(at) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """Each chart's spec and its datasets (as the browser receives them)."""
    ut = []
    for d in at.get("vega_lite_chart"):
        data = {ds.name: pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in d.proto.datasets}
        ut.append((json.loads(d.proto.spec), data))
    return ut


def _csv(data: bytes) -> pd.DataFrame:
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM for Swedish Excel
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


# --- every role -------------------------------------------------------------------------------


@pytest.mark.parametrize("roll", ROLLER)
def test_malgrupp_for_varje_roll(databas, roll):
    at = _malgrupp(roll)
    assert [t.value for t in at.title] == ["Målgrupp"]
    assert not at.error
    assert {m.label: m.value for m in at.metric} == {"Personer i urvalet": "286"}
    assert {w.key for w in at.sidebar.multiselect} == set(ui.URVALSNYCKLAR.values())
    assert [t.label for t in at.tabs] == list(ui.MALGRUPP_VYER)
    assert _diagram(at) and at.dataframe  # the distribution: chart and table

    _vy(at, "En enhet mot resten")
    assert _diagram(at) and at.dataframe

    # The analysis seminar's default question: a multi-valued variable against a single one.
    _vy(at, "Analysseminariet")
    kors = _tabell(at)
    assert list(kors.columns) == ["Arbetshinder", "Kvinnor", "Män", "Totalt"]
    # the seed's 149 women and 137 men, 286 in all
    assert _rad(kors, "Totalt") == ["149", "137", "286"]
    assert _rad(kors, "Psykisk ohälsa")[-1] == "80"
    assert _diagram(at)

    sma = _sma_tal(at)
    if roll in ("politiker", "medarbetare"):
        assert not sma, f"{roll} ser små tal: {sma}"
        assert FARRE in kors.to_numpy()
    else:
        # Unsuppressed on screen: missbruk among women is 3 in the demo. (This is also what
        # makes the check above able to fail.)
        assert sma


def test_datakvalitet_bara_pa_datasidan():
    # The quality panel is on the Data page, which politiker and medarbetare do not have.
    from core.omfang import SIDOR_PER_ROLL

    assert "malgrupp" in SIDOR_PER_ROLL["politiker"] and "malgrupp" in SIDOR_PER_ROLL["medarbetare"]
    assert "data" not in SIDOR_PER_ROLL["politiker"] and "data" not in SIDOR_PER_ROLL["medarbetare"]


# --- the seed's September 2019 ------------------------------------------------------------------


@pytest.mark.parametrize("roll", ["politiker", "processledning"])
def test_2019_09_visar_seedens_siffror(databas, roll):
    at = _malgrupp(roll)
    assert any("2019-09" in c.value for c in at.caption)
    # Seed 001, Bilaga 3 (September 2019): 149 women of 286 = 52 %, 137 men = 48 %.
    kon = _tabell(at)
    assert list(kon.columns) == ["Svar", "Antal", "Andel"]
    assert _rad(kon, "Kvinnor") == ["149", "52\u00a0%"]
    assert _rad(kon, "Män") == ["137", "48\u00a0%"]
    assert _rad(kon, "Uppgift saknas") == ["0", "0\u00a0%"]

    # Psychiatric ill-health as a barrier to work: 80 of 286 = 28 %.
    _variabel(at, "Utbildning och arbete", "arbetshinder")
    hinder = _tabell(at)
    assert _rad(hinder, "Psykisk ohälsa") == ["80", "28\u00a0%"]
    ((spec, _),) = _diagram(at)
    assert spec["title"]["text"] == ui.FRAGOR["arbetshinder"]
    assert "En person kan ha flera hinder; andelarna summerar inte till 100 %." in spec["title"]["subtitle"]

    # Registered at Arbetsförmedlingen: 120 of 286 = 42 %; Okänt and Uppgift saknas apart.
    _variabel(at, "Utbildning och arbete", "af_inskriven")
    af = _tabell(at)
    assert _rad(af, "Ja") == ["120", "42\u00a0%"]
    assert af["Svar"].tolist() == ["Ja", "Nej", "Okänt", "Uppgift saknas"]


# --- disclosure control on the page ---------------------------------------------------------------


def test_politiker_ser_skyddade_varden(databas):
    # Women aged 16-24 in 2019-09: 40 persons; among them fysisk ohälsa and social
    # problematik as barriers are 1-4 (the demo), so they read "dolt".
    at = _urval(_malgrupp("politiker"), kon=["K"], aldersgrupp=["16-24"])
    assert {m.label: m.value for m in at.metric} == {"Personer i urvalet": "40"}
    assert any("Kön: Kvinnor; Åldersgrupp: 16–24 år" in c.value for c in at.caption)
    _variabel(at, "Utbildning och arbete", "arbetshinder")
    hinder = _tabell(at)
    assert _rad(hinder, "Fysisk ohälsa") == [FARRE, ""]  # the count hidden, its share blank
    assert not _sma_tal(at)
    ((spec, data),) = _diagram(at)
    staplar = data[spec["layer"][0]["data"]["name"]]
    assert "fysisk" not in set(staplar["kod"])  # a suppressed bar is not drawn
    assert set(data[spec["layer"][2]["data"]["name"]]["text"]) == {FARRE}
    # The same women for processledning: unsuppressed on screen.
    at = _urval(_malgrupp("processledning"), kon=["K"], aldersgrupp=["16-24"])
    _variabel(at, "Utbildning och arbete", "arbetshinder")
    assert _rad(_tabell(at), "Fysisk ohälsa")[0] in SMA_TAL


def test_litet_urval_visar_bara_markeringen(databas, filer):
    # Women born in the Nordic countries (not Sweden) in 2019-09: four persons.
    at = _malgrupp("politiker")
    filer[0].clear()
    _urval(at, kon=["K"], fodelseregion=["norden"])
    assert {m.label: m.value for m in at.metric} == {"Personer i urvalet": FARRE}
    assert any("Urvalet är så litet att det inte kan visas." in w.value for w in at.warning)
    assert not at.dataframe and not _diagram(at) and not at.tabs
    assert not at.get("download_button") and not filer[0]
    # processledning sees the four persons on screen (their aggregates are unsuppressed)
    at = _urval(_malgrupp("processledning"), kon=["K"], fodelseregion=["norden"])
    assert {m.label: m.value for m in at.metric} == {"Personer i urvalet": "4"}


def test_gruppen_som_inte_kan_valjas_erbjuds_inte(databas):
    # 65 and older are 1-4 in 2019-09, and 55-64 is hidden as its partner (rule 2): neither
    # can be chosen by a politician, and the sidebar says so; processledning can.
    at = _malgrupp("politiker")
    val = at.sidebar.multiselect(key=ui.URVALSNYCKLAR["aldersgrupp"])
    assert "65+" not in val.options and "65 år och äldre" not in val.options
    assert any("Kan inte väljas" in c.value and "65 år och äldre" in c.value for c in at.sidebar.caption)
    at = _malgrupp("processledning")
    assert "65 år och äldre" in at.sidebar.multiselect(key=ui.URVALSNYCKLAR["aldersgrupp"]).options


def test_tre_villkor_vagras(databas):
    at = _urval(_malgrupp("politiker"), kon=["K"], aldersgrupp=["16-24"], fodelseregion=["sverige"])
    assert any("högst två villkor" in w.value for w in at.warning)
    assert not at.dataframe


def test_urvalet_behalls_mellan_sidor(databas):
    at = _urval(_malgrupp("medarbetare"), kon=["K"])
    assert {m.label: m.value for m in at.metric} == {"Personer i urvalet": "149"}
    at.switch_page("pages/oversikt.py").run()
    assert not at.sidebar.multiselect  # Översikt does not use the filter...
    at.switch_page("pages/malgrupp.py").run()
    assert not at.exception
    # ...and back on Målgrupp it is still chosen.
    assert at.sidebar.multiselect(key=ui.URVALSNYCKLAR["kon"]).value == ["K"]
    assert {m.label: m.value for m in at.metric} == {"Personer i urvalet": "149"}
    at.sidebar.button(key=ui.URVAL_RENSA_NYCKEL).click().run()
    assert {m.label: m.value for m in at.metric} == {"Personer i urvalet": "286"}


# --- one unit against the rest --------------------------------------------------------------------


def test_enhet_mot_resten(databas):
    at = _vy(_malgrupp("processledning"), "En enhet mot resten")
    assert at.selectbox(key="malgrupp_jamfor_enhet").value == "eb"
    # eb in 2019-09: 268 persons by measurement or intervention; the other 18 are the rest
    assert any("Ekonomiskt bistånd: 268 personer. Resten av processen: 18 personer." in c.value for c in at.caption)
    kon = _tabell(at)
    assert list(kon.columns) == [
        "Svar",
        "Ekonomiskt bistånd, antal",
        "Ekonomiskt bistånd, andel",
        "Resten av processen, antal",
        "Resten av processen, andel",
    ]
    # the two groups add up to the round's 149 women and 137 men
    k, m = _rad(kon, "Kvinnor"), _rad(kon, "Män")
    assert int(k[0]) + int(k[2]) == 149 and int(m[0]) + int(m[2]) == 137
    ((spec, _),) = _diagram(at)
    assert spec["title"]["text"] == "Kön: skiljer sig Ekonomiskt bistånd från resten av processen?"


def test_enhet_mot_resten_oppnar_pa_en_visbar_jamforelse_for_politiker(databas):
    # Issue 12: the view opens on a unit whose comparison the role may see, not on a refusal.
    # Among the women of 2023-03 nearly all belong to eb (the first unit), so its rest is too
    # small to show a politician: the view opens on the next unit instead.
    at = _malgrupp("politiker", "2023-03")
    at.sidebar.multiselect(key=ui.URVALSNYCKLAR["kon"]).select("K").run()
    at = _vy(at, "En enhet mot resten")
    vald = at.selectbox(key="malgrupp_jamfor_enhet").value
    assert vald != "eb"
    assert not at.main.warning, [w.value for w in at.main.warning]
    assert _diagram(at)
    # Choosing eb says plainly that the rest is too small, and why.
    at.selectbox(key="malgrupp_jamfor_enhet").select("eb").run()
    assert [w.value for w in at.main.warning] == [f"Ekonomiskt bistånd: {FOR_LITEN_REST}"]


def test_enhet_mot_resten_oppnar_inte_pa_bara_dolt(databas):
    # The whole of 2023-03: eb's rest is 11 persons, allowed, but then its women and men are
    # hidden on both sides. The view opens on a unit whose comparison shows something.
    at = _vy(_malgrupp("politiker", "2023-03"), "En enhet mot resten")
    assert at.selectbox(key="malgrupp_jamfor_enhet").value != "eb"
    kon = _tabell(at)
    for kolumn in kon.columns[1:]:
        if kolumn.endswith(", antal"):
            assert set(kon[kolumn]) - {FARRE, "0"}, (kolumn, kon[kolumn].tolist())


def test_enhet_mot_resten_skyddad_for_medarbetare(databas):
    # A medarbetare starts from their own unit; fk has 5 persons in 2019-09, so most of its
    # cells are 1-4 and hidden, and "all minus the unit" gives none of them back.
    at = _vy(_malgrupp("medarbetare"), "En enhet mot resten")
    assert not at.exception
    at.selectbox(key="malgrupp_jamfor_enhet").select("fk").run()
    _variabel(at, "Utbildning och arbete", "arbetshinder", prefix="malgrupp_jamfor")
    tab = _tabell(at)
    assert FARRE in tab.to_numpy()
    assert not _sma_tal(at)


# --- the analysis seminar ------------------------------------------------------------------------


def test_analysseminariet_andelar_och_byte(databas):
    at = _vy(_malgrupp("processledning"), "Analysseminariet")
    at.segmented_control(key="malgrupp_kors_matt").set_value("kolumnandel").run()
    kors = _tabell(at)
    # column shares: psykisk among women 38/149 = 26 %, among men 42/137 = 31 %, of all 80/286 = 28 %
    assert _rad(kors, "Psykisk ohälsa") == ["26\u00a0%", "31\u00a0%", "28\u00a0%"]
    assert _rad(kors, "Antal personer") == ["149", "137", "286"]
    at.button(key="malgrupp_kors_byt").click().run()
    assert at.selectbox(key="malgrupp_kors_rad").value == "kon"
    assert list(_tabell(at).columns)[:2] == ["Kön", "Psykisk ohälsa"]
    at.selectbox(key="malgrupp_kors_kolumn").select("kon").run()
    assert any(w.value == "Välj två olika variabler." for w in at.warning)
    assert not at.dataframe


# --- downloads -------------------------------------------------------------------------------------


def test_nedladdning_for_politiker_ar_skyddad(databas, filer):
    fardiga, vid_klick = filer
    at = _variabel(_malgrupp("politiker"), "Utbildning och arbete", "arbetshinder")
    assert not at.checkbox  # no choice: always suppressed
    fil = _csv(fardiga["malgrupp-arbetshinder-2019-09.csv"])
    assert set(fil["Röjandeskydd"]) == {"på"}
    saknas = fil[fil["Svar"] == "Uppgift saknas"].iloc[0]
    assert (saknas["Antal"], saknas["Andel (%)"]) == (FARRE, "")
    assert fil[fil["Svar"] == "Psykisk ohälsa"].iloc[0]["Antal"] == "80"
    _vy(at, "Analysseminariet")
    kors = _csv(fardiga["korstabell-arbetshinder-kon-2019-09.csv"])
    assert FARRE in set(kors["Antal"]) and not set(kors["Antal"]) & SMA_TAL
    assert set(kors["Förklaring"]) == {text.skyddsforklaring()}  # the legend travels with the file


def test_nedladdning_for_processledning_skyddad_tills_de_valjer(databas, filer):
    url, _ = databas
    fardiga, vid_klick = filer
    at = _variabel(_malgrupp("processledning"), "Utbildning och arbete", "arbetshinder")
    # On screen the two persons without a recorded barrier are shown...
    assert _rad(_tabell(at), "Uppgift saknas") == ["2", "1\u00a0%"]
    # ...but the download is suppressed unless they choose otherwise.
    fil = _csv(fardiga["malgrupp-arbetshinder-2019-09.csv"])
    assert set(fil["Röjandeskydd"]) == {"på"}
    assert fil[fil["Svar"] == "Uppgift saknas"].iloc[0]["Antal"] == FARRE
    (val,) = at.checkbox
    assert val.label == ui.UTAN_SKYDD_ETIKETT and not val.value
    val.check().run()
    assert any("inte röjandeskyddad" in c.value for c in at.caption)
    # The unsuppressed file is built when clicked, says so, and is logged.
    data = vid_klick["malgrupp-arbetshinder-2019-09.csv"]()
    fil = _csv(data)
    assert set(fil["Röjandeskydd"]) == {"av – får inte spridas"}
    assert fil[fil["Svar"] == "Uppgift saknas"].iloc[0]["Antal"] == "2"
    with db.get_engine(url).connect() as c:
        logg = c.execute(select(Granskningslogg.anvandare, Granskningslogg.handelse, Granskningslogg.detalj)).all()
    assert any(a == "processledning" and h == "export" and "rojandeskydd" in (d or "") for a, h, d in logg)


def test_filerna_som_sidan_bygger(databas):
    url, _ = databas
    eng = db.get_engine(url)
    # The profile file for an unsuppressed export (processledning's choice) and a suppressed one.
    p = profil(eng, Omfang("processledning").med_skydd(False), "2019-09", Urval(kon=("K",)), ["kon"], export=True)
    fil = ui.fordelning_fil(p, "kon")
    assert list(fil.columns) == [
        "Mätomgång",
        "Urval",
        "Röjandeskydd",
        "Personer i urvalet",
        "Variabel",
        "Svar",
        "Antal",
        "Andel (%)",
    ]
    assert fil["Svar"].tolist() == ["Kvinnor", "Män", "Uppgift saknas"]
    # Shares in per cent with one decimal, in every download (issue 12).
    assert fil["Antal"].tolist() == [149, 0, 0] and fil["Andel (%)"].tolist()[0] == 100.0
    assert set(fil["Röjandeskydd"]) == {ui.SKYDD_AV}
    p = profil(eng, Omfang("politiker"), "2019-09", Urval(kon=("K",), aldersgrupp=("65+",)), ["kon"], export=True)
    fil = ui.fordelning_fil(p, "kon")
    assert set(fil["Antal"]) == {text.dolt()} and fil["Andel (%)"].isna().all()
    assert set(fil["Personer i urvalet"]) == {text.dolt()}


# --- data quality (Data page) ---------------------------------------------------------------------


@pytest.mark.parametrize("roll", ["admin", "processledning"])
def test_datakvalitet_panel(databas, roll, filer):
    fardiga, _ = filer
    at = _inloggad(roll, f"Demo {roll}", roll)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert "Datakvalitet" in [h.value for h in at.header]
    assert at.selectbox(key="data_kvalitet_omgang").value == "2023-03"  # the latest first
    at.selectbox(key="data_kvalitet_omgang").select("2019-09").run()
    at.segmented_control(key="data_kvalitet_matt").set_value("andel_okand").run()
    assert not at.exception
    tabeller = [d.value for d in at.dataframe]
    per_enhet = next(t for t in tabeller if "Hela omgången (286)" in t.columns)
    # each unit (where the measurement was made) with its number of persons
    assert any(k.startswith("Ekonomiskt bistånd (") for k in per_enhet.columns)
    # Cross-check with Målgrupp's profile: the share answered "Okänt" for birth region.
    eng = db.get_engine(databas[0])
    okand = profil(eng, Omfang("admin"), "2019-09", variabler=["fodelseregion"]).fordelningar["fodelseregion"]
    andel = okand.set_index("kod").loc["okand", "andel"]
    assert _rad(per_enhet, "Födelseregion")[0] == text.procent(andel)
    # Kön has no unknown code
    assert _rad(per_enhet, "Kön")[0] == "–"
    assert any(d.value.columns[0] == "Variabel" and "Uppgift saknas" in d.value.columns for d in at.dataframe)
    assert _diagram(at)
    fil = _csv(fardiga["datakvalitet-2019-09.csv"])
    assert set(fil["Röjandeskydd"]) == {"på"}
    # The last download is still the workbook export.
    assert [d.label for d in at.get("download_button")][-1] == "Ladda ner arbetsbok (.xlsx)"


def test_varje_variabel_har_ett_omrade_och_en_fraga():
    from core import koder

    i_omraden = [v for vs in ui.OMRADEN.values() for v in vs]
    assert sorted(i_omraden) == sorted(koder.VARIABLER)  # every variable once
    assert set(ui.FRAGOR) == set(koder.VARIABLER)
    assert all(f.endswith("?") for f in ui.FRAGOR.values())


def test_appen_stannar_med_en_for_lag_troskel(databas, monkeypatch):
    monkeypatch.setenv("VAGEN_SKYDD_TROSKEL", "2")
    at = test_pages._app().run()
    assert any("minst 3" in e.value for e in at.error)
    assert not at.dataframe and not at.metric
