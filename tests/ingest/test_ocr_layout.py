"""OCR boxes → layout lines, and page provenance: pure functions, table-driven, no engine."""

from __future__ import annotations

import math

import pytest

from ingest.clean import repair_pdf_text
from ingest.ocr import drop_red_ink, needs_ocr
from ingest.ocr_layout import Box, clean_line, group_lines, page_lines, page_text, skew_angle
from ingest.pages import find_spans, page_of, page_spans, pages_between

COLUMN = 16.0  # pixels per display column: a Han character is 32 px wide


def box(x: float, y: float, text: str, score: float = 0.99, angle: float = 0.0) -> Box:
    """A box at (x, y) as wide as its text, turned by `angle` radians about the origin."""
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) * COLUMN
    corners = [(x, y), (x + width, y), (x + width, y + 30), (x, y + 30)]
    cos, sin = math.cos(angle), math.sin(angle)
    return Box(tuple((px * cos - py * sin, px * sin + py * cos) for px, py in corners), text, score)


def test_lines_are_ordered_and_boxes_on_one_line_joined() -> None:
    boxes = [box(500, 100, "第二段"), box(100, 100, "第一段"), box(100, 50, "标题")]
    assert [[b.text for b in line] for line in group_lines(boxes)] == [["标题"], ["第一段", "第二段"]]


@pytest.mark.parametrize(
    ("boxes", "want"),
    [
        # first-line indent of two Han characters (4 columns); wrapped lines flush left
        ([box(164, 0, "一、主要举措和成效"), box(100, 50, "正文第一行很长很长很长很长很长很长"),
          box(100, 100, "正文第二行很长很长很长很长很长很长")],
         ["    一、主要举措和成效", "正文第一行很长很长很长很长很长很长", "正文第二行很长很长很长很长很长很长"]),
        # a signature block: a wide gap between boxes on one line stays a gap
        ([box(100, 0, "正文第一行很长很长很长很长很长很长"), box(100, 50, "甲"), box(300, 50, "乙")],
         ["正文第一行很长很长很长很长很长很长", "甲" + " " * 10 + "乙"]),
        # Latin words split into two boxes keep one space between them
        ([box(100, 0, "正文第一行很长很长很长很长很长很长"), box(100, 50, "Page"), box(170, 50, "one")],
         ["正文第一行很长很长很长很长很长很长", "Page one"]),
    ],
)
def test_page_lines(boxes: list[Box], want: list[str]) -> None:
    assert [line.text for line in page_lines(boxes)] == want


def test_skew_is_undone_before_measuring_indents() -> None:
    angle = math.radians(0.8)  # over 2000 px this drifts 28 px: almost a whole character
    straight = [box(100, 100 + 50 * n, "很" * 30) for n in range(40)] + [box(164, 2100, "二、存在问题")]
    skewed = [box(b.left, b.top, b.text, angle=angle) for b in straight]
    assert skew_angle(skewed) == pytest.approx(angle, abs=1e-3)
    assert [line.text for line in page_lines(skewed)] == [line.text for line in page_lines(straight)]
    assert page_lines(skewed)[-1].text == "    二、存在问题"


def test_layout_text_goes_through_the_pdf_repair_into_paragraphs() -> None:
    """Indented first lines start paragraphs; page numbers and repeated running headers go."""
    def page(n: int, body: list[Box]) -> str:
        return page_text([box(900, 0, "法治政府建设年度报告"), *body, box(560, 3000, f"- {n} -")])

    full = "很" * 24
    one = page(1, [box(164, 100, "一、主要举措"), box(164, 150, "（一）" + full[:21]), box(100, 200, full),
                   box(100, 250, "完。")])
    two = page(2, [box(164, 100, "二是" + full[:22]), box(100, 150, "结束。")])
    assert repair_pdf_text(f"{one}\f{two}").splitlines() == [
        "一、主要举措", "（一）" + full[:21] + full + "完。", "二是" + full[:22] + "结束。",
    ]


@pytest.mark.parametrize(
    ("text", "want"),
    [("", True), ("  3  ", True), ("- 1 -\nscan0001.tif", True), ("法治政府建设年度报告" * 4, False)],
)
def test_needs_ocr(text: str, want: bool) -> None:
    assert needs_ocr(text) is want


def test_red_ink_turns_white_and_black_ink_stays() -> None:
    import numpy as np

    pixels = [[215, 30, 40], [20, 20, 20], [240, 160, 160], [255, 255, 255], [108, 15, 20], [90, 80, 80],
              [184, 137, 142], [200, 195, 195]]
    image = np.array([pixels], dtype=np.uint8)
    out = drop_red_ink(image)
    assert out[0, 0].tolist() == [255, 255, 255]  # seal red
    assert out[0, 1].tolist() == [20, 20, 20]  # text black
    assert out[0, 2].tolist() == [255, 255, 255]  # the seal's blurred pink edge
    assert out[0, 3].tolist() == [255, 255, 255]
    assert out[0, 4].tolist() == [255, 255, 255]  # seal ink over a grey stroke edge: dark red
    assert out[0, 5].tolist() == [90, 80, 80]  # a warm grey stroke is still text
    assert out[0, 6].tolist() == [255, 255, 255]  # the seal's faint halo after blur and JPEG
    assert out[0, 7].tolist() == [200, 195, 195]  # a light grey stroke edge stays


def test_page_spans_follow_deletions_and_joins() -> None:
    pages = ["  页眉\n第一页的文字，\n接着写。\n- 1 -", "  页眉\n第二页。\n- 2 -", "   "]
    text = "第一页的文字，接着写。\n第二页。"
    spans = page_spans(pages, text)
    assert [text[a:b] for a, b in spans] == ["第一页的文字，接着写。", "第二页。", ""]
    assert page_of(spans, 0) == 1 and page_of(spans, text.index("二")) == 2
    assert pages_between(spans, 3, text.index("二") + 1) == [1, 2]


def test_find_spans_ignores_whitespace_and_stays_within_the_page() -> None:
    text = "甲页写了123件。\n乙页也写了123件。"
    second = (text.index("乙"), len(text))
    assert find_spans(text, ["123 件"], second) == [(text.rindex("123"), text.rindex("123") + 4)]
    assert find_spans(text, ["不存在"], (0, len(text))) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("：2.推进机构改革理顺部门职权。", "2.推进机构改革理顺部门职权。"),
        ("持续提升科学、·民主、依法决策水平", "持续提升科学、民主、依法决策水平"),
        ("，全年新增市场主体7611户。", "全年新增市场主体7611户。"),
        ("纠错率2.3%，较上年下降0.5个百分点", "纠错率2.3%，较上年下降0.5个百分点"),  # decimals stay
        ("“12·4”国家宪法日", "“12·4”国家宪法日"),  # a dot between digits is text
        ("（一）政府职能深刻转变。", "（一）政府职能深刻转变。"),
    ],
)
def test_clean_line_drops_speckle_marks(text: str, want: str) -> None:
    assert clean_line(text) == want
