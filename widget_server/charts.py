"""Geometry for the admin's server-rendered SVG charts; the markup is in
templates/admin/charts.html. Charts draw with no script and no network, and every series
is told apart by shape and label as well as colour."""
from dataclasses import dataclass

from .scales import SCALES

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 36


@dataclass
class Series:
    label: str
    css_class: str
    points: list  # [(x, y, value)]

    @property
    def path(self):
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


@dataclass
class LineChart:
    width: int
    height: int
    series: list
    x_labels: list  # [(x, text)]
    y_ticks: list  # [(y, text)]
    rows: list  # [(label, answers, ease index, % difficult)] for the table behind the chart
    weekly: bool


def y_for(value):
    """0-100 maps to the plot's bottom-top."""
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100)


def trend_chart(points, weekly):
    """Ease index and % difficult per day or week, both on one 0-100 axis."""
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(1, len(points) - 1)
    xs = [LEFT + (step * index if len(points) > 1 else plot_width / 2) for index in range(len(points))]
    ease = Series("Ease index", "ease", [(x, y_for(p.ease_index), p.ease_index) for x, p in zip(xs, points)])
    difficult = Series("% difficult", "difficult",
                       [(x, y_for(p.difficult_percent), p.difficult_percent) for x, p in zip(xs, points)])
    every = max(1, len(points) // 8)
    labels = [(x, point.start.strftime("%d %b")) for index, (x, point) in enumerate(zip(xs, points))
              if index % every == 0]
    rows = [(point.start.isoformat(), point.answers, point.ease_index, point.difficult_percent) for point in points]
    ticks = [(y_for(value), str(value)) for value in (0, 25, 50, 75, 100)]
    return LineChart(WIDTH, HEIGHT, [ease, difficult], labels, ticks, rows, weekly)


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
