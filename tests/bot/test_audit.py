"""The audit trail through the ASGI app on a real store: named admin tokens, every admin action recorded with
who, what, target, request id and the before/after of corrections; refusals recorded with a token prefix only;
the list filtered and bounded; the CSV export read back with the csv module."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.audit import SETTINGS_ACTOR, UNIDENTIFIED
from rag.service import Service
from tests.bot.admin_data import HTML_SOURCE, html_report
from tests.conftest import build_service

SETTINGS = {"Authorization": "Bearer test-token"}  # build_service's GOVQA_ADMIN_TOKEN


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = build_service(tmp_path_factory.mktemp("audit") / "store", corpus=[])
    yield service
    service.close()


@pytest.fixture(scope="module")
def client(service: Service) -> Iterator[TestClient]:
    with TestClient(create_app(service.settings, service)) as c:
        yield c


@pytest.fixture(scope="module")
def zhang(client: TestClient) -> dict:
    """A named admin token, made with the settings token."""
    r = client.post("/api/admin/tokens", json={"name": "张三（法制科）"}, headers=SETTINGS)
    assert r.status_code == 201, r.text
    return r.json()


def trail(client: TestClient, **filters: object) -> list[dict]:
    r = client.get("/api/admin/audit", params=filters, headers=SETTINGS)
    assert r.status_code == 200, r.text
    return r.json()


def last(client: TestClient, action: str) -> dict:
    return trail(client, action=action, limit=1)[0]


def test_a_named_token_is_shown_once_and_kept_hashed(client: TestClient, service: Service, zhang: dict) -> None:
    assert zhang["token"].startswith("gqa_") and zhang["prefix"] == zhang["token"][:10]
    listed = client.get("/api/admin/tokens", headers=SETTINGS).json()
    assert [t["name"] for t in listed] == ["张三（法制科）"] and "token" not in listed[0]
    created = last(client, "admin_token.create")
    assert (created["actor"], created["actor_id"], created["target"]) == (SETTINGS_ACTOR, "settings", zhang["id"])
    assert created["detail"] == {"name": "张三（法制科）", "prefix": zhang["prefix"]}
    # Neither the trail nor any file of the store holds the secret.
    assert zhang["token"] not in client.get("/api/admin/audit.csv", headers=SETTINGS).text
    for path in Path(service.store.root).rglob("*"):
        if path.is_file():
            assert zhang["token"].encode() not in path.read_bytes(), path


def test_each_admin_action_is_recorded_with_its_actor(client: TestClient, zhang: dict, tmp_path: Path) -> None:
    me = bearer(zhang["token"])
    path = html_report(tmp_path)
    r = client.post("/api/documents", files={"file": (path.name, path.read_bytes())},
                    headers={**me, "X-Request-ID": "upload-req-1"})
    assert r.status_code == 200, r.text
    doc = r.json()
    upload = last(client, "document.upload")
    assert (upload["actor"], upload["actor_id"], upload["outcome"], upload["status"]) == (
        "张三（法制科）", zhang["id"], "ok", None)
    assert upload["target"] == doc["doc_id"] and upload["request_id"] == "upload-req-1"
    assert upload["detail"]["file"] == path.name and upload["detail"]["sha256"] == doc["sha256"]
    assert datetime.fromisoformat(upload["at"]).tzinfo == UTC

    # A correction: the fields sent, before and after; a null restores detection and shows what came back.
    r = client.patch(f"/api/documents/{doc['doc_id']}", json={"year": 2021, "title": "更正后的标题"}, headers=me)
    assert r.status_code == 200, r.text
    fix = last(client, "document.correct")
    assert fix["target"] == doc["doc_id"] and fix["actor"] == "张三（法制科）"
    assert fix["before"] == {"title": doc["title"], "year": 2023}
    assert fix["after"] == {"title": "更正后的标题", "year": 2021}
    client.patch(f"/api/documents/{doc['doc_id']}", json={"year": None}, headers=me)
    back = last(client, "document.correct")
    assert (back["before"], back["after"]) == ({"year": 2021}, {"year": 2023})

    key = client.post("/api/admin/keys", json={"name": "内网门户"}, headers=me).json()
    assert client.delete(f"/api/admin/keys/{key['id']}", headers=me).status_code == 204
    made, revoked = last(client, "api_key.create"), last(client, "api_key.revoke")
    assert made["target"] == revoked["target"] == key["id"] and revoked["detail"]["name"] == "内网门户"
    assert key["key"] not in str(made)

    assert client.get("/api/feedback/export", headers=me).status_code == 200
    assert last(client, "feedback.export")["actor"] == "张三（法制科）"

    assert client.delete(f"/api/documents/{doc['doc_id']}", headers=me).status_code == 204
    gone = last(client, "document.delete")
    assert gone["target"] == doc["doc_id"] and gone["before"]["region"] == HTML_SOURCE[3]
    assert gone["before"]["sha256"] == doc["sha256"]

    # A failed action is recorded as failed, with its status and reason.
    assert client.delete("/api/documents/no-such-doc", headers=me).status_code == 404
    failed = last(client, "document.delete")
    assert (failed["outcome"], failed["status"], failed["target"]) == ("failed", 404, "no-such-doc")
    r = client.post("/api/documents", files={"file": ("notes.exe", b"MZ")}, headers=me)
    assert r.status_code == 415
    assert last(client, "document.upload")["outcome"] == "failed"


def test_refused_actions_are_recorded_with_a_token_prefix_only(client: TestClient, service: Service) -> None:
    version = service.store.version()
    guess = "gqa_guessed-secret-0123456789"
    assert client.delete("/api/documents/anything", headers=bearer(guess)).status_code == 401
    refused = trail(client, outcome="refused", limit=1)[0]
    assert (refused["actor"], refused["actor_id"], refused["status"]) == (UNIDENTIFIED, None, 401)
    assert refused["action"] == "document.delete" and refused["target"] == "/api/documents/anything"
    assert refused["detail"] == {"reason": "unknown admin token", "token_prefix": guess[:10]}
    assert guess not in str(trail(client))

    assert client.patch("/api/documents/x", json={"year": 2020}).status_code == 401
    refused = trail(client, outcome="refused", limit=1)[0]
    assert refused["action"] == "document.correct" and refused["detail"]["token_prefix"] is None
    assert client.get("/api/admin/audit", headers=bearer("not-ours-at-all")).status_code == 401
    assert trail(client, outcome="refused", limit=1)[0]["detail"]["token_prefix"] == "not-"
    assert service.store.version() == version  # writing the trail does not touch the answer caches


def test_a_revoked_named_token_is_refused_and_recorded(client: TestClient) -> None:
    made = client.post("/api/admin/tokens", json={"name": "临时"}, headers=SETTINGS).json()
    assert client.get("/api/admin/keys", headers=bearer(made["token"])).status_code == 200
    assert client.delete(f"/api/admin/tokens/{made['id']}", headers=SETTINGS).status_code == 204
    assert last(client, "admin_token.revoke")["target"] == made["id"]
    r = client.post("/api/admin/keys", json={"name": "x"}, headers=bearer(made["token"]))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    refused = trail(client, outcome="refused", limit=1)[0]
    assert refused["action"] == "api_key.create" and made["id"] in refused["detail"]["reason"]
    assert client.delete("/api/admin/tokens/nope", headers=SETTINGS).status_code == 404


def test_filters_and_bounds(client: TestClient, zhang: dict) -> None:
    mine = trail(client, actor="张三（法制科）")
    assert mine and all(e["actor"] == "张三（法制科）" for e in mine)
    assert trail(client, actor=zhang["id"]) == mine  # by id as well as by name
    family = trail(client, action="document")
    assert {e["action"] for e in family} == {"document.upload", "document.correct", "document.delete"}
    ids = [e["id"] for e in trail(client)]
    assert ids == sorted(ids, reverse=True)  # newest first
    today = datetime.now(UTC).date()
    assert trail(client, since=today.isoformat(), until=today.isoformat())  # a date runs to the end of the day
    assert trail(client, since=(today + timedelta(days=1)).isoformat()) == []
    assert trail(client, until=f"{today.isoformat()}T00:00:00Z") == []
    assert len(trail(client, limit=2)) == 2
    assert client.get("/api/admin/audit", params={"limit": 5000}, headers=SETTINGS).status_code == 422
    bad = client.get("/api/admin/audit", params={"since": "yesterday"}, headers=SETTINGS)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "since"]


def test_csv_export_parses_and_keeps_formulas_as_text(client: TestClient) -> None:
    made = client.post("/api/admin/tokens", json={"name": "=HYPERLINK(\"http://x\")"}, headers=SETTINGS).json()
    client.post("/api/admin/keys", json={"name": "门户"}, headers=bearer(made["token"]))
    listed = trail(client, limit=1000)
    r = client.get("/api/admin/audit.csv", headers=SETTINGS)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text.removeprefix("\ufeff"))))
    assert [int(row["id"]) for row in rows] == [e["id"] for e in listed]
    assert rows[0]["actor"] == '\'=HYPERLINK("http://x")' and rows[0]["action"] == "api_key.create"
    fixes = [(json.loads(row["before"]), json.loads(row["after"])) for row in rows
             if row["action"] == "document.correct" and row["outcome"] == "ok"]
    assert ({"year": 2021}, {"year": 2023}) in fixes and any(after.get("year") == 2021 for _, after in fixes)
    # Filtered export, and the same export through ?format=csv (the contract's form).
    only = list(csv.DictReader(io.StringIO(
        client.get("/api/admin/audit.csv", params={"action": "api_key"}, headers=SETTINGS).text.lstrip("\ufeff"))))
    assert only and {row["action"] for row in only} == {"api_key.create", "api_key.revoke"}
    same = client.get("/api/admin/audit", params={"format": "csv", "action": "api_key"}, headers=SETTINGS)
    assert same.headers["content-type"].startswith("text/csv")
    assert last(client, "audit.export")["detail"]["filters"] == {"action": "api_key"}
    assert client.get("/api/admin/audit.csv").status_code == 401


def test_named_tokens_work_without_the_settings_token(service: Service, zhang: dict) -> None:
    """GOVQA_ADMIN_TOKEN may be retired once named tokens exist; with neither, admin routes stay disabled."""
    settings = service.settings.model_copy(update={"admin_token": None})
    with TestClient(create_app(settings, service)) as c:
        assert c.get("/api/admin/status").json()["enabled"] is True
        assert c.get("/api/admin/audit", headers=SETTINGS).status_code == 401
        assert c.get("/api/admin/audit", headers=bearer(zhang["token"])).status_code == 200
        for token in c.get("/api/admin/tokens", headers=bearer(zhang["token"])).json():
            if not token["revoked_at"] and token["id"] != zhang["id"]:
                c.delete(f"/api/admin/tokens/{token['id']}", headers=bearer(zhang["token"]))
        assert c.delete(f"/api/admin/tokens/{zhang['id']}", headers=bearer(zhang["token"])).status_code == 204
        assert c.get("/api/admin/status").json()["enabled"] is False
        r = c.get("/api/admin/audit", headers=bearer(zhang["token"]))
        assert r.status_code == 403 and "GOVQA_ADMIN_TOKEN" in r.json()["detail"]
    assert service.store.audit.entries(outcome="refused", limit=1)[0].detail["reason"] == "admin routes disabled"


def test_backup_and_restore_are_recorded_and_the_restored_store_keeps_the_trail(client: TestClient) -> None:
    from rag.store.database import Store

    zhang = client.post("/api/admin/tokens", json={"name": "李四（信息科）"}, headers=SETTINGS).json()
    made = client.post("/api/admin/backups", headers=bearer(zhang["token"]))
    assert made.status_code == 201, made.text
    name = made.json()["name"]
    backup = last(client, "backup")
    assert (backup["actor"], backup["target"], backup["outcome"]) == (zhang["name"], name, "ok")

    refused = client.post(f"/api/admin/backups/{name}/restore", headers=bearer("gqa_not-a-token"))
    assert refused.status_code == 401
    assert last(client, "restore")["outcome"] == "refused"

    restored = client.post(f"/api/admin/backups/{name}/restore", headers=bearer(zhang["token"]))
    assert restored.status_code == 200, restored.text
    entry = last(client, "restore")
    assert (entry["actor"], entry["target"], entry["outcome"]) == (zhang["name"], name, "ok")
    assert entry["detail"]["store"] == restored.json()["store"]

    # The restored catalogue is the backup's, taken before the restore; the trail since is carried over.
    store = Store(Path(restored.json()["store"]))
    try:
        actions = [(e.action, e.outcome) for e in store.audit.entries(limit=None)]
    finally:
        store.close()
    assert ("restore", "ok") in actions and ("restore", "refused") in actions and ("backup", "ok") in actions

    again = client.post(f"/api/admin/backups/{name}/restore", headers=bearer(zhang["token"]))
    assert again.status_code == 409
    assert (last(client, "restore")["outcome"], last(client, "restore")["status"]) == ("failed", 409)
