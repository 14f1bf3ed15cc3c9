"""The read API: per-site tokens, cursor pages, filters like the summary."""
import datetime
import re

import pytest

from widget_server.models import ApiToken, Site

from .helpers import store, token_in


def give(site, key, score, **fields):
    fields.setdefault("touchpoint", "kb-article")
    store(site, {"key": f"{key:0>20}", "scale": "agreement7", "score": score, **fields})


@pytest.fixture
def token(site):
    return ApiToken.issue(site, "warehouse sync")[1]


def get(client, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers)


def test_answers_come_in_pages_oldest_first(client, site, token):
    for number in range(5):
        give(site, f"n{number}", 1 + number, ref=f"kb-{number}")

    first = get(client, f"/api/v1/sites/{site.key}/answers?limit=2", token)
    second = get(client, f"/api/v1/sites/{site.key}/answers?limit=2&cursor={first.json['next_cursor']}", token)
    third = get(client, f"/api/v1/sites/{site.key}/answers?limit=2&cursor={second.json['next_cursor']}", token)

    pages = [[answer["ref"] for answer in page.json["answers"]] for page in (first, second, third)]
    assert pages == [["kb-0", "kb-1"], ["kb-2", "kb-3"], ["kb-4"]]
    assert third.json["next_cursor"] is None
    assert first.json["answers"][0]["class"] == "difficult" and first.json["answers"][0]["site"] == site.key


def test_answers_are_filtered_like_the_summary(client, site, token):
    give(site, "old", 1, created_at=datetime.datetime(2026, 1, 5))
    give(site, "in", 1, created_at=datetime.datetime(2026, 2, 5), comment="hmm")
    give(site, "easy", 7, created_at=datetime.datetime(2026, 2, 6))

    found = get(client, f"/api/v1/sites/{site.key}/answers?from=2026-02-01&to=2026-02-28&class=difficult", token)

    assert [answer["comment"] for answer in found.json["answers"]] == ["hmm"]


def test_summary_figures(client, site, token):
    for number in range(12):
        give(site, f"s{number}", 1 if number < 8 else 7, ref="kb-hard", reasons=["unclear"] if number < 8 else [])

    body = get(client, f"/api/v1/sites/{site.key}/summary", token).json

    assert body["headline"]["answers"]["value"] == 12
    assert body["headline"]["difficult"]["value"] == pytest.approx(800 / 12)
    assert body["headline"]["mean_score_agreement7"]["value"] == pytest.approx((8 + 28) / 12)
    assert body["hot_spots"][0]["place"] == "kb-hard" and body["hot_spots"][0]["reasons"] == {"unclear": 8}
    assert body["drivers"][0] == {"reason": "unclear", "answers": 8, "percent_of_difficult": 100.0}
    assert body["by_touchpoint"]["kb-article"]["answers"] == 12


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Bearer", 401), ("Basic abc", 401), ("Bearer ces_not-a-real-token", 401)],
)
def test_missing_or_wrong_tokens_are_refused(client, site, token, authorization, status):
    headers = {"Authorization": authorization} if authorization else {}

    for path in ("answers", "summary"):
        response = client.get(f"/api/v1/sites/{site.key}/{path}", headers=headers)
        assert response.status_code == status
        assert response.json["field"] == "Authorization"


def test_a_revoked_token_is_refused(client, site, token):
    ApiToken.update(revoked_at=datetime.datetime(2026, 1, 1)).execute()

    assert get(client, f"/api/v1/sites/{site.key}/answers", token).status_code == 401


def test_another_sites_token_is_forbidden(client, site, token):
    other = Site.create_with_key("Other", ["https://other.example"])

    assert get(client, f"/api/v1/sites/{other.key}/answers", token).status_code == 403
    assert get(client, "/api/v1/sites/no-such-site/answers", token).status_code == 403


def test_tokens_are_stored_hashed(site, token):
    row = ApiToken.get()

    assert token not in (row.token_hash, row.prefix) and row.token_hash == ApiToken.hash(token)


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=yesterday", "from"), ("to=0001-01-01", "to"), ("limit=0", "limit"), ("limit=5000", "limit"),
     ("cursor=%%%", "cursor"), ("cursor=MTIz", "cursor"), ("touchpoint=Not%20Valid", "touchpoint"),
     ("class=great", "class"), ("with=photos", "with"), ("from=2026-02-30", "from"), ("from=20260201", "from"),
     ("place=" + "p" * 201, "place"), ("id=short", "id"),
     # Only plain digits are a whole number, as the description says (Python's int() takes more).
     ("limit=%2B5", "limit"), ("limit=1_0", "limit"), ("limit=%205", "limit"), ("limit=%D9%A5", "limit")],
)
def test_bad_parameters_name_their_field(client, site, token, query, field):
    response = get(client, f"/api/v1/sites/{site.key}/answers?{query}", token)

    assert (response.status_code, response.json["field"]) == (400, field)


def test_tokens_are_created_shown_once_and_revoked_in_the_admin(app, client, site, admin, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login()
    page = client.get(f"/admin/sites/{site.key}").text
    csrf = token_in(page)

    made = client.post(f"/admin/sites/{site.key}/tokens", data={"csrf_token": csrf, "name": "bi"})
    shown = re.search(r'<code id="one-time-value">(ces_[\w-]+)</code>', made.text)
    again = client.get(f"/admin/sites/{site.key}").text
    row = ApiToken.get(ApiToken.name == "bi")

    assert shown and shown[1] not in again
    assert get(client, f"/api/v1/sites/{site.key}/answers", shown[1]).status_code == 200

    client.post(f"/admin/sites/{site.key}/tokens/{row.id}/revoke", data={"csrf_token": csrf})

    assert ApiToken.get_by_id(row.id).revoked_at is not None


def test_openapi_description_is_served(client):
    spec = client.get("/api/v1/openapi.json").json

    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/answers", "/api/v1/sites/{key}/answers", "/api/v1/sites/{key}/summary"} <= set(spec["paths"])


def test_from_and_to_may_come_in_either_order(client, site, token):
    give(site, "a", 2, created_at=datetime.datetime(2026, 2, 10, 12))

    forwards = get(client, f"/api/v1/sites/{site.key}/answers?from=2026-02-01&to=2026-03-01", token).json
    backwards = get(client, f"/api/v1/sites/{site.key}/answers?from=2026-03-01&to=2026-02-01", token).json

    assert forwards == backwards and len(forwards["answers"]) == 1
