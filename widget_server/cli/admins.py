"""`widget-server admin …`: the admin pages' accounts, their roles and sites."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..models import DIGESTS, ROLES, AdminUser
from .base import fail, found_or_fail, site_or_fail

ROLE_OPTION = click.Choice(list(reversed(ROLES)))


@click.group()
def admin():
    """Manage the people who may open the admin pages."""


@admin.command("add")
@click.argument("username")
@click.option("--role", type=ROLE_OPTION,
              help="owner: everything; editor: the sites' settings, alerts and tokens; viewer: the sites' "
                   "figures, answers and export. The first admin is an owner; later ones need one.")
@click.option("--site", "site_keys", multiple=True, metavar="KEY", help="A site an editor or viewer may see (repeat).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def admin_add(username, role, site_keys, password_stdin):
    """Create an admin, or set a new password for an existing one (and, given, its role and sites)."""
    with AdminUser._meta.database.connection_context():
        existing = AdminUser.get_or_none(AdminUser.username == username)
        if existing is None and role is None and AdminUser.select().exists():
            fail(f"{username!r}: say what they may do with --role {'|'.join(reversed(ROLES))} "
                 "(and --site KEY for an editor or viewer)")
        sites = [site_or_fail(key) for key in site_keys]
        password = read_password(password_stdin)
        try:
            with AdminUser._meta.database.atomic():
                add_or_change(existing, username, password, role, sites)
        except ValueError as error:
            fail(str(error))
    click.echo(f"Admin {username!r} can now log in at {current_app.config['PUBLIC_URL']}/admin")


def add_or_change(existing, username, password, role, sites):
    if existing is None:
        AdminUser.add(username, password, role or "owner", sites)
    else:
        existing.set_password(password)
        existing.save(only=[AdminUser.password_hash, AdminUser.session_version])
        if role or sites:
            existing.give(role or existing.role, sites or kept_sites(existing))


@admin.command("set")
@click.argument("username")
@click.option("--role", type=ROLE_OPTION, help="Their new role.")
@click.option("--site", "site_keys", multiple=True, metavar="KEY",
              help="The sites an editor or viewer may see, replacing those given before (repeat).")
@click.option("--email", help="Where their digest goes.")
@click.option("--digest", type=click.Choice(["none", *DIGESTS[1:]]), help="How often their digest comes.")
@click.option("--digest-hour", type=click.IntRange(0, 23), help="The hour of each site's day it comes at.")
@with_appcontext
def admin_set(username, role, site_keys, email, digest, digest_hour):
    """Change an admin's role, sites or digest."""
    with AdminUser._meta.database.connection_context():
        found = admin_or_fail(username)
        sites = [site_or_fail(key) for key in site_keys]
        try:
            with AdminUser._meta.database.atomic():
                if email is not None or digest is not None or digest_hour is not None:
                    found.subscribe(found.email if email is None else email,
                                    found.digest if digest is None else digest.replace("none", ""),
                                    found.digest_hour if digest_hour is None else digest_hour)
                if role or site_keys:
                    found.give(role or found.role, sites if site_keys else kept_sites(found))
        except ValueError as error:
            fail(str(error))
        click.echo(describe(AdminUser.get_by_id(found.id)))


def kept_sites(admin):
    """The sites an admin keeps when a command changes only their role: those given, none
    for an owner (who sees every site, but was given none)."""
    return [] if admin.role == "owner" else list(admin.visible_sites())


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


def describe(admin):
    """One line per admin: name, role, sites, when created and last logged in, digest."""
    sites = "every site" if admin.role == "owner" else ",".join(sorted(site.key for site in admin.visible_sites()))
    last = admin.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if admin.last_login_at else "never"
    digest = f"{admin.digest} digest at {admin.digest_hour:02d}:00 to {admin.email}" if admin.digest else "no digest"
    return f"{admin.username}\t{admin.role}\t{sites or 'no sites'}\tcreated {admin.created_at:%Y-%m-%d}\tlast login {last}\t{digest}"


@admin.command("list")
@with_appcontext
def admin_list():
    """List the admins with their roles and sites, when each was created and last logged in."""
    with AdminUser._meta.database.connection_context():
        for each in AdminUser.select().order_by(AdminUser.username):
            click.echo(describe(each))


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
        try:
            admin_or_fail(username).remove()
        except ValueError as error:
            fail(str(error))
    click.echo(f"Removed admin {username!r}.")
