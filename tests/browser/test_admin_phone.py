"""Every admin page on a phone (360 px) and at 1280 px: nothing scrolls the page sideways;
wide tables scroll inside their own box."""
import pytest

from .admin_pages import admin_at, log_in
from .conftest import ARTIFACTS

PAGES = ["/", "/admin/login", "/admin/", "/admin/?touchpoint=kb-article", "/admin/answers",
         "/admin/answers?class=difficult&with=comment", "/admin/hot-spot?site={key}&place=kb-reset-password",
         "/admin/places?site={key}", "/admin/sites/", "/admin/sites/{key}",
         "/admin/sites/{key}/preview?touchpoint=kb-article", "/admin/team/", "/admin/account"]


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
    page = admin_at(visit, live_server, f"/admin/?site={seeded_site}", 360)

    rows = page.locator("table.hot-spots tbody tr")
    assert rows.count() >= 2
    for number in range(rows.count()):
        row = rows.nth(number).bounding_box()
        difficult = rows.nth(number).locator("td[data-label^='Difficult']").bounding_box()
        # A whole card fits the screen, its key figure near its top, and nothing is squeezed.
        assert row["height"] < 360 and difficult["y"] - row["y"] < 200, (row, difficult)
        assert row["width"] <= 360


@pytest.mark.parametrize("width", [360, 1280])
def test_effort_driver_bars_share_one_baseline_and_their_whole_column(visit, live_server, seeded_site,  # noqa: F811
                                                                      width):
    page = admin_at(visit, live_server, f"/admin/?site={seeded_site}", width)

    bars = page.locator(".drivers .driver-bar")
    assert bars.count() >= 2
    starts = {round(bars.nth(number).locator("rect").bounding_box()["x"]) for number in range(bars.count())}
    assert len(starts) == 1, starts
    # The longest bar is its share of the column: 100 % would fill it.
    widest = max(bars.nth(number).locator("rect").bounding_box()["width"] for number in range(bars.count()))
    column = bars.first.bounding_box()["width"]
    percents = page.locator(".drivers .driver-value").all_inner_texts()
    largest = max(int(text.split("·")[1].strip().rstrip("%")) for text in percents)
    assert abs(widest / column - largest / 100) < 0.03, (widest, column, largest)


@pytest.mark.parametrize("width", [360, 1280])
def test_chart_labels_stay_readable_and_inside_the_chart(visit, live_server, seeded_site, width):  # noqa: F811
    page = admin_at(visit, live_server, f"/admin/?site={seeded_site}", width)

    for chart in page.locator("figure.chart svg").all():
        frame = chart.bounding_box()
        for label in chart.locator("text").all():
            box = label.bounding_box()
            assert box["height"] >= 11, (label.inner_text(), box)
            assert frame["x"] - 1 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, \
                (label.inner_text(), box, frame)


def test_on_a_phone_each_answer_is_a_card_in_view(visit, live_server, seeded_site):  # noqa: F811
    page = admin_at(visit, live_server, f"/admin/answers?site={seeded_site}&with=comment", 360)

    rows = page.locator("table.answers tbody tr")
    assert rows.count() >= 2
    for number in range(min(rows.count(), 5)):
        for label in ("Score", "Reasons and comment"):
            cell = rows.nth(number).locator(f"td[data-label='{label}']").bounding_box()
            assert 0 <= cell["x"] and cell["x"] + cell["width"] <= 360, (label, cell)
        assert rows.nth(number).bounding_box()["height"] < 500


@pytest.mark.parametrize("width", [360, 1280])
def test_a_preview_frame_grows_to_show_the_whole_follow_up(visit, live_server, seeded_site, width):  # noqa: F811
    from playwright.sync_api import expect

    page = admin_at(visit, live_server, f"/admin/sites/{seeded_site}", width)
    frame_element = page.locator("iframe[title='Preview of the kb-article prompt']")
    prompt = page.frame_locator("iframe[title='Preview of the kb-article prompt']").locator("ces-prompt")

    prompt.get_by_role("button", name="2", exact=True).click()
    send = prompt.get_by_role("button", name="Send")
    expect(send).to_be_visible()

    # The frame follows the prompt's height: the Send button inside it, not cut off.
    page.wait_for_function("""() => { const f = document.querySelector("iframe[title='Preview of the kb-article prompt']");
        return f.getBoundingClientRect().height >= f.contentDocument.documentElement.scrollHeight; }""")
    frame, button = frame_element.bounding_box(), send.bounding_box()
    assert button["y"] + button["height"] <= frame["y"] + frame["height"], (button, frame)


@pytest.fixture(scope="module")
def gappy_site(live_server, seeded_site):  # noqa: F811 (the seeded site makes the admin)
    """A site answered on three days of the last thirty, two of them together; its key."""
    import datetime

    from widget_server.models import Site

    from ..helpers import store

    def work():
        site = Site.create_with_key("Gappy", ["https://gappy.example.com"])
        today = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, hour=12)
        for days_ago in (20, 19, 10):
            for number, score in enumerate((1, 2, 7)):
                store(site, {"key": f"gappy-{days_ago:02d}-{number:010d}", "touchpoint": "kb-article",
                             "scale": "agreement7", "score": score, "ref": "kb-gaps",
                             "created_at": today - datetime.timedelta(days=days_ago), "comment": "hm"})
        return site.key
    return live_server.in_app(work)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_trend_leaves_days_without_answers_as_gaps_at_their_dates(visit, live_server, gappy_site, width):
    page = admin_at(visit, live_server, f"/admin/?site={gappy_site}", width)

    trend = page.locator("section[aria-labelledby=trend-title] svg")
    assert trend.locator("polyline.ease").count() == 1  # the two days together; the third alone
    marks = [float(x) for x in trend.locator("circle.mark.ease").evaluate_all("(all) => all.map((c) => c.getAttribute('cx'))")]
    # 30 days from 29 days ago: the 9th, 10th and 19th day of the period.
    left, right = 48, 640 - 12
    expected = [left + (right - left) * offset / 29 for offset in (9, 10, 19)]
    assert [round(x, 1) for x in marks] == [round(x, 1) for x in expected]


@pytest.mark.parametrize("width", [360, 1280])
def test_filters_from_a_link_are_shown_and_cleared(visit, live_server, gappy_site, width):
    from playwright.sync_api import expect

    page = admin_at(visit, live_server, f"/admin/answers?site={gappy_site}&class=difficult&with=comment", width)

    expect(page.get_by_role("heading", level=1)).to_have_text("Difficult answers with a comment")
    expect(page.locator("table.answers tbody tr")).to_have_count(6)
    page.get_by_role("link", name="Remove the filter difficult answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers with a comment")
    expect(page.locator("table.answers tbody tr")).to_have_count(9)
    page.get_by_role("link", name="Clear all filters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers")
    expect(page.locator(".active-filters")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1280])
def test_the_summary_says_how_many_hot_spots_it_shows(visit, live_server, seeded_site, width):  # noqa: F811
    from playwright.sync_api import expect

    page = admin_at(visit, live_server, f"/admin/?site={seeded_site}", width)

    # Three ranked places, all shown: the summary says nothing is left out and its table has them all.
    expect(page.locator("table.hot-spots tbody tr")).to_have_count(3)
    expect(page.locator("p.more")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/places?site={seeded_site}")
    expect(page.get_by_text("3 pages, articles and bots with 10 or more answers")).to_be_visible()
