"""Rendering answers for WeCom and splitting them to its 2,048-byte limit, on the real reports."""

from __future__ import annotations

import pytest

from bot.wecom_format import MAX_BYTES, split_message, strip_mentions
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
