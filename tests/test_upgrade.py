"""A database made by release 0.1 (tests/fixtures/release-0.1.sql) is upgraded in place
when the app starts, with no data lost."""
import datetime
import sqlite3
from pathlib import Path

import pytest

from widget_server import create_app, reports, rollups
from widget_server.db import flask_db
from widget_server.models import AdminUser, Answer, Site

from . import databases
from .test_rollups import snapshot

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
    answer, created = Answer.record(Site.get(), {"key": "after-upgrade-0001", "touchpoint": "kb-article",
                                                 "scale": "agreement7", "score": 1})

    assert created and rollups.ScoreCount.select().count() >= 4


def test_upgrading_twice_changes_nothing(upgraded, tmp_path):
    before = snapshot()
    flask_db.database.close()
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}", "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "x", "ALERT_WORKER": 0})

    assert snapshot() == before


def test_a_database_counted_before_the_site_wide_counts_and_totals_is_counted_again(tmp_path):
    config = {"DATABASE_URL": databases.fresh_url(tmp_path), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
              "ALERT_WORKER": 0}
    app = create_app(config)
    with app.app_context():
        site = Site.create_with_key("Counted early", ["https://help.example.com"])
        for number, score in enumerate([1, 2, 7]):
            Answer.record(site, {"key": f"early-{number:014d}", "touchpoint": "kb-article", "scale": "agreement7",
                                 "score": score, "ref": "kb-1", "reasons": ["unclear"] if score < 3 else []})
        counted = snapshot()
        # As the previous version left it: no site-wide daily rows, no totals.
        rollups.GroupCount.delete().where(rollups.GroupCount.kind == rollups.ALL).execute()
        for total in rollups.TOTALS:
            total.delete().execute()
    flask_db.database.close()

    app = create_app(config)
    with app.app_context():
        assert snapshot() == counted
    flask_db.database.close()
