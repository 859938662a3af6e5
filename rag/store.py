"""The store: a SQLite catalogue (documents, chunks, metric rows) and a Chroma collection of vectors.

SQLite is the source of truth and is written in one transaction per document, so a document's
chunks, tokens and metric rows appear together or not at all. Chroma holds only embeddings keyed by
chunk id; it is filled after the transaction (embedding is slow and must not gate search) and
reconciled against SQLite on demand.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.schema import Document, MetricRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    fmt TEXT,
    pipeline TEXT,
    title TEXT, region TEXT, level TEXT, city TEXT, province TEXT, year INTEGER,
    issuer TEXT, date TEXT, published TEXT, addressee TEXT,
    pages INTEGER, ocr_pages INTEGER NOT NULL DEFAULT 0,
    detected TEXT NOT NULL DEFAULT '{}',
    manual TEXT NOT NULL DEFAULT '{}',
    text TEXT NOT NULL DEFAULT '',
    ingested_at TEXT
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    tokens TEXT NOT NULL,
    embedded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ord);
CREATE TABLE IF NOT EXISTS metrics (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    metric TEXT NOT NULL, label TEXT NOT NULL, value REAL NOT NULL, unit TEXT, written TEXT,
    period TEXT, scope TEXT, approx TEXT, derived INTEGER NOT NULL DEFAULT 0, formula TEXT,
    section TEXT NOT NULL DEFAULT '', sentence TEXT NOT NULL DEFAULT '',
    span_start INTEGER, span_end INTEGER
);
CREATE INDEX IF NOT EXISTS metrics_metric ON metrics(metric);
CREATE INDEX IF NOT EXISTS metrics_doc ON metrics(doc_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Fields a person may correct by hand; a manual value wins over detection across re-ingests.
EDITABLE = ("title", "region", "level", "city", "province", "year", "issuer", "date")


@dataclass(frozen=True)
class ChunkRow:
    chunk_id: str
    doc_id: str
    ord: int
    section: str
    text: str
    start: int
    end: int
    tokens: tuple[str, ...]
    page: int | None = None  # PDF page the chunk starts on
    ocr: bool = False  # read from a scanned page
    ocr_confidence: float | None = None


# Columns added after the first release: (table, column, declaration), added to older stores on open.
_ADDED_COLUMNS = (
    ("chunks", "page", "INTEGER"),
    ("chunks", "ocr", "INTEGER NOT NULL DEFAULT 0"),
    ("chunks", "ocr_confidence", "REAL"),
    ("metrics", "ocr_low_confidence", "INTEGER NOT NULL DEFAULT 0"),
)


class Store:
    """One store directory. Open it once per process; it is safe to share between threads."""

    def __init__(self, root: Path, chroma_url: str | None = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._chroma_url = chroma_url
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.root / "catalog.sqlite", check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._add_missing_columns()
        self._collection: Any = None
        self._chunk_cache: tuple[int, list[ChunkRow]] | None = None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _add_missing_columns(self) -> None:
        for table, column, declaration in _ADDED_COLUMNS:
            have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self._db.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {declaration}')

    # --- transactions and versioning -------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute(
                    "INSERT INTO meta(key, value) VALUES('version', '1') "
                    "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def version(self) -> int:
        """A counter bumped by every write: caches of the store key on it."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        return int(row[0]) if row else 0

    # --- documents ------------------------------------------------------------------------------

    def get_document_row(self, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return dict(row) if row else None

    def find_by_sha(self, sha256: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM documents WHERE sha256=?", (sha256,)).fetchone()
        return dict(row) if row else None

    def document_text(self, doc_id: str) -> str:
        row = self.get_document_row(doc_id)
        return row["text"] if row else ""

    def list_documents(self) -> list[Document]:
        with self._lock:
            rows = self._db.execute(
                "SELECT d.*, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id=d.doc_id) AS n_chunks, "
                "(SELECT COUNT(*) FROM metrics m WHERE m.doc_id=d.doc_id) AS n_metrics "
                "FROM documents d ORDER BY d.doc_id"
            ).fetchall()
        return [_document(dict(r)) for r in rows]

    def get_document(self, doc_id: str) -> Document | None:
        return next((d for d in self.list_documents() if d.doc_id == doc_id), None)

    def replace_document(
        self, doc: dict[str, Any], chunks: Sequence[ChunkRow], metrics: Sequence[MetricRow]
    ) -> None:
        """Write a document with its chunks and metric rows, replacing any earlier version, atomically."""
        doc = dict(doc)
        old = self.get_document_row(doc["doc_id"])
        manual = json.loads(old["manual"]) if old else {}
        detected = {k: doc.get(k) for k in EDITABLE}
        effective = {**detected, **manual}
        row = {**doc, **effective, "detected": json.dumps(detected, ensure_ascii=False),
               "manual": json.dumps(manual, ensure_ascii=False),
               "ingested_at": datetime.now(UTC).isoformat(timespec="seconds")}
        columns = [
            "doc_id", "source", "sha256", "fmt", "pipeline", *EDITABLE, "published", "addressee", "pages", "ocr_pages",
            "detected", "manual", "text", "ingested_at",
        ]
        with self._tx() as db:
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc["doc_id"],))
            db.execute("DELETE FROM metrics WHERE doc_id=?", (doc["doc_id"],))
            db.execute(
                f"INSERT OR REPLACE INTO documents({', '.join(columns)}) "
                f"VALUES({', '.join('?' for _ in columns)})",
                [row.get(c) for c in columns],
            )
            db.executemany(
                'INSERT INTO chunks(chunk_id, doc_id, ord, section, text, start, "end", tokens, page, ocr, '
                "ocr_confidence) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                [(c.chunk_id, c.doc_id, c.ord, c.section, c.text, c.start, c.end, " ".join(c.tokens), c.page,
                  int(c.ocr), c.ocr_confidence) for c in chunks],
            )
            db.executemany(
                "INSERT INTO metrics(doc_id, metric, label, value, unit, written, period, scope, approx, derived, "
                "formula, section, sentence, span_start, span_end, ocr_low_confidence) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(m.doc_id, m.metric, m.label, m.value, m.unit, m.written, m.period, m.scope, m.approx, int(m.derived),
                  m.formula, m.section, m.sentence, *(m.span or (None, None)), int(m.ocr_low_confidence))
                 for m in metrics],
            )

    def update_metadata(self, doc_id: str, changes: dict[str, Any]) -> Document | None:
        """Record manual corrections; they win over detection now and after re-ingest."""
        old = self.get_document_row(doc_id)
        if old is None:
            return None
        manual = {**json.loads(old["manual"]), **{k: v for k, v in changes.items() if k in EDITABLE}}
        with self._tx() as db:
            db.execute("UPDATE documents SET manual=? WHERE doc_id=?", (json.dumps(manual, ensure_ascii=False), doc_id))
            for key, value in manual.items():
                db.execute(f"UPDATE documents SET {key}=? WHERE doc_id=?", (value, doc_id))
        return self.get_document(doc_id)

    def delete_document(self, doc_id: str) -> bool:
        with self._tx() as db:
            deleted = db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount
        if deleted:
            self.vectors_delete(doc_id)
        return bool(deleted)

    # --- chunks ---------------------------------------------------------------------------------

    def chunks(self) -> list[ChunkRow]:
        """All chunks in a stable order, cached until the next write."""
        version = self.version()
        if self._chunk_cache and self._chunk_cache[0] == version:
            return self._chunk_cache[1]
        with self._lock:
            rows = self._db.execute(
                'SELECT chunk_id, doc_id, ord, section, text, start, "end", tokens, page, ocr, ocr_confidence '
                "FROM chunks ORDER BY doc_id, ord"
            ).fetchall()
        chunks = [ChunkRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7].split()), r[8], bool(r[9]), r[10])
                  for r in rows]
        self._chunk_cache = (version, chunks)
        return chunks

    def unembedded_chunks(self, doc_id: str | None = None) -> list[ChunkRow]:
        wanted = {r[0] for r in self._query("SELECT chunk_id FROM chunks WHERE embedded=0"
                                            + (" AND doc_id=?" if doc_id else ""), (doc_id,) if doc_id else ())}
        return [c for c in self.chunks() if c.chunk_id in wanted]

    def mark_embedded(self, chunk_ids: Sequence[str]) -> None:
        with self._lock:
            self._db.executemany("UPDATE chunks SET embedded=1 WHERE chunk_id=?", [(i,) for i in chunk_ids])

    # --- metrics --------------------------------------------------------------------------------

    def metric_rows(
        self, metric: str | None = None, region: str | None = None, year: int | None = None
    ) -> list[MetricRow]:
        sql = (
            "SELECT m.*, d.region, d.year FROM metrics m JOIN documents d ON d.doc_id = m.doc_id WHERE 1=1"
        )
        args: list[Any] = []
        for column, value in (("m.metric", metric), ("d.region", region), ("d.year", year)):
            if value is not None:
                sql += f" AND {column}=?"
                args.append(value)
        rows = self._query(sql + " ORDER BY d.region, m.id", args)
        return [
            MetricRow(
                metric=r["metric"], label=r["label"], value=r["value"], unit=r["unit"], written=r["written"],
                region=r["region"],
                year=r["year"], period=r["period"], scope=r["scope"], approx=r["approx"],
                derived=bool(r["derived"]), formula=r["formula"], doc_id=r["doc_id"], section=r["section"],
                sentence=r["sentence"],
                span=(r["span_start"], r["span_end"]) if r["span_start"] is not None else None,
                ocr_low_confidence=bool(r["ocr_low_confidence"]),
            )
            for r in rows
        ]

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # --- vectors (Chroma) -----------------------------------------------------------------------

    def _vectors(self) -> Any:
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            if self._chroma_url:
                from urllib.parse import urlparse

                url = urlparse(self._chroma_url)
                client = chromadb.HttpClient(
                    host=url.hostname or "localhost", port=url.port or 8000,
                    ssl=url.scheme == "https", settings=chroma_settings,
                )
            else:
                client = chromadb.PersistentClient(path=str(self.root / "chroma"), settings=chroma_settings)
            # No embedding function: vectors are computed by our embedder, never by Chroma's
            # default (which would download a model).
            self._collection = client.get_or_create_collection(
                "chunks", embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        return self._collection

    def vectors_upsert(self, chunks: Sequence[ChunkRow], embeddings: Sequence[Sequence[float]]) -> None:
        if not chunks:
            return
        self._vectors().upsert(
            ids=[c.chunk_id for c in chunks],
            embeddings=[list(map(float, e)) for e in embeddings],
            metadatas=[{"doc_id": c.doc_id} for c in chunks],
        )
        self.mark_embedded([c.chunk_id for c in chunks])

    def vectors_delete(self, doc_id: str) -> None:
        self._vectors().delete(where={"doc_id": doc_id})

    def vectors_query(
        self, embedding: Sequence[float], k: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the k nearest embedded chunks, optionally within doc_ids."""
        collection = self._vectors()
        total = collection.count()
        if total == 0:
            return []
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        result = collection.query(
            query_embeddings=[list(map(float, embedding))], n_results=min(k, total), where=where,
            include=["distances"],
        )
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def reconcile_vectors(self) -> int:
        """Drop vectors whose chunk no longer exists; mark chunks whose vector is missing for re-embedding."""
        collection = self._vectors()
        have = set(collection.get(include=[])["ids"])
        want = {r[0] for r in self._query("SELECT chunk_id FROM chunks")}
        orphans = sorted(have - want)
        if orphans:
            collection.delete(ids=orphans)
        embedded = {r[0] for r in self._query("SELECT chunk_id FROM chunks WHERE embedded=1")}
        missing = embedded - have
        with self._lock:
            self._db.executemany("UPDATE chunks SET embedded=0 WHERE chunk_id=?", [(i,) for i in missing])
        return len(orphans) + len(missing)


def _document(row: dict[str, Any]) -> Document:
    return Document(
        doc_id=row["doc_id"], title=row["title"], region=row["region"], level=row["level"], city=row["city"],
        province=row["province"], year=row["year"], issuer=row["issuer"], date=row["date"],
        published=row["published"], addressee=row["addressee"],
        source=row["source"], sha256=row["sha256"], chunks=row.get("n_chunks", 0),
        metrics=row.get("n_metrics", 0), pages=row["pages"], ocr_pages=row["ocr_pages"] or 0,
        manual=sorted(json.loads(row["manual"]).keys()), ingested_at=row["ingested_at"],
    )
