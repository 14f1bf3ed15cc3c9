"""The schema's version, and bringing a database up to it, once.

A database records the version of its schema in a one-row table. `upgrade` runs when a
server starts (and `widget-server db upgrade` runs it on demand): under a lock (a file
beside a SQLite database, an advisory lock on PostgreSQL) it reads the version, brings the
schema up to date in one transaction and records the new version, so any number of
processes starting together upgrade it once; those that waited find nothing left to do.

Version 1 is the schema of the release that brought versions. A database without a
version was made by an earlier release: it gets that schema's tables and columns and the
counts it never had. Each later change of the schema adds a numbered step to STEPS.
"""
import contextlib
import fcntl
import os
import zlib

import peewee
from playhouse.migrate import SchemaMigrator, migrate

from . import rollups
from .db import flask_db
from .scales import SCALES

VERSION = 9
# An advisory lock's number, the same for every server of this product on one database.
ADVISORY_LOCK = zlib.crc32(b"widget-server schema upgrade")


class SchemaVersion(flask_db.Model):
    version = peewee.IntegerField()


def current_version():
    """The schema version the database records (0: made by an earlier release or empty)."""
    database = flask_db.database
    if not database.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select(SchemaVersion.version).first()
    return row.version if row else 0


def upgrade(database):
    """Bring the schema up to VERSION, once whoever starts first; return (from, to)."""
    with upgrade_lock(database):
        found = current_version()
        if found < VERSION:
            with database.atomic():
                bring_up_to_date(database, found)
        elif found > VERSION:
            raise SystemExit(f"The database's schema is version {found}, newer than this release's "
                             f"({VERSION}): run the release that upgraded it.")
        return found, VERSION


@contextlib.contextmanager
def upgrade_lock(database):
    """Hold the lock that lets one process at a time look at and upgrade this database,
    with a connection open."""
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        with database.connection_context():
            database.execute_sql("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK,))
            try:
                yield
            finally:
                database.execute_sql("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK,))
        return
    # Taken before connecting: a connection's first act, switching the file to WAL, takes a
    # lock that SQLite refuses at once rather than waits for. SQLite's own locks also time
    # out while a long upgrade runs; a file lock waits for it.
    descriptor = os.open(database.obj.database + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        with database.connection_context():
            yield
    finally:
        os.close(descriptor)


def all_models():
    """Every table but the schema's version, in the order they are created. Imported when
    asked for: the tables' modules need the database wiring this module is part of."""
    from .alert_models import Delivery, Webhook
    from .digests import DigestSend
    from .links import LinkRating
    from .models import AdminSite, AdminUser, Answer, ApiToken, Impression, Site

    return (Site, Answer, Impression, AdminUser, AdminSite, ApiToken, Webhook, Delivery, DigestSend, LinkRating,
            *rollups.ROLLUP_MODELS)


def bring_up_to_date(database, found):
    if found == 0 and not database.table_exists("site"):
        # A new database is made at this version: no step has anything to do (and each
        # reads every table's columns, slow on PostgreSQL for every database a test makes).
        database.create_tables([*all_models(), SchemaVersion])
    else:
        if found == 0:
            upgrade_an_earlier_release(database, all_models())
        for version in range(max(found, 1) + 1, VERSION + 1):
            STEPS[version](database)
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=VERSION)


def upgrade_an_earlier_release(database, models):
    """A database made before schema versions: each step looks at it to see what it lacks."""
    database.create_tables([*models, SchemaVersion], safe=True)
    add_missing_columns(database, models)
    count_answers_of_release_0_1()
    count_again_for_new_count_tables()


def add_missing_columns(database, models):
    """Give tables made by an earlier release the columns added since (each new column is
    nullable or has a default, so existing rows stay valid)."""
    migrator = SchemaMigrator.from_database(database)
    for model in models:
        # A table a later step makes (VersionCount, in version 7) is not there yet.
        if not database.table_exists(model._meta.table_name):
            continue
        present = {column.name for column in database.get_columns(model._meta.table_name)}
        missing = [field for field in model._meta.sorted_fields if field.column_name not in present]
        if missing:
            migrate(*(column_added(migrator, database, model._meta.table_name, field) for field in missing))


def column_added(migrator, database, table, field):
    """The operation that adds `field`'s column. One that may not be null comes with its
    default in the same ALTER TABLE: SQLite cannot make a column NOT NULL afterwards, and
    peewee would rebuild the table for it, which deletes (ON DELETE CASCADE) every row
    that refers to the table, a site's answers or an answer's pending alerts."""
    if field.null:
        return migrator.add_column(table, field.column_name, field)
    if field.default is None:
        raise ValueError(f"{table}.{field.column_name} may not be null and has no default: give it one")
    default = field.default() if callable(field.default) else field.default
    with_default = field.clone()
    with_default.constraints = [*(field.constraints or ()), peewee.SQL(f"DEFAULT {sql_literal(database, field.db_value(default))}")]
    return migrator.add_column(table, field.column_name, with_default, allow_not_null=True)


def sql_literal(database, value):
    """A constant for a column's DEFAULT, which takes no parameters."""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if isinstance(database.obj, peewee.PostgresqlDatabase) else str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def count_answers_of_release_0_1():
    """Release 0.1 had answers but no count tables, and stored each ease index rounded to
    a whole number: make them exact, then count every stored answer."""
    from .models import Answer

    if rollups.ScoreCount.select().exists() or not Answer.select().exists():
        return
    for scale in SCALES.values():
        for score in range(1, scale.points + 1):
            Answer.update(ease=scale.ease(score)).where((Answer.scale == scale.name) & (Answer.score == score)).execute()
    rollups.rebuild()


def count_again_for_new_count_tables():
    """Databases counted before the site-wide daily counts (kind "all") and the all-time
    totals existed lack them: count everything again, once."""
    counted = rollups.GroupCount.select().exists()
    if counted and not rollups.GroupCount.select().where(rollups.GroupCount.kind == rollups.ALL).exists():
        rollups.rebuild()


def sessions_end_and_webhooks_are_standard(database):
    """Version 2: admins' session versions; alert targets' grace period and paused reason;
    targets made before are marked to keep their old signature headers."""
    from .alert_models import Webhook

    add_missing_columns(database, all_models())
    Webhook.update(legacy_signature=True).execute()


# The steps after version 1: each brings a database of the version before up to its own.
def answers_name_their_version(database):
    """Version 3: an answer's revision label (none for answers given before)."""
    add_missing_columns(database, all_models())


def answers_keep_their_journey(database):
    """Version 4: an answer's time on the page and the search before it; sites' settings
    of what the widget collects (both collected, as on new sites)."""
    add_missing_columns(database, all_models())


def answers_say_whether_help_was_offered(database):
    """Version 5: sites' recovery links; whether an answer's was offered, and taken."""
    add_missing_columns(database, all_models())


def sites_have_a_time_zone(database):
    """Version 6: each site's time zone, UTC for every site made before (its counts stand)."""
    add_missing_columns(database, all_models())


def versions_are_counted(database):
    """Version 7: the version counts, made from the answers that name a version."""
    from .models import Site

    database.create_tables([rollups.VersionCount], safe=True)
    for site in Site.select():
        rollups.count_versions(site)


def admins_have_roles(database):
    """Version 8: admins' roles, every admin made before an owner (what each could do), and
    the table of the sites given to editors and viewers; admins' digests and the table of
    digests sent."""
    from .digests import DigestSend
    from .models import AdminSite

    database.create_tables([AdminSite, DigestSend], safe=True)
    add_missing_columns(database, all_models())


def sites_have_rating_links(database):
    """Version 9: the table of ratings given through links in e-mails; sites' change window,
    whether they take signed links only, and a link secret of each site's own (the column's
    default would give every site made before the same one)."""
    from .links import LinkRating
    from .models import Site, new_link_secret

    database.create_tables([LinkRating], safe=True)
    add_missing_columns(database, all_models())
    for site_id in [site.id for site in Site.select(Site.id)]:
        Site.update(link_secret=new_link_secret()).where(Site.id == site_id).execute()


STEPS = {2: sessions_end_and_webhooks_are_standard, 3: answers_name_their_version, 4: answers_keep_their_journey,
         5: answers_say_whether_help_was_offered, 6: sites_have_a_time_zone, 7: versions_are_counted,
         8: admins_have_roles, 9: sites_have_rating_links}
