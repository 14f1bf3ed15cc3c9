"""Roles and per-site access: every admin route states the role it needs, and is tried as
an owner, an editor and a viewer, with and without access to the site it names. A viewer
never sees another site's name, figures or comments, "all sites" included."""
import re

import pytest

from widget_server.alert_models import Webhook
from widget_server.models import AdminUser, ApiToken, Site

from .helpers import ORIGIN, AuthActions, csrf_token, store
from .test_access import PUBLIC

# Each admin endpoint and the least role that may use it.
LEAST_ROLE = {
    "admin.summary": "viewer", "admin.places": "viewer", "admin.hot_spot": "viewer",
    "admin.comment_themes": "viewer", "admin.answers": "viewer", "export.answers": "viewer",
    "team.account": "viewer",
    "sites.index": "editor", "sites.edit": "editor", "sites.preview": "editor", "sites.link_preview": "editor", "sites.delete_customer": "editor",
    "sites.add_webhook": "editor", "sites.test_webhook": "editor", "sites.toggle_webhook": "editor",
    "sites.delete_webhook": "editor", "sites.issue_token": "editor", "sites.revoke_token": "editor",
    "sites.create": "owner", "team.index": "owner", "team.create": "owner", "team.edit": "owner",
    "team.remove": "owner",
}
RANK = {"viewer": 0, "editor": 1, "owner": 2}
PASSWORD = "correct horse battery"


@pytest.fixture
def app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["HOTSPOT_MIN_ANSWERS"] = 1
    return app


@pytest.fixture
def team(app, site, admin):
    """Two sites ("mine", given to the editor and the viewer, and "theirs"), each with an
    answer, an alert target and an API token; an editor, a viewer and a spare admin."""
    theirs = Site.create_with_key("Secret Bank", ["https://bank.example"], company="Secret Bank")
    rows = {}
    for each, comment, place in ((site, "mine-comment", "mine-place"), (theirs, "theirs-comment", "theirs-place")):
        store(each, {"key": f"{each.id:0>20}", "touchpoint": "kb-article", "scale": "agreement7", "score": 1,
                     "ref": place, "comment": comment, "customer": "shared-customer"})
        webhook = Webhook.create(site=each, url="https://hooks.example.com/ces", secret="whsec_secret")
        token, _ = ApiToken.issue(each, "bi")
        rows[each.key] = {"webhook_id": webhook.id, "token_id": token.id}
    editor = AdminUser.add("eddie", PASSWORD, "editor", [site])
    viewer = AdminUser.add("vera", PASSWORD, "viewer", [site])
    spare = AdminUser.add("spare", PASSWORD, "viewer", [])
    return {"mine": site, "theirs": theirs, "rows": rows, "editor": editor, "viewer": viewer, "spare": spare}


def logged_in(app, username, password=PASSWORD):
    client = app.test_client()
    AuthActions(client).login(username, password)
    return client


def admin_rules(app):
    # The read API takes a site's token instead of a session (tests/test_read_api.py).
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint not in PUBLIC and not rule.endpoint.startswith("read_api.")]


def test_every_admin_route_states_its_role(app):
    stated = {rule.endpoint: getattr(app.view_functions[rule.endpoint], "required_role", None)
              for rule in admin_rules(app)}

    assert stated == LEAST_ROLE


def path_for(rule, site_key, rows, spare_id):
    values = {"key": site_key, "admin_id": str(spare_id), "format": "csv", **{k: str(v) for k, v in rows[site_key].items()}}
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda match: values[match[1]], rule.rule)


def outcome(response):
    if response.status_code == 302 and "/admin/login" in response.headers["Location"]:
        return "login"
    return "refused" if response.status_code == 403 else "let through"


@pytest.mark.parametrize("role", ["viewer", "editor", "owner"])
def test_every_route_as_each_role_with_and_without_the_site(app, team, role):
    username = {"viewer": "vera", "editor": "eddie", "owner": "olivia"}[role]
    client = logged_in(app, username)
    token = csrf_token(client, "/admin/")
    wrong = []
    for rule in admin_rules(app):
        for whose in ("mine", "theirs"):
            key = team[whose].key
            path = path_for(rule, key, team["rows"], team["spare"].id)
            allowed = RANK[role] >= RANK[LEAST_ROLE[rule.endpoint]] and (whose == "mine" or role == "owner")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                # The site named in the query and the form too, as the list pages take it.
                if method == "POST":
                    response = client.post(path, data={"csrf_token": token, "site": key})
                else:
                    response = client.get(path, query_string={"site": key})
                if outcome(response) != ("let through" if allowed else "refused"):
                    wrong.append((rule.endpoint, method, whose, response.status_code))
                response.close()  # an export streams: end it before the next request
    assert wrong == []


def test_a_route_added_without_a_role_fails_the_walk(app):
    app.add_url_rule("/admin/sites/<key>/forgotten", "sites.forgotten", lambda key: "changed", methods=["POST"])

    with pytest.raises(AssertionError):
        test_every_admin_route_states_its_role(app)


SECRETS = ("Secret Bank", "theirs-comment", "theirs-place", "bank.example")


@pytest.mark.parametrize("path", ["/admin/", "/admin/places", "/admin/answers", "/admin/themes",
                                  "/admin/hot-spot?place=theirs-place", "/admin/export/answers.csv",
                                  "/admin/export/answers.jsonl", "/admin/answers?with=comment",
                                  "/admin/answers?class=difficult", "/admin/account"])
def test_a_viewer_sees_nothing_of_another_site(app, team, path):
    client = logged_in(app, "vera")

    response = client.get(path)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The viewer's own site's comment is there, where the page lists comments.
    assert "mine-comment" in page or not re.search(r"answers|\?with|class=|/admin/$", path)
    for secret in SECRETS:
        if secret == "theirs-place" and "hot-spot" in path:
            assert "theirs-comment" not in page  # the place asked for is named, nothing of it shown
            continue
        assert secret not in page, secret


def test_an_alert_link_to_another_sites_answer_shows_nothing(app, team):
    client = logged_in(app, "vera")
    theirs_answer = f"{team['theirs'].id:0>20}"

    page = client.get(f"/admin/answers?id={theirs_answer}").text

    assert "theirs-comment" not in page and "Secret Bank" not in page


def answers_shown(page):
    """The headline's count of answers on a summary page."""
    return int(re.search(r'<span class="label">Answers</span>\s*<span class="value">([0-9,]+)', page)[1])


def test_the_summary_of_all_sites_counts_only_the_viewers_sites(app, team):
    store(team["theirs"], {"key": "t" * 20, "touchpoint": "kb-article", "scale": "agreement7", "score": 7})

    assert answers_shown(logged_in(app, "olivia").get("/admin/").text) == 3
    assert answers_shown(logged_in(app, "vera").get("/admin/").text) == 1


def test_an_editor_changes_only_the_sites_given(app, team):
    client = logged_in(app, "eddie")
    token = csrf_token(client, f"/admin/sites/{team['mine'].key}")
    form = {"csrf_token": token, "name": "Renamed", "origins": ORIGIN, "scale": "agreement7", "cooldown_days": "30",
            "sample_percent": "100", "auto_delay_seconds": "20", "auto_scroll_percent": "50"}

    mine = client.post(f"/admin/sites/{team['mine'].key}", data=form)
    theirs = client.post(f"/admin/sites/{team['theirs'].key}", data={**form, "origins": "https://bank.example"})

    assert mine.status_code == 302, mine.text
    assert Site.get_by_id(team["mine"].id).name == "Renamed"
    assert theirs.status_code == 403 and Site.get_by_id(team["theirs"].id).name == "Secret Bank"
    listing = client.get("/admin/sites/").text
    assert "Renamed" in listing and "Secret Bank" not in listing and "New site" not in listing


def test_an_editors_privacy_deletion_keeps_other_sites_answers(app, team):
    client = logged_in(app, "eddie")
    token = csrf_token(client, "/admin/sites/")

    client.post("/admin/sites/privacy", data={"csrf_token": token, "customer": "shared-customer", "confirm": "yes"})

    assert team["mine"].answers.count() == 0 and team["theirs"].answers.count() == 1


def test_a_viewer_has_no_link_to_pages_they_cannot_open(app, team):
    page = logged_in(app, "vera").get("/admin/").text

    assert 'href="/admin/sites/"' not in page and 'href="/admin/team/"' not in page
    assert 'href="/admin/account"' in page


def test_an_owner_adds_a_viewer_for_one_site_who_then_sees_only_it(app, team, client, auth):
    auth.login()
    token = csrf_token(client, "/admin/team/")

    added = client.post("/admin/team/", data={"csrf_token": token, "username": "petra", "password": "a long password",
                                              "role": "viewer", "sites": [team["theirs"].key]})

    assert added.status_code == 302
    petra = AdminUser.get(AdminUser.username == "petra")
    assert petra.role == "viewer" and petra.site_ids() == (team["theirs"].id,)
    page = logged_in(app, "petra", "a long password").get("/admin/").text
    assert "Secret Bank" in page and "Help centre" not in page and "mine-comment" not in page


@pytest.mark.parametrize("form, field", [
    ({"username": "", "password": "a long password", "role": "viewer"}, "username"),
    ({"username": "olivia", "password": "a long password", "role": "viewer"}, "username"),
    ({"username": "newbie", "password": "short", "role": "viewer"}, "password"),
    ({"username": "newbie", "password": "a long password", "role": "god"}, "role"),
])
def test_a_refused_new_admin_names_the_field_and_adds_nobody(app, team, client, auth, form, field):
    auth.login()
    before = AdminUser.select().count()

    response = client.post("/admin/team/", data={"csrf_token": csrf_token(client, "/admin/team/"), **form})

    assert response.status_code == 400 and f'id="error-{field}"' in response.text
    assert AdminUser.select().count() == before


def test_the_last_owner_cannot_be_demoted_or_removed(app, team, client, auth, admin):
    auth.login()
    token = csrf_token(client, "/admin/team/")

    demoted = client.post(f"/admin/team/{admin.id}", data={"csrf_token": token, "role": "viewer"})
    client.post(f"/admin/team/{admin.id}/remove", data={"csrf_token": token, "confirm": "yes"})

    assert demoted.status_code == 400 and "only owner" in demoted.text
    assert AdminUser.get_by_id(admin.id).role == "owner"


def test_an_owner_changes_a_viewers_sites_and_role(app, team, client, auth):
    auth.login()
    token = csrf_token(client, "/admin/team/")
    vera = team["viewer"]

    client.post(f"/admin/team/{vera.id}", data={"csrf_token": token, "role": "editor",
                                                "sites": [team["mine"].key, team["theirs"].key]})

    vera = AdminUser.get_by_id(vera.id)
    assert vera.role == "editor" and sorted(vera.site_ids()) == sorted([team["mine"].id, team["theirs"].id])


def test_a_removed_admins_session_ends(app, team, client, auth):
    vera = logged_in(app, "vera")
    assert vera.get("/admin/").status_code == 200
    auth.login()

    client.post(f"/admin/team/{team['viewer'].id}/remove",
                data={"csrf_token": csrf_token(client, "/admin/team/"), "confirm": "yes"})

    assert vera.get("/admin/").status_code == 302


def test_a_demoted_editor_loses_the_sites_pages_at_once(app, team, client, auth):
    eddie = logged_in(app, "eddie")
    assert eddie.get("/admin/sites/").status_code == 200
    auth.login()

    client.post(f"/admin/team/{team['editor'].id}", data={"csrf_token": csrf_token(client, "/admin/team/"),
                                                          "role": "viewer", "sites": [team["mine"].key]})

    assert eddie.get("/admin/sites/").status_code == 403


def test_a_login_at_the_moment_of_a_demotion_does_not_undo_it(app, team, monkeypatch):
    # The owner's change lands while the login checks the password (which takes a while).
    checked = AdminUser.check_password

    def slow_check(user, password):
        AdminUser.update(role="viewer").where(AdminUser.id == user.id).execute()
        return checked(user, password)

    monkeypatch.setattr(AdminUser, "check_password", slow_check)
    logged_in(app, "eddie")

    assert AdminUser.get_by_id(team["editor"].id).role == "viewer"


def test_owners_demoting_each_other_leave_one(app, team, admin):
    second = AdminUser.add("otto", PASSWORD, "owner")
    # Each read the other as an owner before either saved: the second change is refused.
    first_view, second_view = AdminUser.get_by_id(second.id), AdminUser.get_by_id(admin.id)
    first_view.give("viewer", [])

    with pytest.raises(ValueError, match="only owner"):
        second_view.give("viewer", [])
    assert AdminUser.select().where(AdminUser.role == "owner").count() == 1


def test_an_owner_cannot_remove_themselves_on_the_web(app, team, client, auth, admin):
    AdminUser.add("otto", PASSWORD, "owner")
    auth.login()

    client.post(f"/admin/team/{admin.id}/remove", data={"csrf_token": csrf_token(client, "/admin/team/"),
                                                        "confirm": "yes"})

    assert AdminUser.get_or_none(AdminUser.id == admin.id) is not None
