"""`widget-server digest …`: e-mail digests on demand."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .. import digests, mail
from ..models import AdminUser
from .admins import admin_or_fail
from .base import fail


@click.group()
def digest():
    """Send or print e-mail digests now."""


@digest.command("send")
@click.option("--dry-run", is_flag=True, help="Print the digests' plain text instead of sending them.")
@click.option("--admin", "username", metavar="NAME",
              help="Only this admin's, subscribed or not (a daily one when they have none).")
@with_appcontext
def digest_send(dry_run, username):
    """Send (or print) each subscribed admin's digest of the latest day or week now, one
    e-mail per site; the scheduled ones still go as usual."""
    config = current_app.config
    if not dry_run and not mail.configured(config):
        fail("e-mail is not set up: set SMTP_URL and MAIL_FROM (or use --dry-run)")
    with AdminUser._meta.database.connection_context():
        if username:
            admins = [admin_or_fail(username)]
        else:
            admins = list(AdminUser.select().where(AdminUser.digest != "").order_by(AdminUser.username))
        for each in admins:
            if not each.email and not dry_run:
                fail(f"{each.username} has no e-mail address: `widget-server admin set {each.username} --email …`")
            for message in digests.digest_now(config, each):
                if dry_run:
                    click.echo(f"To: {message['To']}\nSubject: {message['Subject']}\n")
                    click.echo(message.get_body(("plain",)).get_content())
                    continue
                try:
                    mail.send(config, message)
                except mail.MailError as error:
                    fail(str(error))
                click.echo(f"Sent {message['Subject']!r} to {message['To']}.")
        if not admins:
            click.echo("No admin is subscribed to a digest.")
