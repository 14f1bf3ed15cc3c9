"""A refused admin form, as a person sees it at 1280 px and on a phone: the page comes back
with a summary of what to fix at the top of the screen, each refused field marked and
described, and what was typed still there."""
import pytest
from playwright.sync_api import expect

from .admin_pages import admin_at
from .conftest import ARTIFACTS

WIDTHS = [1280, 360]


def in_viewport(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 80) <= height


def refused_as_a_person_sees_it(page, field_label, typed, shot):
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert in_viewport(page, summary), summary.bounding_box()
    field = page.get_by_label(field_label, exact=False).first
    assert field.get_attribute("aria-invalid") == "true"
    described = page.locator(f"#{field.get_attribute('aria-describedby')}")
    expect(described).to_be_visible()
    assert field.input_value().strip() == typed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot.replace(".png", "-as-loaded.png")))
    # The summary's link leads to the field.
    summary.get_by_role("link").first.click()
    expect(field).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / shot))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_origin_is_shown_where_the_eye_is(visit, live_server, seeded_site, width):  # noqa: F811
    page = admin_at(visit, live_server, f"/admin/sites/{seeded_site}", width)

    page.get_by_label("Allowed origins, one per line").fill("help.example.com")
    page.get_by_role("button", name="Save").click()

    refused_as_a_person_sees_it(page, "Allowed origins, one per line", "help.example.com",
                                f"admin-refused-origin-{width}.png")
    assert live_server.rows("SELECT origins FROM site WHERE key = ?", seeded_site)[0]["origins"] \
        == '["https://help.example.com"]'


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_alert_target_is_shown_where_the_eye_is(visit, live_server, seeded_site, width):  # noqa: F811
    page = admin_at(visit, live_server, f"/admin/sites/{seeded_site}", width)

    page.get_by_label("Send to").fill("http://127.0.0.1:9/hook")
    page.get_by_role("button", name="Add target").click()

    refused_as_a_person_sees_it(page, "Send to", "http://127.0.0.1:9/hook", f"admin-refused-target-{width}.png")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_new_site_is_shown_where_the_eye_is(visit, live_server, seeded_site, width):  # noqa: F811
    page = admin_at(visit, live_server, "/admin/sites/", width)

    page.get_by_label("Name", exact=True).fill("Docs")
    page.get_by_label("Allowed origins, one per line").fill("docs.example.com")
    page.get_by_role("button", name="Create site").click()

    refused_as_a_person_sees_it(page, "Allowed origins, one per line", "docs.example.com",
                                f"admin-refused-site-{width}.png")
    assert page.get_by_label("Name", exact=True).input_value() == "Docs"
