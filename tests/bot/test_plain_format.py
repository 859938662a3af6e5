"""The plain-text layout both text doors (WeCom, the OpenAI-compatible API) print."""

from __future__ import annotations

from bot.plain_format import NOTHING_FOUND, after_answer, render
from rag.schema import AskResponse, Citation, Table, TableRow


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


def test_a_refusal_without_text_is_said_plainly_and_the_tail_is_what_follows_the_answer() -> None:
    assert render(AskResponse(answer=" ", answerable=False, route="unanswerable")) == NOTHING_FOUND
    response = AskResponse(answer="答[1]", answerable=True, route="lookup",
                           citations=[Citation(n=1, doc_id="a", text="句子")])
    assert render(response) == "答[1]" + after_answer(response) and after_answer(response).startswith("\n\n来源")
