"""``python -m core``: the operator's tool (runs as admin, and is audited as an operator).

Commands
--------
init                      create the schema and the default units
demo [--om-tom]           load the fictitious demo municipality into an empty database and
                          create one demo user per role (``--om-tom``: only if empty, else quiet)
import PATH [--godta-liknande-id]
                          import an .xlsx workbook, a folder or .zip of CSV files, or one CSV
export PATH               write the exchange format: PATH.xlsx (a workbook; refused when a sheet
                          would exceed Excel's rows), PATH.zip (CSV files), or a folder of CSV files
report profile --omgang ID [filters] [--skydd on|off] --format json|csv
report oversikt --omgang ID [--skydd on|off] --format json
report korstabell --omgang ID --rad VAR --kolumn VAR [filters] [--skydd on|off] --format json
report jamforelse --omgang ID --enhet C --variabel VAR [filters] [--skydd on|off] --format json
report jamstalldhet --omgang ID [filters] [--skydd on|off] --format json|csv
report prioritering --omgang ID [--enhet C] [--grans SEK,SEK] [--skydd on|off] --format json
report floden --fran YYYY-MM-DD --till YYYY-MM-DD [--kon …] [--aldersgrupp …] [--insatstyp 1,…]
                          [--skydd on|off] --format json|csv
                          filters: --enhet C,… --ej-enhet C,… --kon K,M,saknas --aldersgrupp …
                          --fodelseregion … --inskrivningstid … (saknas for blank)
rapport --omgang ID --ut rapport.pdf [--xlsx rapport.xlsx] [--skydd on|off]
                          the monthly review pack (Sammanfattning, Översikt, Målgrupp) as PDF and
                          Excel; protected unless --skydd off; audited (schedulable)
radera-omgang ID [--ja]   delete a round and its measurements (safety copy first, confirmed, audited)
anvandare ny NAMN --namn "…" --roll ROLL [--enhet KOD] | losenord NAMN | las-upp NAMN | inaktivera NAMN
backup PATH               consistent copy of the database (SQLite) or pg_dump; a full disk says so
restore PATH [--ja]       check the backup (a Vägen database of a known schema version), show what it
                          and the database hold, confirm, keep a safety copy, replace, audit
bench [--scales S,M,L] [--json PATH] [--url URL]
                          import and every page's calls at three scales, the demo's disclosure audit
                          (core/bench.py); --url only an empty database

Bad input gives a Swedish message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from core import audit, db
from core.omfang import ADMIN

OPERATOR = "operatör"


class CliFel(Exception):
    """An error the operator can fix; printed without a traceback."""


def _operator() -> str:
    try:
        return f"{OPERATOR}:{getpass.getuser()}"
    except Exception:  # pragma: no cover - no user name in the environment
        return OPERATOR


def _engine():
    eng = db.get_engine()
    db.skapa_schema(eng)
    return eng


def cmd_init(args) -> int:
    _engine()
    print("Databasen är klar.")
    return 0


def cmd_demo(args) -> int:
    from core import auth, demo

    eng = _engine()
    if not db.ar_tom(eng):
        if args.om_tom:
            if db.ar_demolage(eng):
                auth.skriv_demoanvandare(sys.stdout)
            return 0
        raise CliFel("Databasen innehåller redan data. Demodata laddas bara i en tom databas.")
    resultat = demo.ladda(eng)
    if not resultat.ok:  # pragma: no cover - the demo is tested to import cleanly
        raise CliFel("Demodata kunde inte laddas:\n" + resultat.felrapport())
    audit.logga(eng, _operator(), "demo", detalj=resultat.sammanfattning())
    print("Demodata (fiktiv kommun) laddad: " + resultat.text())
    losenord = auth.skapa_demoanvandare(eng)
    auth.skriv_demoanvandare(sys.stdout, losenord)
    return 0


def cmd_import(args) -> int:
    from core import importer

    eng = _engine()
    sokvag = Path(args.sokvag)
    if not sokvag.exists():
        raise CliFel(f"Filen eller mappen finns inte: {sokvag}")
    resultat = importer.importera(eng, sokvag, anvandare=_operator(), godta_liknande=args.godta_liknande_id)
    for likn in resultat.liknande:
        print(f"Varning: {likn.text()}", file=sys.stderr)
    if not resultat.ok:
        print(resultat.felrapport(), file=sys.stderr)
        if resultat.behover_bekraftelse:
            print("Är det olika personer? Importera igen med --godta-liknande-id.", file=sys.stderr)
        print(f"Importen avbröts: {resultat.antal_fel} fel. Ingenting sparades.", file=sys.stderr)
        if not importer.vanta_pa_granskning(0):
            print("Väntar på att få skriva importen i granskningsloggen …", file=sys.stderr)
            importer.vanta_pa_granskning()
        return 1
    for v in resultat.varningar:
        print(f"Varning: {v}", file=sys.stderr)
    for rad in resultat.kvar_text():
        print(f"Obs: {rad} En rättelse slår ihop per nyckel och tar aldrig bort rader.", file=sys.stderr)
    print("Importen klar: " + resultat.text())
    return 0


# File endings that name a file, not a folder: export to one of them is refused (except
# .xlsx and .zip), so that "alla.csv" does not become a folder by mistake.
_FILANDELSER = {".xls", ".xlsm", ".csv", ".txt", ".ods", ".json", ".db", ".dump"}


def cmd_export(args) -> int:
    from core import exporter

    eng = _engine()
    sokvag = Path(args.sokvag)
    andelse = sokvag.suffix.lower()
    try:
        if andelse == ".xlsx":
            exporter.exportera_xlsx(eng, ADMIN, sokvag)
            format_ = "xlsx"
        elif andelse == ".zip":
            exporter.exportera_zip(eng, ADMIN, sokvag)
            format_ = "zip"
        elif sokvag.is_dir() or andelse not in _FILANDELSER:
            if sokvag.exists() and not sokvag.is_dir():
                raise CliFel(f"{sokvag} är en fil, inte en mapp. Ange en mapp för CSV-filerna.")
            exporter.exportera_csv(eng, ADMIN, sokvag)
            format_ = "csv"
        else:
            raise CliFel("Ange en fil som slutar på .xlsx eller .zip, eller en mapp för CSV-filer.")
    except exporter.ExportFel as e:
        raise CliFel(f"{e} Till exempel: python -m core export {sokvag.with_suffix('.zip')}") from None
    audit.logga(eng, _operator(), "export", detalj={"fil": sokvag.name, "format": "utbytesformat", "filtyp": format_})
    print(f"Exporterat till {sokvag}")
    return 0


def _lista(v: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in v.split(",") if x.strip()) if v else ()


def _urval(args):
    from core.matt.profil import Urval

    return Urval(
        enhet=_lista(args.enhet) if getattr(args, "rapport", "") != "jamforelse" else (),
        ej_enhet=_lista(args.ej_enhet),
        kon=_lista(args.kon),
        aldersgrupp=_lista(args.aldersgrupp),
        fodelseregion=_lista(args.fodelseregion),
        inskrivningstid=_lista(args.inskrivningstid),
    )


def _kontrollera_urval(eng, urval) -> None:
    """Unknown codes in a filter are an error naming them (a typo must not silently widen it)."""
    from core import koder
    from core.matt.profil import kontrollera_enhet

    for e in (*urval.enhet, *urval.ej_enhet):
        kontrollera_enhet(eng, e)
    giltiga = {
        "kon": (*koder.KON, koder.SAKNAS),
        "aldersgrupp": (*koder.ALDERSGRUPP, koder.SAKNAS),
        "fodelseregion": (*koder.FODELSEREGION, koder.SAKNAS),
        "inskrivningstid": (*koder.INSKRIVNINGSTID, koder.SAKNAS),
    }
    for falt, koder_ in giltiga.items():
        okanda = [k for k in getattr(urval, falt) if k not in koder_]
        if okanda:
            raise CliFel(
                f"Okänd kod för --{falt.replace('_', '-')}: {', '.join(okanda)} (giltiga: {', '.join(koder_)})."
            )


def cmd_rapport(args) -> int:
    """The review pack for a round as PDF (and Excel): protected unless ``--skydd off``."""
    from core import rapportpaket

    ut = Path(args.ut)
    if ut.suffix.lower() != ".pdf":
        raise CliFel(f"--ut ska vara en .pdf-fil, inte {ut.name}.")
    xlsx = Path(args.xlsx) if args.xlsx else None
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise CliFel(f"--xlsx ska vara en .xlsx-fil, inte {xlsx.name}.")
    eng = _engine()
    omfang = ADMIN.med_skydd(args.skydd == "on")
    try:
        p = rapportpaket.paket(eng, omfang, args.omgang)
    except ValueError as e:
        raise CliFel(str(e)) from None
    filer = [(ut, rapportpaket.pdf(p))]
    if xlsx is not None:
        filer.append((xlsx, rapportpaket.xlsx(p)))
    for fil, data in filer:
        try:
            fil.parent.mkdir(parents=True, exist_ok=True)
            fil.write_bytes(data)
        except OSError as e:
            fil.unlink(missing_ok=True)
            raise CliFel(f"Kunde inte skriva {fil}: {e.strerror or e}.") from None
    audit.logga(
        eng,
        _operator(),
        "rapport",
        detalj={
            "rapport": "rapportpaket",
            "omgang": p.omgang.omgang_id,
            "skydd": args.skydd,
            "filer": [f.name for f, _ in filer],
        },
    )
    skydd = "röjandeskyddad" if p.skyddad else "UTAN röjandeskydd – får inte spridas"
    print(f"Rapporten för mätomgång {p.omgang.omgang_id} ({skydd}): " + ", ".join(str(f) for f, _ in filer))
    return 0


def cmd_report(args) -> int:
    from core import rapport
    from core.matt.profil import ProfilFel

    eng = _engine()
    omfang = ADMIN.med_skydd(args.skydd == "on")
    try:
        urval = _urval(args)
        _kontrollera_urval(eng, urval)
        if args.rapport == "profile":
            text = rapport.profil(eng, omfang, args.omgang, urval=urval, format=args.format)
        elif args.rapport == "oversikt":
            text = rapport.som_json(rapport.oversikt_data(eng, omfang, args.omgang))
        elif args.rapport == "korstabell":
            text = rapport.som_json(rapport.korstabell_data(eng, omfang, args.omgang, args.rad, args.kolumn, urval))
        else:
            text = rapport.som_json(rapport.jamforelse_data(eng, omfang, args.omgang, args.enhet, args.variabel, urval))
    except (rapport.RapportFel, ProfilFel) as e:
        raise CliFel(str(e)) from None
    audit.logga(
        eng,
        _operator(),
        "rapport",
        detalj={"rapport": args.rapport, "omgang": args.omgang, "skydd": args.skydd},
    )
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    return 0


# --- issue 16: report prioritering ----------------------------------------------------------------


def cmd_report_prioritering(args) -> int:
    """``report prioritering``: the band limits used and every cell, all and by sex (JSON)."""
    import json

    from core.matt import prioritering
    from core.matt.profil import ProfilFel

    eng = _engine()
    omfang = ADMIN.med_skydd(args.skydd == "on")
    try:
        granser = prioritering.tolka_granser(args.grans)
        m = prioritering.matris(eng, omfang, args.omgang, args.enhet, granser, export=True)
    except (prioritering.PrioriteringsFel, ProfilFel) as e:
        raise CliFel(str(e)) from None
    audit.logga(
        eng,
        _operator(),
        "rapport",
        detalj={"rapport": "prioritering", "omgang": args.omgang, "skydd": args.skydd},
    )
    sys.stdout.write(json.dumps(prioritering.rapport_json(m), ensure_ascii=False, indent=2) + "\n")
    return 0


# --- issue 13: report jamstalldhet ---


def cmd_report_jamstalldhet(args) -> int:
    """``report jamstalldhet``: the Jämställdhet page as JSON or CSV (the filter's ``--kon``
    is not used: the page splits by sex itself)."""
    from core import nedladdning, rapport
    from core.matt import jamstalldhet
    from core.matt.profil import ProfilFel

    eng = _engine()
    omfang = ADMIN.med_skydd(args.skydd == "on")
    try:
        urval = _urval(args)
        _kontrollera_urval(eng, urval)
        res = jamstalldhet.jamstalldhet(eng, omfang, args.omgang, urval, export=True)
    except ProfilFel as e:
        raise CliFel(str(e)) from None
    if args.format == "csv":
        text = nedladdning.csv_for_lasning(jamstalldhet.indikatortabell(res)).decode("utf-8")
    else:
        text = rapport.som_json(jamstalldhet.som_data(res))
    audit.logga(
        eng, _operator(), "rapport", detalj={"rapport": "jamstalldhet", "omgang": args.omgang, "skydd": args.skydd}
    )
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _bekrafta(fraga: str, ja: bool) -> None:
    """Go on only when the operator confirms: ``--ja``, or "ja" typed on standard input.

    Without ``--ja`` and with no standard input (a script, a closed or empty input) the
    command is refused, so it never proceeds by mistake.
    """
    if ja:
        return
    print(f"{fraga} Skriv ja för att fortsätta: ", end="", file=sys.stderr, flush=True)
    try:
        svar = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, ValueError):
        svar = ""
    if not svar:
        print(file=sys.stderr)
        raise CliFel("Ingen bekräftelse (ingen standard in). Kör med --ja för att fortsätta utan fråga.")
    if svar.strip().lower() != "ja":
        raise CliFel("Avbrutet; ingenting ändrades.")


def cmd_backup(args) -> int:
    from core import backup, config

    url = config.databas_url()
    try:
        print(backup.sakerhetskopiera(url, Path(args.sokvag)))
    except backup.BackupFel as e:
        raise CliFel(str(e)) from None
    audit.logga(_engine(), _operator(), "backup", detalj={"fil": Path(args.sokvag).name})
    return 0


def cmd_restore(args) -> int:
    from core import backup, config

    url = config.databas_url()
    sokvag = Path(args.sokvag)
    nu = backup.innehall(db.get_engine(url))
    try:
        kopia = backup.granska_kopia(url, sokvag)
    except backup.BackupFel as e:
        if nu is not None:
            audit.logga(
                db.get_engine(url),
                _operator(),
                "aterstallning",
                lyckad=False,
                detalj={"fil": sokvag.name, "orsak": "ogiltig"},
            )
        raise CliFel(str(e)) from None
    print(f"Säkerhetskopian {sokvag.name}: {kopia.text()}.")
    print(f"Databasen nu: {nu.text() if nu else 'tom (inga tabeller ännu)'}.")
    _bekrafta(
        "Återställningen ersätter allt i databasen – data, användare och granskningslogg – med säkerhetskopians "
        "innehåll. En säkerhetskopia av databasen som den är nu sparas först.",
        args.ja,
    )
    skydd = None
    try:
        if nu is not None:
            skydd = backup.skyddskopia(url, "fore-aterstallning")
            print(f"Säkerhetskopia av databasen före återställningen: {skydd}")
        db.dispose_engines()
        print(backup.aterstall(url, sokvag))
    except backup.BackupFel as e:
        raise CliFel(str(e)) from None
    eng = _engine()  # a backup of an older schema version gets the tables added since
    with eng.begin() as conn:
        audit.logga(
            conn,
            _operator(),
            "aterstallning",
            detalj={
                "aterstalld_fran": sokvag.name,
                "sakerhetskopia": skydd.name if skydd else None,
                "omgangar": kopia.omgangar,
                "personer": kopia.personer,
                "anvandare": kopia.anvandare,
            },
        )
        db.byt_dataversion(conn)  # every app instance's cache sees the restored data at once
    return 0


def cmd_radera_omgang(args) -> int:
    from core import forvaltning

    eng = _engine()
    try:
        inn = forvaltning.omgangens_innehall(eng, ADMIN, args.omgang_id)
        print(
            f"Mätomgång {inn.etikett()}: {inn.matningar} mätningar och {inn.flervalssvar} flervalssvar tas bort. "
            "Personer, insatser, avslut och utbetalningar ligger kvar."
        )
        _bekrafta("En säkerhetskopia av databasen sparas först.", args.ja)
        r = forvaltning.radera_omgang(eng, ADMIN, args.omgang_id, _operator(), matningar=inn.matningar)
    except forvaltning.ForvaltningsFel as e:
        raise CliFel(str(e)) from None
    print(f"Säkerhetskopia före borttagningen: {r.sakerhetskopia}")
    print(f"Mätomgång {r.omgang_id} är borttagen: {r.matningar} mätningar.")
    return 0


def cmd_anvandare(args) -> int:
    from core import auth

    eng = _engine()
    try:
        if args.atgard == "ny":
            losenord = auth.slumpa_losenord()
            namn = auth.skapa_anvandare_som_admin(
                eng, ADMIN, _operator(), args.anvandarnamn, args.namn, args.roll, args.enhet, losenord
            )
            print(f"Användaren {namn} ({args.roll}) är skapad. Lösenord: {losenord}")
        elif args.atgard == "losenord":
            losenord = auth.aterstall_losenord(eng, ADMIN, _operator(), args.anvandarnamn)
            print(f"Nytt lösenord för {args.anvandarnamn}: {losenord}")
        elif args.atgard == "las-upp":
            auth.las_upp(eng, ADMIN, _operator(), args.anvandarnamn)
            print(f"{args.anvandarnamn} är upplåst.")
        elif args.atgard == "inaktivera":
            auth.andra_anvandare(eng, ADMIN, _operator(), args.anvandarnamn, aktiv=False)
            print(f"{args.anvandarnamn} är inaktiverad.")
    except ValueError as e:
        raise CliFel(str(e)) from None
    if args.atgard in ("ny", "losenord"):
        print("Lämna lösenordet till användaren på ett säkert sätt; bara ett hashvärde sparas.")
    return 0


def cmd_bench(args) -> int:
    from core import bench, syntet

    if args.url:
        eng = db.get_engine(args.url)
        db.skapa_schema(eng)
        if not db.ar_tom(eng):
            raise CliFel("bench skriver testdata i databasen: ange en tom databas (--url), aldrig en med riktiga data.")
    skalor = [s.strip().upper() for s in args.scales.split(",") if s.strip()]
    okanda = [s for s in skalor if s not in syntet.SKALOR]
    if okanda:
        raise CliFel(f"Okänd skala: {', '.join(okanda)}. Välj bland {', '.join(syntet.SKALOR)}.")
    bench.kor(skalor, args.url, args.upprepningar, Path(args.json) if args.json else None, args.katalog)
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with Swedish errors and exit code 2, no traceback."""

    def error(self, message):  # noqa: D401
        self.print_usage(sys.stderr)
        self.exit(2, f"Fel: {message}\n")


def bygg_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m core", description="Vägen: uppföljning av Vägen till hållbar egen försörjning.")
    sub = p.add_subparsers(dest="kommando", required=True, parser_class=_Parser)

    sub.add_parser("init", help="skapa databasen").set_defaults(func=cmd_init)

    d = sub.add_parser("demo", help="ladda den fiktiva demokommunen i en tom databas")
    d.add_argument("--om-tom", action="store_true", help="ladda bara om databasen är tom")
    d.set_defaults(func=cmd_demo)

    i = sub.add_parser("import", help="importera en arbetsbok, en mapp eller zip med CSV-filer")
    i.add_argument("sokvag", metavar="PATH")
    i.add_argument(
        "--godta-liknande-id",
        action="store_true",
        help="spara nya person-id som bara skiljer sig från andra i stora/små bokstäver eller inledande nollor",
    )
    i.set_defaults(func=cmd_import)

    e = sub.add_parser("export", help="exportera i utbytesformatet (.xlsx, .zip med CSV-filer, eller en mapp)")
    e.add_argument("sokvag", metavar="PATH")
    e.set_defaults(func=cmd_export)

    r = sub.add_parser("report", help="rapporter")
    rsub = r.add_subparsers(dest="rapport", required=True, parser_class=_Parser)

    def filter_argument(x, med_enhet: bool = True) -> None:
        if med_enhet:
            x.add_argument("--enhet", metavar="KOD,…", help="personer som hör till någon av enheterna")
        x.add_argument("--ej-enhet", metavar="KOD,…", help="personer som inte hör till någon av enheterna")
        x.add_argument("--kon", metavar="K,M,saknas")
        x.add_argument("--aldersgrupp", metavar="KOD,…")
        x.add_argument("--fodelseregion", metavar="KOD,…")
        x.add_argument("--inskrivningstid", metavar="KOD,…")
        x.add_argument("--skydd", choices=["on", "off"], default="on")

    rp = rsub.add_parser("profile", help="målgruppsprofil för en mätomgång")
    rp.add_argument("--omgang", required=True, metavar="ID")
    filter_argument(rp)
    rp.add_argument("--format", choices=["json", "csv"], required=True)
    rp.set_defaults(func=cmd_report)
    ro = rsub.add_parser("oversikt", help="Översiktens nyckeltal för en mätomgång")
    ro.add_argument("--omgang", required=True, metavar="ID")
    ro.add_argument("--skydd", choices=["on", "off"], default="on")
    ro.add_argument("--format", choices=["json"], default="json")
    ro.set_defaults(func=cmd_report, enhet=None, ej_enhet=None, kon=None, aldersgrupp=None, fodelseregion=None)
    ro.set_defaults(inskrivningstid=None)
    rk = rsub.add_parser("korstabell", help="korstabell av två variabler (analysseminariet)")
    rk.add_argument("--omgang", required=True, metavar="ID")
    rk.add_argument("--rad", required=True, metavar="VAR")
    rk.add_argument("--kolumn", required=True, metavar="VAR")
    filter_argument(rk)
    rk.add_argument("--format", choices=["json"], default="json")
    rk.set_defaults(func=cmd_report)
    rj = rsub.add_parser("jamforelse", help="en enhet mot resten av processen")
    rj.add_argument("--omgang", required=True, metavar="ID")
    rj.add_argument("--enhet", required=True, metavar="KOD")
    rj.add_argument("--variabel", required=True, metavar="VAR")
    filter_argument(rj, med_enhet=False)
    rj.add_argument("--format", choices=["json"], default="json")
    rj.set_defaults(func=cmd_report)
    # issue 16: the prioritisation matrix
    rpr = rsub.add_parser("prioritering", help="förändringspotential × nivå på biståndet")
    rpr.add_argument("--omgang", required=True, metavar="ID")
    rpr.add_argument("--enhet", metavar="KOD", help="bara personerna som hör till enheten")
    rpr.add_argument("--grans", metavar="SEK,SEK", help="egna beloppsgränser (bara med --skydd off)")
    rpr.add_argument("--skydd", choices=["on", "off"], default="on")
    rpr.add_argument("--format", choices=["json"], default="json")
    rpr.set_defaults(func=cmd_report_prioritering)
    _lagg_till_floden(rsub)  # issue 14

    rr = sub.add_parser("rapport", help="uppföljningsrapporten som PDF (och Excel) för en mätomgång")
    rr.add_argument("--omgang", required=True, help="mätomgångens id, t.ex. 2019-09")
    rr.add_argument("--ut", required=True, help="PDF-filen att skriva")
    rr.add_argument("--xlsx", help="skriv även tabellerna som en Excel-arbetsbok")
    rr.add_argument("--skydd", choices=["on", "off"], default="on", help="röjandeskydd (standard: on)")
    rr.set_defaults(func=cmd_rapport)

    # --- issue 13: report jamstalldhet ---
    rjs = rsub.add_parser("jamstalldhet", help="kvinnor och män sida vid sida (Jämställdhet)")
    rjs.add_argument("--omgang", required=True, metavar="ID")
    filter_argument(rjs)
    rjs.add_argument("--format", choices=["json", "csv"], default="json")
    rjs.set_defaults(func=cmd_report_jamstalldhet)

    bk = sub.add_parser("backup", help="säkerhetskopiera databasen (SQLite: konsistent kopia; PostgreSQL: pg_dump)")
    bk.add_argument("sokvag", metavar="PATH")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser("restore", help="återställ databasen från en säkerhetskopia (granskas och bekräftas först)")
    rs.add_argument("sokvag", metavar="PATH")
    rs.add_argument("--ja", action="store_true", help="fråga inte (för skript)")
    rs.set_defaults(func=cmd_restore)

    ro = sub.add_parser(
        "radera-omgang", help="ta bort en mätomgång och dess mätningar (säkerhetskopia först, bekräftas)"
    )
    ro.add_argument("omgang_id", metavar="ID")
    ro.add_argument("--ja", action="store_true", help="fråga inte (för skript)")
    ro.set_defaults(func=cmd_radera_omgang)

    a = sub.add_parser("anvandare", help="hantera användare (skapa den första administratören)")
    asub = a.add_subparsers(dest="atgard", required=True, parser_class=_Parser)
    an = asub.add_parser("ny", help="skapa en användare med ett slumpat lösenord")
    an.add_argument("anvandarnamn")
    an.add_argument("--namn", required=True)
    an.add_argument("--roll", required=True, choices=["politiker", "medarbetare", "processledning", "admin"])
    an.add_argument("--enhet", help="enhetens kod (bara för medarbetare)")
    for atgard, hjalp in (
        ("losenord", "ge ett nytt slumpat lösenord"),
        ("las-upp", "häv en låsning"),
        ("inaktivera", "inaktivera"),
    ):
        x = asub.add_parser(atgard, help=hjalp)
        x.add_argument("anvandarnamn")
    a.set_defaults(func=cmd_anvandare)

    b = sub.add_parser("bench", help="mät import och sidor i tre storlekar (syntetiska data från demon)")
    b.add_argument("--scales", default="S,M,L", help="storlekar, t.ex. S,M (standard: S,M,L)")
    b.add_argument("--url", help="en tom databas (PostgreSQL); standard: en tillfällig SQLite-fil")
    b.add_argument("--json", metavar="PATH", help="skriv resultaten som JSON hit")
    b.add_argument("--upprepningar", type=int, default=3, help="varma körningar per anrop (median)")
    b.add_argument("--katalog", type=Path, help="spara genererade filer och databaser här mellan körningar")
    b.set_defaults(func=cmd_bench)
    _trender_parsers(rsub, filter_argument)
    return p


# --- Trender (issue 15) -----------------------------------------------------------------------


def _trender_parsers(rsub, filter_argument) -> None:
    rl = rsub.add_parser("langvarighet", help="långvarigt bistånd och kostnad ur månadsutbetalningarna")
    rl.add_argument("--fran", required=True, metavar="ÅÅÅÅ-MM")
    rl.add_argument("--till", required=True, metavar="ÅÅÅÅ-MM")
    rl.add_argument("--skydd", choices=["on", "off"], default="on")
    rl.add_argument("--format", choices=["json"], default="json")
    rl.set_defaults(func=cmd_report_trender)
    rt = rsub.add_parser("trender", help="varje indikator per mätomgång, för kvinnor och män")
    rt.add_argument("--enhet", metavar="KOD", help="en enhet mot hela processen, omgång för omgång")
    rt.add_argument("--skydd", choices=["on", "off"], default="on")
    rt.add_argument("--format", choices=["json"], default="json")
    rt.set_defaults(func=cmd_report_trender)
    ro = rsub.add_parser(
        "overgangar", help="samma personer i två mätomgångar: övergångar, vilka som lämnat och tillkommit"
    )
    ro.add_argument("--fran-omgang", required=True, metavar="ID")
    ro.add_argument("--till-omgang", required=True, metavar="ID")
    ro.add_argument("--skydd", choices=["on", "off"], default="on")
    ro.add_argument("--format", choices=["json"], default="json")
    ro.set_defaults(func=cmd_report_trender)


def cmd_report_trender(args) -> int:
    from core import rapport_trender
    from core.matt.profil import ProfilFel
    from core.matt.trender import TrendFel

    eng = _engine()
    omfang = ADMIN.med_skydd(args.skydd == "on")
    try:
        if args.rapport == "langvarighet":
            data = rapport_trender.langvarighet_data(eng, omfang, args.fran, args.till)
        elif args.rapport == "trender":
            data = rapport_trender.trender_data(eng, omfang, args.enhet)
        else:
            data = rapport_trender.overgangar_data(eng, omfang, args.fran_omgang, args.till_omgang)
    except (TrendFel, ProfilFel) as e:
        raise CliFel(str(e)) from None
    audit.logga(eng, _operator(), "rapport", detalj={"rapport": args.rapport, "skydd": args.skydd})
    sys.stdout.write(rapport_trender.som_json(data) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = bygg_parser().parse_args(argv)
    try:
        from core import config

        config.skydd_troskel()  # rule 6: a bad threshold stops every command
        return args.func(args)
    except config.KonfigFel as e:
        print(f"Fel: {e}", file=sys.stderr)
        return 2
    except CliFel as e:
        print(f"Fel: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        print("Avbrutet.", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the operator gets a message, not a traceback
        if db.ar_disk_full(e):
            print("Fel: disken är full. Frigör utrymme och försök igen.", file=sys.stderr)
            return 1
        print(
            f"Fel: ett oväntat fel inträffade ({type(e).__name__}). Ingenting ändrades av kommandot.", file=sys.stderr
        )
        return 1


# --- issue 14: report floden ------------------------------------------------------------------


def _datum(text: str, flagga: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CliFel(f"Ogiltigt datum för {flagga}: {text!r} (skriv ÅÅÅÅ-MM-DD).") from None


def cmd_report_floden(args) -> int:
    import json

    from core.matt import floden

    eng = _engine()
    omfang = ADMIN.med_skydd(args.skydd == "on")

    def koder_(text):
        return tuple(k.strip() for k in text.split(",") if k.strip()) if text else ()

    try:
        period = floden.Period(_datum(args.fran, "--fran"), _datum(args.till, "--till"))
        urval = floden.FlodesUrval(koder_(args.kon), koder_(args.aldersgrupp), koder_(args.insatstyp))
        data = floden.rapport_data(eng, omfang, period, urval)
    except floden.FlodesFel as e:
        raise CliFel(str(e)) from None
    audit.logga(eng, _operator(), "rapport", detalj={"rapport": "floden", "skydd": args.skydd})
    text = floden.rapport_csv(data) if args.format == "csv" else json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.format == "csv":
        sys.stdout.buffer.write(text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return 0


def _lagg_till_floden(rsub) -> None:
    rf = rsub.add_parser("floden", help="Insatsflöden: remisser, väntetider och avslut under en period")
    rf.add_argument("--fran", required=True, metavar="ÅÅÅÅ-MM-DD")
    rf.add_argument("--till", required=True, metavar="ÅÅÅÅ-MM-DD")
    rf.add_argument("--kon", metavar="K,M,saknas")
    rf.add_argument("--aldersgrupp", metavar="KOD,…")
    rf.add_argument("--insatstyp", metavar="1,…,12")
    rf.add_argument("--skydd", choices=["on", "off"], default="on")
    rf.add_argument("--format", choices=["json", "csv"], default="json")
    rf.set_defaults(func=cmd_report_floden)
