"""The answerer interface, the evidence every answerer reads, and the chain that runs them per route.

An answerer looks at the question and the evidence and returns a Draft, or None when the question
is not its kind. It changes nothing it is given: what it tells the answerers after it (a figure it
ruled out, how well the facts it read fit the ask) it returns as `Noted(draft, notes)`, and the chain
hands the notes gathered so far to the next answerer as `evidence.notes`. An answerer names the notes
it reads and writes (`reads`, `writes`), so the order of a route is checked when the chain is built:
a reader placed before a writer of what it reads is an error, not a quiet change of answers.

The chain for a route (rag/data/routes.yaml) runs its answerers in order: the first answerable draft
wins; a refusal with a reason is kept in the notes while later answerers try, and the `refusal`
answerer at the end returns the most specific one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from rag.answering.drafts import Draft, refusal
from rag.answering.format import english_words
from rag.question.quantities import Asked, asked_quantities
from rag.question.scope import Scope
from rag.question.understanding import Context, Question
from rag.schema import Document
from rag.store.database import ChunkRow
from rag.store.snapshot import documents_of

if TYPE_CHECKING:
    from rag.answering.matching import Fact
    from rag.retrieval.retriever import Hit, Retriever
    from rag.retrieval.tokenizer import Tokenizer
    from rag.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Notes:
    """What the answerers of a chain told the ones after them, gathered by the chain."""

    refusals: tuple[Draft, ...] = ()  # refusals with a reason, in the order given (every answerer may add)
    vetoed: tuple[Fact, ...] = ()  # facts found for the ask that may not answer it
    fact_scores: Mapping[int, float] = field(default_factory=dict)  # id(row) → best fit to any ask (-1: ruled out)
    facts_seen: tuple[Fact, ...] = ()  # the facts the fact matcher scored

    def __add__(self, later: Notes) -> Notes:
        scores = dict(self.fact_scores)
        for key, score in later.fact_scores.items():
            scores[key] = max(scores.get(key, -1.0), score)
        return Notes(self.refusals + later.refusals, self.vetoed + later.vetoed, scores,
                     self.facts_seen + later.facts_seen)


NOTE_NAMES = frozenset(f.name for f in fields(Notes))
# The chain itself writes `refusals` from any answerer's refusal: every answerer is its writer.
_WRITTEN_BY_ALL = frozenset({"refusals"})


@dataclass(frozen=True)
class Noted:
    """An answerer's draft (None: not its kind) with what it tells the answerers after it."""

    draft: Draft | None
    notes: Notes


class Answerer(Protocol):
    name: str
    # The Notes fields it reads (checked against the route's order) and those its `Noted` results
    # carry; an answerer without them reads and writes none.
    reads: tuple[str, ...]
    writes: tuple[str, ...]

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | Noted | None: ...


class _Once(Generic[T]):
    """A value computed on first use; `done` says whether anyone asked."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self.done = False
        self._value: T | None = None

    def __call__(self) -> T:
        if not self.done:
            self._value, self.done = self._make(), True
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True)
class EvidenceSet:
    """What answerers read for one question: scope, documents, passages (retrieved on first use), the
    asked quantities, and the notes of the answerers before."""

    question: Question
    docs: dict[str, Document]
    chunks_by_doc: Mapping[str, list[ChunkRow]]
    scope: Scope
    context: Context
    _hits: _Once[list[Hit]]
    _idf: _Once[Mapping[str, float]]
    _asks: _Once[list[Asked]]
    notes: Notes = Notes()

    @property
    def hits(self) -> list[Hit]:
        return self._hits()

    @property
    def idf(self) -> Mapping[str, float]:
        return self._idf()

    @property
    def asks(self) -> list[Asked]:
        return self._asks()

    @property
    def scoped_docs(self) -> list[Document]:
        return self.scope.docs if self.scope.doc_ids is not None else documents_of(self.docs)  # type: ignore[return-value]


def dense_query(q: Question) -> str | None:
    """What the dense model embeds when it is not the search text: an English question as the user wrote
    it (not a follow-up, whose own words lack what it carried). The search text adds the dictionary
    bridge's candidates, which BM25 needs and e5 does not: about twice the tokens, and the model's time
    grows with them (~1 ms a token on two cores)."""
    return q.original if q.english and not q.carried else None


def said_measures(q: Question, asks: Callable[[], list[Asked]], scoped: Callable[[], Sequence[Document]]) -> list[str]:
    """What the facts answerer will embed for an English question asking one region's figure: each ask's
    measure in the user's words where it is not the bridged measure (rag/answering/matching.py
    `score_facts`). Handed to the dense pass, so the model runs once for both; nothing where that answerer
    will not read facts (several regions, no figure asked), since a text embedded for nobody costs its tokens."""
    if not (q.english and q.wants_number) or len({d.region for d in scoped()}) != 1:
        return []
    return [a.said for a in asks() if a.said and a.said != a.measure]


class Search:
    """How the chain retrieves one question's passages (built by rag/compose.py)."""

    def __init__(self, retriever: Retriever, tokenizer: Tokenizer, settings: Settings) -> None:
        self.retriever, self.tokenizer, self.settings = retriever, tokenizer, settings

    def hits(self, q: Question, scope: Scope, context: Context, also_embed: Sequence[str] = ()) -> list[Hit]:
        # A follow-up that carried region or year ("其中…") keeps the previous question's topic words.
        follows = bool(q.carried) and "question" not in q.carried and context.question
        extra = self.tokenizer.tokens(context.question or "") if follows else []
        k = max(self.settings.top_k, 8)
        # An aggregate over a catalogue metric is computed from the facts; its passages are only a
        # fallback, and BM25 alone finds them.
        return self.retriever.search(q.text, scope.doc_ids, k=k, extra_tokens=extra,
                                     dense=not (q.route == "aggregate" and q.metrics), dense_query=dense_query(q),
                                     also_embed=also_embed)

    def idf(self) -> Mapping[str, float]:
        return self.retriever.idf()

    def mentioning(self, name: str, doc_ids: list[str]) -> list[str]:
        """Of `doc_ids`, the reports whose text names `name` (an index read, best first)."""
        return self.retriever.docs_mentioning(name, doc_ids, limit=len(doc_ids), verbatim=True)


@dataclass(frozen=True)
class Run:
    """What the chain decided for one question, and what the service reports beside it."""

    draft: Draft
    hits: list[Hit]  # the passages retrieved for it ([] when no answerer searched)
    notes: Notes


def check_order(routes: Mapping[str, Sequence[Answerer]]) -> None:
    """Raises ValueError when an answerer reads a note that an answerer after it in its route writes."""
    for route, answerers in routes.items():
        for i, reader in enumerate(answerers):
            for note in getattr(reader, "reads", ()):
                if note not in NOTE_NAMES:
                    raise ValueError(f"answerer {reader.name!r} reads an unknown note {note!r}")
                for writer in answerers[i + 1:]:
                    if note in _WRITTEN_BY_ALL or note in getattr(writer, "writes", ()):
                        raise ValueError(
                            f"route {route!r}: {reader.name!r} reads the {note!r} note that {writer.name!r} "
                            f"writes, but comes before it (rag/data/routes.yaml)")


class Chain:
    """Answerers per route, as data: route name → answerers (rag/data/routes.yaml), order checked."""

    def __init__(self, routes: Mapping[str, Sequence[Answerer]], search: Search) -> None:
        check_order(routes)
        self.routes = {route: list(answerers) for route, answerers in routes.items()}
        self.search = search

    def evidence(self, q: Question, docs: dict[str, Document], chunks_by_doc: Mapping[str, list[ChunkRow]],
                 scope: Scope, context: Context) -> EvidenceSet:
        asks = _Once(lambda: asked_quantities(q))
        facts_read = any(a.name == "facts" for a in self.routes.get(q.route, self.routes["lookup"]))

        def hits() -> list[Hit]:
            said = said_measures(q, asks, lambda: evidence.scoped_docs) if facts_read else []
            return self.search.hits(q, scope, context, said)

        evidence = EvidenceSet(q, docs, chunks_by_doc, scope, context, _Once(hits), _Once(self.search.idf), asks)
        return evidence

    def run(self, q: Question, scope: Scope, docs: dict[str, Document], chunks_by_doc: Mapping[str, list[ChunkRow]],
            context: Context, swap: Mapping[str, Answerer] | None = None) -> Run:
        """`_run`, never with an empty answer ("。"): an answer that says nothing is a refusal, in the
        question's language."""
        run = self._run(q, scope, docs, chunks_by_doc, context, swap)
        if re.sub(r"[\W_]", "", run.draft.answer):
            return run
        if q.english:
            words = english_words()
            text = words["not_found_plain"].format(who=words["not_found_any"])
            text = text[0].upper() + text[1:]
        else:
            text = "没有找到与这个问题相关的内容。"
        return replace(run, draft=refusal(text, final=True))

    def _run(self, q: Question, scope: Scope, docs: dict[str, Document], chunks_by_doc: Mapping[str, list[ChunkRow]],
             context: Context, swap: Mapping[str, Answerer] | None = None) -> Run:
        """The draft for `q` over the reports in `scope` (rag/question/scope.py: scope_of); `swap` replaces
        answerers by name for this call (the streamed door's LLM answerer, warm-up's answerer without an LLM)."""
        if not docs:
            return Run(refusal("还没有导入任何报告，请先导入报告（govqa ingest）。"), [], Notes())
        if scope.refusal is not None and (q.route != "metadata" or _fields_of_an_absent_report(q)):
            return Run(self._from_next_report(q, docs, chunks_by_doc, context, scope), [], Notes())
        evidence = self.evidence(q, docs, chunks_by_doc, scope, context)
        notes = Notes()
        for answerer in self.routes.get(q.route, self.routes["lookup"]):
            answerer = (swap or {}).get(answerer.name, answerer)
            result = answerer.answer(q, replace(evidence, notes=notes))
            draft = result.draft if isinstance(result, Noted) else result
            if isinstance(result, Noted):
                notes = notes + result.notes
            if draft is None:
                continue
            if draft.answerable or draft.final:
                if draft.answerable and scope.note:
                    draft = replace(draft, answer=draft.answer + scope.note)
                return Run(draft, evidence.hits if evidence._hits.done else [], notes)
            notes = notes + Notes(refusals=(draft,))
        draft = notes.refusals[0] if notes.refusals else refusal("没有找到与这个问题相关的内容。")
        return Run(draft, evidence.hits if evidence._hits.done else [], notes)


    def _from_next_report(self, q: Question, docs: dict[str, Document], chunks_by_doc: Mapping[str, list[ChunkRow]],
                          context: Context, scope: Scope) -> Draft:
        """No report of the year asked: the next year's report may give that year's figure in a table
        column (a fact whose year is the one asked). Only facts may answer from it; else the refusal."""
        reason = scope.refusal or ""
        facts = next((a for a in self.routes.get("lookup", []) if a.name == "facts"), None)
        if facts is None or scope.next_year is None:
            return refusal(reason)
        result = facts.answer(q, self.evidence(q, docs, chunks_by_doc, scope.next_year, context))
        draft = result.draft if isinstance(result, Noted) else result
        return draft if draft is not None and draft.answerable else refusal(reason)


# Fields only a report of the place could give: asked of a place with no report, the answer is that there is
# none (where a place lies, or what the collection holds, the gazetteer and catalogue still answer).
_REPORT_FIELDS = {"issuer", "published", "date", "title", "addressee", "index_code", "doc_number", "source_office",
                  "kind", "period", "year"}


def _fields_of_an_absent_report(q: Question) -> bool:
    from rag.answering.extractive import asked_fields  # extractive answers build on this module
    from rag.domain.intents import load_intents

    if not q.unknown_regions or q.regions or load_intents().document_list.search(q.text):
        return False
    if any(not re.search(r"[\u4e00-\u9fff]", name) for name in q.unknown_regions):
        return False  # an English name no division's pinyin gives (Otog for 鄂托克): the reports may still hold it
    asked = set(asked_fields(q))
    return bool(asked & _REPORT_FIELDS) and not asked & {"province", "city", "place", "level"}
