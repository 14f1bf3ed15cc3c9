"""Geometry for the admin's server-rendered SVG charts; the markup is in
templates/admin/charts.html. Charts draw with no script and no network, and every series
is told apart by shape and label as well as colour."""
import datetime
from dataclasses import dataclass

from .scales import SCALES

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 36


@dataclass
class Series:
    label: str
    css_class: str
    segments: list  # [[(x, y, value)]]: runs of days or weeks with answers, a gap between two

    @property
    def paths(self):
        """A line through each run of two or more; a lone day is its mark alone."""
        return [" ".join(f"{x:.1f},{y:.1f}" for x, y, _ in segment) for segment in self.segments if len(segment) > 1]


@dataclass
class LineChart:
    width: int
    height: int
    series: list
    x_labels: list  # [(x, text, text-anchor)]
    y_ticks: list  # [(y, text)]
    rows: list  # [(label, answers, ease index, % difficult, partial?)] for the table behind the chart
    weekly: bool
    partial_xs: set  # where a week cut by the period's start or end is drawn


def y_for(value):
    """0-100 maps to the plot's bottom-top."""
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100)


# At most this many dates under a trend: more would touch at a phone's text size.
X_LABELS = 5


def trend_chart(points, weekly, start, end):
    """Ease index and % difficult per day or week, both on one 0-100 axis, each day or week
    at its date between the period's start and end. A day (or week) without answers is a
    gap in the lines, not a step skipped; a week cut by the period's start or end is marked
    partial. A week is drawn at the middle of its days within the period."""
    plot_width = WIDTH - LEFT - RIGHT
    span = max(1, (end - start).days)

    def x_of(day):
        return LEFT + plot_width * (min(max(day, start), end) - start).days / span

    def x_of_point(point):
        # A day at its date; a week at the middle of its days within the period.
        if not weekly:
            return x_of(point.start)
        first, last = max(point.start, start), min(point.start + datetime.timedelta(days=6), end)
        return (x_of(first) + x_of(last)) / 2

    step = 7 if weekly else 1
    runs = []
    for index, point in enumerate(points):
        if index == 0 or (point.start - points[index - 1].start).days > step:
            runs.append([])
        runs[-1].append(point)
    ease = Series("Ease index", "ease", [[(x_of_point(p), y_for(p.ease_index), p.ease_index) for p in run]
                                         for run in runs])
    difficult = Series("% difficult", "difficult",
                       [[(x_of_point(p), y_for(p.difficult_percent), p.difficult_percent) for p in run]
                        for run in runs])
    partial = [weekly and (p.start < start or p.start + datetime.timedelta(days=6) > end) for p in points]
    offsets = sorted({round(span * number / (X_LABELS - 1)) for number in range(X_LABELS)})
    labels = [(x_of(start + datetime.timedelta(days=offset)),
               (start + datetime.timedelta(days=offset)).strftime("%d %b"),
               "start" if offset == 0 else "end" if offset == span else "middle") for offset in offsets]
    rows = [(point.start.isoformat(), point.answers, point.ease_index, point.difficult_percent, cut)
            for point, cut in zip(points, partial)]
    ticks = [(y_for(value), str(value)) for value in (0, 25, 50, 75, 100)]
    cut_xs = {x_of_point(point) for point, cut in zip(points, partial) if cut}
    return LineChart(WIDTH, HEIGHT, [ease, difficult], labels, ticks, rows, weekly, cut_xs)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    score: int
    answers: int
    percent: float
    effort_class: str


@dataclass
class BarChart:
    title: str
    width: int
    height: int
    bars: list
    baseline: float


def distribution_charts(figures):
    """One bar chart per scale answered on: answers per score, classed by effort."""
    charts = []
    for scale_name in sorted(figures.by_scale):
        scale = SCALES[scale_name]
        counts = [figures.histogram.get((scale_name, score), 0) for score in range(1, scale.points + 1)]
        total = sum(counts) or 1
        tallest = max(counts) or 1
        slot = (WIDTH - LEFT - RIGHT) / scale.points
        baseline = HEIGHT - BOTTOM
        bars = []
        for score, count in enumerate(counts, start=1):
            height = (baseline - TOP - 16) * count / tallest
            bars.append(Bar(LEFT + slot * (score - 1) + slot * 0.15, baseline - height, slot * 0.7, height,
                            score, count, 100 * count / total, scale.effort_class(score)))
        charts.append(BarChart(scale.title, WIDTH, HEIGHT, bars, baseline))
    return charts
