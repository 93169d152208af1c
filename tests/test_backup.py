"""Backup and restore through the CLI, on both databases."""

import os
import subprocess
import sys

from core import db
from core.exporter import exportera_rader
from core.omfang import ADMIN
from tests import fixtur


def _cli(url, *args):
    env = dict(os.environ, VAGEN_DATABASE_URL=url)
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, env=env)


def test_backup_och_restore(engine, db_url, tmp_path):
    fixtur.ladda(engine)
    fore = exportera_rader(engine, ADMIN)
    kopia = tmp_path / "vagen.backup"
    r = _cli(db_url, "backup", str(kopia))
    assert r.returncode == 0, r.stderr
    assert kopia.stat().st_size > 0
    # lose data after the backup: a whole round's rows
    from sqlalchemy import delete

    from core.models import Matning, MatningVal

    with engine.begin() as c:
        c.execute(delete(MatningVal))
        c.execute(delete(Matning))
    assert exportera_rader(engine, ADMIN) != fore
    engine.dispose()
    r = _cli(db_url, "restore", str(kopia))
    assert r.returncode == 0, r.stderr
    db.dispose_engines()
    assert exportera_rader(db.get_engine(db_url), ADMIN) == fore


def test_restore_fel(db_url, engine, tmp_path):
    r = _cli(db_url, "restore", str(tmp_path / "finns-inte"))
    assert r.returncode == 1 and "finns inte" in r.stderr and "Traceback" not in r.stderr
