"""Exporting answers as CSV or JSON lines, streamed row by row so a million answers take
no more memory than ten."""
import csv
import io
import json

from flask import Blueprint, Response, g, request, stream_with_context

from .auth import admin_pages, requires
from .models import Answer
from .selection import Selection, narrowed_answers

bp = admin_pages(Blueprint("export", __name__, url_prefix="/admin/export"))

# Stable: add columns at the end, never rename or reorder (docs/api.md, "Export").
COLUMNS = ("id", "created_at", "site", "touchpoint", "ref", "page_url", "scale", "score", "class", "ease",
           "reasons", "comment", "locale", "customer", "agent", "conversation", "meta", "version",
           "seconds_on_page", "search", "recovery")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000


def inert(value):
    """Make a CSV cell a spreadsheet shows as text, never runs."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False) if value else ""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows(query, site_keys):
    # iterator(): rows are read from the cursor as they go out, never all held at once.
    for answer in query.iterator():
        yield answer.record(site_keys.get(answer.site_id, ""))


def csv_lines(query, site_keys):
    buffer = io.StringIO()
    # Every field quoted: spreadsheets that split on ";" keep a customer's text in one cell.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows(query, site_keys), start=1):
        writer.writerow([inert(row[column]) for column in COLUMNS])
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_lines(query, site_keys):
    batch = []
    for row in rows(query, site_keys):
        batch.append(json.dumps(row, ensure_ascii=False))
        if len(batch) == BATCH:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"


FORMATS = {"csv": (csv_lines, "text/csv"), "jsonl": (json_lines, "application/x-ndjson")}


@bp.get("/answers.<format>")
@requires("viewer")
def answers(format):
    """Download the answers the summary's filters select, oldest first."""
    if format not in FORMATS:
        return "Export as answers.csv or answers.jsonl.", 404
    selection = Selection(request.args, g.admin)
    query = narrowed_answers(selection.filters, request.args).order_by(Answer.id)
    lines, mimetype = FORMATS[format]
    name = f"ces-answers-{selection.start.isoformat()}-{selection.end.isoformat()}.{format}"
    response = Response(stream_with_context(lines(query, selection.site_keys())), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
