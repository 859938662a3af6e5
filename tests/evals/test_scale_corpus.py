"""The synthetic scale corpus: real reports re-issued by other units, deterministic, still parseable."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from evals.scale_corpus import BaseReport, base_reports, generate, read_manifest, scale_questions, synthesize
from ingest.facts import extract_metrics
from ingest.loaders import load
from ingest.metadata import detect_metadata
from rag.domain.gazetteer import load_gazetteer


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.txt"))}


def test_generation_is_deterministic_and_reaches_the_size(tmp_path: Path) -> None:
    counts = generate(tmp_path / "a", 120, seed=3)
    generate(tmp_path / "b", 120, seed=3)
    other = generate(tmp_path / "c", 120, seed=4)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a") != _files(tmp_path / "c")
    assert counts["estimated_chunks"] >= 120 and other["estimated_chunks"] >= 120
    assert len(_files(tmp_path / "a")) == counts["reports"]


def test_each_report_reads_as_its_new_unit_and_year(tmp_path: Path) -> None:
    generate(tmp_path, 150, seed=11)
    rows = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    bases = {b.doc_id: b for b in base_reports()}
    assert set(read_manifest(tmp_path)) == {r["doc_id"] for r in rows}
    assert sum(not r["synthetic"] for r in rows) == len(bases)  # the real reports are part of the corpus
    for row in (r for r in rows if r["synthetic"]):
        path = tmp_path / row["file"]
        loaded = load(path)
        meta = detect_metadata(loaded.text, raw=loaded.raw, title_hint=loaded.title_hint, filename=path.name)
        assert (meta.region, meta.year) == (row["region"], row["year"]), path.name
        assert bases[row["base"]].names["region"] not in loaded.text
        # Metric extraction still finds figures, and every percentage stays a percentage.
        assert extract_metrics(loaded.text)
        assert all(0 <= float(p) <= 100 for p in re.findall(r"(\d+(?:\.\d+)?)%", loaded.text))


def test_synthesize_swaps_names_shifts_years_and_scales_counts_together() -> None:
    gazetteer = load_gazetteer()
    unit = next(d for d in gazetteer.divisions if d.name == "邵阳县")
    base = BaseReport("x", "x.txt", "2021年,某甲县某甲办结案件100件,纠错10件,纠错率10.0%。2022年1月印发。", 2021,
                      {"region": "某甲县", "region_short": "某甲"}, 1)
    text = synthesize(base, unit, 2018, random.Random(1))
    assert text.startswith("2018年,邵阳县邵阳办结案件")
    assert "2019年1月" in text
    closed, corrected = (int(n) for n in re.findall(r"(\d+)件", text))
    assert abs(corrected * 10 - closed) <= 5  # one scale factor for the whole report, rounded
    rate = float(re.search(r"纠错率([\d.]+)%", text).group(1))  # type: ignore[union-attr]
    assert 0 <= rate <= 100 and re.search(r"纠错率\d+\.\d%", text)


def test_questions_follow_their_region_into_the_synthetic_corpus(tmp_path: Path) -> None:
    generate(tmp_path, 200, seed=2)
    bases = base_reports()
    real = bases[0]
    synthetic = {r["region"] for r in map(json.loads, (tmp_path / "manifest.jsonl").read_text("utf-8").splitlines())
                 if r["synthetic"] and r["base"] == real.doc_id}
    asked = scale_questions(tmp_path, [f"{real.names['region']}{real.year}年办结了多少件行政复议案件？", "你好"])
    assert len(asked) == 1  # a question naming no region is not duplicated
    assert real.names["region"] not in asked[0]
    assert any(asked[0].startswith(region) for region in synthetic)
