from rag.retrieval.retriever import sync_lexical_index
from rag.retrieval.tokenizer import Tokenizer
from rag.store.database import ChunkRow, Store


def test_domain_terms_stay_whole() -> None:
    tokens = Tokenizer().tokens("行政复议纠错率和出庭应诉率")
    assert {"行政复议", "纠错率", "出庭应诉率"} <= set(tokens)


def test_stopwords_and_punctuation_dropped_and_width_normalised() -> None:
    tokens = Tokenizer().tokens("办结了多少件？１７４")
    assert "多少" not in tokens and "？" not in tokens and "了" not in tokens
    assert "174" in tokens


def _indexed(tmp_path, tok: Tokenizer, texts: list[str]):
    """The persisted BM25 index of a store holding `texts` as one document's chunks (rows in order)."""
    store = Store(tmp_path)
    store.replace_document(
        {"doc_id": "d", "source": "d.txt", "sha256": "s", "text": ""},
        [ChunkRow(f"d:{i}", "d", i, "", t, 0, 1, tuple(tok.tokens(t))) for i, t in enumerate(texts)], [])
    return sync_lexical_index(store)


def test_bm25_ranks_the_matching_chunk_first(tmp_path) -> None:
    tok = Tokenizer()
    index = _indexed(tmp_path, tok, ["全县办结复议案件174件,直接纠错4件", "发放宣传材料7800余份", "保留3355个证明事项"])
    scores = index.scores(tok.tokens("办结了多少件行政复议案件"))
    assert scores.argmax() == 0 and scores[1] == 0


def test_unknown_query_scores_zero(tmp_path) -> None:
    tok = Tokenizer()
    index = _indexed(tmp_path, tok, ["保留3355个证明事项"])
    assert not index.scores(tok.tokens("火星基地")).any()


def test_reranker_reorders_the_fused_candidates(tmp_path) -> None:
    from rag.retrieval.retriever import Retriever

    tok = Tokenizer()
    store = Store(tmp_path)
    texts = ["全县办结复议案件174件", "复议案件办理规范", "发放宣传材料7800余份"]
    store.replace_document(
        {"doc_id": "d", "source": "d.txt", "sha256": "s", "text": ""},
        [ChunkRow(f"d:{i}", "d", i, "", t, 0, 1, tuple(tok.tokens(t))) for i, t in enumerate(texts)], [])

    class Reverse:
        def scores(self, query, passages):
            return [-i for i in range(len(passages))][::-1]  # last candidate best

    plain = Retriever(store, tok, None).search("复议案件", k=2)
    reranked = Retriever(store, tok, None, reranker=Reverse(), rerank_candidates=3).search("复议案件", k=2)
    assert plain[0].chunk.chunk_id != "d:2"
    full = Retriever(store, tok, None).search("复议案件", k=3)
    assert [h.chunk.chunk_id for h in reranked] == [full[2].chunk.chunk_id, full[1].chunk.chunk_id]
