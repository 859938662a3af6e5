"""The Block Kit renderer on synthetic answers: escaping, limits, splitting without loss."""

from __future__ import annotations

import re

import pytest

from bot.slack_blocks import (
    MAX_BLOCKS,
    MAX_SECTION_CHARS,
    answer_blocks,
    escape,
    feedback_block,
    notice,
    pack,
    render,
    split_text,
    table_lines,
    to_mrkdwn,
)
from rag.schema import AskResponse, Citation, Table, TableRow
from tests.fakes.slack_api import block_errors


def citation(n: int, quote: str = "全年办结案件12件。", **kw: object) -> Citation:
    fields = {"doc_id": f"doc-{n}", "region": "甲县", "year": 2023, "section": "一、主要成效 > (一)复议",
              "text": f"段落{n}：{quote}", "quote": quote, **kw}
    return Citation(n=n, **fields)  # type: ignore[arg-type]


def response(answer: str, citations: list[Citation], **kw: object) -> AskResponse:
    fields = {"answerable": True, "route": "lookup", "session_id": "s1", **kw}
    return AskResponse(answer=answer, citations=citations, **fields)  # type: ignore[arg-type]


def all_text(messages: list[dict]) -> str:
    texts = []
    for m in messages:
        for b in m["blocks"]:
            if b["type"] == "section":
                texts.append(b["text"]["text"])
            texts += [e["text"] for e in b.get("elements", []) if e.get("type") == "mrkdwn"]
    return "\n".join(texts)


def test_document_text_is_escaped_everywhere() -> None:
    evil = citation(1, quote="<script>alert(1)</script> & <@U123> <!channel>", region="<b>县</b>",
                    section="A & B > C")
    messages = render(response("答案 <http://evil|点我> & 完", [evil]), "问 <!here>", echo_question=True)
    text = all_text(messages) + "".join(m["text"] for m in messages)
    assert "<" not in text and ">" not in text.replace("&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;@U123&gt;" in text
    assert "A &amp; B &gt; C" in text and "&lt;b&gt;县&lt;/b&gt;" in text and "问 &lt;!here&gt;" in text
    assert re.search(r"&(?!amp;|lt;|gt;)", text) is None, "every & is the start of an entity"


def test_markdown_bold_becomes_slack_bold() -> None:
    assert to_mrkdwn("泗**阳县**最高 & 2 < 3") == "泗*阳县*最高 &amp; 2 &lt; 3"


def test_sources_are_numbered_with_region_year_section_and_quote() -> None:
    blocks = render(response("答案[1][2]", [citation(1), citation(2, quote="另一句。", region="乙区", year=2019)]))[0]
    text = all_text([blocks])
    assert "*[1]* 甲县 · 2023年 · 一、主要成效 &gt; (一)复议" in text
    assert "*[2]* 乙区 · 2019年" in text and "“另一句。”" in text
    assert text.index("答案") < text.index("*[1]*") < text.index("*[2]*")


def test_a_citation_without_quote_shows_its_text() -> None:
    text = all_text(render(response("答", [citation(1, quote="")])))
    assert "段落1：" in text


def test_unanswerable_is_said_plainly_without_sources() -> None:
    r = AskResponse(answer="已收录的报告中没有丙市2030年的数据。", answerable=False, route="unanswerable",
                    citations=[citation(1)])
    messages = render(r)
    assert len(messages) == 1 and "没有丙市2030年" in messages[0]["text"]
    assert "[1]" not in all_text(messages)


def test_aggregate_table_is_a_short_list() -> None:
    table = Table(metric="纠错率", unit="%", rows=[
        TableRow(region="甲县", year=2023, value=2.3, display="2.3%", period="1-11月", citation=1),
        TableRow(region="乙区", year=2023, value=None),
        TableRow(region="丙<区>", year=2023, value=5.0, display="5%", derived=True, citation=2),
    ])
    lines = table_lines(table).split("\n")
    assert lines[0] == "*纠错率*（%）"
    assert lines[1] == "• 甲县 2023年：2.3%（1-11月） [1]"
    assert lines[2] == "• 乙区 2023年：未披露"
    assert lines[3] == "• 丙&lt;区&gt; 2023年：5%（计算得出） [2]"
    text = all_text(render(response("甲县最高", [citation(1), citation(2)], route="aggregate", table=table)))
    assert text.index("甲县最高") < text.index("*纠错率*") < text.index("*[1]*")


def test_long_answer_is_split_into_several_valid_messages_without_loss() -> None:
    sentences = [f"第{i}句：全年办理事项{i}件，同比增长{i % 7}%。" for i in range(1200)]
    answer = "\n\n".join("".join(sentences[i : i + 30]) for i in range(0, 1200, 30))
    citations = [citation(n, quote=f"第{n}条引文 & <原文>。" * 40) for n in range(1, 61)]
    messages = render(response(answer, citations), "问题", feedback=True)
    assert len(messages) > 2
    for m in messages:
        assert block_errors(m) == [], block_errors(m)
        assert 0 < len(m["blocks"]) <= MAX_BLOCKS and m["text"]
        assert all(len(b["text"]["text"]) <= MAX_SECTION_CHARS for b in m["blocks"] if b["type"] == "section")
    answer_sections = [b["text"]["text"] for m in messages for b in m["blocks"]
                       if b["type"] == "section" and not b["text"]["text"].startswith("*[")]
    assert "".join(answer_sections).replace("\n", "") == answer.replace("\n", "")
    text = all_text(messages)
    assert all(f"*[{n}]*" in text for n in range(1, 61))
    assert text.count("“第60条引文") == 1
    assert messages[-1]["blocks"][-1]["type"] == "actions"
    assert not any(b["type"] == "actions" for m in messages[:-1] for b in m["blocks"])


def test_every_message_has_fallback_text_even_when_it_holds_only_buttons() -> None:
    messages = pack([*answer_blocks(response("短答案", [])), feedback_block("s1", "问")], max_chars=10)
    assert len(messages) == 2 and messages[1]["blocks"][0]["type"] == "actions"
    assert all(m["text"] for m in messages)


@pytest.mark.parametrize("text", ["&" * 5000, "a<b>" * 2000, "。" * 7000, "x" * 9001])
def test_split_text_respects_the_limit_and_never_cuts_an_entity(text: str) -> None:
    escaped = escape(text)
    pieces = split_text(escaped)
    assert all(0 < len(p) <= MAX_SECTION_CHARS for p in pieces)
    assert "".join(pieces) == escaped
    assert all(re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt);)*", p) for p in pieces)


def test_split_text_prefers_sentence_ends() -> None:
    text = "甲" * 2000 + "。" + "乙" * 2000
    assert split_text(text) == ["甲" * 2000 + "。", "乙" * 2000]


def test_notice_is_a_valid_message() -> None:
    message = notice("用法：`/govqa 问题` & 更多")
    assert block_errors(message) == [] and "&amp;" in message["text"]
