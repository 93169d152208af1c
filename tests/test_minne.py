"""Every import stays under 1 GB, whatever its input (issue 11), proven in a subprocess whose
address space is capped with ``resource.setrlimit``.

A valid CSV of 1.5 million monthly payments (the old importer held about 6 KB a row, so it
would need several GB) and a 1 MB zip that unpacks to 1 GiB of NUL bytes must both end
cleanly under the cap: the first stored, the second refused before it is unpacked.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROT

GRANS = 1 << 30

KOD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({grans}, {grans}))


def hwm():
    # The peak resident memory of this program (VmHWM of its own address space). Not
    # ru_maxrss: Linux keeps that across exec, so it would report the forking test worker's size.
    for rad in open("/proc/self/status"):
        if rad.startswith("VmHWM:"):
            return int(rad.split()[1]) / 1024



from core import db, importer
eng = db.get_engine(sys.argv[1])
db.skapa_schema(eng)
r = importer.importera(eng, sys.argv[2])
print(json.dumps({{"ok": r.ok, "fel": [f.meddelande for f in r.fel][:3],
                   "antal": {{e: a.insatta for e, a in r.antal.items()}},
                   "mb": hwm()}}))
"""


def _importera_med_tak(url: str, kalla) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", KOD.format(grans=GRANS), url, str(kalla)],
        cwd=ROT,
        capture_output=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROT)},
    )
    assert r.returncode == 0, r.stderr.decode()[-3000:]
    return json.loads(r.stdout.decode().strip().splitlines()[-1])


def _url(request, tmp_path, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'minne.db'}"
    url = request.getfixturevalue("pg_url")
    from core import db
    from core.models import Base

    Base.metadata.drop_all(db.get_engine(url))
    return url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_stor_csv_under_en_gigabyte(request, tmp_path, backend):
    url = _url(request, tmp_path, backend)
    fil = tmp_path / "utbetalning.csv"
    rader = 1_500_000
    with open(fil, "w", encoding="cp1252", newline="") as f:
        f.write("hushall_id;manad;belopp_kr\r\n")
        for i in range(rader // 60):
            hh = f"HH{i:07d}"
            f.writelines(f"{hh};{2016 + m // 12}-{m % 12 + 1:02d};{4000 + (i * 7 + m) % 9000}\r\n" for m in range(60))
    assert fil.stat().st_size > 30 << 20
    ut = _importera_med_tak(url, fil)
    assert ut["ok"], ut["fel"]
    assert ut["antal"] == {"utbetalning": rader}
    assert ut["mb"] < 600, ut


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_zipbomb_under_en_gigabyte(request, tmp_path, backend):
    url = _url(request, tmp_path, backend)
    bomb = tmp_path / "data.zip"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("utbetalning.csv", "w", force_zip64=True) as f,
    ):
        bit = bytes(1 << 20)
        for _ in range(1024):
            f.write(bit)
    assert bomb.stat().st_size < 2 << 20
    ut = _importera_med_tak(url, bomb)
    assert not ut["ok"] and "zip-bomb" in ut["fel"][0]
    assert ut["mb"] < 400, ut


def test_rad_utan_slut_i_zip_halls_aldrig_hel(engine):
    """A plausible member (stored, not packed) with a line that never ends is read as a
    stream and refused at MAX_RADLANGD characters, never held whole."""
    from core.importer import importera

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("person.csv", b"person_id;kon;fodelsear;fodelseregion;hushall_id\r\n" + b"x" * 1_200_000)
    r = importera(engine, [("data.zip", data.getvalue())])
    assert not r.ok and r.fel[0].fil == "data.zip/person.csv" and r.fel[0].rad == 2
