"""The product owner's pages: the summary, a drill-down per hot spot, and the answers."""
from flask import Blueprint, current_app, g, render_template, request, url_for

from . import charts, locales, ranking, reports, themes
from .auth import admin_pages, requires
from .models import Answer
from .payloads import VERSION_LABEL, whole_number_argument
from .rollups import PLACE
from .scales import DIFFICULT, SCALES
from .selection import EFFORT_CLASSES, Selection, narrowed_answers

bp = admin_pages(Blueprint("admin", __name__, url_prefix="/admin"))

PAGE_SIZE = 50


@bp.get("/")
@requires("viewer")
def summary():
    """Show where self-service is hardest, why, and whether it is getting easier."""
    selection = Selection(request.args, g.admin)
    filters = selection.filters
    figures, metrics = reports.headline(filters)
    minimum = current_app.config["HOTSPOT_MIN_ANSWERS"]
    hot_spots = ranking.hot_spots(filters, minimum)
    weekly, points = reports.trend(filters)
    difficult_only = request.args.get("comments") == "difficult"
    return render_template(
        "admin/summary.html",
        selection=selection,
        figures=figures,
        metrics=metrics,
        touchpoints=reports.by_touchpoint(filters),
        hot_spots=hot_spots,
        latest_versions=reports.latest_versions(filters, [(place.site_id, place.name) for place in hot_spots.places]),
        minimum=minimum,
        drivers=ranking.drivers(filters, figures.difficult),
        recovery=reports.recovery_counts(filters, [selection.site] if selection.site else selection.sites),
        agents=ranking.agents(filters),
        trend=charts.trend_chart(points, weekly, filters.start, filters.end),
        distributions=charts.distribution_charts(figures),
        comments=reports.comments(reports.answers_in(filters), difficult_only),
        difficult_only=difficult_only,
        reason_labels=reason_labels(),
        site_keys=selection.site_keys(),
        site_names=selection.site_names(),
    )


PLACES_PAGE_SIZE = 50
PLACE_ORDER_NAMES = {"hardest": "hardest first", "answers": "most answers", "ease": "lowest ease index",
                     "name": "name"}


@bp.get("/places")
@requires("viewer")
def places():
    """Every ranked page, article and bot, in pages, in the order chosen."""
    selection = Selection(request.args, g.admin)
    order = request.args.get("sort", "hardest")
    if order not in ranking.PLACE_ORDERS:
        selection.problems.append(f"sort: use one of {', '.join(ranking.PLACE_ORDERS)}; showing hardest first")
        order = "hardest"
    number = whole_number_argument(request.args, "page", 1, high=1_000_000)
    minimum = current_app.config["HOTSPOT_MIN_ANSWERS"]
    found = ranking.hot_spots(selection.filters, minimum, limit=PLACES_PAGE_SIZE,
                              offset=(number - 1) * PLACES_PAGE_SIZE, order=order)
    return render_template(
        "admin/places.html",
        selection=selection,
        hot_spots=found,
        latest_versions=reports.latest_versions(selection.filters, [(place.site_id, place.name) for place in found.places]),
        order=order,
        orders=PLACE_ORDER_NAMES,
        page_number=number,
        page_size=PLACES_PAGE_SIZE,
        first_rank=(number - 1) * PLACES_PAGE_SIZE + 1,
        more=number * PLACES_PAGE_SIZE < found.ranked,
        minimum=minimum,
        reason_labels=reason_labels(),
        site_keys=selection.site_keys(),
        site_names=selection.site_names(),
    )


@bp.get("/hot-spot")
@requires("viewer")
def hot_spot():
    """Show one page, article or bot: its trend, scores, reasons and comments."""
    selection = Selection(request.args, g.admin)
    name = request.args.get("place", "")
    filters = selection.filters
    figures, versions = reports.place_figures_and_versions(filters, name)
    weekly, points = reports.place_trend(filters, name)
    journey = reports.place_journey(filters, name)
    found_themes = themes.themes_for(filters, name, minimum=current_app.config["THEME_MIN_COMMENTS"], limit=8)
    answers = reports.at_place(reports.answers_in(filters), name)
    reasons = ranking.reason_counts(filters, PLACE, names=[name])
    chosen = {}
    for counts in reasons.values():
        for reason, count in counts.items():
            chosen[reason] = chosen.get(reason, 0) + count
    return render_template(
        "admin/hot_spot.html",
        selection=selection,
        place=name,
        figures=figures,
        versions=versions,
        journey=journey,
        themes=found_themes,
        trend=charts.trend_chart(points, weekly, filters.start, filters.end),
        distributions=charts.distribution_charts(figures),
        reasons=sorted(chosen.items(), key=lambda item: -item[1]),
        comments=reports.comments(answers, limit=50),
        reason_labels=reason_labels(),
    )


@bp.get("/themes")
@requires("viewer")
def comment_themes():
    """The comment themes of the selection (or one place), and the comments of one theme."""
    selection = Selection(request.args, g.admin)
    place = request.args.get("place") or None
    term = request.args.get("term", "")[:200]
    found = themes.themes_for(selection.filters, place, minimum=current_app.config["THEME_MIN_COMMENTS"], limit=40)
    theme = next((each for each in found.themes if each.key == term), None)
    matching, count = themes.comments_with(selection.filters, place, term) if term else ([], 0)
    return render_template("admin/themes.html", selection=selection, place=place, term=term, theme=theme,
                           themes=found, comments=matching, count=count, reason_labels=reason_labels())


@bp.get("/answers")
@requires("viewer")
def answers():
    """List answers newest first, narrowed like the summary, fifty to a page."""
    selection = Selection(request.args, g.admin)
    args = request.args.to_dict()
    if args.get("version") and not VERSION_LABEL.fullmatch(args["version"]):
        selection.problems.append("version: not a revision label (1-40 of A-Z, a-z, 0-9 and . _ : -); "
                                  "showing every version")
        args["version"] = ""
    query = narrowed_answers(selection.filters, args)
    place, answer_key = request.args.get("place", ""), request.args.get("id", "")
    effort_class = request.args.get("class", "")
    before = whole_number_argument(request.args, "before", None)
    if before:
        query = query.where(Answer.id < before)
    page = list(query.order_by(Answer.id.desc()).limit(PAGE_SIZE + 1))
    older = page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None
    narrowed = {"place": place, "class": effort_class if effort_class in EFFORT_CLASSES else "",
                "with": request.args.get("with", "") if request.args.get("with") == "comment" else "",
                "version": args.get("version", ""), "id": answer_key,
                "agent": request.args.get("agent", "")[:200], "conversation": request.args.get("conversation", "")[:200]}
    narrowed = {name: value for name, value in narrowed.items() if value}
    return render_template(
        "admin/answers.html",
        selection=selection,
        answers=page[:PAGE_SIZE],
        title=answers_title(narrowed),
        active_filters=active_filters(selection, narrowed),
        narrowed=narrowed,
        older=older,
        site_names=selection.site_names(),
        reason_labels=reason_labels(),
    )


def answers_title(narrowed):
    """What the answers page shows, in words: "Difficult answers with a comment at kb-42"."""
    if narrowed.get("id"):
        return "One answer", None
    title = f"{narrowed['class'].capitalize()} answers" if narrowed.get("class") else "Answers"
    if narrowed.get("with"):
        title += " with a comment"
    if narrowed.get("version"):
        title += f" on version {narrowed['version']}"
    if narrowed.get("agent"):
        title += f" for agent {narrowed['agent']}"
    if narrowed.get("conversation"):
        title += f" on conversation {narrowed['conversation']}"
    return title, narrowed.get("place")


def active_filters(selection, narrowed):
    """[(what, link without it)] for each filter beyond the dates, so each can be removed."""
    kept = {"site": selection.site.key if selection.site else None, "touchpoint": selection.touchpoint or None,
            **narrowed}
    words = {"site": lambda key: f"site {selection.site.name}", "touchpoint": lambda name: f"touchpoint {name}",
             "place": lambda name: f"at {name}", "class": lambda name: f"{name} answers",
             "with": lambda _: "with a comment", "version": lambda label: f"version {label}",
             "id": lambda key: f"answer {key}", "agent": lambda name: f"agent {name}",
             "conversation": lambda ticket: f"conversation {ticket}"}
    shown = []
    for name, value in kept.items():
        if value:
            shown.append((words[name](value), url_for("admin.answers", **selection.args(**{**kept, name: None}))))
    return shown


def reason_labels():
    english = locales.STRINGS[locales.DEFAULT_LANGUAGE]
    return {code: english[f"reason.{code}"] for code in locales.REASONS}


@bp.app_template_filter("figure")
def figure(value, digits=0):
    """Format a number for the summary, or an en dash where there is none."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


@bp.app_template_filter("duration")
def duration(seconds):
    """Seconds as people say them: 45 s, 3 min 20 s, 2 h 5 min; an en dash for none."""
    if seconds is None:
        return "–"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


@bp.app_context_processor
def names_in_templates():
    return {"SCALES": SCALES, "DIFFICULT": DIFFICULT, "THEME_Z": themes.SIGNIFICANT, "BUILT_IN_TOUCHPOINTS": locales.BUILT_IN_TOUCHPOINTS}
