"""The one `ask()` every door calls: CLI, HTTP, widget, Slack, WeCom and the eval harness."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping

from cachetools import LRUCache

from rag.answering.drafts import Draft, Evidence
from rag.answering.llm import LLMAnswer, Passage, is_not_found
from rag.answering.passages import llm_label, quote_for
from rag.compose import Components, build
from rag.domain.catalogue import load_catalogue
from rag.domain.english import candidates
from rag.question.scope import select
from rag.question.understanding import Context, Question, understand
from rag.retrieval.embedders import Embedder
from rag.retrieval.retriever import Hit
from rag.retrieval.tokenizer import Tokenizer
from rag.schema import AskRequest, AskResponse, Citation, Document
from rag.settings import Settings
from rag.stages import measure_stages, stage
from rag.store.database import ChunkRow, Store
from rag.store.sessions import Sessions
from rag.store.snapshot import Snapshot, documents_of
from rag.warm_up import WARM_UP_PROBE, warm_up_questions

# Stores up to this many reports have their facts prepared at warm-up (seconds); larger ones on demand.
WARM_FACTS_DOCS = 50

# The step that turns retrieved passages into an LLM answer: (question, hits, docs, extractive draft) →
# a Draft, or None to keep the extractive one. `rag.streaming` passes one that streams as it goes.
LLMDrafter = Callable[[Question, list[Hit], dict[str, Document], Draft | None], Draft | None]


class Service:
    """Owns the parts of one store directory (built by rag/compose.py); open once per process."""

    def __init__(self, settings: Settings, *, store: Store | None = None, embedder: Embedder | None = None,
                 tokenizer: Tokenizer | None = None, parts: Components | None = None) -> None:
        if parts is None:
            kwargs = {"embedder": embedder} if embedder is not None else {}
            parts = build(settings, store=store, tokenizer=tokenizer, **kwargs)  # type: ignore[arg-type]
        self.parts = parts
        self.settings = settings
        self.store, self.embedder, self.tokenizer = parts.store, parts.embedder, parts.tokenizer
        self.retriever, self.sessions, self.feedback = parts.retriever, parts.sessions, parts.feedback
        self.llm = parts.llm
        self._snapshot_lock = threading.Lock()
        self._cached: tuple[int, dict[str, Document], DocChunks] | None = None

    def warm_up(self) -> None:
        """Load what the first question would otherwise pay for (the document list, the BM25 index,
        jieba, the region matcher, the English bridge, the facts, the embedding model, Chroma's index),
        by asking the warm-up questions of rag/data/warm_up.yaml through the answer chain without an
        LLM or a session. `/readyz` turns ready when this returns."""
        docs, chunks_by_doc = self._snapshot()
        self.retriever.index()
        candidates("warm")  # the English dictionary bridge (≈1 s to read)
        if len(docs) <= WARM_FACTS_DOCS:  # a small store: every report's facts and phrase vectors now
            self.parts.facts.warm(list(docs), embed=True)
        for text in warm_up_questions(list(docs.values()), load_catalogue()):
            q = understand(text, list(docs.values()))
            self.parts.chain.run(q, docs, chunks_by_doc, self.parts, Context(), llm_drafter=_no_llm)
        if self.embedder is not None and docs:
            vector = self.embedder.embed_query(WARM_UP_PROBE)
            nearest = self.store.vectors_query(vector, k=1)  # opens Chroma's index and its id lookup
            self.store.vectors_get([chunk_id for chunk_id, _ in nearest])

    def close(self) -> None:
        self.sessions.close()
        self.feedback.close()
        self.store.close()

    def ask(self, request: AskRequest) -> AskResponse:
        return self.ask_traced(request)[0]

    def ask_traced(self, request: AskRequest,
                   llm_drafter: LLMDrafter | None = None) -> tuple[AskResponse, list[str]]:
        """The response and the texts of the ranked retrieved passages (for evidence hit@k);
        `llm_drafter` replaces the LLM step (rag/streaming.py streams it)."""
        with measure_stages() as seconds:
            response, ranked = self._ask(request, llm_drafter)
        # Exclusive seconds per stage (understand, bm25, dense, metrics, answer = the rest), then the total.
        response.timings_ms = {**{k: round(v * 1000, 2) for k, v in seconds.items()},
                               "total": response.timings_ms["total"]}
        return response, ranked

    def _ask(self, request: AskRequest, llm_drafter: LLMDrafter | None) -> tuple[AskResponse, list[str]]:
        t0 = time.perf_counter()
        session_id = request.session_id or Sessions.new_id()
        context = self.sessions.get(session_id)
        docs, chunks_by_doc = self._snapshot()
        with stage("understand"):
            q = self._understand(request, docs, context)
        with stage("answer"):
            draft, evidence = self.parts.chain.run(q, docs, chunks_by_doc, self.parts, context,
                                                   llm_drafter=llm_drafter)
        self.sessions.put(session_id, Context(
            question=_explicit(q), regions=q.regions or context.regions, years=q.years or context.years,
            metrics=q.metrics or context.metrics,
        ))
        response = AskResponse(
            answer=draft.answer, answerable=draft.answerable, route=draft.route,
            citations=self._citations(draft, docs), session_id=session_id, table=draft.table,
            timings_ms={"total": _ms(t0)},
        )
        # The passages an answer rests on: its citations first (found through facts, the catalogue or the
        # section tree as often as through search), then the search hits, if the answer searched.
        ranked = [e.chunk.text for e in draft.evidence]
        hits = evidence.__dict__.get("hits", []) if evidence is not None else []
        ranked += [h.chunk.text for h in hits if h.chunk.text not in ranked]
        return response, ranked

    def passages(self, question: str, k: int = 5) -> list[tuple[Hit, Document | None]]:
        """The ranked passages an answer to `question` would draw on (scoped by its region and year),
        each with its document; for in-process callers such as the LangChain retriever."""
        docs, _ = self._snapshot()
        if not docs:
            return []
        q = understand(question, list(docs.values()))
        scope = select(docs, q.regions, q.years, unknown_regions=q.unknown_regions, asks_plans=q.asks_plans)
        if scope.refusal is not None:
            return []
        hits = self.retriever.search(q.text, scope.doc_ids, k=k)
        return [(h, docs.get(h.chunk.doc_id)) for h in hits]

    @staticmethod
    def llm_passages(top: list[Hit], docs: dict[str, Document]) -> list[Passage]:
        """The passages shown to the LLM, numbered from 1 in rank order."""
        return [Passage(i + 1, llm_label(h.chunk, docs), h.chunk.text) for i, h in enumerate(top)]

    @staticmethod
    def llm_result_draft(q: Question, top: list[Hit], docs: dict[str, Document], result: LLMAnswer,
                         fallback: Draft | None, *, renumber: bool = True) -> Draft | None:
        """A checked LLM answer as a Draft (None: "not found", the next answerer tries). Renumbered so
        citations run 1, 2, …; a streamed answer keeps the model's numbers (its text is already on
        screen) and cites passages 1…max cited."""
        if is_not_found(result.text):
            return None
        if not renumber:
            cited = list(range(1, max(result.cited, default=0) + 1))
            evidence = [Evidence(top[n - 1].chunk, quote_for(result.text, top[n - 1].chunk.text)) for n in cited]
            return Draft(result.text, True, q.route, evidence)
        mapping = {n: i + 1 for i, n in enumerate(result.cited)}
        text = re.sub(r"\[(\d{1,2})\]", lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", result.text)
        evidence = [Evidence(top[n - 1].chunk, quote_for(result.text, top[n - 1].chunk.text)) for n in result.cited]
        return Draft(text, True, q.route, evidence)

    def _understand(self, request: AskRequest, docs: dict[str, Document], context: Context) -> Question:
        index = self.retriever.index()
        q = understand(request.question, documents_of(docs), context, vocabulary=lambda w: index.df(w) > 0)
        if q.carried and self.llm is not None and context.question:
            # With an LLM, it rewrites the follow-up; the rule-based resolution stays as the fallback.
            rewritten = self.llm.rewrite(context.question, request.question)
            if rewritten:
                candidate = understand(rewritten, list(docs.values()))
                if candidate.regions or candidate.years:
                    candidate.original, candidate.carried = request.question, ["llm-rewrite"]
                    q = candidate
        if request.filters:
            if request.filters.region and request.filters.region not in q.regions:
                q.regions = [request.filters.region]
            if request.filters.year and request.filters.year not in q.years:
                q.years = [request.filters.year]
        return q

    def _snapshot(self) -> tuple[dict[str, Document], DocChunks]:
        """Documents, read once per store version; their chunks are read per document when an answer
        needs them (never the whole store)."""
        version = self.store.version()
        with self._snapshot_lock:
            if self._cached is None or self._cached[0] != version:
                docs = Snapshot((d.doc_id, d) for d in self.store.list_documents())
                self._cached = (version, docs, DocChunks(self.store))
            return self._cached[1], self._cached[2]

    @staticmethod
    def _citations(draft, docs: dict[str, Document]) -> list[Citation]:
        citations = []
        for n, ev in enumerate(draft.evidence, start=1):
            doc = docs.get(ev.chunk.doc_id)
            citations.append(Citation(
                n=n, doc_id=ev.chunk.doc_id, title=doc.title if doc else None, region=doc.region if doc else None,
                year=doc.year if doc else None, section=ev.chunk.section, text=ev.chunk.text, quote=ev.quote,
                page=ev.chunk.page, ocr=ev.chunk.ocr, ocr_confidence=ev.chunk.ocr_confidence,
            ))
        return citations


class DocChunks(Mapping[str, list[ChunkRow]]):
    """A document's chunks by doc_id, read from SQLite on first use and kept for one store version."""

    def __init__(self, store: Store, keep: int = 64) -> None:
        self._store = store
        self._cache: LRUCache[str, list[ChunkRow]] = LRUCache(maxsize=keep)
        self._lock = threading.Lock()

    def __getitem__(self, doc_id: str) -> list[ChunkRow]:
        with self._lock:
            if (cached := self._cache.get(doc_id)) is not None:
                return cached
        chunks = self._store.doc_chunks(doc_id)
        if not chunks:
            raise KeyError(doc_id)
        with self._lock:
            self._cache[doc_id] = chunks
        return chunks

    def __iter__(self) -> Iterator[str]:
        return iter(d.doc_id for d in self._store.list_documents() if d.chunks)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _explicit(q: Question) -> str:
    """The question with what it took from the conversation spelled out, so the next follow-up
    ("那朝阳区呢？") has a region and year to replace."""
    prefix = ""
    if "region" in q.carried:
        prefix += "、".join(q.regions)
    if "year" in q.carried:
        prefix += "".join(f"{y}年" for y in q.years)
    return prefix + q.text


def _no_llm(q: Question, hits: list[Hit], docs: dict[str, Document], fallback: Draft | None) -> Draft | None:
    """The LLM step skipped (warm-up asks without calling a hosted model)."""
    return None


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
