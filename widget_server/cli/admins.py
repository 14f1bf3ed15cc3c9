"""`widget-server admin …`: the admin pages' accounts."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..models import AdminUser
from .base import fail, found_or_fail


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
