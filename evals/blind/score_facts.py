"""Fact precision/recall of `govqa metrics --json` rows against hand-made fact lists (JSONL per report).

Match: same document, value equal (1e-6 relative or 0.01 absolute), unit equal after normalisation,
kind equal (a row without `kind` counts as "level"); one-to-one, rows whose sentence holds the gold
figure as written preferred. Precision counts rows that have a unit (figures with a measure and a unit).
"""
from __future__ import annotations

import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

UNIT_ALIASES = {"百分点": "个百分点", "％": "%"}


def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return "".join(s.split())


def unit(u: str | None) -> str:
    u = norm(u)
    return UNIT_ALIASES.get(u, u)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01, 1e-6 * abs(b))


def main(rows_path: str, facts_dir: str) -> dict:
    rows = json.loads(Path(rows_path).read_text(encoding="utf-8"))
    gold: dict[str, list[dict]] = defaultdict(list)
    for f in sorted(Path(facts_dir).glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                g = json.loads(line)
                gold[g["doc"]].append(g)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["doc_id"] in gold and r.get("unit"):
            by_doc[r["doc_id"]].append(r)
    report = {}
    tp_all = n_rows = n_gold = 0
    scope_ok = scope_n = 0
    misses, extras = [], []
    for doc, facts in gold.items():
        cands = by_doc.get(doc, [])
        used: set[int] = set()
        tp = 0
        for g in facts:
            best = None
            for i, r in enumerate(cands):
                if i in used or not close(float(r["value"]), float(g["value"])):
                    continue
                if unit(r.get("unit")) != unit(g.get("unit")):
                    continue
                if (r.get("kind") or "level") != (g.get("kind") or "level"):
                    continue
                score = 1 if norm(g.get("written")) and norm(g["written"]) in norm(r.get("sentence")) else 0
                if best is None or score > best[0]:
                    best = (score, i)
            if best is None:
                misses.append((doc, g.get("written"), g.get("measure"), g.get("context")))
                continue
            used.add(best[1])
            tp += 1
            r = cands[best[1]]
            if r.get("scope_kind") is not None and g.get("scope_kind"):
                scope_n += 1
                scope_ok += r["scope_kind"] == g["scope_kind"]
        extras += [(doc, r.get("written") or r["value"], r.get("unit"), r.get("label"), (r.get("sentence") or "")[:40])
                   for i, r in enumerate(cands) if i not in used]
        report[doc] = {"gold": len(facts), "rows": len(cands), "matched": tp}
        tp_all += tp
        n_rows += len(cands)
        n_gold += len(facts)
    out = {"recall": round(tp_all / n_gold, 4) if n_gold else None,
           "precision": round(tp_all / n_rows, 4) if n_rows else None,
           "gold": n_gold, "rows": n_rows, "matched": tp_all,
           "scope_agreement": round(scope_ok / scope_n, 4) if scope_n else None, "per_doc": report}
    return out, misses, extras


if __name__ == "__main__":
    out, misses, extras = main(sys.argv[1], sys.argv[2])
    print(json.dumps(out, ensure_ascii=False, indent=1))
    if len(sys.argv) > 3:
        Path(sys.argv[3]).write_text("MISSES\n" + "\n".join(map(str, misses)) + "\n\nEXTRAS\n"
                                     + "\n".join(map(str, extras)), encoding="utf-8")
