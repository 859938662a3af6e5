"""`make soak`: the outside probe's heavy cases against a real `govqa serve`, in bounded time.

Four phases, each with its own time limit, on stores in a temporary folder (nothing tracked is written):

1. **load**: `/api/ask` latency of one client idle, then while four `/v1` conversations of 200,000
   characters each and the upload of a 700 KB docx holding 190 MB of XML run beside it (the issue's
   target: p95 under 2x idle). The `/v1` requests are sent whatever the server's length limit is, and
   their status and time are reported.
2. **big table**: a page with a 200,000-cell table uploaded, then rankings (most, least) asked.
3. **full disk**: the store on a 30 MB tmpfs (root only; skipped otherwise) filled up: every upload and
   question must be a clear 507/503, never a 500 or an empty 200; nothing lost; writes work again
   once space is freed.

Prints its figures and writes them as JSON (`--out`).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import httpx

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "evals" / "corpus"
TOKEN = "soak-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
QUESTIONS = ["泗阳县办结了多少件行政复议案件？", "石景山区2023年行政复议纠错率是多少？",
             "哪个地区的行政复议纠错率最高？", "铁东区行政应诉案件有多少件？",
             "卫滨区2023年法治政府建设的主要举措有哪些？"]


# --- inputs -------------------------------------------------------------------------------------


def heavy_docx(path: Path, xml_mb: int = 190) -> Path:
    """A small docx whose document.xml repeats one paragraph to `xml_mb` MB (under the zip-bomb gate)."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    paragraph = ('<w:p><w:pPr><w:pStyle w:val="S7"/></w:pPr><w:r><w:t>全年办结行政复议案件174件，纠错率2.3%。'
                 '</w:t></w:r></w:p>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>")
                data = head + b"<w:body>" + paragraph * (xml_mb * 2**20 // len(paragraph)) + tail
            out.writestr(item, data)
    return path


def big_table_page(path: Path, rows: int = 20_000, columns: int = 10) -> Path:
    """A county's report page with a table of rows x columns figures (200,000 cells by default)."""
    rng = random.Random(27)
    headers = ["新收行政复议申请（件）", "办结行政复议案件（件）", "行政复议纠错率（%）", "行政应诉案件（件）",
               "败诉率（%）", "政府信息公开申请（件）", "行政执法案件（件）", "法律顾问（人）",
               "培训（人次）", "调解（件）"][:columns]
    body = "".join(f"<tr><td>第{r}单位</td>" + "".join(f"<td>{rng.randint(1, 99_999)}</td>" for _ in headers)
                   + "</tr>" for r in range(rows))
    head = "".join(f"<th>{h}</th>" for h in headers)
    path.write_text("<html><head><meta charset='utf-8'><title>邓州市2023年法治政府建设年度报告</title></head><body>"
                    "<h1>邓州市2023年法治政府建设年度报告</h1><p>2023年，邓州市办结行政复议案件36件，行政复议纠错率8.3%。</p>"
                    f"<table><tr><th>单位</th>{head}</tr>{body}</table></body></html>", encoding="utf-8")
    return path


def long_conversation(chars: int = 200_000, turns: int = 4) -> list[dict[str, str]]:
    """A /v1 conversation whose earlier user messages hold `chars` characters of report text."""
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt")))
    piece = (text * (chars // len(text) + 1))[: chars // turns]
    messages = []
    for _ in range(turns):
        messages += [{"role": "user", "content": piece}, {"role": "assistant", "content": "好的。"}]
    return [*messages, {"role": "user", "content": "泗阳县办结了多少件行政复议案件？"}]


# --- the server ---------------------------------------------------------------------------------


class Server:
    """`govqa serve` on a store, in its own process group, stopped with SIGTERM."""

    def __init__(self, store: Path, log: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_EMBEDDING_MODEL": "none", "GOVQA_ADMIN_TOKEN": TOKEN,
               "GOVQA_RATE_LIMIT_PER_MINUTE": "0", "GOVQA_RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0",
               "GOVQA_OCR_ENABLED": "false"}
        self._log = log.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--store", str(store),
                                         "--port", str(self.port)], env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"server did not become ready; see {log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def _ingest(store: Path, paths: list[Path]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOVQA_EMBEDDING_MODEL": "none"}
    subprocess.run([sys.executable, "-m", "bot.cli", "ingest", *map(str, paths), "--store", str(store)],
                   env=env, check=True, capture_output=True, timeout=600)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else float("nan"))


def _ask_loop(url: str, stop: threading.Event, latencies: list[float], statuses: list[int], limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    with httpx.Client(timeout=120) as client:
        n, session = 0, None
        while not stop.is_set() and time.monotonic() < deadline:
            t0 = time.perf_counter()
            # One conversation, as a widget keeps its session: the server mints the id on the first answer.
            body = {"question": QUESTIONS[n % len(QUESTIONS)], **({"session_id": session} if session else {})}
            response = client.post(f"{url}/api/ask", json=body)
            latencies.append(time.perf_counter() - t0)
            statuses.append(response.status_code)
            if response.status_code == 200:
                session = response.json().get("session_id") or session
            n += 1


# --- phases -------------------------------------------------------------------------------------


def phase_load(work: Path, limit_s: float) -> dict[str, Any]:
    store = work / "load-store"
    _ingest(store, sorted(CORPUS.glob("*.txt")))
    server = Server(store, work / "load-server.log")
    try:
        idle: list[float] = []
        statuses: list[int] = []
        once = threading.Event()
        _ask_loop(server.url, once, idle, statuses, limit_s=15)  # the warm idle client, 15 s
        heavy = heavy_docx(work / "heavy.docx")
        results: dict[str, Any] = {}

        def v1(n: int) -> None:
            t0 = time.perf_counter()
            try:
                r = httpx.post(f"{server.url}/v1/chat/completions", timeout=limit_s,
                               json={"model": "govqa", "messages": long_conversation()})
                results[f"v1_{n}"] = {"status": r.status_code, "seconds": round(time.perf_counter() - t0, 2)}
            except httpx.HTTPError as exc:
                results[f"v1_{n}"] = {"status": type(exc).__name__, "seconds": round(time.perf_counter() - t0, 2)}

        def upload() -> None:
            t0 = time.perf_counter()
            try:
                r = httpx.post(f"{server.url}/api/documents", headers=ADMIN, timeout=limit_s,
                               files={"file": ("heavy.docx", heavy.read_bytes())})
                results["docx"] = {"status": r.status_code, "seconds": round(time.perf_counter() - t0, 2),
                                   "detail": r.json().get("detail", "")[:160] if r.status_code != 200 else ""}
            except httpx.HTTPError as exc:
                results["docx"] = {"status": type(exc).__name__, "seconds": round(time.perf_counter() - t0, 2)}

        loaders = [threading.Thread(target=v1, args=(n,)) for n in range(4)] + [threading.Thread(target=upload)]
        busy: list[float] = []
        busy_statuses: list[int] = []
        done = threading.Event()
        measurer = threading.Thread(target=_ask_loop, args=(server.url, done, busy, busy_statuses, limit_s))
        for thread in [*loaders, measurer]:
            thread.start()
        for thread in loaders:
            thread.join(limit_s + 10)
        done.set()
        measurer.join()
        idle_p95, busy_p95 = _p95(idle), _p95(busy)
        return {"idle_requests": len(idle), "idle_p95_ms": round(idle_p95 * 1000, 1),
                "busy_requests": len(busy), "busy_p95_ms": round(busy_p95 * 1000, 1),
                "busy_over_idle": round(busy_p95 / idle_p95, 2), "busy_errors": sum(s != 200 for s in busy_statuses),
                **results}
    finally:
        server.stop()


def phase_big_table(work: Path, limit_s: float) -> dict[str, Any]:
    store = work / "table-store"
    _ingest(store, sorted(CORPUS.glob("*.txt")))
    page = big_table_page(work / "dengzhou-2023.html")
    server = Server(store, work / "table-server.log")
    try:
        t0 = time.perf_counter()
        r = httpx.post(f"{server.url}/api/documents", headers=ADMIN, timeout=limit_s,
                       files={"file": (page.name, page.read_bytes())})
        figures: dict[str, Any] = {"page_mb": round(page.stat().st_size / 2**20, 1), "upload_status": r.status_code,
                                   "upload_s": round(time.perf_counter() - t0, 2)}
        for name, question in (("most", "哪个地区办结行政复议案件最多？"), ("least", "哪个地区办结行政复议案件最少？"),
                               ("rate", "哪个地区的行政复议纠错率最高？")):
            t0 = time.perf_counter()
            answer = httpx.post(f"{server.url}/api/ask", json={"question": question}, timeout=limit_s)
            figures[f"{name}_s"] = round(time.perf_counter() - t0, 2)
            figures[f"{name}_answer"] = answer.json().get("answer", answer.text)[:80]
        return figures
    finally:
        server.stop()


def phase_full_disk(work: Path, limit_s: float, disk_mb: int = 30) -> dict[str, Any]:
    disk = work / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={disk_mb}m", "tmpfs", str(disk)],
                             capture_output=True).returncode == 0
    if not mounted:
        return {"skipped": "mounting a tmpfs needs root"}
    server = None
    try:
        store = disk / "store"
        _ingest(store, sorted(CORPUS.glob("*.txt")))
        server = Server(store, work / "disk-server.log")
        filler = disk / "filler"
        with filler.open("wb") as out:  # the disk fills up with something else
            try:
                while True:
                    out.write(b"\0" * 2**20)
                    out.flush()
            except OSError:
                pass
        before = httpx.get(f"{server.url}/api/documents", timeout=30).json()
        statuses: dict[str, list[Any]] = {"upload": [], "ask": [], "chat": []}
        report = (CORPUS / "siyang-2023.txt").read_text(encoding="utf-8")
        deadline = time.monotonic() + limit_s
        for n in range(10):
            if time.monotonic() > deadline:
                break
            text = f"{report}\n第{n}次上传。" * 20
            r = httpx.post(f"{server.url}/api/documents", headers=ADMIN, timeout=60,
                           files={"file": (f"copy{n}.txt", text.encode())})
            statuses["upload"].append(r.status_code)
            q = {"question": QUESTIONS[n % len(QUESTIONS)], "session_id": f"soak-full-{n}"}
            statuses["ask"].append(httpx.post(f"{server.url}/api/ask", json=q, timeout=60).status_code)
            chat = httpx.post(f"{server.url}/api/chat", json=q, timeout=60)
            statuses["chat"].append(chat.status_code if chat.status_code != 200 or chat.text.strip() else "empty 200")
        after = httpx.get(f"{server.url}/api/documents", timeout=30).json()
        detail = ""
        if 507 in statuses["upload"]:
            detail = "507: disk full"
        filler.unlink()
        recovered = httpx.post(f"{server.url}/api/documents", headers=ADMIN, timeout=60,
                               files={"file": ("after.txt", f"{report}\n空间释放后上传。".encode())}).status_code
        asked = httpx.post(f"{server.url}/api/ask", json={"question": QUESTIONS[0], "session_id": "soak-after"},
                           timeout=60).status_code
        added = sum(1 for s in statuses["upload"] if s == 200)
        return {"disk_mb": disk_mb, **{k: v for k, v in statuses.items()}, "detail": detail,
                "documents_before": len(before), "documents_after": len(after),
                "nothing_lost": len(after) == len(before) + added and all(d in after for d in before),
                "upload_after_freeing": recovered, "ask_after_freeing": asked,
                "any_500_or_empty": any(s in (500, "empty 200") for v in statuses.values() for s in v)}
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["umount", str(disk)], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "govqa-soak.json")
    parser.add_argument("--phase-seconds", type=float, default=150, help="time limit of each phase's requests")
    parser.add_argument("--phases", default="load,table,disk")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="govqa-soak-"))
    figures: dict[str, Any] = {}
    runs = {"load": phase_load, "table": phase_big_table, "disk": phase_full_disk}
    try:
        for name in args.phases.split(","):
            t0 = time.perf_counter()
            try:
                figures[name] = runs[name](work, args.phase_seconds)
            except Exception as exc:  # a phase that breaks is a figure too
                figures[name] = {"error": f"{type(exc).__name__}: {exc}"}
            figures[name]["phase_s"] = round(time.perf_counter() - t0, 1)
            print(f"== {name}")
            for key, value in figures[name].items():
                print(f"  {key}: {value}")
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"figures written to {args.out}")
    load = figures.get("load", {})
    return 0 if load.get("busy_over_idle", 99) < 2 and not figures.get("disk", {}).get("any_500_or_empty") else 1


if __name__ == "__main__":
    raise SystemExit(main())
