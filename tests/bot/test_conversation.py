"""/v1 conversations: a new one carries the earlier question's context; one sent back keeps its own."""

from __future__ import annotations

from bot.conversation import session_for
from rag.schema import AskRequest
from rag.service import Service


def _first_question(service: Service) -> tuple[str, str]:
    doc = service.store.list_documents()[0]
    return f"{doc.region}{doc.year}年办结了多少件行政复议案件？", doc.region or ""


def test_a_new_conversation_understands_the_earlier_question_again(corpus_service: Service) -> None:
    question, region = _first_question(corpus_service)
    session = session_for(corpus_service, corpus_service.sessions.mint(), [question], continued=False)
    context = corpus_service.sessions.get(session)
    assert context.regions == [region] and context.question


def test_a_continued_conversation_keeps_the_context_it_saved(corpus_service: Service) -> None:
    question, region = _first_question(corpus_service)
    session = corpus_service.sessions.mint()
    corpus_service.ask(AskRequest(question=question, session_id=session))
    saved = corpus_service.sessions.get(session)
    assert session_for(corpus_service, session, ["另一个问题"], continued=True) == session
    assert corpus_service.sessions.get(session) == saved and saved.regions == [region]
