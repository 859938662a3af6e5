"""The composition root: routes are data, their order is checked, and a part swapped through `build`
is the one used."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answering.chain import Noted, Notes
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


@pytest.mark.parametrize(("route", "reader", "writer"), [
    (["passages", "facts", "refusal"], "passages", "facts"),  # reads the facts' vetoes before they exist
    (["operations", "passages", "operations2", "refusal"], "passages", "operations2"),
    (["refusal", "passages"], "refusal", "passages"),  # every answerer may add a refusal
])
def test_a_reader_placed_before_its_writer_is_an_error(tmp_path: Path, route: list[str], reader: str,
                                                        writer: str) -> None:
    settings = Settings(store=tmp_path / "store", embedding_model="none")
    extra = {"operations2": _Writer("operations2")}
    with pytest.raises(ValueError, match=f"'{reader}' reads the .* note that '{writer}' writes"):
        build(settings, routes={"lookup": route}, answerers=extra)


def test_an_unknown_answerer_in_the_routes_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown answerers: nobody"):
        build(Settings(store=tmp_path / "store", embedding_model="none"), routes={"lookup": ["nobody", "refusal"]})


class _Writer:
    """Tells the answerers after it of one vetoed fact, and answers nothing."""

    reads = ()
    writes = ("vetoed",)

    def __init__(self, name: str) -> None:
        self.name = name

    def answer(self, question, evidence):
        return Noted(None, Notes(vetoed=("a fact",)))  # type: ignore[arg-type]


class _Reader:
    name = "reader"
    reads = ("vetoed",)
    writes = ()

    def answer(self, question, evidence):
        return Draft(f"vetoed before me: {len(evidence.notes.vetoed)}", True, "lookup")


def _yixian(tmp_path: Path) -> Path:
    report = tmp_path / "reports" / "yixian-2022.txt"
    report.parent.mkdir()
    report.write_text("黟县人民政府关于2022年度法治政府建设情况的报告\n全年办理法律援助案件300件。\n黟县人民政府\n2023年1月15日\n",
                      encoding="utf-8")
    return report.parent


def test_the_chain_hands_each_answerer_the_notes_of_those_before(tmp_path: Path) -> None:
    from ingest.pipeline import ingest

    settings = Settings(store=tmp_path / "store", embedding_model="none", rate_limit_per_minute=0)
    parts = build(settings, routes={route: ["w1", "w2", "reader", "refusal"] for route in load_routes()},
                  answerers={"w1": _Writer("w1"), "w2": _Writer("w2"), "reader": _Reader()})
    service = Service(settings, parts=parts)
    try:
        ingest(service.store, [_yixian(tmp_path)])
        assert service.ask(AskRequest(question="黟县办理了多少件法律援助案件？")).answer == "vetoed before me: 2"
    finally:
        service.close()


def test_an_answerer_swapped_through_the_factory_answers(tmp_path: Path) -> None:
    from ingest.pipeline import ingest

    settings = Settings(store=tmp_path / "store", embedding_model="none", rate_limit_per_minute=0)
    canned = _Canned()
    service = Service(settings, parts=build(settings, answerers={"facts": canned}))
    try:
        ingest(service.store, [_yixian(tmp_path)])
        r = service.ask(AskRequest(question="黟县办理了多少件法律援助案件？"))
        assert r.answer == "canned 42" and canned.asked == ["黟县办理了多少件法律援助案件？"]
    finally:
        service.close()
