"""The `widget-server` command: run the server, manage sites and admins, start the demo."""
import json
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from peewee import SqliteDatabase, fn
from werkzeug.serving import run_simple

from . import create_app, locales, outbox, public_url, retention, rollups, settings, webhooks
from .db import private_file
from .assets import DEMO_SITE_KEY, script_tag_for
from .models import FORMATS, RULES, AdminUser, Site, Webhook
from .payloads import LARGEST_INTEGER
from .scales import SCALES
from .site_settings import SiteSettingError, text_override


class Commands(FlaskGroup):
    """Flask's own options (--app, --env-file, --debug) choose an app, and this command is
    one app: they stay out of its help."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for param in self.params:
            if param.name in ("app", "env_file", "debug"):
                param.hidden = True


@click.group(cls=Commands, create_app=create_app, add_version_option=False, add_default_commands=False)
@click.version_option(package_name="widget-server", message="%(prog)s %(version)s")
def main():
    """Customer Effort Score widget server."""


def serve(app, host, port):
    """Serve the app with its alert worker running from the start, so alerts queued before
    a restart go out without waiting for the first request."""
    outbox.start_worker_once(app)
    run_simple(host, port, app, threaded=True, use_reloader=False)


def use_served_address(app, host, port):
    """Without PUBLIC_URL, what the server prints (script tags, links in alerts and in other
    commands' output) names the address it serves on, not a default port nobody uses."""
    if app.config["PUBLIC_URL_CONFIGURED"]:
        return
    app.config["PUBLIC_URL"] = public_url.served_url(host, port)
    public_url.remember(app.instance_path, app.config["PUBLIC_URL"])
    if not public_url.is_loopback(host):
        click.echo(f"Warning: PUBLIC_URL is not set, so script tags and links say {app.config['PUBLIC_URL']}. "
                   "Set PUBLIC_URL to the address customers' browsers reach this server at, "
                   "e.g. PUBLIC_URL=https://ces.example.com", err=True)


@click.command("run", short_help="Serve the app (development server; gunicorn for production).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 for every address of this machine.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@with_appcontext
def run(host, port):
    """Serve the app (a development server; use gunicorn in production, see docs/deploying.md)."""
    app = current_app._get_current_object()
    use_served_address(app, host, port)
    serve(app, host, port)


def init_app(app):
    """Make the commands part of the app, so `widget-server` and test runners find them."""
    for command in commands():
        app.cli.add_command(command)


def commands():
    """Every command of `widget-server`, in the order its reference lists them."""
    return (run, demo, site, admin, alerts, answers, db_group, rollups_group, backup, show_settings)


def program():
    """How this command was run (.venv/bin/widget-server, say), for hints to run another:
    without the virtual environment active, a bare `widget-server` is not found."""
    invoked = sys.argv[0] if sys.argv else ""
    return invoked if Path(invoked).name == "widget-server" else "widget-server"


def fail(message):
    raise click.ClickException(message)


def found_or_fail(model, condition, missing):
    """The row the condition finds, or the command ends saying `missing`."""
    found = model.get_or_none(condition)
    if found is None:
        fail(missing)
    return found


def site_or_fail(key):
    return found_or_fail(Site, Site.key == key, f"no site with key {key!r}; `widget-server site list` shows the keys")


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
        "retention_days": found.retention_days,
        "texts": found.texts,
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
@click.option("--text", "texts", multiple=True, metavar="LANG:KEY=TEXT",
              help="Override a widget string for a language (* for all); KEY= (empty) removes it.")
@with_appcontext
def site_set(key, add_origin, remove_origin, touchpoint_scale, texts, **options):
    """Change a site's settings."""
    with Site._meta.database.connection_context():
        found = site_or_fail(key)
        changes = {name: value for name, value in options.items() if value is not None}
        if touchpoint_scale:
            merged = dict(found.touchpoint_scales)
            for touchpoint, scale in pairs(touchpoint_scale, "--touchpoint-scale").items():
                if scale:
                    merged[touchpoint] = scale
                else:
                    merged.pop(touchpoint, None)
            changes["touchpoint_scales"] = merged
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


@click.group()
def admin():
    """Manage the people who may open the admin pages."""


@admin.command("add")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def admin_add(username, password_stdin):
    """Create an admin, or set a new password for an existing one."""
    password = read_password(password_stdin)
    with AdminUser._meta.database.connection_context():
        save_password(AdminUser.get_or_none(AdminUser.username == username) or AdminUser(username=username), password)
    click.echo(f"Admin {username!r} can now log in at {current_app.config['PUBLIC_URL']}/admin")


def read_password(password_stdin):
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def save_password(admin, password):
    """Give the admin this password (ending their sessions), or end the command saying why not."""
    try:
        admin.set_password(password)
    except ValueError as error:
        fail(str(error))
    admin.save()


def admin_or_fail(username):
    return found_or_fail(AdminUser, AdminUser.username == username,
                         f"no admin {username!r}; `widget-server admin list` shows them")


@admin.command("list")
@with_appcontext
def admin_list():
    """List the admins, with when each was created and last logged in."""
    with AdminUser._meta.database.connection_context():
        for admin in AdminUser.select().order_by(AdminUser.username):
            last = admin.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if admin.last_login_at else "never"
            click.echo(f"{admin.username}\tcreated {admin.created_at:%Y-%m-%d}\tlast login {last}")


@admin.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@with_appcontext
def admin_password(username, password_stdin):
    """Give an admin a new password, ending every session they have open."""
    password = read_password(password_stdin)
    with AdminUser._meta.database.connection_context():
        save_password(admin_or_fail(username), password)
    click.echo(f"New password for {username!r}; their open sessions have ended.")


@admin.command("remove")
@click.argument("username")
@with_appcontext
def admin_remove(username):
    """Remove an admin; their open sessions end with them."""
    with AdminUser._meta.database.connection_context():
        admin_or_fail(username).delete_instance()
    click.echo(f"Removed admin {username!r}.")


@click.group(short_help="Delete a customer's answers, or those past retention.")
def answers():
    """Delete answers: a customer's, or those past their site's retention period."""


@answers.command("delete")
@click.option("--customer", required=True, help="The customer id whose answers to delete.")
@click.option("--site", "site_key", help="Only on this site (default: every site).")
@with_appcontext
def answers_delete(customer, site_key):
    """Delete every answer carrying a customer id (a privacy request)."""
    with Site._meta.database.connection_context():
        only = site_or_fail(site_key) if site_key else None
        try:
            deleted = retention.delete_customer(customer, only)
        except ValueError as error:
            fail(str(error))
    click.echo(f"Deleted {deleted} answers of that customer.")


@answers.command("purge")
@with_appcontext
def answers_purge():
    """Delete answers past their site's retention period now (servers also do it hourly)."""
    with Site._meta.database.connection_context():
        purged = retention.purge_expired()
    click.echo(f"Purged {purged} answers past their retention period.")


@click.group()
def alerts():
    """Manage alert targets, and deliver their alerts."""


@alerts.command("add")
@click.argument("site_key")
@click.argument("url")
@click.option("--rule", type=click.Choice(list(RULES)), default="difficult", show_default=True,
              help="Which answers alert.")
@click.option("--threshold", type=click.IntRange(0, 100), help="For score_at_most: the highest ease index (0-100).")
@click.option("--touchpoint", default="", help="Only answers of this touchpoint (default: all).")
@click.option("--format", "format_", type=click.Choice(list(FORMATS)), default="json", show_default=True,
              help="json for your own receiver, slack for a Slack incoming webhook.")
@click.option("--grace", "grace_seconds", type=click.IntRange(0, 3600), default=60, show_default=True,
              help="Seconds an alert waits for the customer's follow-up.")
@with_appcontext
def alerts_add(site_key, url, rule, threshold, touchpoint, format_, grace_seconds):
    """Add an alert target to a site and print its signing secret, this once."""
    with Site._meta.database.connection_context():
        site = site_or_fail(site_key)
        try:
            webhook = webhooks.create_webhook(site, url, rule, threshold, touchpoint, format_,
                                              current_app.config["ALERT_ALLOWED_NETWORKS"], grace_seconds=grace_seconds)
        except webhooks.WebhookError as error:
            fail(str(error))
    click.echo(f"Target {webhook.id}: {webhook.describe()}, to {webhook.url}")
    click.echo(f"Signing secret (shown only now; verify deliveries with it): {webhook.secret}")


@alerts.command("list")
@click.argument("site_key", required=False)
@with_appcontext
def alerts_list(site_key):
    """List alert targets (of one site, or of all), with their id, rule and state."""
    with Site._meta.database.connection_context():
        targets = Webhook.select(Webhook, Site).join(Site).order_by(Site.key, Webhook.id)
        if site_key:
            targets = targets.where(Site.key == site_or_fail(site_key).key)
        for webhook in targets:
            state = "active" if webhook.active else f"paused{': ' + webhook.paused_reason if webhook.paused_reason else ''}"
            click.echo(f"{webhook.id}\t{webhook.site.key}\t{webhook.url}\t{webhook.describe()}\t{state}")


def webhook_or_fail(webhook_id):
    return found_or_fail(Webhook, Webhook.id == webhook_id,
                         f"no alert target {webhook_id}; `widget-server alerts list` shows them")


@alerts.command("remove")
@click.argument("webhook_id", type=click.IntRange(1, LARGEST_INTEGER))
@with_appcontext
def alerts_remove(webhook_id):
    """Remove an alert target and its delivery history."""
    with Site._meta.database.connection_context():
        webhook = webhook_or_fail(webhook_id)
        webhook.delete_instance(recursive=True)
    click.echo(f"Removed alert target {webhook_id} ({webhook.url}).")


@alerts.command("test")
@click.argument("webhook_id", type=click.IntRange(1, LARGEST_INTEGER))
@with_appcontext
def alerts_test(webhook_id):
    """Send a test alert to a target now and say how it went."""
    with Site._meta.database.connection_context():
        delivery = webhooks.enqueue_test(webhook_or_fail(webhook_id))
        outbox.attempt(delivery, current_app.config)
    outcome = delivery.status if delivery.status == "delivered" else f"not delivered: {delivery.last_error}"
    click.echo(f"Test alert to {delivery.webhook.url}: {outcome}")


@alerts.command("work")
@with_appcontext
def alerts_work():
    """Deliver queued alerts until stopped, for servers run with ALERT_WORKER=0."""
    click.echo("Delivering alerts; stop with Ctrl+C.")
    outbox.Worker(current_app._get_current_object()).run()


@click.group("db")
def db_group():
    """Look after the database's schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Bring the database's schema up to this release's, under a lock, and say its version.

    Servers do the same when they start; run this first (before starting new servers after
    an upgrade) and they start at once."""
    found, version = current_app.extensions["schema_upgrade"]
    if found == version:
        click.echo(f"The schema is at version {version}, this release's: nothing to do.")
    else:
        click.echo(f"Upgraded the schema from version {found} to {version}.")


@click.group("rollups")
def rollups_group():
    """Maintain the count tables behind the admin summary."""


@rollups_group.command("rebuild")
@with_appcontext
def rollups_rebuild():
    """Recount the summary tables from the stored answers (after a restore or a hand edit)."""
    with Site._meta.database.connection_context():
        rollups.rebuild()
        total = rollups.ScoreCount.select(fn.SUM(rollups.ScoreCount.answers)).scalar() or 0
    click.echo(f"Recounted {total} answers.")


@click.command(short_help="Copy the SQLite database consistently while it runs.")
@click.argument("destination", type=click.Path(dir_okay=False))
@with_appcontext
def backup(destination):
    """Copy the SQLite database to DESTINATION, consistently, while the server keeps writing."""
    database = Site._meta.database.obj
    if not isinstance(database, SqliteDatabase):
        fail("backup copies SQLite databases; for PostgreSQL use pg_dump, which is also safe while it runs")
    if Path(destination).exists():
        fail(f"{destination} exists; give a new file name so no backup is overwritten by mistake")
    # SQLite's online backup copies a consistent snapshot page by page, so writers only
    # wait for the moments a batch of pages is read.
    # The copy holds what the database does: readable by this account only.
    private_file(destination)
    source = sqlite3.connect(database.database, timeout=30)
    target = sqlite3.connect(destination)
    try:
        source.backup(target, pages=1024)
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        count = target.execute("SELECT COUNT(*) FROM answer").fetchone()[0]
    finally:
        target.close()
        source.close()
    if check != "ok":
        fail(f"the copy failed its integrity check ({check}); try again")
    click.echo(f"Backed up {count} answers to {destination} (integrity check: ok).")


@click.command("settings", short_help="List every setting with its value and help.")
@with_appcontext
def show_settings():
    """List every server setting with its current value and what it does."""
    for name, shown, help_text in settings.describe(current_app.config):
        click.echo(f"{name}={shown}\n    {help_text}")


@click.command("demo", short_help="Serve the app with the demo help centre at /demo.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 for every address of this machine.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@with_appcontext
def demo(host, port):
    """Create the demo site if missing and serve the app with a demo page at /demo."""
    app = current_app._get_current_object()
    use_served_address(app, host, port)
    base = app.config["PUBLIC_URL"]
    # The demo page is opened at the address served on (or PUBLIC_URL); on this machine
    # also by the other name of loopback.
    origins = {public_url.served_url(host, port), base}
    if public_url.is_loopback(host):
        origins |= {f"http://127.0.0.1:{port}", f"http://localhost:{port}"}
    origins = {f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, origins)}
    with Site._meta.database.connection_context():
        demo_site = Site.get_or_none(Site.key == DEMO_SITE_KEY) or Site(
            key=DEMO_SITE_KEY, name="Demo help centre", company="Northwind", auto_delay_seconds=8
        )
        demo_site.change(add_origins=sorted(origins))
        demo_site.save(force_insert=demo_site.id is None)
        has_admin = AdminUser.select().exists()
    click.echo(f"Demo help centre: {base}/demo")
    click.echo(f"Admin pages:      {base}/admin")
    if not has_admin:
        click.echo(f"No admin yet: in another terminal run `{program()} admin add YOUR-NAME`.")
    serve(app, host, port)

if __name__ == "__main__":
    main()
