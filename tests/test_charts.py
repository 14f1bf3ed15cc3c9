"""The trend charts' time axis is time: each day or week at its place in the period, days
and weeks without answers left as gaps in the line, weeks cut by the period's ends marked
as partial, and no label outside the chart."""
import datetime

from widget_server import charts, reports

START = datetime.date(2026, 11, 2)  # a Monday


def point(day, answers=10, difficult=2, ease=600.0):
    return reports.Point(day, answers, difficult, ease)


def daily(days_with_answers, length=30):
    end = START + datetime.timedelta(days=length - 1)
    points = [point(START + datetime.timedelta(days=offset)) for offset in days_with_answers]
    return charts.trend_chart(points, False, START, end)


def test_days_are_placed_by_date_and_days_without_answers_are_gaps():
    chart = daily([offset for offset in range(30) if offset not in (3, 4, 17)])
    ease = chart.series[0]

    plot = charts.WIDTH - charts.LEFT - charts.RIGHT
    xs = [x for segment in ease.segments for x, _, _ in segment]
    assert xs[0] == charts.LEFT and xs[-1] == charts.LEFT + plot
    day_width = plot / 29
    assert abs(xs[3] - (charts.LEFT + 5 * day_width)) < 0.01  # the sixth day, after two missing
    # Three runs of days with answers: three pieces of line, none across a gap.
    assert [len(segment) for segment in ease.segments] == [3, 12, 12]


def test_weeks_cut_by_the_period_are_marked_partial():
    end = START + datetime.timedelta(days=58)  # nine weeks less a day
    begin = START + datetime.timedelta(days=2)  # a Wednesday
    weeks = [point(START + datetime.timedelta(weeks=week)) for week in range(9)]
    chart = charts.trend_chart(weeks, True, begin, end)

    partial = [row[-1] for row in chart.rows]
    assert partial[0] and partial[-1] and not any(partial[1:-1])
    # Each week at the middle of its days within the period: the first (Wednesday to
    # Sunday) from the period's start, not before it.
    xs = [x for x, _, _ in chart.series[0].segments[0]]
    day = (charts.WIDTH - charts.LEFT - charts.RIGHT) / 56
    assert abs(xs[0] - (charts.LEFT + 2 * day)) < 0.01
    assert abs(xs[1] - (charts.LEFT + 8 * day)) < 0.01  # Monday 9th to Sunday 15th: the 7th to 13th day


def test_no_label_runs_off_the_chart():
    chart = daily(range(30))

    assert chart.x_labels[0][2] == "start" and chart.x_labels[-1][2] == "end"
    assert chart.x_labels[-1][0] == charts.WIDTH - charts.RIGHT
    assert all(charts.LEFT <= x <= charts.WIDTH - charts.RIGHT for x, _, _ in chart.x_labels)
    assert 4 <= len(chart.x_labels) <= 6


def test_a_day_alone_between_gaps_is_a_mark_without_a_line():
    chart = daily([0, 1, 2, 10, 20, 21])

    assert len(chart.series[0].segments) == 3 and len(chart.series[0].paths) == 2
