"""Sessions named after the chat history: found again on the next turn, rebuilt when missing."""

from __future__ import annotations

from bot.conversation import history_id, session_for
from rag.schema import AskRequest
from rag.service import Service


def _first_question(service: Service) -> tuple[str, str]:
    doc = service.store.list_documents()[0]
    return f"{doc.region}{doc.year}年办结了多少件行政复议案件？", doc.region or ""


def test_the_next_turn_finds_the_context_the_last_one_saved(corpus_service: Service) -> None:
    question, region = _first_question(corpus_service)
    first = session_for(corpus_service, "app-a", [], question)
    corpus_service.ask(AskRequest(question=question, session_id=first))
    second = session_for(corpus_service, "app-a", [question], "其中直接纠错了几件？")
    assert second != first and corpus_service.sessions.get(second).regions == [region]
    # Another application (scope) with the same history does not share the session.
    assert session_for(corpus_service, "app-b", [question], "其中直接纠错了几件？") != second


def test_a_history_never_seen_is_understood_again(corpus_service: Service) -> None:
    question, region = _first_question(corpus_service)
    unseen = [f"（未问过）{question}"]
    assert not corpus_service.sessions.get(history_id("fresh", unseen)).question
    session = session_for(corpus_service, "fresh", unseen, "其中直接纠错了几件？")
    context = corpus_service.sessions.get(session)
    assert context.regions == [region] and context.question
