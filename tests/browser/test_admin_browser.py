"""A product owner in a real browser: log in, filter, open a hot spot, preview a prompt."""
import pytest
from playwright.sync_api import expect

from .admin_pages import log_in
from .conftest import ARTIFACTS, served


def test_product_owner_finds_the_hardest_article_and_why(visit, live_server, seeded_site):
    guest = visit(viewport={"width": 1200, "height": 900})
    page = guest.page

    log_in(page, live_server)
    expect(page.get_by_role("heading", name="Where is self-service hardest?")).to_be_visible()

    page.get_by_role("combobox", name="Site").select_option(seeded_site)
    page.get_by_role("combobox", name="Touchpoint").select_option("kb-article")
    page.get_by_role("button", name="Show").click()
    hot_spots = page.locator("table.hot-spots tbody tr")
    expect(hot_spots).to_have_count(2)
    expect(hot_spots.first).to_contain_text("kb-reset-password")
    expect(hot_spots.first).to_contain_text("I couldn't find the answer")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-summary.png"), full_page=True)

    hot_spots.first.get_by_role("link", name="kb-reset-password").click()
    expect(page.get_by_role("heading", name="Hot spot: kb-reset-password")).to_be_visible()
    expect(page.locator(".comments")).to_contain_text("did not match the screen")
    assert page.locator("figure.chart svg").count() == 2
    page.screenshot(path=str(ARTIFACTS / "admin-hot-spot.png"), full_page=True)


def test_site_page_previews_the_prompt_with_the_real_widget(visit, live_server, seeded_site):
    guest = visit(viewport={"width": 1200, "height": 900})
    page = guest.page
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/sites/{seeded_site}")
    preview = page.frame_locator("iframe[title='Preview of the kb-article prompt']")
    prompt = preview.locator("ces-prompt")
    prompt.get_by_role("button", name="2", exact=True).click()
    expect(prompt.get_by_role("button", name="I couldn't find the answer")).to_be_visible()

    assert live_server.rows("SELECT * FROM answer WHERE ref = 'admin-preview'") == []
    page.screenshot(path=str(ARTIFACTS / "admin-site.png"), full_page=True)


def test_summary_fits_a_phone(visit, live_server, seeded_site):
    guest = visit(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = guest.page
    log_in(page, live_server)
    expect(page.get_by_role("heading", name="Where is self-service hardest?")).to_be_visible()
    # Measured once the stylesheet is in: before it, the page is laid out unstyled.
    page.wait_for_load_state("load")

    # Wide tables scroll inside their own box; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "admin-summary-phone.png"), full_page=True)


def test_site_page_preview_keeps_the_scale_on_one_row_on_a_phone(visit, live_server, seeded_site):
    guest = visit(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = guest.page
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/sites/{seeded_site}")
    preview = page.frame_locator("iframe[title='Preview of the kb-article prompt']")
    buttons = preview.locator(f"ces-prompt {served('.scale button')}")
    expect(buttons).to_have_count(7)

    boxes = [buttons.nth(i).bounding_box() for i in range(7)]
    assert len({round(box["y"]) for box in boxes}) == 1
    assert all(box["width"] >= 24 and box["height"] >= 44 for box in boxes)
    page.locator(".previews").screenshot(path=str(ARTIFACTS / "admin-site-preview-phone.png"))


@pytest.mark.parametrize("width", [1280, 360])
def test_a_new_api_token_is_shown_at_the_top_with_a_copy_button(visit, live_server, seeded_site, width):
    guest = visit(viewport={"width": width, "height": 740})
    guest.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = guest.page
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/sites/{seeded_site}")

    page.get_by_label("Token name").fill(f"warehouse sync {width}")
    page.get_by_role("button", name="Create token").click()

    shown = page.get_by_role("alert").filter(has_text="shown only this once")
    expect(shown).to_be_in_viewport()
    value = page.locator("#one-time-value").text_content()
    assert value.startswith("ces_")
    shown.get_by_role("button", name="Copy").click()
    expect(shown.get_by_role("status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == value
    page.screenshot(path=str(ARTIFACTS / f"admin-token-shown-{width}.png"))
