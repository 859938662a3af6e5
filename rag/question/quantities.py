"""Asked quantities: a question turned into one ask per figure it wants.

"受理了多少件？办结多少件？纠错率是多少？" is three asks sharing region and year; each ask carries its
measure words, units, operation and any condition ("超过200件"), so it can be answered (or refused)
on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from rag.domain.catalogue import load_catalogue
from rag.domain.intents import load_intents
from rag.domain.ranks import asks_place
from rag.question.understanding import Question, region_aliases

_PUNCT = re.compile(r"[\s?？。!！,，;；:：、“”\"'（）()《》]+")
_PERIOD = re.compile(r"\d{1,2}\s*[-—–~～至]\s*\d{1,2}\s*月份?|上半年|下半年|前三季度|第[一二三四]季度|全年")
_ALL_OF = re.compile(r"(?:全[市县区]?|各|所有)(?:乡镇|镇|乡|街道|[县区市]?级?部门|单位)")
_YEAR_WORDS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:\s*年度?|(?!\d))")


@dataclass
class Asked:
    """One quantity a question asks for."""

    text: str  # the part of the question that asks it
    measure: str  # the measure words: the part without region, year, period and question words
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    wants_rate: bool = False
    operation: str = "value"  # value | compare | rank | change | list | count | sum
    order: str | None = None  # max | min for rank and compare
    condition: tuple[str, float, str | None] | None = None  # (operator, value, unit)
    metrics: list[str] = field(default_factory=list)  # catalogue keys the measure matches
    period: str | None = None
    subunit: str | None = None  # a town, bureau or centre the ask is about
    context: str = ""  # the measure of the part before, for a part that names little ("多少人？")
    focus: str = ""  # the measure words of the ask's last clause ("…时，决定废止了几件" → 决定废止)
    alternatives: list[str] = field(default_factory=list)  # the measure in the other wording it offers
    said: str = ""  # the measure in the user's own words (English as asked), for answers and refusals
    stage: str | None = None  # the stage of a case an English ask names (filed, concluded)
    per_head: tuple[str, ...] = ()  # an English ask per head of population: the report words that say so
    phrase: str = ""  # an English question as the user wrote it, without region and year: answers quote it
    asked_as: str = ""  # an English part exactly as typed (a follow-up's too), for a refusal to quote
    terms: tuple[str, ...] = ()  # the glossary's Chinese terms an English ask names its measure with
    # An English ask's other words, one slot each: the dictionary's Chinese candidates the store knows.
    slots: tuple[tuple[str, ...], ...] = ()
    share: ShareSides | None = None  # the part and the whole a share question names


@dataclass(frozen=True)
class Side:
    """One side of a share (its part or its whole) as the question names it."""

    measure: str  # its measure words (an English side: the glossary's Chinese terms, if any)
    said: str = ""  # an English side as the user wrote it
    slots: tuple[tuple[str, ...], ...] = ()  # an English side's words: the dictionary's candidates
    stems: tuple[str, ...] = ()  # report words that say the part, from a rate's word (办结率 → 办结, 办理完成)


@dataclass(frozen=True)
class ShareSides:
    part: Side
    whole: Side | None  # None: the question names no whole (the total near the part is meant)


def asked_quantities(q: Question) -> list[Asked]:
    """One ask per part of the question; parts inherit the question's regions and years."""
    intents = load_intents()
    parts = [p.strip() for p in intents.part_break.split(q.text) if p and p.strip()]
    if (q.english and q.own_text and len(parts) > 1 and parts[-1] not in q.own_text
            and intents.ask_word.search(parts[-1])):
        # The dictionary's candidates follow the question's "?": words of its measure, not a part of their own
        # ("…improve?" brings 效率 and 提高, which would read as a second ask of a rate).
        parts[-2:] = [f"{parts[-2]} {parts[-1]}"]
    asks = [p for p in parts if intents.ask_word.search(p)]
    if len(asks) <= 1:
        asks = [q.text]
    # An English question of several parts: each part in the user's words, for its own measure, unit,
    # stage and terms ("How many X were filed, and how many were concluded?").
    english = english_parts(q.original) if q.english and len(asks) > 1 else []
    if len(english) != len(asks):
        english = []
    out: list[Asked] = []
    for n, part in enumerate(asks):
        items = distributed(part, q)
        # "…评了多少卷？优秀和不合格的各有多少？": the parts after the first may lean on its measure.
        before = out[-1].measure if out else ""
        for text, item in items:
            ask = _asked(text, q, whole=len(asks) == 1 and len(items) == 1)
            if item:  # the listed item is what tells this part from its siblings: it weighs double
                ask.focus = measure_words(item, q)
                ask.context = before
            elif out:
                ask.context = out[-1].measure
            if english and len(items) == 1:
                _in_english(ask, q, english[n], out[-1] if out else None)
            out.append(ask)
    return out


def english_parts(text: str) -> list[str]:
    """An English question cut into the parts that each ask a figure (rag/data/english.yaml `part_break`)."""
    return [p.strip(" ,;") for p in english_asks().part_break.split(text) if p and p.strip(" ,;?")]


def _in_english(ask: Asked, q: Question, part: str, before: Asked | None) -> None:
    """One part of an English question read in its own words: the phrase an answer quotes, the unit its
    noun counts in and the stage it names."""
    # The part's measure stays the bridged words (matched as a Chinese part is, with the part before as
    # context): on the English items that finds more parts than the meaning of a few English words.
    ask.phrase = said_phrase(q, part)
    ask.asked_as = _typed(part)
    ask.units = ask.units or ([] if ask.wants_rate else english_units(part))
    if not ask.units and not ask.wants_rate and before is not None and re.match(r"(?:and\s+)?how many\b", part, re.I):
        ask.units = list(before.units)  # "…, and how many were resolved": counted as the part before
    ask.stage = english_stage(part)


def distributed(part: str, q: Question) -> list[tuple[str, str]]:
    """One part per listed measure when an ask is distributed over a list: "收到、受理、审结的行政复议
    案件分别是多少" → "收到的行政复议案件是多少", "受理…", "审结…"; "直接纠错率和综合纠错率各是多少" →
    two parts. The first item is taken as long as the second (the words before it are shared), the last
    ends at 的 when one follows (the words after it are shared). Regions listed are not measures."""
    intents = load_intents()
    dist = intents.distribute.search(part)
    if dist is None:
        return [(part, "")]
    head = _measure_core(part[:dist.start()], q)
    tail_ask = part[dist.end():]
    pieces = intents.list_sep.split(head)
    if len(pieces) < 2 or any(not p.strip() for p in pieces):
        return [(part, "")]
    last = pieces[-1].strip()
    de = last.find("的")
    last_item, shared_tail = (last[:de], last[de:]) if de > 0 else (last, "")
    middle = [p.strip() for p in pieces[1:-1]]
    width = len(middle[0]) if middle else len(last_item)
    first = pieces[0].rstrip()
    if not last_item:
        return [(part, "")]
    # "优秀和不合格的各有多少": a first item shorter than the next shares no words before it.
    cut = max(0, len(first) - width)
    prefix, first_item = first[:cut], first[cut:]
    items = [first_item, *middle, last_item]
    if any(len(i) > 12 for i in items):  # not a list of measures: a sentence that happens to hold 和
        return [(part, "")]
    return [(f"{prefix}{item}{shared_tail}{tail_ask}", item) for item in items]


def _asked(part: str, q: Question, whole: bool) -> Asked:
    intents = load_intents()
    units = intents.asked_unit.findall(part) or (q.units if whole else [])
    wants_rate = bool(intents.rate.search(_measure_core(part, q)))
    if q.english and not wants_rate:  # "P as a share of W": a share asked without a rate word
        wants_rate = bool(share_words().en_asks_share.search(q.original))
    if q.english and whole and not wants_rate:  # the noun counted, before a dictionary word (人次 of "visit")
        units = units or english_units(q.original)
    units = units or [u for word, u in intents.measure_units.items() if word in part][:1]
    operation, order = _operation(part if not whole else q.text, q)
    period = m.group(0) if (m := _PERIOD.search(part)) else None
    measure = measure_words(part, q)
    alternatives = [w for v in worded_otherwise(part) if (w := measure_words(v, q)) and w != measure]
    clauses = [c for c in re.split(rf"[,，;；:：]|{intents.subset_of.pattern}", part) if c.strip()]
    focus = measure_words(clauses[-1], q) if len(clauses) > 1 else ""
    if not focus and alternatives:  # the words offered as alternatives are what the ask turns on
        focus = " ".join(m.group(1) + " " + part[max(0, m.start() - len(m.group(1))):m.start()]
                         for m in _ALTERNATE.finditer(part))
    catalogue = load_catalogue()
    # "…文件中非规范性文件有多少": the subset after 其中/中 is the measure, not the whole it is part of.
    subset = [m for m in intents.subset_of.finditer(part)]
    named = part[subset[-1].end():] if subset else part
    metrics = [m.key for m, score in catalogue.match_phrase(named) if score >= 0.6][:3]
    metrics = metrics or (q.metrics if whole and not subset else [])
    if units and not wants_rate:
        # "调解成功了多少件" asks a count: 调解成功率 (a rate) is not what is asked, however close the words.
        metrics = [k for k in metrics if k not in catalogue.metrics or catalogue.metrics[k].kind != "rate"]
    sub = intents_subunit(part, q)
    if sub and sub in part:
        # The town or bureau is the scope (checked on each fact's scope), not words of the measure: a
        # table row "调解成功（件）" under the column 紫阳镇 never repeats the town's name.
        measure = measure_words(part.replace(sub, " "), q) or measure
    condition = condition_of(part)
    if operation in {"count", "list", "rank"}:
        # 有几个/多少个 counts regions, not the measure: the measure's unit is the condition's, if any.
        units = [condition[2]] if condition and condition[2] else []
        wants_rate = wants_rate or bool(condition and condition[2] in {"%", "‰"})
    said = said_measure(q) if whole else ""
    stage, per_head = None, ()
    if q.english:
        sub = sub or english_subunit(q.original)
    if q.english and whole:  # the question's own words speak for its one ask, not for each of several
        # An ask that also wants a rate ("how many…, and with what success rate") keeps no count unit.
        units = units or ([] if wants_rate else english_units(q.original))
        stage = english_stage(said)
        per_head = english_asks().per_head[1] if english_asks().per_head[0].search(q.original) else ()
    return Asked(text=part, measure=measure, regions=list(q.regions), years=list(q.years), units=list(units),
                 wants_rate=wants_rate, operation=operation, order=order, condition=condition,
                 metrics=metrics, period=period, subunit=sub, focus=focus, alternatives=alternatives,
                 said=said or measure, stage=stage, per_head=per_head,
                 phrase=said_phrase(q) if q.english and whole else "",
                 asked_as=_typed(q.original) if q.english and whole else "",
                 terms=tuple(q.terms) if q.english and whole else (),
                 slots=_slots(said, q) if q.english and whole and said else (),
                 share=share_sides(said_phrase(q) if q.english and whole else part, q) if wants_rate else None)


def _slots(said: str, q: Question) -> tuple[tuple[str, ...], ...]:
    """The dictionary's candidates of each English word of the measure the glossary does not name, kept
    as the question's search text kept them (the store knows them)."""
    from rag.domain.english import slots
    from rag.question.understanding import glossary_terms

    said = english_asks().subunit.sub(" ", said)  # "Si'an town": the scope, checked on each figure's scope
    return tuple(slots(glossary_terms(said)[0], lambda c: c in q.text))


@dataclass(frozen=True)
class ShareWords:
    """How questions name the part and the whole of a share (rag/data/shares.yaml)."""

    zh_whole_then_part: re.Pattern[str]
    zh_part_of_whole: re.Pattern[str]
    zh_part_alone: re.Pattern[str]
    zh_rate: re.Pattern[str]
    zh_trim: re.Pattern[str]
    stems: dict[str, tuple[str, ...]]  # a rate's stem → the report words that say its part
    en_shapes: tuple[re.Pattern[str], ...]  # "share of W were P", "P as a share of W"
    en_trim: re.Pattern[str]
    en_asks_share: re.Pattern[str]
    en_part_words: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]  # English words → report words
    total_before: re.Pattern[str]
    zh_whole_share_part: re.Pattern[str] = re.compile(r"(?!)")  # "W里有多少比例是P"
    zh_part_lead: re.Pattern[str] = re.compile(r"(?!)")  # light verbs a colloquial part leads with
    list_lead: re.Pattern[str] = re.compile(r"(?!)")  # words that open a breakdown (其中, 包括, 分别为)
    en_side_filler: frozenset[str] = frozenset()  # words of an English side that name nothing counted
    en_side_words: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = ()  # English words → report words


@lru_cache(maxsize=1)
def share_words() -> ShareWords:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "shares.yaml").read_text(encoding="utf-8"))

    def rx(key: str) -> re.Pattern[str]:
        return re.compile(data[key], re.I)

    return ShareWords(rx("zh_whole_then_part"), rx("zh_part_of_whole"), rx("zh_part_alone"), rx("zh_rate"),
                      rx("zh_trim"), {k: tuple(v) for k, v in data["stems"].items()},
                      (rx("en_of"), rx("en_as_share")), rx("en_trim"), rx("en_asks_share"),
                      tuple((re.compile(e["en"], re.I), tuple(e["zh"])) for e in data["en_part_words"]),
                      rx("total_before"), rx("zh_whole_share_part"), rx("zh_part_lead"), rx("list_lead"),
                      frozenset(data.get("en_side_filler", ())),
                      tuple((re.compile(e["en"], re.I), tuple(e["zh"])) for e in data.get("en_side_words", ())))


def _english_stems(part: str) -> tuple[str, ...]:
    """The report words an English part says itself in: "granted" → 予以公开, a stage ("closed") → 办结…"""
    words = share_words()
    out: list[str] = []
    for en, zh in words.en_part_words:
        if en.search(part):
            out.extend(zh)
    if out:  # "filed online": the channel tells the part; every request was filed
        return tuple(dict.fromkeys(out))
    for en, zh in english_asks().stages.values():
        if en.search(part):
            out.extend(w for z in zh for w in (z, *words.stems.get(z, ())))
    return tuple(dict.fromkeys(out))


def share_sides(text: str, q: Question) -> ShareSides | None:
    """The part and the whole a share question names: "P占W的百分之几", "W中P占多少", "W的办结率" (the stem
    says the part), "what share of W were P", "P as a share of W"; None when it names no part."""
    words = share_words()
    if q.english:
        said = re.sub(r"\b(?:19|20)\d{2}\b", " ", text)
        for region in q.regions:  # "the requests Deqing received": the region is the scope, not a side's words
            for alias in region_aliases(region):
                said = re.sub(rf"\b{re.escape(alias)}\b(?:['’]s)?", " ", said, flags=re.I)
        said = re.sub(r"\s+", " ", said).strip(" ?.")
        for shape in words.en_shapes:
            if m := shape.search(said):
                part = words.en_trim.sub("", m.group("part")).strip()
                whole = re.sub(r"(?:\s+(?:in|for|during|of|at|by))+$", "", m.group("whole").strip(), flags=re.I)
                if part and whole:
                    return ShareSides(_english_side(part, q), _english_side(whole, q))
        return None
    core = re.sub(r"\s+", "", _YEAR_WORDS.sub(" ", _measure_core(text, q)))
    if (m := words.zh_rate.search(core)) and m.group("stem") in words.stems:
        whole = _side_words(m.group("whole"))
        part = Side(measure=m.group("stem"), stems=words.stems[m.group("stem")])
        return ShareSides(part, Side(whole) if whole else None)
    for shape in (words.zh_whole_share_part, words.zh_part_of_whole, words.zh_whole_then_part):
        if (m := shape.search(core)) and (part := _side_words(m.group("part"))):
            whole = _side_words(m.group("whole"))
            return ShareSides(Side(part), Side(whole) if whole else None)
    if (m := words.zh_part_alone.search(core)) and (part := _side_words(m.group("part"))):
        return ShareSides(Side(part), None)
    return None


def _side_words(text: str) -> str:
    """A Chinese side's words without the ones that say nothing of what it counts (的, 总数, 信息)."""
    trim = share_words().zh_trim
    out = share_words().zh_part_lead.sub("", trim.sub("", re.sub(r"[\s？?。，,]+", "", text)))
    return trim.sub("", out) if len(out) >= 2 else ""


def _english_side(text: str, q: Question) -> Side:
    from rag.question.understanding import glossary_terms

    _, terms = glossary_terms(text)
    return Side(measure=" ".join(terms), said=text, slots=_slots(text, q), stems=_english_stems(text))


@dataclass(frozen=True)
class EnglishAsks:
    """What an English question's own words say about the figure (rag/data/english.yaml, `questions`)."""

    counted: re.Pattern[str]  # "how many <noun>"
    units: dict[str, str]  # noun → unit
    money: re.Pattern[str]
    subunit: re.Pattern[str]
    stages: dict[str, tuple[re.Pattern[str], tuple[str, ...]]]  # stage → (English words, report words)
    per_head: tuple[re.Pattern[str], tuple[str, ...]]  # (English words, report words)
    not_measure_terms: frozenset[str] = frozenset()  # glossary terms that do not name a measure
    part_break: re.Pattern[str] = re.compile(r"(?!)")  # where an English question's next part begins
    worded_stages: frozenset[str] = frozenset()  # stages a figure answers only when its words say so
    stage_nouns: re.Pattern[str] = re.compile(r"(?!)")  # a question about cases, where stages are read
    case_kinds: tuple[tuple[str, ...], ...] = ()  # kinds of case never each other's figure (their words)


@lru_cache(maxsize=1)
def english_asks() -> EnglishAsks:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "english.yaml").read_text(encoding="utf-8"))
    words = data["questions"]
    units = {noun: unit for unit, nouns in words["counted"].items() for noun in nouns}
    nouns = "|".join(sorted(map(re.escape, units), key=len, reverse=True))
    counted = re.compile(rf"\bhow many\s+(?:[A-Za-z'’-]+\s+){{0,3}}?({nouns})\b", re.I)
    stages = {name: (re.compile(r"\b(?:" + "|".join(map(re.escape, s["en"])) + r")\b", re.I), tuple(s["zh"]))
              for name, s in words["stages"].items()}
    per_head = (re.compile(words["per_head"]["en"], re.I), tuple(words["per_head"]["zh"]))
    return EnglishAsks(counted, units, re.compile(words["money"], re.I), re.compile(words["subunit"]), stages,
                       per_head, frozenset(words["not_measure_terms"]), re.compile(words["part_break"], re.I),
                       frozenset(n for n, st in words["stages"].items() if st.get("worded")),
                       re.compile(words["stage_nouns"], re.I),
                       tuple(tuple(ws) for ws in words.get("case_kinds", {}).values()))


def english_units(text: str) -> list[str]:
    """The unit an English question counts in: "how many officers" → 人, "how much money" → 元."""
    words = english_asks()
    if m := words.counted.search(text):
        return [words.units[m.group(1).lower()]]
    return ["元"] if words.money.search(text) else []


def english_subunit(text: str) -> str | None:
    """The town or subdistrict an English question names, as written ("Si'an" of "Si'an town")."""
    m = english_asks().subunit.search(text)
    return m.group(1) if m else None


def english_stage(text: str) -> str | None:
    """The one stage of a case an English ask names (lawsuits filed, cases concluded), if any."""
    if not english_asks().stage_nouns.search(text):
        return None
    named = [name for name, (en, _) in english_asks().stages.items() if en.search(text)]
    return named[0] if len(named) == 1 else None


def said_measure(q: Question, part: str | None = None) -> str:
    """The measure as the user asked it in English (without question words, region and year), of the
    whole question or of one `part` of it; a Chinese question's measure words serve as they are ("" here)."""
    intents = load_intents()
    if not q.english:
        return ""
    if q.said and part is None:  # a follow-up that asks the last answer's measure again ("Which one comes second?")
        return q.said
    out = re.sub(r"[?？.!]+\s*$", "", (part or q.original).strip())
    out = intents.english_pointing.sub(" ", out)
    out = intents.body_english.sub(" ", out)  # "the X health commission": whose report, not the measure
    for region in q.regions:
        for alias in region_aliases(region):
            out = re.sub(rf"\b{re.escape(alias)}\b(?:\s+(?:{intents.english_admin.pattern}))?", " ", out, flags=re.I)
    out = re.sub(r"\b(?:in|for|during)?\s*(?:19|20)\d{2}\b", " ", out, flags=re.I)
    out = re.sub(r"(?<![A-Za-z])['’]s\b", " ", out)  # "Deqing's rate" once the region is gone
    out = intents.english_question_lead.sub(" ", out.strip())
    out = intents.english_stop.sub(" ", out)
    out = re.sub(r"[^\w%'\- ]+", " ", out)
    return intents.english_dangling.sub("", re.sub(r"\s+", " ", out).strip())


def _typed(text: str) -> str:
    """An English question or part as typed, without its joining word and end mark ("And how much…?")."""
    return re.sub(r"^(?:and|also|then|so)\s+", "", re.sub(r"[?？.!\s]+$", "", text.strip()), flags=re.I)


def said_phrase(q: Question, part: str | None = None) -> str:
    """An English question in the user's own words, for an answer to quote, with its grammar kept ("how many
    mediators does Pidu have"); the year and a region's possessive go, since the answer names its report. A
    follow-up quotes nothing (its pointing words are not the measure; the answer says the measure)."""
    intents = load_intents()
    if part is None and (q.said or (q.carried and intents.english_pointing.search(q.original))):
        return ""  # "that district", "it": the words the follow-up was resolved from say nothing quoted
    out = re.sub(r"[?？.!]+\s*$", "", (part or q.original).strip())
    for region in q.regions:  # "Mile's executive meeting": the answer names the report, so "the"
        for alias in region_aliases(region):
            out = re.sub(rf"\b(?:the\s+)?{re.escape(alias)}(?:\s+(?:{intents.english_admin.pattern}))?['’]s\b", "the",
                         out, flags=re.I)
    out = re.sub(r"[,\s]*\b(?:in|for|during)\s+(?:the\s+year\s+)?(?:19|20)\d{2}\b", "", out, flags=re.I)
    out = re.sub(r"\s+", " ", out).strip(" ,;:")
    if part is not None:  # "…, and how many were lost": the part's joining word is not what was asked
        out = re.sub(r"^(?:and|also|then)\s+", "", out, flags=re.I)
    return out[:1].lower() + out[1:] if out[1:2].islower() else out


_ALTERNATE = re.compile(r"[（(]([\u4e00-\u9fff]{1,6})[）)]")


def worded_otherwise(text: str) -> list[str]:
    """A word in brackets offers another wording of the word before it: "新收（收到）的案件" is also
    "收到的案件" and "新收的案件"."""
    out = []
    for m in _ALTERNATE.finditer(text):
        word = m.group(1)
        before = text[:m.start()]
        if len(before) < len(word):
            continue
        out.append(before + text[m.end():])
        out.append(before[:len(before) - len(word)] + word + text[m.end():])
    return out


def _operation(text: str, q: Question) -> tuple[str, str | None]:
    intents = load_intents()
    found = {name for name, pattern in intents.operations if pattern.search(text)}
    if len(q.regions) <= 1 and (asks_place(q.original) or asks_place(text)):
        found.discard("rank")  # "where did X rank": the place X took, not a ranking of regions
    if len(q.regions) == 1 and q.route != "aggregate" and not intents.ranks_regions.search(text):
        found.discard("count")  # "X县网络申请的有几个": a figure of the one report, not a count of regions
    order = "max" if "max" in found else "min" if "min" in found else None
    if "change" in found or intents.change_before.search(_measure_core(text, q)):
        return "change", order
    if len(q.regions) >= 2:
        return "compare", order or "max"
    if q.route == "aggregate" or found & {"rank", "list", "count"}:
        if "count" in found:
            return "count", order
        if "list" in found and not order:
            return "list", None
        return "rank", order or "max"
    if "sum" in found:
        return "sum", None
    return "value", None


def condition_of(text: str) -> tuple[str, float, str | None] | None:
    """A threshold the question states: 达到100% → (>=, 100, %), 超过200件 → (>, 200, 件)."""
    intents = load_intents()
    units = "|".join(re.escape(u) for u in intents.units)
    for op, words in intents.conditions:
        if op == "==":
            continue
        for m in words.finditer(text):
            tail = text[m.end(): m.end() + 12]
            head = text[max(0, m.start() - 12): m.start()]
            after = re.match(rf"\s*(\d+(?:\.\d+)?)\s*({units})?", tail)
            before = re.search(rf"(\d+(?:\.\d+)?)\s*({units})?\s*$", head)
            if after:
                return op, float(after.group(1)), after.group(2)
            if before and op in {">=", "<="}:  # 100%及以上, 10件以下
                return op, float(before.group(1)), before.group(2)
    return None


def intents_subunit(text: str, q: Question) -> str | None:
    """A town, bureau or centre named in the question that is not one of the store's regions."""
    intents = load_intents()
    for m in intents.subunit.finditer(text):
        name = intents.subunit_lead.sub("", m.group(0))
        if _ALL_OF.search(name):  # 全市镇（街道）, 各乡镇: all the parts together, not one of them
            continue
        if any(name in alias or alias in name for r in q.regions for alias in region_aliases(r)):
            # "泗阳县司法局" names the county's bureau: keep only the part after the region.
            rest = name
            for r in q.regions:
                for alias in region_aliases(r):
                    rest = rest.replace(alias, "")
            if len(rest) >= 3:
                return rest
            town = name
            for r in q.regions:
                town = town.replace(r, "")  # "兰考县兰考镇" → 兰考镇
            if intents.subunit_town.search(town) and not any(town in alias for r in q.regions
                                                              for alias in region_aliases(r)):
                return town  # 正定镇 in 正定县: a town that shares the county's name is a sub-unit
            continue
        return name
    if q.english:  # its body as it said it ("the X police"); the dictionary's 公安 for "public" names none
        # Read as the reports write it (公安), so a figure of that body in the government's report is still its own.
        return load_intents().body_names[q.body.lower()][0] if q.body else None
    return body_named(_measure_core(text, q))


def _measure_core(text: str, q: Question) -> str:
    out = text
    for region in q.regions:
        for alias in sorted(region_aliases(region), key=len, reverse=True):
            out = out.replace(alias, " ")
    out = _YEAR_WORDS.sub(" ", out)
    return out


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of the text's words (jieba with the domain dictionary); a word led by a question word (几件,
    几月份) is two."""
    from rag.retrieval.tokenizer import default_tokenizer

    head = load_intents().word_head
    spans, at = [], 0
    for word in default_tokenizer().words(text):
        if (m := head.match(word)) is not None:
            spans.append((at, at + m.end()))
            spans.append((at + m.end(), at + len(word)))
        else:
            spans.append((at, at + len(word)))
        at += len(word)
    return tuple(spans)


def strip_words(pattern: re.Pattern[str], text: str, trusted: int = 2) -> str:
    """The pattern's matches taken out, except where they are characters of a longer word whose other
    characters stay: the 开 of 公开了多少, the 中 of 中期 and the 比 of 比例 stay. A match of `trusted` characters
    or more (without a closing 了) is a word itself, whatever the segmenter says (一共 of 一共出动 is cut 一/共出动)."""
    gone = [False] * len(text)
    loose = [False] * len(text)  # removed by a match the words may overrule
    for m in pattern.finditer(text):
        span = range(m.start(), m.end())
        for k in span:
            gone[k] = True
            loose[k] = loose[k] or len(m.group(0).rstrip("了")) < trusted
    if not any(gone):
        return text
    for start, end in _words(text):
        if end - start > 1 and any(gone[start:end]) and not all(gone[start:end]):
            for k in range(start, end):
                gone[k] = gone[k] and not loose[k]
    return "".join(" " if g else ch for ch, g in zip(text, gone, strict=True))


def body_named(text: str) -> str | None:
    """The body a Chinese question names to say whose report (卫健委, 公安局, 街道办事处), as said, if any."""
    words = _words(text)
    return next((m.group(0) for m in load_intents().body_words.finditer(text)
                 if not any(s < m.start() < e or s < m.end() < e for s, e in words)), None)


def measure_words(text: str, q: Question) -> str:
    """The measure an ask names: its words without region, year, period, body, question words and units."""
    intents = load_intents()
    out = _measure_core(text, q)
    out = _PERIOD.sub(" ", out)
    # An English question's Chinese words are the glossary's terms and the dictionary's candidates, one word
    # each, not a sentence to segment: its question words go as they always went, and its body was taken out
    # in its own words (understand: Question.body), so a candidate such as 公安 for "public" stays.
    if not q.english:
        out = strip_words(intents.body_words, out, trusted=99)  # whose report it is (not the 公安 of 公安机关)
    strip = strip_words if not q.english else (lambda pattern, text: pattern.sub(" ", text))
    out = strip(intents.asked_when, out)  # 几月份, 几号: a date asked, before 几月 reads as a unit
    out = strip(intents.fillers, out)
    out = strip(intents.ask_lead, out)
    out = strip(intents.asked_unit, out)
    for _, words in intents.conditions:  # 超过200件, 达到100%: the condition, not the measure
        out = re.sub(rf"(?:{words.pattern})\s*\d+(?:\.\d+)?\s*(?:%|‰|[^\s\d]?(?=的|$))?", " ", out)
    out = re.sub(r"\d+(?:\.\d+)?\s*[%‰]?\s*(?:及以上|以上|以下)?", " ", out)
    out = strip(intents.question_words, out)
    out = _PUNCT.sub(" ", out)
    out = intents.joiners.sub(" ", out)
    if q.english:  # English words the glossary and dictionary did not turn into Chinese match nothing
        out = re.sub(r"[A-Za-z][A-Za-z'\-]*", " ", out)
    return re.sub(r"\s+", " ", out).strip()
