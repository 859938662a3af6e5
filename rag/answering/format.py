"""How answers write what they state: figures, their caveats, report and region labels, list caps.

Every answerer formats through this one module, so a figure reads the same in a lookup, a comparison and
a ranking (十五件 is shown with its digits everywhere, a derived rate with its formula everywhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

import yaml

from rag.schema import Document, MetricRow
from rag.store.database import ChunkRow

# Regions named with their figure in one answer; a ranking's `table` holds more. A national store ranks
# thousands of reports: a wall of text helps nobody, and each named figure costs a read for its citation.
MAX_FIGURES = 10
# Reports named in one listing answer (which reports, their dates or issuers); the rest are counted.
MAX_REPORTS = 30


def label(doc: Document | None) -> str:
    """How an answer names a report: region and year ("泗阳县2023年"); a department's, 街道's or town's report by
    its body ("兖州区司法局2025年"); a report whose region is not known by its issuer ("白云街道办事处2022年")."""
    if doc is None:
        return ""
    return f"{body_of(doc) or doc.region or doc.issuer or ''}{f'{doc.year}年' if doc.year else ''}"


_BODY_LEVELS = ("department", "sub_district", "town")


def body_of(doc: Document) -> str | None:
    """The body whose own report it is (a department, a 街道 or a town), named from its region on: the figures
    are that body's, not the region's, and the user asked about it by name."""
    if doc.issuer_level not in _BODY_LEVELS or not doc.issuer or not doc.region:
        return None
    issuer = doc.issuer.split()[0]
    if re.search(r"\d", issuer):
        return None  # not a clean name
    if doc.region in issuer:
        return issuer[issuer.index(doc.region):]
    from rag.domain.gazetteer import load_gazetteer  # the gazetteer module imports answer formats

    if any(at == 0 for _, at in load_gazetteer().find_in(issuer)):
        return issuer  # named from another division (its city): as the report names it
    if issuer[0] == doc.region[-1]:
        return doc.region + issuer[1:]  # 县教育局, 省卫生健康委: the report's own level word stands for its region
    return doc.region + issuer


def who(doc: Document) -> str:
    """How a comparison names a region's report: "泗阳县（2023年）"; a department's, 街道's or town's by its body
    ("兖州区司法局（2025年）"); without a region its issuer, its title, then its file name."""
    return f"{body_of(doc) or doc.region or doc.issuer or doc.title or doc.doc_id}" + (
        f"（{doc.year}年）" if doc.year else "")


def number(value: float) -> str:
    """A computed number: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def display(row: MetricRow | None) -> str:
    """A figure as the report writes it; in digits too where the report wrote it in words (十五件)."""
    if row is None:
        return "未披露"
    written = "".join((row.written or "").split())
    if written and not row.derived:
        if not any(ch.isdigit() and ch.isascii() for ch in written):
            return f"{row.value:g}{row.unit or ''}（原文“{written}”）"
        return written
    value = number(row.value) if row.derived else f"{row.value:g}"
    return f"{value}{row.approx or ''}{row.unit or ''}"


def caveat(row: MetricRow | None, extra: Sequence[str] = ()) -> str:
    """What qualifies a figure: its period, its scope, the formula of a computed one, a doubtful scan."""
    if row is None:
        return ""
    notes = [n for n in (row.period, row.scope) if n]
    if row.derived and row.formula:
        notes.append(f"按{row.formula}计算")
    if row.ocr_low_confidence:
        notes.append("扫描件OCR识别置信度低，请核对原件")
    notes.extend(extra)
    return f"（{'，'.join(notes)}）" if notes else ""


def chunk_for(row: MetricRow, chunks: Iterable[ChunkRow]) -> ChunkRow | None:
    """The chunk that holds a figure: by its character span, else by the start of its sentence."""
    best = None
    for chunk in chunks:
        if chunk.doc_id != row.doc_id:
            continue
        if row.span and chunk.start <= row.span[0] < chunk.end + 1:
            return chunk
        if best is None and row.sentence and row.sentence[:20] in chunk.text:
            best = chunk
    return best


def more_reports(ordered: Sequence[Document]) -> str:
    """What a listing cut at `MAX_REPORTS` leaves out, said after it."""
    return f"（共{len(ordered)}份报告，列出前{MAX_REPORTS}份，按地区排序）" if len(ordered) > MAX_REPORTS else ""


# --- English answers (words in rag/data/english.yaml) ---------------------------------------------------


@lru_cache(maxsize=1)
def english_words() -> dict:
    return yaml.safe_load(resources.files("rag").joinpath("data", "english.yaml").read_text(encoding="utf-8"))


def region_en(region: str | None) -> str:
    """A region in English with its Chinese name beside it: "Siyang County (泗阳县)"."""
    if not region:
        return ""
    from rag.domain.gazetteer import load_gazetteer

    division = next(iter(load_gazetteer().by_name(region)), None)
    if division is None or not division.pinyin:
        return region
    return f"{division_en(division, region[-1])} ({region})"


def division_en(division, last: str = "") -> str:
    """A division's pinyin and the English word of its kind or level: "Xilinguole League", "Beijing Municipality";
    `last` (its name's last character) when neither says it."""
    words = english_words()
    word = (words.get("kinds", {}).get(division.kind) or words["levels"].get(division.level)
            or words["levels"].get(last, ""))
    return f"{division.pinyin} {word}".strip()


def label_en(doc: Document | None) -> str:
    """How an English answer names a report: "Siyang County (泗阳县), 2023 report"."""
    if doc is None:
        return ""
    return english_words()["report"].format(region=name_en(doc), year=doc.year or "").replace(
        ", , ", ", ").replace(",  report", " report")


def name_en(doc: Document) -> str:
    """A report's subject in English: its region; without one its issuer, its title, then its file name."""
    if (body := body_of(doc)) is not None:
        from rag.answering.report_fields import body_en  # report_fields builds on this module

        return body_en(body)
    if doc.region:
        return region_en(doc.region)
    if doc.issuer:
        from rag.answering.report_fields import body_en  # report_fields builds on this module

        return body_en(doc.issuer)
    return doc.title or doc.doc_id


def unit_en(unit: str | None) -> str:
    return english_words()["units"].get(unit or "", unit or "")


def display_en(row: MetricRow | None) -> str:
    """A figure in English: its digits (as the report writes them) and its unit in English."""
    if row is None:
        return "not given"
    written = "".join((row.written or "").split())
    digits = re.search(r"\d+(?:,\d{3})*(?:\.\d+)?", written) if written and not row.derived else None
    value = digits.group(0) if digits else (number(row.value) if row.derived else f"{row.value:g}")
    scale = re.search(r"\d\s*([万亿])", written) if digits else None
    if scale and not (row.unit or "").startswith(scale.group(1)):
        # "2.31万户" counts households in ten-thousands: English has no such unit, so the value in full.
        value = f"{row.value:,.0f}" if row.value == int(row.value) else f"{row.value:,}"
    approx = next((a for a in english_words()["approx"] if a in written), "") if written else ""
    if row.value == 0 and written and not digits:  # 未收到: stated as none
        return f"none ({figure_en(value, row.unit, approx)})"
    return figure_en(value, row.unit, approx)


def money_en(yuan: float) -> str:
    """An amount of yuan as English writes it: "236 million yuan", "3.86 million yuan", "386,000 yuan"."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(yuan) >= size:
            return f"{number(yuan / size)} {word} yuan"
    return f"{yuan:,.0f} yuan"


def figure_en(digits: str, unit: str | None, approx: str = "") -> str:
    """Digits as written with the unit (and 余/约/以上) in English: "1500 times", "over 1500 times"."""
    scale = english_words()["money_scale"].get(unit or "")
    if scale and re.fullmatch(r"[\d,]+(?:\.\d+)?", digits):  # 2.36亿元: 236 million yuan, as English counts money
        digits, unit = money_en(float(digits.replace(",", "")) * scale), None
    words = unit_en(unit)
    if digits == "1":
        words = english_words()["singular"].get(words, words)
    text = f"{digits}{words}" if words in {"%", "‰"} else f"{digits} {words}".strip()
    lead = english_words()["approx"].get(approx, "") if approx else ""
    return f"{lead} {text}".strip()


def sentence_en(doc: Document | None, lines: Sequence[str]) -> str:
    """An English answer's sentence: the report's label, then its parts ("Deqing County (德清县), 2023
    report: 58 times[1] (the report: “…”)")."""
    prefix = label_en(doc)
    body = "; ".join(lines)
    return f"{prefix}: {body}." if prefix else f"{body}."


def passage_en(figure: str, marker: str, wording: str) -> str:
    """A figure read from a passage, in English, with the report's own wording quoted."""
    if not figure:
        return english_words()["passage_sentence"].format(wording=wording, marker=marker)
    return english_words()["passage"].format(figure=figure, marker=marker, wording=wording)


def caveat_en(row: MetricRow | None) -> str:
    """Period, scope and formula of a figure, in English where the words are known."""
    if row is None:
        return ""
    words = english_words()
    period = words["periods"].get(row.period, re.sub(r"(\d{4})\s*年度?", r"\1", row.period)) if row.period else None
    notes = [period,
             words["scopes"].get(row.scope, row.scope) if row.scope else None]
    notes = [n for n in notes if n]
    if row.derived and row.formula:
        notes.append(words["computed"].format(formula=row.formula))
    if row.ocr_low_confidence:
        notes.append("low OCR confidence in the scan: check the original")
    return f" ({', '.join(notes)})" if notes else ""


_BETWEEN_HAN = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+(?:\s+[\u3400-\u9fff]+)+|^[\u3400-\u9fff\s]+$")


def asked_words(said: str | None, measure: str | None, english: bool = False) -> str:
    """The measure as the user asked it, for an answer or a refusal: their English phrase, or their Chinese
    words joined again (the matcher's measure is a run of search terms: "市场监管领域 双随机 抽查" reads
    市场监管领域双随机抽查). An English question never shows Chinese search terms (the dictionary's candidates):
    without its own phrase it gets "" and the sentence says "this figure"."""
    text = (said or ("" if english else measure) or "").strip()
    if english:
        return "" if _HAN_RUN.search(text) else text
    return _BETWEEN_HAN.sub("", text)
