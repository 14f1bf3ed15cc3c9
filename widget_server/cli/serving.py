"""`widget-server run`, `demo` and `settings`: serving the app, and what it is configured with."""
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from .. import outbox, public_url, settings
from ..demo import DEMO_SITE_KEY, SAMPLE_CUSTOMER, add_sample_answers
from ..models import AdminUser, Site
from .base import program


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


def where_to_listen(command):
    """The --host and --port options of the commands that serve the app."""
    command = click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")(command)
    return click.option("--host", default="127.0.0.1", show_default=True,
                        help="Address to listen on; 0.0.0.0 for every address of this machine.")(command)


@click.command("run", short_help="Serve the app (development server; gunicorn for production).")
@where_to_listen
@with_appcontext
def run(host, port):
    """Serve the app (a development server; use gunicorn in production, see docs/deploying.md)."""
    app = current_app._get_current_object()
    use_served_address(app, host, port)
    serve(app, host, port)


@click.command("settings", short_help="List every setting with its value and help.")
@with_appcontext
def show_settings():
    """List every server setting with its current value and what it does."""
    for name, shown, help_text in settings.describe(current_app.config):
        click.echo(f"{name}={shown}\n    {help_text}")


@click.command("demo", short_help="Serve the app with the demo help centre at /demo.")
@where_to_listen
@click.option("--sample-answers/--no-sample-answers", default=True, show_default=True,
              help="Give a new demo site two months of sample answers (customer id demo-sample).")
@with_appcontext
def demo(host, port, sample_answers):
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
        # Asked again at every page view (no cooldown), so both revisions of the article can be rated.
        demo_site = Site.get_or_none(Site.key == DEMO_SITE_KEY) or Site(
            key=DEMO_SITE_KEY, name="Demo help centre", company="Northwind", auto_delay_seconds=8, cooldown_days=0,
            recovery_url=f"{base}/demo/contact",
        )
        new = demo_site.id is None
        demo_site.change(add_origins=sorted(origins))
        demo_site.save(force_insert=new)
        samples = add_sample_answers(demo_site) if new and sample_answers else 0
        has_admin = AdminUser.select().exists()
    click.echo(f"Demo help centre: {base}/demo")
    if samples:
        click.echo(f"The demo site has {samples} sample answers; `{program()} answers delete --customer "
                   f"{SAMPLE_CUSTOMER}` removes them.")
    click.echo(f"Admin pages:      {base}/admin")
    if not has_admin:
        click.echo(f"No admin yet: in another terminal run `{program()} admin add YOUR-NAME`.")
    serve(app, host, port)
