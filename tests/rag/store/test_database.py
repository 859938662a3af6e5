import sqlite3

import numpy as np
import pytest

from rag.schema import MetricRow
from rag.store.database import ChunkRow, Store
from tests.conftest import all_chunks


def _doc(doc_id: str = "d1", sha: str = "a" * 64, region: str = "甲县", year: int = 2023) -> dict:
    return {"doc_id": doc_id, "source": f"{doc_id}.txt", "sha256": sha, "fmt": "txt", "pipeline": "1",
            "title": "标题", "region": region, "level": "县", "year": year, "text": "正文"}


def _chunks(doc_id: str, n: int, tag: str = "v1") -> list[ChunkRow]:
    return [ChunkRow(f"{doc_id}:{tag}:{i}", doc_id, i, "一、成效", f"第{i}块", i * 10, i * 10 + 5, ("第", str(i)))
            for i in range(n)]


def _metric(doc_id: str, value: float) -> MetricRow:
    return MetricRow(metric="m", label="指标", value=value, unit="件", doc_id=doc_id)


def test_replace_is_complete_and_bumps_version(tmp_path) -> None:
    store = Store(tmp_path)
    v0 = store.version()
    store.replace_document(_doc(), _chunks("d1", 3), [_metric("d1", 5)])
    assert store.version() > v0
    store.replace_document(_doc(sha="b" * 64), _chunks("d1", 2, "v2"), [_metric("d1", 7)])
    assert [c.chunk_id for c in all_chunks(store)] == ["d1:v2:0", "d1:v2:1"]
    assert [r.value for r in store.metric_rows()] == [7]
    doc = store.get_document("d1")
    assert doc is not None and doc.chunks == 2 and doc.metrics == 1 and doc.sha256 == "b" * 64


def test_failed_write_leaves_previous_version(tmp_path) -> None:
    store = Store(tmp_path)
    store.replace_document(_doc(), _chunks("d1", 2), [])
    bad = _chunks("d1", 2, "v2")
    bad.append(bad[0])  # duplicate primary key: the transaction must roll back whole
    with pytest.raises(sqlite3.IntegrityError):
        store.replace_document(_doc(sha="b" * 64), bad, [])
    assert [c.chunk_id for c in all_chunks(store)] == ["d1:v1:0", "d1:v1:1"]
    assert store.get_document("d1").sha256 == "a" * 64


def test_manual_metadata_wins_over_detection_across_reingest(tmp_path) -> None:
    store = Store(tmp_path)
    store.replace_document(_doc(year=2023), _chunks("d1", 1), [])
    store.update_metadata("d1", {"year": 2022})
    store.replace_document(_doc(sha="c" * 64, year=2023), _chunks("d1", 1, "v2"), [])
    doc = store.get_document("d1")
    assert doc.year == 2022 and doc.manual == ["year"]
    assert store.metric_rows(year=2022) == []  # metric rows join the effective year


def test_delete_cascades_to_chunks_metrics_and_vectors(tmp_path) -> None:
    store = Store(tmp_path)
    store.replace_document(_doc(), _chunks("d1", 2), [_metric("d1", 1)])
    store.replace_document(_doc("d2", "d" * 64), _chunks("d2", 1), [])
    store.vectors_upsert(all_chunks(store), np.eye(3, 4, dtype=np.float32))
    assert store.delete_document("d1")
    assert {c.doc_id for c in all_chunks(store)} == {"d2"}
    assert store.metric_rows() == []
    assert [cid for cid, _ in store.vectors_query([1, 0, 0, 0], k=5)] == ["d2:v1:0"]
    assert not store.delete_document("d1")


def test_reconcile_drops_orphan_vectors_and_requeues_missing(tmp_path) -> None:
    store = Store(tmp_path)
    store.replace_document(_doc(), _chunks("d1", 2), [])
    store.vectors_upsert(all_chunks(store), np.eye(2, 4, dtype=np.float32))
    store.replace_document(_doc(sha="e" * 64), _chunks("d1", 1, "v2"), [])  # old vectors now orphans
    store.reconcile_vectors()
    assert store.vectors_query([1, 0, 0, 0], k=5) == []
    assert [c.chunk_id for c in store.unembedded_chunks()] == ["d1:v2:0"]


def test_facts_keep_their_new_fields_and_filter_by_measure_and_scope(tmp_path) -> None:
    store = Store(tmp_path)
    rows = [
        MetricRow(metric="other", label="新收行政复议案件", value=281, unit="件", doc_id="d1",
                  measure="新收行政复议案件", scope_kind="region", scope="全县", fact_year=2023, source="table",
                  table_cell={"table": 1, "row": "新收行政复议案件", "column": "2023年"}),
        MetricRow(metric="other", label="受理调解案件", value=45, unit="件", doc_id="d1", measure="受理调解案件",
                  scope_kind="subunit", scope="城关镇"),
        MetricRow(metric="other", label="受理调解案件", value=12.5, unit="%", doc_id="d1", measure="受理调解案件",
                  kind="change"),
    ]
    store.replace_document(_doc(), _chunks("d1", 1), rows)
    got = store.facts(doc_ids=["d1"])
    assert [r.model_dump() for r in got] == [r.model_dump() | {"region": "甲县", "year": 2023} for r in rows]
    assert [r.value for r in store.facts(measure_like="调解 受理")] == [45, 12.5]
    assert [r.value for r in store.facts(scope_kind="subunit")] == [45]
    assert [r.value for r in store.facts(scope_like="城关")] == [45]
    assert [r.value for r in store.facts(kind="change")] == [12.5]
    assert [r.value for r in store.facts(source="table")] == [281]
    assert store.facts(doc_ids=[]) == []
    assert [r.value for r in store.metric_rows()] == [281, 45, 12.5]


def test_an_old_metrics_table_gains_the_fact_columns(tmp_path) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    db.executescript(
        "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT NOT NULL, fmt TEXT,"
        " pipeline TEXT, title TEXT, region TEXT, level TEXT, city TEXT, province TEXT, year INTEGER, issuer TEXT,"
        " date TEXT, published TEXT, addressee TEXT, pages INTEGER, ocr_pages INTEGER NOT NULL DEFAULT 0,"
        " detected TEXT NOT NULL DEFAULT '{}', manual TEXT NOT NULL DEFAULT '{}', text TEXT NOT NULL DEFAULT '',"
        " ingested_at TEXT);"
        "CREATE TABLE metrics (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, metric TEXT NOT NULL, label TEXT NOT NULL,"
        " value REAL NOT NULL, unit TEXT, written TEXT, period TEXT, scope TEXT, approx TEXT,"
        " derived INTEGER NOT NULL DEFAULT 0, formula TEXT, section TEXT NOT NULL DEFAULT '',"
        " sentence TEXT NOT NULL DEFAULT '', span_start INTEGER, span_end INTEGER);"
        "INSERT INTO documents(doc_id, source, sha256) VALUES('old', 'old.txt', 'x');"
        "INSERT INTO metrics(doc_id, metric, label, value, unit) VALUES('old', 'm', '指标', 3, '件');"
    )
    db.commit()
    db.close()
    store = Store(tmp_path)
    [row] = store.facts()
    assert (row.value, row.kind, row.source, row.measure, row.scope_kind, row.table_cell) == (
        3, "level", "text", None, None, None)
