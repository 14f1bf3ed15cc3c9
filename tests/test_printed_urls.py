"""What the server and the command line print names the address the server really serves
on: after `widget-server demo --port P`, script tags, admin links and the demo site's
allowed origin all say port P, not a default nobody started."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .live import free_port, wait_for_port


def command(env, *args, stdin=None):
    done = subprocess.run([sys.executable, "-m", "widget_server.cli", *args], env=env, input=stdin, text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def env(tmp_path):
    environment = dict(os.environ, INSTANCE_PATH=str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "SECRET_KEY", "PUBLIC_URL"):
        environment.pop(name, None)
    return environment


@pytest.fixture
def started(tmp_path, env):
    """Start `widget-server ARGS…` and return (process, its log's text so far, as a function)."""
    running = []
    log_path = tmp_path / "server.log"

    def start(*args):
        port = free_port()
        with open(log_path, "w") as log:
            process = subprocess.Popen([sys.executable, "-m", "widget_server.cli", *args, "--port", str(port)],
                                       env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        running.append(process)
        wait_for_port(port, process)
        return port, log_path.read_text
    yield start
    for process in running:
        process.terminate()
        process.wait(timeout=10)


def test_after_demo_on_a_port_every_printed_url_names_that_port(started, env):
    port, log = started("demo")
    base = f"http://127.0.0.1:{port}"

    assert f"{base}/demo" in log() and f"{base}/admin" in log()
    assert f'<script src="{base}/widget.js" data-site="demo"' in command(env, "site", "show", "demo")
    assert f"log in at {base}/admin" in command(env, "admin", "add", "nia", "--password-stdin",
                                                stdin="a long enough password\n")
    origins = command(env, "site", "list")
    assert base in origins and f"http://localhost:{port}" in origins
    assert ":5000" not in origins


def test_a_site_added_beside_a_running_server_prints_its_address(started, env):
    port, _ = started("run")

    output = command(env, "site", "add", "Docs", "--origin", "https://docs.example.com")

    assert f'<script src="http://127.0.0.1:{port}/widget.js"' in output


def test_public_url_wins_over_the_address_served_on(started, env):
    env["PUBLIC_URL"] = "https://ces.example.com/"
    started("run")

    output = command(env, "site", "add", "Docs", "--origin", "https://docs.example.com")

    assert '<script src="https://ces.example.com/widget.js"' in output


def test_serving_on_every_address_without_public_url_warns_what_to_set(started):
    port, log = started("run", "--host", "0.0.0.0")

    assert "PUBLIC_URL is not set" in log() and "PUBLIC_URL=https://" in log()
    assert f":{port}" in log()


def test_serving_on_loopback_does_not_warn(started):
    _, log = started("run")

    assert "PUBLIC_URL" not in log()


def test_a_tag_only_this_machine_can_load_says_so_for_pages_elsewhere(env):
    added = subprocess.run([sys.executable, "-m", "widget_server.cli", "site", "add", "Docs", "--origin",
                            "https://docs.example.com"], env=env, text=True, capture_output=True, timeout=60)

    assert added.returncode == 0
    assert "127.0.0.1" in added.stdout and "PUBLIC_URL" in added.stderr and "docs.example.com" in added.stderr


def test_with_public_url_or_pages_on_this_machine_there_is_no_warning(env):
    local = command(env, "site", "add", "Local", "--origin", "http://localhost:3000")
    env["PUBLIC_URL"] = "https://ces.example.com"
    done = subprocess.run([sys.executable, "-m", "widget_server.cli", "site", "add", "Docs", "--origin",
                           "https://docs.example.com"], env=env, text=True, capture_output=True, timeout=60)

    assert "Warning" not in local and "Warning" not in done.stderr


def test_the_demo_names_the_command_as_it_was_run(tmp_path, env):
    # As a user runs it from the README, without the virtual environment active.
    program = Path(sys.executable).parent / "widget-server"
    port = free_port()
    with open(tmp_path / "demo.log", "w") as log:
        process = subprocess.Popen([str(program), "demo", "--port", str(port)], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, process)
        assert f"run `{program} admin add YOUR-NAME`" in (tmp_path / "demo.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)
