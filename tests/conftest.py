import pytest

from widget_server.db import flask_db
from widget_server.models import AdminUser, Site

from . import databases
from .helpers import ORIGIN, AuthActions, make_test_app


@pytest.fixture(scope="session", autouse=True)
def test_databases():
    with databases.run_database():
        yield


@pytest.fixture
def app(tmp_path):
    yield make_test_app(tmp_path, databases.fresh_url(tmp_path))
    flask_db.database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def site(app):
    return Site.create_with_key("Help centre", [ORIGIN], company="Acme")


@pytest.fixture
def admin(app):
    user = AdminUser(username="olivia")
    user.set_password("correct horse battery")
    user.save()
    return user


@pytest.fixture
def auth(client, admin):
    """auth.login() and auth.logout() as the `admin` fixture's user."""
    return AuthActions(client)
