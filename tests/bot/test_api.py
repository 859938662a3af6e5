import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from rag.service import Service
from tests.conftest import service_from_texts
from tests.corpus import REPORTS


@pytest.fixture(scope="module")
def client(corpus_service: Service) -> TestClient:
    app = create_app(corpus_service.settings, corpus_service)
    with TestClient(app) as c:
        yield c


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ask_answers_with_the_figure_and_a_citation_that_proves_it(client: TestClient) -> None:
    r = client.post("/api/ask", json={"question": "泗阳县2023年1-11月办结了多少件行政复议案件？"})
    assert r.status_code == 200
    body = r.json()
    assert body["answerable"] is True and "174" in body["answer"]
    assert any("全县办结复议案件174件" in c["text"] for c in body["citations"])
    assert body["citations"][0]["region"] == "泗阳县" and body["citations"][0]["year"] == 2023
    assert body["session_id"] and body["timings_ms"]["total"] >= 0


def test_ask_validates_input(client: TestClient) -> None:
    assert client.post("/api/ask", json={"question": ""}).status_code == 422
    assert client.post("/api/ask", json={}).status_code == 422


def test_documents_listed(client: TestClient) -> None:
    docs = client.get("/api/documents").json()
    assert {d["doc_id"] for d in docs} == {p.stem for p in REPORTS}


def test_admin_routes_need_the_token(client: TestClient, tmp_path: Path) -> None:
    files = {"file": ("x.txt", "一、测试\n全年办理事项5件。".encode())}
    assert client.post("/api/documents", files=files).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert client.post("/api/documents", files=files, headers=bad).status_code == 401
    assert client.delete("/api/documents/x", headers=bad).status_code == 401


def test_admin_routes_refused_when_no_token_configured(corpus_service: Service) -> None:
    settings = corpus_service.settings.model_copy(update={"admin_token": None})
    with TestClient(create_app(settings, corpus_service)) as c:
        r = c.delete("/api/documents/x", headers={"Authorization": "Bearer "})
        assert r.status_code == 403


def test_upload_then_delete(tmp_path: Path) -> None:
    from tests.conftest import build_service

    service = build_service(tmp_path / "store", [])
    auth = {"Authorization": "Bearer test-token"}
    with TestClient(create_app(service.settings, service)) as c:
        text = REPORTS[0].read_text(encoding="utf-8")
        r = c.post("/api/documents", files={"file": ("upload-report.txt", text.encode())}, headers=auth)
        assert r.status_code == 200, r.text
        assert r.json()["doc_id"] == "upload-report" and r.json()["chunks"] > 0
        bad = c.post("/api/documents", files={"file": ("bad.pdf", b"garbage")}, headers=auth)
        assert bad.status_code == 400 and "bad.pdf" in bad.json()["detail"]
        odd = c.post("/api/documents", files={"file": ("notes.xyz", b"text")}, headers=auth)
        assert odd.status_code == 415 and "notes.xyz" in odd.json()["detail"]
        assert c.delete("/api/documents/upload-report", headers=auth).status_code == 204
        assert c.get("/api/documents").json() == []
    service.close()


def test_chat_streams_tokens_then_citations_then_done(client: TestClient) -> None:
    import json

    with client.stream("POST", "/api/chat", json={"question": "泗阳县2023年1-11月办结了多少件行政复议案件？"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    events = [(block.split("\n")[0].removeprefix("event: "), block.split("data: ", 1)[1])
              for block in body.replace("\r\n", "\n").strip().split("\n\n") if "data: " in block]
    kinds = [k for k, _ in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"token"}
    done = json.loads(events[-1][1])
    assert "".join(json.loads(d)["text"] for k, d in events if k == "token") == done["answer"]
    assert "174" in done["answer"] and json.loads(events[-2][1])[0]["n"] == 1


def test_readyz_metrics_and_request_ids(client: TestClient) -> None:
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["documents"] == len(REPORTS)
    r = client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert r.headers["X-Request-ID"] == "abc123"
    assert client.get("/api/documents").headers["X-Request-ID"]
    text = client.get("/metrics").text
    assert 'govqa_http_requests_total{method="GET",route="/healthz",status="200"}' in text


def test_feedback_is_stored_and_listed_for_admins(client: TestClient) -> None:
    item = {"session_id": "s1", "question": "问题", "answer": "答案[1]", "rating": "down", "comment": "数字不对"}
    assert client.post("/api/feedback", json=item).status_code == 201
    assert client.post("/api/feedback", json={**item, "rating": "meh"}).status_code == 422
    assert client.get("/api/feedback").status_code == 401
    rows = client.get("/api/feedback", headers={"Authorization": "Bearer test-token"}).json()
    assert rows[0]["comment"] == "数字不对" and rows[0]["rating"] == "down"


def test_metrics_table_as_json_and_csv(client: TestClient) -> None:
    rows = client.get("/api/metrics", params={"region": "泗阳县"}).json()
    assert rows and all(r["region"] == "泗阳县" for r in rows)
    assert all(r["sentence"] and r["doc_id"] for r in rows)
    r = client.get("/api/metrics", params={"region": "泗阳县", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("metric,label,value") and len(lines) == len(rows) + 1


def test_metrics_filter_by_measure_scope_and_kind(client: TestClient) -> None:
    rows = client.get("/api/metrics").json()
    assert rows and all(r["kind"] in ("level", "change") and r["source"] in ("text", "table") for r in rows)
    assert all(r["measure"] for r in rows if not r["derived"])
    word = next(r["measure"] for r in rows if r["measure"] and len(r["measure"]) >= 4)[:4]
    found = client.get("/api/metrics", params={"measure": word}).json()
    assert found and all(word in (r["measure"] or "") + r["label"] for r in found)
    assert len(found) < len(rows)
    for kind in ("region", "government", "subunit"):
        scoped = client.get("/api/metrics", params={"scope_kind": kind}).json()
        assert all(r["scope_kind"] == kind for r in scoped)
    regional = client.get("/api/metrics", params={"scope_kind": "region"}).json()
    assert regional, "the corpus states figures for a whole county or district (全县, 全区)"
    changes = client.get("/api/metrics", params={"kind": "change"}).json()
    assert changes and all(r["kind"] == "change" for r in changes)
    assert client.get("/api/metrics", params={"scope_kind": "town"}).status_code == 422


def test_cors_only_for_configured_origins(corpus_service: Service) -> None:
    settings = corpus_service.settings.model_copy(update={"cors_origins": ["https://intranet.example"]})
    with TestClient(create_app(settings, corpus_service)) as c:
        ok = c.options("/api/ask", headers={"Origin": "https://intranet.example",
                                            "Access-Control-Request-Method": "POST"})
        assert ok.headers.get("access-control-allow-origin") == "https://intranet.example"
        other = c.options("/api/ask", headers={"Origin": "https://evil.example",
                                               "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in other.headers


def test_csv_export_does_not_carry_spreadsheet_formulas(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cells from report text and from metadata corrections starting with = + - @ were exported as they were."""
    service = service_from_texts(tmp_path_factory, {"siyang-2023.txt": (
        "泗阳县2023年法治政府建设年度报告\n一、主要举措\n=HYPERLINK(\"http://x\")办结行政复议案件174件。\n")})
    admin = {"Authorization": "Bearer test-token"}
    settings = service.settings.model_copy(update={"admin_token": "test-token"})
    with TestClient(create_app(settings, service)) as c:
        doc_id = c.get("/api/documents").json()[0]["doc_id"]
        assert c.patch(f"/api/documents/{doc_id}", json={"region": "@SUM(1+1)"}, headers=admin).status_code == 200
        text = c.get("/api/metrics", params={"format": "csv"}).text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and rows[0]["region"] == "'@SUM(1+1)"
    cells = [v for row in rows for v in row.values() if v]
    assert not [v for v in cells if v[0] in "=+-@\t\r" and not re.fullmatch(r"[+-]?\d+(\.\d+)?%?", v)]
    service.close()
