from __future__ import annotations

import unicodedata

import pytest

from ingest.clean import drop_reading_aids, normalize_for_match, repair_pdf_text, strip_markdown, strip_site_chrome
from tests.corpus import report_text

BODY = "2023年，全区坚持以习近平新时代中国特色社会主义思想为指导，全年办结行政复议案件174件，纠错率2.3%。"

# ---------------------------------------------------------------------------------------------
# Site chrome


@pytest.mark.parametrize(
    "chrome",
    [
        "您的位置: 首页 > 资讯中心 > 公告公示 > 其他",
        "当前位置：首页 > 政务公开",
        "时间:2024-02-08来源:铁东区司法局 点击:",
        "发布时间：2024-02-08 10:30　来源：区司法局　浏览次数：128",
        "来源：区司法局",
        "索 引 号: 主题分类: 发文日期: 2020年01月02日",
        "发布机构: 文       号:",
        "十堰市张湾区人民政府网站 www.zhangwan.gov.cn",
        "2020-01-02",
        "2024/02/08 10:30",
        "网站地图 | 设为首页 | 收藏本站",
        "主办:中共张湾区委 张湾区人民政府 承办:张湾区融媒体中心",
        "备案号:鄂ICP备17000626号 技术支持:十堰政府网",
        "京ICP备05060933号 京公网安备11010702000020号",
        "政府网站标识码:4203030009",
        "网站总访问量:",
        "版权所有：区人民政府办公室",
        "浏览次数：1024",
        "分享到：微信 微博 QQ空间",
        "【打印本页】【关闭窗口】",
        "[打印] [关闭]",
        "【字体：大 中 小】",
        "上一篇：关于2022年度法治政府建设情况的报告",
        "扫一扫在手机打开当前页",
    ],
)
def test_chrome_line_is_dropped(chrome: str) -> None:
    assert strip_site_chrome(f"{BODY}\n{chrome}\n{BODY}") == f"{BODY}\n{BODY}"


@pytest.mark.parametrize(
    "content",
    [
        "二、存在问题和不足",
        "(三)行政复议纠错情况",
        "(五)强化技术支持保障",
        "中共鞍山市委、鞍山市人民政府:",
        "新乡市卫滨区司法局",
        "2023年12月29日",
        "中共鞍山市铁东区委     鞍山市铁东区人民政府",
        "张湾区人民政府关于2019年度法治政府建设情况的报告",
        "区政府门户网站全年访问量达120万次，主动公开政府信息3200条。",
        "在区政府网站www.example.gov.cn公开法治政府建设年度报告，接受社会监督。",
        "附件：2023年度行政执法数据统计表",
        "1.全面推行行政执法“三项制度”。",
        "(四)推进无障碍环境建设",
        "(五)普法短视频阅读量突破100万",
    ],
)
def test_report_line_is_kept(content: str) -> None:
    assert strip_site_chrome(f"{BODY}\n{content}\n{BODY}") == f"{BODY}\n{content}\n{BODY}"


def test_lines_are_trimmed_and_blank_lines_dropped() -> None:
    assert strip_site_chrome(f"\n    {BODY}  \n\xa0\n\n\u3000\u3000{BODY}\n") == f"{BODY}\n{BODY}"


def test_related_links_after_the_report_are_cut_to_the_end() -> None:
    text = "\n".join([BODY, "新乡市卫滨区司法局", "2023年12月29日", "相关链接", "关于2022年度法治政府建设情况的报告",
                      "区政府2023年度重大行政决策事项目录 2024-01-05"])
    assert strip_site_chrome(text) == "\n".join([BODY, "新乡市卫滨区司法局", "2023年12月29日"])


def test_related_links_header_before_the_report_only_drops_itself() -> None:
    text = "\n".join(["相关文章", "区人民政府关于法治政府建设情况的报告", BODY])
    assert strip_site_chrome(text) == "\n".join(["区人民政府关于法治政府建设情况的报告", BODY])


def test_trailing_attachment_box_is_dropped_but_a_listed_attachment_kept() -> None:
    assert strip_site_chrome(f"{BODY}\n2019年12月27日\n附件\n\n网站地图 | 设为首页") == f"{BODY}\n2019年12月27日"
    assert strip_site_chrome(f"{BODY}\n附件\n1.行政执法统计表") == f"{BODY}\n附件\n1.行政执法统计表"


def test_strip_markdown() -> None:
    text = "## 一、主要举措\n**一是**加强[组织领导](http://x.cn)。![图](a.png)"
    assert strip_markdown(text) == "一、主要举措\n一是加强组织领导。"


# ---------------------------------------------------------------------------------------------
# PDF repair


@pytest.mark.parametrize(
    ("extracted", "repaired"),
    [
        ("2023 年，全区办结案件 9 件。", "2023年，全区办结案件9件。"),
        ("纠错率 2 . 3 %，同比增长 1 2 3 件。", "纠错率2.3%，同比增长123件。"),
        ("法治 政府 建设“ 一会一学 ”制度。", "法治政府建设“一会一学”制度。"),
        ("**二是抓住关键少数，提升法治能力。**制定学法计划。", "二是抓住关键少数，提升法治能力。制定学法计划。"),
        ("推广 COVID 防控经验，使用 Office 365 办公。", "推广 COVID 防控经验，使用 Office 365办公。"),
    ],
)
def test_repair_fixes_spacing_and_markers(extracted: str, repaired: str) -> None:
    assert repair_pdf_text(extracted) == repaired


def test_repair_joins_a_sentence_broken_across_lines() -> None:
    extracted = (
        "全区共办结行政复议案件174件，直接纠错4件，\n纠错率2.3%；行政诉讼案件114件。\n一、主要举措\n（一）政府职能转变"
    )
    assert repair_pdf_text(extracted).splitlines() == [
        "全区共办结行政复议案件174件，直接纠错4件，纠错率2.3%；行政诉讼案件114件。",
        "一、主要举措",
        "（一）政府职能转变",
    ]


def test_repair_does_not_join_onto_a_heading_or_a_heading_onto_text() -> None:
    extracted = "二、存在问题\n一是少数领导干部法治意识不强\n(一)工作推进不平衡\n部分单位力量不足。"
    assert repair_pdf_text(extracted).splitlines() == [
        "二、存在问题", "一是少数领导干部法治意识不强", "(一)工作推进不平衡", "部分单位力量不足。",
    ]


WRAPPED_PAGE_1 = """\
                                    法治政府建设年度报告

    一、主要举措和成效
    （一）政府职能深刻转变。有序开展全口径权责清单试点工作，助力实现部门职
能的精细化管理。依托权责清单管理系统，对32家县级部门权力事项进行动态调整。
实行窗口服务“5S”管理，重点项目帮办精准“一次性告知”，形成一体化服务。
    （二）规范性文件制定提质增效。年内出台县政府行政规范性文件3件，均履行公
开征求意见、合法性审查、集体审议决定、向社会公开发布等法定程序，报备率、及

                              - 1 -"""
WRAPPED_PAGE_2 = """\
                                    法治政府建设年度报告

时率、规范率均达100%。一是加强审查。二是强化备案。三是开展清理工作，确保
一是落实到位。
    （三）行政执法严格规范公正。全面推进不予处罚、从轻处罚、减轻处罚“三张
清单”，已公布266项不予处罚清单。
                                                  新乡市卫滨区司法局
                                                    2023年12月29日

                              第2页"""


def test_repair_rebuilds_paragraphs_of_an_indented_layout() -> None:
    repaired = repair_pdf_text(f"{WRAPPED_PAGE_1}\f{WRAPPED_PAGE_2}").splitlines()
    assert repaired == [
        "一、主要举措和成效",
        "（一）政府职能深刻转变。有序开展全口径权责清单试点工作，助力实现部门职能的精细化管理。"
        "依托权责清单管理系统，对32家县级部门权力事项进行动态调整。"
        "实行窗口服务“5S”管理，重点项目帮办精准“一次性告知”，形成一体化服务。",
        # runs on across the page break, and past a line that happens to start with 一是
        "（二）规范性文件制定提质增效。年内出台县政府行政规范性文件3件，均履行公开征求意见、合法性审查、"
        "集体审议决定、向社会公开发布等法定程序，报备率、及时率、规范率均达100%。一是加强审查。二是强化备案。"
        "三是开展清理工作，确保一是落实到位。",
        "（三）行政执法严格规范公正。全面推进不予处罚、从轻处罚、减轻处罚“三张清单”，已公布266项不予处罚清单。",
        "新乡市卫滨区司法局",
        "2023年12月29日",
    ]


@pytest.mark.parametrize("page_number", ["- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页", "3/10", "3", "Page 3"])
def test_page_numbers_are_dropped(page_number: str) -> None:
    text = f"{BODY}\n{page_number}\f{BODY}"
    assert repair_pdf_text(text).splitlines() == [BODY, BODY]


PARAGRAPHS = [line for line in report_text("siyang-2023").splitlines() if len(line) > 120]


def wrapped(paragraph: str, width: int = 60) -> str:
    """`paragraph` as layout extraction prints it: first line indented, lines `width` columns wide."""
    lines, line = [], "    "
    for char in paragraph:
        if sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return "\n".join([*lines, line])


def test_a_bare_number_inside_a_page_is_data() -> None:
    table = ["表一", "全年办结案件（件）", "174", "同比增长（%）", "12"]
    text = "\n".join([wrapped(PARAGRAPHS[0]), wrapped(PARAGRAPHS[1]), *table, wrapped(PARAGRAPHS[2])])
    assert repair_pdf_text(text).splitlines() == [*PARAGRAPHS[:2], *table, PARAGRAPHS[2]]


def test_running_header_repeated_on_pages_is_dropped_but_once_is_content() -> None:
    pages = [f"泗阳县人民政府文件 第{n}期\n{wrapped(PARAGRAPHS[n])}" for n in range(3)]
    assert repair_pdf_text("\f".join(pages)).splitlines() == PARAGRAPHS[:3]
    one_page = "\n".join(pages)  # the same lines on a single page: the header lines are content now
    assert repair_pdf_text(one_page).splitlines()[:2] == ["泗阳县人民政府文件第0期", PARAGRAPHS[0]]


def test_without_layout_marks_a_full_stop_at_a_line_end_closes_the_paragraph() -> None:
    # Plain extraction (no indents, no blank lines) cannot tell a paragraph end that fills the line
    # from a sentence end inside one; it keeps the break, losing a join rather than merging paragraphs.
    lines = wrapped(PARAGRAPHS[0]).lstrip().splitlines()
    sentence_end = next(i for i, line in enumerate(lines) if line.endswith("。"))
    repaired = repair_pdf_text("\n".join(lines))
    assert repaired.splitlines()[0] == "".join(lines[: sentence_end + 1])


# ---------------------------------------------------------------------------------------------
# Matching key


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2023 年度卫滨区法治政府建设工作情况 专项报告", "2023年度卫滨区法治政府建设工作情况专项报告"),
        ("（一）政府职能转变：纠错率２．３％", "(一)政府职能转变:纠错率2.3%"),
        ("开展审计32项, 1个项目获奖", "开展审计32项,1个项目获奖"),
        ("中共鞍山市铁东区委\xa0\xa0\u3000鞍山市铁东区人民政府", "中共鞍山市铁东区委鞍山市铁东区人民政府"),
        ("Office   365\t办公", "Office 365办公"),
    ],
)
def test_normalize_for_match_equates_formats(left: str, right: str) -> None:
    assert normalize_for_match(left) == normalize_for_match(right) == right


def test_normalize_for_match_keeps_word_spaces() -> None:
    assert normalize_for_match("Office 365") != normalize_for_match("Office365")


def test_reading_aids_are_dropped() -> None:
    # A page viewed with its 拼音 aids on: the figures' nouns come back whole; a lone gloss stays.
    page = "根据(jù)《条例》规(guī)定,编写本报(bào)告。截至12月31日,委网(wǎng)站共主动公开信息4751条。"
    assert drop_reading_aids(page) == "根据《条例》规定,编写本报告。截至12月31日,委网站共主动公开信息4751条。"
    glossed = "设立“枫桥(qiáo)式”调解室3个。"
    assert drop_reading_aids(glossed) == glossed
    assert drop_reading_aids("附件(a)和附件(b)、(c)") == "附件(a)和附件(b)、(c)"
