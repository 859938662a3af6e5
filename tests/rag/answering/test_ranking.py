"""The ranking table (`metric_best`): kept in step with every write, and read through an index."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence

import pytest

from rag.schema import MetricRow
from rag.store.database import ChunkRow, Store

REGIONS = ["甲县", "乙区", "丙市", "丁旗"]
YEARS = [2021, 2022, 2023]


def _doc(doc_id: str, region: str, year: int, sha: str = "a") -> dict:
    return {"doc_id": doc_id, "source": f"{doc_id}.txt", "sha256": sha * 64, "fmt": "txt", "pipeline": "1",
            "title": "标题", "region": region, "level": "县", "year": year, "text": "正文"}


def _chunk(doc_id: str) -> list[ChunkRow]:
    return [ChunkRow(f"{doc_id}:0", doc_id, 0, "一、成效", "正文", 0, 2, ("正文",))]


def _row(doc_id: str, metric: str, value: float, *, derived: bool = False, approx: str | None = None) -> MetricRow:
    return MetricRow(metric=metric, label=metric, value=value, unit="件", doc_id=doc_id, derived=derived,
                     approx=approx, sentence=f"{metric}{value}")


def _best(rows: Sequence[MetricRow]) -> MetricRow:
    """The rule the table implements: stated over derived, exact over approximate, then the largest."""
    return sorted(rows, key=lambda r: (r.derived, r.approx is not None, -r.value))[0]


def _expected(store: Store, metric: str, years=None, regions=None, descending=True) -> list[tuple[str, float]]:
    """The ranking computed the slow way, from every metric row."""
    by_doc: dict[str, list[MetricRow]] = {}
    for r in store.metric_rows(metric=metric):
        if (not years or r.year in years) and (not regions or r.region in regions):
            by_doc.setdefault(r.doc_id, []).append(r)
    best = [_best(rows) for rows in by_doc.values()]
    best.sort(key=lambda r: r.doc_id)
    best.sort(key=lambda r: r.value, reverse=descending)
    return [(r.doc_id, r.value) for r in best]


@pytest.fixture()
def store(tmp_path) -> Store:
    rng = random.Random(7)
    s = Store(tmp_path)
    for n in range(60):
        doc_id = f"doc{n:02d}"
        rows = []
        for metric in ("cases", "rate"):
            if rng.random() < 0.8:  # some reports do not disclose a metric
                rows += [_row(doc_id, metric, rng.randint(1, 50), derived=rng.random() < 0.3,
                              approx="余" if rng.random() < 0.2 else None) for _ in range(rng.randint(1, 3))]
        s.replace_document(_doc(doc_id, REGIONS[n % 4], YEARS[n % 3]), _chunk(doc_id), rows)
    yield s
    s.close()


@pytest.mark.parametrize("years,regions,descending", [
    (None, None, True), (None, None, False), ([2022], None, True), ([2021, 2023], ["乙区", "丁旗"], False),
    (None, ["丙市"], True),
])
def test_ranking_and_coverage_equal_a_full_scan(store: Store, years, regions, descending) -> None:
    want = _expected(store, "cases", years, regions, descending)
    got = store.metric_ranking("cases", years=years, regions=regions, descending=descending, limit=1000)
    assert [(r.doc_id, r.value) for r in got] == want
    assert store.metric_ranking("cases", years=years, regions=regions, descending=descending, limit=3) == got[:3]
    coverage = store.metric_coverage("cases", years=years, regions=regions)
    in_scope = [d for d in store.list_documents()
                if (not years or d.year in years) and (not regions or d.region in regions)]
    assert (coverage.reported, coverage.documents) == (len(want), len(in_scope))
    reported = {doc_id for doc_id, _ in want}
    unreported = sorted(d.doc_id for d in in_scope if d.doc_id not in reported)
    assert store.metric_unreported("cases", years=years, regions=regions, limit=1000) == unreported


def test_ranking_follows_replace_delete_and_corrections(store: Store) -> None:
    top = store.metric_ranking("cases", limit=1)[0]
    store.replace_document(_doc(top.doc_id, "甲县", 2021, sha="b"), _chunk(top.doc_id),
                           [_row(top.doc_id, "cases", 1000)])
    assert [(r.doc_id, r.value) for r in store.metric_ranking("cases", limit=1)] == [(top.doc_id, 1000)]
    store.delete_document(top.doc_id)
    assert top.doc_id not in {r.doc_id for r in store.metric_ranking("cases", limit=1000)}
    assert [(r.doc_id, r.value) for r in store.metric_ranking("cases", limit=1000)] == _expected(store, "cases")

    # A corrected region and year move the document between scopes at once.
    moved = store.metric_ranking("cases", regions=["甲县"], limit=1)[0]
    store.update_metadata(moved.doc_id, {"region": "戊县", "year": 2030})
    assert moved.doc_id not in {r.doc_id for r in store.metric_ranking("cases", regions=["甲县"], limit=1000)}
    assert [r.doc_id for r in store.metric_ranking("cases", regions=["戊县"], years=[2030])] == [moved.doc_id]
    assert store.metric_coverage("cases", regions=["戊县"]).documents == 1


def test_a_store_written_before_the_table_is_filled_on_open(tmp_path) -> None:
    store = Store(tmp_path)
    for n in range(5):
        store.replace_document(_doc(f"d{n}", "甲县", 2023), _chunk(f"d{n}"), [_row(f"d{n}", "cases", n + 1)])
    want = [(r.doc_id, r.value) for r in store.metric_ranking("cases", limit=10)]
    store.close()
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    db.execute("DELETE FROM metric_best")
    db.execute("DELETE FROM meta WHERE key LIKE 'metric_best%'")
    db.commit()
    db.close()
    reopened = Store(tmp_path)
    assert [(r.doc_id, r.value) for r in reopened.metric_ranking("cases", limit=10)] == want == [
        (f"d{n}", n + 1) for n in reversed(range(5))]
    reopened.close()


@pytest.mark.parametrize("years,regions", [(None, None), ([2022], None), (None, ["乙区"])])
def test_ranking_reads_an_index_not_the_metrics_table(store: Store, years, regions) -> None:
    """The plan of the ranking query: an index search of metric_best, never a scan of a table."""
    from rag.store import database as store_module

    sql, args = store_module._ranking_sql("cases", years, regions, descending=True)
    plan = store._query("EXPLAIN QUERY PLAN " + sql, [*args, 10, 0])
    steps = [r["detail"] for r in plan]
    assert any("metric_best" in s and "USING" in s and "INDEX" in s for s in steps), steps
    assert not any(s.startswith("SCAN") for s in steps), steps


def test_a_report_with_a_huge_table_does_not_load_its_rows_into_every_ranking(tmp_path, monkeypatch) -> None:
    # A report holding thousands of rows of a neighbouring metric (a 200k-cell table's) was read whole
    # by every ranking that mentions other scopes beside it. One row per report is read; most and
    # least still rank the reporting regions, not one row twice.
    import rag.store.database as database
    from rag.answering.ranking import aggregate
    from rag.question.understanding import understand
    from rag.retrieval.tokenizer import default_tokenizer

    s = Store(tmp_path)
    for n, (region, value) in enumerate([("甲县", 30), ("乙区", 7), ("丙市", 12)]):
        s.replace_document(_doc(f"d{n}", region, 2023), _chunk(f"d{n}"),
                           [_row(f"d{n}", "reconsideration_closed", value)])
    s.replace_document(_doc("big", "丁旗", 2023), _chunk("big"),
                       [_row("big", "reconsideration_received", v) for v in range(1, 5001)])
    docs = {d.doc_id: d for d in s.list_documents()}
    made = {"n": 0}
    original = database._metric_row

    def counted(row):
        made["n"] += 1
        return original(row)

    monkeypatch.setattr(database, "_metric_row", counted)
    most = aggregate(understand("哪个地区办结行政复议案件最多？", list(docs.values())), s, docs, default_tokenizer())
    least = aggregate(understand("哪个地区办结行政复议案件最少？", list(docs.values())), s, docs, default_tokenizer())
    assert made["n"] < 100
    assert most.answer.startswith("甲县") and least.answer.startswith("乙区")
    assert "丁旗" in most.answer and "口径不同" in most.answer
