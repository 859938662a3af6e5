"""The bad-input matrix: each hostile or broken upload gets a clear 4xx (or CLI error) naming the file
and the reason, and leaves every other document in the store exactly as it was.

Loader-level reasons are tested in test_loaders.py; this file drives the same files through the
doors staff use (HTTP upload, `govqa ingest`) and checks that nothing else is touched.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.uploads import MAX_NAME_BYTES, safe_filename
from rag.service import Service
from tests.conftest import all_chunks, build_service
from tests.corpus import REPORTS
from tests.ingest.test_loaders import _encrypted_pdf, _scanned_pdf, _zip_bomb

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Bearer test-token"}
BASELINE = REPORTS[0]
REPORT = REPORTS[1].read_text(encoding="utf-8")
SCRIPT_PHRASE = "脚本口令青鸟九号"  # text that lives only inside <script>/<style>/<noscript>


def _snapshot(service: Service) -> dict[str, tuple]:
    """Everything that identifies a document's stored state."""
    docs = {d.doc_id: (d.sha256, d.chunks, d.metrics, d.source) for d in service.store.list_documents()}
    chunks = sorted((c.doc_id, c.chunk_id, c.text) for c in all_chunks(service.store))
    return {"docs": docs, "chunks": chunks, "metrics": len(service.store.metric_rows())}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    service = build_service(tmp_path / "store", [BASELINE])
    yield service
    service.close()


@pytest.fixture
def client(service: Service) -> Iterator[TestClient]:
    settings = service.settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(settings, service)) as c:
        yield c


def _scripts_page(tmp: Path) -> bytes:
    hostile = f"<script>document.write('{SCRIPT_PHRASE}');alert(1)</script>"
    body = "".join(f"<p>{html.escape(line)}</p>{hostile}" for line in REPORT.splitlines() if line.strip())
    return (f"<html><head><style>p:after{{content:'{SCRIPT_PHRASE}'}}</style>{hostile}</head><body>"
            f"<noscript>{SCRIPT_PHRASE}</noscript><div class='article'>{body}</div>"
            f"<img src=x onerror=\"alert('{SCRIPT_PHRASE}')\"></body></html>").encode()


def _gbk_labelled_utf8(tmp: Path) -> bytes:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in REPORT.splitlines() if line.strip())
    return f'<html><head><meta charset="utf-8"></head><body><div>{body}</div></body></html>'.encode("gbk")


Content = Callable[[Path], bytes]
REFUSED: list[tuple[str, Content, int, str]] = [
    ("empty.txt", lambda tmp: b"", 400, "empty file"),
    ("blank.html", lambda tmp: b" \n\t ", 400, "empty file"),
    ("random.pdf", lambda tmp: os.urandom(4096).replace(b"%PDF-", b"xxxxx"), 400, "not a PDF"),
    ("locked.pdf", _encrypted_pdf, 400, "encrypted PDF"),
    # A PDF with neither text nor page images: nothing for OCR to read either. (An image-only scan is
    # OCR'd; with OCR off it is refused as "OCR is not available": tests/ingest/test_ocr.py.)
    ("scanned.pdf", _scanned_pdf, 400, "no text layer"),
    ("old.docx", lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old binary .doc", 400, "not a zip archive"),
    ("bomb.docx", _zip_bomb, 400, "zip bomb"),
    ("binary.txt", lambda tmp: bytes(range(256)) * 8, 400, "cannot decode text"),
    ("notes.xyz", lambda tmp: REPORT.encode(), 415, "unsupported file type"),
    ("report.doc", lambda tmp: REPORT.encode(), 415, "unsupported file type"),
    ("big.txt", lambda tmp: ("报告。" * 200_000).encode(), 413, "larger than 1 MB"),
]


@pytest.mark.parametrize(("name", "content", "status", "reason"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_upload_names_file_and_reason_and_changes_nothing(
    service: Service, client: TestClient, tmp_path: Path, name: str, content: Content, status: int, reason: str
) -> None:
    before = _snapshot(service)
    r = client.post("/api/documents", files={"file": (name, content(tmp_path))}, headers=AUTH)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail.startswith(f"{name}: ") and reason in detail
    assert _snapshot(service) == before


def test_html_full_of_scripts_keeps_the_report_and_drops_the_scripts(service: Service, client: TestClient,
                                                                      tmp_path: Path) -> None:
    before = _snapshot(service)
    r = client.post("/api/documents", files={"file": ("scripted.html", _scripts_page(tmp_path))}, headers=AUTH)
    assert r.status_code == 200, r.text
    doc_id = r.json()["doc_id"]
    texts = [c.text for c in all_chunks(service.store) if c.doc_id == doc_id]
    assert texts and not any(SCRIPT_PHRASE in t or "alert" in t or "<" in t for t in texts)
    assert SCRIPT_PHRASE not in service.store.get_document_row(doc_id)["text"]
    reply = client.post("/api/ask", json={"question": f"{SCRIPT_PHRASE}是什么？"}).json()
    assert all(SCRIPT_PHRASE not in c["text"] for c in reply["citations"])
    after = _snapshot(service)
    assert {k: v for k, v in after["docs"].items() if k != doc_id} == before["docs"]


def test_gbk_page_labelled_utf8_is_decoded_correctly(service: Service, client: TestClient, tmp_path: Path) -> None:
    r = client.post("/api/documents", files={"file": ("mislabelled.html", _gbk_labelled_utf8(tmp_path))},
                    headers=AUTH)
    assert r.status_code == 200, r.text
    text = service.store.get_document_row(r.json()["doc_id"])["text"]
    lines = [line.strip() for line in REPORT.splitlines() if len(line.strip()) > 30]
    assert lines and sum(line in text for line in lines) >= len(lines) * 0.9
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../evil.txt", "evil.txt"),
        ("..\\..\\windows\\evil.txt", "evil.txt"),
        ("/etc/passwd.txt", "passwd.txt"),
        ("re\x00port.txt", "report.txt"),
        ("..", "upload"),
        ("长" * 120 + ".txt", "长" * ((MAX_NAME_BYTES - 4) // 3) + ".txt"),
    ],
)
def test_safe_filename(given: str, kept: str) -> None:
    assert safe_filename(given) == kept
    assert len(safe_filename(given).encode()) <= MAX_NAME_BYTES


def _raw_upload(client: TestClient, name: str, data: bytes):
    """A multipart body written by hand: httpx would percent-encode a NUL in the file name."""
    boundary = "govqa-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/api/documents", content=body,
                       headers={**AUTH, "Content-Type": f"multipart/form-data; boundary={boundary}"})


@pytest.mark.parametrize("name", ["../../escaped-upload.txt", "nul\x00byte.txt", "长" * 120 + ".txt", "../"])
def test_hostile_upload_names_stay_inside_the_temp_dir(service: Service, client: TestClient, name: str) -> None:
    outside = Path(tempfile.gettempdir()).parent / "escaped-upload.txt"
    r = _raw_upload(client, name, REPORT.encode())
    safe = safe_filename(name)
    if Path(safe).suffix:
        assert r.status_code == 200, r.text
        source = r.json()["source"]
        assert source == safe and "/" not in source and "\x00" not in source
        assert len(source.encode()) <= MAX_NAME_BYTES
    else:  # nothing usable left of the name: no suffix, so a clear 415
        assert r.status_code == 415 and r.json()["detail"].startswith("upload: ")
    assert not outside.exists() and not (ROOT / "escaped-upload.txt").exists()


def test_same_file_uploaded_twice_at_once_is_stored_once(service: Service, client: TestClient) -> None:
    start = threading.Barrier(2)
    replies: list = [None, None]

    def upload(i: int) -> None:
        start.wait()
        replies[i] = client.post("/api/documents", files={"file": ("twice.txt", REPORT.encode())}, headers=AUTH)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in replies] == [200, 200], [r.text for r in replies]
    assert replies[0].json()["doc_id"] == replies[1].json()["doc_id"] == "twice"
    docs = [d for d in service.store.list_documents() if d.sha256 == replies[0].json()["sha256"]]
    assert len(docs) == 1
    ords = [c.ord for c in all_chunks(service.store) if c.doc_id == "twice"]
    assert ords == sorted(set(ords)) and len(ords) == docs[0].chunks


def test_cli_names_every_bad_file_and_ingests_the_good_one(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = {name: content(tmp_path) for name, content, _, _ in REFUSED if name not in ("big.txt", "bomb.docx")}
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    (folder / "good.txt").write_text(REPORT, encoding="utf-8")
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_EMBEDDING_MODEL": "none"}
    files = sorted(str(p) for p in folder.iterdir())
    run = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", *files, "--store", str(store)],
                         env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    for name, _, _, reason in REFUSED:
        if name in bad:
            line = next((ln for ln in run.stderr.splitlines() if ln.startswith(f"FAILED {folder / name}: ")), "")
            assert line, (name, run.stderr)
            assert reason in line or (reason == "unsupported file type" and "unsupported file type" in line)
    assert f"{len(bad)} of {len(bad) + 1} files failed" in run.stderr
    assert "good.txt → good" in run.stdout
