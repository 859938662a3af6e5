"""Document metadata in the store: kind, issuer level, page fields and provenance round-trip; weakly
detected fields are flagged until a person sets them; a store from before these columns opens."""

import sqlite3

from rag.store.database import SCHEMA, Store


def _doc(**fields) -> dict:
    return {"doc_id": "d1", "source": "linze-2022.txt", "sha256": "a" * 64, "fmt": "txt", "pipeline": "6",
            "title": None, "region": "临泽县", "level": "县", "city": "张掖市", "province": "甘肃省", "year": 2022,
            "text": "正文", **fields}


def test_new_fields_round_trip(tmp_path) -> None:
    store = Store(tmp_path)
    provenance = {"region": {"source": "index_code", "confidence": 0.75}}
    store.replace_document(_doc(kind="政府信息公开", issuer_level="department", index_code="620723/2023-00012",
                                doc_number="临政发〔2023〕5号", provenance=provenance), [], [])
    doc = store.get_document("d1")
    assert doc is not None
    assert (doc.kind, doc.issuer_level, doc.index_code, doc.doc_number) == (
        "政府信息公开", "department", "620723/2023-00012", "临政发〔2023〕5号")
    assert doc.provenance == provenance
    assert doc.needs_correction == []


def test_a_weakly_detected_field_is_flagged_until_set_by_hand(tmp_path) -> None:
    store = Store(tmp_path)
    store.replace_document(_doc(provenance={"region": {"source": "body", "confidence": 0.6},
                                            "year": {"source": "filename", "confidence": 0.7}}), [], [])
    assert store.get_document("d1").needs_correction == ["check_region"]
    store.update_metadata("d1", {"region": "临泽县"})
    assert store.get_document("d1").needs_correction == []


def test_no_region_stays_the_one_flag(tmp_path) -> None:
    store = Store(tmp_path)
    store.replace_document(_doc(region=None, provenance={"year": {"source": "body", "confidence": 0.6}}), [], [])
    assert store.get_document("d1").needs_correction == ["no_region"]


def test_a_store_from_before_the_metadata_columns_opens(tmp_path) -> None:
    assert "provenance" not in SCHEMA  # added by Store on open
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    db.executescript(SCHEMA)
    db.execute("INSERT INTO documents(doc_id, source, sha256, region, text) "
               "VALUES('old', 'old.txt', 'b', '临泽县', '')")
    db.commit()
    db.close()
    store = Store(tmp_path)
    old = store.get_document("old")
    assert old is not None and (old.kind, old.provenance, old.needs_correction) == (None, {}, [])
    store.replace_document(_doc(kind="法治政府建设"), [], [])
    assert store.get_document("d1").kind == "法治政府建设"
