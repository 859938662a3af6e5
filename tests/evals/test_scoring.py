"""The scoring rules of CONTRACT.md's Gold Q&A section, case by case."""

from __future__ import annotations

from typing import Any

import pytest

from evals.scoring import RANK_DEPTH, contains, normalize, score_item
from rag.schema import AskResponse, Citation
from tests.corpus import report_text


def response(answer: str, answerable: bool = True, texts: tuple[str, ...] = ()) -> AskResponse:
    citations = [Citation(n=i, doc_id="doc", text=t) for i, t in enumerate(texts, start=1)]
    return AskResponse(answer=answer, answerable=answerable, route="lookup" if answerable else "unanswerable",
                       citations=citations)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１７４件", "174件"),  # full-width digits
        ("２．３％", "2.3%"),  # full-width point and percent
        ("办结 174\t件\n", "办结174件"),
        ("纠错率**2.3%**", "纠错率2.3%"),  # markdown bold
        ("全\u3000县", "全县"),  # ideographic space
        ("直接纠错4件，纠错率2.3%", "直接纠错4件,纠错率2.3%"),  # full-width comma
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("answer", "entry", "found"),
    [
        # numbers must stand alone
        ("办结174件", "174", True),
        ("办结174件", "4", False),
        ("办结174件", "17", False),
        ("直接纠错4件", "4", True),
        ("纠错率12.3%", "2.3%", False),
        ("纠错率2.3%", "2.3%", True),
        ("纠错率2.3%", "3%", False),
        ("败诉率4.621%", "4.62", False),
        ("败诉率4.62%", "4.62", True),
        ("败诉率4.62%", "4.62%", True),
        ("败诉率4.62%", "4", False),
        ("败诉率4.62%", "62%", False),
        ("1-11月", "11", True),
        ("共4件；另有4.5", "4", True),  # one standalone occurrence is enough
        ("4", "4", True),
        ("", "4", False),
        # full-width, whitespace and * on either side
        ("办结１７４件", "174", True),
        ("办结174件", "１７４", True),
        ("办结 1 7 4 件", "174", True),
        ("办结**174**件", "174", True),
        ("纠错率２．３％", "2.3%", True),
        # numbers given as JSON numbers
        ("办结174件", 174, True),
        ("办结174件", 4, False),
        # text entries are plain substrings (after normalising)
        ("泗阳县最高", "泗阳", True),
        ("泗 阳县最高", "泗阳", True),
        ("宿迁", "泗阳", False),
        ("2019年12月27日", "2019年12月27日", True),
        # a list entry is satisfied by any one item
        ("约97.5%", ["97.5", "97.46", "3383"], True),
        ("成功调解3383件", ["97.5", "97.46", "3383"], True),
        ("约97.46%", ["97.5", "3383"], False),
        ("约197.5%", ["97.5"], False),
        ("2019.12.27", ["2019年12月27日", "2019.12.27"], True),
        ("", [], False),
    ],
)
def test_contains(answer: Any, entry: Any, found: bool) -> None:
    assert contains(str(answer), entry) is found


ANSWERABLE: dict[str, Any] = {
    "id": "t-1", "kind": "lookup", "answerable": True, "question": "q",
    "must_include": ["泗阳", ["2.3%", "百分之二点三"]], "must_not_include": ["12.3%"],
    "evidence": [{"doc": "siyang-2023", "quote": "直接纠错4件,纠错率2.3%"}],
}
UNANSWERABLE: dict[str, Any] = {"id": "t-2", "kind": "unanswerable", "answerable": False, "question": "q",
                                "must_include": [], "evidence": []}


@pytest.mark.parametrize(
    ("item", "resp", "correct"),
    [
        (ANSWERABLE, response("泗阳县纠错率2.3%"), True),
        (ANSWERABLE, response("泗阳县纠错率百分之二点三"), True),
        (ANSWERABLE, response("纠错率2.3%"), False),  # a must_include entry missing
        (ANSWERABLE, response("泗阳县纠错率2.3%，另一县12.3%"), False),  # must_not_include present
        (ANSWERABLE, response("泗阳县纠错率2.3%", answerable=False), False),  # said unanswerable
        (UNANSWERABLE, response("报告没有披露", answerable=False), True),
        (UNANSWERABLE, response("报告没有披露", answerable=True), False),
        (UNANSWERABLE, None, False),  # no response at all
        (ANSWERABLE, None, False),
        # must_include applies to refusals too: it can ask the refusal to name what is missing
        ({**UNANSWERABLE, "must_include": ["海淀"]}, response("没有收录", answerable=False), False),
        ({**UNANSWERABLE, "must_include": ["海淀"]}, response("没有收录海淀区", answerable=False), True),
    ],
)
def test_correct(item: dict[str, Any], resp: AskResponse | None, correct: bool) -> None:
    assert score_item(item, resp, []).correct is correct


def test_missing_and_forbidden_entries_are_reported() -> None:
    score = score_item(ANSWERABLE, response("纠错率2.3%，另一县12.3%"), [])
    assert score.missing == ["泗阳"]
    assert score.forbidden == ["12.3%"]


def test_must_not_include_numbers_stand_alone_too() -> None:
    item = {**ANSWERABLE, "must_include": ["29"], "must_not_include": ["24"]}
    assert score_item(item, response("2024年细化为29项职责"), []).correct
    assert not score_item(item, response("细化为24项职责"), []).correct


@pytest.mark.parametrize(
    ("resp", "refused"),
    [(response("x", answerable=False), True), (response("x"), False), (None, None)],
)
def test_refusal_flags(resp: AskResponse | None, refused: bool | None) -> None:
    score = score_item(UNANSWERABLE, resp, [])
    assert score.refused is refused
    assert score.expected_refusal is True
    assert score_item(ANSWERABLE, resp, []).expected_refusal is False


SIYANG = report_text("siyang-2023")
TWO_QUOTES: dict[str, Any] = {
    **ANSWERABLE,
    "evidence": [{"doc": "siyang-2023", "quote": "直接纠错4件,纠错率2.3%"},
                 {"doc": "siyang-2023", "quote": "全县办结复议案件174件"}],
}


def _sentence(text: str, needle: str) -> str:
    """The sentence of a real report holding a needle, as a citation would carry it."""
    start = text.rfind("。", 0, text.index(needle)) + 1
    return text[start: text.index("。", text.index(needle)) + 1]


@pytest.mark.parametrize(
    ("texts", "recall"),
    [
        ((), 0.0),
        (("无关的段落",), 0.0),
        ((SIYANG,), 1.0),  # the real report text, full-width punctuation and all
        (("无关的段落", "直接纠错４件，纠错率２．３％"), 0.5),
        (("直接纠错4件,纠错率2.3%", "全县办结复议案件 174 件"), 1.0),
    ],
)
def test_evidence_recall(texts: tuple[str, ...], recall: float) -> None:
    assert score_item(TWO_QUOTES, response("x", texts=texts), []).evidence_recall == recall


def test_evidence_recall_reads_citation_text_not_quote() -> None:
    resp = AskResponse(answer="x", answerable=True, route="lookup",
                       citations=[Citation(n=1, doc_id="d", text="无关", quote="直接纠错4件,纠错率2.3%")])
    assert score_item(ANSWERABLE, resp, []).evidence_recall == 0.0


def test_items_without_evidence_have_no_evidence_measures() -> None:
    score = score_item(UNANSWERABLE, response("x", texts=("直接纠错4件,纠错率2.3%",)), ["直接纠错4件,纠错率2.3%"])
    assert score.evidence_recall is None
    assert score.evidence_rank is None
    assert not score.has_evidence


@pytest.mark.parametrize(
    ("ranked", "citations", "rank"),
    [
        (["无关", "无关", _sentence(SIYANG, "纠错率2.3%")], (), 3),
        ([_sentence(SIYANG, "174件"), "无关"], (), 1),  # any quote counts
        (["无关", "无关"], (_sentence(SIYANG, "纠错率2.3%"),), None),  # ranking given: citations ignored
        ([], ("无关", _sentence(SIYANG, "纠错率2.3%")), 2),  # no ranking: citations order stands in
        ([], (), None),
        (["无关"] * RANK_DEPTH + ["直接纠错4件,纠错率2.3%"], (), None),  # beyond the ranking depth
        (["无关"] * (RANK_DEPTH - 1) + ["直接纠错4件,纠错率2.3%"], (), RANK_DEPTH),
    ],
)
def test_evidence_rank(ranked: list[str], citations: tuple[str, ...], rank: int | None) -> None:
    assert score_item(TWO_QUOTES, response("x", texts=citations), ranked).evidence_rank == rank
