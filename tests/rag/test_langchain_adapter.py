"""govqa in a LangChain pipeline, in-process: the retriever's Documents and the answerer Runnable."""

from __future__ import annotations

from langchain_core.documents import Document as LCDocument
from langchain_core.runnables import RunnableLambda

from rag.langchain_adapter import GovqaRetriever, answerer
from rag.schema import AskRequest, AskResponse
from rag.service import Service


def _scoped_question(service: Service) -> tuple[str, str, int]:
    doc = service.store.list_documents()[0]
    return f"{doc.region}{doc.year}年办结了多少件行政复议案件？", doc.region, doc.year


def test_retriever_returns_ranked_passages_with_their_metadata(corpus_service: Service) -> None:
    question, region, year = _scoped_question(corpus_service)
    docs = GovqaRetriever(service=corpus_service, k=4).invoke(question)
    assert 0 < len(docs) <= 4 and all(isinstance(d, LCDocument) for d in docs)
    # Scoped like an answer: the question names a region and year, so every passage is from that report.
    assert {(d.metadata["region"], d.metadata["year"]) for d in docs} == {(region, year)}
    assert [d.metadata["rank"] for d in docs] == list(range(1, len(docs) + 1))
    assert all(d.metadata["doc_id"] and d.metadata["section"] is not None for d in docs)
    # The same passages the answer cites come first.
    answer = corpus_service.ask(AskRequest(question=question))
    assert answer.citations[0].text in [d.page_content for d in docs]


def test_retriever_on_an_unknown_scope_returns_nothing(corpus_service: Service) -> None:
    docs = GovqaRetriever(service=corpus_service).invoke("1900年办结了多少件行政复议案件？")
    assert docs == []


def test_answerer_is_a_runnable_that_composes(corpus_service: Service) -> None:
    question, region, _ = _scoped_question(corpus_service)
    chain = answerer(corpus_service) | RunnableLambda(lambda r: (r.answer, [c.region for c in r.citations]))
    answer, regions = chain.invoke(question)
    assert answer == corpus_service.ask(AskRequest(question=question)).answer and regions[0] == region
    batch = answerer(corpus_service).batch([question, {"question": question}, AskRequest(question=question)])
    assert all(isinstance(r, AskResponse) and r.answer == answer for r in batch)
