import numpy as np
import pytest

from rag.retrieval import retriever as retrieve
from rag.service import Service


def test_exact_scoring_of_a_small_scope_matches_the_ann_query(corpus_service: Service,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Small scopes are scored from their stored vectors; the figures must be Chroma's own cosines."""
    retriever = corpus_service.retriever
    index = retriever.index()
    doc_ids = [d.doc_id for d in corpus_service.store.list_documents()[:2]]
    mask = index.rows_of(doc_ids)
    question = "行政复议案件办结情况"
    exact = retriever._dense_scores(question, index, mask, doc_ids)
    monkeypatch.setattr(retrieve, "EXACT_DENSE_LIMIT", 0)
    ann = retriever._dense_scores(question, index, mask, doc_ids)
    assert exact is not None and ann is not None
    np.testing.assert_allclose(exact[mask], ann[mask], atol=1e-4)
    assert len(set(np.round(exact[mask], 4))) > 1  # real scores, not a constant fill
