"""The store: a SQLite catalogue (documents, chunks, metric rows) and a Chroma collection of vectors.

This module is the one owner of the catalogue's schema and SQL: the BM25 index (lexical_index.py)
reads its rows through `Store.catalogue_reader()`. SQLite is the source of truth and is written in
one transaction per document, so a document's chunks, tokens and metric rows appear together or not
at all. Chroma holds only embeddings keyed by
chunk id; it is filled after the transaction (embedding is slow and must not gate search) and
reconciled against SQLite on demand.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from rag.schema import Document, MetricRow
from rag.store.audit import AuditTrail

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
CREATE INDEX IF NOT EXISTS metrics_metric_doc ON metrics(metric, doc_id);
CREATE INDEX IF NOT EXISTS documents_region_year ON documents(region, year);
CREATE INDEX IF NOT EXISTS chunks_pending ON chunks(embedded) WHERE embedded = 0;
-- The embedding worker takes pending chunks by position across documents (every report's first
-- chunks, then their second ...), so a small report's vectors never wait for a big one's.
CREATE INDEX IF NOT EXISTS chunks_pending_ord ON chunks(ord, doc_id) WHERE embedded = 0;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Documents whose Chroma vectors may be stale: written in the same transaction as the delete or
-- replace, cleared once Chroma agrees, and finished on the next open after a crash in between.
CREATE TABLE IF NOT EXISTS vector_journal (doc_id TEXT PRIMARY KEY);
-- Rankings without a scan: each document's best row per metric (see `_BEST_ORDER`) with the
-- document's effective region and year, written in the same transaction as the document, so a
-- ranking is an index range read (ORDER BY value LIMIT n) and a coverage count an index count.
CREATE TABLE IF NOT EXISTS metric_best (
    metric TEXT NOT NULL,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    metric_id INTEGER NOT NULL,
    value REAL NOT NULL,
    region TEXT, year INTEGER,
    PRIMARY KEY (metric, doc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS metric_best_rank ON metric_best(metric, value, doc_id);
CREATE INDEX IF NOT EXISTS metric_best_year_rank ON metric_best(metric, year, value, doc_id);
CREATE INDEX IF NOT EXISTS metric_best_region ON metric_best(metric, region);
CREATE INDEX IF NOT EXISTS metric_best_doc ON metric_best(doc_id);
CREATE INDEX IF NOT EXISTS documents_year ON documents(year);
-- Fact vectors: each figure's phrase ("measure clause") embedded once by the embedding worker, so a
-- question embeds only itself. Keyed by the phrase (reports that word a figure alike share it); a
-- document is listed in fact_vectors_done once every phrase of its facts has a vector.
CREATE TABLE IF NOT EXISTS fact_vectors (phrase TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fact_vectors_done (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE
) WITHOUT ROWID;
-- The audit trail of admin actions (rag/store/audit.py owns its SQL); no foreign keys: an entry
-- outlives the document it names. before, after and detail are JSON objects.
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL, actor_id TEXT,
    action TEXT NOT NULL, target TEXT,
    outcome TEXT NOT NULL, status INTEGER, request_id TEXT,
    before TEXT, after TEXT, detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor);
CREATE INDEX IF NOT EXISTS audit_action ON audit(action);
CREATE INDEX IF NOT EXISTS audit_outcome ON audit(outcome, id);
"""

# A report's figure for a metric when it gives several: stated beats derived, an exact figure beats
# an approximate one, then the largest (the whole period beats a part of it). One rule, in SQL, used
# when the ranking table is written; `rag/answering/ranking.py` reads its result.
_BEST_ORDER = "m.derived, m.approx IS NOT NULL, m.value DESC, m.id"
_BEST_INSERT = (
    "INSERT INTO metric_best(metric, doc_id, metric_id, value, region, year) "
    "SELECT metric, doc_id, id, value, region, year FROM ("
    "  SELECT m.metric, m.doc_id, m.id, m.value, d.region, d.year, "
    f"  ROW_NUMBER() OVER (PARTITION BY m.doc_id, m.metric ORDER BY {_BEST_ORDER}) AS rn "
    "  FROM metrics m JOIN documents d ON d.doc_id = m.doc_id"
    # Only the region's own level for the report's year stands for it: never a change (增长12.6%), a
    # town's or bureau's figure, or a previous-year table column.
    "  WHERE m.kind = 'level' AND COALESCE(m.scope_kind, '') != 'subunit'"
    "  AND (m.fact_year IS NULL OR m.fact_year = d.year) {where}"
    ") WHERE rn = 1"
)
_RANKING_BUILT = "metric_best_v2"  # meta key: set once the table has been filled for an older store

# Fields a person may correct by hand; a manual value wins over detection across re-ingests.
EDITABLE = ("title", "region", "level", "city", "province", "year", "issuer", "date")
# Detected fields kept as detected (no manual value): the report's kind and the page's own fields.
_DETECTED_ONLY = ("kind", "issuer_level", "index_code", "doc_number")
# A field detected from a signal trusted less than this is flagged for a person to check.
_UNCERTAIN_BELOW = 0.7


class StorageError(Exception):
    """The store's disk is full or failing: the doors answer 507 (full) or 503, never a 500."""

    def __init__(self, reason: str, *, full: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.full = full


_SQLITE_UNAVAILABLE = {sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_BUSY,
                       sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL}
_OS_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_OS_UNAVAILABLE = {errno.EIO, errno.EROFS, errno.EACCES, errno.EMFILE, errno.ENFILE}


def storage_error(exc: BaseException) -> StorageError | None:
    """`exc` as a StorageError when it means the disk is full or failing (SQLite, Chroma or a file write)."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # extended codes carry the primary below
        if code == sqlite3.SQLITE_FULL or "disk is full" in str(exc):
            return StorageError("the server's disk is full: nothing was written; try again once space is freed",
                                full=True)
        if code in _SQLITE_UNAVAILABLE or "disk I/O error" in str(exc):
            return StorageError(f"the store cannot be used right now ({exc}); try again later", full=False)
        return None
    if isinstance(exc, OSError) and exc.errno in _OS_FULL:
        return StorageError("the server's disk is full: nothing was written; try again once space is freed",
                            full=True)
    if isinstance(exc, OSError) and exc.errno in _OS_UNAVAILABLE:
        return StorageError(f"the store cannot be used right now ({exc.strerror}); try again later", full=False)
    return None


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
    ("metrics", "measure", "TEXT"),
    ("metrics", "kind", "TEXT NOT NULL DEFAULT 'level'"),
    ("metrics", "scope_kind", "TEXT"),
    ("metrics", "fact_year", "INTEGER"),
    ("metrics", "source", "TEXT NOT NULL DEFAULT 'text'"),
    ("metrics", "table_cell", "TEXT"),
    ("metrics", "value_max", "REAL"),
    ("documents", "kind", "TEXT"),
    ("documents", "issuer_level", "TEXT"),
    ("documents", "index_code", "TEXT"),
    ("documents", "doc_number", "TEXT"),
    ("documents", "provenance", "TEXT NOT NULL DEFAULT '{}'"),
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
        self._build_rankings_once()
        self.audit = AuditTrail(self._db, self._lock)
        self._collection: Any = None
        self._client: Any = None
        # Chroma's client is created on first use, at most once: two threads opening an embedded
        # PersistentClient at once (warm-up and the first upload) break chromadb's Rust bindings.
        self._collection_lock = threading.Lock()
        self._claims: dict[str, list[Any]] = {}
        if self._query("SELECT 1 FROM vector_journal LIMIT 1"):
            # Chroma unreachable now: stale vectors are harmless (never matched to a chunk), retried next open.
            with suppress(Exception):
                self.finish_vector_journal()

    def close(self) -> None:
        with self._lock:
            self._db.close()
        if self._client is not None:
            # Releases chromadb's shared system for this path (reference-counted), so a store restored
            # in this process and then moved does not keep its Chroma files open.
            with suppress(Exception):
                self._client.close()

    def _add_missing_columns(self) -> None:
        for table, column, declaration in _ADDED_COLUMNS:
            have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self._db.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {declaration}')

    def _build_rankings_once(self) -> None:
        """Fill `metric_best` for a store written before it existed (one scan, once per store)."""
        if self._db.execute("SELECT 1 FROM meta WHERE key=?", (_RANKING_BUILT,)).fetchone():
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if not self._db.execute("SELECT 1 FROM meta WHERE key=?", (_RANKING_BUILT,)).fetchone():
                    self._db.execute("DELETE FROM metric_best")
                    self._db.execute(_BEST_INSERT.format(where=""))
                    self._db.execute("INSERT INTO meta(key, value) VALUES(?, '1')", (_RANKING_BUILT,))
                self._db.execute("COMMIT")
            except BaseException as exc:
                failed = self._abandon(exc)
                if failed is exc:
                    raise
                raise failed from exc

    # --- transactions and versioning -------------------------------------------------------------

    def _abandon(self, exc: BaseException) -> BaseException:
        """Roll back a failed transaction and return the error to raise: a `StorageError` for a full or
        failing disk, else `exc` itself. On a full disk SQLite has already rolled the transaction back; a
        second ROLLBACK would raise "cannot rollback - no transaction is active" and hide why."""
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
        error = storage_error(exc)
        return error if error is not None else exc

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
            except BaseException as exc:
                failed = self._abandon(exc)
                if failed is exc:
                    raise
                raise failed from exc

    @contextmanager
    def claim(self, *keys: str) -> Iterator[None]:
        """Hold per-key locks (taken in sorted order, so two claims never deadlock): writers of the
        same document wait for each other, writers of different documents do not."""
        keys = tuple(sorted(set(keys)))
        with self._lock:
            for key in keys:  # [lock, holders and waiters]: the entry goes when the last one leaves
                self._claims.setdefault(key, [threading.Lock(), 0])[1] += 1
            locks = [self._claims[key][0] for key in keys]
        taken = 0
        try:
            for lock in locks:
                lock.acquire()
                taken += 1
            yield
        finally:
            for lock in reversed(locks[:taken]):
                lock.release()
            with self._lock:
                for key in keys:
                    self._claims[key][1] -= 1
                    if not self._claims[key][1]:
                        del self._claims[key]

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

    _DOCUMENT_SQL = (
        "SELECT d.*, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id=d.doc_id) AS n_chunks, "
        "(SELECT COUNT(*) FROM metrics m WHERE m.doc_id=d.doc_id) AS n_metrics, "
        "(SELECT COUNT(*) FROM chunks c WHERE c.doc_id=d.doc_id AND c.embedded=1) AS n_embedded "
        "FROM documents d"
    )

    def list_documents(self) -> list[Document]:
        with self._lock:
            rows = self._db.execute(self._DOCUMENT_SQL + " ORDER BY d.doc_id").fetchall()
        return [_document(dict(r)) for r in rows]

    def get_document(self, doc_id: str) -> Document | None:
        """One document by id: a keyed read (was a filter over `list_documents`, which at 5,000 reports
        cost ~0.1 s and was called once per report by the facts book)."""
        with self._lock:
            row = self._db.execute(self._DOCUMENT_SQL + " WHERE d.doc_id=?", (doc_id,)).fetchone()
        return _document(dict(row)) if row is not None else None

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
               "provenance": json.dumps(doc.get("provenance") or {}, ensure_ascii=False),
               "manual": json.dumps(manual, ensure_ascii=False),
               "ingested_at": datetime.now(UTC).isoformat(timespec="seconds")}
        columns = [
            "doc_id", "source", "sha256", "fmt", "pipeline", *EDITABLE, "published", "addressee", "pages", "ocr_pages",
            "detected", "manual", "text", "ingested_at", *_DETECTED_ONLY, "provenance",
        ]
        with self._tx() as db:
            if old is not None:
                db.execute("INSERT OR IGNORE INTO vector_journal(doc_id) VALUES(?)", (doc["doc_id"],))
            db.execute("DELETE FROM chunks WHERE doc_id=?", (doc["doc_id"],))
            db.execute("DELETE FROM metrics WHERE doc_id=?", (doc["doc_id"],))
            db.execute("DELETE FROM fact_vectors_done WHERE doc_id=?", (doc["doc_id"],))
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
                "formula, section, sentence, span_start, span_end, ocr_low_confidence, measure, kind, scope_kind, "
                "fact_year, source, table_cell, value_max) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(m.doc_id, m.metric, m.label, m.value, m.unit, m.written, m.period, m.scope, m.approx, int(m.derived),
                  m.formula, m.section, m.sentence, *(m.span or (None, None)), int(m.ocr_low_confidence),
                  m.measure, m.kind, m.scope_kind, m.fact_year, m.source,
                  json.dumps(m.table_cell, ensure_ascii=False) if m.table_cell else None, m.value_max)
                 for m in metrics],
            )
            db.execute("DELETE FROM metric_best WHERE doc_id=?", (doc["doc_id"],))
            db.execute(_BEST_INSERT.format(where="AND m.doc_id = ?"), (doc["doc_id"],))

    def update_metadata(self, doc_id: str, changes: dict[str, Any]) -> Document | None:
        """Record manual corrections; they win over detection now and after re-ingest.

        A `None` value drops the correction and restores what detection found. Chunks and metric rows
        take region and year from the document row (joined at read time) and the write bumps the store
        version, so search filters, citations and the metrics table see the change at once.
        """
        old = self.get_document_row(doc_id)
        if old is None:
            return None
        detected = json.loads(old["detected"])
        manual = json.loads(old["manual"])
        for key, value in changes.items():
            if key not in EDITABLE:
                continue
            if value is None:
                manual.pop(key, None)
            else:
                manual[key] = value
        effective = {k: manual[k] if k in manual else detected.get(k, old[k]) for k in EDITABLE}
        with self._tx() as db:
            db.execute(
                f"UPDATE documents SET manual=?, {', '.join(f'{k}=?' for k in EDITABLE)} WHERE doc_id=?",
                (json.dumps(manual, ensure_ascii=False), *effective.values(), doc_id),
            )
            db.execute("UPDATE metric_best SET region=?, year=? WHERE doc_id=?",
                       (effective["region"], effective["year"], doc_id))
        return self.get_document(doc_id)

    def delete_document(self, doc_id: str) -> bool:
        """Delete from the catalogue (journalled), then from Chroma; a crash in between is finished on open."""
        with self._tx() as db:
            deleted = db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount
            if deleted:
                db.execute("INSERT OR IGNORE INTO vector_journal(doc_id) VALUES(?)", (doc_id,))
        if deleted:
            self.finish_vector_journal()
        return bool(deleted)

    def finish_vector_journal(self) -> int:
        """Drop the vectors of journalled documents that no current chunk owns; returns how many went."""
        dropped = 0
        for (doc_id,) in self._query("SELECT doc_id FROM vector_journal"):
            have = set(self._vectors().get(where={"doc_id": doc_id}, include=[])["ids"])
            current = {r[0] for r in self._query("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))}
            stale = sorted(have - current)
            if stale:
                self._vectors().delete(ids=stale)
                dropped += len(stale)
            with self._lock:
                self._db.execute("DELETE FROM vector_journal WHERE doc_id=?", (doc_id,))
        return dropped

    # --- chunks ---------------------------------------------------------------------------------

    def unembedded_chunks(self, doc_id: str | None = None) -> list[ChunkRow]:
        rows = self._query(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE embedded=0"
                           + (" AND doc_id=?" if doc_id else "") + " ORDER BY doc_id, ord", (doc_id,) if doc_id else ())
        return [_chunk(r) for r in rows]

    def pending_chunks(self, limit: int) -> list[ChunkRow]:
        """Up to `limit` chunks without a vector, first by position in their document (fair across documents)."""
        rows = self._query(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE embedded=0 ORDER BY ord, doc_id LIMIT ?",
                           (limit,))
        return [_chunk(r) for r in rows]

    # --- fact vectors -----------------------------------------------------------------------------

    def fact_docs_pending(self, limit: int) -> list[str]:
        """Documents whose facts have no vectors yet."""
        return [r[0] for r in self._query(
            "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM fact_vectors_done) "
            "ORDER BY doc_id LIMIT ?", (limit,))]

    def fact_vectors(self, phrases: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of these phrases (those not embedded yet are absent)."""
        out: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(phrases))
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            for phrase, blob in self._query(
                    f"SELECT phrase, vector FROM fact_vectors WHERE phrase IN ({', '.join('?' for _ in part)})", part):
                out[phrase] = np.frombuffer(blob, dtype=np.float32)
        return out

    def fact_vectors_put(self, doc_id: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store phrase vectors and mark the document's facts embedded (no version bump: no answer changes
        meaning, the facts only become findable by meaning)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR IGNORE INTO fact_vectors(phrase, vector) VALUES(?, ?)",
                                     [(p, np.asarray(v, dtype=np.float32).tobytes()) for p, v in vectors.items()])
                self._db.execute("INSERT OR IGNORE INTO fact_vectors_done(doc_id) "
                                 "SELECT doc_id FROM documents WHERE doc_id=?", (doc_id,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def pending_count(self) -> int:
        """Chunks without a vector yet (a count over the partial index, no rows read)."""
        return int(self._query("SELECT COUNT(*) FROM chunks WHERE embedded=0")[0][0])

    def doc_chunks(self, doc_id: str) -> list[ChunkRow]:
        """One document's chunks in order, read through the (doc_id, ord) index."""
        return [_chunk(r) for r in self._query(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE doc_id=? ORDER BY ord",
                                               (doc_id,))]

    def chunk_at(self, doc_id: str, offset: int) -> ChunkRow | None:
        """The chunk of `doc_id` whose text holds character `offset` (one indexed read): a ranking cites
        ten reports without reading their other chunks."""
        rows = self._query(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE doc_id=? AND start <= ? AND ? < \"end\" + 1 "
                           "ORDER BY ord LIMIT 1", (doc_id, offset, offset))
        return _chunk(rows[0]) if rows else None

    def chunks_by_ids(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRow]:
        """The chunks with these ids (missing ids are left out): retrieval reads only its top-k."""
        found: dict[str, ChunkRow] = {}
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i: i + 500])
            rows = self._query(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})",
                               part)
            found.update((r[0], _chunk(r)) for r in rows)
        return found

    def chunk_places(self, chunk_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """(doc_id, ord) of each existing chunk id, to map vector hits onto index rows."""
        found: dict[str, tuple[str, int]] = {}
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i: i + 500])
            marks = ",".join("?" * len(part))
            rows = self._query(f"SELECT chunk_id, doc_id, ord FROM chunks WHERE chunk_id IN ({marks})", part)
            found.update((r[0], (r[1], r[2])) for r in rows)
        return found

    @contextmanager
    def catalogue_reader(self) -> Iterator[CatalogueReader]:
        """One read snapshot of the catalogue on a read-only connection of its own, so a long read (a
        full BM25 rebuild) never holds the store's lock; everything read through it is consistent."""
        with catalogue_reader(self.root / "catalog.sqlite") as reader:
            yield reader

    # --- streaming: pending chunks in bounded batches (never the whole corpus in memory) -----------

    def count_documents(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM documents")[0][0])

    def pending_batches(self, size: int) -> Iterator[list[ChunkRow]]:
        """Chunks without a vector, `size` at a time, in rowid order through the partial index: each
        batch is one indexed read, so memory stays one batch however large the store (chunks marked
        embedded meanwhile are simply not met again)."""
        after = -1
        while True:
            rows = self._query(f"SELECT rowid, {_CHUNK_COLUMNS} FROM chunks WHERE embedded=0 AND rowid > ? "
                               "ORDER BY rowid LIMIT ?", (after, size))
            if not rows:
                return
            after = rows[-1][0]
            yield [_chunk(tuple(r)[1:]) for r in rows]

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
        return [_metric_row(r) for r in rows]

    def facts(
        self, *, doc_ids: Sequence[str] | None = None, metric: str | None = None, region: str | None = None,
        year: int | None = None, measure_like: str | None = None, scope_kind: str | None = None,
        scope_like: str | None = None, kind: str | None = None, source: str | None = None,
    ) -> list[MetricRow]:
        """Facts filtered by any of: documents, metric, region, year, words of the measure (or label),
        scope kind or words of the scope, level/change, text/table. In document and text order."""
        sql = "SELECT m.*, d.region, d.year FROM metrics m JOIN documents d ON d.doc_id = m.doc_id WHERE 1=1"
        args: list[Any] = []
        for column, value in (("m.metric", metric), ("d.region", region), ("d.year", year),
                              ("m.scope_kind", scope_kind), ("m.kind", kind), ("m.source", source)):
            if value is not None:
                sql += f" AND {column}=?"
                args.append(value)
        if measure_like:
            for word in measure_like.split():
                sql += " AND (instr(coalesce(m.measure, ''), ?) > 0 OR instr(m.label, ?) > 0)"
                args += [word, word]
        if scope_like:
            sql += " AND instr(coalesce(m.scope, ''), ?) > 0"
            args.append(scope_like)
        if doc_ids is not None:
            if not doc_ids:
                return []
            sql += f" AND m.doc_id IN ({','.join('?' * len(doc_ids))})"
            args += list(doc_ids)
        return [_metric_row(r) for r in self._query(sql + " ORDER BY m.doc_id, m.id", args)]

    def metric_rows_in(self, doc_ids: Sequence[str], metrics: Sequence[str] | None = None) -> list[MetricRow]:
        """Metric rows of these documents (and metrics), in insertion order: a question scoped to some
        reports reads their rows through the index instead of the whole table."""
        found: list[sqlite3.Row] = []
        by_metric = f" AND m.metric IN ({','.join('?' * len(metrics))})" if metrics else ""
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i: i + 500])
            found += self._query(
                "SELECT m.*, d.region, d.year FROM metrics m JOIN documents d ON d.doc_id = m.doc_id "
                f"WHERE m.doc_id IN ({','.join('?' * len(part))}){by_metric}", [*part, *(metrics or [])])
        return [_metric_row(r) for r in sorted(found, key=lambda r: r["id"])]

    def first_stated_rows(self, doc_ids: Sequence[str], metrics: Sequence[str]) -> dict[str, MetricRow]:
        """Each document's first stated (not derived) row among `metrics`: one row read per document,
        however many rows a report holds."""
        if not metrics:
            return {}
        marks = ",".join("?" * len(metrics))
        first: dict[str, MetricRow] = {}
        for doc_id in dict.fromkeys(doc_ids):
            found = self._query(
                "SELECT m.*, d.region, d.year FROM metrics m JOIN documents d ON d.doc_id = m.doc_id "
                f"WHERE m.doc_id = ? AND m.metric IN ({marks}) AND m.derived = 0 ORDER BY m.id LIMIT 1",
                [doc_id, *metrics])
            if found:
                first[doc_id] = _metric_row(found[0])
        return first

    # --- rankings (the metric_best table, kept at ingest) -----------------------------------------

    def metric_ranking(self, metric: str, *, years: Sequence[int] | None = None,
                       regions: Sequence[str] | None = None, descending: bool = True,
                       limit: int = 10, offset: int = 0) -> list[MetricRow]:
        """Each document's best row for `metric`, ranked by value, within the years and regions given
        (None: all); one index range read, whatever the store size."""
        sql, args = _ranking_sql(metric, years, regions, descending)
        return [_metric_row(r) for r in self._query(sql, [*args, limit, offset])]

    def metric_coverage(self, metric: str, *, years: Sequence[int] | None = None,
                        regions: Sequence[str] | None = None) -> Coverage:
        """How many documents in scope report `metric`, and how many documents are in scope (index counts)."""
        where, args = _ranking_scope(metric, years, regions)
        reported = self._query(f"SELECT COUNT(*) FROM metric_best b WHERE {where}", args)[0][0]
        doc_where, doc_args = _document_scope(years, regions)
        documents = self._query(f"SELECT COUNT(*) FROM documents d WHERE {doc_where}", doc_args)[0][0]
        return Coverage(reported=int(reported), documents=int(documents))

    def metric_unreported(self, metric: str, *, years: Sequence[int] | None = None,
                          regions: Sequence[str] | None = None, limit: int = 10) -> list[str]:
        """Up to `limit` documents in scope (in doc_id order) with no row for `metric`."""
        doc_where, doc_args = _document_scope(years, regions)
        rows = self._query(
            f"SELECT d.doc_id FROM documents d WHERE {doc_where} AND NOT EXISTS "
            "(SELECT 1 FROM metric_best b WHERE b.metric = ? AND b.doc_id = d.doc_id) ORDER BY d.doc_id LIMIT ?",
            [*doc_args, metric, limit])
        return [r[0] for r in rows]

    def _query(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                error = storage_error(exc)
                if error is None:
                    raise
                raise error from exc

    # --- vectors (Chroma) -----------------------------------------------------------------------

    def open_vectors(self) -> None:
        """Open the Chroma collection now (a server does at start-up) instead of on first use."""
        self._vectors()

    def _vectors(self) -> Any:
        if self._collection is not None:
            return self._collection
        with self._collection_lock:
            if self._collection is None:
                self._collection = self._open_collection()
        return self._collection

    def _open_collection(self) -> Any:
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
        self._client = client
        # No embedding function: vectors are computed by our embedder, never by Chroma's
        # default (which would download a model).
        return client.get_or_create_collection(
            "chunks", embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    def vectors_upsert(self, chunks: Sequence[ChunkRow], embeddings: Sequence[Sequence[float]]) -> None:
        """Store vectors and mark their chunks; vectors of chunks deleted meanwhile are dropped again.

        The check runs after the upsert: a delete committed before it is seen here, one committed
        after it finds the vectors in Chroma when it finishes its journal. Either way none is left.
        """
        if not chunks:
            return
        ids = [c.chunk_id for c in chunks]
        self._vectors().upsert(
            ids=ids,
            embeddings=[list(map(float, e)) for e in embeddings],
            metadatas=[{"doc_id": c.doc_id} for c in chunks],
        )
        self.mark_embedded(ids)
        gone = sorted(set(ids) - set(self.chunk_places(ids)))
        if gone:
            self._vectors().delete(ids=gone)

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

    def vectors_get(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunks (those embedded so far), by id."""
        if not chunk_ids:
            return {}
        got = self._vectors().get(ids=list(chunk_ids), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"], strict=True)}

    def has_vectors(self) -> bool:
        """Whether this store has a vector collection to read (a store with dense off never made one)."""
        return self._chroma_url is not None or (self.root / "chroma").exists()

    def vectors_export(self, chunk_ids: Iterable[str], batch: int = 1000
                       ) -> tuple[list[str], list[str], np.ndarray]:
        """(chunk ids, their doc ids, float32 vectors) of those of `chunk_ids` that have a vector, in
        the collection's own order (a restore inserts them in the same order)."""
        wanted = set(chunk_ids)
        collection = self._vectors()
        ids = [i for i in collection.get(include=[])["ids"] if i in wanted]
        out_ids: list[str] = []
        doc_ids: list[str] = []
        parts: list[np.ndarray] = []
        for start in range(0, len(ids), batch):
            got = collection.get(ids=ids[start: start + batch], include=["embeddings", "metadatas"])
            order = {i: n for n, i in enumerate(got["ids"])}
            for i in ids[start: start + batch]:
                if i in order:  # deleted since the listing: left out
                    n = order[i]
                    out_ids.append(i)
                    doc_ids.append(str((got["metadatas"][n] or {}).get("doc_id", "")))
                    parts.append(np.asarray(got["embeddings"][n], dtype=np.float32))
        vectors = np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)
        return out_ids, doc_ids, vectors

    def vectors_import(self, ids: Sequence[str], doc_ids: Sequence[str], vectors: np.ndarray,
                       batch: int = 1000) -> None:
        """Write exported vectors as they are (a restore: the catalogue already marks them embedded)."""
        collection = self._vectors()
        for start in range(0, len(ids), batch):
            end = start + batch
            collection.add(ids=list(ids[start:end]), embeddings=[list(map(float, v)) for v in vectors[start:end]],
                           metadatas=[{"doc_id": d} for d in doc_ids[start:end]])

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
            self._db.execute("DELETE FROM vector_journal")  # every orphan is gone, journalled or not
        return len(orphans) + len(missing)


def document_count(root: Path) -> int | None:
    """Documents in the store at `root` without opening (or creating) it; None when there is no store."""
    path = Path(root) / "catalog.sqlite"
    if not path.is_file():
        return None
    try:
        with catalogue_reader(path) as reader:
            return reader.document_count()
    except sqlite3.Error:
        return 0  # a catalogue from before the documents table, or being created right now


@contextmanager
def catalogue_reader(path: Path) -> Iterator[CatalogueReader]:
    """One read snapshot of the catalogue file at `path` on a read-only connection of its own."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    try:
        db.execute("BEGIN")  # deferred: the snapshot is taken at the first read
        try:
            yield CatalogueReader(db)
        finally:
            db.execute("COMMIT")
    finally:
        db.close()


class CatalogueReader:
    """What the BM25 index reads of one catalogue snapshot: the version, per-document signatures and
    the stored tokens (never re-tokenised)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def version(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        return int(row[0]) if row else 0

    def document_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def signatures(self) -> dict[str, str]:
        """Per document, what changes whenever its chunks do: content hash, pipeline, ingest time, count
        (a signature ending in "|0" is a document without chunks)."""
        rows = self._db.execute(
            "SELECT d.doc_id, d.sha256, d.pipeline, d.ingested_at, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.doc_id) FROM documents d"
        ).fetchall()
        return {r[0]: f"{r[1]}|{r[2]}|{r[3]}|{r[4]}" for r in rows}

    def chunk_count(self, doc_ids: Sequence[str]) -> int:
        total = 0
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i: i + 500])
            total += self._db.execute(
                f"SELECT COUNT(*) FROM chunks WHERE doc_id IN ({','.join('?' * len(part))})", part).fetchone()[0]
        return total

    def tokens(self, doc_ids: Sequence[str] | None) -> Iterator[tuple[str, str, int, list[str]]]:
        """(doc_id, chunk_id, ord, tokens) in (doc_id, ord) order: of every chunk, or of `doc_ids`'."""
        sql = "SELECT doc_id, chunk_id, ord, tokens FROM chunks"
        if doc_ids is None:
            cursors = [self._db.execute(sql + " ORDER BY doc_id, ord")]
        else:
            ids = sorted(doc_ids)
            cursors = (self._db.execute(sql + f" WHERE doc_id IN ({','.join('?' * len(part))}) ORDER BY doc_id, ord",
                                        part) for part in (ids[i: i + 500] for i in range(0, len(ids), 500)))
        for cursor in cursors:
            for doc_id, chunk_id, ord_, tokens in cursor:
                yield doc_id, chunk_id, ord_, tokens.split()


@dataclass(frozen=True)
class Coverage:
    reported: int  # documents in scope with a figure for the metric
    documents: int  # documents in scope


def _document_scope(years: Sequence[int] | None, regions: Sequence[str] | None) -> tuple[str, list[Any]]:
    # A report with no detected region cannot stand for a region in a ranking (rag/answering/unplaced.py).
    where, args = ["d.region IS NOT NULL AND d.region != ''"], []
    if years:
        where.append(f"d.year IN ({','.join('?' * len(years))})")
        args += list(years)
    if regions:
        where.append(f"d.region IN ({','.join('?' * len(regions))})")
        args += list(regions)
    return " AND ".join(where), args


def _ranking_scope(metric: str, years: Sequence[int] | None, regions: Sequence[str] | None
                   ) -> tuple[str, list[Any]]:
    where, args = _document_scope(years, regions)
    return "b.metric = ? AND " + where.replace("d.", "b."), [metric, *args]


def _ranking_sql(metric: str, years: Sequence[int] | None, regions: Sequence[str] | None,
                 descending: bool) -> tuple[str, list[Any]]:
    """The ranking query (LIMIT and OFFSET left as the last two parameters)."""
    where, args = _ranking_scope(metric, years, regions)
    order = "DESC" if descending else "ASC"
    return ("SELECT m.*, b.region, b.year FROM metric_best b JOIN metrics m ON m.id = b.metric_id "
            f"WHERE {where} ORDER BY b.value {order}, b.doc_id LIMIT ? OFFSET ?", args)


def _metric_row(r: sqlite3.Row) -> MetricRow:
    # model_construct: the row comes from our own typed table, and validating thousands of rows was most
    # of a ranking's time.
    return MetricRow.model_construct(
        metric=r["metric"], label=r["label"], value=r["value"], unit=r["unit"], written=r["written"],
        region=r["region"],
        year=r["year"], period=r["period"], scope=r["scope"], approx=r["approx"],
        derived=bool(r["derived"]), formula=r["formula"], doc_id=r["doc_id"], section=r["section"],
        sentence=r["sentence"],
        span=(r["span_start"], r["span_end"]) if r["span_start"] is not None else None,
        ocr_low_confidence=bool(r["ocr_low_confidence"]),
        measure=r["measure"], kind=r["kind"] or "level", scope_kind=r["scope_kind"], fact_year=r["fact_year"],
        source=r["source"] or "text", table_cell=json.loads(r["table_cell"]) if r["table_cell"] else None,
        value_max=r["value_max"],
    )


_CHUNK_COLUMNS = 'chunk_id, doc_id, ord, section, text, start, "end", tokens, page, ocr, ocr_confidence'


def _chunk(r: sqlite3.Row | tuple[Any, ...]) -> ChunkRow:
    return ChunkRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7].split()), r[8], bool(r[9]), r[10])


def _document(row: dict[str, Any]) -> Document:
    provenance = json.loads(row.get("provenance") or "{}")
    manual = json.loads(row["manual"])
    return Document(
        doc_id=row["doc_id"], title=row["title"], region=row["region"], level=row["level"], city=row["city"],
        province=row["province"], year=row["year"], issuer=row["issuer"], date=row["date"],
        published=row["published"], addressee=row["addressee"], kind=row.get("kind"),
        issuer_level=row.get("issuer_level"), index_code=row.get("index_code"), doc_number=row.get("doc_number"),
        provenance=provenance,
        source=row["source"], sha256=row["sha256"], chunks=row.get("n_chunks", 0),
        metrics=row.get("n_metrics", 0), pages=row["pages"], ocr_pages=row["ocr_pages"] or 0,
        manual=sorted(manual.keys()), ingested_at=row["ingested_at"],
        detected=json.loads(row["detected"] or "{}"), embedded=row.get("n_embedded", 0),
        needs_correction=_needs_correction(row, provenance, manual),
    )


def _needs_correction(row: dict[str, Any], provenance: dict[str, Any], manual: dict[str, Any]) -> list[str]:
    """No region at all; else each editable field detected from a weak signal that no person has set."""
    if not row["region"]:
        return ["no_region"]
    return [
        f"check_{name}" for name in EDITABLE
        if name not in manual and row.get(name) is not None
        and float(provenance.get(name, {}).get("confidence", 1.0)) < _UNCERTAIN_BELOW
    ]
