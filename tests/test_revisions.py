"""Revisions: the label of a content's revision travels with each answer (the widget's
`version`), into the export, the read API and alerts, and a place's drill-down compares
its versions, each against the one before it."""
import csv
import datetime
import io
import json

import pytest

from widget_server import webhooks
from widget_server.alert_models import Delivery, Webhook
from widget_server.models import Answer, ApiToken

from .helpers import answer_body, post, store

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def give(site, key, score, version, ref="kb-42", days_ago=0, reasons=()):
    store(site, {"key": f"{key:0>20}", "touchpoint": "kb-article", "scale": "agreement7", "score": score,
                 "ref": ref, "version": version, "created_at": NOW - datetime.timedelta(days=days_ago),
                 "reasons": list(reasons)})


def test_an_answer_keeps_its_version_everywhere_it_is_given_out(client, site, auth):
    # A target made as a row: creating one through webhooks would resolve its name.
    Webhook.create(site=site, url="https://hooks.example.com/ces", secret=webhooks.new_secret(), rule="any")
    assert post(client, "/api/v1/answers", answer_body(site, version="2026-11-30.r7")).status_code == 201

    assert Answer.get().version == "2026-11-30.r7"
    auth.login()
    exported = list(csv.DictReader(io.StringIO(client.get(f"/admin/export/answers.csv?site={site.key}").text)))
    assert list(exported[0])[-4:] == ["version", "seconds_on_page", "search", "recovery"]
    assert exported[0]["version"] == "2026-11-30.r7"
    token = ApiToken.issue(site, "sync")[1]
    read = client.get(f"/api/v1/sites/{site.key}/answers", headers={"Authorization": f"Bearer {token}"}).json
    assert read["answers"][0]["version"] == "2026-11-30.r7"
    delivery = Delivery.get()
    assert webhooks.payload(delivery, Answer.get(), site, "https://ces.example.com")["answer"]["version"] == "2026-11-30.r7"


@pytest.mark.parametrize("version", ["has space", "x" * 41, "", "naïve", 20261130, ["r1"], "r1\n"])
def test_a_version_that_is_not_a_short_label_is_refused_by_name(client, site, version):
    response = post(client, "/api/v1/answers", answer_body(site, version=version))

    assert response.status_code == 400
    assert response.json["field"] == "version" and "unknown field" not in response.json["error"]
    assert Answer.select().count() == 0


def test_an_answer_without_a_version_has_none(client, site):
    assert post(client, "/api/v1/answers", answer_body(site)).status_code == 201
    assert Answer.get().version == ""


def test_the_drill_down_shows_each_version_newest_first_against_the_one_before(client, site, auth):
    # r1: 12 of 20 difficult; r2: 2 of 20, clearly better; r3: 3 of 20, within noise of r2.
    for number in range(20):
        give(site, f"a{number}", 1 if number < 12 else 7, "r1", days_ago=20)
        give(site, f"b{number}", 1 if number < 2 else 7, "r2", days_ago=10)
        give(site, f"c{number}", 1 if number < 3 else 7, "r3", days_ago=1)
    give(site, "elsewhere", 1, "r9", ref="kb-other")
    auth.login()

    page = client.get(f"/admin/hot-spot?site={site.key}&place=kb-42").text

    table = page[page.index('<table class="versions'):page.index("</table>", page.index('<table class="versions'))]
    rows = [row for row in table.split("<tr")[2:]]
    assert [row.split("<th", 1)[1].split(">", 1)[1].split("<", 1)[0] for row in rows] == ["r3", "r2", "r1"]
    assert "within noise" in rows[0] and "better" in rows[1] and "r9" not in table
    assert ">20<" in rows[2] and "60%" in rows[2]
    give(site, "unlabelled", 2, "")
    assert "1 answer without a version is not in this table" in client.get(
        f"/admin/hot-spot?site={site.key}&place=kb-42").text


def test_a_place_with_one_version_or_none_shows_no_comparison(client, site, auth):
    for number in range(5):
        give(site, f"a{number}", 2, "")
    auth.login()

    page = client.get(f"/admin/hot-spot?site={site.key}&place=kb-42").text

    assert 'class="versions' not in page


def test_the_widgets_version_is_stored_from_the_answer_body_only(client, site):
    body = answer_body(site, version="v2", meta={"version": "not this one"})
    assert post(client, "/api/v1/answers", body).status_code == 201
    answer = Answer.get()
    assert (answer.version, json.loads(json.dumps(answer.meta))) == ("v2", {"version": "not this one"})


def test_a_versions_answers_are_a_link_away_and_the_read_api_narrows_to_one(client, site, auth):
    give(site, "old", 1, "r1", days_ago=3)
    give(site, "new", 7, "r2")
    auth.login()
    drill_down = client.get(f"/admin/hot-spot?site={site.key}&place=kb-42").text
    link = drill_down.split('<table class="versions', 1)[1].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")

    page = client.get(link).text

    assert "version=r2" in link and "Answers on version r2" in page and "version r2" in page
    assert 'class="class-easy"' in page and 'class="class-difficult"' not in page  # r2's answer only
    token = ApiToken.issue(site, "sync")[1]
    read = client.get(f"/api/v1/sites/{site.key}/answers?version=r1", headers={"Authorization": f"Bearer {token}"})
    assert [answer["id"] for answer in read.json["answers"]] == ["old".rjust(20, "0")]
    refused = client.get(f"/api/v1/sites/{site.key}/answers?version=no%20spaces",
                         headers={"Authorization": f"Bearer {token}"})
    assert (refused.status_code, refused.json["field"]) == (400, "version")


def test_a_version_in_the_admins_url_that_is_no_label_is_reported_not_used(client, site, auth):
    give(site, "old", 1, "r1")
    auth.login()

    page = client.get(f"/admin/answers?site={site.key}&version=" + "x" * 300).text

    assert "version: not a revision label" in page and "x" * 300 not in page
    assert 'class="class-difficult"' in page  # every version shown


def test_the_read_apis_summary_is_given_per_version(client, site):
    # r2 of kb-42: 4 of 10 difficult (two chose "unclear"), on day 3 and 2; r1 elsewhere.
    for number in range(10):
        give(site, f"a{number}", 1 if number < 4 else 7, "r2", days_ago=2 + number % 2,
             reasons=["unclear"] if number < 2 else ())
        give(site, f"b{number}", 1, "r1", days_ago=20)
        give(site, f"c{number}", 1, "r2", ref="kb-7", days_ago=40)  # the period before
    token = ApiToken.issue(site, "sync")[1]
    headers = {"Authorization": f"Bearer {token}"}

    body = client.get(f"/api/v1/sites/{site.key}/summary?version=r2&min_answers=1", headers=headers).json
    bad = client.get(f"/api/v1/sites/{site.key}/summary?version=not+a+label", headers=headers)

    assert body["period"]["version"] == "r2"
    assert body["headline"]["answers"]["value"] == 10 and body["headline"]["answers"]["previous"] == 10
    assert body["headline"]["difficult"]["value"] == 40 and body["headline"]["difficult"]["previous"] == 100
    assert body["by_touchpoint"]["kb-article"]["answers"] == 10
    assert [(spot["place"], spot["answers"], spot["reasons"]) for spot in body["hot_spots"]] == [
        ("kb-42", 10, {"unclear": 2})]
    assert body["drivers"] == [{"reason": "unclear", "answers": 2, "percent_of_difficult": 50.0}]
    assert sum(point["answers"] for point in body["trend"]["points"]) == 10
    assert (bad.status_code, bad.json["field"]) == (400, "version")


def test_the_summary_marks_a_hot_spot_whose_latest_version_changed(client, site, auth):
    # kb-42: r1 12 of 20 difficult, r2 2 of 20: better. kb-7: one version only, no mark.
    for number in range(20):
        give(site, f"a{number}", 1 if number < 12 else 7, "r1", days_ago=20)
        give(site, f"b{number}", 1 if number < 2 else 7, "r2", days_ago=5)
        give(site, f"c{number}", 1 if number < 10 else 7, "r1", ref="kb-7", days_ago=3)
    auth.login()

    page = client.get(f"/admin/?site={site.key}").text
    places = client.get(f"/admin/places?site={site.key}").text

    for listing in (page, places):
        rows = listing[listing.index('<table class="hot-spots'):].split("<tr>")
        row_42 = next(row for row in rows if ">kb-42<" in row)
        row_7 = next(row for row in rows if ">kb-7<" in row)
        assert "version <bdi>r2</bdi>: <span class=\"better\">▲ better than</span> the one before" in row_42
        assert "version-change" not in row_7


def test_the_read_apis_hot_spots_carry_their_latest_version(client, site):
    for number in range(20):
        give(site, f"a{number}", 1 if number < 2 else 7, "r1", days_ago=20)
        give(site, f"b{number}", 1 if number < 14 else 7, "r2", days_ago=5)
    token = ApiToken.issue(site, "sync")[1]

    body = client.get(f"/api/v1/sites/{site.key}/summary", headers={"Authorization": f"Bearer {token}"}).json

    latest = body["hot_spots"][0]["latest_version"]
    assert (latest["version"], latest["change"], latest["answers"]) == ("r2", "worse", 20)
    assert latest["difficult_percent"] == 70
