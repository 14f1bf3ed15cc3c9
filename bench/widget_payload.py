"""What a visitor downloads for the widget, as the server sends it.

    python bench/widget_payload.py

Asks the real app (a new SQLite file, one site) for /widget.js and the modules it imports
as browsers do: with `Accept-Encoding: gzip` (every browser) and with `gzip, deflate, br,
zstd` (current browsers over HTTPS, which get Brotli). It prints the bytes on the wire
against the budget (3,072 bytes Brotli, 3,460 gzip); the baseline, measured in the same
run, is the readable source gzipped with zlib's best setting (what serving it unbuilt would
cost). It also prints the largest configuration a visitor loads with it, over the built-in
languages.
"""
import gzip
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widget_server import create_app, locales  # noqa: E402
from widget_server.assets import MODULES  # noqa: E402
from widget_server.db import flask_db  # noqa: E402
from widget_server.models import Site  # noqa: E402

BUDGET = {"br": 3072, "gzip": 3460}
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
        widget = {encoding: served_size(client, "/widget.js", encoding) for encoding in ACCEPTED}
        modules = {module: {encoding: served_size(client, f"/{module}.js", encoding) for encoding in ACCEPTED}
                   for module in MODULES}
        configs = {language: len(gzip.compress(client.get(f"/api/v1/sites/{key}/config?lang={language}",
                                                           headers={"Origin": ORIGIN}).data, 9))
                   for language in sorted(locales.STRINGS)}
        flask_db.database.close()

    def source_gzipped(name):
        return len(gzip.compress((ROOT / "static" / f"{name}.js").read_bytes(), 9))

    largest = max(configs, key=configs.get)
    print("widget payload as served, same run")
    print(f"/widget.js            {widget['br']:6,} bytes br   = {widget['br'] / BUDGET['br']:.2f}x its budget of "
          f"{BUDGET['br']:,} (current browsers, HTTPS)")
    print(f"{'':21} {widget['gzip']:6,} bytes gzip = {widget['gzip'] / BUDGET['gzip']:.2f}x its budget of "
          f"{BUDGET['gzip']:,}; {widget['gzip'] / source_gzipped('widget'):.2f}x the readable source gzipped "
          f"({source_gzipped('widget'):,} bytes)")
    when = {"widget-followup": "for visitors who head for a prompt",
            "widget-overlay": "for CES.ask and the floating prompt"}
    for module, sizes in modules.items():
        print(f"/{module + '.js':20} {sizes['br']:6,} bytes br, {sizes['gzip']:,} gzip (only {when[module]}; "
              f"{sizes['gzip'] / source_gzipped(module):.2f}x its source gzipped)")
    print(f"configuration         {configs[largest]:6,} bytes gzip (largest, '{largest}'); "
          f"with the widget {widget['gzip'] + configs[largest]:,} bytes")


if __name__ == "__main__":
    main()
