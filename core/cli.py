"""``python -m core``: the operator's tool (runs as admin, and is audited as an operator).

Commands
--------
init                      create the schema and the default units
demo [--om-tom]           load the fictitious demo municipality into an empty database and
                          create one demo user per role (``--om-tom``: only if empty, else quiet)
import PATH [--godta-liknande-id]
                          import an .xlsx workbook, a folder or .zip of CSV files, or one CSV
export PATH.xlsx          write the exchange format (``.xlsx``, or a folder for CSV)
report profile --omgang ID [--enhet CODE] [--skydd on|off] --format json|csv
anvandare ny NAMN --namn "…" --roll ROLL [--enhet KOD] | losenord NAMN | las-upp NAMN | inaktivera NAMN
backup PATH / restore PATH  consistent copy of the database (SQLite) or pg_dump/pg_restore
bench [--scales S,M,L] [--json PATH] [--url URL]
                          import and every page's calls at three scales (core/bench.py)

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


def cmd_export(args) -> int:
    from core import exporter

    eng = _engine()
    sokvag = Path(args.sokvag)
    if sokvag.suffix.lower() == ".xlsx":
        exporter.exportera_xlsx(eng, ADMIN, sokvag)
    elif sokvag.suffix == "":
        exporter.exportera_csv(eng, ADMIN, sokvag)
    else:
        raise CliFel("Ange en fil som slutar på .xlsx, eller en mapp för CSV-filer.")
    audit.logga(eng, _operator(), "export", detalj={"fil": sokvag.name, "format": "utbytesformat"})
    print(f"Exporterat till {sokvag}")
    return 0


def cmd_report(args) -> int:
    from core import rapport

    eng = _engine()
    omfang = ADMIN.med_skydd(args.skydd == "on")
    try:
        text = rapport.profil(eng, omfang, args.omgang, enhet=args.enhet, format=args.format)
    except rapport.RapportFel as e:
        raise CliFel(str(e)) from None
    audit.logga(
        eng,
        _operator(),
        "rapport",
        detalj={"rapport": "profil", "omgang": args.omgang, "enhet": args.enhet, "skydd": args.skydd},
    )
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    return 0


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
    db.dispose_engines()
    try:
        print(backup.aterstall(url, Path(args.sokvag)))
    except backup.BackupFel as e:
        raise CliFel(str(e)) from None
    eng = _engine()
    audit.logga(eng, _operator(), "backup", detalj={"aterstalld_fran": Path(args.sokvag).name})
    with eng.begin() as conn:
        db.byt_dataversion(conn)  # every app instance's cache sees the restored data at once
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

    e = sub.add_parser("export", help="exportera i utbytesformatet")
    e.add_argument("sokvag", metavar="PATH.xlsx")
    e.set_defaults(func=cmd_export)

    r = sub.add_parser("report", help="rapporter")
    rsub = r.add_subparsers(dest="rapport", required=True, parser_class=_Parser)
    rp = rsub.add_parser("profile", help="målgruppsprofil för en mätomgång")
    rp.add_argument("--omgang", required=True, metavar="ID")
    rp.add_argument("--enhet", metavar="CODE")
    rp.add_argument("--skydd", choices=["on", "off"], default="on")
    rp.add_argument("--format", choices=["json", "csv"], required=True)
    rp.set_defaults(func=cmd_report)

    bk = sub.add_parser("backup", help="säkerhetskopiera databasen (SQLite: konsistent kopia; PostgreSQL: pg_dump)")
    bk.add_argument("sokvag", metavar="PATH")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser("restore", help="återställ databasen från en säkerhetskopia")
    rs.add_argument("sokvag", metavar="PATH")
    rs.set_defaults(func=cmd_restore)

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
    return p


def main(argv: list[str] | None = None) -> int:
    args = bygg_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliFel as e:
        print(f"Fel: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        print("Avbrutet.", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the operator gets a message, not a traceback
        print(
            f"Fel: ett oväntat fel inträffade ({type(e).__name__}). Ingenting ändrades av kommandot.", file=sys.stderr
        )
        return 1
