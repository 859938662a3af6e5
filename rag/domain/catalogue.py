"""The metric catalogue: which numeric facts reports state, loaded from `rag/data/metrics.yaml`.

Extraction (ingest/facts.py) reads the cues and units; question understanding reads the synonyms
through `match_phrase`; the jieba dictionary reads `terms()`. Keeping all of it in one data file means
a new metric is a YAML edit, not a code change.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

Kind = Literal["count", "rate", "amount"]

# Characters a question may put inside a metric phrase without changing it (办结的行政复议案件).
_FILLER = re.compile(r"[的了被所过\s]")
_ASCII_WORD = re.compile(r"[a-z][a-z'\-]*")
# A question may spread a synonym out with a few filler characters (办结多少件行政复议案件), but not with
# content: 行政案件 must not match inside 行政复议案件.
_MAX_SPREAD = 4
_SPREAD_FILLER = re.compile(r"[多少几件个项次人种份支名家条户共累计总数量年月\d\-—~]*")
EXACT_BASE = 0.9
SPREAD_SCORE = 0.88
FUZZY_WEIGHT = 0.8
RATE_BONUS = 0.05


@dataclass(frozen=True)
class MetricDef:
    """One metric: how it is named, which units it takes and how to recognise it in text."""

    key: str
    label: str
    kind: Kind
    units: tuple[str, ...]
    synonyms: tuple[str, ...]
    english: tuple[str, ...] = ()
    cues: re.Pattern[str] | None = None
    topic: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None
    max_gap: int = 20
    derive: dict[str, Any] | None = None

    @property
    def family(self) -> str:
        """The key's first part, shared by metrics of one subject (reconsideration_*, litigation_*)."""
        return self.key.split("_")[0]


@dataclass(frozen=True)
class ExtractionRules:
    """The language-level knowledge extraction needs: units, approximations, periods, scopes."""

    units: tuple[str, ...]
    multipliers: dict[str, float]
    money_units: frozenset[str]
    approx_before: dict[str, str]
    approx_after: dict[str, str]
    periods: tuple[re.Pattern[str], ...]
    scopes: tuple[re.Pattern[str], ...]
    link_words: str
    rate_words: re.Pattern[str]
    label_trim_leading: re.Pattern[str]
    label_trim_trailing: re.Pattern[str]
    facts: FactRules | None = None


_NEVER = re.compile(r"(?!x)x")


@dataclass(frozen=True)
class FactRules:
    """What every fact carries beside its metric: level or change, whose figure, which year; tables."""

    change_units: frozenset[str] = frozenset()
    change_before: re.Pattern[str] = _NEVER
    measure_trim: re.Pattern[str] = _NEVER
    not_a_count: re.Pattern[str] = _NEVER
    tenths: re.Pattern[str] = _NEVER
    region: re.Pattern[str] = _NEVER
    government: re.Pattern[str] = _NEVER
    government_party: re.Pattern[str] = _NEVER
    subunit: re.Pattern[str] = _NEVER
    organ: re.Pattern[str] = _NEVER
    not_named: re.Pattern[str] = _NEVER
    year_words: dict[str, int] = field(default_factory=dict)
    year_word: re.Pattern[str] = _NEVER
    unit_line: re.Pattern[str] = _NEVER
    unit_suffix: re.Pattern[str] = _NEVER
    index_headers: re.Pattern[str] = _NEVER
    change_headers: re.Pattern[str] = _NEVER
    total_labels: re.Pattern[str] = _NEVER
    year_header: re.Pattern[str] = _NEVER
    unit_words: tuple[tuple[re.Pattern[str], str], ...] = ()
    generic_headers: re.Pattern[str] = _NEVER
    respectively: re.Pattern[str] = _NEVER  # "X、Y分别为a、b": the n-th figure is the n-th item's
    respectively_shared: re.Pattern[str] = _NEVER  # where the last item's words every item shares begin
    bare_share: re.Pattern[str] = _NEVER  # "12件，占24.5%": a share said bare after a count is that count's
    shared_rates: re.Pattern[str] = _NEVER  # "回访率、满意率均为98%": rates listed before the one figure
    compared_with: re.Pattern[str] = _NEVER  # "与2016年同期的8073起相比": a period that is only the base compared


def _fact_rules(ex: dict[str, Any]) -> FactRules:
    scopes = ex.get("scope_kinds", {})
    tables = ex.get("tables", {})
    years = {str(k): int(v) for k, v in ex.get("year_words", {}).items()}

    def rx(source: dict[str, Any], key: str) -> re.Pattern[str]:
        return re.compile(source[key]) if source.get(key) else _NEVER

    return FactRules(
        change_units=frozenset(ex.get("change_units", ())),
        change_before=rx(ex, "change_before"), measure_trim=rx(ex, "measure_trim"),
        not_a_count=rx(ex, "not_a_count"), tenths=rx(ex, "tenths"), respectively=rx(ex, "respectively"),
        respectively_shared=rx(ex, "respectively_shared"), bare_share=rx(ex, "bare_share"),
        shared_rates=rx(ex, "shared_rates"), compared_with=rx(ex, "compared_with"),
        region=rx(scopes, "region"), government=rx(scopes, "government"), subunit=rx(scopes, "subunit"),
        government_party=rx(scopes, "government_party"), organ=rx(scopes, "organ"),
        not_named=rx(scopes, "not_named"),
        year_words=years,
        year_word=re.compile("|".join(re.escape(w) for w in sorted(years, key=len, reverse=True))) if years else _NEVER,
        unit_line=rx(tables, "unit_line"), unit_suffix=rx(tables, "unit_suffix"),
        index_headers=rx(tables, "index_headers"), change_headers=rx(tables, "change_headers"),
        total_labels=rx(tables, "total_labels"), year_header=rx(tables, "year_header"),
        unit_words=tuple((re.compile(p), str(u)) for p, u in tables.get("unit_words", ())),
        generic_headers=rx(tables, "generic_headers"),
    )


@dataclass(frozen=True)
class _Names:
    """A metric's names as `match_phrase` compares them, prepared once per catalogue (not per question):
    each synonym squeezed as a question is (NFKC, lower case, filler out) with its character pairs, each
    English term as a word-bounded pattern with its word stems."""

    synonyms: tuple[tuple[str, tuple[str, ...]], ...]
    english: tuple[tuple[re.Pattern[str], frozenset[str]], ...]


def _prepare_names(metric: MetricDef) -> _Names:
    synonyms = []
    for syn in metric.synonyms:
        s = _FILLER.sub("", unicodedata.normalize("NFKC", syn).lower())
        if s:
            synonyms.append((s, tuple(s[i:i + 2] for i in range(len(s) - 1))))
    english = tuple((re.compile(rf"(?<![a-z]){re.escape(term.lower())}(?![a-z])"),
                     frozenset(_stem(w) for w in _ASCII_WORD.findall(term.lower()))) for term in metric.english)
    return _Names(tuple(synonyms), english)


@dataclass(frozen=True)
class _Hit:
    metric: MetricDef
    score: float
    start: int = -1
    end: int = -1
    exact: bool = False


@dataclass
class Catalogue:
    metrics: dict[str, MetricDef]
    rules: ExtractionRules
    _by_unit: dict[str, list[MetricDef]] = field(default_factory=dict, repr=False)

    _names: dict[str, tuple[MetricDef, _Names]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for metric in self.metrics.values():
            for unit in metric.units:
                self._by_unit.setdefault(unit, []).append(metric)
            self._names_of(metric)

    def _names_of(self, metric: MetricDef) -> _Names:
        prepared = self._names.get(metric.key)
        if prepared is None or prepared[0] is not metric:  # a metric added or replaced after construction
            prepared = self._names[metric.key] = (metric, _prepare_names(metric))
        return prepared[1]

    def for_unit(self, unit: str | None) -> list[MetricDef]:
        """Metrics that may carry a figure with this unit."""
        return list(self._by_unit.get(unit or "", []))

    def terms(self) -> set[str]:
        """Every Chinese synonym, for the jieba user dictionary."""
        return {s for m in self.metrics.values() for s in m.synonyms}

    def match_phrase(self, text: str) -> list[tuple[MetricDef, float]]:
        """Metrics a phrase or question is about, best first, with a score in (0, 1].

        Exact containment of a synonym (or English term) scores 0.9–1.0, longer synonyms higher; a
        synonym spread out by question filler (办结多少件行政复议案件) 0.88; otherwise the share of the
        synonym's character pairs present, times 0.8. A metric whose match lies inside another metric's
        longer match is dropped (备案 inside 备案率). When the question asks for a rate (比例, 率, rate), the rate
        derived from a matched count is preferred over the count (被纠错的比例 → correction rate).
        """
        norm = unicodedata.normalize("NFKC", text).lower()
        squeezed = _FILLER.sub("", norm)
        words = {_stem(w) for w in _ASCII_WORD.findall(norm)}
        hits: dict[str, _Hit] = {}
        for metric in self.metrics.values():
            hit = _best_hit(metric, self._names_of(metric), norm, squeezed, words)
            if hit is not None:
                hits[metric.key] = hit
        exact = [h for h in hits.values() if h.exact and h.start >= 0]
        for h in exact:
            if any(o is not h and o.start <= h.start and h.end <= o.end and (o.end - o.start) > (h.end - h.start)
                   for o in exact):
                del hits[h.metric.key]
        if self.rules.rate_words.search(squeezed):
            for metric in self.metrics.values():
                numerator = (metric.derive or {}).get("numerator")
                if metric.kind == "rate" and numerator in hits:
                    base = hits[numerator]
                    current = hits.get(metric.key)
                    score = min(1.0, base.score + RATE_BONUS)
                    if current is None or current.score < score:
                        hits[metric.key] = _Hit(metric, score)
                    hits[numerator] = _Hit(base.metric, base.score * 0.8)
            for key, h in list(hits.items()):
                if h.metric.kind == "rate":
                    hits[key] = _Hit(h.metric, min(1.0, h.score + RATE_BONUS), h.start, h.end, h.exact)
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.start if h.start >= 0 else 10**6))
        return [(h.metric, round(h.score, 4)) for h in ranked]


def _best_hit(metric: MetricDef, names: _Names, norm: str, squeezed: str, words: set[str]) -> _Hit | None:
    best: _Hit | None = None

    def keep(hit: _Hit) -> None:
        nonlocal best
        if best is None or hit.score > best.score:
            best = hit

    for s, pairs in names.synonyms:
        pos = squeezed.find(s)
        if pos >= 0:
            keep(_Hit(metric, EXACT_BASE + 0.1 * min(len(s), 10) / 10, pos, pos + len(s), exact=True))
            continue
        window = _spread_match(s, squeezed) if len(s) >= 3 else None
        if window is not None:
            keep(_Hit(metric, SPREAD_SCORE, window[0], window[1], exact=True))
            continue
        if len(s) >= 3:
            # Character pairs keep some word order: 行政案件 shares 行政 and 案件 with 行政复议案件 but not 政案.
            coverage = sum(1 for p in pairs if p in squeezed) / len(pairs)
            if coverage >= 0.6:
                keep(_Hit(metric, FUZZY_WEIGHT * coverage))
    for (pattern, stems), term in zip(names.english, metric.english, strict=True):
        m = pattern.search(norm)
        if m:
            keep(_Hit(metric, EXACT_BASE + 0.1 * min(len(term.lower()) / 2, 10) / 10, m.start(), m.end(), exact=True))
            continue
        if len(stems) >= 2 and stems <= words:
            keep(_Hit(metric, 0.85))
    return best


def _spread_match(needle: str, hay: str) -> tuple[int, int] | None:
    """Where needle's characters occur in order in hay with only question filler between them."""
    start = hay.find(needle[0])
    while start >= 0:
        pos = start
        for ch in needle[1:]:
            nxt = hay.find(ch, pos + 1)
            if nxt < 0 or not _SPREAD_FILLER.fullmatch(hay[pos + 1:nxt]):
                break
            pos = nxt
        else:
            if pos - start + 1 <= len(needle) + _MAX_SPREAD:
                return start, pos + 1
        start = hay.find(needle[0], start + 1)
    return None


def _stem(word: str) -> str:
    """A crude English stem so that close / closed / closes compare equal."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    """Build a Catalogue from the YAML structure (separate from loading so tests can pass their own)."""
    ex = data["extraction"]
    default_gap = int(ex.get("default_max_gap", 20))
    units = sorted(ex["units"], key=len, reverse=True)
    rules = ExtractionRules(
        units=tuple(units),
        multipliers={k: float(v) for k, v in ex["multipliers"].items()},
        money_units=frozenset(ex["money_units"]),
        approx_before=dict(ex["approx_before"]),
        approx_after=dict(ex["approx_after"]),
        periods=tuple(re.compile(p) for p in ex["periods"]),
        scopes=tuple(re.compile(p) for p in ex["scopes"]),
        link_words=ex["link_words"],
        rate_words=re.compile(ex["rate_words"], re.I),
        label_trim_leading=re.compile(ex["label_trim_leading"]),
        label_trim_trailing=re.compile(ex["label_trim_trailing"]),
        facts=_fact_rules(ex),
    )
    metrics: dict[str, MetricDef] = {}
    for key, spec in data["metrics"].items():
        if spec["kind"] not in ("count", "rate", "amount"):
            raise ValueError(f"metric {key}: unknown kind {spec['kind']!r}")
        metrics[key] = MetricDef(
            key=key,
            label=spec["label"],
            kind=spec["kind"],
            units=tuple(spec["units"]),
            synonyms=tuple(spec.get("synonyms", ())),
            english=tuple(spec.get("english", ())),
            cues=_compile(spec.get("cues")),
            topic=_compile(spec.get("topic")),
            exclude=_compile(spec.get("exclude")),
            max_gap=int(spec.get("max_gap", default_gap)),
            derive=spec.get("derive"),
        )
    for key, metric in metrics.items():
        derive = metric.derive or {}
        for ref in [derive.get("numerator"), derive.get("denominator"), *derive.get("sum", [])]:
            if ref is not None and ref not in metrics:
                raise ValueError(f"metric {key}: derive refers to unknown metric {ref!r}")
    return Catalogue(metrics=metrics, rules=rules)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The bundled catalogue, parsed once per process."""
    text = resources.files("rag").joinpath("data", "metrics.yaml").read_text(encoding="utf-8")
    return parse_catalogue(yaml.safe_load(text))
