"""What a visitor downloads for the widget, as the server sends it.

    python bench/widget_payload.py

Asks the real app (a new SQLite file, one site) for /widget.js and the follow-up form as
browsers do: with `Accept-Encoding: gzip` (every browser) and with `gzip, deflate, br, zstd`
(current browsers over HTTPS, which get Brotli). It prints the bytes on the wire against
the 3 KB budget; the baseline, measured in the same run, is the readable source gzipped
with zlib's best setting (what serving it unbuilt would cost). It also prints the largest
configuration a visitor loads with it, over the built-in languages.
"""
import gzip
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widget_server import create_app, locales  # noqa: E402
from widget_server.db import flask_db  # noqa: E402
from widget_server.models import Site  # noqa: E402

BUDGET = 3 * 1024
ORIGIN = "https://help.example.com"
ACCEPTED = {"gzip": "gzip", "br": "gzip, deflate, br, zstd"}


def served_size(client, path, encoding):
    response = client.get(path, headers={"Accept-Encoding": ACCEPTED[encoding]})
    assert response.status_code == 200 and response.headers.get("Content-Encoding") == encoding, path
    return len(response.data)


def main():
    with tempfile.TemporaryDirectory(prefix="ces-bench-") as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/payload.sqlite3", "INSTANCE_PATH": folder,
                          "SECRET_KEY": "benchmark", "ALERT_WORKER": 0})
        client = app.test_client()
        with app.app_context():
            key = Site.create_with_key("Payload benchmark", [ORIGIN]).key
        widget = served_size(client, "/widget.js", "gzip")
        follow_up = served_size(client, "/widget-followup.js", "gzip")
        widget_brotli = served_size(client, "/widget.js", "br")
        follow_up_brotli = served_size(client, "/widget-followup.js", "br")
        configs = {language: len(gzip.compress(client.get(f"/api/v1/sites/{key}/config?lang={language}",
                                                           headers={"Origin": ORIGIN}).data, 9))
                   for language in sorted(locales.STRINGS)}
        flask_db.database.close()

    sources = {name: len(gzip.compress((ROOT / "static" / name).read_bytes(), 9))
               for name in ("widget.js", "widget-followup.js")}
    largest = max(configs, key=configs.get)
    print("widget payload as served, same run")
    print(f"/widget.js           {widget:6,} bytes gzip = {widget / BUDGET:.2f}x the 3 KB budget; "
          f"{widget / sources['widget.js']:.2f}x the readable source gzipped ({sources['widget.js']:,} bytes)")
    print(f"{'':20} {widget_brotli:6,} bytes br   = {widget_brotli / BUDGET:.2f}x the budget (current browsers, HTTPS)")
    print(f"/widget-followup.js  {follow_up:6,} bytes gzip, {follow_up_brotli:,} br (only for visitors who head for a prompt; "
          f"{follow_up / sources['widget-followup.js']:.2f}x its source gzipped)")
    print(f"configuration        {configs[largest]:6,} bytes  (largest, '{largest}'); "
          f"with the widget {widget + configs[largest]:,} bytes")


if __name__ == "__main__":
    main()
