"""What many tests do: store answers, impressions and follow-ups the way the public API
does (ingest.py), without a request; log in to the admin and read the CSRF token of its
forms (AuthActions is the `auth` fixture); compare the count tables; make an app as the
`app` fixture does, with other settings."""
import json
import re

from widget_server import create_app, ingest, rollups
from widget_server.models import Answer, Impression

# The page origin the tests' sites allow.
ORIGIN = "https://help.example.com"
# The counters of the count tables.
COUNTERS = ("answers", "impressions", "easy", "difficult", "ease_sum")
CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def store(site, fields):
    """Store an answer from its column values; return (answer, created)."""
    return ingest.store_answer(Answer.from_fields(site, fields))


def store_impression(site, fields):
    impression = Impression(site=site, **fields)
    ingest.store_impression(impression)
    return impression


def follow_up(answer, reasons=(), comment=""):
    ingest.store_follow_up(answer, list(reasons), comment)


def token_in(page):
    """The CSRF token of the forms in an admin page's text."""
    return CSRF_TOKEN.search(page).group(1)


def csrf_token(client, path="/admin/login"):
    """A CSRF token for the client's session, from the admin page at `path`."""
    return token_in(client.get(path).text)


class AuthActions:
    """Logging a test client in and out of the admin the way a person does, through the
    forms and their CSRF tokens (the `auth` fixture, as in Flask's tutorial)."""

    def __init__(self, client):
        self._client = client

    def login(self, username="olivia", password="correct horse battery"):
        return self._client.post("/admin/login", data={"username": username, "password": password,
                                                       "csrf_token": csrf_token(self._client)})

    def logout(self):
        return self._client.post("/admin/logout", data={"csrf_token": csrf_token(self._client, "/admin/")})


def settled(value):
    """Sums of ease are floating point: adding and later taking away an answer may leave
    1e-14 where a rebuild finds 0, so they are compared to six decimals."""
    return round(value, 6) + 0.0 if isinstance(value, float) else value


def snapshot():
    """Every rollup row without its id, rows whose counters are all zero left out."""
    tables = {}
    for model in rollups.ROLLUP_MODELS:
        rows = []
        for row in model.select().dicts():
            row.pop("id")
            row = {key: settled(value) for key, value in row.items()}
            if any(row.get(counter) for counter in COUNTERS):
                rows.append(tuple(sorted((key, str(value)) for key, value in row.items())))
        tables[model.__name__] = sorted(rows)
    return tables


def make_test_app(tmp_path, database_url, **settings):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key",
            # Tests that deliver alerts call the outbox themselves or run a real server.
            "ALERT_WORKER": 0,
            **settings,
        }
    )


# An answer as the widget sends it, and how it sends it.
ANSWER_ID = "k" * 20
SECRET = "answer-secret-" + "q" * 20


def answer_body(a_site, **changes):
    body = {
        "site": a_site.key,
        "id": ANSWER_ID,
        "secret": SECRET,
        "touchpoint": "kb-article",
        "scale": "agreement7",
        "score": 2,
        "ref": "kb-42",
        "page": "https://help.example.com/articles/42",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def post(client, path, body, origin=ORIGIN, content_type="text/plain"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    headers = {"Origin": origin} if origin else {}
    return client.post(path, data=data, content_type=content_type, headers=headers)
