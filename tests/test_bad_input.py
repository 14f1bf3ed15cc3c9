"""Anything anyone can send to the public and read APIs gets a 4xx naming the problem,
never a 5xx, and never a stored row: thousands of generated payloads and a corpus of
known-nasty ones."""
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from widget_server.models import Answer, ApiToken, Impression

from .helpers import ORIGIN, csrf_token

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

any_text = st.text(st.characters(exclude_categories=()), max_size=300)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | any_text
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
                           max_leaves=12)
# URLs carry bytes, not lone surrogates: query values are any other text, or raw
# percent-escapes, invalid UTF-8 included.
url_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300) | st.binary(max_size=40).map(
    lambda raw: "".join(f"%{byte:02X}" for byte in raw))
FIELDS = ["site", "id", "touchpoint", "scale", "score", "ref", "page", "locale", "customer", "agent", "conversation",
          "meta", "reasons", "comment", "token"]
bodies = st.dictionaries(st.sampled_from(FIELDS) | any_text, json_values, max_size=10)


@pytest.fixture
def app(app):
    # Thousands of requests from one client: every one must reach validation, not a 429.
    app.config.update(RATE_LIMIT_PER_CLIENT="1000000 per minute", RATE_LIMIT_PER_SITE="1000000 per minute")
    return app


def send(client, path, data, content_type="text/plain"):
    return client.post(path, data=data, content_type=content_type, headers={"Origin": ORIGIN})


def assert_refused_cleanly(response):
    assert response.status_code < 500, response.data[:300]
    # Every payload must reach the checks: a 429 would mean the limits stopped the run.
    assert response.status_code != 429, "raise the limits for this module"
    if response.status_code >= 400:
        assert response.is_json and response.json["error"], response.data[:300]


@pytest.mark.parametrize(("path", "model", "created"),
                         [("/api/v1/answers", Answer, 201), ("/api/v1/impressions", Impression, 204)])
@SETTINGS
@given(body=bodies)
def test_generated_writes(client, site, path, model, created, body):
    body.setdefault("site", site.key)
    before = model.select().count()

    response = send(client, path, json.dumps(body, allow_nan=True))

    assert_refused_cleanly(response)
    assert model.select().count() == before + (response.status_code == created)


@SETTINGS
@given(body=bodies, answer_id=url_text)
def test_generated_follow_ups(client, site, body, answer_id):
    body.setdefault("site", site.key)
    response = send(client, f"/api/v1/answers/{quote(answer_id[:80], safe='') or 'x'}/follow-up",
                    json.dumps(body, allow_nan=True))

    assert_refused_cleanly(response)
    assert Answer.select().where(Answer.comment != "").count() == 0


@SETTINGS
@given(raw=st.binary(max_size=2000), content_type=st.sampled_from(["text/plain", "application/json", "text/html", ""]))
def test_generated_raw_bodies(client, site, raw, content_type):
    response = send(client, "/api/v1/answers", raw, content_type)

    assert_refused_cleanly(response)
    assert Answer.select().count() == 0


@SETTINGS
@given(key=url_text, lang=url_text, query=st.dictionaries(st.sampled_from(["from", "to", "touchpoint", "place", "class",
                                                                            "with", "limit", "cursor", "min_answers"]),
                                                           url_text, max_size=5))
def test_generated_reads(client, site, key, lang, query):
    token = ApiToken.get_or_none() or ApiToken.issue(site, "fuzz")[1]
    token = token if isinstance(token, str) else None
    for path, params in ((f"/api/v1/sites/{quote(key, safe='') or 'x'}/config", {"lang": lang}),
                         (f"/api/v1/sites/{site.key}/answers", query), (f"/api/v1/sites/{site.key}/summary", query)):
        response = client.get(path, query_string=params, headers={"Origin": ORIGIN,
                                                                  "Authorization": f"Bearer {token or 'x'}"})
        assert_refused_cleanly(response)


NASTY = [
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": "ease5", "score": 1e400}', 400),
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": "ease5", "score": '
     + "9" * 5000 + "}", 400),
    # Nesting deep enough to exhaust the JSON parser's recursion, yet under the size cap.
    ("[" * 4000 + "]" * 4000, 400),
    ('{"a":' * 1300 + "1" + "}" * 1300, 400),
    ('\ufeff{"site": "SITE"}', 400),
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": "ease5", "score": 3,'
     ' "comment": "\\u202eevil\\u202c \\u0000"}', 400),
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": "ease5", "score": 3,'
     ' "ref": "\\udfff"}', 400),
    # Which of two equal keys wins differs between parsers: refused.
    ('{"site": "SITE", "site": "other", "id": "aaaaaaaaaaaaaaaaaaaa"}', 400),
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": "ease5", "score": 3,'
     ' "comment": "' + "x" * 100_000 + '"}', 413),
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": "ease5", "score": 3,'
     ' "meta": {"__proto__": {"admin": true}}}', 400),
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": "__proto__", "score": 3}', 400),
    # A scale that is not a string cannot be looked up (found by schemathesis).
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": {}, "score": 3}', 400),
    ('{"site": "SITE", "id": "aaaaaaaaaaaaaaaaaaaa", "touchpoint": "kb-article", "scale": ["ease5"], "score": 3}', 400),
    ("null", 400),
    ("", 400),
]


@pytest.mark.parametrize(("raw", "status"), NASTY, ids=range(len(NASTY)))
def test_known_nasty_payloads(client, site, raw, status):
    response = send(client, "/api/v1/answers", raw.replace("SITE", site.key))

    assert_refused_cleanly(response)
    assert response.status_code == status
    assert Answer.select().count() == 0


def test_a_field_named_with_a_lone_surrogate_is_named_back_safely(client, site):
    response = send(client, "/api/v1/answers", '{"site": "%s", "\\ud800": 1}' % site.key)

    assert response.status_code == 400 and response.json["field"] == "\\ud800"


@pytest.mark.parametrize(("method", "path", "form", "field"), [
    ("GET", "/api/v1/sites/%00/config", None, "key"),
    ("GET", "/api/v1/sites/SITE/config?lang=fr%00", None, "lang"),
    ("GET", "/admin/?touchpoint=%00", None, "touchpoint"),
    ("POST", "/admin/login", {"username": "olivia\x00", "password": "x"}, "username"),
])
def test_nul_characters_are_refused_by_name_before_any_query(client, site, method, path, form, field):
    # PostgreSQL cannot even compare text holding NUL; SQLite can, so this guards both the same way.
    if form is not None:
        form["csrf_token"] = csrf_token(client, "/admin/login")
    response = client.open(path.replace("SITE", site.key), method=method, data=form, headers={"Origin": ORIGIN})

    assert response.status_code == 400
    # The APIs answer in JSON, the admin with a page; both name the field.
    message = response.json["error"] if response.is_json else response.text
    assert f"{field}: must not contain NUL characters" in message
    assert response.is_json == path.startswith("/api/")
