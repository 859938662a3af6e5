"""The streamed answer: the number gate on its own (table-driven), then `rag.streaming.stream` over the
real corpus with a scripted OpenAI-compatible LLM."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rag.answering.llm import Passage
from rag.schema import AskRequest, AskResponse
from rag.service import Service
from rag.streaming import NumberGate, Ungrounded, stream
from tests.fakes.openai_server import fake_openai

PASSAGES = [Passage(1, "甲县 · 2023", "1-11月,全县办结复议案件174件,直接纠错4件,纠错率2.3%。"),
            Passage(2, "甲县 · 2023", "全年共受理诉讼案件181件。")]


def _feed(tokens: list[str]) -> list[str]:
    gate = NumberGate(PASSAGES, "甲县办结了多少件？")
    released = [gate.feed(t) for t in tokens]
    return [*released, gate.finish()]


def test_text_without_numbers_is_released_as_it_comes() -> None:
    assert _feed(["全县", "依法", "办理"]) == ["全县", "依法", "办理", ""]


def test_a_clause_with_a_number_waits_for_its_end_then_is_released_whole() -> None:
    out = _feed(["全县办结", "17", "4件", "[1]", "，", "成效", "明显"])
    assert out == ["全县办结", "", "", "", "174件[1]，", "成效", "明显", ""]


@pytest.mark.parametrize("tokens", [
    ["办结", "175件[1]", "。"],  # in no passage
    ["受理", "181件[1]", "。"],  # in a passage, but not the cited one
    ["办结", "174件", "[3]"],  # cites a passage that does not exist: nothing holds 174 then
])
def test_an_ungrounded_clause_is_never_released(tokens: list[str]) -> None:
    gate = NumberGate(PASSAGES, "多少件？")
    shown = ""
    with pytest.raises(Ungrounded):
        for t in tokens:
            shown += gate.feed(t)
        shown += gate.finish()
    assert not re.search(r"\d{3}", shown)


def test_numbers_from_the_question_pass_and_no_others() -> None:
    gate = NumberGate(PASSAGES, "2023年办结了多少件？")
    assert gate.feed("2023年，") == "2023年，"
    # One grounding rule with the non-streamed answer: a figure in no passage (even one the metrics table
    # holds) is never shown.
    with pytest.raises(Ungrounded):
        _feed(["甲县", "办结", "99件。"])


def test_an_open_bracket_is_held_until_it_closes() -> None:
    gate = NumberGate(PASSAGES, "?")
    assert gate.feed("成效明显[") == "成效明显"  # "[" may start a marker: its digits are not a figure
    assert gate.feed("1") == ""
    assert gate.feed("]") == "[1]"
    assert gate.feed("。") == "。"


# --- the whole stream, through Service, with a scripted LLM -----------------------------------------

def _figure_of_first_passage(body: dict[str, Any]) -> str:
    """A figure with a unit from passage 1 of the prompt: the scripted LLM answers with what it was shown."""
    user = body["messages"][-1]["content"]
    passage = user.split('<passage n="1"', 1)[1].split("</passage>", 1)[0]
    match = re.search(r"(?<![\d.])\d+(?:\.\d+)?(?:件|人次|人|项|次|个|%)", passage)
    assert match, passage
    return match.group(0)


def _tokens(figure: str, bad: bool = False) -> list[str]:
    number = "987654件" if bad else figure
    lead = ["根据", "所给", "资料", "，", "报告", "显示", "：", "全年", "相关", "工作", "有序", "开展", "，"]
    return [*lead, number, "[1]", "。"]  # 16 tokens


def _service(corpus_service: Service, url: str) -> Service:
    settings = corpus_service.settings.model_copy(update={"llm_model": "fake", "llm_base_url": url})
    return Service(settings, store=corpus_service.store, embedder=corpus_service.embedder)


def _question(service: Service) -> str:
    doc = service.store.list_documents()[0]
    return f"{doc.region}{doc.year}年办结了多少件行政复议案件？"


def test_live_tokens_then_citations_then_done(corpus_service: Service) -> None:
    with fake_openai([lambda body: _tokens(_figure_of_first_passage(body))]) as fake:
        service = _service(corpus_service, fake.url)
        events = list(stream(service, AskRequest(question=_question(service))))
    kinds = [e.kind for e in events]
    assert kinds[-2:] == ["citations", "done"] and set(kinds[:-2]) == {"token"}
    done: AskResponse = events[-1].data
    streamed = "".join(e.data["text"] for e in events if e.kind == "token")
    assert streamed == done.answer and done.answer.startswith("根据所给资料")
    assert fake.requests[0]["stream"] is True
    # The model's marker [1] is the first passage, which the citations carry as n=1.
    figure = re.sub(r"\D+$", "", re.search(r"\d+(?:\.\d+)?", done.answer).group(0))
    assert done.citations[0].n == 1 and figure in done.citations[0].text
    # The held clause arrived as one piece, after the free text before it.
    pieces = [e.data["text"] for e in events if e.kind == "token"]
    assert any(re.search(r"\d", p) and p.endswith("。") for p in pieces)


def test_an_ungrounded_number_ends_in_replace_with_the_extractive_answer(corpus_service: Service) -> None:
    with fake_openai([lambda body: _tokens("", bad=True)]) as fake:
        service = _service(corpus_service, fake.url)
        question = _question(service)
        events = list(stream(service, AskRequest(question=question)))
    kinds = [e.kind for e in events]
    assert kinds[-3:] == ["replace", "citations", "done"]
    streamed = "".join(e.data["text"] for e in events if e.kind == "token")
    assert streamed and "987654" not in streamed  # the bad clause was never shown
    replace, done = events[-3].data, events[-1].data
    assert replace["text"] == done.answer and "987654" not in done.answer
    assert "987654" in replace["reason"]
    extractive = corpus_service.ask(AskRequest(question=question))
    assert done.answer == extractive.answer


def test_offline_streams_the_extractive_answer_in_pieces(corpus_service: Service) -> None:
    question = _question(corpus_service)
    events = list(stream(corpus_service, AskRequest(question=question)))
    tokens = [e.data["text"] for e in events if e.kind == "token"]
    assert "".join(tokens) == events[-1].data.answer and all(len(t) <= 8 for t in tokens)
    assert "replace" not in [e.kind for e in events]
