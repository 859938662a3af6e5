"""Numeric facts in a report, each tied to a catalogue metric (or "other") with its exact span.

Pure functions on a string. Comparisons across reports are computed from these rows instead of being
guessed from passages, so a wrong metric is worse than none: a figure is given a catalogue metric only
when a cue for that metric stands next to it in its own clause, its unit fits, and (for generic cues
such as 办结) the metric's topic occurs earlier in the sentence or in the figure's own clause. Every
other figure is kept as "other", labelled by the words around it, so a new kind of figure stays
searchable. What the cues, topics and units are is data: rag/data/metrics.yaml.

Text units used throughout: a paragraph is a line (a line the source wrapped mid-sentence is joined to
the next); a sentence runs up to 。；！？ or the paragraph end; a clause runs up to a comma or colon; a
segment is one item of a 、-list inside a clause.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import cn2an

from rag.domain.catalogue import Catalogue, FactRules, MetricDef, load_catalogue

OTHER = "other"
_RIGHT_GAP = 16  # characters a cue may follow the figure by (3支100人的抢险队伍)
_RIGHT_PENALTY = 2  # a cue before the figure is preferred to one after it at the same distance
_LABEL_CHARS = 16

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUM_AR = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM_CN = rf"[{_CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"  # 五点二 is 5.2
_PARA_BREAK = "\n"
_SENT_BREAK = "。；;！？!?\n"
_STOP_BREAK = "。！？!?\n"
_CLAUSE_BREAK = ",，:：" + _SENT_BREAK
_SEG_BREAK = "、"
# Regions whose numbers are names, not facts: quoted slogans (“1+7”, “5S”), titles (《…(2021-2025年)》), dates.
_MASKS = (
    re.compile(r"“[^“”\n]{1,40}”"),
    re.compile(r"‘[^‘’\n]{1,40}’"),
    re.compile(r"「[^「」\n]{1,40}」|『[^『』\n]{1,40}』"),
    re.compile(r'"[^"\n]{1,40}"'),
    re.compile(r"《[^《》\n]{1,80}》"),
    re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"),
    re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]"),
    re.compile(r"(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"),
    re.compile(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]"),
    # The report's own outline ("由总体情况、……等6部分构成", "全文共分为六个部分"): a count of its parts, no fact.
    re.compile(r"(?:等|共|分为|包括)\s*(?:\d+|[一二三四五六七八九十]+)\s*[个项]?\s*(?:主要)?(?:部分|内容)\s*(?:组成|构成)"),
    re.compile(r"(?:全文|报告|年报)\s*共?\s*(?:分为|分成)\s*(?:\d+|[一二三四五六七八九十]+)\s*个?\s*部分"),
)
_NOT_BEFORE_AR = re.compile(r"[A-Za-z0-9.#+\-—–~～/·_]")
_NOT_AFTER_NUM = re.compile(r"[A-Za-z+·/]")
_ORDINAL_BEFORE = re.compile(r"(?:第|初|周|星期|礼拜|农历|每)\s*$")  # 每万人: "per ten thousand", no figure
_NEAR_NOT_APPROX = re.compile(r"[最接附将]$")
_ZERO = re.compile(r"[无零]")
_PLAN_MAX = 10  # 三项工作: a plan's items are few; a count written in Chinese numerals above this is a count
_WRAPPED_LINE = 60  # a line this long that stops mid-sentence was wrapped, not ended
_ENUMERATION = re.compile(
    r"[一二三四五六七八九十]+[、是]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、]|第[一二三四五六七八九十]+"
)


@dataclass
class MetricFact:
    """One figure of a report, with the metric it measures and where it stands in the text."""

    metric: str  # catalogue key, or "other" when no catalogue metric fits
    label: str  # the catalogue label, or for "other" the phrase that names the quantity
    value: float
    unit: str | None
    period: str | None  # "1-11月", "全年", "2023年"
    scope: str | None  # "全县", "区政府", "市政府行政复议案件中", "县乡两级"
    approx: str | None  # 余/以上/超/近/约/多 when the figure is approximate
    sentence: str  # text[sentence_span]
    span: tuple[int, int]  # the figure (number, unit and approximation words) in the text
    sentence_span: tuple[int, int]
    derived: bool = False
    formula: str | None = None  # for derived rows, e.g. "3383/3471"
    written: str = ""  # the figure as written, e.g. "7.99万次" (value is normalised to 79900 次)
    paragraph_span: tuple[int, int] | None = None  # the line the figure is in; derivation pairs within it
    value_max: float | None = None  # a range's upper bound (3至5个工作日: value 3, value_max 5)
    measure: str | None = None  # what it counts, as the report words it (行政执法人员培训)
    kind: str = "level"  # "level", or "change" for 同比增长12.6% / 下降3.5个百分点
    scope_kind: str | None = None  # "region" | "government" | "subunit" | None (unknown)
    fact_year: int | None = None  # the year the figure is about, when the report states one
    year_offset: int | None = None  # 上年 → -1, 本年 → 0: resolved against the document's year at ingest
    source: str = "text"  # "text" | "table"
    table_cell: dict[str, object] | None = None  # {"table": n, "row": label, "column": header}


@dataclass(frozen=True)
class _Token:
    start: int  # span of the figure as written
    end: int
    num_start: int  # span of the digits
    num_end: int
    value: float
    unit: str | None
    approx: str | None
    zero: bool = False  # "无纠错案件": a stated zero whose unit comes from the metric
    value_max: float | None = None  # a range's upper bound (3至5个工作日: value 3, value_max 5)


@dataclass(frozen=True)
class _Spans:
    """Boundaries of paragraphs, sentences, clauses and segments, to find the ones around a position."""

    para: list[int]
    stop: list[int]
    sent: list[int]
    clause: list[int]
    seg: list[int]
    length: int

    @staticmethod
    def build(text: str, inside_number: set[int]) -> _Spans:
        ignore = inside_number | _soft_wraps(text)

        def breaks(chars: str, extra: set[int] = frozenset()) -> list[int]:  # type: ignore[assignment]
            return [i for i, ch in enumerate(text) if (ch in chars or i in extra) and i not in ignore]

        asides = _asides(text)
        return _Spans(breaks(_PARA_BREAK), breaks(_STOP_BREAK), breaks(_SENT_BREAK), breaks(_CLAUSE_BREAK, asides),
                      breaks(_CLAUSE_BREAK + _SEG_BREAK, asides), len(text))

    def around(self, level: list[int], pos: int) -> tuple[int, int]:
        i = bisect_right(level, pos - 1) if level else 0
        start = level[i - 1] + 1 if i > 0 else 0
        end = level[i] if i < len(level) else self.length
        return start, end


_ASIDE = re.compile(r"[(（]([^()（）\n]{1,60})[)）]")
_ASIDE_WORDS = re.compile(r"[\u4e00-\u9fff]{2,}")


def _asides(text: str) -> set[int]:
    """Brackets of an aside with words of its own ("5宗获评优秀(全省仅6宗)", "2497户次(共开展42批次抽查)"): the
    figures inside and outside are kept apart. A bracket holding only a figure or a unit ("20支(612人)",
    "300余份(件)") stays attached to the figure before it."""
    found: set[int] = set()
    for m in _ASIDE.finditer(text):
        inner = re.sub(r"[\d.,%余多约近]+", "", m.group(1))
        if _ASIDE_WORDS.search(inner) and re.search(r"\d|[一二两三四五六七八九十]", m.group(1)):
            found.update((m.start(), m.end() - 1))
    return found


def _soft_wraps(text: str) -> set[int]:
    """Line breaks inside a paragraph, left by a source that wrapped lines ("区人大常委\n会备案规范性文件4件").

    A break is a wrap when the line before is body text (long, or holding a full stop: a heading is
    neither), does not end a sentence, and the next line starts straight away with text rather than
    an indent or an enumeration marker.
    """
    wraps = set()
    start = 0
    for i, ch in enumerate(text):
        if ch != "\n":
            continue
        line = text[start:i].rstrip()
        following = text[i + 1:i + 12]
        if ((len(line.strip()) >= _WRAPPED_LINE or "。" in line) and line[-1] not in _SENT_BREAK + ":："
                and following[:1] and not following[:1].isspace() and not _ENUMERATION.match(following)):
            wraps.add(i)
        start = i + 1
    return wraps


def extract_metrics(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[MetricFact]:
    """Every numeric fact in a cleaned report, in text order.

    `skip` lists stretches whose figures are read elsewhere (table rows, read cell by cell from the table).
    """
    catalogue = load_catalogue()
    folded = _fold(text)
    masked = _mask(folded)
    tokens = list(_tokens(folded, masked, catalogue))
    if skip:
        starts = [a for a, _ in sorted(skip)]
        ends = [b for _, b in sorted(skip)]

        def skipped(pos: int) -> bool:
            i = bisect_right(starts, pos) - 1
            return i >= 0 and pos < ends[i]

        tokens = [t for t in tokens if not skipped(t.num_start)]
    inside = {i for t in tokens for i in range(t.num_start, t.num_end)}
    spans = _Spans.build(folded, inside)
    spans_of = sorted((t.start, t.end) for t in tokens)
    ends_before = [0]
    for _, e in spans_of:
        ends_before.append(max(ends_before[-1], e))
    facts = []
    memo: Memo = {}
    for tok in sorted(tokens, key=lambda t: t.start):
        index = bisect_left(spans_of, (tok.start, tok.end))
        fact = _fact(tok, text, folded, masked, spans, spans_of, index, ends_before, catalogue, memo)
        if fact is not None:
            facts.append(fact)
    _settle_measures(facts, folded, catalogue)
    return facts


_LISTED = re.compile(r"[ \t]*(?:和|及|与|或|、|以及)[ \t]*")


def _settle_measures(facts: list[MetricFact], folded: str, catalogue: Catalogue) -> None:
    """Measures without comparison words; a figure left with none takes the previous one of its sentence.

    A figure listed right after another ("分别下降9.2%和7.5%") shares its kind.
    """
    rules = catalogue.rules.facts
    if rules is None:
        return
    previous: MetricFact | None = None
    for fact in facts:
        listed = previous is not None and _LISTED.fullmatch(folded[previous.span[1]:fact.span[0]]) is not None
        if listed and previous is not None and previous.kind == "change" and fact.unit == previous.unit:
            fact.kind = "change"
            fact.fact_year, fact.year_offset = previous.fact_year, previous.year_offset
        measure = rules.measure_trim.sub("", _LISTED.sub("", fact.measure or "", count=1) if listed else
                                         fact.measure or "").strip()
        if (not measure or listed) and previous is not None and previous.sentence_span == fact.sentence_span:
            measure = previous.measure or measure
        fact.measure = measure or fact.measure
        if fact.metric == OTHER:
            fact.label = fact.measure or fact.label
        previous = fact
    _pair_respectively(facts, folded, rules.respectively, rules.respectively_shared)
    _name_bare_shares(facts, folded, rules.bare_share)
    _split_shared_rates(facts, folded, rules.shared_rates)


def _clause_before(fact: MetricFact, folded: str) -> str:
    """The words of the figure's clause before it."""
    lead = folded[fact.sentence_span[0]:fact.span[0]]
    starts = [m.end() for m in _CLAUSE_START.finditer(lead)]
    return lead[starts[-1] if starts else 0:]


def _name_bare_shares(facts: list[MetricFact], folded: str, bare: re.Pattern[str]) -> None:
    """"当面申请12件，占24.5%": a share said bare right after a count is that count's share, named by its noun."""
    for before, fact in pairwise(facts):
        if (fact.unit not in {"%", "‰"} or before.unit in {"%", "‰"} or not before.measure
                or before.sentence_span != fact.sentence_span):
            continue
        if bare.match(folded[before.span[1]:fact.span[0]]):
            fact.measure = f"{before.measure}占比"
            if fact.metric == OTHER:
                fact.label = fact.measure


def _split_shared_rates(facts: list[MetricFact], folded: str, shared: re.Pattern[str]) -> None:
    """"人民调解回访率、满意率均为98%": one figure for each rate listed, each named with the words the first
    rate leads with (人民调解回访率, 人民调解满意率)."""
    out: list[MetricFact] = []
    for fact in facts:
        said = shared.search(_clause_before(fact, folded)) if fact.unit in {"%", "‰"} else None
        if said is None:
            out.append(fact)
            continue
        items = [p.strip() for p in _ITEM_SEP.split(said.group("list")) if p.strip()]
        # What the first rate is of: its words before its own name (a word and 率: 办结率, 化解率).
        lead = items[0][:-3]
        for n, item in enumerate(items):
            name = item if item.startswith(lead) else lead + item
            # The figure was read as the last rate's (the words right before it); the others are named by theirs.
            metric = fact.metric if n == len(items) - 1 else OTHER
            out.append(replace(fact, metric=metric, measure=name, label=fact.label if metric != OTHER else name))
    facts[:] = out


_ITEM_SEP = re.compile(r"以及|、|和|及|与")
_CLAUSE_START = re.compile(r"[，,；;。：:！？!?\n]")


def _pair_respectively(facts: list[MetricFact], folded: str, respectively: re.Pattern[str],
                       shared_from: re.Pattern[str]) -> None:
    """"微信、微博发布信息分别为1408条、6502条": the n-th figure of the list counts the n-th item named
    before 分别 (with the words the last item shares: 微信发布信息, 微博发布信息)."""
    i = 0
    while i < len(facts):
        first = facts[i]
        run = [first]
        while (i + len(run) < len(facts) and facts[i + len(run)].sentence_span == first.sentence_span
               and _LISTED.fullmatch(folded[run[-1].span[1]:facts[i + len(run)].span[0]])):
            run.append(facts[i + len(run)])
        i += len(run)
        if len(run) < 2:
            continue
        lead = folded[first.sentence_span[0]:first.span[0]]
        said = respectively.search(lead)
        if said is None:
            continue
        head = lead[:said.start()]
        starts = [m.end() for m in _CLAUSE_START.finditer(head)]
        head = head[starts[-1] if starts else 0:].strip()
        items = [p.strip() for p in _ITEM_SEP.split(head)]
        if len(items) != len(run) or not all(items):
            continue
        # The words every item shares end the last item: from its counting verb on ("政务微博发布信息"), else
        # what follows its first item's width ("审结行政复议案件" after "新收").
        last = items[-1]
        verb = shared_from.search(last, 1)
        rest = last[len(items[0]):]
        shared = last[verb.start():] if verb else rest if len(rest) >= 2 else ""
        after = said.groupdict().get("shared") or ""
        for n, (fact, item) in enumerate(zip(run, items, strict=True)):
            fact.measure = (item if n == len(items) - 1 else item + shared) + after
            if fact.metric == OTHER:
                fact.label = fact.measure


def derive_metrics(facts: list[MetricFact]) -> list[MetricFact]:
    """Rates (and totals) a report implies but does not state, computed from counts in one paragraph.

    A rate is derived only when the report states no figure for that rate anywhere, so a derived row
    never competes with the report's own number; the formula names the counts it came from.
    """
    catalogue = load_catalogue()
    stated = {f.metric for f in facts if not f.derived}
    derived: list[MetricFact] = []
    for metric in catalogue.metrics.values():
        rule = metric.derive
        if not rule or metric.key in stated:
            continue
        if "numerator" in rule:
            derived.extend(_derive_ratio(metric, rule["numerator"], rule["denominator"], facts))
        elif "sum" in rule:
            derived.extend(_derive_sum(metric, list(rule["sum"]), facts))
    kept = []
    levels = _StatedLevels(facts)
    for d in derived:
        metric = catalogue.metrics[d.metric]
        stated_as = _stated_otherwise(d, levels, metric)
        if stated_as is None:
            kept.append(d)
        elif stated_as.metric == OTHER:
            # The stated figure is this metric's, in the report's words: it ranks and answers as stated.
            stated_as.metric, stated_as.label = metric.key, metric.label
    return kept


class _StatedLevels:
    """A report's stated level figures by unit, sorted by value, so each derived figure reads only the stated
    ones within half a unit of it (a report with thousands of figures stays linear)."""

    def __init__(self, facts: list[MetricFact]) -> None:
        by_unit: dict[str | None, list[tuple[float, int, MetricFact]]] = {}
        for i, fact in enumerate(facts):
            if not fact.derived and fact.kind == "level":
                by_unit.setdefault(fact.unit, []).append((fact.value, i, fact))
        self._by_unit = {unit: sorted(rows, key=lambda r: (r[0], r[1])) for unit, rows in by_unit.items()}
        self._values = {unit: [r[0] for r in rows] for unit, rows in self._by_unit.items()}

    def near(self, unit: str | None, value: float) -> list[MetricFact]:
        """Stated figures of `unit` within 0.5 of `value` (the widest half-place), in the report's order."""
        rows, values = self._by_unit.get(unit, []), self._values.get(unit, [])
        window = rows[bisect.bisect_left(values, value - 0.5 - 1e-9):bisect.bisect_right(values, value + 0.5 + 1e-9)]
        return [fact for _, _, fact in sorted(window, key=lambda r: r[1])]


def _stated_otherwise(candidate: MetricFact, levels: _StatedLevels, metric: MetricDef) -> MetricFact | None:
    """The figure the report already states for this one in words the catalogue does not key ("案件败诉率
    约为6.8%" beside the counts 4 and 59): a stated figure of the same unit, equal to the computed one at
    the stated figure's precision, named like the metric (or a bare 占比 beside the counts)."""
    names = [metric.label, *metric.synonyms]
    rate_words = load_catalogue().rules.rate_words
    for fact in levels.near(candidate.unit, candidate.value):
        if abs(fact.value - candidate.value) > _half_last_place(fact):
            continue
        measure = fact.measure or fact.label
        if _shares_name(measure, names, rate_words) or (fact.paragraph_span == candidate.paragraph_span
                                                        and not rate_words.sub("", measure).strip("占约，,（(")):
            return fact  # named like the metric, or a bare share beside the counts ("其中败诉4件，占比6.8%")
    return None


def _half_last_place(fact: MetricFact) -> float:
    """Half a unit of the figure's last written digit: 6.8 stands for 6.75..6.85, 7 for 6.5..7.5."""
    digits = re.search(r"\d+(?:\.(\d+))?", _fold(fact.written or ""))
    written = digits.group(1) if digits else _display(fact.value).partition(".")[2]  # 百分之六点八
    places = len(written or "")
    return 0.5 * 10 ** -places + 1e-9


def _shares_name(measure: str, names: Sequence[str], rate_words: re.Pattern[str]) -> bool:
    """A two-character word of the measure, rate words aside, that also names the metric."""
    words = rate_words.sub(" ", measure)
    pairs = {words[i:i + 2] for i in range(len(words) - 1)}
    return any(" " not in p and p in name for p in pairs for name in names)


# --- tokens --------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Full-width forms to half-width, one character for one, so spans stay valid in the original."""
    out = []
    for ch in text:
        if "\uff01" <= ch <= "\uff5e" or ch == "\u3000":
            ch = unicodedata.normalize("NFKC", ch)
        out.append(ch)
    return "".join(out)


def _mask(folded: str) -> list[bool]:
    masked = [False] * len(folded)
    for pattern in _MASKS:
        for m in pattern.finditer(folded):
            for i in range(m.start(), m.end()):
                masked[i] = True
    return masked


# The figure pattern depends on the catalogue's units; built once per catalogue (kept alive with it,
# so an id is never reused for another catalogue).
_PATTERNS: dict[int, tuple[Catalogue, re.Pattern[str]]] = {}


def _token_pattern(catalogue: Catalogue) -> re.Pattern[str]:
    rules = catalogue.rules
    units = "|".join(re.escape(u) for u in rules.units)
    before = "|".join(re.escape(a) for a in sorted(rules.approx_before, key=len, reverse=True))
    after = "|".join(re.escape(a) for a in sorted(rules.approx_after, key=len, reverse=True))
    mults = "".join(rules.multipliers)
    sp = r"[ \t]*"
    return re.compile(
        rf"(?P<pre>{before})?{sp}"
        rf"(?:(?P<pct>百分之)(?P<pnum>{_NUM_AR}|{_NUM_CN})"
        rf"|(?P<num>{_NUM_AR}|{_NUM_CN})(?:{sp}[-—–~～至到]{sp}(?P<num2>{_NUM_AR}))?)"
        rf"(?P<a1>{sp}(?:余|多))?"
        rf"(?:{sp}(?P<mult>[{mults}]))?"
        rf"(?P<a2>{sp}(?:余|多))?"
        rf"(?:{sp}(?P<unit>{units}))?"
        rf"(?:{sp}(?P<a3>{after}))?"
    )


def _pattern(catalogue: Catalogue) -> re.Pattern[str]:
    key = id(catalogue)
    if key not in _PATTERNS:
        _PATTERNS[key] = (catalogue, _token_pattern(catalogue))
    return _PATTERNS[key][1]


def _tokens(folded: str, masked: list[bool], catalogue: Catalogue) -> Iterator[_Token]:
    """Figures with a unit, outside names and dates; years, ordinals and codes are not figures."""
    rules = catalogue.rules
    for m in _pattern(catalogue).finditer(folded):
        num_group = "pnum" if m.group("pnum") else "num"
        ns, ne = m.span(num_group)
        if any(masked[ns:ne]):
            continue
        raw = m.group(num_group)
        chinese = raw[0] in _CN_DIGITS
        before = folded[max(0, ns - 4):ns] if not m.group("pre") else folded[max(0, m.start() - 4):m.start()]
        if _ORDINAL_BEFORE.search(before):
            continue
        if not chinese and ns > 0 and _NOT_BEFORE_AR.match(folded[ns - 1]) and not m.group("pre"):
            continue
        after_num = m.end("num2") if m.group("num2") else ne
        if after_num < len(folded) and _NOT_AFTER_NUM.match(folded[after_num]):
            continue
        if m.group("num2") is None and m.group("num") and re.match(r"[ \t]*[-—–~～]", folded[ne:ne + 3]):
            continue  # the first half of "1-11月" when the range has no unit of its own
        unit = m.group("unit")
        mult = m.group("mult")
        if m.group("pct"):
            unit = "%"
        if unit is None and mult is None:
            continue
        value = _number(raw)
        value_max = _number(m.group("num2")) if m.group("num2") else None
        if value is None:
            continue
        if chinese and not m.group("pct") and (value < 2 or raw == "二" or (not re.search("[二两三四五六七八九十]", raw)
                                               and not re.search("[一两][百千万亿]", raw))):
            continue  # 一个/一批 are articles, 二次 a word; only clear Chinese counts are figures
        if (chinese and not mult and len(raw) > 1 and raw[-1] in rules.multipliers
                and f"{raw[-1]}{unit or ''}" in rules.money_units):
            # 一千九百六十三万元: the money unit is 万元, as with 1963万元, not 19,630,000 元
            mult, raw = raw[-1], raw[:-1]
            value = _number(raw)
            if value is None:
                continue
        if chinese and value <= _PLAN_MAX and rules.facts is not None \
                and rules.facts.not_a_count.match(folded, m.end()):
            continue  # 三项工作, 两条主线: the items of a plan, not a count of anything done
        if mult:
            money = f"{mult}{unit or ''}"
            if money in rules.money_units:
                unit = money
            else:
                value *= rules.multipliers[mult]
                value_max = value_max * rules.multipliers[mult] if value_max is not None else None
        pre = m.group("pre")
        if pre and _NEAR_NOT_APPROX.search(folded[max(0, m.start() - 1):m.start()]):
            pre = None
        approx_word = pre or (m.group("a1") or m.group("a2") or m.group("a3") or "").strip() or None
        approx = None
        if approx_word:
            approx = rules.approx_before.get(approx_word) or rules.approx_after.get(approx_word)
        start = m.start() if pre else m.start(num_group) if not m.group("pct") else m.start("pct")
        end = m.end()
        while end > start and folded[end - 1] in " \t":
            end -= 1
        yield _Token(start, end, ns, after_num, round(value, 6), unit, approx,
                     value_max=round(value_max, 6) if value_max is not None else None)
    yield from _zero_tokens(folded, masked, catalogue)
    yield from _tenth_tokens(folded, masked, catalogue)


def _tenth_tokens(folded: str, masked: list[bool], catalogue: Catalogue) -> Iterator[_Token]:
    """"增长约一成": tenths (成) as a percentage, only after a change word or an approximation."""
    rules = catalogue.rules.facts
    if rules is None:
        return
    for m in rules.tenths.finditer(folded):
        if masked[m.start()]:
            continue
        before = folded[max(0, m.start() - _LOOK_BACK):m.start()]
        if not m.group("pre") and not rules.change_before.search(before):
            continue
        value = _number(m.group("n"))
        if value is None:
            continue
        pre = m.group("pre")
        approx = catalogue.rules.approx_before.get(pre) if pre else None
        yield _Token(m.start(), m.end(), m.start("n"), m.end("n"), value * 10, "%", approx)


def _zero_tokens(folded: str, masked: list[bool], catalogue: Catalogue) -> Iterator[_Token]:
    """"无纠错案件": a count stated as none, when a count metric's cue follows 无/零 directly."""
    counts = [m for m in catalogue.metrics.values() if m.kind == "count" and m.cues is not None]
    for z in _ZERO.finditer(folded):
        if masked[z.start()]:
            continue
        if any(m.cues.match(folded, z.end()) for m in counts):  # type: ignore[union-attr]
            yield _Token(z.start(), z.end(), z.start(), z.end(), 0.0, None, None, zero=True)


def _number(raw: str) -> float | None:
    if not raw:
        return None
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    if raw[0] in "百千万亿":
        raw = "一" + raw  # 百分之百: cn2an reads 一百, not 百
    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


# --- one figure ----------------------------------------------------------------------------------


class _Bounds:
    """The stretch around a figure that no other figure interrupts: cues and labels are looked for inside it.

    A figure directly attached to this one ("20支(612人)", "3支100人的抢险队伍") does not interrupt, so
    both share the cue that follows them. `others` is every figure's span sorted by start and `index` this
    figure's place in it: the walk looks only at the neighbours, so a report's figures cost linear time.
    """

    _ATTACHED = re.compile(r"[()（）\s]*")

    def __init__(self, folded: str, tok: _Token, others: list[tuple[int, int]], index: int,
                 ends_before: list[int]) -> None:
        self.start, self.end = 0, len(folded)
        # The run of figures attached to this one ("308批589人次"): a label skips over it.
        self.run_start, self.run_end = tok.start, tok.end
        first = index
        while first > 0:
            s, e = others[first - 1]
            if e > self.run_start or not self._ATTACHED.fullmatch(folded[e:self.run_start]):
                break
            self.run_start, first = s, first - 1
        last = index
        while last + 1 < len(others):
            s, e = others[last + 1]
            if s < self.run_end or not self._ATTACHED.fullmatch(folded[self.run_end:s]):
                break
            self.run_end, last = e, last + 1
        # The nearest figure ending before the run (ends_before[i]: the largest end among others[:i]).
        j = first
        while j > 0 and others[j - 1][1] > self.run_start:
            j -= 1  # figures overlapping the run's start (rare) do not bound it
        if j > 0:
            self.start = max(self.start, min(ends_before[j], self.run_start))
        k = bisect_right(others, (self.run_end, -1))
        while k < len(others) and others[k][0] < self.run_end:
            k += 1
        if k < len(others):
            self.end = min(self.end, others[k][0])

    def clip(self, window: tuple[int, int]) -> tuple[int, int]:
        """The window without text beyond a figure that is not attached to this one."""
        return max(window[0], self.start), min(window[1], self.end)
@dataclass(frozen=True)
class _Choice:
    metric: MetricDef
    rank: tuple[float, ...]


def _fact(tok: _Token, text: str, folded: str, masked: list[bool], spans: _Spans, others: list[tuple[int, int]],
          index: int, ends_before: list[int], catalogue: Catalogue, memo: Memo) -> MetricFact | None:
    sent = _trim(folded, *spans.around(spans.sent, tok.start))
    clause = spans.around(spans.clause, tok.start)
    seg = spans.around(spans.seg, tok.start)
    para = spans.around(spans.para, tok.start)
    stop = spans.around(spans.stop, tok.start)
    bounds = _Bounds(folded, tok, others, index, ends_before)
    metric = _resolve(tok, folded, sent, clause, seg, bounds, catalogue)
    if tok.zero and metric is None:
        return None
    unit = tok.unit if not tok.zero or metric is None else metric.units[0]
    measure = metric.label if tok.zero and metric else _other_label(tok, folded, seg, clause, bounds, catalogue)
    label = metric.label if metric else measure
    period = _period(tok, folded, masked, sent, stop, catalogue, memo)
    scope, scope_kind = _whose(tok, folded, masked, spans, sent, clause, catalogue, memo)
    kind = _kind(tok, unit, folded, clause, catalogue)
    fact_year, offset = _year(tok, folded, (max(clause[0], bounds.start), clause[1]), sent, period, kind, catalogue)
    return MetricFact(
        metric=metric.key if metric else OTHER,
        label=label,
        value=tok.value,
        unit=unit,
        period=period,
        scope=scope,
        approx=tok.approx,
        sentence=text[sent[0]:sent[1]],
        span=(tok.start, tok.end),
        sentence_span=sent,
        written=text[tok.start:tok.end],
        paragraph_span=_trim(folded, *para),
        value_max=tok.value_max,
        measure=measure,
        kind=kind,
        scope_kind=scope_kind,
        fact_year=fact_year,
        year_offset=offset,
    )


_LOOK_BACK = 24  # characters before a figure that may hold its change verb (同比增长) or year word (上年)
_YEAR_IN_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年")


def _kind(tok: _Token, unit: str | None, folded: str, clause: tuple[int, int], catalogue: Catalogue) -> str:
    """"change" for a figure that states a difference (同比增长12.6%, 下降3.5个百分点), else "level"."""
    rules = catalogue.rules.facts
    if rules is None:
        return "level"
    if unit in rules.change_units:
        return "change"
    before = folded[max(clause[0], tok.start - _LOOK_BACK):tok.start]
    return "change" if rules.change_before.search(before) else "level"


def _year(tok: _Token, folded: str, clause: tuple[int, int], sent: tuple[int, int], period: str | None, kind: str,
          catalogue: Catalogue) -> tuple[int | None, int | None]:
    """The year a figure is about: 上年/本年 before it in its own clause ("较上年的236件"), else the year its
    period names (2022年)."""
    rules = catalogue.rules.facts
    if rules is not None and kind != "change":
        found = list(rules.year_word.finditer(folded, max(clause[0], tok.start - _LOOK_BACK), tok.start))
        if found:
            return None, rules.year_words.get(found[-1].group(0))
    if period and (m := _YEAR_IN_PERIOD.match(period)):
        if kind == "change" and re.search(rf"[较比与]\s*{m.group(1)}", folded[sent[0]:tok.start]):
            return None, None  # "较2022年增加105名": the year compared with, not the year of the figure
        return int(m.group(1)), None
    return None, None


def _whose(tok: _Token, folded: str, masked: list[bool], spans: _Spans, sent: tuple[int, int],
           clause: tuple[int, int], catalogue: Catalogue, memo: Memo) -> tuple[str | None, str | None]:
    """The scope phrase and its kind: the whole region, the government itself, or a named sub-unit.

    A named sub-unit counts only as the subject of a clause (its name opens the clause, after filler such
    as 其中/全年): "城关镇受理调解案件45件" is the town's; "依托…中心" inside a clause is not a subject.
    The nearest before the figure wins, so "全县" after a town's clause takes the figure back.
    """
    rules = catalogue.rules.facts
    chosen = _scope(tok, folded, masked, sent, clause, catalogue, memo)
    if chosen is not None and rules is not None and _government_as_object(chosen, tok, folded, spans, rules,
                                                                              catalogue):
        chosen = _scope(tok, folded, masked, sent, clause, catalogue, memo, skip=chosen)
    scope = re.sub(r"\s+", "", chosen.group(0)) if chosen else None
    if scope and scope.startswith("在"):
        scope = scope[1:]
    if rules is None:
        return scope, None
    unit = _subject_unit(tok, folded, masked, spans, sent, rules, catalogue)
    if unit is not None and (chosen is None or chosen.end() <= unit[1] or chosen.start() >= tok.end):
        return unit[0], "subunit"
    if scope is None:
        return None, None
    if rules.region.search(scope):
        return scope, "region"
    if rules.government.search(scope):
        return scope, "government"
    return scope, None


def _government_as_object(chosen: re.Match[str], tok: _Token, folded: str, spans: _Spans, rules: FactRules,
                          catalogue: Catalogue) -> bool:
    """县政府 named as what others work on (审查县政府文件), not as the party the figure is about.

    The government is the party when it opens a clause of the figure's sentence (县政府主要负责人出庭应诉
    2次; 市政府严格执行…，年内作出重大行政决策4项), or a party word follows it (以县政府为被告的案件,
    县政府作为被申请人, 县政府败诉).
    """
    text = chosen.group(0)
    if not rules.government.fullmatch(text) or rules.region.search(text):
        return False
    if rules.government_party.search(folded, chosen.end(), tok.start):
        return False
    clause_start, _ = spans.around(spans.clause, chosen.start())
    head = folded[clause_start:chosen.start()]
    filler = catalogue.rules.label_trim_leading.match(head)
    return not (not head.strip() or (filler and filler.end() == len(head)) or head.endswith("以"))


def _subject_unit(tok: _Token, folded: str, masked: list[bool], spans: _Spans, sent: tuple[int, int],
                  rules: FactRules, catalogue: Catalogue) -> tuple[str, int] | None:
    """The nearest named sub-unit that opens a clause of the sentence before the figure: (name, end)."""
    i = bisect_right(spans.clause, tok.start - 1)
    starts = [sent[0]]
    while i > 0 and spans.clause[i - 1] >= sent[0] and len(starts) < 6:
        starts.append(spans.clause[i - 1] + 1)
        i -= 1
    for start in sorted(set(starts), reverse=True):
        if start >= tok.start:
            continue
        head = folded[start:tok.start]
        filler = catalogue.rules.label_trim_leading.match(head)
        pos = start + (filler.end() if filler else 0)
        m = rules.organ.match(folded, pos, tok.start) or rules.subunit.match(folded, pos, tok.start)
        if m and not masked[m.start()] and not rules.not_named.search(m.group(0)):
            return m.group(0), m.end()
    return None


def _trim(folded: str, start: int, end: int) -> tuple[int, int]:
    while start < end and folded[start].isspace():
        start += 1
    while end > start and folded[end - 1].isspace():
        end -= 1
    return start, end


def _resolve(tok: _Token, folded: str, sent: tuple[int, int], clause: tuple[int, int], seg: tuple[int, int],
             bounds: _Bounds, catalogue: Catalogue) -> MetricDef | None:
    """The catalogue metric the figure measures, or None when no cue names one beyond doubt."""
    if tok.zero:
        candidates = [m for m in catalogue.metrics.values() if m.kind == "count"]
    else:
        candidates = catalogue.for_unit(tok.unit)
    if not candidates:
        return None
    clause_text = folded[clause[0]:clause[1]]
    best: _Choice | None = None
    for metric in candidates:
        if metric.cues is None or (metric.exclude and metric.exclude.search(clause_text)):
            continue
        if tok.zero:
            cue = metric.cues.match(folded, tok.end)
            found = (0.0, float(-(cue.end() - cue.start()))) if cue else None
            level = 0
        elif metric.kind == "rate":
            found = _rate_cue(metric, tok, folded, clause, catalogue)
            level = 0
        else:
            found = _count_cue(metric, tok, folded, bounds.clip(seg))
            level = 0
            if found is None and seg != clause:
                found = _count_cue(metric, tok, folded, bounds.clip(clause))
                level = 1
        if found is None:
            continue
        topic_distance = 0.0
        if metric.topic is not None:
            topic_distance = _topic_distance(metric, tok, folded, (sent[0], max(clause[1], tok.end)))
            if topic_distance < 0:
                continue
        rank = (level, found[0], topic_distance, found[1])
        if best is None or rank < best.rank:
            best = _Choice(metric, rank)
    return best.metric if best else None


def _count_cue(metric: MetricDef, tok: _Token, folded: str, window: tuple[int, int]) -> tuple[float, float] | None:
    """Distance from the figure to the nearest cue in the window (a cue after it costs a little more)."""
    assert metric.cues is not None
    best: tuple[float, float] | None = None
    for m in metric.cues.finditer(folded, window[0], window[1]):
        if m.end() <= tok.start:
            distance = float(tok.start - m.end())
            if distance > metric.max_gap:
                continue
        elif m.start() >= tok.end:
            distance = float(m.start() - tok.end)
            if distance > _RIGHT_GAP:
                continue
            distance += _RIGHT_PENALTY
        else:
            continue
        candidate = (distance, float(-(m.end() - m.start())))
        if best is None or candidate < best:
            best = candidate
    return best


def _rate_cue(metric: MetricDef, tok: _Token, folded: str, clause: tuple[int, int],
              catalogue: Catalogue) -> tuple[float, float] | None:
    """A rate figure belongs to the rate name it directly follows ("报备率100%", "报备率、及时率均达100%")."""
    assert metric.cues is not None
    left = folded[clause[0]:tok.start]
    stripped = re.sub(rf"(?:{catalogue.rules.link_words})[ \t]*$", "", left)
    if not re.search(rf"(?:{catalogue.rules.rate_words.pattern}|度)$", stripped):
        return None
    items = stripped.split("、")
    phrase_start = len(stripped)
    for item in reversed(items):
        if not re.search(rf"(?:{catalogue.rules.rate_words.pattern}|度)$", item):
            break
        phrase_start -= len(item) + 1
    phrase_start = clause[0] + max(phrase_start, 0)
    best: tuple[float, float] | None = None
    for m in metric.cues.finditer(folded, phrase_start, clause[0] + len(stripped)):
        candidate = (float(tok.start - m.end()), float(-(m.end() - m.start())))
        if best is None or candidate < best:
            best = candidate
    return best


def _topic_distance(metric: MetricDef, tok: _Token, folded: str, sent: tuple[int, int]) -> float:
    """Distance to the nearest occurrence of the metric's topic; -1 when absent.

    The window is the sentence up to the end of the figure's own clause: a topic named only in a later
    clause ("受理仲裁案件56件,审批材料精简…") says nothing about this figure.
    """
    assert metric.topic is not None
    best = -1.0
    for m in metric.topic.finditer(folded, sent[0], sent[1]):
        if m.end() <= tok.start:
            distance = float(tok.start - m.end())
        elif m.start() >= tok.end:
            distance = float(m.start() - tok.end)
        else:
            distance = 0.0
        if best < 0 or distance < best:
            best = distance
    return best


# --- context: period, scope, label ---------------------------------------------------------------


Memo = dict[tuple[int, int, int], list[re.Match[str]]]


def _matches(patterns: tuple[re.Pattern[str], ...], folded: str, masked: list[bool],
             start: int, end: int, memo: Memo) -> list[re.Match[str]]:
    """Matches of the period or scope patterns in a sentence, found once and shared by its figures
    (a sentence listing hundreds of figures is scanned once, not once per figure)."""
    key = (id(patterns), start, end)
    if key not in memo:
        memo[key] = _find(patterns, folded, masked, start, end)
    return memo[key]


def _find(patterns: Iterable[re.Pattern[str]], folded: str, masked: list[bool],
          start: int, end: int) -> list[re.Match[str]]:
    found = []
    for pattern in patterns:
        for m in pattern.finditer(folded, start, end):
            if not any(masked[m.start():m.end()]):
                found.append(m)
    return found


def _period(tok: _Token, folded: str, masked: list[bool], sent: tuple[int, int], stop: tuple[int, int],
            catalogue: Catalogue, memo: Memo) -> str | None:
    """The nearest period before the figure in its sentence, else one stated earlier before the 。; a period that is
    a comparison's base counts only for the figures inside that comparison."""
    rules = catalogue.rules.facts
    for start in (sent[0], stop[0]):
        end = sent[1] if start == sent[0] else stop[1]
        bases = [c.span() for c in rules.compared_with.finditer(folded, start, end)] if rules is not None else []
        found = [m for m in _matches(catalogue.rules.periods, folded, masked, start, end, memo)
                 if m.end() <= tok.start and not any(a <= m.start() and m.end() <= b and not a <= tok.start < b
                                                     for a, b in bases)]
        if found:
            nearest = max(found, key=lambda m: (m.end(), m.end() - m.start()))
            return re.sub(r"\s+", "", nearest.group(0))
    return None


def _scope(tok: _Token, folded: str, masked: list[bool], sent: tuple[int, int], clause: tuple[int, int],
           catalogue: Catalogue, memo: Memo, skip: re.Match[str] | None = None) -> re.Match[str] | None:
    """Whose figure it is: the nearest scope phrase before it in the sentence, else after it in the clause."""
    found = _matches(catalogue.rules.scopes, folded, masked, sent[0], sent[1], memo)
    if skip is not None:
        found = [m for m in found if m.group(0) != skip.group(0)]
    before = [m for m in found if m.end() <= tok.start]
    after = [m for m in found if m.start() >= tok.end and m.end() <= clause[1]]
    if before:
        return max(before, key=lambda m: (m.end(), m.end() - m.start()))
    if after:
        return min(after, key=lambda m: (m.start(), -(m.end() - m.start())))
    return None


def _other_label(tok: _Token, folded: str, seg: tuple[int, int], clause: tuple[int, int], bounds: _Bounds,
                 catalogue: Catalogue) -> str:
    """The words that say what an uncatalogued figure counts: the phrase before it, plus the noun after it."""
    rules = catalogue.rules
    window = bounds.clip(seg)
    if seg != clause and len(folded[window[0]:bounds.run_start].strip()) < 3 \
            and not folded[bounds.run_end:window[1]].strip():
        window = bounds.clip(clause)  # "检查危爆重点企业、单位1608次": the list item alone says too little
    left = folded[window[0]:min(tok.start, bounds.run_start)].strip()
    if window[0] == bounds.start and bounds.start > 0 and left.endswith("的"):
        left = ""  # "27个部门单位的278项事项": the words after the figure before are that figure's noun
    left = re.sub(r"[\d.,%]+\s*$", "", left)
    left = rules.label_trim_leading.sub("", left)
    left = rules.label_trim_trailing.sub("", left).strip()
    right = folded[max(tok.end, bounds.run_end):window[1]].strip()
    right = re.sub(r"^(?:[(（][^)）]{0,8}[)）])?\s*的?", "", right)  # "300余份(件)", "20支(612人)的…"
    right = re.split(r"[,，；;。、:：(（]", right)[0].removesuffix("的")
    if left:
        right = re.split(r"[和及与并]", right)[0]  # "施工许可50个工作日和工程建设项目审批…": stop at the next item
    left = re.sub(r"^[\d.]*年(?:度)?|^\d+", "", left[-_LABEL_CHARS:]) if len(left) > _LABEL_CHARS else left
    right = right[:_LABEL_CHARS]
    label = (left + right).strip()
    return label or folded[window[0]:window[1]].strip()[:_LABEL_CHARS]


# --- derivation ----------------------------------------------------------------------------------


def _same_passage(a: MetricFact, b: MetricFact) -> bool:
    return a.paragraph_span is not None and a.paragraph_span == b.paragraph_span


def _comparable(a: MetricFact, b: MetricFact) -> bool:
    """Two counts that may make a rate or a sum: same passage, unit, kind, scope, period and year.

    A town's closed cases over the county's received ones, or this year's over last year's column, is
    no rate of anything.
    """
    return (_same_passage(a, b) and a.unit == b.unit and a.kind == b.kind == "level"
            and a.scope_kind == b.scope_kind and (a.scope_kind != "subunit" or a.scope == b.scope)
            and (a.period is None or b.period is None or a.period == b.period)
            and a.fact_year == b.fact_year and a.year_offset == b.year_offset
            and _column(a) == _column(b))


def _column(fact: MetricFact) -> object:
    return (fact.table_cell or {}).get("column")


def _by_passage(facts: Iterable[MetricFact]) -> dict[tuple[int, int] | None, list[MetricFact]]:
    groups: dict[tuple[int, int] | None, list[MetricFact]] = {}
    for f in facts:
        groups.setdefault(f.paragraph_span, []).append(f)
    return groups


def _derived(metric: MetricDef, value: float, unit: str | None, parts: list[MetricFact], formula: str) -> MetricFact:
    first = min(parts, key=lambda f: f.span[0])
    last = max(parts, key=lambda f: f.span[1])
    same_sentence = all(f.sentence_span == first.sentence_span for f in parts)
    sentence = first.sentence if same_sentence else "……".join(dict.fromkeys(f.sentence for f in parts))
    return MetricFact(
        metric=metric.key, label=metric.label, value=value, unit=unit,
        period=next((f.period for f in parts if f.period), None),
        scope=next((f.scope for f in parts if f.scope), None),
        approx="约" if any(f.approx for f in parts) else None,
        sentence=sentence, span=(first.span[0], last.span[1]),
        sentence_span=(first.sentence_span[0], last.sentence_span[1]),
        derived=True, formula=formula, paragraph_span=first.paragraph_span,
        measure=metric.label, kind="level", scope_kind=first.scope_kind, fact_year=first.fact_year,
        year_offset=first.year_offset, source=first.source,
        table_cell=({"table": first.table_cell.get("table"), "column": first.table_cell.get("column")}
                    if first.table_cell else None),
    )


def _display(value: float) -> str:
    return f"{value:g}"


def _derive_ratio(metric: MetricDef, numerator: str, denominator: str, facts: list[MetricFact]) -> list[MetricFact]:
    """numerator/denominator × 100 for each numerator paired with the nearest comparable denominator before it."""
    out = []
    nums = [f for f in facts if f.metric == numerator and not f.derived]
    dens = _by_passage(f for f in facts if f.metric == denominator and not f.derived)
    for num in nums:
        pool = [d for d in dens.get(num.paragraph_span, []) if d.value > 0 and num.value <= d.value
                and _comparable(d, num)]
        if not pool:
            continue
        den = min(pool, key=lambda d: (d.span[0] > num.span[0], abs(num.span[0] - d.span[0])))
        value = round(num.value / den.value * 100, 2)
        out.append(_derived(metric, value, "%", [den, num], f"{_display(num.value)}/{_display(den.value)}"))
    return out


def _derive_sum(metric: MetricDef, keys: list[str], facts: list[MetricFact]) -> list[MetricFact]:
    """A total from its parts when every part is stated once in one paragraph."""
    out = []
    firsts = [f for f in facts if f.metric == keys[0] and not f.derived]
    groups = _by_passage(f for f in facts if f.metric in keys[1:] and not f.derived)
    for first in firsts:
        parts = [first]
        for key in keys[1:]:
            match = [f for f in groups.get(first.paragraph_span, []) if f.metric == key and _comparable(f, first)]
            if len(match) != 1:
                break
            parts.append(match[0])
        else:
            total = sum(p.value for p in parts)
            formula = "+".join(_display(p.value) for p in parts)
            out.append(_derived(metric, round(total, 6), first.unit, parts, formula))
    return out
