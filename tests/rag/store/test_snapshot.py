from rag.schema import Document
from rag.store.snapshot import Snapshot, latest_of, latest_per_region

DOCS = {d.doc_id: d for d in [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
                              for i, (r, y) in enumerate([("德清县", 2022), ("德清县", 2023), ("兰考县", 2023)])]}


def test_latest_report_per_region() -> None:
    assert [d.doc_id for d in latest_per_region(DOCS.values())] == ["d2", "d1"]


def test_the_snapshot_caches_the_same_latest_reports() -> None:
    snapshot = Snapshot(DOCS)
    assert [d.doc_id for d in latest_of(snapshot.documents)] == ["d2", "d1"]
    assert snapshot.documents.latest is snapshot.documents.latest
