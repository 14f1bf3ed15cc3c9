"""Upgrading a database made by an earlier release, in place, when the app starts.

Each step looks at the database itself to see whether it is needed, so running them on
an up-to-date database changes nothing."""
from playhouse.migrate import SchemaMigrator, migrate

from . import rollups
from .scales import SCALES


def upgrade(database, models):
    add_missing_columns(database, models)
    count_answers_of_release_0_1()
    count_again_for_new_count_tables()


def add_missing_columns(database, models):
    """Give tables made by an earlier release the columns added since (each new column is
    nullable or has a default, so existing rows stay valid)."""
    migrator = SchemaMigrator.from_database(database)
    for model in models:
        present = {column.name for column in database.get_columns(model._meta.table_name)}
        missing = [field for field in model._meta.sorted_fields if field.column_name not in present]
        if missing:
            migrate(*(migrator.add_column(model._meta.table_name, field.column_name, field) for field in missing))


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
