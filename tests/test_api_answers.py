"""The public answer API: validation, origins, idempotency and the follow-up."""
import json

import pytest

from widget_server.models import Answer, Impression

from .helpers import ANSWER_ID, ORIGIN, SECRET, answer_body, post

def test_answer_is_stored_with_its_class_and_ease(client, site):
    response = post(client, "/api/v1/answers", answer_body(site, customer="c-17", agent="nora-bot"))

    assert response.status_code == 201
    assert response.json["class"] == "difficult"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    answer = Answer.get()
    assert (answer.site_id, answer.touchpoint, answer.ref, answer.score) == (site.id, "kb-article", "kb-42", 2)
    assert (answer.scale, answer.effort_class) == ("agreement7", "difficult")
    assert answer.ease == pytest.approx(100 / 6)
    assert (answer.customer, answer.agent) == ("c-17", "nora-bot")


@pytest.mark.parametrize(
    ("scale", "score", "effort_class", "ease"),
    [
        ("agreement7", 7, "easy", 100),
        ("agreement7", 4, "neutral", 50),
        ("effort5", 1, "easy", 100),
        ("effort5", 4, "difficult", 25),
        ("ease5", 2, "difficult", 25),
        ("ease5", 3, "neutral", 50),
    ],
)
def test_each_scale_is_classed_by_its_own_direction(client, site, scale, score, effort_class, ease):
    response = post(client, "/api/v1/answers", answer_body(site, scale=scale, score=score))

    assert response.status_code == 201
    assert response.json["class"] == effort_class
    assert (Answer.get().effort_class, Answer.get().ease) == (effort_class, pytest.approx(ease))


def test_query_string_and_fragment_are_not_stored(client, site):
    post(client, "/api/v1/answers", answer_body(site, page="https://help.example.com/a?email=x@y.z#top"))

    assert Answer.get().page_url == "https://help.example.com/a"


def test_a_whole_number_written_with_a_decimal_point_is_that_number(client, site):
    # JSON, and JSON Schema's "integer", do not tell 5.0 from 5; a client's serialiser may write either.
    response = post(client, "/api/v1/answers", answer_body(site, score=5.0))

    assert response.status_code == 201
    assert Answer.get().score == 5 and isinstance(Answer.get().score, int)


def test_fields_with_a_fixed_shape_are_not_trimmed_into_it(client, site):
    response = post(client, "/api/v1/answers", answer_body(site, touchpoint=" kb-article"))

    assert response.status_code == 400 and response.json["field"] == "touchpoint"
    assert Answer.select().count() == 0


def test_json_content_type_is_accepted_too(client, site):
    response = post(client, "/api/v1/answers", answer_body(site), content_type="application/json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"site": ...}, 400, "site"),
        ({"site": 42}, 400, "site"),
        ({"site": "no-such-site"}, 404, "site"),
        ({"id": ...}, 400, "id"),
        ({"id": "short"}, 400, "id"),
        ({"id": "x" * 65}, 400, "id"),
        ({"id": "has spaces in it...."}, 400, "id"),
        ({"touchpoint": ...}, 400, "touchpoint"),
        ({"touchpoint": "Self Service"}, 400, "touchpoint"),
        ({"touchpoint": "x" * 41}, 400, "touchpoint"),
        ({"touchpoint": ["kb-article"]}, 400, "touchpoint"),
        ({"scale": ...}, 400, "scale"),
        ({"scale": "nps11"}, 400, "scale"),
        ({"score": ...}, 400, "score"),
        ({"score": 0}, 400, "score"),
        ({"score": 8}, 400, "score"),
        ({"scale": "effort5", "score": 6}, 400, "score"),
        ({"score": "5"}, 400, "score"),
        ({"score": 5.5}, 400, "score"),
        ({"score": 1e300}, 400, "score"),
        ({"score": True}, 400, "score"),
        ({"score": 10**40}, 400, "score"),
        ({"ref": "r" * 201}, 400, "ref"),
        ({"ref": {"a": 1}}, 400, "ref"),
        ({"ref": "line\nbreak"}, 400, "ref"),
        ({"ref": "nul\x00byte"}, 400, "ref"),
        ({"page": "javascript:alert(1)"}, 400, "page"),
        ({"page": " https://help.example.com/a"}, 400, "page"),
        ({"page": "https://help.example.com\t"}, 400, "page"),
        ({"page": "https://" + "a" * 2000}, 400, "page"),
        ({"locale": "english please"}, 400, "locale"),
        ({"customer": "c" * 201}, 400, "customer"),
        ({"agent": 7}, 400, "agent"),
        ({"comment": "c" * 2001}, 400, "comment"),
        ({"reasons": "not-found"}, 400, "reasons"),
        ({"reasons": ["bored"]}, 400, "reasons"),
        ({"reasons": ["unclear", "unclear"]}, 400, "reasons"),
        ({"meta": ["x"]}, 400, "meta"),
        ({"meta": {"bad key!": 1}}, 400, "meta.bad key!"),
        ({"meta": {"plan": {"nested": 1}}}, 400, "meta.plan"),
        ({"meta": {f"k{i}": i for i in range(21)}}, 400, "meta"),
        ({"colour": "blue"}, 400, "colour"),
    ],
)
def test_bad_fields_are_refused_by_name_and_nothing_is_stored(client, site, changes, status, field):
    response = post(client, "/api/v1/answers", answer_body(site, **changes))

    assert response.status_code == status
    assert response.json["field"] == field
    assert response.json["error"].startswith(field)
    assert Answer.select().count() == 0


@pytest.mark.parametrize(
    ("data", "content_type", "status", "field"),
    [
        ("{not json", "text/plain", 400, "body"),
        ('{"score": NaN}', "text/plain", 400, "body"),
        ("[1, 2]", "text/plain", 400, "body"),
        ('"just a string"', "text/plain", 400, "body"),
        ("", "text/plain", 400, "body"),
        (b"\xff\xfe{}", "text/plain", 400, "body"),
        ('{"site": "x"}', "application/x-www-form-urlencoded", 415, "Content-Type"),
        ('{"site": "x"}', "multipart/form-data; boundary=x", 415, "Content-Type"),
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(client, site, data, content_type, status, field):
    response = post(client, "/api/v1/answers", data, content_type=content_type)

    assert response.status_code == status
    assert response.json["field"] == field
    assert Answer.select().count() == 0


def test_oversized_body_is_refused_with_413(client, site):
    response = post(client, "/api/v1/answers", answer_body(site, comment="x" * 9000))

    assert response.status_code == 413
    assert "8192 bytes" in response.json["error"]
    assert Answer.select().count() == 0


def test_lone_surrogate_is_refused_not_a_500(client, site):
    raw = json.dumps(answer_body(site)).replace('"kb-42"', '"\\ud800"')

    response = post(client, "/api/v1/answers", raw)

    assert response.status_code == 400
    assert response.json["field"] == "ref"


@pytest.mark.parametrize("origin", ["https://evil.example", "https://help.example.com.evil.example"])
def test_answer_from_an_origin_not_allowed_is_refused_and_not_stored(client, site, origin):
    response = post(client, "/api/v1/answers", answer_body(site), origin=origin)

    assert response.status_code == 403
    assert response.json["field"] == "Origin"
    assert "--add-origin" in response.json["error"]
    assert Answer.select().count() == 0


def test_answer_without_an_origin_is_refused_before_its_site_is_looked_up(client, site):
    known = post(client, "/api/v1/answers", answer_body(site), origin=None)
    unknown = post(client, "/api/v1/answers", answer_body(site, site="nosuchsite0000000"), origin=None)

    # The same answer either way: a request without an Origin cannot tell which sites exist.
    assert known.status_code == unknown.status_code == 403
    assert known.json == unknown.json and known.json["field"] == "Origin"
    assert "missing" in known.json["error"] and "not stored" in known.json["error"]
    assert "--add-origin" not in known.json["error"]  # no origin to add: it came from no page
    assert Answer.select().count() == 0


def test_a_site_change_from_another_server_applies_within_the_cache_time(client, site, monkeypatch):
    from widget_server import models
    from widget_server.models import Site

    assert post(client, "/api/v1/answers", answer_body(site, id="before-change-0001")).status_code == 201
    # Another server removes the origin: this process still has the site as it was ...
    Site.update(origins=[]).where(Site.id == site.id).execute()
    assert post(client, "/api/v1/answers", answer_body(site, id="cached-change-0002")).status_code == 201

    # ... until its copy is older than SITE_CACHE_SECONDS.
    monkeypatch.setattr(models, "SITE_CACHE_SECONDS", 0)
    refused = post(client, "/api/v1/answers", answer_body(site, id="after-change-0003"))
    assert refused.status_code == 403 and refused.json["field"] == "Origin"


def test_a_site_change_saved_by_this_process_applies_at_once(client, runner, site):
    assert post(client, "/api/v1/answers", answer_body(site, id="before-save-00001")).status_code == 201
    result = runner.invoke(args=["site", "set", site.key, "--remove-origin", ORIGIN])
    assert result.exit_code == 0, result.output

    assert post(client, "/api/v1/answers", answer_body(site, id="after-save-000002")).status_code == 403


def test_preflight_is_answered_for_browsers(client, site):
    response = client.options(
        "/api/v1/answers",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_a_retry_with_the_same_id_returns_the_first_answer_and_stores_one(client, site):
    first = post(client, "/api/v1/answers", answer_body(site))
    again = post(client, "/api/v1/answers", answer_body(site))

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json == again.json
    assert Answer.select().count() == 1


def test_the_same_id_for_a_different_score_is_a_conflict(client, site):
    post(client, "/api/v1/answers", answer_body(site, score=2))
    response = post(client, "/api/v1/answers", answer_body(site, score=6))

    assert response.status_code == 409
    assert response.json["field"] == "id"
    assert Answer.get().score == 2


def follow_up(client, site, **fields):
    return post(client, f"/api/v1/answers/{ANSWER_ID}/follow-up", {"site": site.key, "secret": SECRET, **fields})


def test_follow_up_with_the_answers_secret_adds_reasons_and_comment(client, site):
    post(client, "/api/v1/answers", answer_body(site))

    response = follow_up(client, site, reasons=["not-found", "channel"], comment="Had to call.\nTwice.")

    assert response.status_code == 200
    answer = Answer.get()
    assert answer.reasons == ["not-found", "channel"]
    assert answer.comment == "Had to call.\nTwice."
    assert answer.updated_at is not None


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"secret": ...}, 403, "secret"),
        ({"secret": "x"}, 400, "secret"),
        ({"comment": 5}, 400, "comment"),
        ({"reasons": ["nope"]}, 400, "reasons"),
        ({"score": 7}, 400, "score"),
    ],
)
def test_follow_up_validation(client, site, fields, status, field):
    post(client, "/api/v1/answers", answer_body(site))
    body = {"site": site.key, "secret": SECRET, **fields}
    body = {key: value for key, value in body.items() if value is not ...}

    response = post(client, f"/api/v1/answers/{ANSWER_ID}/follow-up", body)

    assert (response.status_code, response.json["field"]) == (status, field)
    assert Answer.get().comment == "" and Answer.get().score == 2


def test_impression_is_recorded(client, site):
    response = post(client, "/api/v1/impressions", {"site": site.key, "touchpoint": "kb-article", "ref": "kb-42"})

    assert response.status_code == 204
    assert (Impression.get().touchpoint, Impression.get().ref) == ("kb-article", "kb-42")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"touchpoint": "kb-article"}, 400, "site"),
        ({"site": "SITE", "touchpoint": "Bad Name"}, 400, "touchpoint"),
        ({"site": "SITE"}, 400, "touchpoint"),
        ({"site": "SITE", "touchpoint": "kb-article", "score": 3}, 400, "score"),
    ],
)
def test_impression_validation(client, site, body, status, field):
    body = {key: site.key if value == "SITE" else value for key, value in body.items()}

    response = post(client, "/api/v1/impressions", body)

    assert (response.status_code, response.json["field"]) == (status, field)
    assert Impression.select().count() == 0


def test_unknown_api_route_answers_json_404(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert "error" in response.json


@pytest.mark.parametrize("path", ["/api/v1/answers/a%2Fb/follow-up", "/api/v1/answers/line%0Abreak/x/follow-up",
                                  "/preview/somesite/api/v1/nothing", "/api/v1"])
def test_paths_no_api_route_takes_answer_json_404(client, path):
    response = client.post(path, data="{}", content_type="text/plain", headers={"Origin": ORIGIN})

    assert response.status_code == 404 and response.is_json and response.json["error"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PROPFIND", "TRACE"])
def test_a_method_an_api_path_does_not_take_answers_json_405_with_allow(client, method):
    response = client.open("/api/v1/answers", method=method, headers={"Origin": ORIGIN})

    assert response.status_code == 405 and response.is_json and response.json["error"]
    assert "POST" in response.headers["Allow"]


def test_paths_outside_the_apis_keep_their_own_errors(client):
    response = client.get("/admin/nothing-here")

    assert response.status_code == 404 and not response.is_json
