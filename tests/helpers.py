"""What many tests do: store answers, impressions and follow-ups the way the public API
does (ingest.py), without a request."""
from widget_server import ingest
from widget_server.models import Answer, Impression


def store(site, fields):
    """Store an answer from its column values; return (answer, created)."""
    return ingest.store_answer(Answer.from_fields(site, fields))


def store_impression(site, fields):
    impression = Impression(site=site, **fields)
    ingest.store_impression(impression)
    return impression


def follow_up(answer, reasons=(), comment=""):
    ingest.store_follow_up(answer, list(reasons), comment)
