"""The whole gold set through the LLM path, against a scripted OpenAI-compatible server."""

import re
from pathlib import Path

from evals.harness import load_gold_set, run
from rag.service import Service
from tests.fakes.openai_server import fake_openai

GOLD = Path(__file__).resolve().parents[2] / "evals" / "gold"


def quote_first_passage(body: dict) -> str:
    """A well-behaved model: answers with the first sentence of passage 1, cited."""
    user = body["messages"][-1]["content"]
    if "追问" in user:
        return "报告中没有相关内容"  # decline rewrites: the rule-based resolver must carry on
    match = re.search(r'<passage n="1"[^>]*>\n(.+?)[。\n]', user)
    return f"{match.group(1)}[1]" if match else "报告中没有相关内容"


def test_gold_set_runs_through_llm_path_without_errors(corpus_service: Service) -> None:
    items = load_gold_set(GOLD)
    with fake_openai([quote_first_passage]) as fake:
        settings = corpus_service.settings.model_copy(update={"llm_model": "fake", "llm_base_url": fake.url})
        service = Service(settings, store=corpus_service.store, embedder=corpus_service.embedder)
        report = run(service, items)
        assert fake.requests, "the LLM was never called"
    assert not any(r.error for r in report.results)
    for result in report.results:
        # Every answer the LLM path gives is grounded: each [n] points at a citation.
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", result.got or "")}
        assert markers <= set(range(1, 20))
    refused = [r for r in report.results if r.score.expected_refusal]
    assert all(r.score.refused for r in refused)
