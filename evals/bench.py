"""`make bench`: latency of the running service as users meet it (a real `govqa serve` on loopback).

Measures start-up time, `/api/ask` latency and `/api/chat` time to first token over the gold
questions, in the default offline mode on the bundled reports. Results go to
evals/reports/bench.json and bench.md. (The scale suite with a LangChain baseline is issue 7.)
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GOVQA = Path(sys.executable).parent / "govqa"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _questions() -> list[str]:
    items = []
    for path in sorted((ROOT / "evals" / "gold").glob("*.jsonl")):
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i["question"] for i in items if not i.get("history")]


def run(rounds: int = 3) -> dict[str, object]:
    store = Path(tempfile.mkdtemp(prefix="govqa-bench-"))
    env = {**os.environ, "GOVQA_STORE": str(store), "GOVQA_RATE_LIMIT_PER_MINUTE": "0"}
    try:
        t0 = time.perf_counter()
        subprocess.run([str(GOVQA), "ingest", str(ROOT / "evals" / "corpus")], env=env, check=True,
                       capture_output=True)
        ingest_s = time.perf_counter() - t0
        port = _free_port()
        t0 = time.perf_counter()
        server = subprocess.Popen([str(GOVQA), "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(timeout=60) as client:
                while True:
                    try:
                        if client.get(f"{base}/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.05)
                    if time.perf_counter() - t0 > 120:
                        raise RuntimeError("govqa serve did not start within 120 s")
                startup_s = time.perf_counter() - t0
                questions = _questions()
                client.post(f"{base}/api/ask", json={"question": questions[0]})  # warm-up: lazy models load
                ask_ms, first_token_ms = [], []
                for _ in range(rounds):
                    for question in questions:
                        t = time.perf_counter()
                        client.post(f"{base}/api/ask", json={"question": question}).raise_for_status()
                        ask_ms.append((time.perf_counter() - t) * 1000)
                        t = time.perf_counter()
                        with client.stream("POST", f"{base}/api/chat", json={"question": question}) as r:
                            for line in r.iter_lines():
                                if line.startswith("event: token"):
                                    first_token_ms.append((time.perf_counter() - t) * 1000)
                                    break
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    return {
        "corpus_reports": len(list((ROOT / "evals" / "corpus").glob("*"))),
        "requests_per_kind": len(ask_ms),
        "ingest_s": round(ingest_s, 2),
        "serve_startup_s": round(startup_s, 2),
        "ask_ms": {"p50": round(statistics.median(ask_ms), 1), "p95": round(_percentile(ask_ms, 0.95), 1),
                   "p99": round(_percentile(ask_ms, 0.99), 1)},
        "chat_first_token_ms": {"p50": round(statistics.median(first_token_ms), 1),
                                "p95": round(_percentile(first_token_ms, 0.95), 1)},
    }


def to_markdown(result: dict[str, object]) -> str:
    ask, first = result["ask_ms"], result["chat_first_token_ms"]
    return "\n".join([
        "| measure | value |", "|---|---|",
        f"| ingest of the bundled reports (CLI, incl. embedding) | {result['ingest_s']} s |",
        f"| `govqa serve` start-up to healthy | {result['serve_startup_s']} s |",
        f"| `/api/ask` p50 / p95 / p99 | {ask['p50']} / {ask['p95']} / {ask['p99']} ms |",  # type: ignore[index]
        f"| `/api/chat` first token p50 / p95 | {first['p50']} / {first['p95']} ms |",  # type: ignore[index]
        f"| requests per measure | {result['requests_per_kind']} |",
    ])


def main() -> int:
    result = run()
    out = ROOT / "evals" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    table = to_markdown(result)
    (out / "bench.md").write_text("# govqa bench\n\n" + table + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
