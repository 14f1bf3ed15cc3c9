"""The README's "run it" command, end to end: `widget-server demo` serves a help page whose
prompts store answers that an admin then sees after logging in; with its sample answers,
the admin shows a revision that helped, what led there, and comment themes that read as
what customers said."""
import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from .conftest import free_port, wait_for_port


def start_demo(tmp_path_factory, *options):
    folder = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = dict(os.environ, INSTANCE_PATH=str(folder / "instance"))
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    subprocess.run([sys.executable, "-m", "widget_server.cli", "admin", "add", "olivia", "--password-stdin"],
                   input="demo password 123\n", text=True, env=env, check=True, capture_output=True)
    # Its request log goes to a file: a pipe nobody reads would fill and stop the server.
    with open(folder / "server.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "widget_server.cli", "demo", "--port", str(port), *options],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    wait_for_port(port, process)
    return process, f"http://127.0.0.1:{port}", folder


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo without its sample answers: only what the test itself gives."""
    process, url, folder = start_demo(tmp_path_factory, "--no-sample-answers")
    yield url, folder / "instance"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def sampled_demo(tmp_path_factory):
    process, url, folder = start_demo(tmp_path_factory)
    yield url, folder
    process.terminate()
    process.wait(timeout=10)


def log_in(page, url):
    page.goto(f"{url}/admin")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("demo password 123")
    page.get_by_role("button", name="Log in").click()


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

    log_in(page, url)
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
    log_in(page, url)
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


def test_the_sampled_demo_shows_a_revision_that_helped_the_search_behind_an_answer_and_its_themes(
        browser, sampled_demo):
    url, folder = sampled_demo
    assert "sample answers" in (folder / "server.log").read_text()
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # A customer searches, opens the article, finds it hard, and takes the recovery link.
    page.goto(f"{url}/demo")
    page.get_by_label("Search the help centre").fill("password never came")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="How do I reset my password?").click()
    article = page.locator(".ces-slot ces-prompt")
    article.get_by_role("button", name="2", exact=True).click()
    with context.expect_page() as contact:
        article.get_by_role("link", name="Still stuck? Contact support").click()
    expect(contact.value.locator(".context")).to_contain_text("kb-reset-password")
    # The chatbot hears of a hard chat at once, and offers a person.
    page.click("#end-chat")
    page.get_by_role("dialog").get_by_role("button", name="2", exact=True).click()
    expect(page.locator("#handover")).to_be_visible()

    log_in(page, url)
    page.goto(f"{url}/admin/hot-spot?site=demo&place=kb-reset-password&from=2000-01-01")
    versions = page.locator("table.versions tbody tr")
    expect(versions.nth(0)).to_contain_text("rev-2")
    expect(versions.nth(0)).to_contain_text("better")
    expect(versions.nth(1)).to_contain_text("rev-1")
    expect(page.locator("ul.searches")).to_contain_text("password never came")
    themes = page.locator("table.themes")
    expect(themes).to_contain_text("e-mail never arrived")
    expect(themes).to_contain_text("find forgot password")
    themes.get_by_role("link", name="e-mail never arrived").click()
    expect(page.locator("ol.comments li").first).to_contain_text("The reset e-mail never arrived")
    assert errors == []
    context.close()
