"""Opening the admin in a browser as its user does: through the login form."""


def log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login")
    page.get_by_label("Username").fill("olivia")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def admin_at(visit, live_server, path, width=1280):
    """A new browser window of `width`, logged in, on the admin page at `path`."""
    page = visit(viewport={"width": width, "height": 800}).page
    log_in(page, live_server)
    page.goto(live_server.url + path)
    return page
