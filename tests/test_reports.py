"""Summary figures against hand-computed expectations, per scale and for a mix of scales."""
import datetime
from dataclasses import replace
from itertools import count

import pytest

from widget_server import ranking, reports, retention

from .helpers import store, store_impression

TODAY = datetime.date(2026, 11, 20)
PERIOD = reports.Filters(start=TODAY - datetime.timedelta(days=6), end=TODAY)
keys = count()


def give(site, scores, scale="agreement7", touchpoint="kb-article", day=TODAY, **fields):
    for score in scores:
        store(site, {"key": f"answer-{next(keys):012d}", "touchpoint": touchpoint, "scale": scale,
                             "score": score, "created_at": datetime.datetime.combine(day, datetime.time(12)),
                             **fields})


def seen(site, times, touchpoint="kb-article", day=TODAY):
    for _ in range(times):
        store_impression(site, {"touchpoint": touchpoint, "created_at": datetime.datetime.combine(day, datetime.time(9))})


def metric(metrics, label):
    return next(each for each in metrics if each.label.startswith(label))


def test_agreement_scale_figures(app, site):
    give(site, [7, 6, 5, 4, 2, 1])
    seen(site, 12)

    figures, metrics = reports.headline(reports.Filters(PERIOD.start, PERIOD.end, site.id))

    assert (figures.answers, figures.easy, figures.difficult) == (6, 3, 2)
    assert figures.ease_index == pytest.approx((100 + 500 / 6 + 400 / 6 + 50 + 100 / 6 + 0) / 6)
    assert figures.easy_percent == pytest.approx(50)
    assert figures.difficult_percent == pytest.approx(100 / 3)
    assert figures.net_ease == pytest.approx(50 - 100 / 3)
    assert figures.response_rate == pytest.approx(50)
    assert figures.mean_scores() == {"agreement7": pytest.approx(25 / 6)}
    assert metric(metrics, "Mean score").unit == " / 7"


def test_effort_scale_counts_low_scores_as_easy(app, site):
    give(site, [1, 2, 3, 4, 5, 5], scale="effort5")

    figures, _ = reports.headline(PERIOD)

    assert (figures.easy, figures.difficult) == (2, 3)
    assert figures.ease_index == pytest.approx((100 + 75 + 50 + 25 + 0 + 0) / 6)
    assert figures.mean_scores() == {"effort5": pytest.approx(20 / 6)}


def test_ease_scale_figures(app, site):
    give(site, [5, 4, 3, 1], scale="ease5", touchpoint="self-service")

    figures, _ = reports.headline(PERIOD)

    assert (figures.easy, figures.difficult) == (2, 1)
    assert figures.ease_index == pytest.approx((100 + 75 + 50 + 0) / 4)


def test_a_mix_of_scales_is_compared_through_the_normalised_view(app, site):
    give(site, [7, 6, 5, 4, 2, 1])
    give(site, [1, 2, 3, 4, 5, 5], scale="effort5", touchpoint="chatbot-exit")

    figures, metrics = reports.headline(PERIOD)
    by_touchpoint = dict(reports.by_touchpoint(PERIOD))

    assert (figures.answers, figures.easy, figures.difficult) == (12, 5, 5)
    assert figures.net_ease == pytest.approx(0)
    assert figures.ease_index == pytest.approx((316 + 2 / 3 + 250) / 12)
    # A mean score is only given per scale, never across scales.
    assert figures.mean_scores() == {"agreement7": pytest.approx(25 / 6), "effort5": pytest.approx(20 / 6)}
    assert len([each for each in metrics if each.label.startswith("Mean score")]) == 2
    assert by_touchpoint["chatbot-exit"].difficult == 3 and by_touchpoint["kb-article"].difficult == 2


def test_filters_by_site_touchpoint_and_date(app, site):
    from widget_server.models import Site

    other = Site.create_with_key("Other", ["https://other.example"])
    give(site, [7], touchpoint="kb-article")
    give(site, [1], touchpoint="self-service")
    give(site, [1], day=PERIOD.start - datetime.timedelta(days=1))
    give(other, [1, 1])

    assert reports.totals(reports.Filters(PERIOD.start, PERIOD.end, site.id)).answers == 2
    assert reports.totals(reports.Filters(PERIOD.start, PERIOD.end, site.id, "kb-article")).answers == 1
    assert reports.totals(PERIOD).answers == 4


def test_changes_against_the_previous_period_are_marked_when_within_noise(app, site):
    before = PERIOD.start - datetime.timedelta(days=3)
    give(site, [7, 7, 6, 2] * 5, day=before)
    give(site, [7, 6, 2, 2] * 5)

    _, metrics = reports.headline(PERIOD)
    difficult = metric(metrics, "Difficult")

    assert difficult.value == pytest.approx(50) and difficult.previous == pytest.approx(25)
    assert difficult.change == pytest.approx(25)
    assert difficult.noise  # 20 answers each: 25 points could be chance
    assert metric(metrics, "Answers").noise


def test_a_large_change_is_not_noise(app, site):
    before = PERIOD.start - datetime.timedelta(days=3)
    give(site, [7] * 150 + [1] * 50, day=before)
    give(site, [7] * 50 + [1] * 150)

    _, metrics = reports.headline(PERIOD)

    assert not metric(metrics, "Difficult").noise
    assert not metric(metrics, "Ease index").noise
    assert metric(metrics, "Ease index").change == pytest.approx(-50)


def test_a_small_sample_never_outranks_a_large_clearly_worse_place(app, site):
    give(site, [1, 1], ref="kb-tiny")              # 100 % difficult, 2 answers
    give(site, [1] * 120 + [7] * 80, ref="kb-big")  # 60 % difficult, 200 answers
    give(site, [7] * 50 + [1] * 5, ref="kb-fine")

    ranked, _, left_out = ranking.hot_spots(PERIOD, minimum_answers=1)
    ranked_names = [place.name for place in ranked]

    assert ranked_names.index("kb-big") < ranked_names.index("kb-tiny") < ranked_names.index("kb-fine")
    low, high = ranked[0].difficult_interval
    assert 53 < low < 60 < high < 67

    trusted, _, hidden = ranking.hot_spots(PERIOD, minimum_answers=10)
    assert [place.name for place in trusted] == ["kb-big", "kb-fine"] and hidden == 1


def test_chatbot_exits_rank_by_bot_and_reasons_count_among_difficult_answers(app, site):
    give(site, [5, 5, 4], scale="effort5", touchpoint="chatbot-exit", ref="conv", agent="nora-bot",
         reasons=["repeat"])
    give(site, [1], scale="effort5", touchpoint="chatbot-exit", ref="conv", agent="nora-bot", reasons=["repeat"])
    give(site, [1], ref="kb-1", reasons=["not-found"])

    ranked, _, _ = ranking.hot_spots(PERIOD, minimum_answers=1)
    drivers = ranking.drivers(PERIOD, difficult_answers=reports.totals(PERIOD).difficult)

    assert ranked[0].name == "nora-bot" and ranked[0].reasons == [("repeat", 3)]
    assert drivers[0] == ("repeat", 3, pytest.approx(75))
    assert drivers[1] == ("not-found", 1, pytest.approx(25))
    assert [agent.name for agent in ranking.agents(PERIOD)] == ["nora-bot"]


def test_all_time_views_read_the_totals_and_agree_with_the_daily_counts(app, site):
    give(site, [1, 2, 6], ref="kb-1", reasons=["unclear"], day=TODAY - datetime.timedelta(days=40))
    give(site, [1], ref="kb-2", reasons=["not-found", "unclear"], day=TODAY - datetime.timedelta(days=3))
    give(site, [7, 2], ref="kb-2", reasons=["unclear"], customer="leaving", day=TODAY - datetime.timedelta(days=3))
    give(site, [5, 4, 1], scale="effort5", touchpoint="chatbot-exit", ref="conv", agent="nora-bot",
         reasons=["repeat"], day=TODAY)
    retention.delete_customer("leaving")
    everything = reports.Filters(start=TODAY - datetime.timedelta(days=40), end=TODAY, site_id=site.id)
    one_day_short = replace(everything, start=everything.start + datetime.timedelta(days=1))

    def figures():
        ranked, _, _ = ranking.hot_spots(everything, minimum_answers=1)
        groups = ranked + ranking.agents(everything)
        return ([(group.name, group.touchpoint, group.answers, group.easy, group.difficult, round(group.ease_sum, 6),
                  group.reasons) for group in groups], ranking.drivers(everything, difficult_answers=5))

    assert everything.every_counted_day and not one_day_short.every_counted_day
    from_totals = figures()
    everything.__dict__["every_counted_day"] = False  # as if a day were left out: read the daily counts
    assert figures() == from_totals
    assert [name for name, *_ in from_totals[0]] == ["kb-1", "nora-bot", "kb-2", "nora-bot"]


def test_trend_is_daily_for_short_ranges_and_weekly_for_long(app, site):
    give(site, [7, 1], day=TODAY)
    give(site, [7], day=TODAY - datetime.timedelta(days=1))

    weekly, points = reports.trend(PERIOD)
    long_weekly, long_points = reports.trend(reports.Filters(TODAY - datetime.timedelta(days=89), TODAY))

    assert not weekly and [(point.start, point.answers, point.difficult) for point in points] == [
        (TODAY - datetime.timedelta(days=1), 1, 0), (TODAY, 2, 1)]
    assert points[1].ease_index == pytest.approx(50)
    assert long_weekly and len(long_points) == 1 and long_points[0].start.weekday() == 0


def test_place_drill_down_figures(app, site):
    give(site, [1, 2, 7], ref="kb-9", comment="hard")
    give(site, [1], ref="kb-other")

    figures = reports.place_figures(PERIOD, "kb-9")
    _, points = reports.place_trend(PERIOD, "kb-9")
    notes = list(reports.comments(reports.at_place(reports.answers_in(PERIOD), "kb-9"), difficult_only=True))

    assert (figures.answers, figures.difficult) == (3, 2)
    assert points[0].answers == 3
    assert len(notes) == 2 and all(note.effort_class == "difficult" for note in notes)
