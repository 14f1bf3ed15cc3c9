"""Deleting a customer's answers and purging answers past retention keep the counts exact."""
import datetime
import re

import pytest

from widget_server import create_app, retention, rollups, webhooks
from widget_server.db import flask_db
from widget_server.alert_models import Delivery
from widget_server.models import Answer, Impression, Site, utcnow

from . import databases
from .helpers import csrf_token, snapshot, store, store_impression


def give(site, key, score=2, days_ago=0, **fields):
    created = utcnow() - datetime.timedelta(days=days_ago)
    store(site, {"key": f"{key:0>20}", "touchpoint": "kb-article", "scale": "agreement7", "score": score,
                         "created_at": created, **fields})


def assert_counts_exact():
    kept = snapshot()
    rollups.rebuild()
    assert snapshot() == kept


def test_deleting_a_customer_removes_only_their_answers_and_alerts(app, site):
    app.config["ALERT_ALLOWED_NETWORKS"] = ("127.0.0.1/32",)
    webhooks.create_webhook(site, "http://127.0.0.1:9/hook", allowed_networks=("127.0.0.1/32",))
    give(site, "a", customer="c-1", reasons=["unclear"], agent="bot")
    give(site, "b", customer="c-1", days_ago=3)
    give(site, "c", customer="c-2")

    assert retention.delete_customer(" c-1 ") == 2

    assert [answer.customer for answer in Answer.select()] == ["c-2"]
    assert Delivery.select().count() == 1
    assert_counts_exact()


def test_a_blank_customer_id_deletes_nothing(app, site):
    give(site, "a", customer="")

    with pytest.raises(ValueError, match="customer"):
        retention.delete_customer("  ")
    assert Answer.select().count() == 1


def test_purge_removes_whole_days_past_retention_on_that_site_only(app, site):
    other = Site.create_with_key("Keeps everything", ["https://other.example"])
    site.change(retention_days=30)
    site.save()
    give(site, "old", days_ago=40, reasons=["not-found"])
    give(site, "edge", days_ago=31)
    give(site, "new", days_ago=10)
    give(other, "other-old", days_ago=400)
    store_impression(site, {"touchpoint": "kb-article", "created_at": utcnow() - datetime.timedelta(days=45)})

    assert retention.purge_expired() == 2

    assert sorted(answer.key.lstrip("0") for answer in Answer.select()) == ["new", "other-old"]
    assert Impression.select().count() == 0
    assert_counts_exact()


def test_cli_deletes_and_purges(runner, site):
    give(site, "a", customer="c-9")

    deleted = runner.invoke(args=["answers", "delete", "--customer", "c-9", "--site", site.key])
    purged = runner.invoke(args=["answers", "purge"])

    assert "Deleted 1 answers" in deleted.output and "Purged 0 answers" in purged.output
    assert Answer.select().count() == 0


def test_admin_privacy_request_needs_confirmation(app, client, site, admin, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    give(site, "a", customer="c-5")
    auth.login()
    csrf = csrf_token(client, "/admin/sites/")

    client.post("/admin/sites/privacy", data={"csrf_token": csrf, "customer": "c-5"})
    assert Answer.select().count() == 1
    client.post("/admin/sites/privacy", data={"csrf_token": csrf, "customer": "c-5", "confirm": "yes"})
    assert Answer.select().count() == 0


@pytest.mark.parametrize(("value", "stored"), [("", None), ("90", 90)])
def test_retention_is_a_site_setting(site, value, stored):
    site.change(retention_days=value)

    assert site.retention_days == stored


def test_retention_of_zero_days_is_refused(site):
    from widget_server.site_settings import SiteSettingError

    with pytest.raises(SiteSettingError, match="retention_days"):
        site.change(retention_days="0")


def test_a_database_from_before_retention_gets_the_column(tmp_path):
    config = {"DATABASE_URL": databases.fresh_url(tmp_path), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    app = create_app(config)
    with app.app_context():
        Site.create_with_key("Older", ["https://older.example"])
        flask_db.database.execute_sql("ALTER TABLE site DROP COLUMN retention_days")
        # As a release before schema versions left it.
        flask_db.database.execute_sql('DROP TABLE "schemaversion"')
    flask_db.database.close()

    app = create_app(config)
    with app.app_context():
        assert Site.get().name == "Older" and Site.get().retention_days is None
    flask_db.database.close()


def test_sites_page_title_is_plain_text(app, client, admin, auth):
    auth.login()

    title = re.search(r"<title>(.*?)</title>", client.get("/admin/sites/").text, re.S).group(1)

    assert title == "Sites · CES widget"
