"""What a report is about and who signed it, read from its own text: title, region, year, signature.

Pure: a string in, a `DocMeta` out. Everything is generic (title, date and signature patterns, the
gazetteer for regions); a field the text does not state stays None rather than being guessed. The
detector tolerates site chrome (breadcrumbs, 时间:/来源: lines, footers) whether or not the loader
removed it, so it can be given the cleaned text and the raw text alike.

One module per signal beside this one: `chrome` (labelled page fields), `filename`, `region` (the
signals weighed into one division), `kind` (report kind, issuer level); words in rag/data/report_meta.yaml.
Each detected field records its source and a confidence (`DocMeta.sources`, `DocMeta.confidence`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

import cn2an

from ingest.metadata.chrome import division_of_index, is_label_line, read_chrome, site_name
from ingest.metadata.filename import filename_year, pinyin_divisions
from ingest.metadata.issuer_name import complete_issuer, tidy_issuer
from ingest.metadata.kind import issuer_divisions, issuer_level, issuer_named, report_kind
from ingest.metadata.region import CONFIDENCE, RegionReader, self_level
from ingest.metadata.words import meta_words
from rag.domain.gazetteer import Division, Gazetteer, load_gazetteer
from rag.domain.towns import load_towns


@dataclass
class DocMeta:
    title: str | None = None
    region: str | None = None  # full division name: 邓州市
    level: str | None = None  # the gazetteer's level: 区, 县, 县级市, 市, 省 …
    city: str | None = None  # the gazetteer's city (a municipality's districts: the municipality)
    province: str | None = None
    year: int | None = None  # the year the report covers, never the posting year
    date: str | None = None  # signing date (落款日期), ISO
    issuer: str | None = None  # the signing body (落款)
    published: str | None = None  # web posting date when the page labels one, ISO
    addressee: str | None = None  # whom the report is submitted to (主送): "中共长春市委、长春市人民政府"
    kind: str | None = None  # 法治政府建设 | 政府信息公开 | 其他 (rag/data/report_meta.yaml)
    issuer_level: str | None = None  # government | department | sub_district | town | party
    index_code: str | None = None  # the page's 索引号
    doc_number: str | None = None  # 文号: X府〔2023〕1号
    source_office: str | None = None  # the office a page gives as its source (来源), not the issuer
    period: str | None = None  # the period its figures cover as stated (统计期限), ISO start/end: 2019-01-01/2019-12-20
    publisher: str | None = None  # the body a page names as publishing it (发布机构), kept apart from the issuer
    # Where each detected field came from (title, chrome, addressee, opening, body, filename, index_code,
    # signature) and how far it is trusted; provenance, not part of what the report states.
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    printed: dict[str, str] = field(default_factory=dict, compare=False)  # a date as the page prints it (2026-01-12)
    confidence: dict[str, float] = field(default_factory=dict, compare=False)


_YEAR = r"((?:19|20)\d{2})"
_TITLE_END = re.compile(r"报告(?:书)?(?:[(（][^)）]{1,20}[)）])?$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?]")
_NAV = re.compile(r">|›|»|您的位置|当前位置|首页")
# A title quoted inside 《…》 as <…>: its ">" is no breadcrumb separator.
_INNER_TITLE = re.compile(r"<[^<>\n]{1,80}>")
_YEAR_IN_TITLE = re.compile(_YEAR + r"\s*年")
# Openings that state the period: "2023年,邓州市坚持…", "2019年以来,…", "现将…2023年…情况报告如下".
_OPENING_YEAR = (
    re.compile(r"^" + _YEAR + r"\s*年(?:度)?(?:以来)?\s*[,，、]"),
    re.compile(r"现将.{0,80}?" + _YEAR + r"\s*年.{0,60}?(?:报告|汇报)如下"),
)
# Zeros typed with look-alike characters (a circle, a Latin or full-width O), read as 〇 by cn2an.
_ZERO_FORMS = str.maketrans({"○": "〇", "Ｏ": "〇", "O": "〇"})
_DATE_ARABIC = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_CN_DAY = r"([一二三四五六七八九十]{1,3})"
_DATE_CHINESE = re.compile(r"([〇○零一二三四五六七八九O]{4})年" + _CN_DAY + "月" + _CN_DAY + "日")
# A signing body ends like one: 人民政府, 区委, 司法局, 办公室, 委员会 …
_BODY = re.compile(r"(?:政府|委|委员会|局|厅|办|办公室|院|部|处|署|中心|所|会|组|室|队|站|司|府)$")
_POSTED_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")

_CHROME_HEAD = 120  # characters of a line that may show it is page chrome
_OPENING_LINES = 3  # body paragraphs before the first heading that count as the opening
_HEAD_LINES = 15  # lines from the top searched for a title
_SIGNATURE_LINES = 3  # lines above the signing date that may hold the signing body
_LEAD_CHARS = 300  # the top of the text, where a 街道's or town's report names itself


def detect_metadata(
    text: str, raw: str | None = None, title_hint: str | None = None, filename: str | None = None
) -> DocMeta:
    """Title, region, covered year, signature, posting date, kind and page fields of one report."""
    gazetteer = load_gazetteer()
    lines = _lines(text)
    raw_lines = _lines(raw) if raw else []
    sources: dict[str, str] = {}

    title, title_at = _find_title(lines)
    if title is None and raw_lines:
        title, _ = _find_title(raw_lines)
    if title is None and title_hint and title_hint.strip():
        title = _tidy(title_hint)
    if title is None and filename:
        stem = _tidy(PurePath(filename).stem)
        if _looks_like_title(stem):  # uploads are often named by their title
            title, sources["title"] = stem, "filename"
    if title is not None:
        sources.setdefault("title", "title")

    opening = _opening(lines, title_at)
    as_follows = _report_as_follows(lines)
    period = _stated_period(text)
    year, sources["year"] = _first(
        ("title", _title_year(title)), ("opening", _opening_year(opening)),
        ("report_as_follows", _opening_year(as_follows)), ("announced", _announced_year(opening)),
        ("body", _body_year(text)), ("covered_period", _period_year(text, period)),
        ("filename", filename_year(filename) if filename else None), ("body_mentions", _dominant_year(text)),
    )

    date, issuer = _signature(lines, gazetteer)
    if date is None and raw_lines:
        date, issuer = _signature(raw_lines, gazetteer)
    sources["issuer"] = sources["date"] = "signature"
    # A name and a date under the title or at the foot of a short opening ("X旗政务服务局 2021年01月22日").
    by_date, by_body = _byline(lines, title_at, gazetteer)
    if date is None and by_date is not None:
        date, sources["date"] = by_date, "byline"
        if issuer is None and by_body is not None:
            issuer, sources["issuer"] = by_body, "byline"
    if issuer is None and (above := _body_over_title(lines, title_at, gazetteer)) is not None:
        issuer, sources["issuer"] = above, "above_title"  # "X镇人民政府" set over "2025年法治政府建设情况"
    chrome = read_chrome(raw_lines or lines)
    if date is None and (written := _chrome_date(chrome.get("written"))) is not None:
        date, sources["date"] = written, "chrome"  # 成文日期: the document's own date, printed by the page
    if issuer is None:
        sources["issuer"] = "chrome"
    # Without a signature, the body the report's own title or "现将…报告如下" sentence names; then the page's
    # chrome (发布机构, 来源), which often names the office that posted it rather than the one reporting.
    opening_text = "\n".join(opening)
    named_by = [("title", title), ("report_as_follows", "\n".join(as_follows))] + [
        (source, opening_text) for source in ("announced", "compiled", "gathered", "self_named", "opening_subject")]
    for source, named in named_by:
        if issuer is None and (issuer := issuer_named(source, named and _tidy(named))):
            sources["issuer"] = source
    publisher = chrome["issuer"] if _names_a_body(chrome.get("issuer")) else None
    if issuer is None and publisher is not None:
        issuer = publisher
    source_office = chrome.get("source_office") if _names_a_body(chrome.get("source_office")) else None
    if issuer is not None:
        issuer = tidy_issuer(issuer, gazetteer)

    context = "\n".join(filter(None, [text, raw, title_hint]))
    addressee = _addressee(lines, title_at)
    bounds = [d for d, _ in gazetteer.find_in(addressee)] if addressee else []
    index_division = division_of_index(chrome["index_code"], gazetteer) if "index_code" in chrome else None
    # A report addressed to its province never speaks of itself as the province (全省 in a city's report
    # is the province's), so those self-references are not counted. (我市 stays: a county-level city's.)
    above = {d.level for d in bounds} & {"省"}
    references = {level: words for level, words in meta_words().self_reference.items() if level not in above}
    # The office gathering every body's report into this one (汇总各区…编成本年度报告) compiles the region's own
    # report: its figures are the government's, not a department's.
    level_of_issuer = "government" if sources["issuer"] == "gathered" else issuer_level(issuer)
    below_county = level_of_issuer in {"sub_district", "town"}
    reader = RegionReader(gazetteer, text, context, self_level(text, references), bounds, below_county=below_county,
                          weak_level=self_level(text, references, least=1))
    stem = PurePath(filename).stem if filename else None
    named, like_named = issuer_divisions(issuer, gazetteer) if issuer else ([], [])
    pick = reader.pick([
        ("title", title), ("signature", issuer if sources["issuer"] in {"signature", "byline"} else None),
        (sources["issuer"], named), ("chrome", chrome.get("issuer")), ("chrome", chrome.get("source_office")),
        ("site", site_name(raw_lines or lines)),
        ("opening", "\n".join(opening)), ("report_as_follows", "\n".join(as_follows)),
        ("index_code", [index_division] if index_division and index_division.level != "省" else None),
        ("filename", stem), ("filename_pinyin", pinyin_divisions(filename, gazetteer, context) if filename else None),
        ("town", lambda: load_towns().place(_lead(title, issuer, chrome, stem, text), context, gazetteer)),
        ("issuer_name", like_named),
    ])

    published, sources["published"] = _published(raw_lines or lines), "chrome"
    if published is None:  # a row of cells without colons ("| 生成日期 | 2026-01-23 16:24 |")
        published = _chrome_date(chrome.get("published")) or _chrome_date(chrome.get("generated"))
    if published is None and by_date is not None:
        published, sources["published"] = by_date, "byline"
    if published is None:
        published = _unlabelled_posting(raw_lines or lines)
    meta = DocMeta(title=title, year=year, date=date, issuer=issuer, published=published, publisher=publisher,
                   addressee=addressee, index_code=chrome.get("index_code"), doc_number=chrome.get("doc_number"),
                   source_office=source_office, period=period)
    meta.kind = report_kind(title, text, stem)
    if meta.year is None and (posted := _year_before_posting(meta.published, meta.kind)) is not None:
        meta.year, sources["year"] = posted, "published"
    meta.issuer_level = level_of_issuer
    if pick is not None:
        _fill_region(meta, list(pick.divisions))
        sources["region"] = pick.source
        if meta.issuer is not None:
            meta.issuer = complete_issuer(meta.issuer, [meta.region, meta.city, meta.province])
        if meta.issuer is None and len(pick.divisions) == 1:
            # Speaking of itself as a 街道 or town (本街道, 本镇) and naming one of its division: that place's body
            # reports ("…借助渝中区人民政府大溪沟街道办事处子网站", "本街道…编制").
            body = _self_named_place(text, pick.divisions[0], _lead(title, issuer, chrome, stem, text))
            if body is not None:
                meta.issuer, meta.issuer_level, sources["issuer"] = body, issuer_level(body), "self_named"
    for name, source in (("addressee", "addressee"), ("index_code", "chrome"), ("publisher", "chrome"),
                         ("period", "covered_period"),
                         ("doc_number", "chrome"), ("source_office", "chrome"), ("kind", "title" if title else "body")):
        sources[name] = source
    meta.sources = {k: v for k, v in sources.items() if v and getattr(meta, k) is not None}
    meta.printed = _printed_dates(meta, raw_lines or lines)
    meta.confidence = {k: CONFIDENCE.get(v, 0.9) for k, v in meta.sources.items()}
    if pick is not None:
        meta.confidence["region"] = pick.confidence
    return meta


_SELF_PLACE = re.compile(r"(?:本|我)(街道|镇|乡)")


def _self_named_place(text: str, division: Division, lead: str) -> str | None:
    """The body of the 街道 or town a report placed by it speaks of itself as (本街道 → X街道办事处), when the place
    it names lies in that division."""
    m = _SELF_PLACE.search(text[:_LEAD_CHARS * 2])
    name = load_towns().first_in(lead, division.code) if m else None
    if name is None or not name.endswith(m.group(1)):  # type: ignore[union-attr]
        return None
    ending = next((e for e in meta_words().place_bodies if name.endswith(e)), None)
    return name[: -len(ending)] + meta_words().place_bodies[ending] if ending else name


def _lead(title: str | None, issuer: str | None, chrome: dict[str, str], stem: str | None, text: str) -> str:
    """Where a report names itself: a 街道's or town's name here places it (its body may name any town)."""
    return "\n".join(filter(None, [title, issuer, chrome.get("issuer"), chrome.get("source_office"), stem,
                                    text[:_LEAD_CHARS]]))


def _names_a_body(name: str | None) -> bool:
    """A chrome value naming a body (司法局, 人民政府办公室) or a place that issues reports (徐庄镇, 城东街道)."""
    return bool(name) and bool(_BODY.search(name) or issuer_level(name))  # type: ignore[arg-type]


_BYLINE_LINES = 8  # lines after the title (or the top) where a name-and-date byline may stand


def _byline(lines: list[str], title_at: int, gazetteer: Gazetteer) -> tuple[str | None, str | None]:
    """(date, body) of a byline near the top: "X县人民政府办公室 2022年1月27日" on one line, or a body's line
    with the date on the next; the first one before the first heading."""
    start = title_at + 1 if title_at >= 0 else 0
    for i in range(start, min(len(lines), start + _BYLINE_LINES)):
        norm = _norm(lines[i]).strip("()（）")
        if _HEADING.match(norm):
            break
        date, at = _parse_date(norm, whole=False)
        if date is None:
            continue
        if at == 0:  # the date alone: the body on the line above, if it is one
            body = _body_line(lines[i - 1], gazetteer) if i > start else None
            return date, body
        body = _body_line(re.sub(r"[\d年月日〇○零一二三四五六七八九十\s]+$", "", lines[i]), gazetteer)
        if body is not None:
            return date, body
    return None, None


def _body_over_title(lines: list[str], title_at: int, gazetteer: Gazetteer) -> str | None:
    """A line naming a body alone right over the title, or opening a report whose title line says no place."""
    at = title_at - 1 if title_at > 0 else next((i for i, line in enumerate(lines[:3]) if not _is_chrome(line)), -1)
    if at < 0 or re.search(r"\d|关于|年度", lines[at]):  # a broken title's first half (关于X区2025年度法治政府)
        return None
    return _body_line(lines[at], gazetteer)


def _first(*candidates: tuple[str, int | None]) -> tuple[int | None, str]:
    for source, value in candidates:
        if value is not None:
            return value, source
    return None, ""


_AS_FOLLOWS = re.compile(r"现将.{2,120}?(?:报告|汇报)如下")
_AS_FOLLOWS_LINES = 40
_BODY_YEAR = re.compile(_YEAR + r"年度")
_BODY_YEAR_CHARS = 3000


def _period_year(text: str, period: str | None) -> int | None:
    """The year of the period the text says its figures cover ("自2021年1月1日起至12月31日止"), else the
    start of the period it states (统计期限为2021年1月1日起至2021年12月14日止)."""
    head = _head(text)
    for pattern in meta_words().covered_period:
        m = pattern.search(head)
        if m:
            return _valid_year(m.group(1))
    return _valid_year(period[:4]) if period else None


def _stated_period(text: str) -> str | None:
    """The period the figures cover as the report states it, "2021-01-01/2021-12-14" (an end without its
    year takes the start's)."""
    m = meta_words().stated_period.search(_head(text))
    if m is None:
        return None
    start, _ = _parse_date(m.group("start"), whole=True)
    end_text = m.group("end") if "年" in m.group("end") else m.group("start")[:5] + m.group("end")
    end, _ = _parse_date(end_text, whole=True)
    return f"{start}/{end}" if start and end and start <= end else None


def _announced_year(opening: list[str]) -> int | None:
    """The year a sentence publishing the report names ("现向社会公布X办公室2018年…年度报告")."""
    for line in opening:
        for pattern in meta_words().announced_year:
            m = pattern.search(_norm(line))
            if m:
                return _valid_year(m.group(1))
    return None


_ANY_YEAR = re.compile(_YEAR + r"年")


def _dominant_year(text: str) -> int | None:
    """The year the first part of the body speaks of most, when it clearly leads (a report's own year is
    repeated: "2022年，全县…；2022年受理…")."""
    words = meta_words()
    counts: dict[str, int] = {}
    for m in _ANY_YEAR.finditer(_head(text)):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < words.dominant_mentions:
        return None
    if len(ranked) > 1 and ranked[0][1] < words.dominant_margin * ranked[1][1]:
        return None
    return _valid_year(ranked[0][0])


def _year_before_posting(published: str | None, kind: str | None) -> int | None:
    """An annual report of a kind posted early in the next year covers the year before its posting date."""
    words = meta_words()
    if not published or kind not in words.posted_after_kinds:
        return None
    year, month = int(published[:4]), int(published[5:7])
    return year - 1 if month <= words.posted_by_month else None


def _report_as_follows(lines: list[str]) -> list[str]:
    """The "现将X县人民政府2022年…报告如下" sentence wherever it stands near the top."""
    for line in lines[:_AS_FOLLOWS_LINES]:
        m = _AS_FOLLOWS.search(_norm(line))
        if m:
            return [m.group(0)]
    return []


def _body_year(text: str) -> int | None:
    """The first "2021年度" in the first part of the text (a report names the year it covers first), not one
    naming a report ("按时发布2021年度政府信息公开工作年度报告": the year before's, as the body mentions it)."""
    head = _head(text)
    for m in _BODY_YEAR.finditer(head):
        if not _NAMES_A_REPORT.match(head, m.end()):
            return _valid_year(m.group(1))
    return None


_NAMES_A_REPORT = re.compile(r"[^。；;，,]{0,24}?报告")


_ORGAN = re.compile(r"(?:委员会|党委|[省市县区旗州盟]委|人民政府|政府|人大常委会|人大|政协|办公室|局)$")


def _addressee(lines: list[str], title_at: int | None) -> str | None:
    """The 主送 line under the title: organ names ending in a colon ("中共长春市委、长春市人民政府:")."""
    start = (title_at + 1) if title_at is not None else 0
    for line in lines[start : start + 4]:
        norm = _norm(line)
        if not norm.endswith(":") or len(norm) > 60:
            continue
        parts = [p for p in re.split(r"[、,]", norm[:-1]) if p]
        if parts and all(_ORGAN.search(p) for p in parts):
            return line.strip().rstrip(":：").strip()
    return None


@lru_cache(maxsize=2)
def _head(text: str) -> str:
    """The first part of the text, normalised once for the year and period readers."""
    return _norm(text[:_BODY_YEAR_CHARS])


def _lines(text: str) -> list[str]:
    """Non-empty lines, trimmed of ASCII, full-width and no-break spaces."""
    return [s for s in (line.strip() for line in text.splitlines()) if s]


def _norm(line: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII) without any whitespace, for matching."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))


def _tidy(line: str) -> str:
    """Collapse whitespace runs; drop the spaces PDF extraction leaves between digits and Han (2023 年度)."""
    line = re.sub(r"\s+", " ", line.strip())
    return re.sub(r"(?<=\d) (?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff]) (?=\d)", "", line)


def _looks_like_title(line: str) -> bool:
    norm = _norm(line)
    return (
        6 <= len(norm) <= 80
        and bool(_TITLE_END.search(norm))
        and any(word in norm for word in ("年", "关于", "法治", "依法行政"))
        and not _SENTENCE_PUNCT.search(norm)
        and ":" not in norm  # a label such as 标题: or 文号: belongs to page chrome
        and not _NAV.search(norm)
        and not _HEADING.match(norm)
        and "如下" not in norm
    )


def _find_title(lines: list[str]) -> tuple[str | None, int]:
    """The first report-title line near the top (or two short lines that join into one) and its index."""
    for i, line in enumerate(lines[:_HEAD_LINES]):
        if _looks_like_title(line):
            return _tidy(line), i
        if (head := _title_head(line)) is not None:
            return head, i
        if i + 1 < len(lines) and len(_norm(line)) <= 40 and not _SENTENCE_PUNCT.search(line) and not _is_chrome(line):
            joined = line + lines[i + 1]
            if _looks_like_title(joined) and not _TITLE_END.search(_norm(line)):
                return _tidy(joined), i + 1
    return None, -1


# A title run into the text after it on one line (a page that lost its line breaks): "X县人民政府2019年
# 政府信息公开工作年度报告 一、总体情况 2019年,…". The title is what stands before the first heading or gap.
_TITLE_HEAD = re.compile(r"^(.{6,80}?报告(?:书)?)\s*(?=[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\s)")


def _title_head(line: str) -> str | None:
    m = _TITLE_HEAD.match(_tidy(line))
    if m is None or len(m.group(1)) >= len(_tidy(line)):
        return None
    head = m.group(1).strip()
    return head if _looks_like_title(head) else None


def _is_chrome(line: str) -> bool:
    # A paragraph's own words (its 网站, a URL it cites) do not make it chrome: only how a long line starts counts.
    norm = _norm(line)[:_CHROME_HEAD]
    return bool(
        _NAV.search(_INNER_TITLE.sub("", norm))
        or meta_words().posted_labels[0].search(norm)
        or re.search(r"(?:来源|点击|索引号|发布机构|文号|浏览次数|字号):", norm)
        or re.search(r"www\.|https?://|\.gov\.cn|网站$", norm)
        or re.fullmatch(r"[\d\-/.: ]+", norm)
        or is_label_line(line)
    )


def _opening(lines: list[str], title_at: int) -> list[str]:
    """The first body paragraphs: after the title, without chrome or salutation, before the next heading (a report
    opening on its first heading, 一、总体情况, opens under it)."""
    out: list[str] = []
    for line in lines[title_at + 1 :]:
        norm = _norm(line)
        if _HEADING.match(norm) and not out and not _looks_like_title(line):
            continue
        if _HEADING.match(norm) or len(out) >= _OPENING_LINES:
            break
        if _is_chrome(line) or _looks_like_title(line):
            continue
        if norm.endswith((":", "：")) and len(norm) <= 40 and "如下" not in norm:
            continue  # the addressee, 中共长春市委、长春市人民政府: — a higher body, not the subject
        out.append(line)
    return out


def _valid_year(value: str) -> int | None:
    year = int(value)
    return year if 1990 <= year <= 2100 else None


def _title_year(title: str | None) -> int | None:
    m = _YEAR_IN_TITLE.search(_norm(title)) if title else None
    return _valid_year(m.group(1)) if m else None


def _opening_year(opening: list[str]) -> int | None:
    for line in opening:
        norm = _norm(line)
        for pattern in _OPENING_YEAR:
            m = pattern.search(norm)
            if m:
                return _valid_year(m.group(1))
    return None


def _parse_date(norm: str, *, whole: bool) -> tuple[str | None, int]:
    """The ISO date for a 年月日 date filling `norm` (when `whole`) or ending it, and where it starts."""
    for pattern, convert in ((_DATE_ARABIC, int), (_DATE_CHINESE, _cn_number)):
        m = pattern.fullmatch(norm) if whole else pattern.search(norm)
        if m and (whole or m.end() == len(norm)):
            try:
                return dt.date(convert(m.group(1)), convert(m.group(2)), convert(m.group(3))).isoformat(), m.start()
            except ValueError:
                return None, -1
    return None, -1


def _cn_number(text: str) -> int:
    """二〇二三 -> 2023 (digit by digit), 十二 -> 12, 二十九 -> 29, through cn2an."""
    return int(cn2an.cn2an(text.translate(_ZERO_FORMS), "smart"))


def _body_line(line: str, gazetteer: Gazetteer) -> str | None:
    """The line tidied when every part of it names a body (中共X区委 X区人民政府), else None."""
    parts = [p for p in re.split(r"\s+|、", line.strip()) if p]
    if not parts or len(_norm(line)) > 60 or re.search(r"[。，,；;：:！!？?()（）]", line):
        return None
    bodies = [b for p in parts for b in _split_bodies(p, gazetteer)]
    if all(_BODY.search(b) and len(b) >= 3 for b in bodies):
        return " ".join(bodies)
    return None


def _split_bodies(part: str, gazetteer: Gazetteer) -> list[str]:
    """Separate bodies that lost the space between them (PDF text): 中共X区委X区人民政府 -> two.

    A cut goes where a body's ending is followed by 中共 or a division name, which is how every
    co-signing body begins; 人民政府办公室 stays whole because 办公室 begins no name."""
    starts = {o for _, o in gazetteer.find_in(part)} | {m.start() for m in re.finditer("中共", part)}
    out, begin = [], 0
    for cut in sorted(starts):
        if cut - begin >= 3 and _BODY.search(part[begin:cut]):
            out.append(part[begin:cut])
            begin = cut
    out.append(part[begin:])
    return out


def _signature(lines: list[str], gazetteer: Gazetteer) -> tuple[str | None, str | None]:
    """(signing date, signing body) from the last 年月日 line in the lower half of the text."""
    for i in range(len(lines) - 1, len(lines) // 2 - 1, -1):
        norm = _norm(lines[i]).strip("()（）")
        date, _ = _parse_date(norm, whole=True)
        inline_issuer = None
        if date is None:
            date, _ = _parse_date(norm, whole=False)
            if date is None:
                continue
            # 某区人民政府 2019年12月27日 on one line: the rest must be a body, or this is prose.
            inline_issuer = _body_line(re.sub(r"[\d年月日〇○零一二三四五六七八九十\s]+$", "", lines[i]), gazetteer)
            if inline_issuer is None:
                continue
        above: list[str] = []
        for line in reversed(lines[max(0, i - _SIGNATURE_LINES) : i]):
            body = _body_line(line, gazetteer)
            if body is None:
                break
            above.insert(0, body)
        issuer = " ".join([*above, inline_issuer] if inline_issuer else above) or None
        return date, issuer
    return None, None


def _chrome_date(value: str | None) -> str | None:
    d = _POSTED_DATE.match(value) if value else None
    if d is None:
        return None
    try:
        return dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3))).isoformat()
    except ValueError:
        return None


def _printed_dates(meta: DocMeta, lines: list[str]) -> dict[str, str]:
    """How the page prints each date read from its information bar, when it prints the ISO form answers should
    quote so a reader finds it there ("发布日期:2026-01-12"); a date printed in words is answered in words."""
    out = {}
    for name in ("date", "published"):
        iso = getattr(meta, name)
        if iso and meta.sources.get(name) == "chrome" and any(iso in unicodedata.normalize("NFKC", line)
                                                               for line in lines[:_EDGE_PRINTED]):
            out[name] = iso
    return out


_EDGE_PRINTED = 40


def _published(lines: list[str]) -> str | None:
    """The posting date a page labels (发文日期: 2020年01月02日, 时间:2024-02-08), strong labels first, the
    written date (成文日期) last."""
    for label in meta_words().posted_labels:
        for line in lines:
            norm = unicodedata.normalize("NFKC", line)
            if len(norm) > 120:
                continue  # a body paragraph, whose 时间: is not the page's
            for m in label.finditer(norm):
                if norm[: m.start()].rstrip().endswith(meta_words().not_a_date):
                    continue  # 今天日期: the reader's day, printed by the page
                d = _POSTED_DATE.match(norm, m.end())
                if d:
                    try:
                        return dt.date(int(d.group(1)), int(d.group(2)), int(d.group(3))).isoformat()
                    except ValueError:
                        continue
    return None


# A date the page prints without a label at its top: alone, after the title, or before the page's labels
# ("2023-03-31 17:05:00 来源：X局 打印", "…工作情况报告 2023-02-09"). Never one followed by words (2023年1月1日至…).
_UNLABELLED_DATE = re.compile(r"(?:^|\s)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?"
                              r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*(?=$|\s)")
_TOP_LINES = 6


def _unlabelled_posting(lines: list[str]) -> str | None:
    for line in lines[:_TOP_LINES]:
        norm = unicodedata.normalize("NFKC", line).strip()
        if len(norm) > 80:
            continue
        for m in _UNLABELLED_DATE.finditer(norm):
            rest = norm[m.end():].strip()
            if rest and not meta_words().label_pattern.match(rest):
                continue  # words after the date: a sentence, not the page's date
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                continue
    return None


def _fill_region(meta: DocMeta, candidates: list[Division]) -> None:
    """The chosen division's fields; for a shared name nothing decides, only what every candidate agrees on
    (朝阳区 with neither 北京 nor 长春 in the text)."""
    meta.region = candidates[0].name
    meta.level = _agreed([d.level for d in candidates])
    meta.city = _agreed([d.city for d in candidates])
    meta.province = _agreed([d.province for d in candidates])


def _agreed(values: list[str | None]) -> str | None:
    return values[0] if len(set(values)) == 1 else None
