"""The composition root: routes are data, and a part swapped through `build` is the one used."""

from __future__ import annotations

from pathlib import Path

from rag.answering.drafts import Draft
from rag.compose import build, load_routes
from rag.schema import AskRequest
from rag.service import Service
from rag.settings import Settings


class _Canned:
    name = "facts"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def answer(self, question, evidence):
        self.asked.append(question.original)
        return Draft("canned 42", True, "lookup")


def test_every_route_ends_with_the_refusal_answerer() -> None:
    routes = load_routes()
    assert {"lookup", "aggregate", "summary", "metadata"} <= set(routes)
    assert all(names[-1] == "refusal" for names in routes.values())


def test_an_answerer_swapped_through_the_factory_answers(tmp_path: Path) -> None:
    from ingest.pipeline import ingest

    report = tmp_path / "reports" / "yixian-2022.txt"
    report.parent.mkdir()
    report.write_text("黟县人民政府关于2022年度法治政府建设情况的报告\n全年办理法律援助案件300件。\n黟县人民政府\n2023年1月15日\n",
                      encoding="utf-8")
    settings = Settings(store=tmp_path / "store", embedding_model="none", rate_limit_per_minute=0)
    canned = _Canned()
    service = Service(settings, parts=build(settings, answerers={"facts": canned}))
    try:
        ingest(service.store, [report.parent])
        r = service.ask(AskRequest(question="黟县办理了多少件法律援助案件？"))
        assert r.answer == "canned 42" and canned.asked == ["黟县办理了多少件法律援助案件？"]
    finally:
        service.close()
