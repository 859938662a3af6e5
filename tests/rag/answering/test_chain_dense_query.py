"""The dense model reads an English question as the user wrote it; BM25 reads the bridged search text."""

from __future__ import annotations

from rag.answering.chain import dense_query
from rag.question.understanding import Context, understand
from rag.retrieval.retriever import Retriever
from rag.retrieval.tokenizer import default_tokenizer
from tests.rag.retrieval.test_embedders_cache import CountingEmbedder, _store

QUESTION = "How many administrative reconsideration cases did Anji County handle in 2024?"


def test_an_english_question_is_embedded_as_asked_and_a_follow_up_as_resolved() -> None:
    english = understand(QUESTION, [])
    assert english.english and english.text != QUESTION  # the glossary's terms are in the search text
    assert dense_query(english) == QUESTION
    assert dense_query(understand("安吉县2024年办理了多少件行政复议案件？", [])) is None  # Chinese: the search text
    follow_up = understand("And in 2023?", [], Context(question=QUESTION, regions=["安吉县"], years=[2024]))
    assert follow_up.carried and dense_query(follow_up) is None  # its own words lack what it carried


def test_the_retriever_embeds_the_dense_query_and_scores_bm25_on_the_search_text(tmp_path) -> None:
    store = _store(tmp_path)
    embedder = CountingEmbedder()
    try:
        retriever = Retriever(store, default_tokenizer(), embedder)
        hits = retriever.search("法律援助 案件 legal aid", k=3, dense_query="How many legal aid cases?")
        assert embedder.queries == ["How many legal aid cases?"]
        assert hits[0].chunk.chunk_id == "d1:2" and hits[0].bm25 > 0 and hits[0].dense is not None
    finally:
        store.close()
