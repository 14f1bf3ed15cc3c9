"""A database made by release 0.1 (tests/fixtures/release-0.1.sql) is upgraded in place
when the app starts, with no data lost."""
import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from widget_server import create_app, migrations, reports, rollups
from widget_server.db import flask_db
from widget_server.alert_models import Webhook
from widget_server.models import AdminUser, Answer, Site

from . import databases
from .helpers import make_test_app
from .helpers import snapshot, store

FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1.sql"


@pytest.fixture
def upgraded(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(FIXTURE.read_text())
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "ALERT_WORKER": 0})
    with app.app_context():
        yield app
    flask_db.database.close()


def test_sites_answers_and_admins_survive(upgraded):
    site = Site.get()
    assert (site.key, site.company, site.touchpoint_scales) == ("sOldRelease0001", "Oldco", {"chatbot-exit": "effort5"})
    assert site.retention_days is None
    assert Answer.select().count() == 4
    assert Answer.get(Answer.ref == "conv-1").comment == "Explained twice"
    assert AdminUser.get().check_password("correct horse battery")


def test_old_answers_get_exact_ease_and_appear_in_the_summary(upgraded):
    assert Answer.get(Answer.key == "old-release-00000000").ease == pytest.approx(100 / 6)

    figures = reports.totals(reports.Filters(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)))

    assert (figures.answers, figures.difficult, figures.easy) == (4, 2, 2)
    kept = snapshot()
    rollups.rebuild()
    assert snapshot() == kept


def test_the_upgraded_database_takes_new_answers(upgraded):
    answer, created = store(Site.get(), {"key": "after-upgrade-0001", "touchpoint": "kb-article",
                                                 "scale": "agreement7", "score": 1})

    assert created and rollups.ScoreCount.select().count() >= 4


def test_upgrading_twice_changes_nothing(upgraded, tmp_path):
    before = snapshot()
    flask_db.database.close()
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}", "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "x", "ALERT_WORKER": 0})

    assert snapshot() == before


def test_a_database_counted_before_the_site_wide_counts_and_totals_is_counted_again(tmp_path):
    database_url = databases.fresh_url(tmp_path)
    app = make_test_app(tmp_path, database_url)
    with app.app_context():
        site = Site.create_with_key("Counted early", ["https://help.example.com"])
        for number, score in enumerate([1, 2, 7]):
            store(site, {"key": f"early-{number:014d}", "touchpoint": "kb-article", "scale": "agreement7",
                                 "score": score, "ref": "kb-1", "reasons": ["unclear"] if score < 3 else []})
        counted = snapshot()
        # As the previous version left it: no site-wide daily rows, no totals, no schema version.
        rollups.GroupCount.delete().where(rollups.GroupCount.kind == rollups.ALL).execute()
        for total in rollups.TOTALS:
            total.delete().execute()
        flask_db.database.execute_sql('DROP TABLE "schemaversion"')
    flask_db.database.close()

    app = make_test_app(tmp_path, database_url)
    with app.app_context():
        assert snapshot() == counted
    flask_db.database.close()


# Started as a server worker starts: import, then create the app. Each says it is ready and
# waits for the word to go, so the four create their apps at the same moment.
START_TOGETHER = """
import sys
from widget_server import create_app
from widget_server.migrations import current_version
print("ready", flush=True)
sys.stdin.readline()
app = create_app()
with app.app_context():
    print(current_version())
"""


def start_together(database_url, instance, processes=4):
    """Start `processes` apps on one database at the same moment; return their outputs."""
    env = dict(os.environ, DATABASE_URL=database_url, INSTANCE_PATH=str(instance), SECRET_KEY="x", ALERT_WORKER="0")
    started = [subprocess.Popen([sys.executable, "-c", START_TOGETHER], env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(processes)]
    for process in started:
        assert process.stdout.readline().strip() == "ready"
    for process in started:
        process.stdin.write("go\n")
        process.stdin.flush()
    return [(process.wait(timeout=60), process.stdout.read()) for process in started]


def schema_of(database_url, instance):
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x",
                      "ALERT_WORKER": 0})
    with app.app_context():
        database = flask_db.database
        tables = sorted(database.get_tables())
        schema = {table: sorted(column.name for column in database.get_columns(table)) for table in tables}
        counted = rollups.ScoreCount.select().count()
    flask_db.database.close()
    return schema, counted


def database_of_an_earlier_release(tmp_path, name):
    """A database as an earlier release left it, with answers to count: on SQLite the
    release-0.1 file; on PostgreSQL today's tables without the schema version or the
    site-wide counts (as the release before versions left them)."""
    if not databases.ON_POSTGRESQL:
        path = tmp_path / f"{name}.sqlite3"
        with sqlite3.connect(path) as connection:
            connection.executescript(FIXTURE.read_text())
        return f"sqlite:///{path}"
    url = databases.fresh_url(tmp_path, name)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / name), "SECRET_KEY": "x",
                      "ALERT_WORKER": 0})
    with app.app_context():
        site = Site.create_with_key("Earlier release", ["https://help.example.com"])
        for number, score in enumerate([2, 6, 5, 7]):
            store(site, {"key": f"earlier-{number:012d}", "touchpoint": "kb-article", "scale": "agreement7",
                                 "score": score})
        flask_db.database.execute_sql('DROP TABLE "schemaversion"')
        rollups.GroupCount.delete().where(rollups.GroupCount.kind == rollups.ALL).execute()
    flask_db.database.close()
    return url


def test_servers_starting_together_upgrade_an_earlier_releases_database_once(tmp_path):
    schemas = set()
    for attempt in range(25):
        url = database_of_an_earlier_release(tmp_path, f"round-{attempt}")

        results = start_together(url, tmp_path / f"instance-{attempt}")

        failures = [output for status, output in results if status != 0]
        assert failures == [], failures[0]
        assert len({output.strip() for _, output in results}) == 1
        schema, counted = schema_of(url, tmp_path / f"instance-{attempt}")
        assert counted == 4  # its four answers counted once, not once per process
        schemas.add(repr(schema))
    assert len(schemas) == 1


def test_db_upgrade_says_what_it_did(upgraded, tmp_path):
    first = upgraded.test_cli_runner().invoke(args=["db", "upgrade"])
    flask_db.database.close()
    restarted = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}", "INSTANCE_PATH": str(tmp_path),
                            "SECRET_KEY": "x", "ALERT_WORKER": 0})
    with restarted.app_context():
        again = restarted.test_cli_runner().invoke(args=["db", "upgrade"])

    assert first.exit_code == 0 and f"from version 0 to {migrations.VERSION}" in first.output
    assert again.exit_code == 0 and f"version {migrations.VERSION}, this release's: nothing to do" in again.output


def test_a_version_1_database_gets_session_versions_and_keeps_its_targets_old_signatures(tmp_path):
    database_url = databases.fresh_url(tmp_path)
    app = make_test_app(tmp_path, database_url)
    with app.app_context():
        site = Site.create_with_key("Version one", ["https://help.example.com"])
        Webhook.create(site=site, url="https://hooks.example.com/ces", secret="whsec_old-style_secret")
        admin = AdminUser(username="olivia")
        admin.set_password("correct horse battery")
        admin.save()
        # As version 1 left it.
        database = flask_db.database
        database.execute_sql('ALTER TABLE "adminuser" DROP COLUMN "session_version"')
        for column in ("paused_reason", "grace_seconds", "legacy_signature"):
            database.execute_sql(f'ALTER TABLE "webhook" DROP COLUMN "{column}"')
        migrations.SchemaVersion.update(version=1).execute()
    flask_db.database.close()

    app = make_test_app(tmp_path, database_url)
    with app.app_context():
        assert app.extensions["schema_upgrade"] == (1, migrations.VERSION)
        webhook = Webhook.get()
        assert webhook.legacy_signature and webhook.grace_seconds == 60 and webhook.paused_reason == ""
        assert AdminUser.get().session_version > 0 and AdminUser.get().check_password("correct horse battery")
    flask_db.database.close()


def test_a_version_3_database_keeps_every_row_that_refers_to_a_table_given_a_column(tmp_path):
    # SQLite cannot add NOT NULL to a column afterwards; rebuilding a table for it instead
    # deletes (ON DELETE CASCADE) every row that refers to it: a site's answers, an
    # answer's pending alerts.
    database_url = databases.fresh_url(tmp_path)
    app = make_test_app(tmp_path, database_url)
    with app.app_context():
        site = Site.create_with_key("Version three", ["https://help.example.com"])
        Webhook.create(site=site, url="https://hooks.example.com/ces", secret="whsec_secret")
        store(site, {"key": "a" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 1})
        admin = AdminUser(username="olivia")
        admin.set_password("correct horse battery")
        admin.save()
        before = {model.__name__: model.select().count() for model in migrations.all_models()}
        database = flask_db.database
        database.execute_sql('ALTER TABLE "site" DROP COLUMN "collect_time_on_page"')
        database.execute_sql('ALTER TABLE "site" DROP COLUMN "search_parameters"')
        database.execute_sql('ALTER TABLE "answer" DROP COLUMN "seconds_on_page"')
        database.execute_sql('ALTER TABLE "answer" DROP COLUMN "search"')
        # What versions 5 to 7 added: the recovery link, time zones, the version counts.
        for table, column in (("site", "recovery_url"), ("site", "recovery_urls"), ("site", "time_zone"),
                              ("answer", "recovery_offered"), ("answer", "recovery_taken_at")):
            database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        database.execute_sql('DROP TABLE "versioncount"')
        # What version 8 added: roles, and the sites given to editors and viewers.
        for column in ("role", "email", "digest", "digest_hour"):
            database.execute_sql(f'ALTER TABLE "adminuser" DROP COLUMN "{column}"')
        database.execute_sql('DROP TABLE "adminsite"')
        database.execute_sql('DROP TABLE "digestsend"')
        migrations.SchemaVersion.update(version=3).execute()
    flask_db.database.close()

    app = make_test_app(tmp_path, database_url)
    with app.app_context():
        assert app.extensions["schema_upgrade"] == (3, migrations.VERSION)
        assert {model.__name__: model.select().count() for model in migrations.all_models()} == before
        assert before["Answer"] == 1 and before["Delivery"] == 1 and before["VersionCount"] == 0
        assert Site.get().time_zone == "UTC" and Answer.get().recovery == ""
        assert Site.get().collect_time_on_page is True
        assert Site.get().search_parameters == ["q", "query", "search"]
        assert Answer.get().seconds_on_page is None and Answer.get().search == ""
        # Every admin could do everything: each is an owner, and still logs in.
        assert AdminUser.get().role == "owner" and AdminUser.get().check_password("correct horse battery")
        assert (AdminUser.get().email, AdminUser.get().digest) == ("", "")
    flask_db.database.close()
