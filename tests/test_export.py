"""CSV and JSON-lines export: filters, stable columns, and cells a spreadsheet cannot run."""
import csv
import datetime
import io
import json
import re

import pytest

from widget_server.export import COLUMNS

from .helpers import store


@pytest.fixture
def signed_in(client, admin, auth):
    auth.login()
    return client


def give(site, key, score, **fields):
    fields.setdefault("touchpoint", "kb-article")
    store(site, {"key": f"{key:0>20}", "scale": "agreement7", "score": score, **fields})


def test_csv_has_the_documented_columns_and_neutralised_formulas(signed_in, site):
    give(site, "a", 2, comment="=HYPERLINK(\"http://evil.example\")", ref="+kb-1", customer="@me", reasons=["unclear"])
    give(site, "b", 7, comment="-ok", meta={"plan": "pro"})

    response = signed_in.get(f"/admin/export/answers.csv?site={site.key}")

    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(table[0]) == COLUMNS
    assert [row["id"] for row in table] == ["a".rjust(20, "0"), "b".rjust(20, "0")]
    first = table[0]
    assert first["comment"] == "'=HYPERLINK(\"http://evil.example\")" and first["ref"] == "'+kb-1"
    assert first["customer"] == "'@me" and first["class"] == "difficult" and first["reasons"] == '["unclear"]'
    assert first["site"] == site.key
    assert table[1]["comment"] == "'-ok" and json.loads(table[1]["meta"]) == {"plan": "pro"}


def test_every_csv_field_is_quoted(signed_in, site):
    """Spreadsheets set to split on ";" (or ",") keep a customer's text in one cell."""
    give(site, "a", 2, comment="first; second", ref="kb;1")

    text = signed_in.get(f"/admin/export/answers.csv?site={site.key}").get_data(as_text=True)

    header, row = text.splitlines()[:2]
    assert header == ",".join(f'"{column}"' for column in COLUMNS)
    quoted = r'"(?:[^"]|"")*"'
    assert re.fullmatch(f"{quoted}(?:,{quoted})*", row), row
    assert '"first; second"' in row and '"kb;1"' in row


def test_json_lines_keep_values_as_they_are(signed_in, site):
    give(site, "a", 2, comment="=1+1", reasons=["not-found"])

    response = signed_in.get("/admin/export/answers.jsonl")

    lines = response.get_data(as_text=True).splitlines()
    row = json.loads(lines[0])
    assert list(row) == list(COLUMNS)
    assert (row["comment"], row["reasons"], row["score"]) == ("=1+1", ["not-found"], 2)


def test_export_uses_the_summary_filters(signed_in, site):
    give(site, "old", 1, created_at=datetime.datetime(2026, 1, 5))
    give(site, "in", 1, created_at=datetime.datetime(2026, 2, 5), ref="kb-9")
    give(site, "other", 7, created_at=datetime.datetime(2026, 2, 6), touchpoint="self-service")

    # A streamed body is read before the next request, as a browser would.
    selected = signed_in.get("/admin/export/answers.jsonl?from=2026-02-01&to=2026-02-28&touchpoint=kb-article")
    selected_ids = [json.loads(line)["id"] for line in selected.get_data(as_text=True).splitlines()]
    difficult_at = signed_in.get("/admin/export/answers.jsonl?from=2026-01-01&to=2026-02-28&place=kb-9&class=difficult")

    assert selected_ids == ["in".rjust(20, "0")]
    assert len(difficult_at.get_data(as_text=True).splitlines()) == 1


def test_export_needs_a_login(client):
    assert client.get("/admin/export/answers.csv").status_code == 302


def test_an_unknown_format_is_not_found(signed_in):
    assert signed_in.get("/admin/export/answers.xlsx").status_code == 404
