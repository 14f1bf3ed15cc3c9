"""Comment themes: the terms difficult comments use much more often than the other comments
of the same sites and period, ranked by the weighted log-odds ratio with an informative
Dirichlet prior (Monroe, Colaresi and Quinn, 2008), in the admin and the read API."""
import datetime
import math

import pytest

from widget_server import themes
from widget_server.models import ApiToken
from widget_server.reports import Filters

from .helpers import store

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
TODAY = NOW.date()


def give(site, key, score, comment, ref="kb-42", locale="en", days_ago=0, touchpoint="kb-article"):
    store(site, {"key": f"{key:0>20}", "touchpoint": touchpoint, "scale": "agreement7", "score": score, "ref": ref,
                 "comment": comment, "locale": locale, "created_at": NOW - datetime.timedelta(days=days_ago)})


def test_the_z_scores_of_a_small_example_worked_by_hand():
    # Difficult comments: "a" in 3, "b" in 1; the others: "a" in 1, "b" in 3. The prior is
    # the pooled counts: alpha_a = alpha_b = 4, alpha_0 = 8; each group has n = 4.
    # delta_a = log((3 + 4) / (4 + 8 - 3 - 4)) - log((1 + 4) / (4 + 8 - 1 - 4))
    #         = log(7 / 5) - log(5 / 7) = 0.672944
    # variance = 1 / (3 + 4) + 1 / (1 + 4) = 0.342857, so z_a = 0.672944 / 0.585540 = 1.149271
    group, rest = {"a": 3, "b": 1}, {"a": 1, "b": 3}

    scores = themes.z_scores(group, rest, {"a": 4, "b": 4})

    assert scores["a"] == pytest.approx(1.149271, abs=1e-6)
    assert scores["b"] == pytest.approx(-1.149271, abs=1e-6)


def test_a_term_no_other_comment_uses_is_pulled_towards_no_difference_by_the_prior():
    # "c" only in difficult comments, 2 of them; "d" in 2 of each. n = 4 and 2, alpha_0 = 6.
    # delta_c = log((2 + 2) / (4 + 6 - 2 - 2)) - log((0 + 2) / (2 + 6 - 0 - 2)) = log(4/6) - log(2/6) = log 2
    # variance = 1 / 4 + 1 / 2 = 0.75, z_c = 0.693147 / 0.866025 = 0.800377: short of significant.
    scores = themes.z_scores({"c": 2, "d": 2}, {"d": 2}, {"c": 2, "d": 4})

    assert scores["c"] == pytest.approx(math.log(2) / math.sqrt(0.75), abs=1e-9)
    assert scores["c"] < themes.SIGNIFICANT


def test_words_are_stemmed_without_stop_words_and_phrases_keep_their_negation():
    terms = themes.terms_of("The reset e-mail never arrived. Not arriving again!", "en-GB")

    assert terms["arriv"] == "arrived" and terms["not arriv"] == "not arriving"
    assert "the" not in terms and "not" not in terms
    # Phrases stop at the end of a sentence.
    assert "arriv not" not in terms


@pytest.mark.parametrize("comment, locale, expected", [
    ("De link werkt niet", "nl-BE", {"link", "werk", "link werk", "werk niet"}),
    ("パスワードが届かない", "ja", {"パス", "スワ", "ワー", "ード", "ドが", "が届", "届か", "かな", "ない"}),
    # No stemmer for Swahili: plain lower-cased words.
    ("Kiungo Hakifanyi kazi", "sw", {"kiungo", "hakifanyi", "kazi", "kiungo hakifanyi", "hakifanyi kazi"}),
])
def test_each_language_is_read_its_own_way(comment, locale, expected):
    assert set(themes.terms_of(comment, locale)) == expected


def seed_reset_password(site):
    for number in range(12):
        give(site, f"d{number}", 1, f"The reset e-mail never arrived, case {number}")
    give(site, "d-other", 2, "Too many steps")
    for number in range(20):
        give(site, f"e{number}", 7, "Clear steps, the e-mail came at once", ref="kb-other")
    give(site, "old", 1, "The reset e-mail never arrived", days_ago=60)


def test_the_themes_of_a_place_say_what_its_difficult_comments_say(site):
    seed_reset_password(site)

    found = themes.themes_for(Filters(TODAY - datetime.timedelta(days=29), TODAY, site.id), "kb-42")

    assert (found.difficult_comments, found.other_comments) == (13, 20)
    terms = [theme.term for theme in found.themes]
    # "reset e-mail", "e-mail never" and "never arrived" are in the same comments: one phrase.
    assert "reset e-mail never arrived" in terms
    # Used as much by the easy comments: no theme. A word its phrases show as often: not shown.
    assert "e-mail" not in terms and "steps" not in terms and "reset" not in terms
    theme = next(theme for theme in found.themes if theme.term == "reset e-mail never arrived")
    assert (theme.difficult, theme.other, theme.key) == (12, 0, "reset e-mail never arriv")
    assert theme.z > themes.SIGNIFICANT


def test_a_term_with_fewer_comments_than_the_minimum_is_not_a_theme(site):
    seed_reset_password(site)
    filters = Filters(TODAY - datetime.timedelta(days=29), TODAY, site.id)

    assert themes.themes_for(filters, "kb-42", minimum=13).themes == []


def test_the_drill_down_and_the_summary_show_themes_that_link_to_their_comments(client, site, auth):
    seed_reset_password(site)
    auth.login()

    drill_down = client.get(f"/admin/hot-spot?site={site.key}&place=kb-42").text
    summary = client.get(f"/admin/?site={site.key}").text

    section = drill_down[drill_down.index('id="themes-title"'):]
    section = section[:section.index("</section>")]
    assert "reset e-mail never arrived" in section
    # The summary links to the whole selection's themes, which a summary of a big site cannot wait for.
    whole = client.get(f"/admin/themes?site={site.key}").text
    assert f'href="/admin/themes?site={site.key}' in summary and "reset e-mail never arrived" in whole
    link = drill_down[drill_down.index('href="/admin/themes?', drill_down.index('id="themes-title"')):]
    link = link[len('href="'):link.index('"', len('href="'))].replace("&amp;", "&")
    comments = client.get(link).text
    assert comments.count("The reset e-mail never arrived, case") == 12
    assert "Too many steps" not in comments and "Clear steps" not in comments
    assert "12 difficult comments" in comments


def test_the_read_api_gives_the_themes_with_the_answers_filters(client, site):
    seed_reset_password(site)
    give(site, "bot", 1, "The bot never understood me", touchpoint="chatbot-exit", ref="conv-1")
    token = ApiToken.issue(site, "sync")[1]
    headers = {"Authorization": f"Bearer {token}"}

    placed = client.get(f"/api/v1/sites/{site.key}/themes?place=kb-42", headers=headers)
    bad = client.get(f"/api/v1/sites/{site.key}/themes?from=yesterday", headers=headers)
    anonymous = client.get(f"/api/v1/sites/{site.key}/themes")

    assert placed.status_code == 200
    body = placed.json
    assert (body["difficult_comments"], body["other_comments"]) == (13, 21)
    never = next(theme for theme in body["themes"] if theme["term"] == "reset e-mail never arrived")
    assert set(never) == {"term", "z", "difficult_comments", "other_comments"}
    assert (never["difficult_comments"], never["other_comments"]) == (12, 0) and never["z"] > themes.SIGNIFICANT
    assert bad.status_code == 400 and bad.json["field"] == "from"
    assert anonymous.status_code == 401


def test_difficult_comments_with_nothing_to_compare_with_make_no_themes(client, site, auth):
    for number in range(5):
        give(site, f"d{number}", 1, "Broken")
    auth.login()

    found = themes.themes_for(Filters(TODAY - datetime.timedelta(days=29), TODAY, site.id), "kb-42")
    page = client.get(f"/admin/hot-spot?site={site.key}&place=kb-42")

    assert (found.themes, found.difficult_comments, found.other_comments) == ([], 5, 0)
    assert page.status_code == 200
    assert "No word or phrase in these 5 difficult comments stands out" in page.text


def test_the_read_api_refuses_filters_themes_cannot_take_by_name(client, site):
    token = ApiToken.issue(site, "sync")[1]

    response = client.get(f"/api/v1/sites/{site.key}/themes?class=easy", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 400 and response.json["field"] == "class"


def test_a_theme_link_made_up_by_hand_lists_only_comments_that_contain_it(client, site, auth):
    seed_reset_password(site)
    auth.login()

    page = client.get(f"/admin/themes?site={site.key}&term=" + "<script>x" * 40)

    assert page.status_code == 200
    assert "<script>x" not in page.text and "0 difficult comments contain it" in page.text


def test_phrases_of_the_same_comments_that_overlap_are_one_phrase_and_its_link_finds_them(client, site, auth):
    for number in range(12):
        give(site, f"d{number}", 1, f"Could not find the Forgot password link ({number})")
    for number in range(20):
        give(site, f"e{number}", 7, "Quick, thanks", ref="kb-other")
    auth.login()

    found = themes.themes_for(Filters(TODAY - datetime.timedelta(days=29), TODAY, site.id), "kb-42")

    phrase = next(theme for theme in found.themes if " " in theme.key)
    assert phrase.term == "not find forgot password link"
    assert [theme.term for theme in found.themes if " " in theme.key] == [phrase.term]
    page = client.get("/admin/themes", query_string={"site": site.key, "place": "kb-42", "term": phrase.key}).text
    assert page.count("Could not find the Forgot password link (") == 12
