"""Each site's days are its own time zone's: counts, date filters, the default period,
trends, retention and the read API follow it; all sites together use UTC; a new zone
counts the site's answers again."""
import datetime

import pytest

from widget_server import reports, retention, rollups
from widget_server.models import Answer, ApiToken, Impression, Site
from widget_server.rollups import GroupCount, ScoreCount

from .helpers import ORIGIN, snapshot, store, store_impression, token_in


def at(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def amsterdam(app):
    with app.app_context():
        return Site.create_with_key("Amsterdam help", [ORIGIN], time_zone="Europe/Amsterdam")


def give(site, key, moment, score=1, ref="kb-42", reasons=()):
    return store(site, {"key": f"{key:0>20}", "touchpoint": "kb-article", "scale": "agreement7", "score": score,
                        "ref": ref, "reasons": list(reasons), "created_at": moment})[0]


def days_counted(site):
    return sorted({row.day.isoformat() if hasattr(row.day, "isoformat") else str(row.day)
                   for row in ScoreCount.select().where(ScoreCount.site_id == site.id)})


def test_an_answer_at_23_30_utc_counts_on_the_next_day_in_amsterdam(site, amsterdam):
    # 23:30 UTC on 15 January is 00:30 on the 16th in Amsterdam (UTC+1 in winter), and
    # 22:30 UTC on 15 July is 00:30 on the 16th too (UTC+2 in summer).
    for each in (site, amsterdam):
        give(each, "winter", at("2026-01-15 23:30:00"))
        give(each, "summer", at("2026-07-15 22:30:00"))

    assert days_counted(site) == ["2026-01-15", "2026-07-15"]
    assert days_counted(amsterdam) == ["2026-01-16", "2026-07-16"]


def test_counts_kept_as_answers_come_equal_a_rebuild_in_any_zone(site, amsterdam):
    moments = ["2026-03-29 00:30:00", "2026-03-29 01:30:00", "2026-10-25 00:30:00", "2026-10-25 01:30:00",
               "2026-12-31 23:59:59", "2026-06-30 22:00:00"]
    for number, moment in enumerate(moments):
        for each in (site, amsterdam):
            give(each, f"a{number}", at(moment), score=1 + number % 7, reasons=["unclear"])
            store_impression(each, {"touchpoint": "kb-article", "ref": "kb-42", "created_at": at(moment)})
    kept = snapshot()

    rollups.rebuild()

    assert snapshot() == kept
    # Summer time starts at 01:00 UTC on 29 March 2026: 00:30 is still the 29th at 01:30 local.
    assert "2026-03-29" in days_counted(amsterdam) and "2027-01-01" in days_counted(amsterdam)


def test_a_new_time_zone_counts_the_sites_answers_again(app, site):
    give(site, "late", at("2026-01-15 23:30:00"))
    assert days_counted(site) == ["2026-01-15"]

    with app.app_context():
        site.change(time_zone="Asia/Tokyo")
        site.save()

    assert days_counted(site) == ["2026-01-16"]
    assert {str(row.day) for row in GroupCount.select()} == {"2026-01-16"}


def test_the_date_filters_and_the_default_period_are_the_sites_days(amsterdam):
    give(amsterdam, "late", at("2026-01-15 23:30:00"))
    give(amsterdam, "early", at("2026-01-16 22:30:00"))  # 23:30 on the 16th in Amsterdam
    filters = reports.Filters(datetime.date(2026, 1, 16), datetime.date(2026, 1, 16), amsterdam.id,
                              zone="Europe/Amsterdam")

    assert {answer.key.lstrip("0") for answer in reports.answers_in(filters)} == {"late", "early"}
    assert reports.totals(filters).answers == 2


def test_the_admin_and_the_read_api_ask_in_the_sites_days_and_say_so(client, amsterdam, site, auth):
    give(amsterdam, "late", at("2026-01-15 23:30:00"))
    token = ApiToken.issue(amsterdam, "sync")[1]
    auth.login()

    read = client.get(f"/api/v1/sites/{amsterdam.key}/answers?from=2026-01-16&to=2026-01-16",
                      headers={"Authorization": f"Bearer {token}"}).json
    page = client.get(f"/admin/?site={amsterdam.key}&from=2026-01-16&to=2026-01-16").text
    every = client.get("/admin/?from=2026-01-16&to=2026-01-16").text

    assert [answer["id"].lstrip("0") for answer in read["answers"]] == ["late"]
    assert "Days in Europe/Amsterdam, the site's time zone." in page
    assert "All sites together: the dates are UTC's" in every


def test_retention_keeps_whole_days_of_the_sites_zone(amsterdam):
    with amsterdam._meta.database.atomic():
        amsterdam.change(retention_days=1)
        amsterdam.save()
    give(amsterdam, "old", at("2026-01-14 22:59:00"))  # 23:59 on the 14th in Amsterdam
    give(amsterdam, "kept", at("2026-01-14 23:01:00"))  # 00:01 on the 15th

    retention.purge_expired(now=at("2026-01-16 10:00:00"))

    assert [answer.key.lstrip("0") for answer in Answer.select()] == ["kept"]
    assert days_counted(amsterdam) == ["2026-01-15"]


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", "", "Europe/Amsterdam\n", "x" * 70,
                                  "localtime", "Factory", "posixrules", "/usr/share/zoneinfo/UTC"])
def test_a_time_zone_that_is_none_is_refused_by_name(client, site, auth, zone):
    auth.login()
    page = client.get(f"/admin/sites/{site.key}").text
    form = {"csrf_token": token_in(page), "name": site.name, "origins": "\n".join(site.origins), "scale": site.scale,
            "cooldown_days": "30", "sample_percent": "100", "auto_delay_seconds": "20", "auto_scroll_percent": "50",
            "time_zone": zone}

    refused = client.post(f"/admin/sites/{site.key}", data=form)

    if zone == "Europe/Amsterdam\n":  # the form's line break is trimmed, like any typed value
        assert refused.status_code == 302
        return
    assert refused.status_code == 400
    assert 'id="field-time_zone" name="time_zone" aria-invalid="true"' in refused.text
    assert Site.get_by_id(site.id).time_zone == "UTC"


def test_the_cli_sets_the_zone_and_counts_again(runner, site):
    give(site, "late", at("2026-01-15 23:30:00"))

    result = runner.invoke(args=["site", "set", site.key, "--time-zone", "Europe/Amsterdam"])

    assert result.exit_code == 0, result.output
    assert '"time_zone": "Europe/Amsterdam"' in result.output
    assert days_counted(Site.get_by_id(site.id)) == ["2026-01-16"]


def test_impressions_count_on_the_sites_day(amsterdam):
    store_impression(amsterdam, {"touchpoint": "kb-article", "ref": "kb-42", "created_at": at("2026-01-15 23:30:00")})

    assert [str(row.day) for row in rollups.ImpressionCount.select()] == ["2026-01-16"]
    assert Impression.select().count() == 1
