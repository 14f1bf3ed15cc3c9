"""`widget-server site …`: create, list, show and configure sites."""
import json

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import locales, public_url
from ..assets import script_tag_for
from ..models import Site
from ..scales import SCALES
from ..site_settings import SiteSettingError, text_override
from .base import fail, site_or_fail


@click.group(short_help="Create, list and configure sites.")
def site():
    """Create, list and configure sites (the pages that embed the widget)."""


@site.command("add")
@click.argument("name")
@click.option("--origin", "origins", multiple=True, required=True,
              help="Origin allowed to embed the widget, e.g. https://help.example.com (repeatable).")
@click.option("--company", default="", help="Name used in questions such as '{company} made it easy ...'.")
@click.option("--scale", type=click.Choice(list(SCALES)), default=None, help="Scale for every touchpoint.")
@with_appcontext
def site_add(name, origins, company, scale):
    """Create a site and print its key and the script tag to paste."""
    extra = {"scale": scale} if scale else {}
    if company:
        extra["company"] = company
    try:
        with Site._meta.database.connection_context():
            new_site = Site.create_with_key(name, origins, **extra)
    except SiteSettingError as error:
        fail(str(error))
    click.echo(f"Created site {new_site.name!r} with key {new_site.key}")
    click.echo("Paste this into every page that should ask customers:")
    click.echo(script_tag_for(new_site))
    warn_if_unreachable(new_site)


def warn_if_unreachable(found):
    warning = public_url.unreachable_warning(current_app.config, found.origins)
    if warning:
        click.echo(f"Warning: {warning}", err=True)


@site.command("list")
@with_appcontext
def site_list():
    """List sites with their keys and allowed origins."""
    with Site._meta.database.connection_context():
        sites = list(Site.select().order_by(Site.created_at))
    if not sites:
        click.echo("No sites yet: create one with `widget-server site add NAME --origin URL`.")
    for each in sites:
        click.echo(f"{each.key}\t{each.name}\t{' '.join(each.origins)}")


@site.command("show")
@click.argument("key")
@with_appcontext
def site_show(key):
    """Print a site's settings and its script tag."""
    with Site._meta.database.connection_context():
        found = site_or_fail(key)
    click.echo(json.dumps(site_settings(found), indent=2, ensure_ascii=False))
    click.echo(script_tag_for(found))
    warn_if_unreachable(found)


def site_settings(found):
    return {
        "key": found.key,
        "name": found.name,
        "company": found.company,
        "origins": found.origins,
        "scale": found.scale,
        "touchpoint_scales": found.touchpoint_scales,
        "cooldown_days": found.cooldown_days,
        "sample_percent": found.sample_percent,
        "auto_delay_seconds": found.auto_delay_seconds,
        "auto_scroll_percent": found.auto_scroll_percent,
        "time_zone": found.time_zone,
        "retention_days": found.retention_days,
        "recovery_url": found.recovery_url,
        "recovery_urls": found.recovery_urls,
        "collect_time_on_page": found.collect_time_on_page,
        "search_parameters": found.search_parameters,
        "texts": found.texts,
        "link_change_days": found.link_change_days,
        "signed_links_only": found.signed_links_only,
    }


def pairs(values, option):
    """Split NAME=VALUE option values into a dict."""
    parsed = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name:
            fail(f"{option} takes NAME=VALUE, not {value!r}")
        parsed[name.strip()] = rest
    return parsed


def merged_pairs(current, values, option):
    """`current` with the NAME=VALUE option values applied; NAME= (empty) removes NAME."""
    merged = dict(current)
    for name, value in pairs(values, option).items():
        if value:
            merged[name] = value
        else:
            merged.pop(name, None)
    return merged


@site.command("set")
@click.argument("key")
@click.option("--name", help="The site's name, as the admin shows it.")
@click.option("--company", help="Name used in questions such as '{company} made it easy ...'.")
@click.option("--add-origin", multiple=True, help="Allow another origin (repeatable).")
@click.option("--remove-origin", multiple=True, help="Stop allowing an origin (repeatable).")
@click.option("--scale", type=click.Choice(list(SCALES)), help="Default scale of the site.")
@click.option("--touchpoint-scale", multiple=True, metavar="TOUCHPOINT=SCALE",
              help="Scale for one touchpoint; TOUCHPOINT= (empty) goes back to the site's scale.")
@click.option("--cooldown-days", type=int, help="Days before a browser is asked again about the same thing.")
@click.option("--sample-percent", type=int, help="Share of page views that may show a prompt (0-100).")
@click.option("--auto-delay", "auto_delay_seconds", type=int,
              help="Seconds on a page before the floating self-service prompt appears.")
@click.option("--auto-scroll", "auto_scroll_percent", type=int,
              help="Scroll depth (%) that shows the floating prompt sooner.")
@click.option("--time-zone", metavar="ZONE",
              help="IANA time zone the site's days are counted in, such as Europe/Amsterdam (default UTC); "
                   "a change counts the site's answers again.")
@click.option("--recovery-url", metavar="URL",
              help="Page offered right after a difficult answer ('Still stuck? Contact support'); '' for none.")
@click.option("--touchpoint-recovery-url", multiple=True, metavar="TOUCHPOINT=URL",
              help="The recovery link of one touchpoint; TOUCHPOINT= (empty) goes back to the site's.")
@click.option("--time-on-page/--no-time-on-page", "collect_time_on_page", default=None,
              help="Whether the widget sends the seconds spent on the page before answering.")
@click.option("--search-parameters", metavar="NAMES",
              help="Query parameters of a same-origin referrer holding the search that led to the page, "
                   "such as 'q query search'; '' sends no search.")
@click.option("--text", "texts", multiple=True, metavar="LANG:KEY=TEXT",
              help="Override a widget string for a language (* for all); KEY= (empty) removes it.")
@click.option("--link-change-days", type=int,
              help="Days a customer may change a ticket's rating given through a rating link (0: never).")
@click.option("--signed-links-only/--unsigned-links-too", "signed_links_only", default=None,
              help="Whether rating links must carry a signature (`widget-server links sign`).")
@with_appcontext
def site_set(key, add_origin, remove_origin, touchpoint_scale, touchpoint_recovery_url, texts, **options):
    """Change a site's settings."""
    with Site._meta.database.connection_context():
        found = site_or_fail(key)
        changes = {name: value for name, value in options.items() if value is not None}
        if touchpoint_scale:
            changes["touchpoint_scales"] = merged_pairs(found.touchpoint_scales, touchpoint_scale, "--touchpoint-scale")
        if touchpoint_recovery_url:
            changes["recovery_urls"] = merged_pairs(found.recovery_urls, touchpoint_recovery_url,
                                                    "--touchpoint-recovery-url")
        if texts:
            changes["texts"] = merged_texts(found.texts, texts)
        try:
            found.change(add_origins=add_origin, remove_origins=remove_origin, **changes)
        except SiteSettingError as error:
            fail(str(error))
        found.save()
    click.echo(json.dumps(site_settings(found), indent=2, ensure_ascii=False))


def merged_texts(current, overrides):
    merged = {language: dict(strings) for language, strings in current.items()}
    for value in overrides:
        try:
            language, key, text = text_override(value, "--text")
        except SiteSettingError as error:
            fail(str(error))
        strings = merged.setdefault(language, {})
        if text:
            strings[key] = text
        else:
            strings.pop(key, None)
    return {language: strings for language, strings in merged.items() if strings}


@site.command("strings")
@click.option("--lang", default=locales.DEFAULT_LANGUAGE, show_default=True,
              help="Language whose built-in strings to print.")
def site_strings(lang):
    """List the widget strings a site can override, with their built-in text."""
    for key, text in locales.strings_for(lang, {}).items():
        click.echo(f"{key}\t{text}")
    click.echo("question.TOUCHPOINT\t(the question for one touchpoint, whatever its scale)")
