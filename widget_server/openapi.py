"""The API description, /api/v1/openapi.json (OpenAPI 3.1), made from the checks the
server runs, so it states exactly what the public and read APIs accept and answer.

    python -m widget_server.openapi

writes static/openapi.json; a test fails while the file and the code disagree, and
another runs schemathesis against a running server with it.
"""
import json
from pathlib import Path

from . import links, locales, payloads, read_api, selection, themes
from .selection import EFFORT_CLASSES
from .scales import SCALES

STATIC = Path(__file__).resolve().parent.parent / "static"
ERROR = {"$ref": "#/components/schemas/Error"}
FAILURES = {
    400: "A field is wrong: the error names it",
    401: "No token, or an unknown or revoked one",
    403: "The page's Origin is not on the site's list (the error says how to add it)",
    404: "No site with this key",
    405: "Not a method this path takes (the Allow header lists those it does)",
    409: "Taken: see the operation",
    410: "Closed: see the operation",
    413: "The body is larger than MAX_PAYLOAD_BYTES",
    415: "The body is not sent as text/plain or application/json",
    429: "A rate limit is spent; Retry-After says for how long",
    503: "The database is busy or unavailable; retry after Retry-After seconds",
}


def failures(*codes, **described):
    """Error responses: each with its reason, the operation's own where it has one."""
    return {str(code): {"description": described.get(f"e{code}", FAILURES[code]),
                        "content": {"application/json": {"schema": ERROR}}} for code in codes}


def json_body(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def object_of(checks, required=(), nullable=()):
    """The JSON Schema of a body checked by payloads.clean with these checks: no other
    fields; a field sent as null counts as left out."""
    properties = {}
    for name, check in checks.items():
        schema = dict(check.schema)
        if name in nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        properties[name] = schema
    return {"type": "object", "required": list(required), "additionalProperties": False, "properties": properties}


def new_answer():
    required = ("site", "id", "touchpoint", "scale", "score")
    schema = object_of(payloads.ANSWER_CHECKS, required, nullable=set(payloads.ANSWER_CHECKS) - set(required))
    # The score's range is its scale's.
    schema["allOf"] = [{"if": {"properties": {"scale": {"const": scale.name}}},
                        "then": {"properties": {"score": {"maximum": scale.points}}}} for scale in SCALES.values()]
    return schema


def text_body(schema):
    """Writes are CORS simple requests: JSON sent as text/plain; application/json works too."""
    return {"required": True, "content": {"text/plain": {"schema": schema}, "application/json": {"schema": schema}}}


def string(pattern=None, **more):
    return {"type": "string", **({"pattern": pattern} if pattern else {}), **more}


# Query and path values travel in URLs: anything but NUL (refused up front, by name).
NO_NUL = r"^[^\x00]*$"
ORIGIN = {"name": "Origin", "in": "header", "required": True, "schema": string(NO_NUL),
          "description": "Sent by the browser: the page's origin, which must be on the site's list"}
SITE_KEY = {"name": "key", "in": "path", "required": True, "schema": string(payloads.SITE_KEY.pattern),
            "description": "The site key"}


def or_empty(schema):
    """A filter left empty is a filter not given."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


DATE = string(selection.DATE.pattern, format="date")
READ_FILTERS = [
    {"name": "from", "in": "query", "schema": or_empty(DATE),
     "description": "First day (of the site's time zone); default 29 days before `to`. From and to may come in "
                    "either order."},
    {"name": "to", "in": "query", "schema": or_empty(DATE),
     "description": "Last day (of the site's time zone); default today there"},
    {"name": "touchpoint", "in": "query", "description": "Only this touchpoint",
     "schema": or_empty(string(locales.TOUCHPOINT_NAME.pattern))},
    {"name": "place", "in": "query", "schema": selection.PLACE.schema,
     "description": "Only this page, article or bot (an answer's ref, or a chatbot exit's agent)"},
    {"name": "class", "in": "query", "schema": or_empty({"type": "string", "enum": list(EFFORT_CLASSES)})},
    {"name": "with", "in": "query", "schema": or_empty({"type": "string", "enum": list(selection.WITH)}),
     "description": "comment: only answers with a comment"},
    {"name": "id", "in": "query", "schema": or_empty(selection.ANSWER_ID.schema),
     "description": "Only the answer with this id (whatever its date)"},
    {"name": "agent", "in": "query", "schema": selection.PLACE.schema, "description": "Only this agent's answers"},
    {"name": "conversation", "in": "query", "schema": selection.PLACE.schema,
     "description": "Only this conversation's answers (a support reply's ticket)"},
]
ANSWER_FIELDS = {
    "id": string(), "created_at": string(format="date-time"), "site": string(), "touchpoint": string(),
    "ref": string(), "page_url": string(), "scale": {"type": "string", "enum": list(SCALES)}, "score": {"type": "integer"},
    "class": {"type": "string", "enum": list(EFFORT_CLASSES)}, "ease": {"type": "number", "minimum": 0, "maximum": 100},
    "reasons": {"type": "array", "items": string()}, "comment": string(), "locale": string(), "customer": string(),
    "agent": string(), "conversation": string(), "meta": {"type": "object"}, "version": string(),
    "seconds_on_page": {"type": ["integer", "null"], "minimum": 0}, "search": string(),
    "recovery": {"type": "string", "enum": ["", "offered", "taken"]},
}


def record(required, **properties):
    return {"type": "object", "required": list(required), "properties": properties}


NUMBER = {"type": ["number", "null"]}
PERCENT = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
COUNT = {"type": "integer", "minimum": 0}
METRIC = record(("value", "previous", "change", "within_noise"), value=NUMBER, previous=NUMBER, change=NUMBER,
                within_noise={"type": "boolean"})
FIGURES = record(("answers", "ease_index", "difficult_percent"), answers=COUNT,
                 impressions={"type": ["integer", "null"], "minimum": 0},
                 # Answers sent through the API have no impression, so a rate can pass 100.
                 response_rate={"type": ["number", "null"], "minimum": 0}, ease_index=PERCENT, easy_percent=PERCENT, difficult_percent=PERCENT,
                 net_ease={"type": ["number", "null"], "minimum": -100, "maximum": 100},
                 mean_scores={"type": "object", "additionalProperties": NUMBER})
SUMMARY = record(
    ("period", "headline", "by_touchpoint", "hot_spots", "hot_spots_unranked", "drivers", "trend"),
    period=record(("from", "to", "touchpoint"), to=DATE, touchpoint={"type": ["string", "null"]},
                  version={"type": ["string", "null"]}, **{"from": DATE}),
    headline={"type": "object", "additionalProperties": METRIC},
    by_touchpoint={"type": "object", "additionalProperties": FIGURES},
    hot_spots={"type": "array", "items": record(
        ("place", "touchpoint", "answers", "difficult_percent"), place=string(), touchpoint=string(), answers=COUNT,
        difficult_percent=PERCENT, difficult_interval={"type": "array", "items": PERCENT},
        ease_index=PERCENT, reasons={"type": "object", "additionalProperties": COUNT},
        latest_version={"anyOf": [{"type": "null"}, {"allOf": [FIGURES, record(
            ("version", "first_answer", "change"), version=string(), first_answer=DATE,
            change={"type": "string", "enum": ["better", "worse", "within noise"]})]}]})},
    hot_spots_unranked=COUNT,
    drivers={"type": "array", "items": record(("reason", "answers", "percent_of_difficult"), reason=string(),
                                              answers=COUNT, percent_of_difficult=PERCENT)},
    trend=record(("bucket", "points"), bucket={"type": "string", "enum": ["day", "week"]},
                 points={"type": "array", "items": record(("start", "answers"), start=DATE, answers=COUNT,
                                                          ease_index=PERCENT, difficult_percent=PERCENT)}),
)
THEMES = record(
    ("period", "difficult_comments", "other_comments", "themes"),
    period=record(("from", "to", "touchpoint", "place"), to=DATE, touchpoint={"type": ["string", "null"]},
                  place={"type": ["string", "null"]}, **{"from": DATE}),
    difficult_comments=COUNT, other_comments=COUNT,
    themes={"type": "array", "items": record(
        ("term", "z", "difficult_comments", "other_comments"), term=string(), z={"type": "number"},
        difficult_comments=COUNT, other_comments=COUNT)},
)
LINK_PARAMETERS = {"ref": "The ticket or conversation id: one rating per site and ref",
                   "agent": "The agent who handled it", "customer": "The customer's id",
                   "touchpoint": "The touchpoint the rating counts under (default support-reply)",
                   "lang": "The language of the page the customer sees (default: their browser's)"}
def link_parameter(name, check):
    """A rating link's parameter: what its check takes, but no helpdesk placeholder; the
    optional ones may be empty (left out)."""
    schema = {**check.schema, "not": {"pattern": links.PLACEHOLDER.pattern}}
    return {"name": name, "in": "query", "required": name == "ref", "description": LINK_PARAMETERS[name],
            "schema": schema if name == "ref" else or_empty(schema)}


LINKS = record(("touchpoint", "scale", "params", "sig", "links"), touchpoint=string(),
               scale={"type": "string", "enum": list(SCALES)},
               params={"type": "object", "additionalProperties": string()}, sig=string(),
               links={"type": "object", "additionalProperties": string()})
ACCEPTED = {"type": "object", "required": ["id", "class"], "additionalProperties": False,
            "properties": {"id": string(), "class": {"type": "string", "enum": list(EFFORT_CLASSES)}}}


def document():
    """The whole API description."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CES widget API", "version": "1",
            "description": ("The collection API the widget uses (writes are CORS simple requests: JSON sent as "
                            "text/plain, so no preflight) and the read-only API for a site's answers and summary, "
                            "authenticated with a per-site bearer token created on the site's admin page."),
        },
        "paths": {
            "/api/v1/sites/{key}/config": {"get": {
                "summary": "What the widget needs to show a site's prompts, in the visitor's language",
                "parameters": [SITE_KEY, {"name": "lang", "in": "query", "schema": string(NO_NUL),
                                          "description": "Language tags in order of preference, comma-separated"},
                               {**ORIGIN, "required": False}],
                "responses": {"200": json_body({"type": "object"}, "Scales, questions, reasons and strings"),
                              **failures(400, 403, 404, 429, 503)},
            }},
            "/api/v1/answers": {"post": {
                "summary": "Store an answer the moment the customer picks a score",
                "parameters": [ORIGIN],
                "requestBody": text_body(new_answer()),
                "responses": {
                    "201": json_body(ACCEPTED, "Stored"),
                    "200": json_body(ACCEPTED, "A retry of a stored answer: the same id, secret and score"),
                    **failures(400, 403, 404, 409, 413, 415, 429, 503,
                               e409="The id is taken by another answer, or this one without its secret (the same "
                                    "refusal whatever the score)"),
                },
            }},
            "/api/v1/answers/{id}/follow-up": {"post": {
                "summary": "Add the answer's one follow-up (reasons and a comment), with the secret sent with the "
                           "answer, within FOLLOW_UP_HOURS of it",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": string(NO_NUL),
                                "description": "The answer's id"}, ORIGIN],
                "requestBody": text_body(object_of(payloads.FOLLOW_UP_CHECKS, ("site",),
                                                   nullable=("secret", "token", "reasons", "comment"))),
                "responses": {
                    "200": json_body(ACCEPTED, "Stored, or the same follow-up again (a retry)"),
                    **failures(400, 403, 404, 409, 410, 413, 415, 429, 503,
                               e403="No answer with this id opens with this secret (the same refusal for an "
                                    "unknown id), or the page's Origin is not on the site's list",
                               e409="The answer already has a different follow-up",
                               e410="Follow-ups for this answer closed FOLLOW_UP_HOURS after it"),
                },
            }},
            "/api/v1/answers/{id}/recovery": {"post": {
                "summary": "Note that the visitor took the recovery link offered with the answer, with the secret "
                           "sent with the answer, within FOLLOW_UP_HOURS of it",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": string(NO_NUL),
                                "description": "The answer's id"}, ORIGIN],
                "requestBody": text_body(object_of(payloads.RECOVERY_CHECKS, ("site", "secret"))),
                "responses": {
                    "204": {"description": "Noted, or noted before"},
                    **failures(400, 403, 404, 409, 410, 413, 415, 429, 503,
                               e403="No answer with this id opens with this secret (the same refusal for an "
                                    "unknown id), or the page's Origin is not on the site's list",
                               e409="No recovery link was offered with this answer",
                               e410="Closed FOLLOW_UP_HOURS after the answer"),
                },
            }},
            "/api/v1/impressions": {"post": {
                "summary": "Count a prompt a visitor saw (response rates)",
                "parameters": [ORIGIN],
                "requestBody": text_body(object_of(payloads.IMPRESSION_CHECKS, ("site", "touchpoint"),
                                                   nullable=("ref",))),
                "responses": {"204": {"description": "Counted"}, **failures(400, 403, 404, 413, 415, 429, 503)},
            }},
            "/api/v1/sites/{key}/answers": {"get": {
                "summary": "A site's answers, oldest first, a page at a time",
                "security": [{"token": []}],
                "parameters": [SITE_KEY, *READ_FILTERS,
                               {"name": "version", "in": "query", "schema": or_empty(payloads.version.schema),
                                "description": "Only answers about this revision of the content"},
                               {"name": "limit", "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": read_api.MAX_LIMIT},
                                "description": f"Answers per page (default {read_api.DEFAULT_LIMIT})"},
                               {"name": "cursor", "in": "query", "schema": or_empty(string(read_api.CURSOR.pattern)),
                                "description": "The next_cursor of the page before"}],
                "responses": {
                    "200": json_body({"type": "object", "required": ["answers", "next_cursor"], "properties": {
                        "answers": {"type": "array", "items": {"$ref": "#/components/schemas/Answer"}},
                        "next_cursor": {"type": ["string", "null"]}}}, "A page of answers"),
                    **failures(400, 401, 403, 429, 503, e403="The token is for another site"),
                },
            }},
            "/api/v1/sites/{key}/summary": {"get": {
                "summary": "The summary page's figures for the filters",
                "security": [{"token": []}],
                "parameters": [SITE_KEY, *READ_FILTERS,
                               {"name": "min_answers", "in": "query",
                                "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
                                "description": "Answers a place needs to be ranked (default 10)"},
                               {"name": "version", "in": "query", "schema": or_empty(payloads.version.schema),
                                "description": "Only the answers about this revision of the content (read from the "
                                               "answers: no response rate, no version markers)"}],
                "responses": {
                    "200": json_body({"$ref": "#/components/schemas/Summary"}, "The figures"),
                    **failures(400, 401, 403, 429, 503, e403="The token is for another site"),
                },
            }},
            "/api/v1/sites/{key}/links": {"get": {
                "summary": "One ticket's signed rating links, one per score, for e-mails a system sends itself",
                "description": "The query takes a rating link's parameters; meta.NAME parameters (such as "
                               "meta.category) are signed and carried too. The signature covers every "
                               "parameter but the score (docs/rating-links.md). A value still holding a "
                               "helpdesk placeholder ({{ticket.id}}) is refused; an empty one is left out.",
                "security": [{"token": []}],
                "parameters": [SITE_KEY,
                               *(link_parameter(name, check) for name, check in links.CHECKS.items())],
                "responses": {
                    "200": json_body({"$ref": "#/components/schemas/Links"}, "The links"),
                    **failures(400, 401, 403, 429, 503, e403="The token is for another site"),
                },
            }},
            "/api/v1/sites/{key}/themes": {"get": {
                "summary": "Comment themes: terms difficult comments use much more often than the site's others",
                "description": "Words and phrases of the difficult comments the filters (and place) select, "
                               "ranked by the z-score of the weighted log-odds ratio with an informative Dirichlet "
                               "prior against the site's other comments in the same period; those with a z-score "
                               f"above {themes.SIGNIFICANT} in at least THEME_MIN_COMMENTS difficult comments, "
                               "highest first.",
                "security": [{"token": []}],
                "parameters": [SITE_KEY, *(each for each in READ_FILTERS if each["name"] in read_api.THEME_FILTERS)],
                "responses": {
                    "200": json_body({"$ref": "#/components/schemas/Themes"}, "The themes"),
                    **failures(400, 401, 403, 429, 503, e403="The token is for another site"),
                },
            }},
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": string(), "field": {"type": ["string", "null"]}}},
                "Answer": {"type": "object", "properties": ANSWER_FIELDS},
                "Summary": SUMMARY,
                "Themes": THEMES,
                "Links": LINKS,
            },
        },
    }


def text():
    return json.dumps(document(), indent=1, ensure_ascii=False) + "\n"


def main():
    (STATIC / "openapi.json").write_text(text(), encoding="utf-8")
    print(f"wrote {STATIC / 'openapi.json'}")


if __name__ == "__main__":
    main()
