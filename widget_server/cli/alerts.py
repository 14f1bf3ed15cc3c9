"""`widget-server alerts …`: alert targets, their test alerts and the delivery worker."""

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import mail, outbox, webhooks
from ..alert_models import FORMATS, RULES, Webhook
from ..models import Site
from ..payloads import LARGEST_INTEGER
from .base import fail, found_or_fail, site_or_fail


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
                                              current_app.config["ALERT_ALLOWED_NETWORKS"], grace_seconds=grace_seconds,
                                              mail_configured=mail.configured(current_app.config))
        except webhooks.WebhookError as error:
            fail(str(error))
    click.echo(f"Target {webhook.id}: {webhook.describe()}, to {webhook.url}")
    if not webhook.is_email:
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
        try:
            delivery = webhooks.enqueue_test(webhook_or_fail(webhook_id))
        except webhooks.WebhookError as error:
            fail(str(error))
        outbox.attempt(delivery, current_app.config)
    outcome = delivery.status if delivery.status == "delivered" else f"not delivered: {delivery.last_error}"
    click.echo(f"Test alert to {delivery.webhook.url}: {outcome}")


@alerts.command("work")
@with_appcontext
def alerts_work():
    """Deliver queued alerts until stopped, for servers run with ALERT_WORKER=0."""
    click.echo("Delivering alerts; stop with Ctrl+C.")
    outbox.Worker(current_app._get_current_object()).run()
