"""Comparisons across reports, computed from the metrics table rather than guessed from passages.

One row per region: the stated figure where the report states it, a derived one (with its formula)
where only the counts are given, and "未披露" where the report says nothing. Figures of another
scope (a combined 复议+应诉 count) are never ranked with the metric asked about; they are mentioned
beside the ranking instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.answering.drafts import Draft, Evidence
from rag.answering.format import (
    MAX_FIGURES,
    caveat,
    caveat_en,
    chunk_for,
    display,
    display_en,
    english_words,
    region_en,
    who,
)
from rag.answering.matching import figure_clause
from rag.answering.unplaced import split_unplaced, unplaced_note
from rag.domain.catalogue import Catalogue, MetricDef, load_catalogue
from rag.domain.intents import load_intents
from rag.question.quantities import said_phrase
from rag.question.understanding import Question
from rag.retrieval.tokenizer import Tokenizer
from rag.schema import Document, MetricRow, Table, TableRow
from rag.store.database import Store

# Rows of each kind (reporting, not reporting) in the `table`: a chart of thousands of bars helps nobody,
# and building them was most of a national ranking's time (50 rows: 5.3 ms CPU at 100k chunks, 20: 3.5 ms).
MAX_TABLE_ROWS = 20


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
    # The ranking and the counts are index reads of the store's ranking table (kept at ingest), never
    # a scan of every report; the table lists at most MAX_TABLE_ROWS reporters and as many non-reporters.
    scope = {"years": q.years or None, "regions": q.regions or None}
    coverage = store.metric_coverage(key, **scope)
    if not coverage.documents:
        return None
    # Reports without a region are out of the store's ranking scope; say how many were left out.
    left_out = "" if q.regions else unplaced_note(
        split_unplaced([d for d in docs.values() if not q.years or d.year in q.years])[1])
    op = q.operation or ("list" if "哪些" in q.text else "max")
    descending = op != "min"
    ranked = [RegionValue(docs[r.doc_id], r) for r in
              store.metric_ranking(key, descending=descending, limit=MAX_TABLE_ROWS, **scope) if r.doc_id in docs]
    # The lookup path's scope rule: a figure the report gives for a wider area ("所有区县…均为100%") is not
    # the region's own, so it is not ranked; the region counts as not reporting the metric.
    wider = [v for v in ranked if v.row is not None and _wider_area(v.row, v.doc)]
    ranked = [v for v in ranked if v not in wider]
    missing = [*(RegionValue(v.doc, None) for v in wider),
               *(RegionValue(docs[d], None) for d in store.metric_unreported(key, limit=MAX_TABLE_ROWS, **scope)
                 if d in docs)]
    n_values, n_ranked = coverage.documents, coverage.reported - len(wider)
    n_missing = n_values - n_ranked

    evidence: list[Evidence] = []
    citation_of: dict[str, int] = {}
    for v in ranked[:MAX_FIGURES]:
        chunk = None
        if v.row and v.row.span:
            chunk = store.chunk_at(v.row.doc_id, v.row.span[0])
        if chunk is None and v.row:
            chunk = chunk_for(v.row, store.doc_chunks(v.row.doc_id))
        if chunk is not None and v.row is not None:
            evidence.append(Evidence(chunk, v.row.sentence))
            citation_of[v.doc.doc_id] = len(evidence)

    label = metric.label
    unit = (ranked[0].row.unit if ranked and ranked[0].row else None) or ""
    table = Table(metric=label, unit=unit, rows=[
        TableRow(region=v.doc.region or v.doc.doc_id, year=v.doc.year, value=v.row.value if v.row else None,
                 display=display(v.row) if v.row else "未披露", period=v.row.period if v.row else None,
                 scope=v.row.scope if v.row else None, derived=bool(v.row and v.row.derived),
                 citation=citation_of.get(v.doc.doc_id))
        for v in [*ranked, *missing]
    ])
    if q.english:
        return _english(q, metric, op, ranked, missing, n_values, n_ranked, evidence, citation_of, table,
                        bool(left_out))
    if not ranked:
        answer = f"收录的{n_values}份报告都没有披露{label}。"
        related = _related(store, metric, [v.doc for v in missing[:MAX_FIGURES]], catalogue)
        return Draft(answer + related + left_out, False, "aggregate", evidence, table)

    parts = [f"{who(v.doc)}{display(v.row)}{caveat(v.row)}[{citation_of[v.doc.doc_id]}]"
             if v.doc.doc_id in citation_of else f"{who(v.doc)}{display(v.row)}{caveat(v.row)}"
             for v in ranked[:MAX_FIGURES] if v.row]
    if n_ranked > MAX_FIGURES:
        order = {"min": "从低到高", "list": ""}.get(op, "从高到低")
        parts.append(f"……共{n_ranked}个地区，{order}列出前{MAX_FIGURES}个，其余见表格")
    word = leader_word(op, metric.kind == "count", len(q.regions) == 2)
    if op == "list":
        lead = f"披露{label}的地区：" + "；".join(parts)
    elif n_ranked == 1:
        lead = f"{who(ranked[0].doc)}{word}（唯一披露该项的报告）：" + parts[0]
    elif len(q.regions) >= 2 and load_intents().each.search(q.text):  # "A和B分别是多少": each, no winner
        lead = "；".join(parts)
    elif op != "list" and (tied := [v for v in ranked if v.row and ranked[0].row and v.row.value == ranked[0].row.value
                                    and v.row.unit == ranked[0].row.unit]) and len(tied) > 1:
        lead = f"{'、'.join(who(v.doc) for v in tied)}相同。" + "；".join(parts)  # 229件 and 229件: no winner
    else:
        lead = f"{who(ranked[0].doc)}{word}。" + "；".join(parts)
    share = f"{n_values}份报告中{'仅' if n_ranked < n_values else ''}{n_ranked}份披露{label}"
    if n_missing > MAX_FIGURES:
        tail = f"；{'、'.join(who(v.doc) for v in missing[:MAX_FIGURES])}等{n_missing}份未披露"
    else:
        tail = f"；{'、'.join(who(v.doc) for v in missing)}未披露" if missing else ""
    related = _related(store, metric, [v.doc for v in missing[:MAX_FIGURES]], catalogue)
    return Draft(f"{lead}。（{share}{tail}。）{related}{left_out}", True, "aggregate", evidence, table)






def _english(q: Question, metric: MetricDef, op: str, ranked: list[RegionValue], missing: list[RegionValue],
             n_values: int, n_ranked: int, evidence: list[Evidence], citation_of: dict[str, int], table: Table,
             unplaced: bool) -> Draft:
    """The same ranking said in English (rag/data/english.yaml `ranking`); the cited passages stay Chinese."""
    words = english_words()
    said = words["ranking"]
    what = said_phrase(q) or (metric.english[0] if metric.english else metric.label)

    def name(doc: Document) -> str:
        return f"{region_en(doc.region) or doc.doc_id}" + (f", {doc.year}" if doc.year else "")

    if not ranked:
        return Draft(said["none"].format(n=n_values, what=what), False, "aggregate", evidence, table)
    parts = [words["region_figure"].format(region=name(v.doc), figure=display_en(v.row), notes=caveat_en(v.row),
                                           marker=f"[{citation_of[v.doc.doc_id]}]" if v.doc.doc_id in citation_of
                                           else "", wording=v.row.measure or metric.label)
             for v in ranked[:MAX_FIGURES] if v.row]
    first = ranked[0].row
    tied = [v for v in ranked if v.row and first and v.row.value == first.value and v.row.unit == first.unit]
    pair = len(q.regions) == 2
    rate = first is not None and first.unit in {"%", "‰"}
    key = ("min" if op == "min" else "max") + ("_rate" if rate and pair else "")
    if op == "list" or (len(q.regions) >= 2 and load_intents().each.search(q.original)):
        head = ""
    elif len(tied) > 1:
        head = words["tie"].format(who=" and ".join(name(v.doc) for v in tied))
    else:
        head = words["leader_pair" if pair else "leader"][key].format(who=name(ranked[0].doc))
    notes = [said["coverage"].format(n=n_values, k=n_ranked)]
    if missing:
        notes.append(words["not_giving"].format(who="; ".join(name(v.doc) for v in missing[:MAX_FIGURES])))
    if unplaced:
        notes.append(said["unplaced"])
    text = (f"{head} " if head else "") + "; ".join(parts) + "." + "".join(f" {n}" for n in notes)
    return Draft(text, True, "aggregate", evidence, table)


def leader_word(order: str | None, counts: bool, pair: bool) -> str:
    """最高/最多, or 更高/更多 when two named regions are compared (a pair has no "highest")."""
    low = order == "min"
    if pair:
        return ("更少" if low else "更多") if counts else ("更低" if low else "更高")
    return ("最少" if low else "最多") if counts else ("最低" if low else "最高")


def _wider_area(row: MetricRow, doc: Document) -> bool:
    """Whether the clause before the figure speaks of an area wider than the report's own (rag/data/
    intents.yaml `wider_scope`, the rule facts matching applies to lookups)."""
    _, before = figure_clause(row)
    return any(word in before and doc.level in levels for word, levels in load_intents().wider_scope.items())


def _related(store: Store, metric: MetricDef, docs: Sequence[Document], catalogue: Catalogue) -> str:
    """Figures of a neighbouring metric (same family and kind, other scope) that the missing regions
    did report: a combined 复议+应诉 count beside a ranking of 复议 counts, never counts beside rates."""
    neighbours = [k for k, other in catalogue.metrics.items()
                  if k != metric.key and other.family == metric.family and other.kind == metric.kind]
    # One row per report, read by the store: a report with a 200k-cell table must not load them all.
    first = store.first_stated_rows([d.doc_id for d in docs], neighbours)
    notes = []
    for doc in docs:
        row = first.get(doc.doc_id)
        other = catalogue.metrics.get(row.metric) if row else None
        if row is not None and other is not None:
            notes.append(f"{who(doc)}只披露了{other.label}{display(row)}，口径不同，未参与比较")
    if len(notes) > MAX_FIGURES:
        notes = [*notes[:MAX_FIGURES], f"另有{len(notes) - MAX_FIGURES}份报告只披露了其他口径的数字"]
    return ("另：" + "；".join(notes) + "。") if notes else ""
