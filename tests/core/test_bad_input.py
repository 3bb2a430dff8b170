"""Bad input gets a 4xx naming the field, never a 500, and writes nothing."""

from __future__ import annotations

import pytest

from sunrelay.decisions.models import Record
from tests.conftest import sign_in


@pytest.fixture
def ana(demo):
    return sign_in("ana")


def test_nul_characters_are_refused_in_forms_queries_and_json(ana, writer):
    form = ana.post("/decisions/new/", {"title": "Use\x00Kafka", "kind": "adr", "body": "x"})
    assert form.status_code == 400 and "title" in form.content.decode()
    assert ana.get("/?q=a\x00b").status_code == 400
    api = writer.post(
        "/api/v1/decisions",
        {"title": "Use\x00Kafka", "actor": "ana"},
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["field"] == "title"
    assert not Record.objects.exists()


def test_json_nested_too_deep_is_refused(writer):
    deep = writer.post("/api/v1/decisions", "[" * 50_000 + "]" * 50_000, "application/json")
    assert deep.status_code == 422 and deep.json()["field"] == "body"
    nested = {"title": "x"}
    for _ in range(40):
        nested = {"raci": nested}
    answer = writer.post("/api/v1/decisions", nested, content_type="application/json")
    assert answer.status_code == 422 and "nested more than 32 levels" in answer.json()["message"]


@pytest.mark.parametrize(
    "query", ["limit=9223372036854775808", "offset=9223372036854775808", "limit=0", "offset=-1"]
)
def test_page_bounds_are_checked(demo, reader, query):
    answer = reader.get(f"/api/v1/people?{query}")
    assert answer.status_code == 422 and answer.json()["field"] in ("limit", "offset")


def test_report_days_are_bounded(demo, reader):
    answer = reader.get("/api/v1/incidents/report?days=740000")
    assert answer.status_code == 422 and answer.json()["field"] == "days"
    assert reader.get("/api/v1/incidents/report?days=30").status_code == 200


def test_non_numeric_ids_in_hub_forms_are_4xx(ana):
    assert ana.post("/notifications/", {"id": "abc"}).status_code == 422
    room = ana.post("/incidents/action-items/", {"item": "x1"}, follow=True)
    assert room.status_code == 200 and "item" in room.content.decode()


def test_the_markdown_preview_renders_sections_and_never_raw_html(demo):
    from tests.conftest import sign_in

    ana = sign_in("ana")
    page = ana.post(
        "/preview/",
        {"sections": "done,next,risks", "done": "- Shipped **v2**", "risks": "<script>x</script>"},
    ).content.decode()
    assert "<h3>Done</h3>" in page and "<strong>v2</strong>" in page
    assert "<h3>Next</h3>" not in page  # empty sections are left out
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<h2>Context</h2>" in ana.post("/preview/", {"body": "## Context"}).content.decode()
    assert ana.get("/preview/").status_code == 405
