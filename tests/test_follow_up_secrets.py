"""The follow-up secret: only the browser that gave an answer can add its follow-up, once,
within its window; a stranger who knows an answer's id (from an alert, an export, the read
API or an access log) learns nothing from it and changes nothing."""
import datetime
import json

import pytest

from widget_server.models import Answer

from .helpers import ORIGIN

ANSWER_ID = "v" * 24
SECRET = "s3cret-" + "a" * 25


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="text/plain", headers={"Origin": ORIGIN})


def answer(client, site, **changes):
    body = {"site": site.key, "id": ANSWER_ID, "secret": SECRET, "touchpoint": "kb-article", "scale": "agreement7",
            "score": 2}
    body.update(changes)
    return post(client, "/api/v1/answers", {key: value for key, value in body.items() if value is not ...})


def follow_up(client, site, **fields):
    return post(client, f"/api/v1/answers/{ANSWER_ID}/follow-up", {"site": site.key, **fields})


def test_the_secret_is_never_returned_and_only_its_hash_is_kept(client, site):
    first = answer(client, site)
    retry = answer(client, site)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json == retry.json == {"id": ANSWER_ID, "class": "difficult"}
    stored = Answer.get()
    assert SECRET not in json.dumps(stored.__data__, default=str)
    assert stored.secret_hash and len(stored.secret_hash) == 64


def test_an_id_alone_reveals_neither_the_score_nor_a_token(client, site):
    answer(client, site, score=5)

    # A stranger tries every score on the victim's id, with no secret or a guessed one.
    tries = [answer(client, site, score=score, secret=secret)
             for score in range(1, 8) for secret in (..., "guess-" + "b" * 26)]

    assert {response.status_code for response in tries} == {409}
    assert len({json.dumps(response.json) for response in tries}) == 1
    assert all("token" not in response.json and "secret" not in response.json for response in tries)
    assert (Answer.get().score, Answer.select().count()) == (5, 1)


def test_only_the_answering_browsers_secret_adds_a_follow_up(client, site):
    answer(client, site)

    stranger = follow_up(client, site, secret="guess-" + "b" * 26, comment="Overwritten")
    no_answer = post(client, f"/api/v1/answers/{'n' * 24}/follow-up", {"site": site.key, "secret": SECRET})
    owner = follow_up(client, site, secret=SECRET, reasons=["not-found"], comment="No screenshot")

    # An unknown id and a wrong secret look the same, so neither tells whether an id exists.
    assert (stranger.status_code, no_answer.status_code) == (403, 403)
    assert stranger.json == no_answer.json and stranger.json["field"] == "secret"
    assert owner.status_code == 200
    assert (Answer.get().comment, Answer.get().reasons) == ("No screenshot", ["not-found"])


def test_one_follow_up_per_answer_and_a_retry_of_it_is_fine(client, site):
    answer(client, site)
    first = follow_up(client, site, secret=SECRET, comment="No screenshot")

    retry = follow_up(client, site, secret=SECRET, comment="No screenshot")
    another = follow_up(client, site, secret=SECRET, comment="Changed my mind, it was fine")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert (another.status_code, another.json["field"]) == (409, "comment")
    assert Answer.get().comment == "No screenshot"


def age_answer(hours):
    answer = Answer.get()
    Answer.update(created_at=answer.created_at - datetime.timedelta(hours=hours)).execute()


def test_follow_ups_close_after_the_window(app, client, site):
    answer(client, site)
    age_answer(app.config["FOLLOW_UP_HOURS"] + 1)

    late = follow_up(client, site, secret=SECRET, comment="Much later")

    assert (late.status_code, late.json["field"]) == (410, "id")
    assert "24 hours" in late.json["error"]
    assert Answer.get().comment == ""


def test_an_answer_stored_before_secrets_keeps_its_token_until_its_window_ends(app, client, site):
    """Answers given before the upgrade carry no secret: the token their browser was given
    still works, for the same window."""
    answer(client, site, secret=...)
    stored = Answer.get()
    assert stored.secret_hash == ""
    token = stored.follow_up_token(app.config["SECRET_KEY"])

    accepted = follow_up(client, site, token=token, comment="From the old widget")
    age_answer(app.config["FOLLOW_UP_HOURS"] + 1)
    late = follow_up(client, site, token=token, comment="Too late")

    assert accepted.status_code == 200
    assert late.status_code == 410
    assert Answer.get().comment == "From the old widget"


def test_a_token_does_not_open_an_answer_made_with_a_secret(app, client, site):
    answer(client, site)
    token = Answer.get().follow_up_token(app.config["SECRET_KEY"])

    response = follow_up(client, site, token=token, comment="Overwritten")

    assert (response.status_code, response.json["field"]) == (403, "secret")
    assert Answer.get().comment == ""


@pytest.mark.parametrize("secret", ["short", "x" * 129, "spaces are not allowed in it ok", 42])
def test_a_secret_that_is_not_one_is_refused_by_name(client, site, secret):
    response = answer(client, site, secret=secret)

    assert (response.status_code, response.json["field"]) == (400, "secret")
    assert Answer.select().count() == 0
