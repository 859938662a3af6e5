"""The 政府信息公开 annual report's national tables read from a run of cells, whatever the layout."""

from __future__ import annotations

import pytest

from ingest.table_facts import table_facts
from ingest.tables import locate, text_tables

# One report opening (江口县, invented figures): its tables as rows of cells, laid out below in each way
# a web page copied as text gives them.
_PROACTIVE = [
    ["第二十条第（一）项"],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "2"],
    ["行政规范性文件", "5", "3", "31"],
    ["第二十条第（五）项"],
    ["信息内容", "本年处理决定数量"],
    ["行政许可", "1296"],
    ["第二十条第（九）项"],
    ["信息内容", "采购项目数量", "采购总金额"],
    ["政府集中采购", "14", "976.81"],
]
_REQUESTS = [
    ["申请人情况", "自然人", "法人或其他组织", "总计"],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ["一、本年新收政府信息公开申请数量", "9", "2", "0", "0", "1", "0", "12"],
    ["二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1"],
    ["三、本年度办理结果", "（一）予以公开", "6", "1", "0", "0", "0", "0", "7"],
    ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "2", "0", "0", "0", "0", "0", "2"],
    ["（三）不予公开", "1.属于国家秘密", "1", "0", "0", "0", "0", "0", "1"],
    ["四、结转下年度继续办理", "0", "1", "0", "0", "1", "0", "2"],
]
_REVIEW = [
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
    ["3", "1", "0", "0", "4", "2", "0", "0", "0", "2", "0", "0", "0", "1", "1"],
]


def _report(join) -> str:
    def table(rows: list[list[str]]) -> str:
        return "\n".join(join(row) for row in rows)

    return "\n".join([
        "江口县2023年政府信息公开工作年度报告",
        "一、总体情况",
        "2023年，我县主动公开政务动态类信息2896条，政务新媒体发布信息42828条，收到政府信息公开申请12件。",
        "二、主动公开政府信息情况", table(_PROACTIVE),
        "三、收到和处理政府信息公开申请情况", table(_REQUESTS),
        "四、政府信息公开行政复议、行政诉讼情况", table(_REVIEW),
        "五、存在的主要问题及改进情况",
        "一是公开内容不够全面，二是政策解读形式单一。",
    ])


LAYOUTS = {
    "one cell per line": "\n".join,
    "tabs": "\t".join,
    "pipes": lambda row: "| " + " | ".join(row) + " |",
    "spaces": " ".join,
}

EXPECTED = [
    ("行政规范性文件 本年废止件数", None, 3.0, "件"),
    ("行政许可 本年处理决定数量", None, 1296.0, "件"),
    ("政府集中采购 采购总金额", None, 976.81, "万元"),
    ("政府集中采购 采购项目数量", None, 14.0, "件"),
    ("本年新收政府信息公开申请数量 自然人", None, 9.0, "件"),
    ("本年新收政府信息公开申请数量", "总计", 12.0, "件"),
    ("本年度办理结果 部分公开", "总计", 2.0, "件"),
    ("本年度办理结果 不予公开 属于国家秘密 自然人", None, 1.0, "件"),
    ("结转下年度继续办理 商业企业", None, 1.0, "件"),
    ("行政复议 结果纠正", None, 1.0, "件"),
    ("行政复议", "总计", 4.0, "件"),
    ("行政诉讼 复议后起诉 尚未审结", None, 1.0, "件"),
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_national_tables_become_facts_in_every_layout(layout):
    text, tables = text_tables(_report(LAYOUTS[layout]))
    locate(text, tables)
    facts = table_facts(text, tables)
    found = {(f.measure, f.scope): (f.value, f.unit) for f in facts}
    for measure, scope, value, unit in EXPECTED:
        assert found.get((measure, scope)) == (value, unit), (layout, measure, scope)
    # Every cell is read once, from the row line that stands for it in the text.
    assert len(facts) == 2 * 3 + 1 + 2 + 6 * 7 + 15
    for f in facts:
        assert text[f.span[0]:f.span[1]] == f.written
        assert f.metric == "other"  # the disclosure tables' cases are not the region's 行政复议 figures


@pytest.mark.parametrize("layout", LAYOUTS)
def test_headings_and_prose_stay(layout):
    text, _ = text_tables(_report(LAYOUTS[layout]))
    assert "三、收到和处理政府信息公开申请情况" in text
    assert "行政许可：本年处理决定数量1296件。" in text
    assert text.endswith("一是公开内容不够全面，二是政策解读形式单一。")


def test_a_row_that_does_not_fit_its_columns_is_left_as_text():
    rows = [r for r in _REQUESTS]
    rows[2] = ["一、本年新收政府信息公开申请数量", "9", "2", "12"]  # cells lost: which column is which?
    text = "\n".join(["三、收到和处理政府信息公开申请情况", *("\t".join(r) for r in rows)])
    out, tables = text_tables(text)
    locate(out, tables)
    measures = {f.measure for f in table_facts(out, tables)}
    assert not any(m.startswith("本年新收") for m in measures)
    assert any(m.startswith("上年结转") for m in measures)
