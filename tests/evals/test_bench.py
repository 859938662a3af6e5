"""The bench's helpers at tiny sizes: stage timing, the stand-in vectors, and the target verdicts."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from evals.bench import evaluate_targets, to_markdown
from evals.bench_ingest import run as run_ingest
from evals.scale_corpus import base_reports, generate
from rag.stages import measure_stages, stage
from rag.store.database import Store
from tests.conftest import all_chunks


def test_stages_are_exclusive_and_free_outside_a_measurement() -> None:
    with stage("ignored"):
        pass  # no recorder: nothing to record, nothing raised
    with measure_stages() as seconds, stage("load"):
        time.sleep(0.01)
        with stage("clean"):
            time.sleep(0.1)
    assert set(seconds) == {"load", "clean"}
    assert seconds["clean"] >= 0.1
    assert 0.01 <= seconds["load"] < 0.1  # the nested clean is not counted in load too


def test_scale_ingest_gives_every_chunk_its_base_vector(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate(corpus, 60, seed=5)
    bases = base_reports()
    rng = np.random.default_rng(0)
    keys = [f"{b.doc_id}\t{i}" for b in sorted(bases, key=lambda b: b.doc_id) for i in range(b.chunks)]
    vectors = rng.normal(size=(len(keys), 384)).astype(np.float32)
    np.savez(tmp_path / "vectors.npz", keys=np.array(keys), vectors=vectors)

    result = run_ingest(tmp_path / "store", corpus, embed=False, vectors_from=tmp_path / "vectors.npz")

    assert result["failed"] == 0 and result["chunks"] >= 60
    assert result["vectors"] == result["chunks"]
    assert {"load", "clean", "section", "tokenise", "write", "vectors"} <= set(result["stages_s"])
    assert result["peak_rss_mb"] > 0
    store = Store(tmp_path / "store")
    try:
        assert store.unembedded_chunks() == []
        first = next(c for c in all_chunks(store) if c.ord == 0)
        hits = store.vectors_query(vectors[keys.index(f"{_base_of(corpus, first.doc_id)}\t0")], k=50)
        assert first.chunk_id in {chunk_id for chunk_id, score in hits if score > 0.999}
    finally:
        store.close()


def _base_of(corpus: Path, doc_id: str) -> str:
    from evals.scale_corpus import read_manifest

    return read_manifest(corpus)[doc_id]


def _result(ask_p95: float, chunks_per_s: float, hit_gain: float | None) -> dict:
    query = {"serve_startup_s": 1.0, "first_ask_ms": 10.0, "requests": 3,
             "ask_ms": {"p50": 10.0, "p95": ask_p95, "p99": ask_p95}, "first_token_ms": {"p50": 5, "p95": 6, "p99": 7},
             "stages_p50_ms": {"total": 9.0}, "server_rss_mb": 100.0, "server_peak_rss_mb": 120.0}
    ingest = {"reports": 1, "chunks": 20, "reports_per_min": 60.0, "chunks_per_s": chunks_per_s,
              "embed_chunks_per_s": 11.0, "stages_s": {"load": 0.1}, "peak_rss_mb": 200.0}
    baseline = {} if hit_gain is None else {"latency_ratio": 12.0, "hit_gain_points": hit_gain}
    return {"machine": {"cores": 2, "python": "3.11"}, "started": "now", "questions": 3, "rounds": 1,
            "runs": [{"corpus": "five reports", "target_chunks": None, "ingest": ingest, "query": query},
                     {"corpus": "synthetic 100,000", "target_chunks": 100_000, "ingest": ingest, "query": query}],
            "baseline": baseline}


def test_targets_say_met_or_by_how_much_they_were_missed() -> None:
    result = _result(ask_p95=80.0, chunks_per_s=450.0, hit_gain=10.0)
    result["runs"][0]["query"] = {**result["runs"][0]["query"], "ask_ms": {"p50": 10.0, "p95": 40.0, "p99": 50.0}}
    result["runs"][1]["query"] = {**result["runs"][1]["query"], "ready_s": 6.5, "first_ask_ms": 30.0,
                                  "stages_p95_ms": {"metrics": 2.0}}
    verdicts = {t["target"]: t for t in evaluate_targets(result)}
    assert verdicts["ask_p95_ms"]["verdict"].startswith("missed by 30.0 ms")
    assert verdicts["ask_p95_ratio"]["value"] == 2.0
    assert verdicts["ask_p95_ratio"]["verdict"].startswith("missed by 0.5")
    assert verdicts["ready_s"]["verdict"].startswith("missed by 1.5 s")
    assert verdicts["first_ask_ratio"]["value"] == 3.0 and verdicts["metrics_stage_p95_ms"]["verdict"] == "met"
    assert verdicts["ask_p95_1m_ms"]["verdict"] == "not measured"
    assert verdicts["ingest_chunks_per_s"]["verdict"] == "met"
    assert verdicts["ingest_embed_chunks_per_s"]["verdict"].startswith("missed by 289.0 chunks/s")
    assert verdicts["latency_ratio"]["verdict"] == "met"
    assert verdicts["hit_gain_points"]["verdict"].startswith("missed by 5.0 points")
    assert verdicts["rss_1m_mb"]["verdict"] == "not measured"
    result = _result(ask_p95=40.0, chunks_per_s=100.0, hit_gain=None)
    result["targets"] = evaluate_targets(result)
    assert {t["target"]: t["verdict"] for t in result["targets"]}["ask_p95_ms"] == "met"
    table = to_markdown(result)
    assert "| synthetic 100,000 |" in table and "missed by 200.0 chunks/s" in table


def test_baseline_scores_evidence_like_the_harness_and_reports_ratios() -> None:
    from evals.baseline import compare, hit

    item = {"evidence": [{"doc": "d", "quote": "直接纠错4件, 纠错率2.3%"}]}
    assert hit(item, ["……全县办结复议案件174件，直接纠错4件，纠错率2.3%；"])  # NFKC and spaces, as scored for us
    assert not hit(item, ["直接纠错4件", "纠错率2.3%"])  # a quote split across chunks is not found
    ratios = compare({"hit_at_5": 0.9, "p50_ms": 20.0}, {"chroma": {"hit_at_4": 0.3, "p50_ms": 250.0}})
    assert ratios["latency_ratio"] == 12.5 and ratios["hit_gain_points"] == 60.0


def test_the_first_sight_round_has_its_own_section_with_the_model_apart() -> None:
    result = _result(ask_p95=40.0, chunks_per_s=400.0, hit_gain=None)
    result["runs"][0]["first_sight"] = {
        "requests": 49, "questions": 49, "embedded_share": 0.63, "ask_ms": {"p50": 30.0, "p95": 58.0, "p99": 70.0},
        "stages_p95_ms": {"embed": 45.0, "answer": 8.0, "total": 57.0}}
    result["targets"] = evaluate_targets(result)
    table = to_markdown(result)
    assert {t["target"]: t["verdict"] for t in result["targets"]}["first_sight_p95_ms"] == "met"
    assert "### First sight" in table and "| 49 | 30.0 / 58.0 / 70.0 | 0.63 | embed 45.0, answer 8.0 |" in table
