"""How long the admin summary takes at a million answers, next to one indexed COUNT(*).

    python bench/summary_page.py [--answers 1000000] [--db PATH] [--runs 5]

Seeds one site with answers spread over a year (three touchpoints, two thousand
articles of uneven popularity, ten bots, reasons and comments on part of them) into a
SQLite file, builds the count tables with `rollups.rebuild()`, then times, in this run on
this database:

- the baseline: SELECT COUNT(*) of the site's answers, through the (site, created_at) index;
- the whole summary page (every query and the HTML) for the last 30 days and for all time.

With --time-zone the site's days are that zone's (its counts made again first).

It prints the median of --runs and each page time as a multiple of the baseline. An
existing --db with the right number of answers is reused, so repeated runs are quick.
"""
import argparse
import datetime
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from widget_server import create_app, rollups  # noqa: E402
from widget_server.db import flask_db  # noqa: E402
from widget_server.models import AdminUser, Answer, Site  # noqa: E402
from widget_server.scales import SCALES  # noqa: E402

BATCH = 5000
REASONS = {"kb-article": ["not-found", "unclear", "channel", "again"],
           "self-service": ["not-found", "unclear", "chase", "promise"],
           "chatbot-exit": ["repeat", "transfer", "channel"]}


def seed(count, now):
    random.seed(2026)
    site = Site.create_with_key("Benchmark help centre", ["https://help.example.com"])
    admin = AdminUser(username="bench")
    admin.set_password("benchmark-password")
    admin.save()
    articles = [f"kb-{number}" for number in range(2000)]
    popularity = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(articles))))
    hardness = {article: random.uniform(0.05, 0.6) for article in articles}
    bots = [f"bot-{number}" for number in range(10)]
    rows = []
    for number in range(count):
        touchpoint = random.choices(("kb-article", "self-service", "chatbot-exit"), (5, 3, 2))[0]
        if touchpoint == "chatbot-exit":
            scale_name, ref, agent, hard = "effort5", f"conv-{number}", random.choice(bots), random.random() < 0.35
            score = random.choice((4, 5)) if hard else random.choice((1, 2, 3))
        else:
            scale_name, agent = "agreement7", ""
            ref = random.choices(articles, cum_weights=popularity)[0] if touchpoint == "kb-article" else f"/account/{number % 50}"
            hard = random.random() < hardness.get(ref, 0.25)
            score = random.choice((1, 2, 3)) if hard else random.choice((4, 5, 6, 7))
        scale = SCALES[scale_name]
        effort_class = scale.effort_class(score)
        created = now - datetime.timedelta(seconds=random.randint(0, 365 * 86400))
        rows.append({
            "site": site.id, "key": f"bench-{number:014d}", "touchpoint": touchpoint, "ref": ref, "agent": agent,
            "scale": scale_name, "score": score, "effort_class": effort_class, "ease": scale.ease(score),
            "reasons": random.sample(REASONS[touchpoint], random.randint(0, 2)) if effort_class == "difficult" else [],
            "comment": "It took me ages to find this." if random.random() < 0.05 else "",
            "customer": f"customer-{random.randint(1, 50000)}", "created_at": created,
        })
        if len(rows) == BATCH:
            insert(rows)
            rows = []
    if rows:
        insert(rows)
    rollups.rebuild()
    return site


def insert(rows):
    """Insert answer rows through the driver: Peewee's own insert_many builds its SQL in
    Python at about half a millisecond a row, which would make seeding take minutes."""
    fields = [field for field in Answer._meta.sorted_fields if field.name != "id"]
    defaults = {field.name: field.default() if callable(field.default) else field.default for field in fields}
    sql = (f"INSERT INTO answer ({', '.join(field.column_name for field in fields)}) "
           f"VALUES ({', '.join('?' for _ in fields)})")
    flask_db.database.cursor().executemany(
        sql, [[field.db_value(row.get(field.name, defaults[field.name])) for field in fields] for row in rows])


def median_seconds(work, runs):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "ces-bench-summary.sqlite3"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--time-zone", default="UTC",
                        help="the site's time zone (a change counts its answers again first)")
    options = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="ces-bench-")
    app = create_app({"DATABASE_URL": f"sqlite:///{options.db}", "INSTANCE_PATH": instance,
                      "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False})
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    database = flask_db.database
    with app.app_context():
        site = Site.get_or_none(Site.name == "Benchmark help centre")
        if site is None or Answer.select().where(Answer.site == site).count() != options.answers:
            database.close()
            Path(options.db).unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(options.db + suffix).unlink(missing_ok=True)
            app = create_app({"DATABASE_URL": f"sqlite:///{options.db}", "INSTANCE_PATH": instance,
                              "SECRET_KEY": "benchmark", "WTF_CSRF_ENABLED": False})
            database = flask_db.database
            print(f"seeding {options.answers:,} answers into {options.db} …", flush=True)
            started = time.perf_counter()
            with app.app_context(), database.atomic():
                site = seed(options.answers, now)
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
        if site.time_zone != options.time_zone:
            started = time.perf_counter()
            site.change(time_zone=options.time_zone)
            site.save()
            print(f"counted again in {options.time_zone}'s days in {time.perf_counter() - started:.0f} s", flush=True)
        admin = AdminUser.get(AdminUser.username == "bench")
        site_id, site_key = site.id, site.key
        first_day = Answer.select(Answer.created_at).where(Answer.site == site_id).order_by(Answer.created_at).scalar()
    database.close()

    client = app.test_client()
    # Logged in as the admin form would (auth.py): who, which of their sessions, since when.
    with client.session_transaction() as session:
        session.update(admin_id=admin.id, session_version=admin.session_version, logged_in_at=int(time.time()))

    def count_answers():
        database.execute_sql("SELECT COUNT(*) FROM answer WHERE site_id = ?", (site_id,)).fetchone()

    def page(query):
        response = client.get(f"/admin/?site={site_key}{query}")
        assert response.status_code == 200, response.status_code

    with app.app_context():
        database.connect(reuse_if_open=True)
        plan = database.execute_sql("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM answer WHERE site_id = ?",
                                    (site_id,)).fetchall()
        count_answers()  # warm the page cache for both sides alike
        baseline = median_seconds(count_answers, options.runs)
        database.close()
    page("")
    last_30 = median_seconds(lambda: page(""), options.runs)
    all_time = median_seconds(lambda: page(f"&from={first_day.date().isoformat()}"), options.runs)

    print(f"answers: {options.answers:,} (one site, time zone {options.time_zone}), median of {options.runs} runs, "
          "same database, same run")
    print(f"baseline  indexed COUNT(*) of the site's answers: {baseline * 1000:8.1f} ms  ({plan[-1][-1]})")
    print(f"summary   last 30 days, whole page:               {last_30 * 1000:8.1f} ms  = {last_30 / baseline:.2f}x baseline")
    print(f"summary   all time, whole page:                   {all_time * 1000:8.1f} ms  = {all_time / baseline:.2f}x baseline")


if __name__ == "__main__":
    main()
