"""``python -m core``: the operator's tool (runs as admin, and is audited as an operator).

Commands
--------
init                      create the schema and the default units
demo [--om-tom]           load the fictitious demo municipality into an empty database and
                          create one demo user per role (``--om-tom``: only if empty, else quiet)
import PATH               import an .xlsx workbook, a folder or .zip of CSV files, or one CSV
export PATH               write the exchange format: PATH.xlsx (a workbook; refused when a sheet
                          would exceed Excel's rows), PATH.zip (CSV files), or a folder of CSV files
report profile --omgang ID [filters] [--skydd on|off] --format json|csv
report oversikt --omgang ID [--skydd on|off] --format json
report korstabell --omgang ID --rad VAR --kolumn VAR [filters] [--skydd on|off] --format json
report jamforelse --omgang ID --enhet C --variabel VAR [filters] [--skydd on|off] --format json
                          filters: --enhet C,… --ej-enhet C,… --kon K,M,saknas --aldersgrupp …
                          --fodelseregion … --inskrivningstid … (saknas for blank)
radera-omgang ID [--ja]   delete a round and its measurements (safety copy first, confirmed, audited)
anvandare ny NAMN --namn "…" --roll ROLL [--enhet KOD] | losenord NAMN | las-upp NAMN | inaktivera NAMN
backup PATH               consistent copy of the database (SQLite) or pg_dump; a full disk says so
restore PATH [--ja]       check the backup (a Vägen database of a known schema version), show what it
                          and the database hold, confirm, keep a safety copy, replace, audit
bench [--url URL]         time every page's work on the demo (the benchmark)

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
    resultat = importer.importera(eng, sokvag, anvandare=_operator())
    if not resultat.ok:
        print(resultat.felrapport(), file=sys.stderr)
        print(f"Importen avbröts: {len(resultat.fel)} fel. Ingenting sparades.", file=sys.stderr)
        return 1
    for v in resultat.varningar:
        print(f"Varning: {v}", file=sys.stderr)
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
    from core import bench

    if args.url:
        eng = db.get_engine(args.url)
        db.skapa_schema(eng)
        if not db.ar_tom(eng):
            raise CliFel("bench laddar demodata i databasen: ange en tom databas (--url), aldrig en med riktiga data.")
    bench.kor(args.url, args.upprepningar)
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

    b = sub.add_parser("bench", help="mät svarstiderna på demodata")
    b.add_argument("--url", help="databas-URL (standard: en tillfällig SQLite-fil)")
    b.add_argument("--upprepningar", type=int, default=5)
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
