"""The answerer interface, the evidence every answerer reads, and the chain that runs them per route.

An answerer looks at the question and the evidence and returns a Draft, or None when the question
is not its kind. The chain for a route (rag/data/routes.yaml) runs its answerers in order: the first
answerable draft wins; a refusal with a reason is kept while later answerers try, and the `refusal`
answerer at the end returns the most specific one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from rag.answering.drafts import Draft, refusal
from rag.question.quantities import Asked, asked_quantities
from rag.question.scope import Scope, select
from rag.question.understanding import Context, Question
from rag.schema import Document
from rag.store.database import ChunkRow
from rag.store.snapshot import documents_of

if TYPE_CHECKING:
    from rag.answering.matching import Fact
    from rag.compose import Components
    from rag.retrieval.retriever import Hit


class Answerer(Protocol):
    name: str

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None: ...


@dataclass
class EvidenceSet:
    """What answerers read for one question: scope, documents, passages (retrieved on first use), facts."""

    question: Question
    docs: dict[str, Document]
    chunks_by_doc: Mapping[str, list[ChunkRow]]
    scope: Scope
    parts: Components
    context: Context
    refusals: list[Draft] = field(default_factory=list)
    vetoed: list[Fact] = field(default_factory=list)  # facts found for the ask that may not answer it
    fact_scores: dict[int, float] = field(default_factory=dict)  # id(row) → best fit to any ask (-1: ruled out)
    facts_seen: list[Fact] = field(default_factory=list)  # the facts the facts answerer scored
    llm_drafter: Any = None  # rag.service.LLMDrafter: replaces the LLM step (streaming, warm-up)

    @cached_property
    def asks(self) -> list[Asked]:
        return asked_quantities(self.question)

    @cached_property
    def hits(self) -> list[Hit]:
        q = self.question
        # A follow-up that carried region or year ("其中…") keeps the previous question's topic words.
        follows = bool(q.carried) and "question" not in q.carried and self.context.question
        extra = self.parts.tokenizer.tokens(self.context.question or "") if follows else []
        k = max(self.parts.settings.top_k, 8)
        # An aggregate over a catalogue metric is computed from the facts; its passages are only a
        # fallback, and BM25 alone finds them.
        return self.parts.retriever.search(q.text, self.scope.doc_ids, k=k, extra_tokens=extra,
                                           dense=not (q.route == "aggregate" and q.metrics))

    @cached_property
    def idf(self) -> Mapping[str, float]:
        return self.parts.retriever.idf()

    @property
    def scoped_docs(self) -> list[Document]:
        return self.scope.docs if self.scope.doc_ids is not None else documents_of(self.docs)  # type: ignore[return-value]


class Chain:
    """Answerers per route, as data: route name → answerer names (rag/data/routes.yaml)."""

    def __init__(self, routes: Mapping[str, Sequence[Answerer]]) -> None:
        self.routes = dict(routes)

    def run(self, q: Question, docs: dict[str, Document], chunks_by_doc: Mapping[str, list[ChunkRow]],
            parts: Components, context: Context, llm_drafter: Any = None) -> tuple[Draft, EvidenceSet | None]:
        if not docs:
            return refusal("还没有导入任何报告，请先导入报告（govqa ingest）。"), None
        scope = select(docs, q.regions, q.years, unknown_regions=q.unknown_regions, asks_plans=q.asks_plans)
        if scope.refusal is not None and q.route != "metadata":
            return self._from_next_report(q, docs, chunks_by_doc, parts, context, scope.refusal), None
        evidence = EvidenceSet(q, docs, chunks_by_doc, scope, parts, context, llm_drafter=llm_drafter)
        for answerer in self.routes.get(q.route, self.routes["lookup"]):
            draft = answerer.answer(q, evidence)
            if draft is None:
                continue
            if draft.answerable or draft.final:
                return draft, evidence
            evidence.refusals.append(draft)
        return (evidence.refusals[0] if evidence.refusals else refusal("没有找到与这个问题相关的内容。")), evidence

    def _from_next_report(self, q: Question, docs: dict[str, Document], chunks_by_doc: Mapping[str, list[ChunkRow]],
                          parts: Components, context: Context, reason: str) -> Draft:
        """No report of the year asked: the next year's report may give that year's figure in a table
        column (a fact whose year is the one asked). Only facts may answer from it; else the refusal."""
        facts = next((a for a in self.routes.get("lookup", []) if a.name == "facts"), None)
        if facts is None or not q.wants_number or not q.years or not q.regions:
            return refusal(reason)
        later = select(docs, q.regions, [y + 1 for y in q.years])
        if later.refusal is not None or not later.doc_ids:
            return refusal(reason)
        draft = facts.answer(q, EvidenceSet(q, docs, chunks_by_doc, later, parts, context))
        return draft if draft is not None and draft.answerable else refusal(reason)
