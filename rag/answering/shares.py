"""A share the report does not state, computed from the two counts it does: the part and the whole
("主动公开政府信息4260条，其中通过政府网站公开2830条" → 66.4%). Only where no stated rate answers; both
counts of one unit family, the part no larger than the whole, near each other: the whole stated first
(its sentence, or one before it in the section when the part's own sentence gives it none) or a total
after its parts in their sentence. The part and the whole are read off the question's words where it
names them (rag/question/quantities.py `share_sides`: "P占W的百分之几", "W的办结率", "what share of W
were P"), each matched on its own; otherwise from the ask as a whole. A stated rate answers a share named
by its part only when its words say that part (`stated_fits`). The answer says it is computed and quotes
both counts."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rag.answering.matching import Fact, FactBook, Match, score_facts
from rag.domain.catalogue import load_catalogue
from rag.domain.intents import load_intents
from rag.question.quantities import Asked, ShareSides, Side, english_asks, share_words
from rag.schema import MetricRow
from rag.text.figures import figures

# The whole is stated before the part, at most this many characters before it (the sentence before).
NEAR = 160
# The part's words must match the ask at least this well (its score as a count); an English ask's words
# reach the facts through a dictionary and meaning, so its scores run lower (matching.ENGLISH_FLOOR).
PART_FLOOR = 0.45
ENGLISH_PART_FLOOR = 0.25
NAMED_PART_FLOOR = 0.3
# Families whose counts make a share (not rates, dates or durations).
_NOT_COUNTED = {"share", "days"}


@dataclass(frozen=True)
class Share:
    part: Match
    whole: Match

    @property
    def percent(self) -> float:
        return 100.0 * self.part.fact.row.value / self.whole.fact.row.value


def as_count(asked: Asked) -> Asked:
    """The ask read as a count: its rate words gone, its rate metrics gone, no unit fixed."""
    intents = load_intents()
    catalogue = load_catalogue()
    measure = re.sub(r"\s+", " ", intents.rate.sub(" ", asked.measure)).strip() or asked.measure
    metrics = [k for k in asked.metrics if k not in catalogue.metrics or catalogue.metrics[k].kind != "rate"]
    return replace(asked, wants_rate=False, units=[], metrics=metrics, measure=measure,
                   focus=intents.rate.sub(" ", asked.focus).strip())


def find_share(asked: Asked, facts: Sequence[Fact], book: FactBook, idf: Mapping[str, float],
               doc_year: int | None, passages: Sequence[str] = ()) -> Share | None:
    """The part and the whole of a share the ask wants, from the report's counts, or None."""
    if not asked.wants_rate or asked.operation != "value" or not facts:
        return None
    intents = load_intents()
    count = as_count(asked)
    if asked.share is not None:
        named = _named_share(count, asked.share, facts, book, idf, doc_year, passages)
        if named is not None or (asked.share.part.said and (asked.share.part.stems or side_words(asked.share.part))):
            return named  # an English part said in words the report would use: no other figure is it
    matches = score_facts(count, facts, book, idf, doc_year, dense_below=float("-inf"), passages=passages)
    usable = [m for m in matches if m.ok and not m.fact.row.derived and m.fact.row.span
              and intents.family(m.fact.row.unit) not in _NOT_COUNTED and intents.family(m.fact.row.unit)
              and m.fact.row.value > 0]
    stated = _whole_in_question(asked.text)
    english = bool(asked.phrase) or bool(asked.said and asked.said != asked.measure)
    floor = ENGLISH_PART_FLOOR if english else PART_FLOOR
    best: tuple[float, Share] | None = None
    for part in usable:
        if part.score < floor:
            break  # best first: no later part matches well enough
        for whole in usable:
            if whole is part or not _whole_of(whole.fact, part.fact):
                continue
            if not _says_part(count, part.fact, whole.fact, book, english):
                continue
            if stated and not any(v == whole.fact.row.value and intents.family(u) == intents.family(
                    whole.fact.row.unit) for v, u in stated):
                continue
            score = part.score + 0.5 * whole.score
            if best is None or score > best[0]:
                best = (score, Share(part, whole))
    return best[1] if best else None


def _says_part(count: Asked, part: Fact, whole: Fact, book: FactBook, english: bool) -> bool:
    """Whether the two counts say the share asked: for a Chinese ask, the part's own words hold a word of the
    ask the whole's lack (what tells the part from the whole: 予以公开 of 收到申请) and every word of the ask
    is in the one or the other ("胜诉率" is not 败诉 of 案件)."""
    words = [t for t in dict.fromkeys(book.tokenizer.tokens(count.measure)) if len(t) > 1 and not t.isdigit()]
    if not words:
        return False
    part_text = f"{part.measure} {part.clause}"
    whole_text = f"{whole.measure} {whole.clause}"
    # An English ask's words are the dictionary's: the part need only say one of them (meaning ranked it).
    if not any(w in part.tokens and (english or w not in whole.tokens) for w in words):
        return False
    both = f"{part_text} {whole_text}"
    have = {both[i:i + 2] for i in range(len(both) - 1)}

    def said(word: str) -> bool:  # in their words, or by half its character pairs ("被纠错" by 纠错)
        pairs = {word[i:i + 2] for i in range(len(word) - 1)}
        return word in both or (len(pairs) > 1 and 2 * len(pairs & have) >= len(pairs))

    return english or all(said(w) for w in words)


def _whole_of(whole: Fact, part: Fact) -> bool:
    """Whether one figure is the whole another is a part of: one unit family, stated first and near it
    (its sentence or the one before), not smaller, not the same figure."""
    intents = load_intents()
    w, p = whole.row, part.row
    if intents.family(w.unit) != intents.family(p.unit) or w.value < p.value:
        return False
    if w.span is None or p.span is None:
        return False
    if w.span[0] > p.span[0]:  # "网站发布5230条，微博发布840条，共6070条": a total after its parts
        return w.sentence == p.sentence and _is_total(w)
    if w.span[0] == p.span[0]:
        return False
    if w.sentence == p.sentence:
        return not siblings(whole, part)
    # The sentence after the whole's: only a part it says is one ("其中助力化解98件").
    lead = load_intents().subset_of.match((p.sentence or "").lstrip())
    return w.section == p.section and lead is not None and p.span[0] - w.span[1] <= NEAR


def _is_total(row: MetricRow) -> bool:
    """Whether a figure is a total stated after its parts ("…，共189项")."""
    sentence = row.sentence or ""
    return share_words().total_before.search(sentence[:max(0, sentence.find(row.written or "\0"))][-6:]) is not None


def _bare_total(fact: Fact) -> bool:
    """A total that names nothing but itself ("共189项"): the whole of the list before it."""
    label = re.sub(r"[^\u4e00-\u9fff]", "", fact.measure.replace(fact.row.written or "\0", ""))
    return _is_total(fact.row) and len(re.sub(r"共计|合计|总计|累计|总共|一共|共", "", label)) < 2


def siblings(a: Fact, b: Fact) -> bool:
    """Whether two figures of one sentence are items of one list, neither the other's whole: joined by 、
    ("市级任务58项、县级任务131项"), or both after the words that open a breakdown ("其中当面申请9件，网络申请41件")
    and counting alike (their labels end alike). Not a total and its items: "收到56件，其中…", "…，共189项"."""
    if a.row.sentence != b.row.sentence or a.row.span is None or b.row.span is None:
        return False
    first, second = (a, b) if a.row.span[0] < b.row.span[0] else (b, a)
    sentence = first.row.sentence or ""
    at = sentence.find(first.row.written or "\0")
    then = sentence.find(second.row.written or "\0", at + len(first.row.written or "") if at >= 0 else 0)
    if at < 0 or then < 0:
        return False
    words = share_words()
    between = sentence[at + len(first.row.written or ""):then]
    if words.list_lead.search(between) or _is_total(second.row):
        return False  # the first heads the list the second is in; or the second totals the first
    if "、" in between:  # an item with its own label ("、县级任务131项"), not a bare figure of 分别为62件、55件
        return len(re.findall(r"[\u4e00-\u9fff]", between.rsplit("、", 1)[1])) >= 2
    ends = {f.measure.strip()[-1:] for f in (first, second)}
    return words.list_lead.search(sentence[:at]) is not None and len(ends) == 1 and "" not in ends


def _whole_in_question(text: str) -> list[tuple[float, str]]:
    """Counts the question states as the whole ("346件纠纷中…占多少"): (value, unit)."""
    return [(float(f.value), f.unit) for f in figures(text) if f.unit and not f.is_calendar()
            and not re.fullmatch(r"(?:19|20)\d{2}", f.value)]


# A whole named by the question may stand this far from its part (same section): a paragraph.
WHOLE_SPAN = 2 * NEAR
# A whole whose own words say the whole named weighs this much more (收到申请, not 答复, for "申请"); an English
# part's figure this much more for saying all its words rather than none (复议 and 行政, not 行政 alone).
WHOLE_SAID = 0.2
PART_SAID = 0.3


def _side_ask(count: Asked, side: Side) -> Asked:
    """One side of a share as an ask of its own: its words alone (an English side: its words and meaning)."""
    english = bool(side.said)
    return replace(count, measure=side.measure or (count.measure if not english else ""), focus="", context="",
                   alternatives=[], metrics=[], units=[], said=side.said or side.measure or count.measure,
                   phrase="", terms=(), slots=side.slots, share=None, stage=None, per_head=())


def _usable(matches: Sequence[Match]) -> list[Match]:
    intents = load_intents()
    return [m for m in matches if m.ok and not m.fact.row.derived and m.fact.row.span and m.fact.row.value > 0
            and intents.family(m.fact.row.unit) and intents.family(m.fact.row.unit) not in _NOT_COUNTED]


def _named_share(count: Asked, sides: ShareSides, facts: Sequence[Fact], book: FactBook, idf: Mapping[str, float],
                 doc_year: int | None, passages: Sequence[str]) -> Share | None:
    """The share whose part and whole the question names: the part's words (or a rate's stem words) in the
    part's own measure, the whole's words in the whole's, one unit family, near each other."""
    english = bool(sides.part.said)
    # A Chinese part is held to saying every word it names (with its whole), so its score may run lower.
    floor = ENGLISH_PART_FLOOR if english else NAMED_PART_FLOOR
    dense = float("-inf") if not english else PART_FLOOR
    if sides.part.stems:  # the part said in the report's words: only a figure saying one of them
        parts = _usable([Match(f, 1.0, None) for f in facts if any(w in f.measure for w in sides.part.stems)])
    else:
        parts = [m for m in _usable(score_facts(_side_ask(count, sides.part), facts, book, idf, doc_year,
                                                dense_below=dense, passages=passages))
                 if m.score >= floor]
        if english and (words := side_words(sides.part)):  # only a figure whose label says a word of the part
            parts = [m for m in parts if any(w in m.fact.measure for w in words)]
            have = {id(m.fact) for m in parts}
            parts += _usable([Match(f, 0.5, None) for f in facts
                              if id(f) not in have and any(w in f.measure for w in words)])
            # The labels saying most of it first, a word many labels say ("news": 信息) weighing less.
            rarity = _rarity(words, facts)
            parts.sort(key=lambda m: -_weighted_hits(sides.part, m.fact, None, rarity))
    if not parts:
        return None
    wholes: list[Match] = []
    if sides.whole is not None:
        wholes = [m for m in _usable(score_facts(_side_ask(count, sides.whole), facts, book, idf, doc_year,
                                                 dense_below=dense, passages=passages)) if m.score >= floor]
        if english:  # a figure whose label says a word of it (a glossary term, a dictionary reading)
            have = {id(m.fact) for m in wholes}
            wholes += _usable([Match(f, floor, None) for f in facts
                               if id(f) not in have and _hits(sides.whole, f, None) > 0])
    everything = _usable([Match(f, 1.0, None) for f in facts])
    rarity = _rarity(side_words(sides.part), facts) if english else {}
    best: tuple[float, Share] | None = None
    for part in parts[:8]:
        if sides.whole is not None and wholes:
            # The part's sentence has a whole of its own only where that one is of the whole named (答复128件，
            # 其中同意公开76件: the share of the requests received is of 收到申请131件 before it).
            said = [w for w in wholes if w.fact is not part.fact and _says_whole(sides.whole, w.fact, book)]
            named = said or [w for w in wholes if w.fact is not part.fact]
            pool = [(w, w.score + (WHOLE_SAID if w in said else 0.0)) for w in wholes
                    if w.fact is not part.fact and _may_be_whole(w.fact, part.fact)
                    and _no_whole_of_its_own(w.fact, part.fact, everything, named)
                    and not (sides.part.stems and any(x in w.fact.measure for x in sides.part.stems))]
            # A bare total of the part's list ("…县级任务131项，共189项") is the whole its items share.
            pool += [(Match(w, 0.5, None), 0.5) for w in (m.fact for m in everything)
                     if w is not part.fact and _bare_total(w) and _whole_of(w, part.fact)
                     and all(w is not x.fact for x, _ in pool)]
        elif sides.whole is not None and not english and sides.whole.measure:
            # A whole named and not given ("占全市的比例" where the report counts only the county's): no share.
            pool = [(Match(w, 0.5, None), 0.5) for w in (m.fact for m in everything) if w is not part.fact
                    and _whole_of(w, part.fact) and _says_all(sides.whole.measure, w, part.fact, book=book)]
        else:  # no whole named (or none found by its words): the total the part stands under, or a larger
            # count before it in its section (收到申请56件…。本年度予以公开23件)
            pool = [(Match(w, 0.5 if _whole_of(w, part.fact) else 0.3, None), 0.5 if _whole_of(w, part.fact) else 0.3)
                    for w in (m.fact for m in everything)
                    if w is not part.fact and (_whole_of(w, part.fact) or (
                        _may_be_whole(w, part.fact) and _no_whole_of_its_own(w, part.fact, everything)))]
        if english and not sides.part.stems and side_words(sides.part):  # its label says the part, the whole's not
            pool = [(w, x) for w, x in pool if said_by(sides.part, part.fact, w.fact)]
        if not english and not sides.part.stems:  # the part and the whole say the part's every word
            pool = [(w, x) for w, x in pool if _says_all(sides.part.measure, part.fact, w.fact, book=book)
                    and _tells_apart(sides.part.measure, part.fact, w.fact, book)]
        # A whole that is itself a part of a larger count ("其中网络申请40件") is the less likely whole.
        pool = [(w, x - 0.25 if any(_whole_of(o.fact, w.fact) for o in everything) else x) for w, x in pool]
        for whole, wscore in pool:
            near = abs(whole.fact.row.span[0] - part.fact.row.span[0]) / WHOLE_SPAN  # type: ignore[index]
            score = part.score + wscore - 0.2 * near
            if english and not sides.part.stems and (groups := len(_readings(sides.part.said, sides.part.measure))):
                score += PART_SAID * _weighted_hits(sides.part, part.fact, whole.fact, rarity) / groups
            if best is None or score > best[0]:
                best = (score, Share(part, whole))
    return best[1] if best else None


def _may_be_whole(whole: Fact, part: Fact) -> bool:
    """Whether a figure the question names as the whole may be the part's: one unit family, larger, in the
    part's section and near it (before it, or after it as a total in its sentence), not a count of
    another kind of case (lawsuits are no part of reconsiderations)."""
    intents = load_intents()
    w, p = whole.row, part.row
    if intents.family(w.unit) != intents.family(p.unit) or w.value <= p.value or w.span is None or p.span is None:
        return False
    if w.section != p.section or abs(w.span[0] - p.span[0]) > WHOLE_SPAN:
        return False
    if w.sentence == p.sentence and siblings(whole, part):
        return False
    if w.span[0] > p.span[0] and (w.sentence != p.sentence or not _is_total(w)):
        return False  # after the part only as its sentence's total ("…，共189项"; not 复议4件，诉讼5件)
    kinds = english_asks().case_kinds
    said_w = {n for n, ws in enumerate(kinds) if any(x in whole.measure for x in ws)}
    said_p = {n for n, ws in enumerate(kinds) if any(x in part.measure for x in ws)}
    return not (said_w and said_p and not said_w & said_p)


def _says_all(measure: str, *facts: Fact, book: FactBook) -> bool:
    """Whether the figures' own words say every word of a side the question names ("政务微博" is not said by
    "政务微信公众号发布信息"): each word, half its character pairs, or two of three of a longer word's
    characters ("下一年" by 下年度)."""
    text = " ".join(f"{f.measure} {f.clause}" for f in facts)
    have = {text[i:i + 2] for i in range(len(text) - 1)}
    for word in (t for t in dict.fromkeys(book.tokenizer.tokens(measure)) if len(t) > 1 and not t.isdigit()):
        pairs = {word[i:i + 2] for i in range(len(word) - 1)}
        chars = len(word) > 2 and 3 * sum(c in text for c in word) >= 2 * len(word)
        if word not in text and 2 * len(pairs & have) < len(pairs) and not chars:
            return False
    return True


def _tells_apart(measure: str, part: Fact, whole: Fact, book: FactBook) -> bool:
    """Whether the part's own words hold a word of the ask the whole's lack (予以公开 of 收到申请)."""
    words = [t for t in dict.fromkeys(book.tokenizer.tokens(measure)) if len(t) > 1 and not t.isdigit()]
    return any(w in part.tokens and w not in whole.tokens for w in words)


def stated_fits(asked: Asked, fact: Fact, book: FactBook) -> bool:
    """Whether a stated rate may answer a share the question names by its part: its words say the part
    ("结案率" is not 履行率; "网上信访占比" is 经网上信访平台提交的信访件占比). Other figures: not judged here."""
    sides = asked.share
    if sides is None or fact.row.unit not in {"%", "‰"} or fact.row.metric in asked.metrics:
        return True  # the catalogue's own rate (出庭比例 for 出庭应诉率) says it whatever its words
    if sides.part.stems:
        return any(w in fact.measure for w in sides.part.stems)
    if sides.part.said:  # an English part: its words said by the rate's ("anonymous" is not 满意率)
        return said_by(sides.part, fact, None)
    return _says_all(sides.part.measure, fact, book=book)


def side_words(side: Side) -> frozenset[str]:
    """The Chinese words an English side may be said in: its glossary terms (the county's 县 too) and the
    dictionary's readings of its other words, each of two characters or more; empty where none is known."""
    return frozenset(w for group in _readings(side.said, side.measure) for w in group)


@lru_cache(maxsize=512)
def _readings(said: str, measure: str) -> tuple[frozenset[str], ...]:
    """An English side's words, one group each: a glossary term's Chinese, or a word's dictionary readings."""
    from rag.domain.english import candidates
    from rag.question.understanding import glossary_terms

    bridged, _ = glossary_terms(said)
    groups = [frozenset({t}) for t in dict.fromkeys([*measure.split(), *re.findall(r"[\u4e00-\u9fff]+", bridged)])]
    words = share_words()
    groups += [frozenset(zh) for en, zh in (*words.en_part_words, *words.en_side_words) if en.search(said)]
    filler = words.en_side_filler
    for word in dict.fromkeys(re.findall(r"[a-z][a-z'\-]+", said.lower())):  # a glossary word's readings too
        # "work-news": the joined word's readings, else its pieces' (one group each)
        pieces = [word] if "-" not in word or candidates(word) else word.split("-")
        for piece in pieces:
            if piece not in filler and (found := frozenset(c for c in candidates(piece) if len(c) >= 2)):
                groups.append(found)
    return tuple(groups)


def _hits(side: Side, fact: Fact, whole: Fact | None) -> int:
    """How many of an English side's words a figure's label says (and the whole's does not)."""
    lack = whole.measure if whole is not None else ""
    return sum(any(w in fact.measure and w not in lack for w in group) for group in _readings(side.said, side.measure))


def _rarity(words: frozenset[str], facts: Sequence[Fact]) -> dict[str, float]:
    """Each reading said by some figure's label: one over how many labels say it."""
    counts = {w: sum(w in f.measure for f in facts) for w in words}
    return {w: 1.0 / n for w, n in counts.items() if n}


def _weighted_hits(side: Side, fact: Fact, whole: Fact | None, rarity: Mapping[str, float]) -> float:
    """`_hits`, each word weighing by how few labels say it (部门 of one label over 信息 of four)."""
    lack = whole.measure if whole is not None else ""
    return sum(max((rarity.get(w, 0.0) for w in group if w in fact.measure and w not in lack), default=0.0)
               for group in _readings(side.said, side.measure))


def _says_whole(side: Side, fact: Fact, book: FactBook) -> bool:
    """Whether a figure's own words say the whole a question names (收到申请 says "申请"; 答复 does not)."""
    if side.said:
        return _hits(side, fact, None) > 0
    return bool(side.measure) and _says_all(side.measure, fact, book=book)


def said_by(side: Side, fact: Fact, whole: Fact | None) -> bool:
    """Whether a figure's own label says an English side in words the whole's lacks ("county-level ones": 县级
    of 专项检查任务); true where the side's words are known in no Chinese word (meaning has chosen)."""
    return not side_words(side) or _hits(side, fact, whole) > 0


def _no_whole_of_its_own(whole: Fact, part: Fact, facts: Sequence[Match], named: Sequence[Match] | None = None) -> bool:
    """A whole in another sentence is the part's only when the part's own sentence gives it none ("受理行政复议
    案件96件，审结88件" is no part of the hotline's 5.8万件 before it). Where the question names the whole, a
    whole of the part's sentence that does not say it stands aside unless it counts another kind of case
    (答复128件 of the requests received: the share of the requests is of 收到申请131件)."""
    if whole.row.sentence == part.row.sentence:
        return True
    kinds = english_asks().case_kinds

    def kind(fact: Fact) -> set[int]:
        return {n for n, ws in enumerate(kinds) if any(x in fact.measure for x in ws)}

    said = {id(m.fact) for m in named} if named is not None else None
    return not any(o.fact is not part and o.fact.row.sentence == part.row.sentence and _whole_of(o.fact, part)
                   and (said is None or id(o.fact) in said or kind(o.fact) - kind(whole))
                   for o in facts)
