"""govqa inside a LangChain application, without HTTP: a retriever and the answerer as a Runnable.

`GovqaRetriever` returns the ranked passages `Service` would answer from (the same understanding of
region and year, the same hybrid search) as LangChain `Document`s with region, year, section and doc
id in their metadata. `answerer(service)` is a Runnable from a question (or an AskRequest, or a dict
with "question") to govqa's AskResponse, so it composes with `|`, `.batch` and `.stream` like any other.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from rag.schema import AskRequest, AskResponse


class GovqaRetriever(BaseRetriever):
    """govqa's ranked passages for a query; `k` of them."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    service: Any  # rag.service.Service (Any: pydantic need not know its fields)
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        found = []
        for rank, (hit, doc) in enumerate(self.service.passages(query, self.k), start=1):
            found.append(LCDocument(page_content=hit.chunk.text, id=hit.chunk.chunk_id, metadata={
                "doc_id": hit.chunk.doc_id, "region": doc.region if doc else None,
                "year": doc.year if doc else None, "title": doc.title if doc else None,
                "section": hit.chunk.section, "page": hit.chunk.page, "chunk_id": hit.chunk.chunk_id,
                "score": hit.score, "rank": rank,
            }))
        return found


def _request(value: Any) -> AskRequest:
    if isinstance(value, AskRequest):
        return value
    if isinstance(value, str):
        return AskRequest(question=value)
    if isinstance(value, dict):
        return AskRequest.model_validate(value)
    raise TypeError(f"expected a question, an AskRequest or a dict with 'question', not {type(value).__name__}")


def answerer(service: Any) -> Runnable[Any, AskResponse]:
    """`Service.ask` as a Runnable (question → AskResponse)."""
    return RunnableLambda(lambda value: service.ask(_request(value)), name="govqa_answerer")
