"""A 乡镇 or 街道 named in a question: the report it issued, or the reports whose text names it, before the
answer says there is no such report (rag/question/places.py, rag/question/scope.py).

Reports written for these tests (浙江 安吉, 德清); none comes from a gold set."""

from __future__ import annotations

import pytest

from rag.question.places import below_county_named, place_of
from rag.question.understanding import understand
from rag.schema import AskRequest, Document
from rag.service import Service
from tests.conftest import texts_service

REPORTS = {
    "anji.txt": "安吉县2023年法治政府建设情况报告\n2023年，安吉县坚持依法行政，全县办理行政复议案件31件。\n"
                "一、主要工作\n递铺镇司法所调解矛盾纠纷88件。\n",
    "deqing.txt": "德清县2023年法治政府建设情况报告\n2023年，德清县坚持依法行政，全县办理行政复议案件22件。\n",
    # Filed under no region: a township's report that names itself only in its plans (a town no table holds).
    "unplaced.txt": "今年以来，我们坚持依法行政。\n一、主要工作\n全年办理行政复议案件17件。\n二、下一步\n"
                    "青禾镇将继续推进，青禾镇持续努力。\n",
}


service = texts_service(REPORTS)


@pytest.mark.parametrize(
    ("question", "answerable", "expected"),
    [
        ("递铺镇调解矛盾纠纷多少件？", True, ["88", "安吉县"]),
        ("递铺镇在哪个县？", True, ["安吉县", "湖州市", "浙江省"]),
        ("新市镇办理行政复议案件多少件？", False, ["新市镇"]),
        ("青禾镇办理行政复议案件多少件？", True, ["17", "未能识别"]),
        ("新市镇在哪个县？", False, ["新市镇"]),
    ],
)
def test_a_place_below_county(service: Service, question: str, answerable: bool, expected: list[str]) -> None:
    r = service.ask(AskRequest(question=question))
    assert r.answerable is answerable, r.answer
    for part in expected:
        assert part in r.answer, r.answer


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("递铺镇调解矛盾纠纷多少件？", ["递铺镇"]),
        ("请问宁海路街道在哪？", ["宁海路街道"]),
        ("全县各乡镇调解纠纷多少件？", []),
        ("城乡居民纠纷多少件？", []),
        ("城镇新增就业多少人？", []),
        ("哪个镇调解最多？", []),
    ],
)
def test_below_county_named(text: str, names: list[str]) -> None:
    assert below_county_named(text) == names


@pytest.mark.parametrize(
    ("issuer", "name", "stem"),
    [("宁海路街道办事处", "宁海路街道", "宁海路"), ("安吉县递铺镇人民政府", "递铺镇", "递铺"),
     ("安吉县人民政府", None, None)],
)
def test_place_of(issuer: str, name: str | None, stem: str | None) -> None:
    place = place_of(issuer)
    assert (place.name if place else None, place.stem if place else None) == (name, stem)


def test_a_functional_area_is_found_by_the_short_form_reports_write() -> None:
    docs = [Document(doc_id="z", region="长春经济技术开发区", source="z.txt", sha256="x")]
    assert understand("长春经开区2023年办理行政复议案件多少件？", docs).regions == ["长春经济技术开发区"]
