"""Every admin page on a phone (360 px) and at 1280 px: nothing scrolls the page sideways;
wide tables scroll inside their own box."""
import pytest

from .conftest import ARTIFACTS
from .test_admin_browser import log_in, seeded_site  # noqa: F401 (a fixture)

PAGES = ["/", "/admin/login", "/admin/", "/admin/?touchpoint=kb-article", "/admin/answers",
         "/admin/answers?class=difficult&with=comment", "/admin/hot-spot?site={key}&place=kb-reset-password",
         "/admin/places?site={key}", "/admin/sites/", "/admin/sites/{key}",
         "/admin/sites/{key}/preview?touchpoint=kb-article"]


@pytest.mark.parametrize("width", [360, 1280])
def test_no_admin_page_scrolls_sideways(visit, live_server, seeded_site, width):  # noqa: F811
    page = visit(viewport={"width": width, "height": 800}).page
    log_in(page, live_server)
    ARTIFACTS.mkdir(exist_ok=True)
    wide = {}
    for number, path in enumerate(PAGES):
        page.goto(live_server.url + path.format(key=seeded_site))
        page.wait_for_load_state("networkidle")
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            wide[path] = page_width
        name = path.split("?")[0].strip("/").replace("/", "-").replace("{key}", "site") or "home"
        page.screenshot(path=str(ARTIFACTS / f"phone-{number:02d}-{name}-{width}.png"), full_page=True)
    assert wide == {}, wide


def test_on_a_phone_each_hot_spot_is_a_card_with_its_figures_in_view(visit, live_server, seeded_site):  # noqa: F811
    page = visit(viewport={"width": 360, "height": 800}).page
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/?site={seeded_site}")

    rows = page.locator("table.hot-spots tbody tr")
    assert rows.count() >= 2
    for number in range(rows.count()):
        row = rows.nth(number).bounding_box()
        difficult = rows.nth(number).locator("td[data-label^='Difficult']").bounding_box()
        # A whole card fits the screen, its key figure near its top, and nothing is squeezed.
        assert row["height"] < 360 and difficult["y"] - row["y"] < 200, (row, difficult)
        assert row["width"] <= 360
