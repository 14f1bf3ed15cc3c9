"""The summary, hot-spot and site pages as an admin sees them."""
import datetime
import re

import pytest

from widget_server import create_app
from widget_server.db import flask_db
from widget_server.models import Answer, Site

from . import databases
from .helpers import csrf_token, store, store_impression, token_in


@pytest.fixture
def app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def signed_in(client, admin, auth):
    auth.login()
    return client



def give(site, key, score, **fields):
    fields.setdefault("touchpoint", "kb-article")
    store(site, {"key": f"{key:0>20}", "scale": "agreement7", "score": score, **fields})


HOSTILE = '<img src=x onerror="alert(1)">'


def test_summary_shows_figures_hot_spots_and_escaped_comments(signed_in, site):
    for number in range(12):
        give(site, f"a{number}", 1 if number < 9 else 7, ref="kb-hard", reasons=["not-found"] if number < 9 else [])
    give(site, "h1", 2, ref=HOSTILE, comment=HOSTILE, customer=HOSTILE, agent="nora-bot", touchpoint="chatbot-exit")

    page = signed_in.get(f"/admin/?site={site.key}")

    assert page.status_code == 200
    text = page.text
    assert "kb-hard" in text and "I couldn&#39;t find the answer" in text
    assert re.search(r"Answers</span>\s*<span class=\"value\">13</span>", text)
    assert HOSTILE not in text and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text
    assert "nora-bot" in text  # agents and bots table
    assert "<svg" in text and "Answers per score" in text
    assert re.search(r"2.0 / 7 <span class=\"scale\">\(agreement7\)</span>", text)  # the chatbot exit's mean score


def test_hot_spot_links_open_its_drill_down_and_answers(signed_in, site):
    for number in range(10):
        give(site, f"b{number}", 2, ref="kb-9", comment=f"note {number}", reasons=["unclear"])
    give(site, "other", 7, ref="kb-other")
    summary = signed_in.get(f"/admin/?site={site.key}").text

    link = re.search(r'href="(/admin/hot-spot\?[^"]*place=kb-9[^"]*)"', summary).group(1).replace("&amp;", "&")
    drill_down = signed_in.get(link)
    answers_link = re.search(r'href="(/admin/answers\?[^"]*place=kb-9[^"]*)"', drill_down.text).group(1)
    answers = signed_in.get(answers_link.replace("&amp;", "&"))

    assert drill_down.status_code == 200
    assert "Hot spot: <bdi>kb-9</bdi>" in drill_down.text and "note 9" in drill_down.text
    assert "The answer was unclear or out of date" in drill_down.text
    assert answers.text.count("<tr>") == 11 and "kb-other" not in answers.text


# (A `before` the answers page cannot use is refused: test_no_server_errors.)
@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=2026-13-01", "place=" + "x" * 3000])
def test_odd_filters_never_break_a_page(signed_in, query):
    for path in ("/admin/", "/admin/answers", "/admin/hot-spot"):
        assert signed_in.get(f"{path}?{query}").status_code == 200, path


def test_more_answers_than_impressions_is_shown_not_a_crash(signed_in, site):

    for number in range(3):
        give(site, f"i{number}", 7)
    store_impression(site, {"touchpoint": "kb-article"})

    page = signed_in.get("/admin/")

    # Three answers from one prompt seen: some prompts went uncounted, so no rate is shown.
    assert page.status_code == 200 and "300.0%" not in page.text
    assert "more answers than prompts seen were counted" in page.text
    assert "–%" not in page.text


def test_bad_filters_are_reported_and_defaults_used(signed_in):
    page = signed_in.get("/admin/?from=yesterday&touchpoint=Not%20Valid&site=nope")

    assert page.status_code == 200
    assert "from: use a date like" in page.text and "touchpoint: not a touchpoint name" in page.text
    assert "site: unknown site key" in page.text


def test_date_range_limits_the_figures(signed_in, site):
    give(site, "old", 1, created_at=datetime.datetime(2026, 1, 10, 12))
    give(site, "new", 7, created_at=datetime.datetime(2026, 2, 10, 12))

    page = signed_in.get("/admin/?from=2026-02-01&to=2026-02-28").text

    assert re.search(r"Answers</span>\s*<span class=\"value\">1</span>", page)
    assert re.search(r"Easy</span>\s*<span class=\"value\">100.0", page)


def test_create_a_site_in_the_admin(signed_in):
    token = csrf_token(signed_in, "/admin/sites/")

    response = signed_in.post("/admin/sites/", data={"csrf_token": token, "name": "Docs", "company": "Northwind",
                                                     "origins": "https://docs.example.com\nhttp://localhost:3000"})

    site = Site.get(Site.name == "Docs")
    assert site.company == "Northwind"  # questions say "Northwind made it easy", not "Docs"
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/sites/{site.key}")
    page = signed_in.get(f"/admin/sites/{site.key}").text
    assert site.origins == ["https://docs.example.com", "http://localhost:3000"]
    assert f'data-site=&#34;{site.key}&#34;' in page and "widget.js" in page
    assert f"/admin/sites/{site.key}/preview?touchpoint=kb-article" in page


def test_site_settings_are_saved_from_the_form(signed_in, site):
    token = csrf_token(signed_in, f"/admin/sites/{site.key}")
    form = {"csrf_token": token, "name": "Help centre", "company": "Acme", "origins": "https://help.example.com",
            "scale": "effort5", "scale.kb-article": "ease5", "question.chatbot-exit": "Was the bot helpful?",
            "custom_scales": "returns=agreement7", "cooldown_days": "7", "sample_percent": "50",
            "auto_delay_seconds": "10", "auto_scroll_percent": "40", "texts": "nl:thanks=Dank!"}

    response = signed_in.post(f"/admin/sites/{site.key}", data=form)

    assert response.status_code == 302
    saved = Site.get_by_id(site.id)
    assert (saved.scale, saved.touchpoint_scales) == ("effort5", {"kb-article": "ease5", "returns": "agreement7"})
    assert (saved.cooldown_days, saved.sample_percent, saved.auto_delay_seconds) == (7, 50, 10)
    assert saved.texts == {"nl": {"thanks": "Dank!"}, "*": {"question.chatbot-exit": "Was the bot helpful?"}}
    page = signed_in.get(f"/admin/sites/{site.key}").text
    assert 'value="Was the bot helpful?"' in page and "nl:thanks=Dank!" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("sample_percent", "150", "sample_percent"), ("origins", "not an origin", "origin"),
     ("texts", "nl:nonsense=1", "texts"), ("custom_scales", "returns=nps", "scale"), ("cooldown_days", "x", "cooldown")],
)
def test_bad_site_settings_are_refused_and_nothing_saved(signed_in, site, field, value, message):
    token = csrf_token(signed_in, f"/admin/sites/{site.key}")
    form = {"csrf_token": token, "name": "Changed", "origins": "https://help.example.com", "scale": "agreement7",
            "cooldown_days": "30", "sample_percent": "100", "auto_delay_seconds": "20", "auto_scroll_percent": "50"}
    form[field] = value

    response = signed_in.post(f"/admin/sites/{site.key}", data=form)

    assert response.status_code == 400
    assert message in response.text
    assert Site.get_by_id(site.id).name == "Help centre"


def test_forms_without_a_csrf_token_are_refused(signed_in, site):
    assert signed_in.post("/admin/sites/", data={"name": "X", "origins": "https://x.example"}).status_code == 400
    assert signed_in.post(f"/admin/sites/{site.key}", data={"name": "X"}).status_code == 400
    assert Site.select().count() == 1 and Site.get().name == "Help centre"


def test_preview_page_may_be_framed_by_the_admin_only(signed_in, site):
    preview = signed_in.get(f"/admin/sites/{site.key}/preview?touchpoint=chatbot-exit")
    summary = signed_in.get("/admin/")

    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in summary.headers["Content-Security-Policy"]
    assert 'data-ces-touchpoint="chatbot-exit"' in preview.text


@pytest.mark.parametrize(("base_url", "headers"), [("http://evil.example", {}),
                                                  ("http://localhost", {"X-Forwarded-Host": "evil.example"})])
def test_preview_points_the_widget_at_the_public_url_whatever_host_was_asked(app, client, admin, site, base_url,
                                                                             headers):
    """A Host header (or a proxy's forwarded one) must not choose where the preview sends."""
    app.config["PUBLIC_URL"] = "https://ces.example.com"
    page = client.get("/admin/login", base_url=base_url)
    token = token_in(page.text)
    client.post("/admin/login", base_url=base_url, data={"username": "olivia", "password": "correct horse battery",
                                                         "csrf_token": token})

    preview = client.get(f"/admin/sites/{site.key}/preview", base_url=base_url, headers=headers)

    assert preview.status_code == 200
    assert f'data-ces-api="https://ces.example.com/preview/{site.key}/"' in preview.text
    assert "evil.example" not in preview.text


def test_forwarded_host_is_trusted_only_when_a_setting_says_so(tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    def proxy_fix(**settings):
        app = create_app({"DATABASE_URL": databases.fresh_url(tmp_path), "INSTANCE_PATH": str(tmp_path),
                          "SECRET_KEY": "x", "ALERT_WORKER": 0, "TRUSTED_PROXIES": 1, **settings})
        flask_db.database.close()
        assert isinstance(app.wsgi_app, ProxyFix)
        return app.wsgi_app

    assert (proxy_fix().x_for, proxy_fix().x_host) == (1, 0)
    assert proxy_fix(TRUST_FORWARDED_HOST=True).x_host == 1


def test_preview_api_checks_answers_but_stores_nothing(client, site):
    base = f"/preview/{site.key}/api/v1"
    body = '{"site": "%s", "id": "%s", "touchpoint": "kb-article", "scale": "agreement7", "score": 2}' % (site.key, "p" * 20)

    config = client.get(f"{base}/sites/{site.key}/config?lang=nl")
    answered = client.post(f"{base}/answers", data=body, content_type="text/plain")
    refused = client.post(f"{base}/answers", data=body.replace('"score": 2', '"score": 9'), content_type="text/plain")

    assert config.status_code == 200 and config.json["lang"] == "nl" and "no-store" in config.headers["Cache-Control"]
    assert answered.status_code == 201 and answered.json["class"] == "difficult"
    assert refused.status_code == 400 and refused.json["field"] == "score"
    assert Answer.select().count() == 0


def test_an_empty_period_says_so_instead_of_zero_within_noise(signed_in, site):
    page = signed_in.get(f"/admin/?site={site.key}").text
    headline = re.search(r'<ul class="metrics">(.*?)</ul>', page, re.DOTALL).group(1)

    assert "no answers in this period" in headline
    assert "±0" not in headline and "within noise" not in headline
