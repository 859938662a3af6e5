from rag.lexical import BM25Index, Tokenizer


def test_domain_terms_stay_whole() -> None:
    tokens = Tokenizer().tokens("行政复议纠错率和出庭应诉率")
    assert {"行政复议", "纠错率", "出庭应诉率"} <= set(tokens)


def test_stopwords_and_punctuation_dropped_and_width_normalised() -> None:
    tokens = Tokenizer().tokens("办结了多少件？１７４")
    assert "多少" not in tokens and "？" not in tokens and "了" not in tokens
    assert "174" in tokens


def test_bm25_ranks_the_matching_chunk_first() -> None:
    tok = Tokenizer()
    docs = ["全县办结复议案件174件,直接纠错4件", "发放宣传材料7800余份", "保留3355个证明事项"]
    index = BM25Index([tok.tokens(d) for d in docs])
    scores = index.scores(tok.tokens("办结了多少件行政复议案件"))
    assert scores.argmax() == 0 and scores[1] == 0


def test_unknown_query_scores_zero() -> None:
    tok = Tokenizer()
    index = BM25Index([tok.tokens("保留3355个证明事项")])
    assert not index.scores(tok.tokens("火星基地")).any()
