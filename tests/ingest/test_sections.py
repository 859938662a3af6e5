import pytest

from ingest.sections import format_path, heading_rank, heading_title, parse_sections
from tests.corpus import REPORTS


@pytest.mark.parametrize(
    ("line", "rank"),
    [
        ("一、主要举措和成效", 1),
        ("十二、其他", 1),
        ("(一)政府职能深刻转变。有序开展全口径权责清单试点工作", 2),
        ("（六）社会矛盾纠纷有效化解", 2),
        ("1.法治建设主体责任落实到位。认真贯彻", 3),
        ("2、开展证明事项清理", 3),
        ("一是强化法治政府建设责任落实。深入学习", 4),
        ("2023年,泗阳县坚持以习近平新时代中国特色社会主义思想为指导", None),
        ("3.5亿元用于", None),  # a decimal number, not a numbered heading
        ("一是统筹不够;二是协同不足;三是保障不力。", None),  # one enumerating paragraph
    ],
)
def test_heading_rank(line: str, rank: int | None) -> None:
    assert heading_rank(line) == rank


def test_lead_in_title_stops_at_first_full_stop() -> None:
    assert heading_title("(一)政府职能深刻转变。有序开展全口径权责清单试点工作。") == "(一)政府职能深刻转变"
    assert heading_title("二、存在问题") == "二、存在问题"


def test_nested_paths_close_on_equal_or_outer_heading() -> None:
    text = "前言。\n一、成效\n(一)甲。甲的内容。\n1.子项。内容。\n(二)乙。乙的内容。\n二、问题\n一是不足。内容。\n"
    paragraphs, roots = parse_sections(text)
    paths = {p.text[:4]: format_path(p.path) for p in paragraphs}
    assert paths["前言。"] == ""
    assert paths["1.子项"] == "一、成效 > (一)甲 > 1.子项"
    assert paths["(二)乙"] == "一、成效 > (二)乙"
    assert paths["一是不足"] == "二、问题 > 一是不足"
    assert [r.title for r in roots] == ["一、成效", "二、问题"]
    for p in paragraphs:
        assert text[p.start : p.end] == p.text


def test_report_starting_at_paren_level_uses_it_as_top() -> None:
    _, roots = parse_sections("(一)甲。内容。\n(二)乙。内容。")
    assert [r.title for r in roots] == ["(一)甲", "(二)乙"]


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem)
def test_every_corpus_report_has_top_level_sections(path) -> None:
    _, roots = parse_sections(path.read_text(encoding="utf-8"))
    assert len(roots) >= 2
    assert all(r.title[0] in "一二三四五六七八九十" for r in roots)
