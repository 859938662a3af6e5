"""Question understanding: normalise, then find regions, years, metric, operation and route.

Everything here is generic: regions come from the documents in the store and the gazetteer, metrics
from the catalogue, English terms from the glossary. No region or metric is named in code.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

import yaml

from rag.domain.catalogue import load_catalogue
from rag.domain.gazetteer import load_gazetteer
from rag.domain.intents import FollowUpGroup, load_intents
from rag.domain.ranks import asks_place, rank_unit
from rag.question.english_places import unknown_english_places
from rag.question.places import Place, below_county_named, counties_named, english_below, places_named, said_places
from rag.schema import Document, Route
from rag.store.snapshot import known_regions
from rag.text.characters import drop_format_characters, to_simplified


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
    said: str = ""  # the measure as the conversation named it, when a follow-up asks it again
    terms: list[str] = field(default_factory=list)  # an English question's glossary terms of the measure
    # (a term of several words, "市场主体 企业", is said by any of them)
    # A place in the last answer's list a follow-up counted to ("倒数第二"): its words, the region found.
    position: tuple[str, str] | None = None
    places: list[Place] = field(default_factory=list)  # issuing places below county named (rag/question/places.py)
    # An English question's text before the dictionary's candidates were added: "issue" brings in 出具 and
    # 发文, which would make "how many notices did the bureau issue" a question about the report's issuer.
    own_text: str = ""
    # A question asking when an event in a report's text happened ("工作会是几号开的"), not the report's own date:
    # answered from the sentence that dates it (rag/answering/extractive.py).
    asks_date: bool = False
    # The body an English question names to say whose report ("the X health commission"), as written: scope,
    # kept out of the words the glossary and dictionary read (a Chinese question's is read from its text).
    body: str | None = None


@dataclass
class Context:
    """What a conversation has established so far, for resolving follow-ups."""

    question: str | None = None
    original: str | None = None  # the last question as asked that was not itself resolved from the conversation
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    # What the last answer named, for "它" / "倒数第二" / "of the three": its regions in the order it gave
    # them (a ranking's order, the compared regions, a lookup's region), and the measure it was about.
    entities: list[str] = field(default_factory=list)
    ranked: int = 0  # how many of `entities` come from a ranking, in its order (the rest gave no figure)
    places: list[str] = field(default_factory=list)  # the 街道 or 乡镇 the conversation is about (宁海路街道)
    measure: str | None = None
    order: str | None = None  # the last ranking's direction ("min": lowest first, "max"), as it was shown
    # Whose report the last answer read, when not the region's own: the body the question named (自然资源局,
    # "natural resources bureau"), and the places its report was found by in the reports' text (no report filed
    # under them). A follow-up naming no place of its own asks the same report.
    body: str | None = None
    unplaced: list[str] = field(default_factory=list)
    whole: str | None = None  # the total the last figure was listed under (全年主动公开政府信息, before 其中…)


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
    """Invisible format characters dropped, NFKC (full-width → half-width), traditional → simplified,
    colloquial → report wording."""
    return apply_synonyms(plain(text))


def plain(text: str) -> str:
    """Invisible format characters dropped, NFKC, traditional → simplified, a year said short ("22年") written
    in full; no synonyms."""
    text = to_simplified(unicodedata.normalize("NFKC", drop_format_characters(text))).strip()
    return load_intents().short_year.sub(lambda m: f"20{m.group(1)}", text)


def apply_synonyms(text: str) -> str:
    """Replace colloquial phrases by the reports' terms, longest first, each span replaced once."""
    out, i = [], 0
    table = _synonyms()
    while i < len(text):
        for phrase, term in table:
            # 负责人出庭应诉 and 侦破了多少 stay as they are: the phrase is already inside its term there.
            if text.startswith(phrase, i) and not _inside_term(text, i, phrase, term):
                out.append(term)
                i += len(phrase)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _inside_term(text: str, i: int, phrase: str, term: str) -> bool:
    at = term.find(phrase)
    return text.startswith(term, i) or (at > 0 and i >= at and text.startswith(term, i - at))


def translate_english(text: str) -> str:
    """Replace glossary terms in an English question by their Chinese equivalents."""
    return glossary_terms(text)[0]


def glossary_terms(text: str) -> tuple[str, list[str]]:
    """An English question with its glossary terms in Chinese, and those terms that name what is counted
    (the domain's fixed terms, unlike the dictionary's candidates: "executive meeting" → 常务会议); question
    words, levels and operations (多少, 县, 最多) are not among them (rag/data/english.yaml)."""
    from rag.question.quantities import english_asks

    terms: list[str] = []
    for pattern, zh in _glossary():
        text, n = pattern.subn(f" {zh} ", text)
        kept = " ".join(t for t in zh.split() if t not in english_asks().not_measure_terms)
        if n and kept:
            terms.append(kept)  # "市场主体 企业": either word says it
    # "fines or other penalty decisions": two terms joined by "or" are one, either of which says it.
    for a, b in itertools.permutations(list(dict.fromkeys(terms)), 2):
        if a in terms and b in terms and re.search(
                rf"{re.escape(a)}\s+or\s+(?:(?:any\s+)?other\s+)?{re.escape(b)}", text):
            terms[terms.index(a)] = f"{a} {b}"
            terms.remove(b)
    return text, list(dict.fromkeys(terms))


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
        self._towns = load_intents().below_county  # 新华乡: a town named like 新华区, not that district

    def find(self, text: str) -> list[str]:
        lowered = text.lower()
        found: list[str] = []
        # Characters a longer alias already took: a match is checked over its own span, not against every
        # earlier match (that was quadratic in the question's length).
        taken = bytearray(len(lowered))
        for alias in self._order:
            if alias not in lowered:  # a substring test first: thousands of regions, a regex each is slow
                continue
            for m in re.finditer(re.escape(alias), lowered):
                if alias.isascii() and not _word_bounded(lowered, m.start(), m.end()):
                    continue
                if any(taken[m.start():m.end()]):
                    continue
                if self.aliases[alias] != alias and lowered.startswith(self._towns, m.end()):
                    continue  # a short name followed by 乡/镇/街道: the town's, not the division's
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
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
        aliases.extend(load_gazetteer().aliases_of(division.name))  # 长春经开区 for 长春经济技术开发区
        aliases.extend(load_gazetteer().english_of(division.name))  # Hinggan for 兴安盟
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
               vocabulary: Callable[[str], bool] | None = None,
               mentions: Callable[[str], bool] | None = None) -> Question:
    """`vocabulary` tells which Chinese words the store's reports contain: English words outside the
    glossary are bridged through the dictionary to those words (rag/domain/english.py). `mentions` tells
    whether a report's text holds a name as written: a town named in English by its pinyin is the one of that
    spelling the reports name (rag/question/places.py `english_below`)."""
    original = question
    english = _is_english(question)
    body = (m.group(0) if english and (m := load_intents().body_english.search(question)) else None)
    asked = load_intents().body_english.sub(" ", question) if body else question
    translated, terms = glossary_terms(asked) if english else (question, [])
    text = own_text = normalise(translated)
    if english and vocabulary is not None:
        from rag.domain.english import bridge

        text = f"{text} {' '.join(bridge(text, vocabulary))}".strip()
    known = known_regions(documents)
    said = said_places(original) if english else []
    counties = counties_named(text, said)
    unsaid: list[str] = []  # places below a county named in English that no report names
    if english:
        # A 乡镇 or 街道 named by its pinyin ("Meizhu town") is read as the reports write it (梅渚镇), so
        # the question goes on as a Chinese one naming it would.
        found, unsaid = english_below(original, documents, _named_in_reports(vocabulary, mentions))
        for name in [*(p.name for p in places_named(text, original, documents, counties)), *found]:
            if name not in text:
                text = f"{text} {name}"
    regions = _matcher(known).find(text)
    places = places_named(text, original, documents, counties) if not regions else []
    regions = regions or list(dict.fromkeys(p.region for p in places))
    # A 乡镇 or 街道 no report is filed under or issued by: searched for in the reports' text (scope.select).
    below = [n for n in below_county_named(text) if not any(n in p.name or p.name in n for p in places)]
    intents = load_intents()
    q = Question(original=original, text=text, english=english, regions=regions, terms=terms,
                 unknown_regions=unknown_divisions(text, known) + ([] if regions else below)
                 + (unknown_english_places(original, known) if english and not regions else [])
                 + ([] if regions else [n for n in unsaid if n not in below]),
                 years=[int(y) for y in dict.fromkeys(intents.year.findall(text))], places=places,
                 own_text=own_text, body=body)
    q.metrics = _metrics(text)
    q.wants_number = bool(intents.ask_number.search(text))
    q.units = asked_units(text)
    q.asks_plans = bool(intents.plans.search(text))
    q.operation = next((name for name, pattern in intents.operations
                        if name in {"max", "min", "rank", "sum", "list"} and pattern.search(text)), None)
    if len(regions) <= 1 and (asks_place(original) or asks_place(text)):
        # "where did X rank", "排第几": the place one body took, a figure of its own (rag/domain/ranks.py)
        q.wants_number, q.units, q.operation = True, [rank_unit()], None
    q.asks_date = asks_event_date(q)
    if q.asks_date:
        q.wants_number = False  # a day or a month is asked, not a figure: the sentence that dates it answers
    q.route = _route(q)
    if context is not None:
        q = _resolve_follow_up(q, context, documents, vocabulary)
    return q


def _named_in_reports(vocabulary: Callable[[str], bool] | None,
                      mentions: Callable[[str], bool] | None) -> Callable[[str], bool] | None:
    """Whether the reports' text holds a name: its words in the index's vocabulary first (a lookup), then, for a
    name that passes, the text read (`mentions`)."""
    if vocabulary is None:
        return mentions
    from rag.retrieval.tokenizer import default_tokenizer

    def named(name: str) -> bool:
        words = default_tokenizer().tokens(name)
        return bool(words) and all(vocabulary(w) for w in words) and (mentions is None or mentions(name))

    return named


def asks_event_date(q: Question) -> bool:
    """Whether a question asks when something in a report's text happened ("从哪天开始实行…", "几月份开展了中期
    评估", "什么时候印发的《…方案》"): it asks a date, not of the report itself (its 落款, its posting), and
    names an event once its place, year, body, question words and the report's own acts are gone."""
    intents = load_intents()
    if q.english or not intents.asked_when.search(q.text) or intents.report_date.search(q.text):
        return False
    rest = intents.asked_when.sub(" ", q.text)
    for region in q.regions:
        for alias in sorted(region_aliases(region), key=len, reverse=True):
            rest = rest.replace(alias, " ")
    rest = intents.year.sub(" ", rest)
    rest = intents.body_words.sub(" ", rest)
    rest = intents.report_acts.sub(" ", rest)
    return len(re.sub(r"[^\u4e00-\u9fff]", "", rest)) >= 2


def asked_units(text: str) -> list[str]:
    """The units a question asks its figures in: 多少件 → 件, 几次 → 次."""
    return load_intents().asked_unit.findall(text)


def _metrics(text: str) -> list[str]:
    matches = load_catalogue().match_phrase(text)
    return [m.key for m, score in matches if score >= 0.6][:3]


def _route(q: Question) -> Route:
    intents = load_intents()
    if q.asks_date:
        return "lookup"
    # An English question's fields are read in its own words (and the glossary's), never in the
    # dictionary's candidates: English field words may have been bridged away ("report" → 报告).
    if intents.metadata.search(q.own_text or q.text if q.english else q.text) or (
            q.english and intents.metadata.search(q.original)):
        return "metadata"
    below = q.places or [n for n in q.unknown_regions if intents.place_below.fullmatch(n)] or (
        said_places(q.original) if q.english else [])
    if below and dict(intents.document_fields)["place"].search(f"{q.text} {q.original}"):
        return "metadata"  # where a 街道 or 乡镇 that issued a report is
    if asks_collection(q):
        return "metadata"
    if intents.aggregate.search(q.text) and len(q.regions) != 1:
        return "aggregate"
    if intents.summary.search(q.text) and not q.wants_number:
        return "summary"
    if _asks_plans_section(q):
        return "summary"
    return "lookup"


def asks_collection(q: Question) -> bool:
    """Which reports are of a kind, or by a kind of issuer ("哪些是政府信息公开年报"): a catalogue question."""
    intents = load_intents()
    asked = (q.text, q.original)
    named = [p for _, p in (*intents.report_kinds, *intents.issuer_kinds) if any(p.search(t) for t in asked)]
    # 几份/多少份 count reports; any other unit asks a figure of what the reports say.
    return (not q.regions and bool(named) and not asked_units(intents.collection_ask.sub(" ", q.text))
            and any(intents.collection_ask.search(t) and intents.report_word.search(t) for t in asked))


def _asks_plans_section(q: Question) -> bool:
    """What a report plans, not a figure of its plans: no unit asked (哪几块 asks which), no measure, no rate."""
    intents = load_intents()
    if not intents.plans_question.search(q.text) or q.metrics or intents.rate.search(q.text):
        return False
    return not asked_units(intents.which_items.sub(" ", q.text))


def _resolve_follow_up(q: Question, ctx: Context, documents: list[Document],
                       vocabulary: Callable[[str], bool] | None = None) -> Question:
    """Carry region, year and topic from the conversation into an elliptical follow-up."""
    if not ctx.question:
        return q
    q = _without_cause(q, documents, vocabulary)
    if (based := _base_of_share(q, ctx, documents, vocabulary)) is not None:
        return based
    if (swapped := _swapped(q, ctx, documents, vocabulary)) is not None:
        return swapped
    referred, position = _referred(q, ctx)
    if referred:
        resolved = _about_referred(q, ctx, referred, documents, vocabulary)
        resolved.position = (position, referred[0]) if position else None
        if ctx.body and referred == ctx.regions:  # "there", "它": the report the last answer read, its body's
            resolved = _with_body(resolved, ctx.body)
        return resolved
    stripped = re.sub(r"[?？。!！\s]", "", q.text)
    elliptical = ((bool(load_intents().follow_up.match(q.text)) and len(stripped) <= 12 and not q.wants_number)
                  or _elliptical_english(q))
    if not q.regions and not q.years and (shifted := _shifted_years(q, ctx, documents)):
        q, elliptical = replace(q, years=shifted), True  # "那前一年的报告呢": the same question a year before
    if elliptical and (q.regions or q.years):
        # "那朝阳区呢？": ask the previous question again about the new region or year.
        # An English follow-up that only moves the year asks the English question again (its answer in English).
        again = ctx.original if q.english and (not q.regions or q.places) and ctx.original \
            and _is_english(ctx.original) else ctx.question
        previous = understand(again, documents, vocabulary=vocabulary)
        rewritten = previous.original if again == ctx.original else previous.text
        for old in previous.regions:
            rewritten = rewritten.replace(old, q.regions[0] if q.regions else old)
        if q.years:
            for y in previous.years:
                rewritten = rewritten.replace(str(y), str(q.years[0]))
            if not previous.years:  # "那2022年呢？" after a question without a year: the year is added
                rewritten = (f"{rewritten.rstrip(' ?？.')} in {q.years[0]}?" if again == ctx.original
                             else f"{q.years[0]}年{rewritten}")
        if q.places:  # "What about X Town that year?": the previous question about the new town
            rewritten = _with_place(rewritten, previous.places, q.places[0], english=again == ctx.original)
        elif q.regions and not previous.regions:
            rewritten = f"{q.regions[0]}{rewritten}"
        resolved = understand(rewritten, documents, vocabulary=vocabulary)
        if q.regions and not q.years and resolved.years and not any(
                d.region in resolved.regions and d.year in resolved.years for d in documents):
            # "那北流市呢？" after a 2023 question: the year came with the old question, and the new region
            # has no report of it; its own reports answer (each answer names its year).
            for y in resolved.years:
                rewritten = re.sub(rf"{y}年?(?:度)?", "", rewritten)
            resolved = understand(rewritten, documents, vocabulary=vocabulary)
        # The English question asked again stands as asked (an answer quotes its measure, not "the year before").
        resolved.original = rewritten if again == ctx.original else q.original
        resolved.carried = ["question"]
        return resolved
    carried = []
    if not q.regions and load_intents().ranks_regions.search(q.text):
        return q  # "哪个地区…最多" asks across regions afresh, whatever the conversation was about
    if not q.regions and ctx.regions and q.route != "metadata":
        q = replace(q, regions=list(ctx.regions))
        carried.append("region")
        if ctx.places and not q.places:
            # "那里面有几件是给公开了的" after a 街道's figure: still that 街道's own report, not its district's.
            named = " ".join(ctx.places)
            q = replace(q, text=f"{named} {q.text}", places=places_named(named, named, documents))
            carried.append("place")
    if not q.regions and not q.unknown_regions and ctx.unplaced and q.route != "metadata":
        q = replace(q, unknown_regions=list(ctx.unplaced))  # the report found by its text names them
        carried.append("region")
    if not q.years and ctx.years:
        q = replace(q, years=list(ctx.years))
        carried.append("year")
    if carried and ctx.body and "region" in carried:
        q = _with_body(q, ctx.body)
    if not q.metrics and ctx.metrics and q.route in {"lookup", "aggregate"}:
        carried.append("topic")
    if carried and q.english and load_intents().part_of_last.search(q.original):
        # "How many of those were disclosed?": the part in the reports' words, among the last figure's cases.
        terms = [term for pattern, term in load_intents().part_terms if pattern.search(q.original)]
        q = replace(q, text=" ".join([q.text, *dict.fromkeys(terms)]))
    if carried:
        q = replace(q, carried=carried)
        if q.route == "aggregate" and len(q.regions) == 1:
            q.route = "lookup"
    return q


def _with_body(q: Question, body: str) -> Question:
    """A follow-up about the report of the body the last question named, unless it names a body of its own."""
    from rag.question.quantities import body_named

    if q.body or body_named(q.text):
        return q
    if q.english:
        return replace(q, body=body)
    said = body if not body.isascii() else _body_in_chinese(body)
    return replace(q, text=f"{said} {q.text}") if said else q


def _body_in_chinese(body: str) -> str | None:
    """A body an English question named ("natural resources bureau"), as a Chinese question names it."""
    names = load_intents().body_names
    stems = names.get(body.lower(), ())
    return next((stem for stem in stems if stem in names),
                next((name for name, its in names.items() if not name.isascii() and its == stems), None))


def _without_cause(q: Question, documents: list[Document], vocabulary: Callable[[str], bool] | None) -> Question:
    """"那因为这个被复议了几件": the words pointing back at the last measure as the cause go, so the new measure is
    asked of the same report (its cause matched in the reports' words, or dropped)."""
    if q.english or not load_intents().cause_of_last.search(q.text):
        return q
    text = load_intents().cause_of_last.sub(" ", q.text)
    resolved = understand(text, documents, vocabulary=vocabulary)
    resolved.original = q.original
    return resolved


def _scope_said(ctx: Context, years: list[int]) -> str:
    """The last answer's report as a Chinese question names it: its regions (or the places its report was
    found by), its body and its years."""
    body = (ctx.body if not ctx.body.isascii() else _body_in_chinese(ctx.body) or "") if ctx.body else ""
    return "".join([*(ctx.regions or ctx.unplaced), body, *(f"{y}年" for y in years)])


def _asked_again(q: Question, ctx: Context, measure: str, documents: list[Document],
                 vocabulary: Callable[[str], bool] | None, unit: str | None) -> Question:
    """A measure in the reports' words asked of the last answer's report, answered in the follow-up's language."""
    years = q.years or list(ctx.years)
    ask = f"多少{unit}" if unit else "是多少"
    resolved = understand(f"{_scope_said(ctx, years)}{measure}{ask}", documents, vocabulary=vocabulary)
    resolved.original, resolved.english, resolved.carried = q.original, q.english, ["question"]
    if q.english and ctx.body and ctx.body.isascii():
        resolved.body = ctx.body
    return resolved


def _previous(q: Question, ctx: Context, documents: list[Document],
              vocabulary: Callable[[str], bool] | None) -> tuple[str, Question]:
    """The last question as the follow-up will ask it again (an English one in English), and its reading."""
    again = ctx.original if q.english and ctx.original and _is_english(ctx.original) else ctx.question or ""
    return again, understand(again, documents, vocabulary=vocabulary)


def _base_of_share(q: Question, ctx: Context, documents: list[Document],
                   vocabulary: Callable[[str], bool] | None) -> Question | None:
    """"How many requests was that based on?", "那基数是多少件": after a share, its whole, of the same report."""
    from rag.question.quantities import share_sides

    intents = load_intents()
    said = q.original if q.english else q.text
    if q.regions or not intents.base_of_last.search(said) or not intents.rate.search(ctx.question or ""):
        return None
    rest = intents.base_filler.sub(" ", said)
    _, previous = _previous(q, ctx, documents, vocabulary)
    sides = share_sides(previous.text, previous)
    unit = (q.units or [None])[0]
    if not _names_measure(rest, q.english) and sides is not None and sides.whole is not None \
            and sides.whole.measure:
        return _asked_again(q, ctx, sides.whole.measure, documents, vocabulary, unit)
    if not _names_measure(rest, q.english) or intents.base_of_last.search(rest):
        return None
    # "How many requests was that based on?": the whole it names, asked as a follow-up of the same report.
    resolved = _resolve_follow_up(understand(rest, documents, vocabulary=vocabulary), ctx, documents, vocabulary)
    resolved.original = q.original
    return resolved


def _names_measure(text: str, english: bool) -> bool:
    """Whether words are left that name a measure once question words are gone."""
    intents = load_intents()
    rest = intents.question_words.sub(" ", text)
    rest = intents.reference_filler.sub(" ", rest)
    rest = re.sub(r"[\W\d_]+", " ", rest).strip()
    if english:
        return any(len(w) > 2 for w in rest.split())
    return len(rest.replace(" ", "")) >= 2


def _swapped(q: Question, ctx: Context, documents: list[Document],
             vocabulary: Callable[[str], bool] | None) -> Question | None:
    """"What about its WeChat account?" after a Weibo question: the last question asked again with the member of
    a group it named replaced by the one the follow-up names; "And how much did it publish overall?" after a
    question about its portal: the group's whole, of the same report."""
    intents = load_intents()
    if q.regions or q.places:
        return None
    said = q.original if q.english else q.text
    shaped = (bool(intents.follow_up_en.match(q.original)) if q.english
              else bool(intents.follow_up.match(q.text)) and len(re.sub(r"[?？。!！\s]", "", q.text)) <= 12
              and not q.wants_number)
    total = intents.total_of_last.search(said) is not None
    if not shaped and not total:
        return None
    again, previous = _previous(q, ctx, documents, vocabulary)
    unit = (previous.units or [None])[0]
    for group in intents.follow_up_groups:
        old = _member(again, group)
        if old is None:
            continue
        new = _member(said, group)
        # The last question asked again in its own language; a Chinese follow-up of an English one is composed.
        if new is not None and shaped and new[0] != old[0] \
                and (q.english or not _is_english(ctx.original or "")):
            m = old[1]
            # The new member in the last question's language: a Chinese question names it as the reports do.
            word = new[1].group(0) if new[1].group(0).isascii() == m.group(0).isascii() \
                else _reports_word(group.members[new[0]])
            rewritten = f"{again[:m.start()]}{word}{again[m.end():]}"
            if q.years:
                for y in previous.years:
                    rewritten = rewritten.replace(str(y), str(q.years[0]))
            resolved = understand(rewritten, documents, vocabulary=vocabulary)
            resolved.original = rewritten if again == ctx.original else q.original
            resolved.english, resolved.carried = q.english, ["question"]
            if ctx.body:
                resolved = _with_body(resolved, ctx.body)
            return resolved
        if new is not None and shaped and new[0] != old[0]:
            # A Chinese follow-up of an English question: the member it names asked of the same report.
            return _asked_again(q, ctx, new[1].group(0), documents, vocabulary, unit)
        if new is None and total and group.whole and not _names_other(q, group.whole):
            return _asked_again(q, ctx, group.whole, documents, vocabulary, unit)
    if total and ctx.whole and not _names_other(q, ctx.whole):
        # "一共呢" after a figure the report lists under a total (其中…): that total.
        return _asked_again(q, ctx, ctx.whole, documents, vocabulary, unit)
    return None


def _reports_word(member: re.Pattern[str]) -> str:
    """A member of a follow-up group as the reports write it: its pattern's first alternative (intents.yaml)."""
    return member.pattern.split("|", 1)[0]


def _names_other(q: Question, whole: str) -> bool:
    """Whether a follow-up asking a total names a measure of its own other than the whole ("一共被复议了几件")."""
    intents = load_intents()
    if q.english:  # a glossary term names the whole when one of its words is the whole's ("publish": 发布 公开)
        return any(not any(word in whole for word in term.split()) for term in q.terms)
    rest = intents.total_of_last.sub(" ", q.text)
    for pattern in (intents.question_words, intents.reference_filler, intents.fillers, intents.asked_unit):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"[\W\d_A-Za-z]+", "", rest)
    return sum(ch not in whole for ch in rest) >= 2


def _member(text: str, group: FollowUpGroup) -> tuple[int, re.Match[str]] | None:
    """The first member of a group a text names: its index and where."""
    for i, pattern in enumerate(group.members):
        if (m := pattern.search(text)) is not None:
            return i, m
    return None


def _elliptical_english(q: Question) -> bool:
    """"What about X Town that year?", "And for 2021?": an English follow-up naming nothing but another place
    or year asks the last question again about it."""
    intents = load_intents()
    m = intents.follow_up_en.match(q.original) if q.english else None
    if m is None:
        return False
    rest = m.group("rest")
    for name in [*q.regions, *(p.name for p in q.places)]:
        for alias in [*region_aliases(name), *(p.pinyin for p in q.places if p.name == name)]:
            rest = re.sub(rf"\b{re.escape(alias)}\b", " ", rest, flags=re.I)
    rest = intents.follow_up_en_filler.sub(" ", re.sub(r"\d+", " ", rest))
    return not re.sub(r"[\W_]+", "", rest)


def _with_place(question: str, before: list[Place], place: Place, english: bool) -> str:
    """The previous question about another 街道 or 乡镇: each place it named replaced by the new one (by its
    pinyin in an English question), or the new one put first when it named none."""
    if not before:
        return f"{place.name}{question}" if not english else f"{question.rstrip(' ?？.')} ({place.name})?"
    for old in before:
        if english and old.pinyin:
            question = re.sub(rf"\b{re.escape(old.pinyin)}\b", place.pinyin.capitalize(), question, flags=re.I)
        question = question.replace(old.name, place.name).replace(old.stem, place.stem)
    return question


def _shifted_years(q: Question, ctx: Context, documents: list[Document]) -> list[int]:
    """The years a follow-up shifts the conversation's to ("the year before's report": each year - 1); without a
    year in the conversation, its region's one report's year is the one shifted from."""
    shift = next((by for by, pattern in load_intents().year_shift
                  if pattern.search(q.original.strip()) or pattern.search(q.text.strip())), 0)
    if not shift:
        return []
    years = list(ctx.years) or list(dict.fromkeys(d.year for d in documents if d.region in ctx.regions and d.year))
    return [y + shift for y in years] if len(years) == 1 else []


def _referred(q: Question, ctx: Context) -> tuple[list[str], str]:
    """The regions of the last answer a follow-up points at ("倒数第二", "它", "其中", "of the three"),
    or [] when it names its own regions or points at nothing; with the words of a position counted to.
    A position counts in the list as the last answer showed it: after a "lowest" ranking, which runs
    lowest first, 倒数第二 is the one before the last shown."""
    if q.regions or not ctx.entities:
        return [], ""
    intents = load_intents()
    texts = (q.original, q.text)
    for position, pattern in intents.positions:
        found = next((m for m in (pattern.search(t) for t in texts) if m), None)
        if found:
            index = position - 1 if position > 0 else position
            order = ctx.entities[:ctx.ranked] or ctx.entities
            if -len(order) <= index < len(order):
                return [order[index]], found.group(0)
            return [], ""
    if any(intents.refers_all.search(t) for t in texts):
        return list(ctx.entities), ""
    if any(intents.refers_top.search(t) for t in texts):
        return ctx.entities[:1], ""
    return [], ""


def _own_measure(q: Question) -> bool:
    """Whether a follow-up names a measure of its own, once pointing and asking words are taken out."""
    if q.metrics:
        return True
    intents = load_intents()
    rest = q.original if q.english else q.text
    for _, pattern in intents.positions:
        rest = pattern.sub(" ", rest)
    for pattern in (intents.refers_all, intents.refers_top, intents.reference_filler, intents.question_words):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"[\W\d_]+", " ", rest).strip()
    if q.english:
        return any(len(w) > 2 for w in rest.split())
    return len(rest.replace(" ", "")) >= 2


def _about_referred(q: Question, ctx: Context, regions: list[str], documents: list[Document],
                    vocabulary: Callable[[str], bool] | None) -> Question:
    """A follow-up about regions the last answer named: the question itself about them, or, when it
    names no measure ("那倒数第二是哪儿", "Which one comes second?"), the last answer's measure asked
    again about them."""
    years = q.years or list(ctx.years)
    if not _own_measure(q) and ctx.measure:
        each = "分别是多少" if len(regions) > 1 else "是多少"
        text = f"{'、'.join(regions)}{''.join(f'{y}年' for y in years)}的{ctx.measure}{each}"
        resolved = understand(text, documents, vocabulary=vocabulary)
        resolved.original, resolved.carried = q.original, ["entity", "question"]
        resolved.english, resolved.said = q.english, ctx.measure if q.english else ""
        return resolved
    # The pointing words become the names they point at, so they are not read as part of the measure.
    text = q.text
    intents = load_intents()
    for pattern in (*(p for _, p in intents.positions), intents.refers_all, intents.refers_top):
        text = pattern.sub("、".join(regions), text, count=1) if pattern.search(text) else text
    q = replace(q, text=text, regions=list(regions), years=years,
                carried=["entity", *(["year"] if years and not q.years else [])])
    if len(regions) == 1 and q.route == "aggregate":
        q.route = "lookup"
    if len(regions) > 1 and q.route == "lookup" and q.operation in {"max", "min", "rank"}:
        q.route = "aggregate"
    return q
