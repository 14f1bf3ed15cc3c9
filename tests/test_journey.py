"""The journey behind an answer: the seconds on the page before it and the help-centre
search that led there, sent by the widget unless the site turns them off, stored in their
own columns, given out with the answer, and summed up in a place's drill-down."""
import csv
import datetime
import io

import pytest

from widget_server.models import Answer, ApiToken, Site

from .helpers import answer_body, post, store, token_in

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def give(site, key, score, search="", seconds=None, ref="kb-42"):
    store(site, {"key": f"{key:0>20}", "touchpoint": "kb-article", "scale": "agreement7", "score": score,
                 "ref": ref, "search": search, "seconds_on_page": seconds, "created_at": NOW})


def test_the_journey_is_stored_and_given_out_with_the_answer(client, site, auth):
    body = answer_body(site, seconds_on_page=95, search="reset password")
    assert post(client, "/api/v1/answers", body).status_code == 201

    answer = Answer.get()
    assert (answer.seconds_on_page, answer.search) == (95, "reset password")
    auth.login()
    exported = next(csv.DictReader(io.StringIO(client.get(f"/admin/export/answers.csv?site={site.key}").text)))
    assert (exported["seconds_on_page"], exported["search"]) == ("95", "reset password")
    token = ApiToken.issue(site, "sync")[1]
    read = client.get(f"/api/v1/sites/{site.key}/answers", headers={"Authorization": f"Bearer {token}"}).json
    assert (read["answers"][0]["seconds_on_page"], read["answers"][0]["search"]) == (95, "reset password")


def test_an_answer_without_a_journey_has_none(client, site, auth):
    assert post(client, "/api/v1/answers", answer_body(site)).status_code == 201
    assert (Answer.get().seconds_on_page, Answer.get().search) == (None, "")
    auth.login()
    exported = next(csv.DictReader(io.StringIO(client.get(f"/admin/export/answers.csv?site={site.key}").text)))
    assert (exported["seconds_on_page"], exported["search"]) == ("", "")


@pytest.mark.parametrize("field, value", [
    ("seconds_on_page", -1), ("seconds_on_page", 2.5), ("seconds_on_page", "95"), ("seconds_on_page", True),
    ("seconds_on_page", 2**31), ("search", "x" * 201), ("search", "two\nlines"), ("search", 42),
    ("search", ["reset"]),
])
def test_a_journey_field_that_is_not_what_the_widget_sends_is_refused_by_name(client, site, field, value):
    response = post(client, "/api/v1/answers", answer_body(site, **{field: value}))

    assert response.status_code == 400
    assert response.json["field"] == field and "unknown field" not in response.json["error"]
    assert Answer.select().count() == 0


def test_what_the_site_does_not_collect_is_not_stored_even_when_sent(client, site):
    # A widget that loaded the configuration before the change, or anyone with the key,
    # may still send them: the answer is stored, without them.
    site.change(collect_time_on_page=False, search_parameters="")
    site.save()

    response = post(client, "/api/v1/answers", answer_body(site, seconds_on_page=95, search="reset password"))

    assert response.status_code == 201
    assert (Answer.get().seconds_on_page, Answer.get().search) == (None, "")


def test_the_configuration_tells_the_widget_what_to_collect(app, client, site):
    def journey():
        return client.get(f"/api/v1/sites/{site.key}/config", headers={"Origin": "https://help.example.com"}).json[
            "journey"]

    assert journey() == {"seconds": True, "search": ["q", "query", "search"]}
    with app.app_context():  # where saving forgets the site this process looked up
        site.change(collect_time_on_page=False, search_parameters="term, s")
        site.save()
    assert journey() == {"seconds": False, "search": ["term", "s"]}


def test_the_cli_turns_each_part_off_and_names_a_bad_parameter(runner, site):
    off = runner.invoke(args=["site", "set", site.key, "--no-time-on-page", "--search-parameters", ""])
    bad = runner.invoke(args=["site", "set", site.key, "--search-parameters", "q&x"])

    assert off.exit_code == 0, off.output
    assert '"collect_time_on_page": false' in off.output and '"search_parameters": []' in off.output
    assert bad.exit_code != 0 and "search_parameters: 'q&x' is not a query parameter name" in bad.output
    fresh = Site.get_by_id(site.id)
    assert (fresh.collect_time_on_page, fresh.search_parameters) == (False, [])


def test_the_site_page_explains_what_is_collected_and_turns_it_off(client, site, auth):
    auth.login()
    page = client.get(f"/admin/sites/{site.key}").text
    assert "What the widget sends with each answer" in page and 'value="q query search"' in page
    form = {"csrf_token": token_in(page), "name": site.name, "origins": "\n".join(site.origins), "scale": site.scale,
            "cooldown_days": "30", "sample_percent": "100", "auto_delay_seconds": "20", "auto_scroll_percent": "50",
            "journey": "shown", "search_parameters": "term"}

    saved = client.post(f"/admin/sites/{site.key}", data=form)
    refused = client.post(f"/admin/sites/{site.key}", data={**form, "search_parameters": "a/b"})

    assert saved.status_code == 302
    assert refused.status_code == 400 and "search_parameters: &#39;a/b&#39; is not a query parameter name" in refused.text
    fresh = Site.get_by_id(site.id)
    assert (fresh.collect_time_on_page, fresh.search_parameters) == (False, ["term"])


def test_the_drill_down_counts_the_searches_before_difficult_answers_and_compares_time_on_page(client, site, auth):
    for number in range(3):
        give(site, f"a{number}", 1, search="Reset password", seconds=40 + number * 10)
    give(site, "b", 2, search="reset PASSWORD")
    give(site, "c", 1, search="two factor", seconds=300)
    give(site, "d", 7, search="opening hours", seconds=20)
    give(site, "e", 7, seconds=30)
    give(site, "f", 1, search="elsewhere", ref="kb-other")
    auth.login()

    page = client.get(f"/admin/hot-spot?site={site.key}&place=kb-42").text

    searches = page[page.index('class="drivers searches"'):]
    searches = searches[:searches.index("</ul>")]
    assert searches.index("reset password") < searches.index("two factor")
    assert ">4<" in searches and "opening hours" not in searches and "elsewhere" not in searches
    # Difficult: 40, 50, 60 and 300 s, median 55 s; easy: 20 and 30 s, median 25 s.
    assert "<strong>55 s</strong> for difficult answers (4)" in page
    assert "<strong>25 s</strong> for easy ones (2)" in page


def test_a_place_without_a_journey_says_so(client, site, auth):
    give(site, "a", 1)
    auth.login()

    page = client.get(f"/admin/hot-spot?site={site.key}&place=kb-42").text

    assert "No help-centre search led to a difficult answer here in this period." in page
    assert "Time on the page before answering" not in page
