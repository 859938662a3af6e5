"""Idempotent ingest: one file becomes a document, its chunks, BM25 tokens and metric rows.

`ingest()` is the one entry point: the CLI, the upload route and the bench call it. The catalogue
write is one transaction and the end of an ingest, so a report is searchable (BM25, metrics) the
moment it is committed. Embedding is the slow stage and runs afterwards: `embed_batch` gives a few
pending chunks their vectors, and is the one step both `embed_pending` (CLI, bench) and the server's
background worker (`ingest.embed_queue`) repeat. A file that fails is reported and skipped.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ingest.chunking import chunk_paragraphs
from ingest.errors import IngestError
from ingest.facts import derive_metrics, extract_metrics
from ingest.loaders import SUPPORTED_SUFFIXES, LoadedText, load
from ingest.metadata import detect_metadata
from ingest.none_stated import none_stated
from ingest.ocr import OcrOptions
from ingest.pages import page_of, pages_between
from ingest.ranks import ranks
from ingest.sections import Paragraph, format_path, parse_sections
from ingest.table_facts import table_facts
from ingest.tables import locate
from ingest.tables import spans as table_spans
from rag.answering.report_fields import NOTED_FIELDS
from rag.retrieval.embedders import Embedder
from rag.retrieval.retriever import sync_lexical_index
from rag.retrieval.tokenizer import Tokenizer, default_tokenizer
from rag.schema import MetricRow
from rag.stages import stage
from rag.store.database import ChunkRow, Store

# Bump when parsing, chunking or extraction changes, so unchanged files are re-processed once.
PIPELINE_VERSION = "8"


@dataclass(frozen=True)
class IngestResult:
    path: Path
    status: str  # added | updated | unchanged | duplicate | failed
    doc_id: str | None = None
    reason: str | None = None
    chunks: int = 0
    metrics: int = 0


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: the given files, and supported files found under the given folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            found.append(path)
    return found


def doc_id_for(path: Path) -> str:
    """A stable, URL-safe id from the file name (`siyang-2023.txt` → `siyang-2023`)."""
    stem = re.sub(r"[^\w\-]+", "-", path.stem, flags=re.UNICODE).strip("-").lower()
    return stem[:80] or "document"


class Notifiable(Protocol):
    """What `ingest()` tells that new chunks wait for vectors (the server's `EmbedQueue`)."""

    def notify(self) -> None: ...


def ingest(store: Store, paths: Sequence[Path], *, chunk_size: int = 300, ocr: OcrOptions | None = None,
           on_file: Callable[[Path], None] | None = None, on_result: Callable[[IngestResult], None] | None = None,
           embedder: Embedder | None = None, queue: Notifiable | None = None,
           on_embed: Callable[[int, int], None] | None = None, embed_batch: int = 16,
           index: bool = False) -> list[IngestResult]:
    """Ingest files and folders: each file's catalogue commit ends its ingest; then its vectors.

    With a `queue` (the server) embedding is handed to the background worker and this returns at
    once; else with an `embedder` (CLI, bench) the pending chunks are embedded here; else none.
    `index` brings the persisted BM25 index up to date first (CLI, bench), so a server starting on
    the store opens it instead of building it.
    """
    results = []
    for path in discover(paths):
        if on_file:
            on_file(path)
        result = ingest_file(store, path, chunk_size=chunk_size, ocr=ocr)
        results.append(result)
        if on_result:
            on_result(result)
        if queue is not None and result.status in {"added", "updated"}:
            queue.notify()
    if index:
        sync_lexical_index(store)
    if queue is None and embedder is not None:
        embed_pending(store, embedder, batch=embed_batch, on_batch=on_embed)
    return results


def ingest_file(store: Store, path: Path, *, chunk_size: int = 300, tokenizer: Tokenizer | None = None,
                ocr: OcrOptions | None = None) -> IngestResult:
    """Ingest one file; never raises for a bad file, returns a `failed` result naming the reason.

    `ocr` sets how scanned PDF pages are read (limits, progress callback); None = the defaults.
    Two ingests of the same file name or content wait for each other (they would race on one doc
    id); ingests of other files run side by side, so a small upload never queues behind a big one.
    """
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        # Before the duplicate check: a `.doc` copy of an ingested report is unsupported, not a duplicate.
        kind, supported = path.suffix.lower() or path.name, ", ".join(sorted(SUPPORTED_SUFFIXES))
        return IngestResult(path, "failed", reason=f"unsupported file type '{kind}' (supported: {supported})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return IngestResult(path, "failed", reason=f"cannot read file: {exc.strerror or exc}")
    sha = hashlib.sha256(data).hexdigest()
    with store.claim(f"name:{doc_id_for(path)}", f"sha:{sha}"):
        return _ingest_bytes(store, path, sha, chunk_size=chunk_size, tokenizer=tokenizer, ocr=ocr)


def _ingest_bytes(store: Store, path: Path, sha: str, *, chunk_size: int, tokenizer: Tokenizer | None,
                  ocr: OcrOptions | None) -> IngestResult:
    doc_id = _free_doc_id(store, path)
    old = store.get_document_row(doc_id)
    if old and old["sha256"] == sha and old["pipeline"] == PIPELINE_VERSION:
        return IngestResult(path, "unchanged", doc_id)
    twin = store.find_by_sha(sha)
    if twin and twin["doc_id"] != doc_id:
        return IngestResult(path, "duplicate", twin["doc_id"], reason=f"same content as {twin['source']}")
    try:
        with stage("load"):
            loaded = load(path, ocr=ocr)
    except IngestError as exc:
        return IngestResult(path, "failed", reason=exc.reason)
    if not loaded.text.strip():
        return IngestResult(path, "failed", reason="no text found in the file")

    with stage("section"):
        paragraphs, _ = parse_sections(loaded.text)
        chunks = chunk_paragraphs(loaded.text, paragraphs, size=chunk_size)
    with stage("tokenise"):
        tok = tokenizer or default_tokenizer()
        chunk_rows = [
            ChunkRow(f"{doc_id}:{sha[:12]}:{c.ord}", doc_id, c.ord, c.section, c.text, c.start, c.end,
                     tuple(tok.tokens(f"{c.section} {c.text}")), *_provenance(loaded, c.start, c.end))
            for c in chunks
        ]
    with stage("extract"):
        meta = detect_metadata(loaded.text, raw=loaded.raw, title_hint=loaded.title_hint, filename=path.name)
        metric_rows = _flag_low_confidence(_metric_rows(doc_id, loaded, paragraphs, meta.year), loaded)
    with stage("write"):
        store.replace_document(
            {
                "doc_id": doc_id, "source": path.name, "sha256": sha, "fmt": loaded.fmt, "pipeline": PIPELINE_VERSION,
                "title": meta.title, "region": meta.region, "level": meta.level, "city": meta.city,
                "province": meta.province, "year": meta.year, "issuer": meta.issuer, "date": meta.date,
                "published": meta.published, "addressee": meta.addressee, "kind": meta.kind,
                "issuer_level": meta.issuer_level, "index_code": meta.index_code, "doc_number": meta.doc_number,
                # Fields without a column of their own (the page's source office 来源, the stated period
                # 统计期限) ride in their provenance with their value.
                "provenance": {k: {"source": v, "confidence": meta.confidence.get(k)}
                               | ({"value": getattr(meta, k)} if k in NOTED_FIELDS else {})
                               | ({"printed": meta.printed[k]} if k in meta.printed else {})
                               for k, v in meta.sources.items()},
                "pages": loaded.pages,
                "ocr_pages": loaded.ocr_pages, "text": loaded.text,
            },
            chunk_rows,
            metric_rows,
        )
    return IngestResult(path, "updated" if old else "added", doc_id, chunks=len(chunk_rows), metrics=len(metric_rows))


def embed_batch(store: Store, embedder: Embedder, limit: int = 16) -> int:
    """Give up to `limit` pending chunks their vectors and mark them; returns how many (0: none pending).

    The server's embedding worker repeats it; `embed_pending` (`govqa ingest`, `govqa embed`) streams
    batches in rowid order instead. Both end in `embed_chunks`, the one embedding step.
    Chunks are read fresh each time, so a document deleted meanwhile is skipped from the next batch
    on, and `vectors_upsert` drops the vectors of chunks deleted while their batch was embedded.
    """
    part = store.pending_chunks(limit)
    return embed_chunks(store, embedder, part) if part else 0


def embed_pending(store: Store, embedder: Embedder | None, batch: int = 16,
                  on_batch: Callable[[int, int], None] | None = None) -> int:
    """Embed chunks that have no vector yet, `batch` at a time; returns how many were embedded.

    Pending chunks are read from the store one batch at a time (`Store.pending_batches`), so memory is
    one batch whatever the store's size. `embedder` may fan a batch out (ingest/ray_embed.py)."""
    if embedder is None:
        return 0
    store.reconcile_vectors()
    total = store.pending_count()
    done = 0
    for part in store.pending_batches(batch):
        done += embed_chunks(store, embedder, part)
        if on_batch:
            on_batch(done, total)
    from ingest.fact_vectors import embed_all_facts  # facts after chunks: search first, meaning next

    embed_all_facts(store, embedder)
    return done


def embed_chunks(store: Store, embedder: Embedder, chunks: Sequence[ChunkRow]) -> int:
    """Embed these chunks, write their vectors and mark them embedded (one Chroma upsert)."""
    with stage("embed"):
        vectors = embedder.embed_passages([passage_text(c.section, c.text) for c in chunks])
    with stage("vectors"):
        store.vectors_upsert(chunks, vectors)
    return len(chunks)


def passage_text(section: str, text: str) -> str:
    """What the embedder sees: the section path gives a chunk its topic."""
    return f"{section}\n{text}" if section else text


def _free_doc_id(store: Store, path: Path) -> str:
    """The file's doc id, suffixed when another file of the same stem already holds it."""
    base = doc_id_for(path)
    candidate, n = base, 1
    while (row := store.get_document_row(candidate)) and row["source"] != path.name:
        n += 1
        candidate = f"{base}-{path.suffix.lstrip('.').lower()}" if n == 2 else f"{base}-{n}"
    return candidate


def _metric_rows(doc_id: str, loaded: LoadedText, paragraphs: list[Paragraph], doc_year: int | None) -> list[MetricRow]:
    """Facts of the prose and of the tables (each cell once), and the rates and totals they imply."""
    text = loaded.text
    locate(text, loaded.tables)
    facts = extract_metrics(text, skip=table_spans(loaded.tables)) + table_facts(text, loaded.tables)
    facts.sort(key=lambda f: f.span[0])
    facts = facts + derive_metrics(facts)
    # Counts stated as none ("未收到政府信息公开申请") after the rates: a 0 is no part or whole of a share.
    # Places taken in an assessment (位列全省第4名) are ordinals: no part or whole of a share either.
    facts = sorted(facts + none_stated(text) + ranks(text), key=lambda f: (f.derived, f.span[0]))
    starts = [p.start for p in paragraphs]
    rows = []
    for f in facts:
        i = bisect_right(starts, f.span[0]) - 1
        para = paragraphs[i] if i >= 0 and f.span[0] < paragraphs[i].end else None
        fact_year = f.fact_year
        if fact_year is None and f.year_offset and doc_year is not None:
            fact_year = doc_year + f.year_offset
        rows.append(
            MetricRow(
                metric=f.metric, label=f.label, value=f.value, unit=f.unit, written=f.written or None,
                period=f.period, scope=f.scope, approx=f.approx, derived=f.derived, formula=f.formula, doc_id=doc_id,
                section=format_path(para.path) if para else "", sentence=f.sentence, span=f.span,
                measure=f.measure, kind=f.kind, scope_kind=f.scope_kind, fact_year=fact_year,  # type: ignore[arg-type]
                source=f.source, table_cell=f.table_cell, value_max=f.value_max,  # type: ignore[arg-type]
            )
        )
    return rows


def _provenance(loaded: LoadedText, start: int, end: int) -> tuple[int | None, bool, float | None]:
    """(page, ocr, ocr_confidence) of the text [start, end): its first page; OCR if any page was scanned."""
    if not loaded.page_spans:
        return None, False, None
    page = page_of(loaded.page_spans, start)
    pages = pages_between(loaded.page_spans, start, end)
    scores = [c for n in pages if (c := loaded.ocr_confidence[n - 1]) is not None]
    return page, bool(scores), round(min(scores), 4) if scores else None


def _flag_low_confidence(rows: list[MetricRow], loaded: LoadedText) -> list[MetricRow]:
    """Mark figures that sit in OCR text recognised below the confidence threshold."""
    if not loaded.low_confidence_spans:
        return rows
    return [
        row.model_copy(update={"ocr_low_confidence": True})
        if row.span and any(a < row.span[1] and row.span[0] < b for a, b in loaded.low_confidence_spans) else row
        for row in rows
    ]
