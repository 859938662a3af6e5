"""Comparisons across reports, computed from the metrics table rather than guessed from passages.

One row per region: the stated figure where the report states it, a derived one (with its formula)
where only the counts are given, and "未披露" where the report says nothing. Figures of another
scope (a combined 复议+应诉 count) are never ranked with the metric asked about; they are mentioned
beside the ranking instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer import Draft, Evidence
from rag.catalogue import Catalogue, MetricDef, load_catalogue
from rag.lexical import Tokenizer
from rag.schema import Document, MetricRow, Table, TableRow
from rag.store import ChunkRow, Store
from rag.understand import Question
from rag.unplaced import split_unplaced, unplaced_note

# An answer names at most this many regions (with a citation each); the `table` keeps every row. A
# national store ranks thousands of reports: a wall of text helps nobody and costs a read per citation.
MAX_LISTED = 10


@dataclass(frozen=True)
class RegionValue:
    doc: Document
    row: MetricRow | None


def aggregate(q: Question, store: Store, docs: dict[str, Document], tokenizer: Tokenizer) -> Draft | None:
    """Rank, list or compare one metric across the reports in scope; None if no metric is recognised."""
    if not q.metrics:
        return None
    catalogue = load_catalogue()
    key = q.metrics[0]
    metric = catalogue.metrics.get(key)
    if metric is None:
        return None
    in_scope = [d for d in docs.values() if (not q.regions or d.region in q.regions)
                and (not q.years or d.year in q.years)]
    in_scope, unplaced = split_unplaced(in_scope)  # a report without a region cannot rank as one
    if not in_scope:
        return None
    left_out = unplaced_note(unplaced)
    rows_of: dict[str, list[MetricRow]] = {d.doc_id: [] for d in in_scope}
    for r in store.metric_rows(metric=key):
        if r.doc_id in rows_of:
            rows_of[r.doc_id].append(r)
    values = [RegionValue(d, _best_row(rows_of[d.doc_id])) for d in in_scope]
    reported = [v for v in values if v.row is not None]
    missing = [v for v in values if v.row is None]
    op = q.operation or ("list" if "哪些" in q.text else "max")
    descending = op != "min"
    ranked = sorted(reported, key=lambda v: v.row.value if v.row else 0.0, reverse=descending)

    evidence: list[Evidence] = []
    citation_of: dict[str, int] = {}
    for v in ranked[:MAX_LISTED]:
        chunk = _chunk_for(v.row, store.doc_chunks(v.row.doc_id)) if v.row else None
        if chunk is not None and v.row is not None:
            evidence.append(Evidence(chunk, v.row.sentence))
            citation_of[v.doc.doc_id] = len(evidence)

    label = metric.label
    unit = (ranked[0].row.unit if ranked and ranked[0].row else None) or ""
    table = Table(metric=label, unit=unit, rows=[
        TableRow(region=v.doc.region or v.doc.doc_id, year=v.doc.year, value=v.row.value if v.row else None,
                 display=_display(v.row) if v.row else "未披露", period=v.row.period if v.row else None,
                 scope=v.row.scope if v.row else None, derived=bool(v.row and v.row.derived),
                 citation=citation_of.get(v.doc.doc_id))
        for v in [*ranked, *missing]
    ])
    if not ranked:
        answer = f"收录的{len(values)}份报告都没有披露{label}。"
        related = _related(store, metric, in_scope, catalogue)
        return Draft(answer + related + left_out, False, "aggregate", evidence, table)

    parts = [f"{_who(v.doc)}{_display(v.row)}{_caveat(v.row)}[{citation_of[v.doc.doc_id]}]"
             if v.doc.doc_id in citation_of else f"{_who(v.doc)}{_display(v.row)}{_caveat(v.row)}"
             for v in ranked[:MAX_LISTED] if v.row]
    if len(ranked) > MAX_LISTED:
        order = {"min": "从低到高", "list": ""}.get(op, "从高到低")
        parts.append(f"……共{len(ranked)}个地区，{order}列出前{MAX_LISTED}个，其余见表格")
    word = {"max": "最高", "min": "最低"}.get(op, "最高")
    if metric.kind == "count":
        word = {"max": "最多", "min": "最少"}.get(op, "最多")
    if op == "list":
        lead = f"披露{label}的地区：" + "；".join(parts)
    elif len(ranked) == 1:
        lead = f"{_who(ranked[0].doc)}{word}（唯一披露该项的报告）：" + parts[0]
    else:
        lead = f"{_who(ranked[0].doc)}{word}。" + "；".join(parts)
    coverage = f"{len(values)}份报告中{'仅' if len(ranked) < len(values) else ''}{len(ranked)}份披露{label}"
    if len(missing) > MAX_LISTED:
        tail = f"；{'、'.join(_who(v.doc) for v in missing[:MAX_LISTED])}等{len(missing)}份未披露"
    else:
        tail = f"；{'、'.join(_who(v.doc) for v in missing)}未披露" if missing else ""
    related = _related(store, metric, [v.doc for v in missing], catalogue)
    return Draft(f"{lead}。（{coverage}{tail}。）{related}{left_out}", True, "aggregate", evidence, table)


def _best_row(rows: Sequence[MetricRow]) -> MetricRow | None:
    """A report's figure for the metric: stated beats derived, the whole period beats a part."""
    if not rows:
        return None
    return sorted(rows, key=lambda r: (r.derived, r.approx is not None, -(r.value or 0)))[0]


def _who(doc: Document) -> str:
    return f"{doc.region or doc.doc_id}" + (f"（{doc.year}年）" if doc.year else "")


def _display(row: MetricRow | None) -> str:
    if row is None:
        return "未披露"
    if row.written and not row.derived:
        return "".join(row.written.split())
    value = f"{row.value:.2f}".rstrip("0").rstrip(".") if row.derived else f"{row.value:g}"
    return f"{value}{row.approx or ''}{row.unit or ''}"


def _caveat(row: MetricRow | None) -> str:
    if row is None:
        return ""
    notes = [n for n in (row.period, row.scope) if n]
    if row.derived and row.formula:
        notes.append(f"按{row.formula}计算")
    if row.ocr_low_confidence:
        notes.append("扫描件OCR识别置信度低，请核对原件")
    return f"（{'，'.join(notes)}）" if notes else ""


def _chunk_for(row: MetricRow, chunks: Sequence[ChunkRow] | object) -> ChunkRow | None:
    best = None
    for chunk in chunks:  # type: ignore[union-attr]
        if chunk.doc_id == row.doc_id and row.span and chunk.start <= row.span[0] < chunk.end + 1:
            return chunk
        if best is None and chunk.doc_id == row.doc_id and row.sentence and row.sentence[:20] in chunk.text:
            best = chunk
    return best


def _related(store: Store, metric: MetricDef, docs: Sequence[Document], catalogue: Catalogue) -> str:
    """Figures of a neighbouring metric (same family and kind, other scope) that the missing regions
    did report: a combined 复议+应诉 count beside a ranking of 复议 counts, never counts beside rates."""
    neighbours = [k for k, other in catalogue.metrics.items()
                  if k != metric.key and other.family == metric.family and other.kind == metric.kind]
    first: dict[str, MetricRow] = {}
    if neighbours:
        for row in store.metric_rows_in([d.doc_id for d in docs], neighbours):
            if not row.derived:
                first.setdefault(row.doc_id, row)
    notes = []
    for doc in docs:
        row = first.get(doc.doc_id)
        other = catalogue.metrics.get(row.metric) if row else None
        if row is not None and other is not None:
            notes.append(f"{_who(doc)}只披露了{other.label}{_display(row)}，口径不同，未参与比较")
    if len(notes) > MAX_LISTED:
        notes = [*notes[:MAX_LISTED], f"另有{len(notes) - MAX_LISTED}份报告只披露了其他口径的数字"]
    return ("另：" + "；".join(notes) + "。") if notes else ""
