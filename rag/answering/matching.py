"""Facts as answer candidates: how well a fact's measure matches an asked measure, and whether it may
answer at all.

A fact is a metric row seen with its measure (as the report words it), the clause around its figure,
whether it is a level or a change, and the part of the administration it is about. Matching is
lexical (question words weighted by rarity, plus character pairs so segmentation does not matter),
the catalogue key when both sides have one, and the dense model on the short measure phrase when the
words alone are undecided. Hard rules come first: a count of people never answers a count of cases, a
change never answers a level, another year's column never answers this year, a town's figure never
answers the county (nor the reverse when the question names the town).
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from cachetools import LRUCache
from pypinyin import lazy_pinyin

from rag.answering.picking import asks_earlier, change_role, scoring_phrase
from rag.domain.catalogue import load_catalogue
from rag.domain.english import channels, stage_terms
from rag.domain.intents import load_intents
from rag.domain.ranks import areas_named, rank_unit
from rag.question.quantities import Asked, english_asks
from rag.retrieval.embedders import Embedder
from rag.retrieval.tokenizer import Tokenizer
from rag.schema import MetricRow
from rag.store.database import Store
from rag.text.figures import figures

_CLAUSE_BREAK = re.compile(r"[，,；;。：:！？!?\n]")

# Weights of the measure score, chosen on the dev set and the sweep (evals/sweep_facts.py).
CATALOGUE_SCORE = 0.9  # the row's catalogue metric is the one the ask names
OTHER_METRIC_PENALTY = 0.35  # the row names another catalogue metric than the ask
SUBUNIT_PENALTY = 0.25  # a town's or bureau's figure for a question about the whole region
DENSE_WEIGHT = 0.3
SENTENCE_WEIGHT = 0.3
LEAD_WEIGHT = 0.6  # a bare noun's clause before it, beside its own words (1) and its sentence's (SENTENCE_WEIGHT)
BARE_MEASURE = 4  # a measure this short is a bare verb ("审结"): the catalogue label says what it counts
# The dense model is asked only in the undecided band (some words match, not enough), for a few facts:
# embedding costs milliseconds per phrase, and the answer must stay within the latency budget.
DENSE_FLOOR = 0.35
DENSE_CANDIDATES = 5
# English questions: how much meaning weighs beside the dictionary-bridged words.
ENGLISH_DENSE_WEIGHT = 0.6
# An English ask's words are read one slot per word (rag/domain/english.py `slots`); a glossary term (the
# domain's fixed terms) weighs this many dictionary words.
TERM_SLOT = 2.0
EMPTY_SLOT = 0.3  # an English word none of whose dictionary candidates the report says
# A dictionary word said by a share of the report's sentences of at most 1/n^SPECIFIC_SHARE weighs fully (a
# word in every sentence, EMPTY_SLOT): inverse sentence frequency over log(n).
SPECIFIC_SHARE = 0.5
# An exact match in meaning: the fact nearest the ask by this cosine, this far ahead of the next, with
# some words in common (e5 cosines of phrases; see evals/sweep_facts.py).
SAME_MEANING = 0.82
SAME_MEANING_MARGIN = 0.02
SAME_MEANING_WORDS = 0.3  # Chinese asks; an English ask's words are the dictionary's, so none are required
# English asks: the glossary and dictionary bring in the report's terms and some noise, so the best
# fact's score is low in absolute terms while it stands well clear of the others. It answers when it
# scores at least the floor and leads the best other figure by the lead (a share of its own score);
# chosen from the curve of evals/sweep_facts.py (docs/evaluation.md, "English lookups when the right
# figure leads").
ENGLISH_FLOOR = 0.25
ENGLISH_LEAD = 0.25
# English asks read the passage first: a figure whose sentence is in the report's top passages for the
# question (the hybrid retriever, its dense half cross-lingual) gains this much, by the passage's rank.
PASSAGE_BONUS = 0.12
PASSAGES_READ = 3
# A change between two figures ("由19个调整为27个"): the figure of the state not asked loses this much.
FROM_TO_PENALTY = 0.15
# A figure in another unit of the family asked (18类 for 多少条) loses this much to one in the unit asked.
OTHER_UNIT_PENALTY = 0.03
# A figure's own measure named in full by the ask is a sub-measure asked when it is at least this long.
NAMED_PART = 2
# An English ask naming no channel (微博, 微信…): a figure whose sentence publishes through one loses this much
# to the body's own count ("How many items did X publish": 公开信息408条 before 微信推送133条).
CHANNEL_PENALTY = 0.1


@dataclass(frozen=True)
class Fact:
    row: MetricRow
    measure: str
    clause: str
    kind: str  # level | change
    subunit: str | None
    wider: str | None  # a wider area the clause speaks of (所有区县, 全市), when it is not the report's own
    tokens: frozenset[str]
    pairs: frozenset[str]
    # The whole sentence's words: "组织开展危险化学品领域安全整治,检查企业106家次" says in its lead what the
    # figure's clause counts. They weigh less than the clause's own words (SENTENCE_WEIGHT).
    sentence_tokens: frozenset[str] = frozenset()
    sentence_pairs: frozenset[str] = frozenset()
    role: str | None = None  # "from" or "to" in a change stated between two figures ("由19个调整为27个")
    text: str = ""  # the words the figure's own tokens were read from (a one-character word is looked for in it)
    # A bare noun's clause before ("开办中青年干部培训班2期" for "学员79人"), its words with the figure's own:
    # they say which the figure counts, weighing less than its own words (LEAD_WEIGHT).
    lead: str = ""
    lead_tokens: frozenset[str] = frozenset()
    lead_pairs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    fact: Fact
    score: float
    reject: str | None = None  # why this fact may not answer the ask, when it may not

    @property
    def ok(self) -> bool:
        return self.reject is None


def _pairs(text: str) -> frozenset[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return frozenset(han[i:i + 2] for i in range(len(han) - 1))


def figure_clause(row: MetricRow) -> tuple[str, str]:
    """The figure's own phrase (narrowed to its item when a clause lists several figures, "24项职责和
    …29项职责", with the lead the items share), and the words of its clause before the figure."""
    sentence = row.sentence or ""
    written = "".join((row.written or "").split())
    fig = next((f for f in figures(sentence) if written and f.text == written), None)
    if fig is not None:
        return scoring_phrase(sentence, fig), sentence[fig.clause_start:fig.start]
    squeezed = sentence
    pos = squeezed.find(written) if written else -1
    if pos < 0:
        value = f"{row.value:g}"
        pos = squeezed.find(value)
    if pos < 0:
        return sentence, sentence
    start = 0
    for m in _CLAUSE_BREAK.finditer(sentence, 0, pos):
        start = m.end()
    stop = _CLAUSE_BREAK.search(sentence, pos)
    end = stop.start() if stop else len(sentence)
    return sentence[start:end], sentence[start:pos]


def fact_phrase(row: MetricRow) -> str:
    """What a fact's vector embeds: its measure and its figure's own clause (a bare noun's clause before is
    left to the words: embedded with it, "其中予以公开18件" would mean the requests received before it)."""
    measure = getattr(row, "measure", None) or row.label
    return f"{measure} {own_clause(row, measure)}"


def _listed_respectively(before: str) -> bool:
    """Whether a figure is one of a list after "分别" ("微信、微博发布信息分别为1408条、6502条")."""
    head = re.split(r"\d", before, maxsplit=1)[0]
    return bool(load_catalogue().rules.facts and load_catalogue().rules.facts.respectively.search(head.rstrip()))


def own_clause(row: MetricRow, measure: str) -> str:
    """The figure's clause, or for a figure of a list after "分别" its own item's measure and figure (the
    clause names every item, and the n-th figure counts only the n-th; the pairing is made at ingest)."""
    clause, before = figure_clause(row)
    if _listed_respectively(before):
        return f"{measure}{''.join((row.written or '').split())}"
    return clause


def lead_clause(row: MetricRow, measure: str) -> str:
    """The clause before a figure whose own measure is a bare noun ("学员"): what it is about is said there
    ("县委党校开办中青年干部培训班2期，学员79人"). A bare stage word (审结, 办结) gets none: the catalogue's
    label or the stage rule says what it counts, and the clause before is usually another stage."""
    if len(measure) > BARE_MEASURE or getattr(row, "metric", "other") != "other":
        return ""
    if any(w in measure for _, zh in english_asks().stages.values() for w in zh):
        return ""
    sentence = row.sentence or ""
    written = "".join((row.written or "").split())
    fig = next((f for f in figures(sentence) if written and f.text == written), None)
    if fig is None:
        return ""
    head = sentence[:fig.clause_start].rstrip("，,；; ")
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(head)]
    return head[breaks[-1] if breaks else 0:].strip()


def _role(row: MetricRow) -> str | None:
    sentence = row.sentence or ""
    written = "".join((row.written or "").split())
    fig = next((f for f in figures(sentence) if written and f.text == written), None)
    return change_role(sentence, fig) if fig is not None else None


def make_fact(row: MetricRow, tokenizer: Tokenizer, level: str | None = None) -> Fact:
    intents = load_intents()
    clause, before = figure_clause(row)
    measure = getattr(row, "measure", None) or row.label
    if _listed_respectively(before):
        clause = own_clause(row, measure)
    kind = getattr(row, "kind", None)
    role = _role(row)
    if role is not None:
        kind = "level"  # "提高到90%" states the level reached, not the change
    elif kind not in {"level", "change"}:
        unit_change = row.unit in {"个百分点", "百分点"}
        kind = "change" if unit_change or intents.change_before.search(before[-8:]) else "level"
    scope_kind = getattr(row, "scope_kind", None)
    subunit = None
    if scope_kind == "subunit":
        subunit = row.scope or "subunit"
    elif scope_kind is None:
        m = intents.subunit.search(before)
        subunit = intents.subunit_lead.sub("", m.group(0)) if m else None
        if subunit and row.region:
            # "泗阳县司法局", "泗阳司法局": the region's own bureau speaks for the region; a town that only
            # shares the short name (正定镇 in 正定县) is a sub-unit.
            short_only = row.region not in subunit and row.region[:-1] in subunit
            if row.region in subunit or (short_only and not intents.subunit_town.search(subunit)):
                subunit = None
    # A place taken over the province (位列全省第4名) is the body's own figure, not the province's.
    wider = None if row.unit == rank_unit() else next(
        (w for w, levels in intents.wider_scope.items() if w in before and level in levels), None)
    text = f"{measure} {clause}"
    lead = lead_clause(row, measure)
    if row.metric != "other" and row.label and len(measure) <= BARE_MEASURE:
        # "审结186件" after "新收行政复议案件198件": the catalogue's label names what the bare clause counts.
        text += f" {row.label}"
    context = row.sentence or ""
    if getattr(row, "source", "text") == "table" and row.section:
        # A table row ("紫阳镇：调解成功（件）2023年为342件") leaves what it counts to the table's heading
        # ("做优人民调解"): the innermost heading joins the row as its sentence would.
        context += " " + row.section.split(" > ")[-1]
    whole = f"{text} {context}"
    own = frozenset(tokenizer.tokens(text))
    # The space splits jieba's run, so the sentence's tokens are its own: read once per sentence (the
    # tokenizer remembers short texts), not once per figure in it.
    led = own | frozenset(tokenizer.tokens(lead)) if lead else own
    return Fact(row, measure, clause, kind, subunit, wider, own, _pairs(text),
                own | frozenset(tokenizer.tokens(context)), _pairs(whole), role, text, lead,
                led, _pairs(f"{text} {lead}") if lead else _pairs(text))


class FactBook:
    """Facts of the store's documents, read and prepared once per store version (per document, LRU)."""

    def __init__(self, store: Store, tokenizer: Tokenizer, embedder: Embedder | None, keep: int = 256) -> None:
        self.store = store
        self.tokenizer = tokenizer
        self.embedder = embedder
        self._keep = keep
        self._version = -1
        self._facts: OrderedDict[str, list[Fact]] = OrderedDict()
        # Phrase → vector: a pure function of the text, so kept across store versions and shared by
        # reports that word a figure alike ("办结行政复议案件"); an LRU bounds it (≈1.5 KB a phrase).
        self._vectors: LRUCache[str, np.ndarray] = LRUCache(maxsize=30_000)
        self._texts: LRUCache[tuple[int, str], str] = LRUCache(maxsize=16)
        self._lock = threading.Lock()

    def _check_version(self) -> None:
        version = self.store.version()
        if version != self._version:
            self._facts.clear()
            self._version = version

    def facts(self, doc_ids: Sequence[str]) -> dict[str, list[Fact]]:
        with self._lock:
            self._check_version()
            missing = [d for d in doc_ids if d not in self._facts]
        if missing:
            rows: dict[str, list[MetricRow]] = {d: [] for d in missing}
            for row in self.store.metric_rows_in(missing):
                rows[row.doc_id].append(row)
            levels = {d: self._level(d) for d in rows}
            made = {d: [make_fact(r, self.tokenizer, levels[d]) for r in rs] for d, rs in rows.items()}
            with self._lock:
                for d, fs in made.items():
                    self._facts[d] = fs
                while len(self._facts) > self._keep:
                    self._facts.popitem(last=False)
        with self._lock:
            out = {}
            for d in doc_ids:
                if d in self._facts:
                    self._facts.move_to_end(d)
                    out[d] = self._facts[d]
                else:  # evicted meanwhile by another thread: read again
                    out[d] = [make_fact(r, self.tokenizer, self._level(d)) for r in self.store.metric_rows_in([d])]
            return out

    def text(self, doc_id: str) -> str:
        """A report's whole text (its chunks in order), read only when a question names a body and the
        report's metadata does not say whether it is that body's own report; a few kept."""
        key = (self.store.version(), doc_id)
        with self._lock:
            if (have := self._texts.get(key)) is not None:
                return have
        text = "\n".join(c.text for c in self.store.doc_chunks(doc_id))
        with self._lock:
            self._texts[key] = text
        return text

    def _level(self, doc_id: str) -> str | None:
        doc = self.store.get_document(doc_id)
        return doc.level if doc is not None else None

    def warm(self, doc_ids: Sequence[str], embed: bool) -> None:
        """Prepare the facts of these reports (and their phrase vectors) before the first question."""
        facts = [f for fs in self.facts(doc_ids).values() for f in fs]
        if embed and self.embedder is not None and facts:
            self.similarity("热身", facts)

    def similarity(self, phrase: str, facts: Sequence[Fact]) -> list[float | None] | None:
        """Cosine of the asked phrase with each fact's stored vector (measure and clause, embedded at
        ingest); None for a fact not embedded yet. Only the question is embedded here (its LRU)."""
        if self.embedder is None or not facts or not phrase:
            return None
        keys = [f"{f.measure} {f.clause}" for f in facts]
        with self._lock:
            have = {k: v for k in dict.fromkeys(keys) if (v := self._vectors.get(k)) is not None}
        todo = [k for k in dict.fromkeys(keys) if k not in have]
        if todo:
            stored = self.store.fact_vectors(todo)
            with self._lock:
                for k, v in stored.items():
                    have[k] = self._vectors[k] = v
        if not have:
            return None
        try:
            query = np.asarray(self.embedder.embed_query(phrase), dtype=np.float32)
        except Exception:
            return None
        present = [k for k in keys if k in have]
        matrix = np.stack([have[k] for k in present])
        sims = matrix @ query / (np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(query)) + 1e-12)
        by_key = dict(zip(present, (float(x) for x in sims), strict=True))
        return [by_key.get(k) for k in keys]


def lexical_score(asked: Asked, fact: Fact, tokenizer: Tokenizer, idf: Mapping[str, float]) -> float:
    """Share of the asked measure found in the fact; a part that names little ("办结多少件？", "多少人？")
    is also read with the measure of the part before it, slightly discounted."""
    focus = set(tokenizer.tokens(asked.focus)) if asked.focus else set()
    own = max((_share(m, fact, tokenizer, idf, focus) for m in [asked.measure, *asked.alternatives] if m),
              default=0.0)
    if not asked.context:
        return own
    return max(own, 0.95 * _share(f"{asked.context} {asked.measure}", fact, tokenizer, idf, focus))


def _named_parts(asked: Asked, facts: Sequence[Fact]) -> set[int]:
    """Facts whose own measure the ask names in full ("工作动态" in "网站发布的工作动态有多少条") while their
    sentence holds another figure of the same unit family (the total they are part of)."""
    if asked.phrase or (asked.said and asked.said != asked.measure):
        return set()  # an English ask's Chinese words are the dictionary's, not names it gives
    intents = load_intents()
    # "审查的文件中非规范性文件有多少": the part after 中 is the sub-measure named, the words before it the whole.
    subset = list(intents.subset_of.finditer(asked.text))
    said = re.sub(r"\s+", "", asked.text[subset[-1].end():] if subset else f"{asked.measure}{asked.focus}")
    by_sentence: dict[str, list[Fact]] = {}
    for fact in facts:
        by_sentence.setdefault(fact.row.sentence or "", []).append(fact)

    def own(fact: Fact) -> str:
        return intents.subunit_lead.sub("", re.sub(r"\s+", "", fact.measure or ""))

    named = [f for f in facts if len(own(f)) >= NAMED_PART and own(f) in said and f.row.sentence]
    out: set[int] = set()
    for fact in named:
        family = intents.family(fact.row.unit)
        if any(own(fact) in own(o) and own(fact) != own(o) for o in named):
            continue  # 规范性文件 inside the 非规范性文件 asked
        if any(o is not fact and intents.family(o.row.unit) == family and o.measure != fact.measure
               for o in by_sentence[fact.row.sentence]):
            out.add(id(fact))
    return out


def _share(measure: str, fact: Fact, tokenizer: Tokenizer, idf: Mapping[str, float],
           focus: set[str] = frozenset(), sentence_whole: bool = False) -> float:  # type: ignore[assignment]
    """Share of the measure (by rarity-weighted words and by character pairs) found in the fact. The
    words right before the ask ("…时，决定废止了几件") name what is counted: they weigh double.
    `sentence_whole`: the sentence's words count as fully as the clause's (a part its own words name)."""
    tokens = [t for t in dict.fromkeys(tokenizer.tokens(measure)) if not t.isdigit()]
    if not tokens:
        return 0.0
    weight = {t: idf.get(t, 1.0) * (2.0 if t in focus else 1.0) for t in tokens}
    mass = sum(weight.values())
    pairs = _pairs(measure)
    token_pairs = {t: _pairs(t) for t in tokens}

    def found(token: str, have_tokens: frozenset[str], have_pairs: frozenset[str], text: str) -> float:
        """How much of a word the fact says: all of it as a word, else by its characters when they stand
        together in the fact (plain speech cuts words short: "发" of "微信发了几条" is 发布's, "微信发"
        one word of jieba's), never by characters scattered over it."""
        if token in have_tokens:
            return 1.0
        if len(token) == 1:
            return 1.0 if token in text else 0.0
        if not token_pairs[token] & have_pairs:
            return 0.0
        return sum(ch in text for ch in token) / len(token)

    def share(have_tokens: frozenset[str], have_pairs: frozenset[str], text: str) -> float:
        by_token = sum(w * found(t, have_tokens, have_pairs, text) for t, w in weight.items())
        by_token = by_token / mass if mass else 0.0
        by_pair = len(pairs & have_pairs) / len(pairs) if pairs else by_token
        return 0.5 * by_token + 0.5 * by_pair

    own = share(fact.tokens, fact.pairs, fact.text)
    if fact.lead:  # a bare noun's clause before: it says which, in part ("其中予以公开18件" is no request count)
        own += LEAD_WEIGHT * max(0.0, share(fact.lead_tokens, fact.lead_pairs, f"{fact.text} {fact.lead}") - own)
    if not fact.sentence_tokens:
        return own
    whole = share(fact.sentence_tokens, fact.sentence_pairs, f"{fact.text} {fact.row.sentence or ''}")
    if sentence_whole:
        return max(own, whole)
    # The sentence only adds: words the clause has count fully, words only its lead has count in part.
    return own + SENTENCE_WEIGHT * max(0.0, whole - own)


def reject_reason(asked: Asked, fact: Fact, doc_year: int | None) -> str | None:
    """Why a fact may not answer an ask whatever its words: unit family, level/change, year, scope."""
    intents = load_intents()
    row = fact.row
    family = intents.family(row.unit)
    if row.unit in {"年", "月", "日"}:
        return "calendar"
    if asked.wants_rate and family != "share":
        return "not a rate"
    if asked.units and not set(asked.units) <= intents.generic_units:
        wanted = {intents.family(u) or u for u in asked.units}
        have = family or row.unit
        if have not in wanted and not any(frozenset({have, w}) in intents.loose_families for w in wanted):
            return "unit"
    if asked.operation == "change":
        if fact.kind != "change":
            return "level for a change"
    elif fact.kind == "change":
        return "change for a level"
    # A table's 2022 column in a 2023 report has fact_year 2022; without one the report's year stands.
    fact_year = getattr(row, "fact_year", None) or doc_year
    wanted_year = asked.years[0] if len(asked.years) == 1 else doc_year
    if fact_year is not None and wanted_year is not None and fact_year != wanted_year:
        return "other year"
    if fact.wider:
        return "wider area"
    if asked.subunit and asked.subunit not in fact.clause and asked.subunit not in (row.scope or ""):
        return "other scope"
    if asked.stage and _other_stage(asked.stage, fact):
        return "other stage"
    if _other_kind(asked, fact):
        return "other kind"
    if asked.per_head and not any(w in fact.clause for w in asked.per_head):
        return "not per head"
    if not asked.per_head and _per_head(fact.clause) and not _per_head(asked.text):
        return "per head"  # 每万人拥有律师数1.7名 does not answer how many lawyers there are
    return None


def _other_kind(asked: Asked, fact: Fact) -> bool:
    """Whether the figure's own words name only another kind of case than the ask names (a reconsideration
    count for a question about lawsuits): an English ask by its glossary terms, a Chinese one by its words."""
    said = " ".join(asked.terms) if asked.said and asked.said != asked.measure else asked.text
    own = f"{fact.measure} {fact.clause}"
    for kind in english_asks().case_kinds:
        if any(w in said for w in kind) and any(w in own for w in kind):
            return False
    asked_kinds = [kind for kind in english_asks().case_kinds if any(w in said for w in kind)]
    return bool(asked_kinds) and any(any(w in own for w in kind) for kind in english_asks().case_kinds
                                     if kind not in asked_kinds)


def _per_head(text: str) -> bool:
    return any(w in text for w in english_asks().per_head[1])


def _other_stage(stage: str, fact: Fact) -> bool:
    """Whether the figure's clause counts cases at another stage than the one asked (审结 for "filed")."""
    stages = english_asks().stages
    before = fact.clause.split(fact.row.written or "\0")[0]
    if any(w in before for w in stages[stage][1]):
        return False
    if stage in english_asks().worded_stages and not any(w in fact.measure for w in stages[stage][1]):
        return True  # a bare count of cases ("一审行政诉讼案件29件") is what came in, not what was concluded
    return any(w in before for name, (_, zh) in stages.items() if name != stage for w in zh)


def _latin(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def resolve_subunit(name: str, facts: Sequence[Fact]) -> str:
    """A town named in English ("Si'an") as the report writes it (泗安镇), read through pinyin from the
    sub-units its figures name; the English name stays (and matches no figure) when none sounds alike."""
    if re.search(r"[\u4e00-\u9fff]", name):
        return name
    wanted = _latin(name)
    for fact in facts:
        unit = fact.subunit or ""
        if not unit or not re.search(r"[\u4e00-\u9fff]", unit):
            continue
        spoken = _latin("".join(lazy_pinyin(unit)))
        for cut in range(2, len(unit) + 1):
            if _latin("".join(lazy_pinyin(unit[:cut]))) == wanted and spoken.startswith(wanted):
                return unit[:cut]
    return name


def score_facts(asked: Asked, facts: Sequence[Fact], book: FactBook, idf: Mapping[str, float],
                doc_year: int | None, dense_below: float = 0.66, passages: Sequence[str] = ()) -> list[Match]:
    """Every fact scored against the ask, best first (rejected facts keep their score, for "nearest").
    `passages` are the report's top passages for an English question, best first."""
    catalogue = load_catalogue()
    asked_keys = set(asked.metrics)
    earlier = asks_earlier(asked.text)
    named = _named_parts(asked, facts)
    english = bool(asked.said and asked.said != asked.measure)
    # (An ask all of whose words are glossary terms, "how many items did X publish", is read by its terms'
    # slots too: its measure's other words, 事项 of "items", are no measure.)
    said = _said_in_report(asked, facts, book.tokenizer) if english and (asked.slots or asked.terms) else ()
    matches: list[Match] = []
    for fact in facts:
        lexical = lexical_score(asked, fact, book.tokenizer, idf)
        if said:
            # An English ask: its words one slot each, not the dictionary's every candidate. (Without
            # dictionary words its measure is the glossary's and the follow-up's terms alone, read as Chinese.)
            lexical = _slot_share(said, fact)
        if id(fact) in named:
            # "其中工作动态2871条" asked as "网站发布的工作动态": the figure's own words name the sub-measure
            # asked and its sentence's lead says the rest; it beats the sentence's total ("各类信息共6120条").
            lexical = max(lexical, _share(asked.measure, fact, book.tokenizer, idf, sentence_whole=True))
        score = lexical
        key = fact.row.metric
        if key in asked_keys:
            # The catalogue's best match first; the words still decide between two matched metrics.
            score = max(score, CATALOGUE_SCORE - 0.05 * asked.metrics.index(key)) + 0.1 * lexical
        elif asked_keys and key in catalogue.metrics:
            score -= OTHER_METRIC_PENALTY
        if fact.subunit and not asked.subunit:
            score -= SUBUNIT_PENALTY
        if fact.row.derived:
            score -= 0.02  # a stated figure beats one computed from counts
        if fact.role is not None and (fact.role == "from") != earlier:
            score -= FROM_TO_PENALTY  # "由19个调整为27个": the state now is asked, unless the ask says before
        if asked.units and fact.row.unit and fact.row.unit not in asked.units:
            score -= OTHER_UNIT_PENALTY  # 多少条 asked: 9876条 before 18类 of one family
        score += _passage_bonus(fact, passages)
        reject = reject_reason(asked, fact, doc_year)
        if english and reject == "unit" and _names_counted(asked, fact):
            # "收到依申请公开23条": requests counted in the report's own unit; the other rules still apply
            reject = reject_reason(replace(asked, units=[]), fact, doc_year)
        if english and reject is None and _channel_fit(asked, fact) is False:
            reject = "other channel"
        if reject is None and fact.row.unit == rank_unit() and _other_area(asked, fact, english):
            reject = "other area"
        matches.append(Match(fact, score, reject))
    if english:
        matches = _channels_apart(asked, matches)
    matches.sort(key=lambda m: -m.score)
    if asked.units == [rank_unit()] and 0 < dense_below < float("inf"):
        # "Where did X rank": the one place the report states that may answer is the place asked, whatever
        # its wording (its area checked above); of several, the words choose.
        places = [m for m in matches if m.ok]
        if len(places) == 1:
            return sorted((Match(m.fact, max(m.score, dense_below), m.reject) if m is places[0] else m
                           for m in matches), key=lambda m: -m.score)
    if asked.said and asked.said != asked.measure:
        # An English question: its words reached the facts through a dictionary, so meaning decides with
        # them. Every fact is compared (stored vectors, one query embedding).
        sims = book.similarity(asked.said, [m.fact for m in matches])
        # A figure is lifted over the threshold by meaning or by its lead only when its words say the
        # domain terms the question names (罚没款 for "fines"): meaning alone finds near misses too.
        # A domain term the report never says ("won" lawsuits where it gives none won) lifts nothing either way.
        terms_said = _terms_in_report(asked.terms, facts)

        def may_lift(fact: Fact) -> bool:
            return terms_said and _says_terms(asked.terms, fact)

        if sims is not None:
            matches = _by_meaning(matches, sims, ENGLISH_DENSE_WEIGHT, dense_below, words=0.0, may_lift=may_lift)
        named = _named_by_terms(matches, asked.terms, _counted_terms(asked))
        if not terms_said:
            # A domain term the report never says ("lost" lawsuits where it gives none lost): the figures
            # its other words find are near misses, answered only when their words cross the threshold.
            return matches
        if named is not None and 0 < dense_below < float("inf"):
            lifted = [Match(m.fact, max(m.score, dense_below), m.reject) if m.fact is named else m for m in matches]
            return sorted(lifted, key=lambda m: -m.score)
        return _clear_lead(matches, dense_below, may_lift, asked.units)
    # Words alone would refuse, yet some match (colloquial wording): the dense model weighs in on the
    # best few. `dense_below` is the facts threshold, so questions the words decide pay nothing.
    top = [m for m in matches[:DENSE_CANDIDATES] if m.ok]
    if top and DENSE_FLOOR <= top[0].score < dense_below:
        sims = book.similarity(asked.measure, [m.fact for m in matches])
        if sims is not None:
            return _by_meaning(matches, sims, DENSE_WEIGHT, dense_below, words=SAME_MEANING_WORDS)
    return matches


def _said_in_report(asked: Asked, facts: Sequence[Fact], tokenizer: Tokenizer) -> tuple[Slot, ...]:
    """An English ask's slots as the report can say them, weighted: each glossary term (any of its words,
    each word by its parts: "处罚案件" half said by "办理案件") and each other English word (its dictionary
    candidates that occur in the report; none, when the report never says it: such a word weighs less,
    as it may be a word of the question's grammar as well as a thing the report lacks)."""
    sentences = list(dict.fromkeys(f.row.sentence or f.text for f in facts))
    report = " ".join(sentences)
    out = [Slot(TERM_SLOT, tuple(tuple(tokenizer.tokens(w)) or (w,) for w in term.split())) for term in asked.terms]
    for candidates in asked.slots:
        here = tuple((c,) for c in candidates if c in report)
        out.append(Slot(_specificity(here, sentences) if here else EMPTY_SLOT, here))
    return tuple(out)


def _specificity(words: Sequence[tuple[str, ...]], sentences: Sequence[str]) -> float:
    """How much a dictionary word tells the report's figures apart: 1 when few of its sentences say it,
    less for a word most of them say (民警 all over a police bureau's report, 政府 over a government's),
    by its inverse sentence frequency in the report; never under an unsaid word's weight."""
    n = len(sentences)
    if n < 3:
        return 1.0
    df = sum(any(all(p in s for p in parts) for parts in words) for s in sentences)
    return max(EMPTY_SLOT, min(1.0, math.log(n / max(df, 1)) / math.log(n) / SPECIFIC_SHARE))


@dataclass(frozen=True)
class Slot:
    weight: float
    words: tuple[tuple[str, ...], ...]  # the Chinese words that say it, each as its parts

    def said_in(self, text: str) -> float:
        return max((sum(p in text for p in parts) / len(parts) for parts in self.words if parts), default=0.0)


def _slot_share(said: Sequence[Slot], fact: Fact) -> float:
    """Share of an English ask's slots the figure says: in its own words fully, in a bare noun's clause
    before it and in its sentence in part."""
    mass = sum(slot.weight for slot in said)
    if not mass:
        return 0.0
    sentence = fact.row.sentence or ""
    got = 0.0
    for slot in said:
        got += slot.weight * max(slot.said_in(fact.text), LEAD_WEIGHT * slot.said_in(fact.lead) if fact.lead else 0.0,
                                 SENTENCE_WEIGHT * slot.said_in(sentence))
    return got / mass


# Unit families of things counted one by one: a figure whose own words name the cases or requests an English
# question counts answers it in any of them ("requests" asks 件; a report may count them in 条).
COUNTED_FAMILIES = frozenset({"cases", "items", "events"})


def _names_counted(asked: Asked, fact: Fact) -> bool:
    """Whether a figure's own words say the glossary terms of the noun an English question counts, in a
    unit of things counted one by one."""
    intents = load_intents()
    m = _COUNTED.search(asked.text)
    # The noun counted is a glossary term itself ("how many public-information requests" → 依申请公开…), not an
    # English noun whose phrase goes on to terms ("how many requests to disclose government information").
    noun = re.match(r"[\u4e00-\u9fff ]+", m.group(1).strip()) if m else None
    counted = tuple(t for t in asked.terms if any(w in noun.group(0) for w in t.split())) if noun else ()
    asked_families = {intents.family(u) for u in asked.units}
    if not counted or intents.family(fact.row.unit) not in COUNTED_FAMILIES or asked_families != {"cases"}:
        return False
    own = f"{fact.measure} {fact.clause}"
    return all(any(w in own for w in term.split()) for term in counted)


def _other_area(asked: Asked, fact: Fact, english: bool) -> bool:
    """Whether a place taken was ranked over another area than the one asked (the county's assessment for a
    question about the province's)."""
    wanted = areas_named(asked.said if english else asked.text, english)
    have = areas_named(f"{fact.measure} {fact.clause}", english=False)
    return bool(wanted and have and not wanted & have)


def _channels_apart(asked: Asked, matches: list[Match]) -> list[Match]:
    """An English ask naming no channel, of a report that states the figure both as a whole and through a
    channel (公开信息408条; 微信推送133条): the channel's figure is a part, not what was asked, and may not
    answer; it only loses a little when no figure of the whole says the ask's terms."""
    parts = [m for m in matches if m.ok and _channel_fit(asked, m.fact) is None]
    if not parts:
        return matches
    whole = any(m.ok and _channel_fit(asked, m.fact) and asked.terms and _says_terms(asked.terms, m.fact)
                and not m.fact.row.derived and any(p.fact.row.unit == m.fact.row.unit for p in parts) for m in matches)
    out = [m if not any(m is p for p in parts)
           else Match(m.fact, m.score, "a channel not asked") if whole
           else Match(m.fact, m.score - CHANNEL_PENALTY, m.reject) for m in matches]
    out.sort(key=lambda m: -m.score)
    return out


def _channel_fit(asked: Asked, fact: Fact) -> bool | None:
    """Whether a figure's sentence speaks of the channel an English ask names (Weibo: 微博): False when it
    does not (a Douyin count is never the website's); None when the ask names no channel and the figure's
    sentence does (a WeChat count is a part of what a body published); True otherwise."""
    said = f"{fact.row.sentence or ''} {fact.lead}"
    named = [group for group in channels() if any(w in term for term in asked.terms for w in group)]
    if named:
        return any(w in said for group in named for w in group)
    return None if any(w in said for group in channels() for w in group) else True


def _passage_bonus(fact: Fact, passages: Sequence[str]) -> float:
    sentence = fact.row.sentence
    if not sentence:
        return 0.0
    rank = next((i for i, p in enumerate(passages[:PASSAGES_READ]) if sentence in p), None)
    return 0.0 if rank is None else PASSAGE_BONUS * (1 - rank / (2 * PASSAGES_READ))


def _says_terms(terms: Sequence[str], fact: Fact) -> bool:
    """Whether a figure's words (its measure and sentence) say a glossary term of an English ask at least,
    a term of several words by any of them, a word by a third of its character pairs at least ("处罚案件"
    in "办理案件"; not "行政诉讼案件" in "行政复议…审结38件"); stage words are the stage rule's to check."""
    if not terms:
        return True
    stages = {w for _, zh in english_asks().stages.values() for w in zh} - stage_terms()
    text = f"{fact.measure} {fact.clause} {fact.row.sentence or ''}"  # the report's words, not the catalogue's
    have = _pairs(text)
    measures = [term for term in terms if not set(term.split()) <= stages]
    return not measures or any(any(_said(w, text, have) for w in term.split()) for term in measures)


def _said(word: str, text: str, have: frozenset[str]) -> bool:
    """Whether a term's word is said in a text (of character pairs `have`): whole, or by a third of its
    character pairs at least."""
    pairs = _pairs(word)
    return word in text or (bool(pairs) and len(pairs & have) >= len(pairs) / 3)


def _by_meaning(matches: list[Match], sims: Sequence[float | None], weight: float, threshold: float,
                words: float, may_lift: Callable[[Fact], bool] = lambda _: True) -> list[Match]:
    """Words and meaning together; the fact nearest in meaning by a clear margin is an exact match in
    meaning and is never refused for its wording (the hard rules still apply)."""
    rescored = [Match(m.fact, m.score if s is None else m.score * (1 - weight) + weight * _dense_norm(s), m.reject)
                for m, s in zip(matches, sims, strict=True)]
    ranked = sorted((s, i) for i, s in enumerate(sims) if s is not None)[::-1]
    if ranked and threshold > 0:
        top_sim, i = ranked[0]
        runner = ranked[1][0] if len(ranked) > 1 else 0.0
        m = rescored[i]
        if (m.ok and top_sim >= SAME_MEANING and top_sim - runner >= SAME_MEANING_MARGIN
                and matches[i].score >= words and may_lift(m.fact)):
            rescored[i] = Match(m.fact, max(m.score, threshold), m.reject)
    rescored.sort(key=lambda m: -m.score)
    return rescored


# "how many <noun> did …" as the glossary has put it into Chinese ("多少 法律意见 did …").
_COUNTED = re.compile(r"多少\s+(.+?)\s+(?:did|do|does|were|was|are|is|has|have|had)\b", re.I)


def _counted_terms(asked: Asked) -> tuple[str, ...]:
    """The glossary terms of the noun an English ask counts ("how many legal opinions did … issue" →
    法律意见): what the figure's own clause must say, where the rest of the ask may be said around it."""
    m = _COUNTED.search(asked.text)
    return tuple(t for t in asked.terms if any(w in m.group(1) for w in t.split())) if m else ()


def _named_by_terms(matches: list[Match], terms: Sequence[str], counted: Sequence[str] = ()) -> Fact | None:
    """An English ask whose glossary terms (the domain's fixed terms: 常务会议, 学法) are all in the words of
    exactly one figure that may answer: that figure (its clause first, else its sentence, whose lead may
    name what the clause counts). Two figures holding them leave the choice to the scores, unless only one
    of them says the counted noun's terms in its own clause ("出具法律意见书140份" beside "审查合同87份" in
    one sentence of legal advisers, asked "how many legal opinions did the legal advisers issue")."""
    if not terms:
        return None
    rivals = [m for m in matches if m.ok and not m.fact.row.derived]

    def says(text: str, among: Sequence[str]) -> bool:
        return all(any(w in text for w in t.split()) for t in among)

    for words in (lambda f: f"{f.measure} {f.clause}", lambda f: f.row.sentence or ""):
        holders = {(m.fact.row.sentence, m.fact.row.written): m.fact for m in rivals if says(words(m.fact), terms)}
        if len(holders) == 1:
            return next(iter(holders.values()))
        if holders:
            break
    if counted and set(counted) <= set(terms):
        # A bare measure ("调解成功3795件" after "调解矛盾纠纷3860件") counts what its sentence counts.
        own = {(m.fact.row.sentence, m.fact.row.written): m.fact for m in rivals
               if says(m.fact.row.sentence or "", terms)
               and (says(f"{m.fact.measure} {m.fact.clause}", counted) or len(m.fact.measure) <= BARE_MEASURE)}
        if len(own) == 1:
            return next(iter(own.values()))
    return None


def _terms_in_report(terms: Sequence[str], facts: Sequence[Fact]) -> bool:
    """Whether the report says every glossary term of an English ask that names what is counted (a term of
    several words by any of them, a word by its parts as `_says_terms` reads it: 处罚案件 by 办理案件, never
    败诉 by 诉讼), somewhere in its figures' sentences."""
    stages = {w for _, zh in english_asks().stages.values() for w in zh} - stage_terms()
    measures = [t for t in terms if not set(t.split()) <= stages]
    if not measures:
        return True
    report = " ".join(dict.fromkeys(f"{f.text} {f.row.sentence or ''}" for f in facts))
    have = _pairs(report)
    return all(any(_said(w, report, have) for w in t.split()) for t in measures)


def _clear_lead(matches: list[Match], threshold: float,
                may_lift: Callable[[Fact], bool] = lambda _: True, units: Sequence[str] = ()) -> list[Match]:
    """An English ask: the best fact that may answer is taken when it stands clear of every other figure
    (figures computed from counts, and the same figure read twice, are not rivals; when the question's
    noun names its unit, "how many case files", only figures of that unit's family are: one of a family
    the hard rules let pass loosely, 42期 for files, is no rival)."""
    if threshold <= 0 or threshold == float("inf"):
        return matches
    best = next((m for m in matches if m.ok), None)
    if (best is None or best.score >= threshold or best.score < ENGLISH_FLOOR or best.fact.row.derived
            or not may_lift(best.fact)):
        return matches
    same = (best.fact.row.sentence, best.fact.row.written)
    # Only figures that may answer are rivals: the hard rules (unit, stage, scope, year) filter first.
    intents = load_intents()
    asked = {intents.family(u) or u for u in units if u not in intents.generic_units}

    # A figure in the generic unit (个: 开设政务微博1个) is no rival of one in the very unit the question's noun
    # asks (215条 for "how many posts").
    exact = best.fact.row.unit in units and best.fact.row.unit not in intents.generic_units

    def rival(m: Match) -> bool:
        if not m.ok or m is best or m.fact.row.derived or (m.fact.row.sentence, m.fact.row.written) == same:
            return False
        if exact and m.fact.row.unit in intents.generic_units:
            return False
        return not asked or (intents.family(m.fact.row.unit) or m.fact.row.unit) in asked

    runner = next((m.score for m in matches if rival(m)), 0.0)
    if best.score - runner < ENGLISH_LEAD * best.score:
        return matches
    lifted = [Match(m.fact, threshold, m.reject) if m is best else m for m in matches]
    lifted.sort(key=lambda m: -m.score)
    return lifted


def _dense_norm(cosine: float) -> float:
    """e5 cosines of short phrases sit between ≈0.75 (unrelated) and ≈0.95 (same measure)."""
    return float(min(1.0, max(0.0, (cosine - 0.75) / 0.2)))
