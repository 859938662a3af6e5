"""Counts a report states as none: "本年度未收到政府信息公开申请", "未发生因政府信息公开被申请行政复议、提起行政诉讼的
情况", "未收取任何费用". Small bodies' disclosure reports say so instead of printing a 0, and a question asking how
many (or whether any) deserves "none" with the sentence, not a refusal. Each thing counted that the clause names
is a fact of value 0 whose written form is the negation ("未收到"); the words are in rag/data/none_stated.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ingest.facts import MetricFact

_CLAUSE_BREAK = "，,。；;！？!?\n"


@dataclass(frozen=True)
class _Words:
    statement: re.Pattern[str]  # a negation and its verb (group `said`), then the clause after it (group `rest`)
    counted: tuple[tuple[re.Pattern[str], str], ...]  # a thing counted and its unit


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "none_stated.yaml").read_text(encoding="utf-8"))
    gap = int(data["gap"])
    statement = re.compile(rf"(?P<said>{data['negation']}{data['verb']})(?P<rest>[^{_CLAUSE_BREAK}]{{0,{gap}}})")
    return _Words(statement, tuple((re.compile(c["words"]), c["unit"]) for c in data["counted"]))


def none_stated(text: str) -> list[MetricFact]:
    """A fact of value 0 for each thing counted that a negated statement names, in text order."""
    words = _words()
    facts: list[MetricFact] = []
    for m in words.statement.finditer(text):
        start = max(text.rfind(ch, 0, m.start()) for ch in "。；;！？!?\n") + 1
        stops = [i for i in (text.find(ch, m.end()) for ch in "。；;！？!?\n") if i >= 0]
        end = min(stops) + 1 if stops else len(text)
        clause = m.group("rest")
        seen: set[str] = set()
        found = sorted(((c, unit) for pattern, unit in words.counted for c in pattern.finditer(clause)),
                       key=lambda cu: cu[0].start())
        before = 0
        for c, unit in found:
            if any(c.group(0) in s or s in c.group(0) for s in seen):
                continue  # 信息公开申请 named once, not again as 申请
            seen.add(c.group(0))
            # The first thing counted with the verb before it (收到…政府信息公开申请); a later one with its own
            # words since the last (…行政复议、提起行政诉讼: 提起行政诉讼).
            own = clause[before:c.end()].lstrip("、和及与或")
            measure = f"{m.group('said')[-2:]}{own}" if not before else own
            before = c.end()
            facts.append(MetricFact(
                metric="other", label=measure, value=0.0, unit=unit, period=None, scope=None, approx=None,
                sentence=text[start:end].strip(), span=(m.start(), m.start() + len(m.group("said"))),
                sentence_span=(start, end), written=m.group("said"), measure=measure))
    return facts
