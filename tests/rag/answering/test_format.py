"""English figures as an answer writes them (rag/answering/format.py)."""

from __future__ import annotations

import pytest

from rag.answering.format import caveat_en, display_en, label, label_en, region_en
from rag.schema import Document, MetricRow


@pytest.mark.parametrize(("written", "value", "unit", "shown"), [
    ("1.86万户", 18600, "户", "18,600 households"),  # 万 before a unit English lacks: the value in full
    ("3.2万人次", 32000, "人次", "32,000 person-times"),
    ("4120万元", 4120, "万元", "41.2 million yuan"),  # money in 万元 and 亿元 is said in yuan
    ("约2.36亿元", 2.36, "亿元", "about 236 million yuan"),
    ("38.6万元", 38.6, "万元", "386,000 yuan"),
    ("1件", 1, "件", "1 case"),  # one, not "1 cases"
    ("860户", 860, "户", "860 households"),
    ("1500余次", 1500, "次", "over 1500 times"),
    ("98.5%", 98.5, "%", "98.5%"),
])
def test_an_english_figure_keeps_its_scale(written: str, value: float, unit: str, shown: str) -> None:
    row = MetricRow(metric="other", label="x", value=value, unit=unit, written=written, doc_id="d")
    assert display_en(row) == shown


@pytest.mark.parametrize(
    ("region", "english"),
    [
        ("泗阳县", "Siyang County (泗阳县)"),
        ("北京市", "Beijing Municipality (北京市)"),  # a municipality is no province
        ("兴安盟", "Xing'an League (兴安盟)"),
        ("广东省", "Guangdong Province (广东省)"),
    ],
)
def test_a_region_in_english_says_its_kind(region: str, english: str) -> None:
    assert region_en(region) == english


@pytest.mark.parametrize(
    ("fields", "chinese", "english"),
    [
        ({"region": "泗阳县"}, "泗阳县2023年", "Siyang County (泗阳县), 2023 report"),
        # No region read: the issuer names the report, then its title, never only its file name when either exists.
        ({"issuer": "广州市越秀区白云街道办事处"}, "广州市越秀区白云街道办事处2023年",
         "Yuexiu District Baiyun Subdistrict Office (广州市越秀区白云街道办事处), 2023 report"),
        ({"title": "某单位2023年工作报告"}, "2023年", "某单位2023年工作报告, 2023 report"),
        ({}, "2023年", "post_123, 2023 report"),
    ],
)
def test_a_report_without_a_region_is_named_by_its_issuer(fields: dict, chinese: str, english: str) -> None:
    doc = Document(doc_id="post_123", source="post_123.txt", sha256="0", year=2023, **fields)
    assert (label(doc), label_en(doc)) == (chinese, english)


@pytest.mark.parametrize(("period", "shown"),
                         [("2022年度", " (2022)"), ("2022年", " (2022)"), ("全年", " (full year)")])
def test_a_figures_period_in_english(period: str, shown: str) -> None:
    row = MetricRow(doc_id="d", metric="other", label="x", value=1, unit="件", period=period)
    assert caveat_en(row) == shown
