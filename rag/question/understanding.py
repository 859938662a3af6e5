"""Question understanding: normalise, then find regions, years, metric, operation and route.

Everything here is generic: regions come from the documents in the store and the gazetteer, metrics
from the catalogue, English terms from the glossary. No region or metric is named in code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

import yaml

from rag.domain.catalogue import load_catalogue
from rag.domain.gazetteer import load_gazetteer
from rag.domain.intents import load_intents
from rag.schema import Document, Route
from rag.store.snapshot import known_regions
from rag.text.characters import drop_format_characters


@dataclass
class Question:
    original: str
    text: str  # simplified, NFKC, glossary-translated
    regions: list[str] = field(default_factory=list)  # regions present in the store
    unknown_regions: list[str] = field(default_factory=list)  # real divisions with no report here
    years: list[int] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    operation: str | None = None
    route: Route = "lookup"
    wants_number: bool = False
    units: list[str] = field(default_factory=list)
    asks_plans: bool = False
    english: bool = False
    carried: list[str] = field(default_factory=list)  # what was taken from the conversation


@dataclass
class Context:
    """What a conversation has established so far, for resolving follow-ups."""

    question: str | None = None
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[re.Pattern[str], str]]:
    text = resources.files("rag").joinpath("data", "glossary.yaml").read_text(encoding="utf-8")
    pairs = sorted(yaml.safe_load(text).items(), key=lambda kv: -len(kv[0]))
    return [(re.compile(rf"\b{re.escape(en)}\b", re.I), zh) for en, zh in pairs]


@lru_cache(maxsize=1)
def _synonyms() -> list[tuple[str, str]]:
    text = resources.files("rag").joinpath("data", "synonyms.yaml").read_text(encoding="utf-8")
    return sorted(yaml.safe_load(text).items(), key=lambda kv: -len(kv[0]))


def normalise(text: str) -> str:
    """Invisible format characters dropped, NFKC, traditional → simplified, colloquial → report wording."""
    text = _converter().convert(unicodedata.normalize("NFKC", drop_format_characters(text))).strip()
    return apply_synonyms(text)


def apply_synonyms(text: str) -> str:
    """Replace colloquial phrases by the reports' terms, longest first, each span replaced once."""
    out, i = [], 0
    table = _synonyms()
    while i < len(text):
        for phrase, term in table:
            if text.startswith(phrase, i) and not text.startswith(term, i):  # 负责人出庭应诉 stays as it is
                out.append(term)
                i += len(phrase)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def translate_english(text: str) -> str:
    """Replace glossary terms in an English question by their Chinese equivalents."""
    for pattern, zh in _glossary():
        text = pattern.sub(f" {zh} ", text)
    return text


def _is_english(text: str) -> bool:
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return letters > 3 * max(cjk, 1)


class RegionMatcher:
    """Finds the store's regions in a question by full name, short name or pinyin."""

    def __init__(self, regions: tuple[str, ...]) -> None:
        self.aliases: dict[str, str] = {}
        for region in regions:
            for alias in region_aliases(region):
                self.aliases.setdefault(alias.lower(), region)
        self._order = sorted(self.aliases, key=len, reverse=True)

    def find(self, text: str) -> list[str]:
        lowered = text.lower()
        found: list[str] = []
        taken: list[tuple[int, int]] = []
        for alias in self._order:
            if alias not in lowered:  # a substring test first: thousands of regions, a regex each is slow
                continue
            for m in re.finditer(re.escape(alias), lowered):
                if alias.isascii() and not _word_bounded(lowered, m.start(), m.end()):
                    continue
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                region = self.aliases[alias]
                if region not in found:
                    found.append(region)
        return found


@lru_cache(maxsize=8)
def _matcher(regions: tuple[str, ...]) -> RegionMatcher:
    """Alias tables change only when the set of regions in the store does."""
    return RegionMatcher(regions)


def _word_bounded(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalpha()) and (end == len(text) or not text[end].isalpha())


def region_aliases(region: str) -> list[str]:
    aliases = [region]
    divisions = load_gazetteer().by_name(region)
    for division in divisions[:1]:
        if len(division.short) >= 2:
            aliases.append(division.short)
        if division.pinyin:
            aliases.append(division.pinyin)
    if not divisions and len(region) >= 3 and region[-1] in "区县市旗":
        aliases.append(region[:-1])
    return aliases


def unknown_divisions(text: str, known: list[str]) -> list[str]:
    """Real divisions named in full in the question for which the store has no report."""
    names: list[str] = []
    for division, _ in load_gazetteer().find_in(text):
        if division.level in {"省", "市"} and division.name not in known:
            continue  # a province or city named as context ("长春市朝阳区"), not the subject
        if division.name not in known and not any(division.name in k or k in division.name for k in known):
            names.append(division.name)
    return list(dict.fromkeys(names))


def understand(question: str, documents: list[Document], context: Context | None = None,
               vocabulary: Callable[[str], bool] | None = None) -> Question:
    """`vocabulary` tells which Chinese words the store's reports contain: English words outside the
    glossary are bridged through the dictionary to those words (rag/domain/english.py)."""
    original = question
    english = _is_english(question)
    text = normalise(translate_english(question) if english else question)
    if english and vocabulary is not None:
        from rag.domain.english import bridge

        text = f"{text} {' '.join(bridge(text, vocabulary))}".strip()
    known = known_regions(documents)
    regions = _matcher(known).find(text)
    intents = load_intents()
    q = Question(original=original, text=text, english=english, regions=regions,
                 unknown_regions=unknown_divisions(text, known),
                 years=[int(y) for y in dict.fromkeys(intents.year.findall(text))])
    q.metrics = _metrics(text)
    q.wants_number = bool(intents.ask_number.search(text))
    q.units = asked_units(text)
    q.asks_plans = bool(intents.plans.search(text))
    q.operation = next((name for name, pattern in intents.operations
                        if name in {"max", "min", "rank", "sum", "list"} and pattern.search(text)), None)
    q.route = _route(q)
    if context is not None:
        q = _resolve_follow_up(q, context, documents, vocabulary)
    return q


def asked_units(text: str) -> list[str]:
    """The units a question asks its figures in: 多少件 → 件, 几次 → 次."""
    return load_intents().asked_unit.findall(text)


def _metrics(text: str) -> list[str]:
    matches = load_catalogue().match_phrase(text)
    return [m.key for m, score in matches if score >= 0.6][:3]


def _route(q: Question) -> Route:
    intents = load_intents()
    if intents.metadata.search(q.text):
        return "metadata"
    if intents.aggregate.search(q.text) and len(q.regions) != 1:
        return "aggregate"
    if intents.summary.search(q.text) and not q.wants_number:
        return "summary"
    return "lookup"


def _resolve_follow_up(q: Question, ctx: Context, documents: list[Document],
                       vocabulary: Callable[[str], bool] | None = None) -> Question:
    """Carry region, year and topic from the conversation into an elliptical follow-up."""
    if not ctx.question:
        return q
    stripped = re.sub(r"[?？。!！\s]", "", q.text)
    elliptical = bool(load_intents().follow_up.match(q.text)) and len(stripped) <= 12 and not q.wants_number
    if elliptical and (q.regions or q.years):
        # "那朝阳区呢？": ask the previous question again about the new region or year.
        previous = understand(ctx.question, documents, vocabulary=vocabulary)
        rewritten = previous.text
        for old in previous.regions:
            rewritten = rewritten.replace(old, q.regions[0] if q.regions else old)
        if q.years:
            for y in previous.years:
                rewritten = rewritten.replace(str(y), str(q.years[0]))
            if not previous.years:  # "那2022年呢？" after a question without a year: the year is added
                rewritten = f"{q.years[0]}年{rewritten}"
        if q.regions and not previous.regions:
            rewritten = f"{q.regions[0]}{rewritten}"
        resolved = understand(rewritten, documents, vocabulary=vocabulary)
        if q.regions and not q.years and resolved.years and not any(
                d.region in resolved.regions and d.year in resolved.years for d in documents):
            # "那北流市呢？" after a 2023 question: the year came with the old question, and the new region
            # has no report of it; its own reports answer (each answer names its year).
            for y in resolved.years:
                rewritten = re.sub(rf"{y}年?(?:度)?", "", rewritten)
            resolved = understand(rewritten, documents, vocabulary=vocabulary)
        resolved.original = q.original
        resolved.carried = ["question"]
        return resolved
    carried = []
    if not q.regions and ctx.regions and q.route != "metadata":
        q = replace(q, regions=list(ctx.regions))
        carried.append("region")
    if not q.years and ctx.years:
        q = replace(q, years=list(ctx.years))
        carried.append("year")
    if not q.metrics and ctx.metrics and q.route in {"lookup", "aggregate"}:
        carried.append("topic")
    if carried:
        q = replace(q, carried=carried)
        if q.route == "aggregate" and len(q.regions) == 1:
            q.route = "lookup"
    return q
