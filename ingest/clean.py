"""Pure text clean-ups between a loader's raw text and the report itself.

Three jobs, each a str -> str function a loader composes:
- `strip_site_chrome`: reports copied or scraped from government web sites carry the site around
  them (breadcrumbs, posting-info bars, 索引号 tables, footers with 备案号, share and print bars).
- `repair_pdf_text`: PDF extraction yields physical lines, page furniture and stray spaces.
- `normalize_for_match`: a comparison key, so the same sentence from two formats compares equal.

Chrome rules look only at the shape of a line (its label, keywords, length), never at a site or
region. A short line that starts with a site label (来源:, 索引号:) is chrome; a keyword (备案号,
分享到) condemns a line only when it does not read like a sentence of the report (long, or ending in
a full stop). Keywords that a report might use (无障碍, 适老化) are only matched in their site forms.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass

# Han ideographs, CJK and full-width punctuation, Chinese quotes: characters that sit without
# spaces in Chinese text, so a space next to one of them is an artefact, not a word break.
_CJK = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
)
# A space inside Han text, or between Han text and a number, is an extraction artefact; one beside a
# Latin word (使用 Office 办公) may be the author's.
_SPACE_IN_HAN = re.compile(rf"(?<=[{_CJK}])[ \t\u3000\u00a0]+(?=[{_CJK}\d])|(?<=\d)[ \t\u3000\u00a0]+(?=[{_CJK}])")
_SPACE_IN_NUMBER = re.compile(r"(?<=\d) +(?=[%％‰])|(?<=\d) *([.．]) *(?=\d)")
_SPLIT_DIGITS = re.compile(r"(?<![\d.])\d(?: \d(?![\d.]))+")
_WHITESPACE = re.compile(r"\s+")
_SPACE_NOT_BETWEEN_WORDS = re.compile(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])")
_EMPHASIS = re.compile(r"\*{2,}")

# A sentence (or a lead-in such as a salutation) is complete at these, with any closing quotes; a PDF
# line that ends with one may end its paragraph. A closing quote alone (“三项制度”) ends nothing.
_SENTENCE_END = re.compile(r"[。！？；：!?;:…][”’」』)）]*$")
# Heading markers of Chinese reports: 一、 / （一） / 1. or 1、 / 一是.
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|[（(]\d{1,2}[）)]"
    r"|\d{1,2}(?:[、．]|\.(?!\d))|第?[一二三四五六七八九十]+是)"
)
# Numbered headings: after a full stop at the end of a full line they open a paragraph even when
# the layout does not mark it. 一是 is left out: reports run 一是…二是… inside one paragraph, where
# a wrapped line can happen to start with one.
_STRONG_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|[（(]\d{1,2}[）)]|\d{1,2}(?:[、．]|\.(?!\d)))"
)

# ---------------------------------------------------------------------------------------------
# Site chrome

# A line is chrome when it starts with one of these labels (a breadcrumb, a posting-info bar or the
# 索引号/发布机构 table that government sites put above a document).
_CHROME_START = re.compile(
    r"^(?:您的位置|您现在的位置|您当前的位置|当前位置|现在位置|所在位置"
    r"|索\s*引\s*号|主\s*题\s*分\s*类|发\s*文\s*日\s*期|成\s*文\s*日\s*期|发\s*布\s*日\s*期|发\s*布\s*时\s*间"
    r"|更新时间|发\s*布\s*机\s*构|发\s*文\s*机\s*关|文\s*号|公开方式|公开范围|公开时限|有\s*效\s*性"
    r"|信息分类|信息类别|体裁分类|组配分类|所属主题|主\s*题\s*词|关\s*键\s*词"
    r"|信息来源|文章来源|来\s*源|作\s*者|责任编辑|编\s*辑|审\s*核|校\s*对"
    r"|浏览次数|点击次数|阅读次数|点\s*击|浏\s*览|访问次数"
    r"|主\s*办|承\s*办|协\s*办|主管单位|运维单位|维护单位|技术支持|上一篇|下一篇)"
    r"\s*[:：]"
)
# Labels of a posting-info bar (时间:…来源:…点击:); two of them on one line make it chrome.
_META_LABEL = re.compile(
    r"(?:时间|日期|来源|作者|点击|浏览|阅读|访问|编辑|字号|发布者|发布人)(?:次数|量|数)?\s*[:：]"
)
# Keywords that only site furniture uses (footers, tool bars, share bars), matched anywhere in a
# short line.
_CHROME_KEYWORD = re.compile(
    r"网站地图|设为首页|收藏本站|加入收藏|联系我们|网站声明|隐私声明|隐私政策|版权所有|版权声明|copyright|©"
    r"|备案号|ICP备|ICP证|公网安备|网站标识码|网站识别码|总访问量|访问量\s*[:：]|您是第\s*\d+\s*位"
    r"|分享到|扫一扫|打印本页|打印此页|打印文章|关闭窗口|关闭本页|返回顶部|回到顶部|我要纠错"
    r"|无障碍浏览|无障碍阅读|适老化版|长者模式|(?:浏览|点击|阅读|访问)(?:次数|量)\s*[:：]"
    r"|[【\[]\s*(?:打印|关闭|收藏|返回)\s*[】\]]|字[号体]\s*[:：]?.{0,4}大.{0,4}中.{0,4}小",
    re.IGNORECASE,
)
# A short line naming a site by its address (`XX人民政府网站 www.xx.gov.cn`).
_SITE_ADDRESS = re.compile(r"(?:www\.|https?://)\S+|\S+\.gov\.cn\b", re.IGNORECASE)
# A posting date on a line of its own, in web form (2020-01-02). A report signs with 年月日 instead.
_WEB_DATE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
# Headers of link lists that sites put under an article.
_RELATED_HEADER = re.compile(
    r"^[【\[]?(?:相关链接|相关文章|相关阅读|相关新闻|相关信息|相关文件|相关稿件|推荐阅读|延伸阅读|友情链接|热点推荐)"
    r"[】\]]?\s*[:：]?$"
)
_ATTACHMENT_HEADER = re.compile(r"^(?:相关)?附件(?:下载)?\s*[:：]?$")

_CHROME_MAX_LEN = 120  # a labelled line longer than this is report text that happens to start alike
_KEYWORD_MAX_LEN = 60  # footers and tool bars are short


# A page shown with its reading aids on (拼音 after hard characters: 规(guī)定, 委网(wǎng)站) splits its words and
# figures' nouns; a toned syllable in brackets right after a Han character is such an aid, never report text.
_READING_AID = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
_READING_AIDS_MIN = 3  # one bracketed syllable may be a term's own gloss; a page with aids on has many


def drop_reading_aids(text: str) -> str:
    """`text` without the pinyin a page's reading-aid view puts after its characters."""
    if len(_READING_AID.findall(text, 0, 20000)) < _READING_AIDS_MIN:
        return text
    return _READING_AID.sub("", text)


def strip_site_chrome(text: str) -> str:
    """Drop web-site chrome lines; trim every line and drop blank ones (one paragraph per line)."""
    lines = _drop_related_block([line.strip() for line in text.splitlines() if line.strip()])
    lines = [line for line in lines if not _is_chrome_line(line)]
    while lines and _ATTACHMENT_HEADER.match(lines[-1]):
        # An empty 附件 heading at the very end is the site's attachment box, not a report attachment.
        lines.pop()
    return "\n".join(lines)


def _is_chrome_line(line: str) -> bool:
    if _WEB_DATE.match(line) or _RELATED_HEADER.match(line):
        return True
    if len(line) <= _CHROME_MAX_LEN and (_CHROME_START.match(line) or len(_META_LABEL.findall(line)) >= 2):
        return True
    if len(line) > _KEYWORD_MAX_LEN or line.endswith(("。", "！", "？")):
        return False
    return bool(_CHROME_KEYWORD.search(line) or _SITE_ADDRESS.search(line))


def _drop_related_block(lines: list[str]) -> list[str]:
    """Cut a related-links list that follows the report, from its header to the end."""
    for i, line in enumerate(lines):
        if _RELATED_HEADER.match(line) and not any(_reads_like_body(rest) for rest in lines[i + 1 :]):
            # Only links and site footer follow: the report ended before this header.
            return lines[:i]
    return lines


def _reads_like_body(line: str) -> bool:
    return (len(line) >= 40 or line.endswith(("。", "！", "？", "；"))) and not _is_chrome_line(line)


# ---------------------------------------------------------------------------------------------
# Markup left in plain text


def strip_emphasis_markers(text: str) -> str:
    """Remove Markdown bold markers (`**…**`): converters leave them in text, no report uses them."""
    return _EMPHASIS.sub("", text)


_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def strip_markdown(text: str) -> str:
    """Markdown syntax a reader does not see: heading hashes, emphasis, link targets, images."""
    text = _MD_HEADING.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    return strip_emphasis_markers(text)


# ---------------------------------------------------------------------------------------------
# PDF artefacts

_PAGE_NUMBER = re.compile(
    r"^(?:[-－—–_]\s*\d{1,4}\s*[-－—–_]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:page|页码)\s*[:：]?\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_EDGE_LINES = 2  # page furniture sits in the first or last lines of a page
_FURNITURE_MAX_LEN = 40  # running headers and footers are short; a repeated long line is text
_WIDTH_SLACK = 4  # display columns (two Han characters) a wrapped line may fall short of the full width
_INDENT_WIDTH = 4  # the customary first-line indent, two Han characters
_MIN_INDENT = 2  # layout extraction approximates positions; a single leading space is rounding noise


def repair_pdf_text(text: str) -> str:
    """Undo PDF extraction artefacts; `text` is page texts separated by form feeds (\\f).

    Page numbers and running headers/footers go, physical lines are joined into paragraphs (one per
    line), and the spaces extractors put inside numbers, dates and Han text are removed.
    """
    pages = [page.splitlines() for page in text.split("\f")]
    lines = [line for page in _drop_page_furniture(pages) for line in page]
    return "\n".join(_join_wrapped_lines(lines))


def fix_pdf_spacing(text: str) -> str:
    """`2023 年` → `2023年`, `1 2 3` → `123`, `100 %` → `100%`, `法治 政府` → `法治政府`."""
    text = _SPLIT_DIGITS.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _SPACE_IN_NUMBER.sub(lambda m: m.group(1) or "", text)
    return _SPACE_IN_HAN.sub("", text)


def _drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and header/footer lines that repeat at the edges of many pages."""
    repeated = _repeated_edge_lines(pages)
    kept = []
    for page in pages:
        content = [i for i, line in enumerate(page) if line.strip()]
        edges = set(content[:_EDGE_LINES] + content[-_EDGE_LINES:])
        lines = [
            line for i, line in enumerate(page)
            if not _is_page_furniture(line.strip(), at_edge=i in edges, repeated=repeated)
        ]
        # The margins around a page's text are not paragraph breaks: a paragraph runs on across pages.
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        kept.append(lines)
    return kept


def _is_page_furniture(line: str, *, at_edge: bool, repeated: set[str]) -> bool:
    if not line:
        return False
    if _PAGE_NUMBER.match(line):
        return True
    # A bare number is a page number only at the top or bottom of a page; elsewhere it may be data.
    return at_edge and (_BARE_NUMBER.match(line) is not None or _furniture_key(line) in repeated)


def _repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for page in pages:
        content = [line.strip() for line in page if line.strip()]
        edges = [line for line in content[:_EDGE_LINES] + content[-_EDGE_LINES:] if len(line) <= _FURNITURE_MAX_LEN]
        for key in {_furniture_key(line) for line in edges}:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, math.ceil(len(pages) / 2))
    return {key for key, n in counts.items() if n >= needed}


def _furniture_key(line: str) -> str:
    # Running headers differ only in their page number: compare them with digits masked.
    return re.sub(r"\d+", "#", _WHITESPACE.sub("", line))


def _join_wrapped_lines(lines: list[str]) -> list[str]:
    """Rebuild paragraphs from physical lines.

    Signals, strongest first: a blank line ends a paragraph; where the layout indents paragraph
    starts (Chinese documents indent the first line by two characters), an indented line starts one
    and a line that falls short of the full text width ends one; where blank lines separate the
    paragraphs, a full line runs on. With neither, a line continues unless it ends a sentence, falls
    short of the width, or the next line opens a heading.
    """
    physical = [_PhysicalLine.of(line) for line in lines]
    layout = _Layout(
        full_width=_full_line_width([line.width for line in physical if line.text]),
        indented=_paragraphs_are_indented(physical),
        spaced=_paragraphs_are_spaced(physical),
    )
    paragraphs: list[list[_PhysicalLine]] = []
    for line in physical:
        if not line.text:
            paragraphs.append([])  # a blank line closes the open paragraph
        elif paragraphs and paragraphs[-1] and layout.continues(paragraphs[-1][-1], line):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [_unwrap([line.text for line in parts]) for parts in paragraphs if parts]


@dataclass(frozen=True)
class _PhysicalLine:
    text: str  # emphasis markers removed, spacing fixed: what the line says
    width: int  # display width as printed (spaces included): how much of the text width it fills
    indented: bool

    @classmethod
    def of(cls, line: str) -> _PhysicalLine:
        printed = _WHITESPACE.sub(" ", line.strip())
        indent = _display_width(line[: len(line) - len(line.lstrip())])
        return cls(fix_pdf_spacing(strip_emphasis_markers(printed)), _display_width(printed), indent >= _MIN_INDENT)


@dataclass(frozen=True)
class _Layout:
    full_width: int | None  # display width of a wrapped line, None when the text does not show one
    indented: bool  # paragraph starts are indented
    spaced: bool  # paragraphs are separated by vertical space, which extraction renders as blank lines

    def continues(self, previous: _PhysicalLine, line: _PhysicalLine) -> bool:
        """Whether `line` continues the paragraph whose last physical line is `previous`."""
        ends_sentence = _SENTENCE_END.search(previous.text) is not None
        # A paragraph's first line is indented by two characters, so it is full at a smaller width.
        # Where extraction shows neither indents nor spacing, any line may be an indented first line.
        indent = _INDENT_WIDTH if previous.indented or not (self.indented or self.spaced) else 0
        room = self.full_width - _WIDTH_SLACK - indent if self.full_width else 0
        is_short = self.full_width is not None and previous.width < room
        opens_heading = ends_sentence and _STRONG_HEADING.match(line.text) is not None
        if self.indented:
            return not (line.indented or is_short or opens_heading)
        if self.spaced and self.full_width is not None:
            # Blank lines mark the paragraphs, so a full line runs on even after a full stop.
            return not (is_short or opens_heading)
        if _HEADING.match(line.text) or ends_sentence or is_short:
            return False
        # Without a known width, a heading with no full stop stands on its own line.
        return not (self.full_width is None and _HEADING.match(previous.text))


def _unwrap(parts: list[str]) -> str:
    """Join physical lines: directly in Han text, with a space between Latin words."""
    text = parts[0]
    for part in parts[1:]:
        latin_break = text[-1:].isascii() and text[-1:].isalnum() and part[:1].isascii() and part[:1].isalpha()
        text += f" {part}" if latin_break else part
    return fix_pdf_spacing(text)


def _full_line_width(widths: list[int]) -> int | None:
    """The width wrapped lines fill, or None when too few lines share a width to tell."""
    if len(widths) < 3:
        return None
    widths = sorted(widths, reverse=True)
    candidate = widths[min(len(widths) - 1, max(2, len(widths) // 5))]
    sharing = sum(1 for w in widths if abs(w - candidate) <= _WIDTH_SLACK)
    return candidate if sharing >= 3 else None


def _paragraphs_are_indented(physical: list[_PhysicalLine]) -> bool:
    indented = [line.indented for line in physical if line.text]
    return sum(indented) >= 3 and sum(indented) >= len(indented) / 10


def _paragraphs_are_spaced(physical: list[_PhysicalLine]) -> bool:
    blank_runs = sum(1 for a, b in itertools.pairwise(physical) if a.text and not b.text)
    content = sum(1 for line in physical if line.text)
    return blank_runs >= 3 and blank_runs >= content / 10


def _display_width(text: str) -> int:
    # Ambiguous-width characters (“ ” … — ①) are set full-width in Chinese fonts.
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


# ---------------------------------------------------------------------------------------------
# Matching


def normalize_for_match(text: str) -> str:
    """A comparison key: NFKC, whitespace collapsed, and spaces that do not separate two words removed.

    In Chinese text only a space between two Latin words or numbers separates anything; the rest
    (`2023 年`, `32项, 1个`) are typing or extraction noise that formats disagree about, so
    matching ignores them. Never used for display.
    """
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return _SPACE_NOT_BETWEEN_WORDS.sub("", text)
