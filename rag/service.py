"""The one `ask()` every door calls: CLI, HTTP, widget, Slack, WeCom and the eval harness."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace

from cachetools import LRUCache

from rag.answering.chain import dense_query
from rag.answering.drafts import Draft
from rag.answering.format import region_en
from rag.answering.llm import LLMStep
from rag.compose import Components, build
from rag.domain.catalogue import load_catalogue
from rag.domain.english import candidates
from rag.domain.intents import load_intents
from rag.question.quantities import body_named
from rag.question.scope import issued_by, scope_of, select
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
        without_llm = {"llm": self.parts.llm_answerer(None)}
        for text in warm_up_questions(list(docs.values()), load_catalogue()):
            # The path of a question (`_ask`): the English bridge and the scope's text search load too.
            q = self._understand(AskRequest(question=text), docs, Context())
            scope = scope_of(q, docs, mentioning=self.parts.chain.search.mentioning)
            self.parts.chain.run(q, scope, docs, chunks_by_doc, Context(), swap=without_llm)
        if self.embedder is not None and docs:
            vector = self.embedder.embed_query(WARM_UP_PROBE)
            nearest = self.store.vectors_query(vector, k=1)  # opens Chroma's index and its id lookup
            self.store.vectors_get([chunk_id for chunk_id, _ in nearest])
            if len(docs) <= WARM_FACTS_DOCS:  # a small store: the chunks' vectors that exact scoring reads
                self.retriever.warm_vectors()

    def close(self) -> None:
        self.sessions.close()
        self.feedback.close()
        self.store.close()

    def ask(self, request: AskRequest) -> AskResponse:
        return self.ask_traced(request)[0]

    def ask_traced(self, request: AskRequest,
                   llm_step: LLMStep | None = None) -> tuple[AskResponse, list[str]]:
        """The response and the texts of the ranked retrieved passages (for evidence hit@k);
        `llm_step` replaces the LLM step of the LLM answerer (rag/streaming.py streams it)."""
        with measure_stages() as seconds:
            response, ranked = self._ask(request, llm_step)
        # Exclusive seconds per stage (understand, bm25, dense, embed, metrics, answer = the rest), then the total.
        response.timings_ms = {**{k: round(v * 1000, 2) for k, v in seconds.items()},
                               "total": response.timings_ms["total"]}
        return response, ranked

    def _ask(self, request: AskRequest, llm_step: LLMStep | None) -> tuple[AskResponse, list[str]]:
        t0 = time.perf_counter()
        session_id = request.session_id or Sessions.new_id()
        context = self.sessions.get(session_id)
        docs, chunks_by_doc = self._snapshot()
        with stage("understand"):
            q = self._understand(request, docs, context)
            scope = scope_of(q, docs, mentioning=self.parts.chain.search.mentioning)
        swap = {"llm": self.parts.llm_answerer(llm_step)} if llm_step is not None else None
        with stage("answer"):
            run = self.parts.chain.run(q, scope, docs, chunks_by_doc, context, swap=swap)
        draft = run.draft
        self.sessions.put(session_id, _next_context(q, draft, context, docs))
        if q.position is not None and draft.answerable:
            draft = replace(draft, answer=_counted_in(q, context) + draft.answer)
        response = AskResponse(
            answer=draft.answer, answerable=draft.answerable, route=draft.route,
            citations=self._citations(draft, docs), session_id=session_id, table=draft.table,
            timings_ms={"total": _ms(t0)},
        )
        # The passages an answer rests on: its citations first (found through facts, the catalogue or the
        # section tree as often as through search), then the search hits, if the answer searched.
        ranked = [e.chunk.text for e in draft.evidence]
        ranked += [h.chunk.text for h in run.hits if h.chunk.text not in ranked]
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
        hits = self.retriever.search(q.text, scope.doc_ids, k=k, dense_query=dense_query(q))
        return [(h, docs.get(h.chunk.doc_id)) for h in hits]

    def _understand(self, request: AskRequest, docs: dict[str, Document], context: Context) -> Question:
        index = self.retriever.index()
        q = understand(request.question, documents_of(docs), context, vocabulary=lambda w: index.df(w) > 0,
                       mentions=lambda name: bool(self.retriever.docs_mentioning(name, list(docs), 1, verbatim=True)))
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


def _next_context(q: Question, draft: Draft, context: Context, docs: Mapping[str, Document]) -> Context:
    """What the next follow-up may refer to: this question's regions, years and metrics, the regions the answer
    named (a ranking's order first, then those without a figure) with its measure, and the body whose own
    report it read."""
    entities, ranked, measure, order = list(q.regions), 0, None, None
    if "entity" in q.carried:  # "第二名呢": the ranking it pointed into stays the frame of reference
        entities, ranked, measure, order = context.entities, context.ranked, context.measure, context.order
    elif draft.route == "aggregate" and draft.table is not None and draft.table.rows:
        named = [r.region for r in draft.table.rows if r.value is not None]
        entities = list(dict.fromkeys([*named, *(r.region for r in draft.table.rows)]))
        ranked, measure = len(dict.fromkeys(named)), draft.table.metric
        order = q.operation if q.operation in {"min", "max"} else None
    elif draft.route == "aggregate" and draft.answerable is False:
        entities = list(context.entities)
    aggregate_fresh = draft.route == "aggregate" and not q.regions
    # A report found by the places its text names (no report filed under them): the next follow-up asks it again.
    unplaced = list(q.unknown_regions) if not q.regions and q.unknown_regions and draft.answerable else []
    return Context(
        question=_explicit(q), original=context.original if q.carried else q.original,
        regions=[] if aggregate_fresh or unplaced else (q.regions or context.regions),
        body=_own_report_of(q, draft, docs), unplaced=unplaced, whole=_listed_under(draft),
        years=q.years or context.years, metrics=q.metrics or context.metrics,
        entities=entities, ranked=ranked, measure=measure, order=order,
        places=[p.name for p in q.places] if q.places else (list(context.places) if not q.regions or
                                                             "place" in q.carried else []),
    )


def _own_report_of(q: Question, draft: Draft, docs: Mapping[str, Document]) -> str | None:
    """The body a question named, when the answer read that body's own report (a 自然资源局's), not a figure of
    the body inside its region's report: a follow-up asks the same report."""
    body = q.body if q.english else body_named(q.text)
    read = {e.chunk.doc_id for e in draft.evidence}
    if body and any(issued_by(docs[i], body) for i in read if i in docs):
        return body
    return None


def _listed_under(draft: Draft) -> str | None:
    """The measure of the total an answer's one figure is listed under ("全年主动公开政府信息8650条，其中…生态环保
    2223条" → 全年主动公开政府信息), for a follow-up asking the total ("那一共呢", "overall")."""
    if not draft.answerable or len(draft.evidence) != 1:
        return None
    intents = load_intents()
    quote, text = draft.evidence[0].quote, draft.evidence[0].chunk.text
    m = intents.subset_of.search(quote)
    if m is None:
        return None
    head = quote[:m.start()]
    if not head.strip(" ，,：:") and (at := text.find(quote)) > 0:  # "…7900条。其中，…": the sentence before
        head = re.split(r"[。；;\n]", text[:at].rstrip("。；;\n ")).pop()
    units = "|".join(re.escape(u) for u in intents.units)
    figure = re.search(rf"(\d+(?:\.\d+)?)\s*(?:{units})?[，,：:\s]*$", head)
    if figure is None:
        return None  # no total stated before the list
    measure = re.sub(r"^[\s，,：:]+|[\s，,：:]+$", "", head[:figure.start()])
    return measure if len(measure) >= 2 else None


def _counted_in(q: Question, context: Context) -> str:
    """Which list a position ("倒数第二") was counted in: the last answer's, in the order it showed."""
    intents = load_intents()
    language = "en" if q.english else "zh"
    words, region = q.position or ("", "")
    order = intents.orders[language].get(context.order or "", "")
    return intents.counted_in[language].format(order=order, position=words,
                                               region=region_en(region) if q.english else region)


def _explicit(q: Question) -> str:
    """The question with what it took from the conversation spelled out, so the next follow-up
    ("那朝阳区呢？") has a region and year to replace."""
    prefix = ""
    if "region" in q.carried or ("entity" in q.carried and "question" not in q.carried):
        prefix += "、".join(q.regions)
    if "year" in q.carried:
        prefix += "".join(f"{y}年" for y in q.years)
    return prefix + q.text


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
