"""The team in a browser: an owner adds a viewer for one site on the Team page, and that
viewer, logging in, sees that site and nothing of the other; the team, an admin's and the
account pages pass axe's WCAG 2.2 AA rules."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from widget_server.models import AdminUser, Site

from .admin_pages import admin_at, log_in
from .test_widget_accessibility import WCAG_AA


def axe_violations(page):
    results = Axe().run(page, options=WCAG_AA)
    return [(violation["id"], [node["target"] for node in violation["nodes"]])
            for violation in results.response["violations"]]


@pytest.fixture(scope="module")
def other_site(live_server, seeded_site):
    return live_server.in_app(lambda: Site.create_with_key("Contoso Bank", ["https://bank.example"]).key)


def test_an_owner_adds_a_viewer_who_sees_only_their_site(visit, live_server, seeded_site, other_site):
    owner = admin_at(visit, live_server, "/admin/team/")
    owner.get_by_label("Username").fill("petra")
    owner.get_by_label("Password").fill("a long enough password")
    owner.get_by_role("radio", name="Viewer:").check()
    owner.get_by_label("Contoso Bank").check()
    owner.get_by_role("button", name="Add admin").click()
    assert "Added petra as viewer" in owner.locator(".flash").inner_text()

    viewer = visit(viewport={"width": 360, "height": 800}).page
    viewer.goto(f"{live_server.url}/admin/login")
    viewer.get_by_label("Username").fill("petra")
    viewer.get_by_label("Password").fill("a long enough password")
    viewer.get_by_role("button", name="Log in").click()
    options = viewer.locator("select[name=site] option").all_inner_texts()
    assert options == ["All sites", "Contoso Bank"]
    assert "Northwind" not in viewer.content() and "kb-reset-password" not in viewer.content()
    assert viewer.get_by_role("link", name="Sites").count() == 0
    viewer.goto(f"{live_server.url}/admin/?site={seeded_site}")
    assert viewer.get_by_role("heading", name="Forbidden").is_visible()
    live_server.in_app(lambda: AdminUser.delete().where(AdminUser.username == "petra").execute())


@pytest.mark.parametrize("width", [360, 1280])
def test_the_team_pages_pass_axe(visit, live_server, seeded_site, width):
    page = visit(viewport={"width": width, "height": 800}).page
    log_in(page, live_server)
    found = {}
    for path in ("/admin/team/", f"/admin/team/{live_server.in_app(lambda: AdminUser.get().id)}", "/admin/account"):
        page.goto(live_server.url + path)
        found[path] = axe_violations(page)
    assert found == {path: [] for path in found}
