"""The one `ask()` every door calls: CLI, HTTP, widget, Slack, WeCom and the eval harness."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from cachetools import LRUCache

from rag import answer as answerers
from rag.analytics import aggregate
from rag.answer import Draft, refusal
from rag.catalogue import load_catalogue
from rag.dense import Embedder, make_embedder
from rag.feedback import FeedbackStore
from rag.figures import number_occurs, numbers_in
from rag.lexical import Tokenizer, default_tokenizer
from rag.llm import LLMAnswer, LLMAnswerer, Passage, is_not_found, make_chat_model
from rag.rerank import make_reranker
from rag.retrieve import Hit, Retriever
from rag.schema import AskRequest, AskResponse, Citation, Document
from rag.sentences import split_sentences
from rag.sessions import Sessions
from rag.settings import Settings
from rag.stages import measure_stages, stage
from rag.store import ChunkRow, Store
from rag.understand import Context, Question, understand


@dataclass
class _Scope:
    doc_ids: list[str] | None
    refusal: Draft | None = None


# The step that turns retrieved passages into an LLM answer: (question, hits, docs, extractive draft) →
# a Draft, or None to keep the extractive one. `rag.streaming` passes one that streams as it goes.
LLMDrafter = Callable[[Question, list[Hit], dict[str, Document], Draft | None], Draft | None]


class Service:
    """Owns the store, retriever and sessions of one store directory; open once per process."""

    def __init__(self, settings: Settings, *, store: Store | None = None, embedder: Embedder | None = None,
                 tokenizer: Tokenizer | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.store, settings.chroma_url)
        self.embedder = embedder if embedder is not None else make_embedder(settings.embedding_model)
        self.tokenizer = tokenizer or default_tokenizer()
        self.retriever = Retriever(self.store, self.tokenizer, self.embedder,
                                   settings.bm25_weight, settings.dense_weight,
                                   make_reranker(settings.reranker_model), settings.rerank_candidates,
                                   settings.dense_candidates)
        self.sessions = Sessions(self.store.root / "sessions.sqlite")
        self.feedback = FeedbackStore(self.store.root / "feedback.sqlite")
        self._snapshot_lock = threading.Lock()
        self._cached: tuple[int, dict[str, Document], DocChunks] | None = None
        chat_model = make_chat_model(settings)
        self.llm = LLMAnswerer(chat_model) if chat_model is not None else None

    def warm_up(self) -> None:
        """Load what the first question would otherwise pay for: the BM25 index, the document list,
        the region matcher and the embedding model (seconds at 100k chunks, see `make bench`)."""
        docs, _ = self._snapshot()
        self.retriever.index()
        understand("热身", list(docs.values()))
        if self.embedder is not None and docs:
            vector = self.embedder.embed_query("热身")
            nearest = self.store.vectors_query(vector, k=1)  # opens Chroma's index and its id lookup
            self.store.vectors_get([chunk_id for chunk_id, _ in nearest])

    def close(self) -> None:
        self.sessions.close()
        self.feedback.close()
        self.store.close()

    def ask(self, request: AskRequest) -> AskResponse:
        return self.ask_traced(request)[0]

    def ask_traced(self, request: AskRequest, llm_drafter: LLMDrafter | None = None
                   ) -> tuple[AskResponse, list[str]]:
        """The response and the texts of the ranked retrieved passages (for evidence hit@k).
        `llm_drafter` replaces the LLM step (the streaming door passes one that forwards tokens)."""
        with measure_stages() as seconds:
            response, ranked = self._ask(request, llm_drafter)
        # Exclusive seconds per stage (understand, bm25, dense, metrics, answer = the rest), then the total.
        response.timings_ms = {**{k: round(v * 1000, 2) for k, v in seconds.items()},
                               "total": response.timings_ms["total"]}
        return response, ranked

    def _ask(self, request: AskRequest, llm_drafter: LLMDrafter | None = None) -> tuple[AskResponse, list[str]]:
        t0 = time.perf_counter()
        session_id = request.session_id or Sessions.new_id()
        context = self.sessions.get(session_id)
        docs, chunks_by_doc = self._snapshot()
        with stage("understand"):
            q = self._understand(request, docs, context)

        hits: list[Hit] = []
        with stage("answer"):
            if not docs:
                draft = refusal("还没有导入任何报告，请先导入报告（govqa ingest）。")
            else:
                draft, hits = self._answer(q, docs, chunks_by_doc, context, llm_drafter)

        self.sessions.put(session_id, Context(
            question=_explicit(q), regions=q.regions or context.regions, years=q.years or context.years,
            metrics=q.metrics or context.metrics,
        ))
        response = AskResponse(
            answer=draft.answer, answerable=draft.answerable, route=draft.route,
            citations=self._citations(draft, docs), session_id=session_id, table=draft.table,
            timings_ms={"total": _ms(t0)},
        )
        # The passages an answer rests on: computed answers (aggregate, metadata) and section summaries
        # cite chunks found through the metrics table, catalogue or section tree, ahead of search hits.
        ranked = [e.chunk.text for e in draft.evidence] if draft.route in {"aggregate", "metadata", "summary"} else []
        ranked += [h.chunk.text for h in hits if h.chunk.text not in ranked]
        return response, ranked

    def passages(self, question: str, k: int = 5) -> list[tuple[Hit, Document | None]]:
        """The ranked passages an answer to `question` would draw on (scoped by its region and year),
        each with its document; for in-process callers such as the LangChain retriever."""
        docs, _ = self._snapshot()
        if not docs:
            return []
        q = understand(question, list(docs.values()))
        scope = self._scope(q, docs)
        if scope.refusal is not None:
            return []
        hits = self.retriever.search(q.text, scope.doc_ids, k=k)
        return [(h, docs.get(h.chunk.doc_id)) for h in hits]

    def _understand(self, request: AskRequest, docs: dict[str, Document], context: Context) -> Question:
        q = understand(request.question, list(docs.values()), context)
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

    def _answer(self, q: Question, docs: dict[str, Document], chunks_by_doc: DocChunks,
                context: Context, llm_drafter: LLMDrafter | None = None) -> tuple[Draft, list[Hit]]:
        if q.route == "metadata":
            return answerers.metadata(q, docs, chunks_by_doc), []
        scope = self._scope(q, docs)
        if scope.refusal is not None:
            return scope.refusal, []
        # A follow-up that carried region or year ("其中…") keeps the previous question's topic words.
        follows = bool(q.carried) and "question" not in q.carried and context.question
        extra = self.tokenizer.tokens(context.question or "") if follows else []
        hits = self.retriever.search(q.text, scope.doc_ids, k=max(self.settings.top_k, 8), extra_tokens=extra)
        idf = self.retriever.idf()
        draft: Draft | None = None
        if q.route == "aggregate":
            with stage("metrics"):
                draft = aggregate(q, self.store, docs, self.tokenizer)
        elif q.route == "summary":
            draft = answerers.summary(q, hits, chunks_by_doc, docs, self.tokenizer, idf)
        if draft is None:
            required = self._required_terms(q, scope.doc_ids)
            draft = answerers.lookup(q, hits, docs, self.tokenizer, idf, required)
            if draft is None and required and not self._asks_rate(q):
                # Synonym lists are never complete; a count may be worded another way. A rate is not
                # guessed: if no sentence names it, the report did not disclose it.
                draft = answerers.lookup(q, hits, docs, self.tokenizer, idf)
        # The LLM rephrases evidence; it does not overrule a finding that a named metric is undisclosed.
        if self.llm is not None and q.route in {"lookup", "summary"} and hits and (draft or not q.metrics):
            draft = (llm_drafter or self._llm_draft)(q, hits, docs, draft) or draft
        if draft is None:
            draft = refusal(self._not_found(q, docs))
        return draft, hits

    def _llm_draft(
        self, q: Question, hits: list[Hit], docs: dict[str, Document], fallback: Draft | None
    ) -> Draft | None:
        """The LLM's grounded answer over the top passages; None keeps the extractive answer."""
        assert self.llm is not None
        top = hits[: self.settings.top_k]
        result = self.llm.answer(q.original, self.llm_passages(top, docs))
        if result is None:
            return None
        return self.llm_result_draft(q, top, docs, result, fallback)

    @staticmethod
    def llm_passages(top: list[Hit], docs: dict[str, Document]) -> list[Passage]:
        """The passages shown to the LLM, numbered from 1 in rank order."""
        return [Passage(i + 1, _label(h.chunk, docs), h.chunk.text) for i, h in enumerate(top)]

    def llm_result_draft(self, q: Question, top: list[Hit], docs: dict[str, Document], result: LLMAnswer,
                         fallback: Draft | None, *, renumber: bool = True) -> Draft | None:
        """A checked LLM answer as a Draft. Renumbered so citations run 1, 2, …; a streamed answer
        keeps the model's numbers (its text is already on screen) and cites passages 1…max cited."""
        if is_not_found(result.text):
            return None if fallback is not None else refusal(self._not_found(q, docs))
        if not renumber:
            cited = list(range(1, max(result.cited, default=0) + 1))
            evidence = [answerers.Evidence(top[n - 1].chunk, _quote_for(result.text, top[n - 1].chunk.text))
                        for n in cited]
            return Draft(result.text, True, q.route, evidence)
        mapping = {n: i + 1 for i, n in enumerate(result.cited)}
        text = re.sub(r"\[(\d{1,2})\]", lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", result.text)
        evidence = [answerers.Evidence(top[n - 1].chunk, _quote_for(result.text, top[n - 1].chunk.text))
                    for n in result.cited]
        return Draft(text, True, q.route, evidence)

    def _scope(self, q: Question, docs: dict[str, Document]) -> _Scope:
        """The documents a question is about, or a plain refusal naming what is missing."""
        if q.unknown_regions and not q.regions:
            have = "、".join(sorted({d.region for d in docs.values() if d.region}))
            return _Scope(None, refusal(f"收录的报告中没有{'、'.join(q.unknown_regions)}的报告（现有：{have}）。"))
        selected = [d for d in docs.values() if not q.regions or d.region in q.regions]
        if q.years:
            by_year = [d for d in selected if d.year in q.years]
            if not by_year and q.asks_plans:
                # A report's plans section speaks about the following year ("2024年工作安排").
                by_year = [d for d in selected if d.year is not None and d.year + 1 in q.years]
            if not by_year:
                have = "、".join(f"{d.region}{d.year}年度" for d in selected if d.year)
                who = "、".join(q.regions) if q.regions else "任何地区"
                years = "、".join(str(y) for y in q.years)
                return _Scope(None, refusal(f"没有{who}{years}年的报告，只收录了{have}的报告。"))
            selected = by_year
        if not q.regions and not q.years:
            return _Scope(None)
        return _Scope([d.doc_id for d in selected])

    def _required_terms(self, q: Question, doc_ids: list[str] | None) -> list[str]:
        """What a sentence must contain to answer a question about a catalogue metric: one of the
        metric's names, or a figure the metrics table recorded for it in the documents in scope."""
        if not q.metrics:
            return []
        catalogue = load_catalogue()
        terms: list[str] = []
        for key in q.metrics:
            metric = catalogue.metrics.get(key)
            if metric is not None:
                terms.extend(metric.synonyms)
            rows = self.store.metric_rows(metric=key) if doc_ids is None else self.store.metric_rows_in(doc_ids, [key])
            terms.extend(r.written for r in rows if r.written and not r.derived)
        return terms

    @staticmethod
    def _asks_rate(q: Question) -> bool:
        catalogue = load_catalogue()
        return any((m := catalogue.metrics.get(k)) is not None and m.kind == "rate" for k in q.metrics)

    def _not_found(self, q: Question, docs: dict[str, Document]) -> str:
        who = "、".join(q.regions) if q.regions else "收录的"
        what = ""
        if q.metrics:
            metric = load_catalogue().metrics.get(q.metrics[0])
            what = metric.label if metric else ""
        return f"{who}报告中没有找到{what or '与这个问题相关的内容'}。"

    def _snapshot(self) -> tuple[dict[str, Document], DocChunks]:
        """Documents, read once per store version; their chunks are read per document when an answer
        needs them (never the whole store)."""
        version = self.store.version()
        with self._snapshot_lock:
            if self._cached is None or self._cached[0] != version:
                docs = {d.doc_id: d for d in self.store.list_documents()}
                self._cached = (version, docs, DocChunks(self.store))
            return self._cached[1], self._cached[2]

    @staticmethod
    def _citations(draft: Draft, docs: dict[str, Document]) -> list[Citation]:
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


def _label(chunk: ChunkRow, docs: dict[str, Document]) -> str:
    doc = docs.get(chunk.doc_id)
    return " · ".join(str(p) for p in (doc.region if doc else None, doc.year if doc else None, chunk.section) if p)


def _quote_for(answer: str, passage: str) -> str:
    """The passage sentence that carries the answer's numbers (else its first sentence)."""
    sentences = split_sentences(passage)
    stated = numbers_in(answer)
    for sentence in sentences:
        if any(number_occurs(n, sentence) for n in stated):
            return sentence
    return sentences[0] if sentences else passage


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
