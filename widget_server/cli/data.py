"""`widget-server answers`, `db`, `rollups` and `backup`: the stored answers, the schema, the
count tables and copies of the database."""
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from peewee import SqliteDatabase, fn

from .. import retention, rollups
from ..db import private_file
from ..models import Site
from .base import fail, site_or_fail


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
