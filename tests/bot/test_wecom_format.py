"""Rendering answers for WeCom and splitting them to its 2,048-byte limit, on the real reports."""

from __future__ import annotations

import pytest

from bot.wecom_format import MAX_BYTES, render, split_message, strip_mentions
from rag.schema import AskResponse, Citation, Table, TableRow
from tests.corpus import REPORTS


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.stem)
def test_split_real_report_keeps_every_character_within_the_byte_limit(report) -> None:
    text = report.read_text(encoding="utf-8")
    pieces = split_message(text)
    assert len(pieces) > 1
    assert all(len(p.encode("utf-8")) <= MAX_BYTES for p in pieces)
    assert _squash("".join(pieces)) == _squash(text)  # nothing lost, nothing reordered


def test_a_line_without_breaks_is_cut_at_sentence_ends() -> None:
    sentence = "全面推进严格规范公正文明执法，持续深化行政执法体制改革。"
    text = sentence * 60  # one 5 KB line
    pieces = split_message(text)
    assert len(pieces) >= 3 and all(len(p.encode()) <= MAX_BYTES for p in pieces)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == text


def test_a_run_with_no_boundary_is_cut_between_characters_never_inside_one() -> None:
    text = "法" * 1000  # 3,000 bytes, no line or sentence end
    pieces = split_message(text, limit=100)
    assert all(len(p.encode()) <= 100 for p in pieces) and "".join(pieces) == text
    assert [len(p) for p in pieces[:-1]] == [33] * (len(pieces) - 1)  # 33 chars = 99 bytes: a 34th would not fit


def test_short_text_is_one_message() -> None:
    assert split_message("泗水") == ["泗水"]


@pytest.mark.parametrize(("text", "question"), [
    ("@govqa 今年办结了多少件？", "今年办结了多少件？"),
    ("今年办结了多少件？ @govqa", "今年办结了多少件？"),
    ("@法治助手\u2005纠错率是多少", "纠错率是多少"),
    ("没有提及", "没有提及"),
    ("报告发到 office@example.gov.cn 了吗", "报告发到 office@example.gov.cn 了吗"),
    ("@张三\u2005@govqa 纠错率", "纠错率"),
    ("@govqa", ""),
])
def test_strip_mentions(text: str, question: str) -> None:
    assert strip_mentions(text) == question


def test_render_lists_table_then_numbered_sources() -> None:
    response = AskResponse(
        answer="甲区最多[1]。", answerable=True, route="aggregate",
        citations=[Citation(n=1, doc_id="a", region="甲区", year=2023, section="一、举措", text="t" * 200,
                            quote="全年办结案件12件")],
        table=Table(metric="办结案件", unit="件", rows=[TableRow(region="甲区", year=2023, value=12, display="12件",
                                                              citation=1),
                                                     TableRow(region="乙区", year=2023)]))
    text = render(response)
    answer_at, table_at, sources_at = text.index("甲区最多"), text.index("办结案件（件）"), text.index("来源")
    assert answer_at < table_at < sources_at
    assert "· 甲区 2023年：12件 [1]" in text and "· 乙区 2023年：未披露" in text
    assert "[1] 甲区 · 2023年 · 一、举措：全年办结案件12件" in text


def test_render_falls_back_to_a_shortened_passage_without_a_quote() -> None:
    response = AskResponse(answer="答[1]", answerable=True, route="lookup",
                           citations=[Citation(n=1, doc_id="a", text="长" * 300)])
    line = render(response).splitlines()[-1]
    assert line.startswith("[1] a：") and line.endswith("…") and len(line) < 100


def test_unanswerable_is_said_plainly_without_sources() -> None:
    response = AskResponse(answer="已收录的报告中没有丙区的数据。", answerable=False, route="unanswerable")
    assert render(response) == "已收录的报告中没有丙区的数据。"
