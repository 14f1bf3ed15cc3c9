"""The answers page says what it shows: every filter that came in the URL is shown, each
removable, with one "clear all"; the title names them; each answer shows its metadata and
its score in words."""
import html
import re

import pytest

from .helpers import store


@pytest.fixture
def signed_in(client, admin, auth):
    auth.login()
    return client


@pytest.fixture
def answers(site):
    store(site, {"key": "answers-page-00001", "touchpoint": "kb-article", "scale": "agreement7", "score": 2,
                 "ref": "kb-42", "comment": "Steps were wrong", "meta": {"plan": "pro", "seats": 12}})
    store(site, {"key": "answers-page-00002", "touchpoint": "kb-article", "scale": "effort5", "score": 1,
                 "ref": "kb-7"})


def words(markup):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def links(page):
    return {words(inner): html.unescape(href) for href, inner in re.findall(r'<a[^>]+href="([^"]+)"[^>]*>(.*?)</a>', page)}


def test_filters_from_the_url_are_shown_each_removable_and_named_in_the_title(signed_in, site, answers):
    page = signed_in.get(f"/admin/answers?site={site.key}&class=difficult&with=comment&place=kb-42").text

    assert re.search(r"<h1>Difficult answers with a comment at <bdi>kb-42</bdi></h1>", page), page[:3000]
    shown = re.search(r'<ul class="active-filters".*?</ul>', page, re.DOTALL).group(0)
    assert "difficult" in shown and "with a comment" in shown and "kb-42" in shown
    removers = links(shown)
    # Each removes its own filter and keeps the rest.
    without_class = next(href for text, href in removers.items() if "difficult" in text)
    assert "class=" not in without_class and "with=comment" in without_class and "place=kb-42" in without_class
    clear = links(page)["Clear all filters"]
    assert "class=" not in clear and "with=" not in clear and "place=" not in clear and "site=" not in clear


def test_without_filters_there_is_nothing_to_clear(signed_in, site, answers):
    page = signed_in.get("/admin/answers").text

    assert "<h1>Answers</h1>" in page and "Clear all filters" not in page


def test_each_answer_shows_its_metadata_and_its_score_in_words(signed_in, site, answers):
    page = words(signed_in.get("/admin/answers").text)

    assert "plan pro" in page and "seats 12" in page
    assert "2 on the 7-point agreement scale" in page
    assert "1 on the 5-point effort scale" in page
    assert "on agreement7" not in page


def test_a_comment_without_a_customer_starts_with_no_stray_separator(signed_in, site, answers):
    page = signed_in.get(f"/admin/?site={site.key}").text

    metas = [words(meta) for meta in re.findall(r'<p class="comment-meta">(.*?)</p>', page, re.DOTALL)]
    assert metas and not any(meta.startswith("·") or meta.endswith("·") for meta in metas), metas
    assert any("2 on the 7-point agreement scale" in meta for meta in metas)


@pytest.fixture
def many_places(site):
    # 20 articles with enough answers to be ranked, kb-00 the hardest, kb-19 the easiest.
    number = 0
    for place in range(20):
        for score in [1] * (20 - place) + [7] * (place + 1):
            number += 1
            store(site, {"key": f"places-page-{number:06d}", "touchpoint": "kb-article", "scale": "agreement7",
                         "score": score, "ref": f"kb-{place:02d}"})


def test_the_summary_says_how_many_places_it_leaves_out_and_links_to_them_all(signed_in, site, many_places):
    page = signed_in.get(f"/admin/?site={site.key}").text

    assert "15 of 20" in words(page)
    every = links(page)["See all 20 places"]
    listed = signed_in.get(every).text
    assert all(f"kb-{place:02d}" in listed for place in range(20))


def test_every_place_can_be_sorted_and_paged(signed_in, site, many_places, monkeypatch):
    from widget_server import admin

    monkeypatch.setattr(admin, "PLACES_PAGE_SIZE", 8)
    first = signed_in.get(f"/admin/places?site={site.key}&sort=name").text
    names = re.findall(r"<bdi>(kb-\d\d)</bdi></a>", first)
    assert names == [f"kb-{place:02d}" for place in range(8)]

    second = signed_in.get(links(first)["Next 8 →"]).text
    assert re.findall(r"<bdi>(kb-\d\d)</bdi></a>", second)[0] == "kb-08"
    assert re.search(r'<td class="rank">9</td>', second)
    assert "← Previous 8" in words(second)

    hardest = signed_in.get(f"/admin/places?site={site.key}").text
    assert re.findall(r"<bdi>(kb-\d\d)</bdi></a>", hardest)[0] == "kb-00"


def test_an_unknown_sort_is_named_not_a_500(signed_in, site, many_places):
    response = signed_in.get(f"/admin/places?site={site.key}&sort=drop%20table&page=x")

    assert response.status_code in (200, 400)
    assert "sort" in response.text or "page" in response.text


def test_the_alert_form_offers_the_sites_touchpoints_and_a_threshold_that_fits_its_scale(signed_in, site):
    site.change(scale="effort5", touchpoint_scales={"checkout-help": "ease5"})
    site.save()
    store(site, {"key": "answered-touchpoint-1", "touchpoint": "order-status", "scale": "effort5", "score": 4})

    page = signed_in.get(f"/admin/sites/{site.key}").text

    touchpoint = re.search(r'<input[^>]*name="touchpoint"[^>]*>', page).group(0)
    known = re.search(r'<datalist id="known-touchpoints">(.*?)</datalist>', page, re.DOTALL).group(1)
    assert 'list="known-touchpoints"' in touchpoint
    for name in ("self-service", "kb-article", "chatbot-exit", "checkout-help", "order-status"):
        assert f'value="{name}"' in known
    # The default N catches the two hardest points of the site's own scale (4 and 5 of effort).
    threshold = re.search(r'<input[^>]*name="threshold"[^>]*>', page).group(0)
    assert 'value="25"' in threshold
    assert "5-point effort scale (lower is better): 5 = 0 · 4 = 25" in words(page)


def test_a_threshold_target_says_which_scores_it_sends(site):
    from widget_server.alert_models import Webhook

    hook = Webhook.create(site=site, url="https://hooks.example.com/ces", secret="whsec_x", rule="score_at_most",
                          threshold=17)

    assert "at most 17" in hook.describe() and "1–2 on the 7-point agreement scale" in hook.describe()


@pytest.mark.parametrize("path", ["/admin/nothing-here", "/admin/sites/NOPE", "/admin/sites/NOPE/webhooks/1/delete"])
def test_an_unknown_admin_address_is_an_admin_page_with_a_way_back(signed_in, path):
    response = signed_in.get(path)

    assert response.status_code in (404, 405)
    assert 'href="/admin/"' in response.text and "Back to the summary" in response.text
    assert "admin.css" in response.text


def test_the_site_page_warns_when_its_tag_can_only_load_on_this_machine(app, signed_in, site):
    warned = signed_in.get(f"/admin/sites/{site.key}").text
    app.config.update(PUBLIC_URL="https://ces.example.com", PUBLIC_URL_CONFIGURED=True)
    configured = signed_in.get(f"/admin/sites/{site.key}").text

    assert "an address of this machine only" in warned and "PUBLIC_URL" in warned
    assert "an address of this machine only" not in configured
    assert 'data-copy="script-tag"' in configured
