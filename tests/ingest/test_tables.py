"""Tables read as tables: HTML, DOCX and PDF statistics tables become row lines and one fact per cell."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from ingest.facts import extract_metrics
from ingest.loaders import load
from ingest.table_facts import table_facts
from ingest.tables import locate, spans

INTRO = "一、主要工作\n全年行政复议工作平稳有序，各项数据如下表。"


def _facts(path: Path) -> tuple[str, list]:
    loaded = load(path)
    locate(loaded.text, loaded.tables)
    return loaded.text, table_facts(loaded.text, loaded.tables)


def _by(facts: list, **want: object) -> list:
    return [f for f in facts if all((f.table_cell or {}).get(k) == v if k in ("row", "column") else
                                    getattr(f, k) == v for k, v in want.items())]


def test_html_table_with_year_columns_caption_unit_and_merged_cells(tmp_path: Path) -> None:
    page = f"""<html><head><meta charset="utf-8"><title>报告</title></head><body><div class="content">
    <p>{INTRO.replace(chr(10), '</p><p>')}</p>
    <table>
      <caption>表1 行政复议和行政诉讼情况（单位：件）</caption>
      <thead><tr><th rowspan="2">类别</th><th rowspan="2">项目</th><th colspan="2">年度</th></tr>
             <tr><th>2022年</th><th>2023年</th></tr></thead>
      <tr><td rowspan="2">行政复议</td><td>新收案件</td><td>236</td><td>281</td></tr>
      <tr><td>审结案件</td><td>230</td><td>270</td></tr>
      <tr><td>行政诉讼</td><td>败诉率</td><td>5.2%</td><td>3.1%</td></tr>
    </table>
    <p>下一步，我们将继续推进法治政府建设，全面提升依法行政水平。</p></div></body></html>"""
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    text, facts = _facts(path)
    assert "行政复议新收案件：2022年为236件，2023年为281件。" in text.splitlines()
    new_2023 = _by(facts, value=281.0)
    assert len(new_2023) == 1
    fact = new_2023[0]
    assert (fact.unit, fact.fact_year, fact.kind, fact.source) == ("件", 2023, "level", "table")
    assert fact.measure == "行政复议 新收案件"
    assert fact.table_cell == {"table": 1, "row": "行政复议 新收案件", "column": "年度 2023年"}
    assert text[fact.span[0]:fact.span[1]] == "281件"
    assert fact.sentence == "行政复议新收案件：2022年为236件，2023年为281件。"
    assert _by(facts, value=236.0)[0].fact_year == 2022
    rate = _by(facts, value=3.1)[0]
    assert (rate.unit, rate.metric) == ("%", "litigation_loss_rate")
    assert len(facts) == 6


def test_table_rows_of_sub_units_and_a_total(tmp_path: Path) -> None:
    page = """<html><body><div><p>全县人民调解工作情况如下。</p>
    <table><tr><td>单位</td><td>受理调解案件（件）</td><td>调解成功（件）</td><td>同比增长</td></tr>
      <tr><td>城关镇</td><td>120</td><td>118</td><td>12.5%</td></tr>
      <tr><td>县司法局</td><td>45</td><td>44</td><td>-3.2%</td></tr>
      <tr><td>合计</td><td>165</td><td>162</td><td>8.1%</td></tr></table></div></body></html>"""
    path = tmp_path / "units.html"
    path.write_text(page, encoding="utf-8")
    _, facts = _facts(path)
    town = _by(facts, value=120.0)[0]
    assert (town.scope, town.scope_kind, town.unit, town.measure) == ("城关镇", "subunit", "件", "受理调解案件")
    assert _by(facts, value=45.0)[0].scope_kind == "subunit"
    total = _by(facts, value=165.0)[0]
    assert (total.scope_kind, total.kind) == ("region", "level")
    change = _by(facts, value=-3.2)[0]
    assert (change.kind, change.unit, change.scope) == ("change", "%", "县司法局")


def test_docx_table_with_merged_cells_and_unit_line(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("一、执法培训情况")
    document.add_paragraph("单位：人次")
    table = document.add_table(rows=3, cols=3)
    rows = [("项目", "上年", "本年"), ("行政执法人员培训", "1,200", "1,350"), ("法律顾问培训", "八十", "九十五")]
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    extra = table.add_row()
    extra.cells[0].text = "说明"
    extra.cells[1].merge(extra.cells[2]).text = "无"
    document.add_paragraph("二、存在的不足")
    path = tmp_path / "report.docx"
    document.save(str(path))
    text, facts = _facts(path)
    assert "行政执法人员培训：上年为1,200人次，本年为1,350人次。" in text.splitlines()
    assert [(f.value, f.unit, f.year_offset) for f in _by(facts, row="行政执法人员培训")] == [
        (1200.0, "人次", -1), (1350.0, "人次", 0)]
    assert [f.value for f in _by(facts, row="法律顾问培训")] == [80.0, 95.0]  # Chinese numerals
    assert not _by(facts, row="说明")


def _pdf_with_table(path: Path) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16)
    data = [["指标", "2022年", "2023年"], ["新收行政复议案件", "236", "281"], ["办结行政复议案件", "230", "270"]]
    grid = Table(data)
    grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                              ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    story = [Paragraph("全年行政复议工作情况如下表所示，单位：件。", style), grid,
             Paragraph("全县行政机关负责人出庭应诉率达到百分之百。", style)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def test_pdf_table_read_with_pdfplumber(tmp_path: Path) -> None:
    text, facts = _facts(_pdf_with_table(tmp_path / "report.pdf"))
    assert "新收行政复议案件：2022年为236件，2023年为281件。" in text
    fact = _by(facts, value=281.0)[0]
    assert (fact.unit, fact.fact_year, fact.metric) == ("件", 2023, "reconsideration_applications")
    closed = _by(facts, value=270.0)[0]
    assert closed.metric == "reconsideration_closed"


def test_table_lines_are_left_to_the_table_reader(tmp_path: Path) -> None:
    path = tmp_path / "t.html"
    path.write_text("<html><body><div><p>情况如下。</p><table><tr><td>新收案件</td><td>281件</td></tr>"
                    "<tr><td>审结案件</td><td>270件</td></tr></table></div></body></html>", encoding="utf-8")
    loaded = load(path)
    locate(loaded.text, loaded.tables)
    assert extract_metrics(loaded.text, skip=spans(loaded.tables)) == []
    assert len(table_facts(loaded.text, loaded.tables)) == 2


@pytest.mark.parametrize("cell", ["—", "/", "", "无", "详见附件"])
def test_cells_without_a_figure_are_not_facts(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "t.html"
    path.write_text(f"<html><body><div><table><tr><td>项目</td><td>2023年</td></tr><tr><td>新收案件</td><td>{cell}</td>"
                    "</tr><tr><td>审结案件</td><td>12件</td></tr></table></div></body></html>", encoding="utf-8")
    _, facts = _facts(path)
    assert [f.value for f in facts] == [12.0]


def test_txt_and_markdown_tables(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("某县2023年法治政府建设情况报告\n单位：件\n项目\t2022年\t2023年\n"
                    "新收行政复议案件\t236\t281\n"
                    "审结行政复议案件\t230\t270\n\n| 单位 | 受理调解案件 | 调解成功 |\n|---|---|---|\n"
                    "| 城关镇 | 120 | 118 |\n| 合计 | 165 | 162 |\n\n全县共办理法律援助案件1024件。\n",
                    encoding="utf-8")
    text, facts = _facts(path)
    assert "城关镇：受理调解案件120件，调解成功118件。" in text.splitlines()
    assert [(f.value, f.unit, f.fact_year) for f in _by(facts, row="审结行政复议案件")] == [
        (230.0, "件", 2022), (270.0, "件", 2023)]
    success = _by(facts, value=118.0)[0]
    assert (success.unit, success.scope_kind, success.metric) == ("件", "subunit", "mediation_succeeded")
    assert _by(facts, value=162.0)[0].scope_kind == "region"


def test_an_indented_paragraph_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("  全年办结行政复议案件174件，  直接纠错4件。\n  全县发生一审行政诉讼案件114件，  审结65件。\n",
                    encoding="utf-8")
    loaded = load(path)
    assert loaded.tables == () and "全年办结行政复议案件174件" in loaded.text


def test_pdf_table_without_rules_is_read_from_its_aligned_columns(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "aligned.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("STSong-Light", 12)
    canvas.drawString(72, 760, "全年行政复议工作情况如下，单位：件。")
    for y, row in zip((730, 710, 690), [("项目", "2022年", "2023年"), ("新收行政复议案件", "236", "281"),
                                         ("办结行政复议案件", "230", "270")], strict=True):
        for x, cell in zip((72, 300, 400), row, strict=True):
            canvas.drawString(x, y, cell)
    canvas.drawString(72, 660, "全县行政机关负责人出庭应诉率达到百分之百。")
    canvas.showPage()
    canvas.save()
    text, facts = _facts(path)
    assert "新收行政复议案件：2022年为236件，2023年为281件。" in text
    assert [(f.value, f.fact_year) for f in _by(facts, row="办结行政复议案件")] == [(230.0, 2022), (270.0, 2023)]


def test_a_huge_table_gives_no_facts_so_it_cannot_slow_or_win_every_ranking(tmp_path: Path) -> None:
    # A page laid out as a table of thousands of figures (the probe's had 200k cells) made a fact of
    # every cell: minutes of ingest, and its largest cell, of whatever column, ranked first. Past
    # MAX_TABLE_CELLS its rows stay text but give no facts; the report's prose figures still do.
    from ingest.table_facts import MAX_TABLE_CELLS

    columns = ["新收行政复议申请（件）", "办结行政复议案件（件）", "行政应诉案件（件）", "调解（件）"]
    rows = MAX_TABLE_CELLS // len(columns) + 50
    body = "".join(f"<tr><td>第{r}单位</td>" + "".join(f"<td>{(r * 37 + c) % 9000 + 1}</td>" for c in range(4))
                   + "</tr>" for r in range(rows))
    head = "".join(f"<th>{c}</th>" for c in columns)
    path = tmp_path / "dump.html"
    path.write_text(f"<html><body><h1>邓州市2023年法治政府建设年度报告</h1><p>2023年，全市办结行政复议案件12件。</p>"
                    f"<table><tr><th>单位</th>{head}</tr>{body}</table></body></html>", encoding="utf-8")
    loaded = load(path)
    assert len(loaded.tables) == 1 and "第7单位" in loaded.text  # still text
    locate(loaded.text, loaded.tables)
    assert table_facts(loaded.text, loaded.tables) == []
    prose = extract_metrics(loaded.text, skip=spans(loaded.tables))
    assert [f.value for f in prose] == [12]
