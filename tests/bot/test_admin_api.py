"""The admin API on a real store: metadata corrections, section trees, feedback export, eval report, page headers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.outline import SEPARATOR
from rag.service import Service
from rag.text.figures import number_occurs
from tests.bot.admin_data import HTML_SOURCE, html_report
from tests.conftest import all_chunks, build_service

AUTH = {"Authorization": "Bearer test-token"}
REGION = HTML_SOURCE[3]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = build_service(tmp_path_factory.mktemp("admin-api") / "store", corpus=[])
    yield service
    service.close()


@pytest.fixture(scope="module")
def eval_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("admin-eval") / "latest.json"


@pytest.fixture(scope="module")
def client(service: Service, eval_report: Path) -> Iterator[TestClient]:
    settings = service.settings.model_copy(update={"eval_report": eval_report})
    with TestClient(create_app(settings, service)) as c:
        yield c


@pytest.fixture(scope="module")
def doc(client: TestClient, tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = html_report(tmp_path_factory.mktemp("admin-files"))
    r = client.post("/api/documents", files={"file": (path.name, path.read_bytes())}, headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


def test_upload_reports_detected_metadata_and_counts(doc: dict) -> None:
    assert doc["region"] == REGION and doc["year"] == 2023
    assert doc["manual"] == [] and doc["detected"]["region"] == REGION and doc["detected"]["year"] == 2023
    assert doc["chunks"] > 0 and doc["metrics"] > 0 and doc["embedded"] == 0  # embedding model "none"


def test_year_correction_reaches_metrics_search_and_survives_reingest(client: TestClient, doc: dict,
                                                                      tmp_path: Path) -> None:
    doc_id = doc["doc_id"]
    r = client.patch(f"/api/documents/{doc_id}", json={"year": 2021}, headers=AUTH)
    assert r.status_code == 200, r.text
    fixed = r.json()
    assert fixed["year"] == 2021 and fixed["manual"] == ["year"] and fixed["detected"]["year"] == 2023
    assert fixed["region"] == REGION  # fields not sent are left alone

    rows = client.get("/api/metrics", params={"region": REGION, "year": 2021}).json()
    assert len(rows) == doc["metrics"] and all(row["year"] == 2021 for row in rows)
    assert client.get("/api/metrics", params={"region": REGION, "year": 2023}).json() == []

    label = next(r["label"] for r in rows if r["metric"] != "other" and not r["derived"])  # a catalogued figure
    answer = client.post("/api/ask", json={"question": f"{REGION}2021年{label}是多少？"}).json()
    assert answer["citations"], answer
    assert {(c["region"], c["year"]) for c in answer["citations"]} == {(REGION, 2021)}
    stale = client.post("/api/ask", json={"question": f"{REGION}2023年{label}是多少？"}).json()
    assert stale["answerable"] is False and stale["citations"] == []

    # Re-ingest the same file name with changed content: detection runs again, the manual year wins.
    path = html_report(tmp_path)
    changed = path.read_bytes().replace(b"</body>", "<p>补充说明。</p></body>".encode("gbk"))
    again = client.post("/api/documents", files={"file": (path.name, changed)}, headers=AUTH).json()
    assert again["doc_id"] == doc_id and again["sha256"] != doc["sha256"]
    assert again["year"] == 2021 and again["manual"] == ["year"] and again["detected"]["year"] == 2023

    # null drops the correction and detection shows again
    restored = client.patch(f"/api/documents/{doc_id}", json={"year": None}, headers=AUTH).json()
    assert restored["year"] == 2023 and restored["manual"] == []
    assert len(client.get("/api/metrics", params={"region": REGION, "year": 2023}).json()) == doc["metrics"]


def test_region_title_and_level_corrections(client: TestClient, doc: dict) -> None:
    doc_id = doc["doc_id"]
    body = {"region": "测试新区", "level": "县", "title": "更正后的标题"}
    fixed = client.patch(f"/api/documents/{doc_id}", json=body, headers=AUTH).json()
    assert {k: fixed[k] for k in body} == body and fixed["manual"] == ["level", "region", "title"]
    assert {r["region"] for r in client.get("/api/metrics", params={"year": 2023}).json()} == {"测试新区"}
    listed = next(d for d in client.get("/api/documents").json() if d["doc_id"] == doc_id)
    assert listed["title"] == "更正后的标题"
    reset = client.patch(f"/api/documents/{doc_id}", json=dict.fromkeys(body), headers=AUTH).json()
    assert reset["region"] == REGION and reset["title"] == doc["title"] and reset["manual"] == []


@pytest.mark.parametrize("body", [{"year": 1800}, {"year": "soon"}, {"region": ""}, {"issuer": "x"},
                                  {"region": "x" * 51}])
def test_bad_corrections_are_refused_and_change_nothing(client: TestClient, doc: dict, body: dict) -> None:
    before = client.get("/api/documents").json()
    assert client.patch(f"/api/documents/{doc['doc_id']}", json=body, headers=AUTH).status_code == 422
    assert client.get("/api/documents").json() == before


def test_admin_routes_need_the_token(client: TestClient, doc: dict) -> None:
    doc_id = doc["doc_id"]
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        assert client.patch(f"/api/documents/{doc_id}", json={"year": 2020}, headers=headers).status_code == 401
        assert client.get(f"/api/documents/{doc_id}/sections", headers=headers).status_code == 401
        assert client.get("/api/feedback/export", headers=headers).status_code == 401
        assert client.get("/api/eval/latest", headers=headers).status_code == 401
    assert client.patch("/api/documents/nope", json={"year": 2020}, headers=AUTH).status_code == 404
    assert client.get("/api/documents/nope/sections", headers=AUTH).status_code == 404
    assert client.get("/api/admin/status").json() == {"enabled": True, "dense": False}


def test_admin_disabled_without_a_token(service: Service, doc: dict) -> None:
    settings = service.settings.model_copy(update={"admin_token": None})
    with TestClient(create_app(settings, service)) as c:
        assert c.get("/api/admin/status").json()["enabled"] is False
        assert c.patch(f"/api/documents/{doc['doc_id']}", json={"year": 2020}, headers=AUTH).status_code == 403
        assert c.get("/api/feedback/export", headers=AUTH).status_code == 403
        assert c.get("/admin").status_code == 200  # the page itself loads and says admin is disabled


def test_section_tree_holds_every_chunk_once_under_its_path(client: TestClient, service: Service, doc: dict) -> None:
    outline = client.get(f"/api/documents/{doc['doc_id']}/sections", headers=AUTH).json()
    assert outline["document"]["doc_id"] == doc["doc_id"]
    seen: list[tuple[str, int]] = []

    def walk(node: dict, parent: str) -> None:
        assert node["path"] == (f"{parent}{SEPARATOR}{node['title']}" if parent else node["title"])
        seen.extend((node["path"], c["ord"]) for c in node["chunks"])
        for child in node["children"]:
            walk(child, node["path"])

    for root in outline["sections"]:
        walk(root, "")
    stored = [(c.section, c.ord) for c in all_chunks(service.store) if c.doc_id == doc["doc_id"]]
    assert sorted(seen, key=lambda s: s[1]) == stored
    assert len(outline["sections"]) >= 3  # the report's 一、二、三… parts, not one flat list


def test_feedback_keeps_citations_and_exports_as_gold_lines(client: TestClient, doc: dict) -> None:
    asked = client.post("/api/ask", json={"question": f"{REGION}2023年办理行政复议案件多少件？"}).json()
    base = {"session_id": asked["session_id"], "question": "问题一", "answer": asked["answer"],
            "route": asked["route"], "citations": asked["citations"], "source": "widget"}
    assert client.post("/api/feedback", json={**base, "rating": "up"}).status_code == 201
    assert client.post("/api/feedback", json={**base, "question": "问题二", "rating": "down",
                                              "comment": "数字不对"}).status_code == 201
    listed = client.get("/api/feedback", headers=AUTH).json()
    assert listed[0]["citations"] == asked["citations"] and listed[0]["source"] == "widget"

    r = client.get("/api/feedback/export", headers=AUTH)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    items = {i["question"]: i for i in map(json.loads, r.text.splitlines())}
    up, down = items["问题一"], items["问题二"]
    assert up["kind"] == asked["route"] and up["answerable"] == asked["answerable"]
    assert "[1]" not in up["answer"]
    for figure in up["must_include"]:
        assert number_occurs(figure, up["answer"])
    assert [e["doc"] for e in up["evidence"]] == [c["doc_id"] for c in asked["citations"]]
    assert down["needs_review"] is True and down["must_include"] == [] and down["comment"] == "数字不对"
    only_down = client.get("/api/feedback/export", params={"rating": "down"}, headers=AUTH).text.splitlines()
    assert [json.loads(line)["question"] for line in only_down] == ["问题二"]


def test_feedback_rejects_malformed_citations(client: TestClient) -> None:
    body = {"session_id": "s", "question": "q", "answer": "a", "rating": "up", "citations": [{"n": "x"}]}
    assert client.post("/api/feedback", json=body).status_code == 422


def test_latest_eval_report_from_the_configured_path(client: TestClient, eval_report: Path) -> None:
    r = client.get("/api/eval/latest", headers=AUTH)
    assert r.status_code == 404 and "govqa eval" in r.json()["detail"]
    eval_report.write_text("{not json", encoding="utf-8")
    assert client.get("/api/eval/latest", headers=AUTH).status_code == 404
    failure = {"id": "x-1", "kind": "lookup", "question": "q", "expected": "e", "got": "g", "missing": ["5"]}
    report = {"items": 3, "correct": 2, "accuracy": 2 / 3, "failures": [failure], "threshold_failures": [],
              "by_kind": {"lookup": {"items": 2, "correct": 1, "accuracy": 0.5},
                          "summary": {"items": 1, "correct": 1, "accuracy": 1.0}}, "evidence_recall": 0.9}
    eval_report.write_text(json.dumps(report), encoding="utf-8")
    body = client.get("/api/eval/latest", headers=AUTH).json()
    assert body["by_kind"]["lookup"] == {"items": 2, "correct": 1, "accuracy": 0.5}
    assert body["failures"] == [failure] and body["evidence_recall"] == 0.9 and body["generated_at"]


def test_the_default_eval_report_is_the_repositorys(service: Service) -> None:
    default = type(service.settings)().eval_report
    assert default == Path(__file__).resolve().parents[2] / "evals" / "reports" / "latest.json"


def test_admin_page_is_locked_down(client: TestClient) -> None:
    r = client.get("/admin")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", r.text, flags=re.S)
    assert scripts and all(body.strip() == "" for body in scripts)  # no inline script to allow
    assert not re.search(r"https?://", r.text)  # nothing from another origin
    script = client.get("/admin/admin.js").text
    assert not re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|eval\(", script)
    assert client.get("/admin/admin.css").headers["content-type"].startswith("text/css")
    assert client.get("/admin/secrets.txt").status_code == 404
    assert "/api/documents/{doc_id}" in client.get("/openapi.json").json()["paths"]
