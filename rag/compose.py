"""The composition root: every shared part of the question path built once, from settings, in one place.

Tests and doors swap a part by passing it in (`build(settings, store=..., embedder=...)`); nothing else
constructs stores, retrievers, answerers or the LLM client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import yaml

from rag.answering.chain import Answerer, Chain, Search
from rag.answering.documents import DocumentsAnswerer, MetadataAnswerer
from rag.answering.facts import FactsAnswerer
from rag.answering.llm import LLMAnswerer, LLMPassageAnswerer, LLMStep, make_chat_model
from rag.answering.matching import FactBook
from rag.answering.operations import OperationsAnswerer
from rag.answering.passages import PassageAnswerer, RefusalAnswerer, SummaryAnswerer
from rag.retrieval.embedders import Embedder, make_embedder
from rag.retrieval.reranker import make_reranker
from rag.retrieval.retriever import Retriever
from rag.retrieval.tokenizer import Tokenizer, default_tokenizer
from rag.settings import Settings
from rag.store.database import Store
from rag.store.feedback import FeedbackStore
from rag.store.sessions import Sessions

_UNSET = object()


@dataclass
class Components:
    settings: Settings
    store: Store
    embedder: Embedder | None
    tokenizer: Tokenizer
    retriever: Retriever
    sessions: Sessions
    feedback: FeedbackStore
    llm: LLMAnswerer | None
    facts: FactBook
    chain: Chain
    # The LLM answerer around another LLM step, for one call (`Chain.run(swap=…)`): the streamed door's
    # step, or None (warm-up asks without an LLM).
    llm_answerer: Callable[[LLMStep | None], Answerer]


def load_routes() -> dict[str, list[str]]:
    text = resources.files("rag").joinpath("data", "routes.yaml").read_text(encoding="utf-8")
    return {route: list(names) for route, names in yaml.safe_load(text).items()}


def build(settings: Settings, *, store: Store | None = None, embedder: Embedder | object | None = _UNSET,
          tokenizer: Tokenizer | None = None, llm: LLMAnswerer | object | None = _UNSET,
          answerers: Mapping[str, Answerer] | None = None,
          routes: Mapping[str, Sequence[str]] | None = None) -> Components:
    """Every part from settings; a part passed in is used instead (tests, a door's own store). The
    chain checks the routes' order (ValueError when an answerer reads notes a later one writes)."""
    store = store or Store(settings.store, settings.chroma_url)
    if embedder is _UNSET:
        embedder = make_embedder(settings.embedding_model, settings.query_embedding_cache, settings.embed_threads)
    tokenizer = tokenizer or default_tokenizer()
    retriever = Retriever(store, tokenizer, embedder, settings.bm25_weight, settings.dense_weight,  # type: ignore[arg-type]
                          make_reranker(settings.reranker_model), settings.rerank_candidates,
                          settings.dense_candidates, settings.dense_skip_margin)
    if llm is _UNSET:
        chat_model = make_chat_model(settings)
        llm = LLMAnswerer(chat_model) if chat_model is not None else None
    facts = FactBook(store, tokenizer, embedder)  # type: ignore[arg-type]

    def llm_answerer(step: LLMStep | None) -> Answerer:
        return LLMPassageAnswerer(step, settings.top_k, store, tokenizer)

    available: dict[str, Answerer] = {
        "operations": OperationsAnswerer(facts, store, tokenizer, retriever, settings),
        "facts": FactsAnswerer(facts),
        "passages": PassageAnswerer(store, tokenizer), "summary": SummaryAnswerer(tokenizer),
        "llm": llm_answerer(llm.answer if llm is not None else None),  # type: ignore[union-attr]
        "documents": DocumentsAnswerer(), "metadata": MetadataAnswerer(), "refusal": RefusalAnswerer(),
        **(answerers or {}),
    }
    order = load_routes() if routes is None else routes
    unknown = sorted({n for names in order.values() for n in names} - set(available))
    if unknown:
        raise ValueError(f"rag/data/routes.yaml names unknown answerers: {', '.join(unknown)}")
    chain = Chain({route: [available[n] for n in names] for route, names in order.items()},
                  Search(retriever, tokenizer, settings))
    return Components(
        settings=settings, store=store, embedder=embedder, tokenizer=tokenizer, retriever=retriever,  # type: ignore[arg-type]
        sessions=Sessions(store.root / "sessions.sqlite"),
        feedback=FeedbackStore(store.root / "feedback.sqlite", max_rows=settings.feedback_max_rows),
        llm=llm, facts=facts, chain=chain, llm_answerer=llm_answerer,  # type: ignore[arg-type]
    )
