"""Persisted, memory-mapped BM25 over the chunk tokens stored in SQLite: a derived, versioned cache.

Why not the in-memory bm25s index rebuilt per store version: at a million chunks that rebuild takes
minutes and gigabytes after every ingest. Here the index lives under `<store>/bm25/` as segments of
CSR arrays (.npy, opened with mmap) and is kept in step with the catalogue incrementally:

- a large *base* segment and a small *delta* segment. A new or re-ingested report is indexed by
  rebuilding only the delta from its stored tokens (never re-tokenised); a replaced or deleted
  document is masked in the segment that holds it; when the delta or the masked share outgrows
  `merge_ratio` of the base, everything is merged into a new base.
- statistics (live rows, average length, document frequencies) are summed over the live rows of all
  segments, so scores are those of one index built from scratch (tested).
- SQLite is the truth: the manifest records the store version it reflects and a signature of every
  document it holds. Rows are read through the Store (`Store.catalogue_reader()`, the one owner of
  the catalogue's SQL). A missing, stale or corrupt index is rebuilt from SQLite; every segment is
  written to a temporary directory and renamed, and the manifest is replaced atomically, so a crash
  leaves the previous consistent state.

Scores follow bm25s' default (Lucene idf, k1=1.5, b=0.75), so answers match the in-memory index.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from filelock import FileLock

if TYPE_CHECKING:
    from rag.store.database import CatalogueReader, Store

K1, B = 1.5, 0.75
FORMAT = 1
_BATCH_ROWS = 20_000
_ARRAYS = ("ptr", "rows", "tf", "doc_len", "ords", "fwd_ptr", "fwd_terms", "chunk_ids")


class CorruptIndex(Exception):
    """A segment or manifest that does not hold together; the caller rebuilds from SQLite."""


@dataclass(frozen=True)
class DocSpan:
    doc_id: str
    start: int
    end: int
    sig: str


# --- one segment ------------------------------------------------------------------------------------


class Segment:
    """One immutable segment directory, its arrays memory-mapped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
            terms: list[str] = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
            arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
            self.docs = [DocSpan(*d) for d in meta["docs"]]
            self.n_rows = int(meta["n_rows"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorruptIndex(f"{path.name}: {exc}") from exc
        self.vocab = {t: i for i, t in enumerate(terms)}
        for name, value in arrays.items():
            setattr(self, name, value)
        self.ptr: np.ndarray
        self.rows: np.ndarray
        self.tf: np.ndarray
        self.doc_len: np.ndarray
        self.ords: np.ndarray
        self.fwd_ptr: np.ndarray
        self.fwd_terms: np.ndarray
        self.chunk_ids: np.ndarray
        self._check(len(terms))

    def _check(self, n_terms: int) -> None:
        nnz = len(self.rows)
        ok = (len(self.ptr) == n_terms + 1 and int(self.ptr[-1]) == nnz and len(self.tf) == nnz
              and len(self.doc_len) == self.n_rows and len(self.ords) == self.n_rows
              and len(self.chunk_ids) == self.n_rows and len(self.fwd_ptr) == self.n_rows + 1
              and int(self.fwd_ptr[-1]) == len(self.fwd_terms) == nnz)
        edges = [0, *(x for d in self.docs for x in (d.start, d.end)), self.n_rows]
        contiguous = all(edges[i] == edges[i + 1] for i in range(0, len(edges), 2))
        if not ok or not contiguous:
            raise CorruptIndex(f"{self.path.name}: arrays do not match their metadata")

    def df(self, term_id: int) -> int:
        return int(self.ptr[term_id + 1] - self.ptr[term_id])

    @staticmethod
    def write(path: Path, docs: Iterable[tuple[str, str, Sequence[tuple[str, int, Sequence[str]]]]]) -> None:
        """Build a segment from (doc_id, signature, [(chunk_id, ord, tokens)]) into a temporary
        directory, then rename it to `path`: a crash never leaves a half-written segment in place."""
        tmp = path.with_name(path.name + ".tmp-" + uuid.uuid4().hex[:8])
        tmp.mkdir(parents=True)
        vocab: dict[str, int] = {}
        spans: list[list[object]] = []
        keys: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        lengths: list[int] = []
        ords: list[int] = []
        chunk_ids: list[str] = []
        batch_ids: list[list[int]] = []

        def flush() -> None:
            if not batch_ids:
                return
            first = len(lengths) - len(batch_ids)
            sizes = np.fromiter((len(t) for t in batch_ids), dtype=np.int64, count=len(batch_ids))
            flat = np.fromiter((i for t in batch_ids for i in t), dtype=np.int64, count=int(sizes.sum()))
            rows = np.repeat(np.arange(first, first + len(batch_ids), dtype=np.int64), sizes)
            key, count = np.unique((rows << 32) | flat, return_counts=True)  # sorted by row, then term
            keys.append(key)
            counts.append(count.astype(np.float32))
            batch_ids.clear()

        for doc_id, sig, chunks in docs:
            start = len(lengths)
            for chunk_id, ord_, tokens in chunks:
                batch_ids.append([vocab.setdefault(t, len(vocab)) for t in tokens])
                lengths.append(len(tokens))
                ords.append(ord_)
                chunk_ids.append(chunk_id)
                if len(batch_ids) >= _BATCH_ROWS:
                    flush()
            spans.append([doc_id, start, len(lengths), sig])
        flush()
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        tf = np.concatenate(counts) if counts else np.zeros(0, dtype=np.float32)
        fwd_rows = (key >> 32).astype(np.int32)
        fwd_terms = (key & 0xFFFFFFFF).astype(np.int32)
        del key
        by_term = np.argsort(fwd_terms, kind="stable")  # rows stay ascending within a term
        n_rows = len(lengths)
        arrays = {
            "ptr": np.concatenate([[0], np.cumsum(np.bincount(fwd_terms, minlength=len(vocab)))]).astype(np.int64),
            "rows": fwd_rows[by_term],
            "tf": tf[by_term],
            "doc_len": np.asarray(lengths, dtype=np.float32),
            "ords": np.asarray(ords, dtype=np.int32),
            "fwd_ptr": np.concatenate([[0], np.cumsum(np.bincount(fwd_rows, minlength=n_rows))]).astype(np.int64),
            "fwd_terms": fwd_terms,
            "chunk_ids": np.asarray(chunk_ids, dtype=str) if chunk_ids else np.zeros(0, dtype="<U1"),
        }
        for name, value in arrays.items():
            np.save(tmp / f"{name}.npy", value)
        (tmp / "vocab.json").write_text(json.dumps(list(vocab), ensure_ascii=False), encoding="utf-8")
        (tmp / "meta.json").write_text(json.dumps({"n_rows": n_rows, "docs": spans}, ensure_ascii=False),
                                       encoding="utf-8")
        _fsync_dir(tmp)
        os.rename(tmp, path)


# --- the live view: segments with masks and shared statistics ---------------------------------------


class LexicalIndex:
    """The segments of one store version: rows are numbered across segments (base first)."""

    def __init__(self, version: int, segments: Sequence[Segment], masked: Sequence[frozenset[str]]) -> None:
        self.version = version
        self.segments = list(segments)
        self.masked = [set(m) for m in masked]
        self.offsets = np.cumsum([0, *(s.n_rows for s in self.segments)]).astype(np.int64)
        self.size = int(self.offsets[-1])
        self.live = np.zeros(self.size, dtype=bool)
        self.doc_rows: dict[str, tuple[int, int]] = {}
        self._masked_df: list[np.ndarray | None] = []
        for seg, offset, dead in zip(self.segments, self.offsets, self.masked, strict=False):
            dead_rows: list[tuple[int, int]] = []
            for d in seg.docs:
                if d.doc_id in dead:
                    dead_rows.append((d.start, d.end))
                else:
                    self.doc_rows[d.doc_id] = (int(offset) + d.start, int(offset) + d.end)
                    self.live[offset + d.start: offset + d.end] = True
            self._masked_df.append(_masked_df(seg, dead_rows))
        self.n_live = int(self.live.sum())
        total_len = sum(float(np.asarray(s.doc_len, dtype=np.float64).sum()) for s in self.segments)
        self.avgdl = (total_len - float(self._all_len()[~self.live].sum())) / self.n_live if self.n_live else 1.0
        # Length normalisation depends only on avgdl: computed once per version, not per question.
        self._norm = [(K1 * ((1 - B) + B * np.asarray(s.doc_len) / self.avgdl)).astype(np.float32)
                      for s in self.segments]
        self._sort_key: np.ndarray | None = None
        self._row_doc: np.ndarray | None = None  # row → position in `_doc_names` (built on first use)
        self._doc_names: list[str] = []

    def _all_len(self) -> np.ndarray:
        if not self.segments:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate([np.asarray(s.doc_len) for s in self.segments])

    def df(self, term: str) -> int:
        """Live chunks containing `term`, over all segments."""
        total = 0
        for seg, masked in zip(self.segments, self._masked_df, strict=True):
            tid = seg.vocab.get(term)
            if tid is not None:
                total += seg.df(tid) - (int(masked[tid]) if masked is not None else 0)
        return total

    def idf_of(self, term: str) -> float | None:
        df = self.df(term)
        if df <= 0:
            return None
        return math.log(1 + (self.n_live - df + 0.5) / (df + 0.5))

    @property
    def idf(self) -> IdfView:
        return IdfView(self)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (a repeated token counts again, as in bm25s)."""
        out = np.zeros(self.size, dtype=np.float32)
        idf = {t: self.idf_of(t) for t in set(tokens)}
        for token in tokens:
            weight = idf[token]
            if weight is None:
                continue
            for seg, offset, norm in zip(self.segments, self.offsets, self._norm, strict=False):
                tid = seg.vocab.get(token)
                if tid is None:
                    continue
                lo, hi = int(seg.ptr[tid]), int(seg.ptr[tid + 1])
                rows = np.asarray(seg.rows[lo:hi])
                tf = np.asarray(seg.tf[lo:hi])
                out[offset + rows] += np.float32(weight) * tf / (norm[rows] + tf)
        out[~self.live] = 0.0
        return out

    def rows_of(self, doc_ids: Iterable[str]) -> np.ndarray:
        """A row mask of the live chunks of `doc_ids` (a document's chunks are contiguous)."""
        mask = np.zeros(self.size, dtype=bool)
        for doc_id in doc_ids:
            span = self.doc_rows.get(doc_id)
            if span is not None:
                mask[span[0]: span[1]] = True
        return mask

    def locate(self, doc_id: str, ord_: int) -> int | None:
        """The row of a document's chunk by its ord."""
        span = self.doc_rows.get(doc_id)
        if span is None:
            return None
        seg_no = int(np.searchsorted(self.offsets, span[0], side="right")) - 1
        offset = int(self.offsets[seg_no])
        ords = np.asarray(self.segments[seg_no].ords[span[0] - offset: span[1] - offset])
        hit = np.flatnonzero(ords == ord_)
        return span[0] + int(hit[0]) if len(hit) else None

    def chunk_id(self, row: int) -> str:
        seg_no = int(np.searchsorted(self.offsets, row, side="right")) - 1
        return str(self.segments[seg_no].chunk_ids[row - int(self.offsets[seg_no])])

    def top(self, values: np.ndarray, mask: np.ndarray, depth: int) -> list[int]:
        """Rows of the `depth` highest values within `mask`; ties in the order of one index built from
        scratch (by doc_id, then ord), so segmenting never changes which chunk wins a tie."""
        scoped = np.where(mask, values, -np.inf)
        depth = min(depth, int(mask.sum()))
        if depth <= 0:
            return []
        threshold = np.partition(-scoped, depth - 1)[depth - 1]
        candidates = np.flatnonzero((-scoped <= threshold) & mask)
        key = self.sort_key()[candidates]
        order = np.lexsort((key, -scoped[candidates]))
        return [int(candidates[i]) for i in order[:depth]]

    def best_docs(self, values: np.ndarray, mask: np.ndarray, limit: int) -> list[str]:
        """Up to `limit` documents with a positive value in `mask`, ordered by their best row's value:
        reads the top rows (deeper until enough distinct documents), never every document."""
        positive = mask & (values > 0)
        available = int(positive.sum())
        depth = min(available, limit * 4)
        while True:
            docs = list(dict.fromkeys(self.doc_of(row) for row in self.top(values, positive, depth)))
            if len(docs) >= limit or depth >= available:
                return docs[:limit]
            depth = min(available, depth * 4)

    def doc_of(self, row: int) -> str:
        """The document a row belongs to."""
        if self._row_doc is None:
            names = sorted(self.doc_rows)
            owner = np.full(self.size, -1, dtype=np.int32)
            for i, doc_id in enumerate(names):
                start, end = self.doc_rows[doc_id]
                owner[start:end] = i
            self._row_doc, self._doc_names = owner, names
        return self._doc_names[int(self._row_doc[row])]

    def sort_key(self) -> np.ndarray:
        """Per row: position in (doc_id, ord) order over live documents."""
        if self._sort_key is None:
            key = np.full(self.size, np.iinfo(np.int64).max, dtype=np.int64)
            position = 0
            for doc_id in sorted(self.doc_rows):
                start, end = self.doc_rows[doc_id]
                key[start:end] = np.arange(position, position + end - start)
                position += end - start
            self._sort_key = key
        return self._sort_key


class IdfView(Mapping[str, float]):
    """Inverse chunk frequency by token, read from the index on demand instead of a dict of every token."""

    def __init__(self, index: LexicalIndex) -> None:
        self._index = index

    def __getitem__(self, term: str) -> float:
        value = self._index.idf_of(term)
        if value is None:
            raise KeyError(term)
        return value

    def get(self, term: str, default: float | None = None) -> float | None:  # type: ignore[override]
        value = self._index.idf_of(term)
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for seg in self._index.segments:
            for term in seg.vocab:
                if term not in seen and self._index.df(term) > 0:
                    seen.add(term)
                    yield term

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _masked_df(seg: Segment, dead_rows: Sequence[tuple[int, int]]) -> np.ndarray | None:
    """How many masked rows hold each term, from the forward index, so df counts live rows only."""
    if not dead_rows:
        return None
    parts = [np.asarray(seg.fwd_terms[int(seg.fwd_ptr[s]): int(seg.fwd_ptr[e])]) for s, e in dead_rows]
    return np.bincount(np.concatenate(parts), minlength=len(seg.vocab)).astype(np.int64)


# --- keeping the segments in step with SQLite -------------------------------------------------------


class PersistedBM25:
    """The BM25 segments under `directory`, synced to the catalogue of `store` on demand."""

    def __init__(self, directory: Path, store: Store, *, merge_ratio: float = 0.1,
                 min_base_rows: int = 20_000) -> None:
        self.directory = Path(directory)
        self.store = store
        self.merge_ratio = merge_ratio
        self.min_base_rows = min_base_rows
        self._lock = threading.Lock()
        self._view: LexicalIndex | None = None
        self.rebuilds = 0  # full rebuilds from SQLite by this process (read by tests)
        self.delta_builds = 0

    def current(self, version: int) -> LexicalIndex:
        """The index as of store `version`; synced from SQLite when it lags."""
        view = self._view
        if view is not None and view.version == version:
            return view
        with self._lock:
            if self._view is None or self._view.version != version:
                self._view = self._sync(version)
            return self._view

    def _sync(self, version: int) -> LexicalIndex:
        self.directory.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.directory / ".lock"):
            manifest = self._read_manifest()
            segments, masked = self._open(manifest)
            if manifest is not None and segments is not None and manifest.get("version") == version:
                return LexicalIndex(version, segments, masked)
            # One read snapshot: the signatures and the tokens read below agree with each other.
            with self.store.catalogue_reader() as db:
                version = db.version()  # what this snapshot reflects, possibly newer
                sigs = db.signatures()
                if segments is None:
                    return self._rebuild(db, version, sigs)
                return self._update(db, version, sigs, segments, masked)

    def _update(self, db: CatalogueReader, version: int, sigs: dict[str, str],
                segments: list[Segment], masked: list[frozenset[str]]) -> LexicalIndex:
        live: set[str] = set()
        new_masked: list[frozenset[str]] = []
        for seg, dead in zip(segments, masked, strict=True):
            keep = {d.doc_id for d in seg.docs if d.doc_id not in dead and sigs.get(d.doc_id) == d.sig
                    and d.doc_id not in live}
            live |= keep
            new_masked.append(frozenset(d.doc_id for d in seg.docs) - keep)
        missing = sorted(d for d in set(sigs) - live if not sigs[d].endswith("|0"))  # chunkless: nothing to index
        base, delta = segments[0], segments[1:]
        base_live = sum(d.end - d.start for d in base.docs if d.doc_id not in new_masked[0])
        delta_docs = sorted({d.doc_id for seg, dead in zip(delta, new_masked[1:], strict=True)
                             for d in seg.docs if d.doc_id not in dead} | set(missing))
        delta_rows = db.chunk_count(delta_docs)
        if (base_live + delta_rows < self.min_base_rows or delta_rows > self.merge_ratio * max(base_live, 1)
                or base.n_rows - base_live > self.merge_ratio * max(base.n_rows, 1)):
            return self._rebuild(db, version, sigs)
        if missing or len(delta) > 1:
            name = _new_name("delta")
            Segment.write(self.directory / name, _docs(db, sigs, delta_docs))
            self.delta_builds += 1
            segments = [base, Segment(self.directory / name)]
            new_masked = [new_masked[0], frozenset()]
        self._write_manifest(version, segments, new_masked)
        return LexicalIndex(version, segments, new_masked)

    def _rebuild(self, db: CatalogueReader, version: int, sigs: dict[str, str]) -> LexicalIndex:
        name = _new_name("base")
        Segment.write(self.directory / name, _docs(db, sigs, None))
        self.rebuilds += 1
        segments = [Segment(self.directory / name)]
        self._write_manifest(version, segments, [frozenset()])
        return LexicalIndex(version, segments, [frozenset()])

    def _read_manifest(self) -> dict | None:
        try:
            manifest = json.loads((self.directory / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None

    def _open(self, manifest: dict | None) -> tuple[list[Segment] | None, list[frozenset[str]]]:
        if manifest is None or not manifest.get("segments"):
            return None, []
        try:
            segments = [Segment(self.directory / s["name"]) for s in manifest["segments"]]
            masked = [frozenset(s.get("masked", [])) for s in manifest["segments"]]
        except (CorruptIndex, KeyError, TypeError):
            return None, []
        return segments, masked

    def _write_manifest(self, version: int, segments: Sequence[Segment], masked: Sequence[frozenset[str]]) -> None:
        manifest = {"format": FORMAT, "version": version,
                    "segments": [{"name": s.path.name, "masked": sorted(m)} for s, m in zip(segments, masked,
                                                                                            strict=True)]}
        tmp = self.directory / f"manifest.json.tmp-{uuid.uuid4().hex[:8]}"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.directory / "manifest.json")
        _fsync_dir(self.directory)
        keep = {s.path.name for s in segments} | {"manifest.json", ".lock"}
        for entry in self.directory.iterdir():  # unreferenced segments and leftovers of a crash
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)


def _docs(db: CatalogueReader, sigs: dict[str, str],
          doc_ids: Sequence[str] | None) -> Iterator[tuple[str, str, list[tuple[str, int, list[str]]]]]:
    """Documents with their stored tokens in (doc_id, ord) order: all of them, or just `doc_ids`."""
    current: str | None = None
    chunks: list[tuple[str, int, list[str]]] = []
    for doc_id, chunk_id, ord_, tokens in db.tokens(doc_ids):
        if doc_id != current:
            if current is not None and current in sigs:
                yield current, sigs[current], chunks
            current, chunks = doc_id, []
        chunks.append((chunk_id, ord_, tokens))
    if current is not None and current in sigs:
        yield current, sigs[current], chunks


def _new_name(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialise syncs between processes sharing a store (a server and a CLI ingest)."""
    with FileLock(str(path)):
        yield
