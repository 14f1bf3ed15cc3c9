"""Memory of streaming the CSV export of a million answers, next to a small export.

    python bench/export_memory.py [--db PATH] [--answers 1000000]

Uses the database that bench/summary_page.py seeds (and seeds it the same way if it is
missing). In one run it streams, through the app, the CSV of the answers of a single day
(the baseline, a few thousand rows) and then of all of them, reading the response chunk
by chunk as a browser does, and prints each one's rows, bytes, time and peak memory
allocated by Python while it ran (tracemalloc), the ratio of the two peaks, and the
process's peak resident memory at the end. Constant memory means a ratio near 1.
"""
import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import summary_page  # noqa: E402 - seeds the same database

from widget_server import create_app  # noqa: E402
from widget_server.db import flask_db  # noqa: E402
from widget_server.models import AdminUser, Answer, Site  # noqa: E402


def stream(client, query):
    """Fetch an export chunk by chunk; return (rows, bytes, seconds, peak bytes allocated)."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/admin/export/answers.csv?{query}", buffered=False)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines - 1, size, elapsed, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "ces-bench-summary.sqlite3"))
    options = parser.parse_args()
    if not Path(options.db).exists():
        sys.argv = [sys.argv[0], "--answers", str(options.answers), "--db", options.db, "--runs", "1"]
        summary_page.main()

    app = create_app({"DATABASE_URL": f"sqlite:///{options.db}", "INSTANCE_PATH": tempfile.mkdtemp(),
                      "SECRET_KEY": "benchmark", "ALERT_WORKER": 0})
    with app.app_context():
        site = Site.get(Site.name == "Benchmark help centre")
        admin_id = AdminUser.get(AdminUser.username == "bench").id
        first = Answer.select(Answer.created_at).where(Answer.site == site).order_by(Answer.created_at).scalar()
        last = Answer.select(Answer.created_at).where(Answer.site == site).order_by(Answer.created_at.desc()).scalar()
    flask_db.database.close()
    client = app.test_client()
    with client.session_transaction() as session:
        session["admin_id"] = admin_id

    day = last.date().isoformat()
    small = stream(client, f"site={site.key}&from={day}&to={day}")
    everything = stream(client, f"site={site.key}&from={first.date().isoformat()}&to={day}")
    for label, (rows, size, elapsed, peak) in (("one day (baseline)", small), ("all answers", everything)):
        print(f"{label:20} {rows:>9,} rows {size / 1e6:8.1f} MB of CSV in {elapsed:6.1f} s, "
              f"peak Python allocation {peak / 1e6:6.2f} MB")
    print(f"peak allocation ratio, all / one day: {everything[3] / small[3]:.2f}x "
          f"for {everything[0] / max(small[0], 1):.0f}x the rows")
    print(f"process peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
