"""Backups of a store: one consistent snapshot taken while a server answers and writes, and a restore
that checks everything before it writes anything.

A store is the SQLite catalogue (the truth), derived BM25 segments, Chroma's vectors and a few small
SQLite files beside them (feedback, sessions, API keys). Copying the directory while a server writes is
not safe: SQLite may be mid-transaction and Chroma's files are its own business. So a backup

- copies every SQLite file with SQLite's online backup API; the catalogue's copy fixes the store version
  `V` the backup stands for;
- exports the vectors of exactly the chunks in that copy through Chroma's API (a chunk id names the
  file's hash, so its vector never changes) and marks in the copy which chunks have one: chunks
  embedded later, or whose vector went with a delete meanwhile, are left pending for the embedding
  worker, as after any upload;
- copies the immutable BM25 segments under their sync lock, then brings them to `V` from the copied
  catalogue (usually nothing to do; else the same incremental update a server runs);
- writes a manifest (`backup.json`) with the counts and a SHA-256 of every file, grouped by part.

A backup is written to a temporary sibling and renamed into place, so a half-written one is never
mistaken for a backup. A restore verifies the manifest, the checksums, the counts and SQLite's
integrity check before it creates the target; it then writes to a temporary sibling, loads the
vectors into a fresh embedded Chroma and renames the result into place.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from filelock import FileLock
from pydantic import BaseModel, Field, ValidationError

from rag.store.database import Store, catalogue_reader
from rag.store.lexical_index import PersistedBM25

FORMAT = 1
MANIFEST = "backup.json"
CATALOGUE = "catalog.sqlite"
VECTOR_IDS = "vectors/ids.json"
VECTORS = "vectors/embeddings.npy"
_SKIP = {".lock", ".serve.lock", ".serve.owner.json"}  # lock files: state of a process, not of the store


class BackupError(Exception):
    """A backup that cannot be made, read or restored; the message says why, for a person."""


class FileSum(BaseModel):
    sha256: str
    bytes: int


class Part(BaseModel):
    sha256: str  # over its files' names and sums: one value to compare per part
    files: dict[str, FileSum]


class Counts(BaseModel):
    documents: int
    chunks: int
    metrics: int
    vectors: int  # chunks with a vector in the backup; the others are embedded again after a restore
    bm25_rows: int


class Manifest(BaseModel):
    format: int = FORMAT
    govqa_version: str
    created_at: str
    store_version: int
    counts: Counts
    parts: dict[str, Part] = Field(default_factory=dict)


def create_backup(store: Store, dest: Path) -> Manifest:
    """Write a consistent backup of `store` (open, possibly serving) to the new directory `dest`."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} already exists and is not empty")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.partial-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    try:
        for db in sorted(store.root.glob("*.sqlite")):
            _copy_sqlite(db, tmp / db.name)
        store_version, chunk_ids = _catalogue_state(tmp / CATALOGUE)
        ids, doc_ids, vectors = store.vectors_export(chunk_ids) if store.has_vectors() else ([], [], None)
        _mark_embedded(tmp / CATALOGUE, ids)
        if ids:
            (tmp / "vectors").mkdir()
            (tmp / VECTOR_IDS).write_text(json.dumps({"ids": ids, "doc_ids": doc_ids}), encoding="utf-8")
            np.save(tmp / VECTORS, vectors)
        _copy_bm25(store.root / "bm25", tmp / "bm25")
        bm25_rows = _bring_bm25_to(tmp, store_version)
        manifest = Manifest(govqa_version=_version(), created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                            store_version=store_version, counts=_counts(tmp / CATALOGUE, len(ids), bm25_rows),
                            parts=_parts(tmp))
        (tmp / MANIFEST).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        if dest.exists():
            dest.rmdir()  # empty, checked above
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def verify_backup(src: Path) -> Manifest:
    """The manifest of the backup at `src` once every file, count and SQLite file checks out;
    raises BackupError naming the first thing that does not."""
    src = Path(src)
    try:
        manifest = Manifest.model_validate_json((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} is not a govqa backup (no {MANIFEST})") from None
    except (OSError, ValueError, ValidationError) as exc:
        raise BackupError(f"the manifest of {src} is unreadable or damaged: {exc}") from None
    if manifest.format != FORMAT:
        raise BackupError(f"{src} is a backup of format {manifest.format}; this govqa reads format {FORMAT}")
    if CATALOGUE not in manifest.parts.get("catalogue", Part(sha256="", files={})).files:
        raise BackupError(f"the backup at {src} has no catalogue")
    for name, part in manifest.parts.items():
        if any(Path(rel).is_absolute() or ".." in Path(rel).parts for rel in part.files):
            raise BackupError(f"the manifest of {src} names a file outside the backup (part {name})")
        if _part_sum(part.files) != part.sha256:
            raise BackupError(f"the manifest of {src} is damaged (part {name} does not match its files)")
        for rel, want in part.files.items():
            path = src / rel
            if not path.is_file():
                raise BackupError(f"the backup is incomplete: {rel} (part {name}) is missing")
            if path.stat().st_size != want.bytes or _sha256(path) != want.sha256:
                raise BackupError(f"the backup is damaged: {rel} (part {name}) does not match its checksum")
    for rel in (r for part in manifest.parts.values() for r in part.files if r.endswith(".sqlite")):
        _check_sqlite(src / rel)
    version_now, _ = _catalogue_state(src / CATALOGUE, read_only=True)
    vectors = _load_vectors(src)[2]
    counts = _counts(src / CATALOGUE, 0 if vectors is None else len(vectors), _bm25_rows(src / "bm25", version_now))
    if version_now != manifest.store_version or counts != manifest.counts:
        raise BackupError(f"the backup does not hold what its manifest says: {counts} at version {version_now}, "
                          f"manifest {manifest.counts} at version {manifest.store_version}")
    return manifest


def restore_backup(src: Path, target: Path, *, force: bool = False) -> Manifest:
    """Restore the backup at `src` into `target`, a new or empty directory (or any, with `force`):
    verified first, so a damaged backup leaves `target` untouched."""
    src, target = Path(src), Path(target)
    if target.exists() and not target.is_dir():
        raise BackupError(f"{target} is a file, not a store directory")
    if target.exists() and any(target.iterdir()) and not force:
        raise BackupError(f"{target} is not empty: restore into a new directory, or pass --force to replace it")
    manifest = verify_backup(src)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restoring-{uuid.uuid4().hex[:8]}")
    try:
        tmp.mkdir()
        for part in manifest.parts.values():
            for rel in part.files:
                if not rel.startswith("vectors/"):
                    (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src / rel, tmp / rel)
        ids, doc_ids, vectors = _load_vectors(src)
        if vectors is not None:
            store = Store(tmp)  # always an embedded Chroma: a restore never writes into a shared server
            try:
                store.vectors_import(ids, doc_ids, vectors)
            finally:
                store.close()
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.replaced-{uuid.uuid4().hex[:8]}")
            target.rename(old)
        tmp.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def copy_backup(src: Path, dest: Path) -> Manifest:
    """Copy the verified backup at `src` to the new directory `dest`, verified again once copied."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} already exists and is not empty")
    verify_backup(src)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.partial-{uuid.uuid4().hex[:8]}")
    try:
        shutil.copytree(src, tmp)
        manifest = verify_backup(tmp)
        if dest.exists():
            dest.rmdir()
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def list_backups(folder: Path) -> list[tuple[str, Manifest]]:
    """(name, manifest) of the backups in `folder`, newest first; unreadable ones are left out."""
    found = []
    for entry in Path(folder).iterdir() if Path(folder).is_dir() else []:
        if entry.name.startswith(".") or not (entry / MANIFEST).is_file():
            continue
        try:
            found.append((entry.name, Manifest.model_validate_json((entry / MANIFEST).read_text(encoding="utf-8"))))
        except (OSError, ValueError, ValidationError):
            continue
    return sorted(found, key=lambda item: (item[1].created_at, item[0]), reverse=True)


def is_store(path: Path) -> bool:
    return (Path(path) / CATALOGUE).is_file()


# --- the parts ----------------------------------------------------------------------------------------


def _copy_sqlite(src: Path, dst: Path) -> None:
    """SQLite's online backup (one step: a consistent copy even while another connection writes),
    then the copy switched out of WAL so it is one self-contained file."""
    with closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True)) as source, closing(sqlite3.connect(dst)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")


def _check_sqlite(path: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as db:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise BackupError(f"the backup is damaged: {path.name} is not a readable SQLite file ({exc})") from None
    if result != "ok":
        raise BackupError(f"the backup is damaged: {path.name} fails SQLite's integrity check ({result})")


def _catalogue_state(path: Path, read_only: bool = False) -> tuple[int, list[str]]:
    uri = f"file:{path}?mode=ro&immutable=1" if read_only else f"file:{path}"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        row = db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        return (int(row[0]) if row else 0), [r[0] for r in db.execute("SELECT chunk_id FROM chunks")]


def _mark_embedded(path: Path, ids: list[str]) -> None:
    """In the copy: a chunk is embedded exactly when its vector is in the backup; stale-vector journal
    entries are moot (only vectors of chunks in the copy were exported)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("BEGIN")
        db.execute("CREATE TEMP TABLE exported (chunk_id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO exported VALUES (?)", [(i,) for i in ids])
        db.execute("UPDATE chunks SET embedded = (chunk_id IN (SELECT chunk_id FROM exported))")
        db.execute("DELETE FROM vector_journal")
        db.execute("COMMIT")


def _copy_bm25(src: Path, dst: Path) -> None:
    """The segments the live manifest names, copied under the sync lock (segments never change once
    written; only the manifest is replaced)."""
    if not (src / "manifest.json").is_file():
        return
    with FileLock(str(src / ".lock")):
        try:
            manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
            names = [s["name"] for s in manifest["segments"]]
        except (OSError, ValueError, KeyError, TypeError):
            return  # unreadable: rebuilt from the catalogue below
        dst.mkdir()
        for name in names:
            if (src / name).is_dir():
                shutil.copytree(src / name, dst / name)
        shutil.copy2(src / "manifest.json", dst / "manifest.json")


class _Catalogue:
    """What PersistedBM25 reads of a store, for a catalogue file alone (no Chroma opened)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @contextmanager
    def catalogue_reader(self) -> Iterator:
        with catalogue_reader(self.root / CATALOGUE) as reader:
            yield reader


def _bring_bm25_to(root: Path, store_version: int) -> int:
    """Sync the copied segments to the copied catalogue (usually a no-op); the live rows indexed."""
    PersistedBM25(root / "bm25", _Catalogue(root)).current(store_version)  # type: ignore[arg-type]
    (root / "bm25" / ".lock").unlink(missing_ok=True)
    return _bm25_rows(root / "bm25", store_version)


def _bm25_rows(directory: Path, store_version: int) -> int:
    """Rows the BM25 manifest at `directory` holds live, or -1 when it is not at `store_version`."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("version") != store_version:
            return -1
        total = 0
        for seg in manifest["segments"]:
            meta = json.loads((directory / seg["name"] / "meta.json").read_text(encoding="utf-8"))
            masked = set(seg.get("masked", []))
            total += sum(end - start for doc_id, start, end, _sig in meta["docs"] if doc_id not in masked)
        return total
    except (OSError, ValueError, KeyError, TypeError):
        return -1


def _load_vectors(root: Path) -> tuple[list[str], list[str], np.ndarray | None]:
    if not (root / VECTOR_IDS).is_file():
        return [], [], None
    try:
        listed = json.loads((root / VECTOR_IDS).read_text(encoding="utf-8"))
        vectors = np.load(root / VECTORS, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise BackupError(f"the backup's vectors are unreadable: {exc}") from None
    if not (len(listed["ids"]) == len(listed["doc_ids"]) == len(vectors)):
        raise BackupError("the backup's vectors do not match their ids")
    return listed["ids"], listed["doc_ids"], vectors


def _counts(catalogue: Path, vectors: int, bm25_rows: int) -> Counts:
    with closing(sqlite3.connect(f"file:{catalogue}?mode=ro&immutable=1", uri=True)) as db:
        def count(table: str) -> int:
            return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

        return Counts(documents=count("documents"), chunks=count("chunks"), metrics=count("metrics"),
                      vectors=vectors, bm25_rows=bm25_rows)


def _parts(root: Path) -> dict[str, Part]:
    """Every file of the backup with its checksum, grouped: catalogue, other SQLite files, vectors, bm25."""
    groups: dict[str, dict[str, FileSum]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name not in _SKIP and p.name != MANIFEST):
        rel = path.relative_to(root).as_posix()
        name = ("catalogue" if rel == CATALOGUE else rel.split("/")[0] if "/" in rel
                else rel.removesuffix(".sqlite"))
        groups.setdefault(name, {})[rel] = FileSum(sha256=_sha256(path), bytes=path.stat().st_size)
    return {name: Part(sha256=_part_sum(files), files=files) for name, files in groups.items()}


def _part_sum(files: dict[str, FileSum]) -> str:
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(f"{rel}\0{files[rel].sha256}\0{files[rel].bytes}\n".encode())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _version() -> str:
    try:
        return version("govqa")
    except PackageNotFoundError:
        return "unknown"
