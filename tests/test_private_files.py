"""The instance folder holds password hashes, webhook secrets, the secret key and customers'
answers: it and every file in it are readable by the server's own account only, whatever
the umask, and so are backups."""
import os
import stat

import pytest

from widget_server import create_app
from widget_server.db import flask_db
from widget_server.models import Site


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def start(instance):
    """An app on the default database in its instance folder, with a write made."""
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": "", "ALERT_WORKER": 0})
    with app.app_context():
        Site.create_with_key("Private", ["https://help.example.com"])
    return app


def test_instance_folder_database_and_secret_key_are_private(tmp_path, loose_umask):
    instance = tmp_path / "instance"
    app = start(instance)

    assert mode_of(instance) == 0o700
    for name in ("widget.sqlite3", "widget.sqlite3-wal", "widget.sqlite3-shm", "secret_key"):
        assert (instance / name).exists(), name
        assert mode_of(instance / name) == 0o600, name
    flask_db.database.close()
    assert app


def test_files_an_earlier_release_left_readable_are_made_private(tmp_path, loose_umask):
    instance = tmp_path / "instance"
    start(instance)
    flask_db.database.close()
    os.chmod(instance, 0o755)
    for path in instance.iterdir():
        os.chmod(path, 0o644)

    start(instance)

    assert mode_of(instance) == 0o700
    assert {path.name: mode_of(path) for path in instance.iterdir()} == {path.name: 0o600 for path in instance.iterdir()}
    flask_db.database.close()


def test_a_backup_is_private(tmp_path, loose_umask):
    app = start(tmp_path / "instance")
    flask_db.database.close()
    destination = tmp_path / "backup.sqlite3"

    result = app.test_cli_runner().invoke(args=["backup", str(destination)])

    assert result.exit_code == 0, result.output
    assert mode_of(destination) == 0o600
    flask_db.database.close()
