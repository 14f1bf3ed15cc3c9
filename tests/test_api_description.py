"""/api/v1/openapi.json states exactly what the public and read APIs accept and answer:
the file is made from the server's own checks, and schemathesis, run against a live
server with every one of its checks, finds no request the description and the server
disagree on."""
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from widget_server import openapi

from .helpers import ORIGIN
from .live import LiveServer

ROOT = Path(__file__).resolve().parent.parent
ANSWER_ID = "described-answer-0001"
SECRET = "described-answer-secret-" + "d" * 16
# Enough generated cases per operation to try every field's edges, in a bounded time; a
# fixed seed makes a failure in CI one that reruns the same way.
EXAMPLES = 60
SEED = 20261201


def test_the_served_description_is_the_one_the_code_makes():
    assert (ROOT / "static" / "openapi.json").read_text(encoding="utf-8") == openapi.text(), (
        "static/openapi.json is stale: run `python -m widget_server.openapi`")


@pytest.fixture
def server(tmp_path):
    # Every generated request comes from one client, for one site: limits that would stop
    # the run halfway are raised; the limits have their own tests.
    live = LiveServer(tmp_path, RATE_LIMIT_PER_SITE="1000000 per minute", ALERT_WORKER="0")
    live.start()
    yield live
    live.stop()


def read_token(server, site_key):
    def work():
        from widget_server.models import ApiToken, Site

        return ApiToken.issue(Site.get(Site.key == site_key), "schemathesis")[1]
    return server.in_app(work)


def store_answer(server, site_key):
    body = {"site": site_key, "id": ANSWER_ID, "secret": SECRET, "touchpoint": "kb-article", "scale": "ease5",
            "score": 2}
    request = urllib.request.Request(f"{server.url}/api/v1/answers", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "text/plain", "Origin": ORIGIN})
    assert urllib.request.urlopen(request, timeout=5).status == 201


def test_schemathesis_finds_no_disagreement(server, tmp_path):
    site_key = server.add_site([ORIGIN])
    store_answer(server, site_key)
    token = read_token(server, site_key)
    config = tmp_path / "schemathesis.toml"
    # The site key in the read API's paths; the hooks put it (and the answer) in bodies.
    config.write_text(f'[parameters]\nkey = "{site_key}"\n')
    env = dict(os.environ, SCHEMATHESIS_HOOKS="tests.api_fuzz_hooks", PYTHONPATH=str(ROOT),
               CES_FUZZ_SITE=site_key, CES_FUZZ_ANSWER=ANSWER_ID, CES_FUZZ_SECRET=SECRET)
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config), "run",
         f"{server.url}/api/v1/openapi.json", "--checks", "all", "--phases", "examples,coverage,fuzzing",
         "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "1", "--request-timeout", "10",
         "-H", f"Origin: {ORIGIN}", "-H", f"Authorization: Bearer {token}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)

    report = run.stdout[-12000:] + run.stderr[-3000:]
    assert run.returncode == 0, report
    assert " passed" in run.stdout and "failed" not in run.stdout.split("SUMMARY")[-1], report
    stored = server.rows("SELECT count(*) AS n FROM answer")
    assert stored[0]["n"] > 1, "no generated answer was stored: the run never reached the storing code\n" + report
