"""Answers per second the production server takes, next to a bare Flask endpoint.

    python bench/ingest.py [--seconds 10] [--connections 32] [--workers 2]
                           [--postgresql postgresql://USER@HOST/DB] [--nginx]

Runs, one after the other in this run, the same load generator (wrk, from Debian's `wrk`
package) with the same gunicorn settings (`-w 2`, sync workers, as the README's
deployment recipe) against:

- the baseline: bench/bare_app.py, whose endpoint only parses the same JSON and returns 204;
- a second reference: the same endpoint that also stores each answer as one row (one fixed
  INSERT and a commit, SQLite in WAL mode), the least any endpoint that keeps answers does;
- the real app on a new SQLite file (every answer stored, counted and checked);
- with --postgresql, the storing endpoint and then the real app, each on a new database
  made on that server (dropped after), the app compared with the storing endpoint on the
  same server; point it at bench/latency_proxy.py to measure a server on another machine.

wrk POSTs answers as the widget does (text/plain JSON, each with a new id; bench/ingest.lua)
over --connections connections. With --nginx (Debian's `nginx`), every server, the baseline
included, sits behind nginx configured as docs/deploying.md shows, as in
production: wrk then keeps its connections open, and gunicorn talks only to nginx. It
prints throughput, p50 and p99 latency and errors for each, and each one's ratio to the
baseline, then checks that every answer the server acknowledged was stored once.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widget_server import create_app  # noqa: E402
from widget_server.db import flask_db  # noqa: E402
from widget_server.models import Answer, Site  # noqa: E402
from bench.bare_app import create_storing_table  # noqa: E402
from tests.databases import database_made_on, rows  # noqa: E402
from tests.live import free_port, wait_for_port  # noqa: E402

ORIGIN = "https://help.example.com"
WARM_UP_SECONDS = 2


class Gunicorn:
    def __init__(self, app_spec, workers, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", app_spec],
            cwd=ROOT, env=env, start_new_session=True)
        wait_for_port(self.port, self.process, timeout=20)

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


# The proxy block of docs/deploying.md, in a configuration of its own.
NGINX_CONFIG = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


class Nginx:
    """nginx in front of a server on this machine, as in production."""

    def __init__(self, upstream_port):
        self.folder = tempfile.mkdtemp(prefix="ces-bench-nginx-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = Path(self.folder, "nginx.conf")
        config.write_text(NGINX_CONFIG.format(folder=self.folder, port=self.port, upstream=upstream_port))
        self.process = subprocess.Popen(["nginx", "-c", str(config), "-p", self.folder], start_new_session=True)
        wait_for_port(self.port, self.process, timeout=10)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def wrk(url, site_key, seconds, connections):
    """Run wrk and return {requests_per_second, p50_ms, p99_ms, requests, errors}."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency",
               "-s", str(ROOT / "bench" / "ingest.lua"), url, "--", site_key, ORIGIN]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def milliseconds(percentile):
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": milliseconds(50),
        "p99_ms": milliseconds(99),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "errors": (int(non_2xx[1]) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def measure(app_spec, env, site_key, options):
    if options.nginx:
        # As docs/deploying.md deploys it: the proxy's address is not the visitor's.
        env = dict(env, TRUSTED_PROXIES="1")
    server = Gunicorn(app_spec, options.workers, env)
    proxy = Nginx(server.port) if options.nginx else None
    url = proxy.url if proxy else server.url
    try:
        wrk(url, site_key, WARM_UP_SECONDS, options.connections)
        return wrk(url, site_key, options.seconds, options.connections)
    finally:
        if proxy:
            proxy.stop()
        server.stop()


def app_env(database_url, instance):
    return dict(os.environ, DATABASE_URL=database_url, INSTANCE_PATH=instance, SECRET_KEY="benchmark",
                # The limits stay on (their cost is part of every answer), set above the load.
                RATE_LIMIT_PER_CLIENT="100000000 per minute", RATE_LIMIT_PER_SITE="100000000 per minute")


def prepare(database_url, instance):
    """Create the tables and a site; return the site's key."""
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "benchmark"})
    with app.app_context():
        key = Site.create_with_key("Ingest benchmark", [ORIGIN]).key
    flask_db.database.close()
    return key


def stored(database_url, instance):
    """(answers stored, answers stored more than once under one id)."""
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "benchmark"})
    with app.app_context():
        count = Answer.select().count()
        distinct = Answer.select(Answer.key).distinct().count()
    flask_db.database.close()
    return count, count - distinct


def run_storing_baseline(options, sqlite_path=None, postgresql_url=None):
    """The bare endpoint that also commits each answer as one row, on a new SQLite file or
    in a new PostgreSQL database."""
    create_storing_table(sqlite_path, postgresql_url)
    env = dict(os.environ, BENCH_SQLITE=sqlite_path or "", BENCH_POSTGRESQL=postgresql_url or "")
    figures = measure("bench.bare_app:create_storing_app()", env, "bare", options)
    count = rows(postgresql_url or f"sqlite:///{sqlite_path}", "SELECT COUNT(*) AS n FROM answer")[0]["n"]
    figures["note"] = f"{count:,} stored"
    return figures


def run_app(label, database_url, baseline, storing, options, results):
    instance = tempfile.mkdtemp(prefix="ces-bench-")
    site_key = prepare(database_url, instance)
    figures = measure("widget_server:create_app()", app_env(database_url, instance), site_key, options)
    count, duplicates = stored(database_url, instance)
    # wrk counts a request when its response arrives; answers still in flight when it stops
    # may be stored without being counted, never the other way round.
    none_lost = count >= figures["requests"] - figures["errors"]
    figures["note"] = (f"{count:,} stored, {duplicates} twice"
                       + ("" if none_lost else " — FEWER THAN ACKNOWLEDGED"))
    results.append((label, figures, baseline, storing))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgresql", metavar="URL", help="also measure on this PostgreSQL server")
    parser.add_argument("--nginx", action="store_true", help="put nginx in front of every server, as in production")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if options.nginx and not shutil.which("nginx"):
        raise SystemExit("nginx is missing: apt-get install -y nginx")

    baseline = measure("bench.bare_app:create_app()", dict(os.environ), "bare", options)
    results = [("bare Flask endpoint (parse JSON, 204)", baseline, None, None)]
    with tempfile.TemporaryDirectory(prefix="ces-bench-") as folder:
        storing = run_storing_baseline(options, sqlite_path=f"{folder}/bare-storing.sqlite3")
        results.append(("bare endpoint + one committed row", storing, baseline, None))
        run_app("app on SQLite", f"sqlite:///{folder}/ingest.sqlite3", baseline, storing, options, results)
    if options.postgresql:
        # Databases of their own on that server, dropped afterwards; the app is compared with
        # the storing endpoint on the same server.
        query = urlsplit(options.postgresql).query
        with database_made_on(options.postgresql, f"ces_bench_bare_{os.getpid()}", query) as url:
            storing = run_storing_baseline(options, postgresql_url=url)
            results.append(("  … storing on PostgreSQL", storing, baseline, None))
        with database_made_on(options.postgresql, f"ces_bench_{os.getpid()}", query) as url:
            run_app("app on PostgreSQL", url, baseline, storing, options, results)

    print(f"ingest: gunicorn -w {options.workers} (sync){' behind nginx' if options.nginx else ''}, "
          f"wrk {options.connections} connections, {options.seconds} s each, same run")
    for label, figures, against, stores in results:
        line = (f"{label:40} {figures['requests_per_second']:8.0f} answers/s  p50 {figures['p50_ms']:6.1f} ms  "
                f"p99 {figures['p99_ms']:6.1f} ms  errors {figures['errors']}")
        if against:
            line += (f"  = {figures['requests_per_second'] / against['requests_per_second']:.2f}x throughput, "
                     f"{figures['p99_ms'] / against['p99_ms']:.2f}x p99")
            if stores:
                line += (f" ({figures['requests_per_second'] / stores['requests_per_second']:.2f}x the storing "
                         "endpoint's on the same database)")
            line += f"; {figures['note']}"
        print(line)


if __name__ == "__main__":
    main()
