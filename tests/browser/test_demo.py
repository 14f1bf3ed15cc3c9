"""The README's "run it" command, end to end: `widget-server demo` serves a help page whose
prompts store answers that an admin then sees after logging in."""
import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from .conftest import free_port, wait_for_port


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = dict(os.environ, INSTANCE_PATH=str(folder / "instance"))
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    subprocess.run([sys.executable, "-m", "widget_server.cli", "admin", "add", "olivia", "--password-stdin"],
                   input="demo password 123\n", text=True, env=env, check=True, capture_output=True)
    # Its request log goes to a file: a pipe nobody reads would fill and stop the server.
    with open(folder / "server.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "widget_server.cli", "demo", "--port", str(port)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    wait_for_port(port, process)
    yield f"http://127.0.0.1:{port}", folder / "instance"
    process.terminate()
    process.wait(timeout=10)


def test_demo_answer_reaches_the_admin(browser, demo_server):
    url, instance = demo_server
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{url}/demo")
    article = page.locator(".ces-slot ces-prompt")
    article.get_by_role("button", name="2", exact=True).click()
    expect(article.get_by_role("status")).to_have_text("Your answer was saved.")
    page.click("#end-chat")
    chat = page.locator("body > ces-prompt")  # the floating dialog's host is the page's own
    chat.get_by_role("dialog").get_by_role("button", name="6", exact=True).click()
    expect(chat.get_by_role("status")).to_have_text("Your answer was saved.")

    page.goto(f"{url}/admin")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("demo password 123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Where is self-service hardest?")).to_be_visible()
    expect(page.locator(".metric").first).to_contain_text("2")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Answers").click()

    rows = page.locator("table.answers tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("chatbot-exit")
    expect(rows.nth(0)).to_contain_text("easy")
    expect(rows.nth(1)).to_contain_text("kb-reset-password")
    expect(rows.nth(1)).to_contain_text("difficult")
    assert (instance / "widget.sqlite3").exists() and (instance / "secret_key").exists()
    assert errors == []
    context.close()


def test_the_script_tag_the_admin_gives_loads_the_widget_on_the_served_port(browser, demo_server):
    url, _ = demo_server
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/admin")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("demo password 123")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{url}/admin/sites/demo")

    tag = page.locator("#script-tag").inner_text()
    assert f'src="{url}/widget.js"' in tag
    # Pasted as it is into a page of the demo's origin, it shows a prompt.
    page.route(f"{url}/pasted", lambda route: route.fulfill(
        content_type="text/html", body=f'<!doctype html><title>Pasted</title><div data-ces-touchpoint="kb-article" '
                                       f'data-ces-ref="pasted"></div>{tag}'))
    page.goto(f"{url}/pasted")
    expect(page.locator("ces-prompt").get_by_role("button", name="3", exact=True)).to_be_visible()
    context.close()
