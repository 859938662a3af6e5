#!/usr/bin/env python3
"""Check blind.jsonl: quotes verbatim and unique, ids unique, fields present, answers self-consistent."""
import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "blind16.jsonl"
DIRS = [HERE.parents[1] / "corpus", HERE.parent / "reports"]  # the bundled reports and the blind ones
REQUIRED = ["id", "question", "kind", "answerable", "answer", "must_include", "evidence", "category"]
KINDS = {"lookup", "aggregate", "metadata", "summary", "unanswerable", "multi_turn"}
NUM = re.compile(r"^\d+(\.\d+)?%?$")


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return re.sub(r"[\s*]", "", s)


def contains(answer_n: str, entry: str) -> bool:
    e = norm(entry)
    if NUM.match(e):
        return re.search(r"(?<![\d.])" + re.escape(e) + r"(?![\d.])", answer_n) is not None
        # note: a trailing "." followed by non-digit (sentence end) still counts as a neighbour here,
        # which is stricter than needed; answers are written to avoid it.
    return e in answer_n


def contains_num_loose(answer_n: str, e: str) -> bool:
    # contract: not preceded or followed by another digit or decimal point
    return re.search(r"(?<![\d.])" + re.escape(e) + r"(?![\d.])", answer_n) is not None


def text_of(path: Path) -> str:
    suf = path.suffix.lower()
    if suf in (".txt", ".md"):
        return path.read_text(encoding="utf-8", errors="replace")
    if suf in (".html", ".htm"):
        raw = path.read_bytes()
        m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:3000])
        enc = (m.group(1).decode().lower() if m else "utf-8")
        if enc in ("gbk", "gb2312", "gb18030"):
            enc = "gb18030"
        try:
            html = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            html = raw.decode("gb18030", errors="replace")
        html = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", html)
        html = re.sub(r"(?s)<[^>]+>", "\n", html)
        import html as H
        return H.unescape(html)
    if suf == ".docx":
        import docx
        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                for cell in row.cells:
                    parts.append(cell.text)
        return "\n".join(parts)
    if suf == ".pdf":
        import pypdf
        r = pypdf.PdfReader(str(path))
        return "\n".join((pg.extract_text() or "") for pg in r.pages)
    raise ValueError(f"unknown format {path}")


def find_doc(stem: str):
    for d in DIRS:
        if d.exists():
            for p in d.iterdir():
                if p.stem == stem and p.suffix.lower() in (".txt", ".md", ".html", ".htm", ".docx", ".pdf"):
                    return p
    return None


def main() -> int:
    errors = []
    cache = {}
    ids = set()
    items = []
    for ln, line in enumerate(GOLD.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            it = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {ln}: bad json {e}")
            continue
        items.append(it)
        iid = it.get("id", f"line{ln}")
        for f in REQUIRED:
            if f not in it:
                errors.append(f"{iid}: missing field {f}")
        if iid in ids:
            errors.append(f"{iid}: duplicate id")
        ids.add(iid)
        if it.get("kind") not in KINDS:
            errors.append(f"{iid}: bad kind {it.get('kind')}")
        if it.get("answerable") is False and it.get("kind") != "unanswerable":
            errors.append(f"{iid}: answerable false but kind {it.get('kind')}")
        if it.get("kind") == "multi_turn" and not it.get("history"):
            errors.append(f"{iid}: multi_turn without history")
        ans = norm(it.get("answer", ""))
        for entry in it.get("must_include", []):
            alts = entry if isinstance(entry, list) else [entry]
            if not any(contains(ans, a) for a in alts):
                errors.append(f"{iid}: answer lacks must_include {entry!r}")
        for entry in it.get("must_not_include", []) or []:
            if norm(entry).isdigit() and len(norm(entry)) == 1:
                errors.append(f"{iid}: bans a single digit {entry!r}")
            if contains(ans, entry):
                errors.append(f"{iid}: answer contains must_not_include {entry!r}")
        for ev in it.get("evidence", []):
            doc, q = ev.get("doc"), ev.get("quote", "")
            if not (8 <= len(q) <= 30):
                errors.append(f"{iid}: quote length {len(q)} outside 8-30: {q!r}")
            if doc not in cache:
                p = find_doc(doc)
                cache[doc] = text_of(p) if p else None
            t = cache[doc]
            if t is None:
                errors.append(f"{iid}: no report file for doc {doc!r}")
                continue
            n_raw = t.count(q)
            n_ws = re.sub(r"\s", "", t).count(re.sub(r"\s", "", q))
            if n_raw == 1:
                continue
            if n_raw == 0 and n_ws == 1:
                # whitespace differs (pdf line breaks); acceptable for pdf only
                if find_doc(doc).suffix.lower() != ".pdf":
                    errors.append(f"{iid}: quote matches only with whitespace removed in {doc}: {q!r}")
                continue
            errors.append(f"{iid}: quote occurs {n_raw} times (ws-free {n_ws}) in {doc}: {q!r}")
    for e in errors:
        print("ERROR", e)
    from collections import Counter
    print(f"{len(items)} items, {len(errors)} errors")
    print("kinds:", dict(Counter(i.get("kind") for i in items)))
    print("categories:", dict(Counter(i.get("category") for i in items)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
