"""The online backup: a consistent copy while answers keep arriving."""
import sqlite3
import threading

import pytest

from widget_server.db import flask_db

from .helpers import make_test_app
from .helpers import store


@pytest.fixture
def app(tmp_path):
    """Backups copy SQLite files (PostgreSQL has pg_dump), whichever database the suite runs on."""
    yield make_test_app(tmp_path, f"sqlite:///{tmp_path / 'ces.sqlite3'}")
    flask_db.database.close()


def test_backup_while_answers_are_written(app, runner, site, tmp_path):
    stop = threading.Event()
    written = []

    def keep_answering():
        with app.app_context(), flask_db.database.connection_context():
            number = 0
            while not stop.is_set():
                store(site, {"key": f"during-{number:013d}", "touchpoint": "kb-article", "scale": "ease5",
                                     "score": 1 + number % 5})
                written.append(number)
                number += 1

    store(site, {"key": "before-backup-000", "touchpoint": "kb-article", "scale": "ease5", "score": 3})
    flask_db.database.close()
    writer = threading.Thread(target=keep_answering)
    writer.start()
    try:
        while len(written) < 50:
            threading.Event().wait(0.01)
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    finally:
        stop.set()
        writer.join()

    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copied = copy.execute("SELECT COUNT(*) FROM answer").fetchone()[0]
    assert 51 <= copied <= len(written) + 1
    # The count tables in the copy agree with its answers: one consistent moment.
    assert copy.execute("SELECT SUM(answers) FROM scorecount").fetchone()[0] == copied


def test_backup_never_overwrites(runner, tmp_path):
    (tmp_path / "taken.sqlite3").write_text("precious")

    result = runner.invoke(args=["backup", str(tmp_path / "taken.sqlite3")])

    assert result.exit_code != 0 and "exists" in result.output
    assert (tmp_path / "taken.sqlite3").read_text() == "precious"
