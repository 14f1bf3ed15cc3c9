"""The admin summary's figures, aggregated in SQL over the rollup tables.

Every figure compares answers given on different scales only through the normalised view
(easy / neutral / difficult and the ease index); the mean score is reported per scale.
"""
import datetime
import functools
import json
import operator
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

import peewee

from . import rollups, stats
from .models import Answer
from .rollups import ALL, PLACE, GroupCount, ImpressionCount, ScoreCount, VersionCount
from .scales import DIFFICULT, EASY, SCALES

DAILY_TREND_MAX_DAYS = 31


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date  # inclusive
    site_id: int | None = None
    touchpoint: str | None = None
    # The time zone the dates are days of: the site's own, UTC for all sites together.
    zone: str = "UTC"
    # The sites "all sites" takes in (an editor's or viewer's own); None: every site.
    site_ids: tuple | None = None

    def on_sites(self, column):
        """The condition that keeps rows of the chosen site, or of the sites seen, on `column`."""
        if self.site_id is not None:
            return column == self.site_id
        return peewee.Value(True) if self.site_ids is None else column.in_(self.site_ids)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def previous(self):
        """The period of the same length just before this one."""
        length = datetime.timedelta(days=self.days)
        return replace(self, start=self.start - length, end=self.end - length)

    @functools.cached_property
    def every_counted_day(self):
        """Whether these dates take in every day still counted, so that the all-time totals
        answer for them. Several tables of one page ask: each Filters asks the database once."""
        days = ScoreCount.select(ScoreCount.day).where(self.on_sites(ScoreCount.site_id))
        first = days.order_by(ScoreCount.day).limit(1).scalar()
        last = days.order_by(ScoreCount.day.desc()).limit(1).scalar()
        return first is None or (self.start <= as_date(first) and as_date(last) <= self.end)

    def where(self, model):
        """The condition on a count table; a table of totals has no days to pick from."""
        condition = model.day.between(self.start, self.end) if "day" in model._meta.fields else peewee.Value(True)
        condition &= self.on_sites(model.site_id)
        if self.touchpoint:
            condition &= model.touchpoint == self.touchpoint
        return condition


class CountedFigures:
    """The figures that follow from counts of answers, easy, difficult and summed ease, for
    every kind of count below (none where there are no answers)."""

    @property
    def ease_index(self):
        return self.ease_sum / self.answers if self.answers else None

    @property
    def easy_percent(self):
        return 100 * self.easy / self.answers if self.answers else None

    @property
    def difficult_percent(self):
        return 100 * self.difficult / self.answers if self.answers else None

    @property
    def difficult_interval(self):
        """The 95 % Wilson interval of difficult_percent."""
        low, high = stats.wilson(self.difficult, self.answers)
        return 100 * low, 100 * high


@dataclass
class Figures(CountedFigures):
    """Counts of one set of answers, from which every headline figure follows."""

    answers: int = 0
    easy: int = 0
    difficult: int = 0
    ease_sum: float = 0
    ease_squares: float = 0
    net_squares: float = 0
    impressions: int | None = None
    by_scale: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # scale: [answers, score sum]
    histogram: dict = field(default_factory=lambda: defaultdict(int))  # (scale, score): answers

    def add(self, scale_name, score, count):
        scale = SCALES[scale_name]
        effort_class = scale.effort_class(score)
        ease = scale.ease(score)
        self.answers += count
        self.easy += count * (effort_class == EASY)
        self.difficult += count * (effort_class == DIFFICULT)
        self.ease_sum += count * ease
        self.ease_squares += count * ease * ease
        self.net_squares += count * (effort_class != "neutral")
        self.by_scale[scale_name][0] += count
        self.by_scale[scale_name][1] += count * score
        self.histogram[scale_name, score] += count

    @property
    def net_ease(self):
        return self.easy_percent - self.difficult_percent if self.answers else None

    @property
    def response_rate(self):
        return 100 * self.answers / self.impressions if self.impressions else None

    def mean_scores(self):
        """{scale: mean score on that scale}, for every scale answered on."""
        return {name: total / count for name, (count, total) in sorted(self.by_scale.items()) if count}


@dataclass
class Metric:
    key: str  # its name in the read API
    label: str
    value: float | None
    previous: float | None
    noise: bool
    unit: str = ""
    better: int = 1  # 1: higher is better, -1: lower is better, 0: neither (a count)

    @property
    def change(self):
        return None if self.value is None or self.previous is None else self.value - self.previous


def score_figures(filters, *group_by):
    """Return {group key: Figures} from the score histogram, grouped by rollup columns."""
    columns = [getattr(ScoreCount, name) for name in group_by]
    query = (
        ScoreCount.select(*columns, ScoreCount.scale, ScoreCount.score, peewee.fn.SUM(ScoreCount.answers))
        .where(filters.where(ScoreCount))
        .group_by(*columns, ScoreCount.scale, ScoreCount.score)
        .tuples()
    )
    figures = defaultdict(Figures)
    for *key, scale_name, score, count in query:
        figures[tuple(key)].add(scale_name, score, int(count))
    return figures


def impression_counts(filters, *group_by):
    columns = [getattr(ImpressionCount, name) for name in group_by]
    query = (
        ImpressionCount.select(*columns, peewee.fn.SUM(ImpressionCount.impressions))
        .where(filters.where(ImpressionCount))
        .group_by(*columns)
        .tuples()
    )
    return {tuple(key): int(count or 0) for *key, count in query}


def totals(filters):
    figures = score_figures(filters).get((), Figures())
    figures.impressions = impression_counts(filters).get((), 0)
    return figures


def headline(filters):
    """Return the headline metrics, each against the previous period of the same length."""
    return headline_of(totals(filters), totals(filters.previous()))


def headline_of(now, before):
    """(now, the metrics of the Figures `now` against `before`, the period before)."""
    metrics = [
        Metric("answers", "Answers", now.answers, before.answers,
               stats.count_change_is_noise(before.answers, now.answers), better=0),
        Metric("response_rate", "Response rate", now.response_rate, before.response_rate,
               stats.proportion_change_is_noise(before.answers, before.impressions or 0,
                                                 now.answers, now.impressions or 0), "%"),
        Metric("ease_index", "Ease index", now.ease_index, before.ease_index,
               stats.mean_change_is_noise(before.ease_sum, before.ease_squares, before.answers,
                                          now.ease_sum, now.ease_squares, now.answers)),
        Metric("easy", "Easy", now.easy_percent, before.easy_percent,
               stats.proportion_change_is_noise(before.easy, before.answers, now.easy, now.answers), "%"),
        Metric("difficult", "Difficult", now.difficult_percent, before.difficult_percent,
               stats.proportion_change_is_noise(before.difficult, before.answers, now.difficult, now.answers), "%",
               better=-1),
        Metric("net_ease", "Net ease", now.net_ease, before.net_ease,
               stats.mean_change_is_noise(before.easy - before.difficult, before.net_squares, before.answers,
                                          now.easy - now.difficult, now.net_squares, now.answers), " pts"),
    ]
    before_means = before.mean_scores()
    for scale_name, mean in now.mean_scores().items():
        count, total = now.by_scale[scale_name]
        old_count, old_total = before.by_scale.get(scale_name, (0, 0))
        squares_now = sum(n * score * score for (name, score), n in now.histogram.items() if name == scale_name)
        squares_before = sum(n * score * score for (name, score), n in before.histogram.items() if name == scale_name)
        scale = SCALES[scale_name]
        metrics.append(Metric(
            f"mean_score_{scale_name}", f"Mean score ({scale.title})", mean, before_means.get(scale_name),
            stats.mean_change_is_noise(old_total, squares_before, old_count, total, squares_now, count),
            f" / {scale.points}", better=1 if scale.higher_is_better else -1,
        ))
    return now, metrics


def by_touchpoint(filters):
    """Return [(touchpoint, Figures)] for the touchpoints answered in the period."""
    figures = score_figures(filters, "touchpoint")
    impressions = impression_counts(filters, "touchpoint")
    rows = []
    for (touchpoint,), each in sorted(figures.items()):
        each.impressions = impressions.get((touchpoint,), 0)
        rows.append((touchpoint, each))
    return rows


@dataclass(frozen=True)
class Point(CountedFigures):
    """One day or week of a trend."""

    start: datetime.date
    answers: int
    difficult: int
    ease_sum: float


def as_date(value):
    # SQLite hands back DATE() results as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def bucketed(filters, daily_rows):
    """Sum (day, answers, difficult, ease sum) rows into days, or weeks for long ranges."""
    weekly = filters.days > DAILY_TREND_MAX_DAYS
    buckets = defaultdict(lambda: [0, 0, 0])
    for day, answers, difficult, ease_sum in daily_rows:
        day = as_date(day)
        bucket = buckets[day - datetime.timedelta(days=day.weekday()) if weekly else day]
        bucket[0] += int(answers)
        bucket[1] += int(difficult)
        bucket[2] += float(ease_sum)
    return weekly, [Point(start, *counts) for start, counts in sorted(buckets.items())]


def trend(filters):
    """Return (weekly?, [Point]): daily for ranges up to a month, weekly beyond."""
    return daily_groups(filters, GroupCount.kind == ALL)


def daily_groups(filters, which):
    """Sum the GroupCount rows `which` picks per day, into days or weeks."""
    query = (
        GroupCount.select(GroupCount.day, peewee.fn.SUM(GroupCount.answers), peewee.fn.SUM(GroupCount.difficult),
                          peewee.fn.SUM(GroupCount.ease_sum))
        .where(filters.where(GroupCount) & which)
        .group_by(GroupCount.day)
        .tuples()
    )
    return bucketed(filters, query)


def place_trend(filters, name):
    """Return (weekly?, [Point]) for one place, from its daily counts."""
    return daily_groups(filters, (GroupCount.kind == PLACE) & (GroupCount.name == name))


def answers_in(filters):
    """Return a query of the raw answers in the filters' period, for lists and drill-downs."""
    start = rollups.local_midnight(filters.start, filters.zone)
    end = rollups.local_midnight(filters.end + datetime.timedelta(days=1), filters.zone)
    query = Answer.select().where((Answer.created_at >= start) & (Answer.created_at < end)
                                  & filters.on_sites(Answer.site))
    if filters.touchpoint:
        query = query.where(Answer.touchpoint == filters.touchpoint)
    return query


def at_place(query, name):
    """Narrow an answer query to one place: a bot's chatbot exits, or a page or article."""
    return query.where(rollups.at_place_condition(name))


def comments(query, difficult_only=False, limit=20):
    query = query.where(Answer.comment != "")
    if difficult_only:
        query = query.where(Answer.effort_class == DIFFICULT)
    return query.order_by(Answer.created_at.desc(), Answer.id.desc()).limit(limit)


@dataclass
class VersionFigures:
    """One revision of a place: the figures of its answers, and how its share of difficult
    answers compares with the version before it."""

    version: str
    first_answer: datetime.datetime
    figures: Figures
    # "better", "worse" or "within noise"; None for the first version.
    change: str | None = None


def place_figures(filters, name):
    """Return the Figures of one place, from its raw answers (one place has few)."""
    return place_figures_and_versions(filters, name)[0]


def place_figures_and_versions(filters, name):
    """Return (the Figures of one place, its versions), from one read of its raw answers.

    The versions come newest first (by their first answer in the period), each against the
    one before it by the summary's test of a change in % difficult. Answers without a
    version count in the figures only; there are no versions unless two were answered.
    """
    histogram = (at_place(answers_in(filters), name)
                 .select(Answer.version, peewee.fn.MIN(Answer.created_at), Answer.scale, Answer.score,
                         peewee.fn.COUNT(Answer.id))
                 .group_by(Answer.version, Answer.scale, Answer.score).tuples())
    figures, labelled = Figures(), []
    for version, first, scale_name, score, count in histogram:
        figures.add(scale_name, score, int(count))
        if version:
            labelled.append((version, first, scale_name, score, count))
    versions = compared_versions(labelled)
    return figures, versions[::-1] if len(versions) > 1 else []


def compared_versions(rows):
    """VersionFigures from (version, first answer, scale, score, count) rows, oldest first
    (by their first answer), each marked against the one before it."""
    found = {}
    for version, first, scale_name, score, count in rows:
        first = rollups.as_datetime(first)
        each = found.setdefault(version, VersionFigures(version, first, Figures()))
        each.first_answer = min(each.first_answer, first)
        each.figures.add(scale_name, score, int(count))
    return marked_against_the_one_before(found.values())


def marked_against_the_one_before(versions):
    """The versions oldest first (by their first answer), each marked better, worse or
    within noise against the one before it by the summary's test of % difficult."""
    versions = sorted(versions, key=lambda each: (each.first_answer, each.version))
    for before, now in zip(versions, versions[1:]):
        old, new = before.figures, now.figures
        if stats.proportion_change_is_noise(old.difficult, old.answers, new.difficult, new.answers):
            now.change = "within noise"
        else:
            now.change = "better" if new.difficult_percent < old.difficult_percent else "worse"
    return versions


def latest_versions(filters, places):
    """{(site id, place name): its latest VersionFigures, marked against the version before}
    for those of `places` ((site id, name) pairs, the few a page lists) that have two
    versions or more in the period; from the version counts."""
    if not places:
        return {}
    at_any = functools.reduce(operator.or_, ((VersionCount.site_id == site_id) & (VersionCount.name == name)
                                             for site_id, name in places))
    rows = (VersionCount.select(VersionCount.site_id, VersionCount.name, VersionCount.version,
                                peewee.fn.MIN(VersionCount.day), peewee.fn.SUM(VersionCount.answers),
                                peewee.fn.SUM(VersionCount.easy), peewee.fn.SUM(VersionCount.difficult),
                                peewee.fn.SUM(VersionCount.ease_sum))
            .where(filters.where(VersionCount) & at_any)
            .group_by(VersionCount.site_id, VersionCount.name, VersionCount.version).tuples())
    by_place = defaultdict(list)
    for site_id, name, version, first_day, answers, easy, difficult, ease_sum in rows:
        figures = Figures(answers=int(answers), easy=int(easy), difficult=int(difficult), ease_sum=float(ease_sum))
        first = datetime.datetime.combine(as_date(first_day), datetime.time())
        by_place[(site_id, name)].append(VersionFigures(version, first, figures))
    latest = {}
    for key, versions in by_place.items():
        versions = marked_against_the_one_before(versions)
        if len(versions) > 1:
            latest[key] = versions[-1]
    return latest


def recovery_counts(filters, sites):
    """(how often the recovery link was offered in the period, how often taken), or None
    when none of `sites` has one: then nothing was read."""
    if not any(site.recovery_url or site.recovery_urls for site in sites):
        return None
    offered = answers_in(filters).where(Answer.recovery_offered == True)  # noqa: E712 (SQL, not Python)
    taken = peewee.fn.COUNT(Answer.recovery_taken_at)
    return tuple(int(count or 0) for count in offered.select(peewee.fn.COUNT(Answer.id), taken).scalar(as_tuple=True))


@dataclass
class Journey:
    """What led to one place's answers: the help-centre searches before a difficult one,
    counted, and the median seconds on the page before a difficult and an easy answer."""

    searches: list
    seconds: dict
    timed: dict


def place_journey(filters, name, searches=10):
    """Return the Journey of one place's answers in the filters' period (one place has few:
    their seconds are read, not counted in SQL, which has no portable median)."""
    at = at_place(answers_in(filters), name)
    lowered = peewee.fn.LOWER(Answer.search)
    searched = (at.where(Answer.effort_class == DIFFICULT, Answer.search != "")
                .select(lowered, peewee.fn.COUNT(Answer.id)).group_by(lowered)
                .order_by(peewee.fn.COUNT(Answer.id).desc(), lowered).limit(searches).tuples())
    timed = {DIFFICULT: [], EASY: []}
    for effort, seconds in (at.where(Answer.seconds_on_page.is_null(False), Answer.effort_class.in_(list(timed)))
                            .select(Answer.effort_class, Answer.seconds_on_page).tuples()):
        timed[effort].append(seconds)
    return Journey(searches=[(query, int(count)) for query, count in searched],
                   seconds={effort: statistics.median(values) if values else None for effort, values in timed.items()},
                   timed={effort: len(values) for effort, values in timed.items()})


@dataclass
class VersionSummary:
    """The summary's parts for the answers that name one version, read from those answers
    (the count tables have no version but VersionCount's places)."""

    now: Figures
    before: Figures
    by_touchpoint: list
    places: list  # ranking.Group-like: touchpoint, name, counts and reasons, hardest first
    reasons: Counter
    weekly: bool
    points: list


def version_summary(filters, site, version):
    """The VersionSummary of one site's answers that name `version`, in the filters' period
    (against the period before, like the headline)."""
    from .ranking import Group

    def labelled(period):
        return answers_in(period).where(Answer.version == version)

    place = rollups.place_column()
    now, by_touchpoint, by_place = Figures(), defaultdict(Figures), defaultdict(Figures)
    for touchpoint, name, scale_name, score, count in (
            labelled(filters).select(Answer.touchpoint, place, Answer.scale, Answer.score, peewee.fn.COUNT(Answer.id))
            .group_by(Answer.touchpoint, place, Answer.scale, Answer.score).tuples()):
        for figures in (now, by_touchpoint[touchpoint], by_place[touchpoint, name]):
            figures.add(scale_name, score, int(count))
    before = Figures()
    for scale_name, score, count in (labelled(filters.previous()).select(Answer.scale, Answer.score, peewee.fn.COUNT(Answer.id))
                                     .group_by(Answer.scale, Answer.score).tuples()):
        before.add(scale_name, score, int(count))
    reasons, place_reasons = Counter(), defaultdict(Counter)
    for touchpoint, name, chosen in (labelled(filters).where(Answer.effort_class == DIFFICULT, Answer.reasons != "[]")
                                     .select(Answer.touchpoint, place, Answer.reasons).tuples()):
        chosen = chosen if isinstance(chosen, list) else json.loads(chosen)
        reasons.update(chosen)
        place_reasons[touchpoint, name].update(chosen)
    places = [Group(site.id, touchpoint, PLACE, name, figures.answers, figures.easy, figures.difficult,
                    figures.ease_sum, place_reasons[touchpoint, name].most_common())
              for (touchpoint, name), figures in by_place.items()]
    places.sort(key=lambda group: (-group.difficult_interval[0], group.name))
    day = rollups.local_day_sql(Answer.created_at, site, labelled(filters))
    daily = (labelled(filters).select(day, peewee.fn.COUNT(Answer.id),
                                      peewee.fn.SUM(peewee.Case(None, [(Answer.effort_class == DIFFICULT, 1)], 0)),
                                      peewee.fn.SUM(Answer.ease)).group_by(day).tuples())
    weekly, points = bucketed(filters, daily)
    return VersionSummary(now, before, sorted(by_touchpoint.items()), places, reasons, weekly, points)

