"""Numbers with units inside report sentences, and the clause each one belongs to.

Pure functions on strings: used to pick the figure a question asks for and to check that every
number in an answer occurs in the text it cites.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from rag.domain.intents import load_intents

# Units are data: the catalogue's (metrics.yaml) plus intents.yaml's `extra_units`, longest first.
UNITS = "|".join(re.escape(u) for u in load_intents().units)
_FIGURE = re.compile(
    rf"(?<![\d.])(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(?P<approx>余|多|以上)?\s*(?P<unit>{UNITS})?(?P<tail>以上|余)?"
)
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?]")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?%?")


@dataclass(frozen=True)
class Figure:
    value: str  # the digits as written, commas removed
    text: str  # number, approximation and unit as written, spaces removed
    unit: str
    approx: str
    start: int  # span of number + unit in the sentence
    end: int
    clause_start: int

    def is_calendar(self) -> bool:
        """Years, months and days are dates, not facts."""
        return self.unit in {"年", "月", "日"}


def figures(sentence: str) -> list[Figure]:
    """Every number in a sentence with its unit and the start of its clause."""
    found = []
    for m in _FIGURE.finditer(sentence):
        unit = m.group("unit") or ""
        approx = m.group("approx") or m.group("tail") or ""
        clause_start = 0
        for b in _CLAUSE_BREAK.finditer(sentence, 0, m.start()):
            clause_start = b.end()
        # "1-11月": the first number of a range is not a figure of its own.
        nxt = sentence[m.end("num"): m.end("num") + 1]
        if nxt in {"-", "—", "~", "至"} and not unit:
            continue
        if not unit and _enumerator(sentence, m.start(), m.end("num")):
            continue  # "1.完善…", "（2）…": a list item's number, not a figure
        if not unit and _bracketed_year(sentence, m.start(), m.end("num")):
            continue  # "国办公开办函〔2021〕30号": a document number's parts, not figures
        if not unit and _serial(sentence, m.start(), m.end("num")):
            continue  # "国务院令第711号": a decree's serial, not a figure
        if not unit and _service_number(sentence, m.start(), m.end("num")):
            continue  # "12345政务服务便民热线", "电话0915-2521234": a line to call, never a count
        written = re.sub(r"\s+", "", m.group(0))
        found.append(Figure(m.group("num").replace(",", ""), written, unit, approx, m.start(), m.end(), clause_start))
    return found


@lru_cache(maxsize=1)
def _service_words() -> tuple[re.Pattern[str], re.Pattern[str], int, re.Pattern[str]]:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "service_numbers.yaml").read_text(encoding="utf-8"))
    return re.compile(data["after"]), re.compile(data["before"]), int(data["gap"]), re.compile(data["phone"])


def _service_number(sentence: str, start: int, end: int) -> bool:
    """A hotline's or a telephone's number (rag/data/service_numbers.yaml)."""
    after, before, gap, phone = _service_words()
    head = sentence[max(0, start - 12):start]
    if before.search(head.rstrip("-")) or (start > 0 and sentence[start - 1] == "-" and phone.search(
            sentence[max(0, start - 5):end])):
        return True
    tail = _CLAUSE_BREAK.split(sentence[end:end + gap], maxsplit=1)[0]
    return bool(after.search(tail)) or bool(phone.fullmatch(sentence[start:end]))


def _bracketed_year(sentence: str, start: int, end: int) -> bool:
    """〔2021〕 and the serial after it (〔2021〕30号): the parts of a document number."""
    opened, closed = {"〔", "[", "［", "【"}, {"〕", "]", "］", "】"}
    before, after = sentence[start - 1: start], sentence[end: end + 1]
    return (before in opened and after in closed) or (before in closed and after == "号")


def _serial(sentence: str, start: int, end: int) -> bool:
    """The serial of a decree or a numbered document (国务院令第711号, 第3号公告)."""
    return sentence[end:end + 1] == "号" and sentence[start - 1:start] == "第"


def _enumerator(sentence: str, start: int, end: int) -> bool:
    before, after = sentence[start - 1: start], sentence[end: end + 1]
    if before in {"（", "("} and after in {"）", ")"}:
        return True
    at_start = not sentence[:start].strip()
    return at_start and after in {".", "．", "、", ")", "）"} and not sentence[end + 1: end + 2].isdigit()


def numbers_in(text: str) -> list[str]:
    """The numbers an answer states (digits, optional decimals and %), as the grounding check sees them."""
    norm = unicodedata.normalize("NFKC", text).replace(",", "")
    return _NUMBER.findall(norm)


def number_occurs(number: str, text: str) -> bool:
    """Whether `number` stands alone in `text` (so 4 is not found inside 174)."""
    norm = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace(",", "")
    pattern = rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d)"
    return re.search(pattern, norm) is not None
