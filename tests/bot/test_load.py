"""Load: 50 concurrent /api/ask clients for 30 s against a real `govqa serve` while an upload ingests.

No errors, no torn reads (every citation names a document the server lists, with its chunks), and
p50/p95 written to evals/reports/load.json. Marked `load`: excluded from the default run, run by
`make bench`. Latency is recorded, never asserted (the machine is shared).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import build_service
from tests.corpus import REPORTS
from tests.servers import govqa_serve

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[2]
CLIENTS, SECONDS = 50, 30.0
QUESTIONS = ["泗阳县2023年1-11月办结了多少件行政复议案件？", "哪个地区办结的行政复议案件最多？",
             "石景山区2023年法治政府建设有哪些举措？", "今天天气怎么样？"]


async def _client(url: str, n: int, stop: float, latencies: list[float], errors: list[str], seen: list[dict]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        i = n
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                r = await http.post("/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
                continue
            latencies.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                errors.append(f"{r.status_code} {r.text[:200]}")
            else:
                seen.append(r.json())
            i += 1


async def _upload_then_watch(url: str, path: Path, stop: float, listings: list[list[dict]]) -> int:
    async with httpx.AsyncClient(base_url=url, timeout=600) as http:
        await asyncio.sleep(2)
        upload = asyncio.create_task(http.post("/api/documents", files={"file": (path.name, path.read_bytes())},
                                               headers={"Authorization": "Bearer load-token"}))
        while time.monotonic() < stop:
            listings.append((await http.get("/api/documents")).json())
            await asyncio.sleep(0.5)
        return (await upload).status_code


def test_fifty_clients_for_thirty_seconds_while_an_upload_ingests(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_service(store, REPORTS[1:]).close()
    env = {"GOVQA_ADMIN_TOKEN": "load-token", "GOVQA_RATE_LIMIT_PER_MINUTE": "0"}
    with govqa_serve(store, env) as url:
        latencies: list[float] = []
        errors: list[str] = []
        seen: list[dict] = []
        listings: list[list[dict]] = []

        async def run() -> int:
            stop = time.monotonic() + SECONDS
            watcher = asyncio.create_task(_upload_then_watch(url, REPORTS[0], stop, listings))
            await asyncio.gather(*(_client(url, n, stop, latencies, errors, seen) for n in range(CLIENTS)))
            return await watcher

        upload_status = asyncio.run(run())
        final = httpx.get(f"{url}/api/documents").json()
    assert errors == []
    assert upload_status == 200 and REPORTS[0].stem in {d["doc_id"] for d in final}
    known = {d["doc_id"] for d in final}
    # No torn reads: every listed document is complete, every cited document exists.
    for listing in listings:
        assert all(d["chunks"] > 0 for d in listing)
        assert {d["doc_id"] for d in listing} in ({d for d in known if d != REPORTS[0].stem}, known)
    assert all(c["doc_id"] in known for body in seen for c in body["citations"])
    latencies.sort()
    figures = {"clients": CLIENTS, "seconds": SECONDS, "requests": len(latencies),
               "p50_ms": round(statistics.median(latencies), 1),
               "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
               "note": "loopback, embedding none, one upload ingesting; shared machine"}
    out = ROOT / "evals" / "reports" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures))
    assert len(latencies) >= CLIENTS
