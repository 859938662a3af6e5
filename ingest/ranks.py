"""Places a report states its body took in an assessment or ranking: "在全省考核中位列全省第4名", "排名第十",
"居全市第三位". An ordinal is a figure of its own (a question asks "where did X rank", "排第几"), never a count
of people (第4名 is no 4名) and never the ordinal of a batch or a time (第二批, 第一次). Each becomes a fact in
the unit of places (rag/data/ranks.yaml), its measure the words of its clause before it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from ingest.facts import MetricFact
from rag.domain.ranks import rank_words

_SENTENCE_END = "。；;！？!?\n"
_CLAUSE_BREAK = "，,。；;！？!?\n"


@dataclass(frozen=True)
class _Words:
    unit: str
    ordinal: re.Pattern[str]  # 第N with the place word after it (group `n`, `place`)
    verbs: re.Pattern[str]
    areas: re.Pattern[str]
    gap: int
    not_before: re.Pattern[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = rank_words()
    # (Nor an ordinal's first digits: 第十 of 第十二批.)
    ordinal = re.compile(rf"第(?P<n>{data['ordinal']})(?P<place>{data['place']})?"
                         rf"(?!{data['not_after']}|[一二两三四五六七八九十\d])")
    return _Words(data["unit"], ordinal, re.compile(data["verbs"]), re.compile(data["areas"]), int(data["gap"]),
                  re.compile(data["not_before"]))


def _value(n: str) -> float | None:
    try:
        return float(n) if n.isdigit() else float(cn2an.cn2an(n, "smart"))
    except (ValueError, KeyError):
        return None


def ranks(text: str) -> list[MetricFact]:
    """A fact for each place taken that the text states, in text order."""
    words = _words()
    facts: list[MetricFact] = []
    for m in words.ordinal.finditer(text):
        clause_start = max(text.rfind(ch, 0, m.start()) for ch in _CLAUSE_BREAK) + 1
        before = text[max(clause_start, m.start() - words.gap):m.start()]
        if words.not_before.search(before):
            continue
        verb = words.verbs.search(before)
        area = re.search(rf"(?:{words.areas.pattern})$", before)
        if not verb and not (area and m.group("place")):
            continue  # 第二 of a list, a batch or a heading
        value = _value(m.group("n"))
        if value is None or value <= 0:
            continue
        start = max(text.rfind(ch, 0, m.start()) for ch in _SENTENCE_END) + 1
        stops = [i for i in (text.find(ch, m.end()) for ch in _SENTENCE_END) if i >= 0]
        end = min(stops) + 1 if stops else len(text)
        measure = text[clause_start:m.start()].strip()
        facts.append(MetricFact(
            metric="other", label=measure, value=value, unit=words.unit, period=None, scope=None, approx=None,
            sentence=text[start:end].strip(), span=(m.start(), m.end()), sentence_span=(start, end),
            written=m.group(0), measure=measure))
    return facts
