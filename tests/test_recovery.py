"""The recovery link: a site's (or a touchpoint's) page offered right after a difficult
answer, checked like any setting, in the widget's configuration, counted when offered
(with the answer) and when taken (by the answer's own browser), in the summary."""
import datetime

import pytest

from widget_server.models import Answer, Site

from .helpers import ANSWER_ID, SECRET, answer_body, post, token_in


@pytest.fixture
def helped(app, site):
    with app.app_context():
        site.change(recovery_url="https://help.example.com/contact", recovery_urls={"chatbot-exit": "https://help.example.com/agent"})
        site.save()
    return site


def config(client, site):
    return client.get(f"/api/v1/sites/{site.key}/config", headers={"Origin": "https://help.example.com"}).json


def test_the_configuration_gives_each_touchpoint_its_link_and_text(client, helped):
    body = config(client, helped)

    assert body["touchpoints"]["kb-article"]["recovery"] == "https://help.example.com/contact"
    assert body["touchpoints"]["chatbot-exit"]["recovery"] == "https://help.example.com/agent"
    assert body["text"]["recovery"] == "Still stuck? Contact support"
    nl = client.get(f"/api/v1/sites/{helped.key}/config?lang=nl", headers={"Origin": "https://help.example.com"}).json
    assert nl["text"]["recovery"].startswith("Kom je er nog niet uit?")


def test_a_site_without_one_offers_none(client, site):
    assert all("recovery" not in setup for setup in config(client, site)["touchpoints"].values())


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//help.example.com/contact", "help.example.com",
                                 "https://help.example.com/a b", "data:text/html,hi", "https://" + "x" * 500 + ".com",
                                 # Accepted by Python, refused by browsers' URL parser (or by both):
                                 "https://help.example.com:99999/c", "https://help.example.com:80a/c",
                                 "https://exa<mple.com/c", "https://1.2.3.999/", "https://[::1", "https://[zz]/"])
def test_an_address_that_is_no_http_page_is_refused_by_name(client, helped, auth, url):
    auth.login()
    page = client.get(f"/admin/sites/{helped.key}").text
    form = {"csrf_token": token_in(page), "name": helped.name, "origins": "\n".join(helped.origins),
            "scale": helped.scale, "cooldown_days": "30", "sample_percent": "100", "auto_delay_seconds": "20",
            "auto_scroll_percent": "50", "recovery_url": "", "recovery.kb-article": url}

    refused = client.post(f"/admin/sites/{helped.key}", data=form)

    assert refused.status_code == 400
    assert 'id="field-recovery.kb-article" name="recovery.kb-article" aria-invalid="true"' in refused.text
    assert "recovery_urls: kb-article:" in refused.text
    assert Site.get_by_id(helped.id).recovery_urls == {"chatbot-exit": "https://help.example.com/agent"}


def test_the_cli_sets_and_removes_a_touchpoints_link(runner, helped):
    result = runner.invoke(args=["site", "set", helped.key, "--touchpoint-recovery-url", "chatbot-exit=",
                                 "--touchpoint-recovery-url", "kb-article=https://help.example.com/kb-help"])
    bad = runner.invoke(args=["site", "set", helped.key, "--recovery-url", "javascript:alert(1)"])

    assert result.exit_code == 0, result.output
    assert Site.get_by_id(helped.id).recovery_urls == {"kb-article": "https://help.example.com/kb-help"}
    assert bad.exit_code != 0 and "recovery_url: 'javascript:alert(1)' is not an http(s) address" in bad.output


def test_offered_is_kept_only_for_a_difficult_answer_on_a_touchpoint_with_a_link(client, helped, site):
    assert post(client, "/api/v1/answers", answer_body(helped, score=1, recovery_offered=True)).status_code == 201
    assert post(client, "/api/v1/answers", answer_body(helped, id="b" * 20, score=7, recovery_offered=True)).status_code == 201

    by_score = {answer.score: answer.recovery for answer in Answer.select()}
    assert by_score == {1: "offered", 7: ""}


def test_recovery_offered_must_be_true_or_false(client, helped):
    response = post(client, "/api/v1/answers", answer_body(helped, recovery_offered="yes"))

    assert response.status_code == 400 and response.json["field"] == "recovery_offered"
    assert Answer.select().count() == 0


def test_only_the_answers_browser_marks_it_taken_once(client, helped):
    post(client, "/api/v1/answers", answer_body(helped, score=1, recovery_offered=True))
    path = f"/api/v1/answers/{ANSWER_ID}/recovery"

    stranger = post(client, path, {"site": helped.key, "secret": "s" * 32})
    without_origin = post(client, path, {"site": helped.key, "secret": SECRET}, origin=None)
    first = post(client, path, {"site": helped.key, "secret": SECRET})
    taken_at = Answer.get().recovery_taken_at
    again = post(client, path, {"site": helped.key, "secret": SECRET})

    assert (stranger.status_code, without_origin.status_code) == (403, 403)
    assert (first.status_code, again.status_code) == (204, 204)
    assert Answer.get().recovery == "taken" and Answer.get().recovery_taken_at == taken_at


def test_an_answer_offered_nothing_cannot_be_marked_taken(client, helped):
    post(client, "/api/v1/answers", answer_body(helped, score=7))

    response = post(client, f"/api/v1/answers/{ANSWER_ID}/recovery", {"site": helped.key, "secret": SECRET})

    assert response.status_code == 409 and response.json["field"] == "id"
    assert Answer.get().recovery == ""


def test_taken_after_the_follow_up_window_is_refused(client, helped):
    post(client, "/api/v1/answers", answer_body(helped, score=1, recovery_offered=True))
    Answer.update(created_at=Answer.get().created_at - datetime.timedelta(hours=25)).execute()

    response = post(client, f"/api/v1/answers/{ANSWER_ID}/recovery", {"site": helped.key, "secret": SECRET})

    assert response.status_code == 410 and Answer.get().recovery == "offered"


def test_the_summary_counts_offered_and_taken(client, helped, auth):
    for number in range(4):
        post(client, "/api/v1/answers", answer_body(helped, id=f"{number:0>20}", score=1, recovery_offered=True))
    post(client, f"/api/v1/answers/{0:0>20}/recovery", {"site": helped.key, "secret": SECRET})
    auth.login()

    page = client.get(f"/admin/?site={helped.key}").text

    assert "offered after <strong>4</strong> difficult answers in this period, taken <strong>1</strong> time (25%)" in page


def test_a_touchpoint_the_site_has_not_named_gets_self_services_link_as_the_widget_shows_it(client, app, site):
    with app.app_context():
        site.change(recovery_urls={"self-service": "https://help.example.com/self"})
        site.save()
    body = answer_body(site, touchpoint="checkout", score=1, recovery_offered=True)

    assert post(client, "/api/v1/answers", body).status_code == 201
    assert Answer.get().recovery == "offered"
    assert config(client, site)["touchpoints"]["self-service"]["recovery"] == "https://help.example.com/self"
    assert "checkout" not in config(client, site)["touchpoints"]
