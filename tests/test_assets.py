"""What the embed costs: the served widget's size and caching, and the demo page."""
import gzip

import brotli
import pytest

from widget_server import locales
from widget_server.assets import MODULES, served_script
from widget_server.models import Site

from .helpers import ORIGIN

SIZE_BUDGET_GZIPPED = 5120
# The budget: 3 KB as current browsers receive it over HTTPS (Brotli). The gzip ceiling,
# for the rest, is a guard of our own that follows it: gzip costs about an eighth more
# (docs/performance.md). bench/widget_payload.py reports the figures against both.
WIDGET_CEILING_BROTLI = 3072
WIDGET_CEILING_GZIPPED = 3460
# The modules load only when needed (a customer heads for a prompt; a floating prompt).
MODULE_CEILINGS_GZIPPED = {"widget-followup": 1792, "widget-overlay": 1536}


def test_served_widget_fits_the_size_budget(client):
    response = client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    # What current browsers ask for over HTTPS.
    brotli_response = client.get("/widget.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    plain = client.get("/widget.js").data

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(response.data) <= WIDGET_CEILING_GZIPPED
    assert len(brotli_response.data) <= WIDGET_CEILING_BROTLI
    assert b"CES widget: asks customers" not in plain  # the contract comment is not shipped


@pytest.mark.parametrize("module", MODULES)
def test_modules_are_small_and_loaded_apart(client, module):
    response = client.get(f"/{module}.js", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(response.data) <= MODULE_CEILINGS_GZIPPED[module]
    assert b"export default" in client.get(f"/{module}.js").data


@pytest.mark.parametrize("language", sorted(locales.STRINGS))
def test_widget_with_its_built_in_strings_fits_the_budget_in_every_language(client, site, language):
    # The strings arrive with the configuration, so a visitor loads both: together they fit.
    script = client.get("/widget.js").data
    config = client.get(f"/api/v1/sites/{site.key}/config?lang={language}", headers={"Origin": ORIGIN}).data

    assert len(gzip.compress(script, 9)) + len(gzip.compress(config, 9)) <= SIZE_BUDGET_GZIPPED


def test_the_served_build_is_the_current_source():
    from widget_server import build

    for name, expected in build.built().items():
        assert (build.STATIC / name).read_text(encoding="utf-8") == expected, \
            f"static/{name} is stale: run python -m widget_server.build"


@pytest.mark.parametrize("module", MODULES)
def test_widget_imports_the_module_version_served_beside_it(client, app, module):
    version = served_script(app, module).version
    served = client.get(f"/{module}.{version}.js", headers={"Accept-Encoding": "gzip"})

    assert f"./{module}.{version}.js".encode() in client.get("/widget.js").data
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert served.headers["Content-Encoding"] == "gzip"
    # Imported as a module from the host page's origin, so fetched with CORS.
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    assert "immutable" in served.headers["Cache-Control"]
    assert b"export default" not in client.get("/widget.js").data
    assert client.get(f"/{module}.0123456789ab.js").status_code == 404


@pytest.mark.parametrize("accepted", ["br", "gzip", "identity"])
def test_widget_revalidates_with_its_etag(client, accepted):
    first = client.get("/widget.js", headers={"Accept-Encoding": accepted})

    again = client.get("/widget.js", headers={"Accept-Encoding": accepted, "If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.data == b""


def test_widget_needs_no_database(client, app):
    app.config["DATABASE"].close()

    response = client.get("/widget.js")

    assert response.status_code == 200
    assert app.config["DATABASE"].is_closed()


def test_demo_page_embeds_the_demo_site_with_all_three_touchpoints(client):
    Site.create(key="demo", name="Demo help centre", origins=["http://127.0.0.1:5000"])

    page = client.get("/demo").text

    assert 'data-site="demo"' in page and 'data-ces-auto="self-service"' in page
    assert 'data-ces-touchpoint="kb-article"' in page
    assert "chatbot-exit" in page
    assert "does not exist yet" not in page


def test_demo_page_says_how_to_start_it_when_the_demo_site_is_missing(client):
    assert "widget-server demo" in client.get("/demo").text


@pytest.mark.parametrize(("accepted", "encoding"), [
    ("gzip, deflate, br, zstd", "br"),
    ("gzip, deflate", "gzip"),
    ("br;q=0.5, gzip", "gzip"),
    ("*", "br"),
    ("br;q=0, gzip;q=0", None),
    (None, None),
])
def test_widget_comes_in_the_smallest_encoding_the_browser_accepts(client, accepted, encoding):
    plain = client.get("/widget.js", headers={"Accept-Encoding": "identity"})
    response = client.get("/widget.js", headers={"Accept-Encoding": accepted} if accepted else {})
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding]

    assert response.headers.get("Content-Encoding") == encoding
    assert decode(response.data) == plain.data
    assert "Accept-Encoding" in response.headers["Vary"]
    # A cache keeps each encoding apart.
    assert (response.headers["ETag"] == plain.headers["ETag"]) == (encoding is None)


def test_versioned_widget_is_cached_for_a_year(client, app):
    from widget_server.assets import served_script

    version = served_script(app, "widget").version
    response = client.get(f"/widget.{version}.js")
    stale = client.get("/widget.0123456789ab.js")

    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
    assert response.data == client.get("/widget.js").data
    assert stale.status_code == 404 and f"/widget.{version}.js" in stale.text


def test_script_tags_point_at_the_cdn_and_the_api_server(runner, app):
    app.config["PUBLIC_URL"] = "https://ces.example.com"
    app.config["WIDGET_PUBLIC_URL"] = "https://cdn.example.net/ces"

    output = runner.invoke(args=["site", "add", "Docs", "--origin", "https://docs.example.com"]).output

    assert 'src="https://cdn.example.net/ces/widget.js"' in output
    assert 'data-ces-api="https://ces.example.com/"' in output
