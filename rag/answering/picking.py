"""Extractive answers: pick the sentence that answers, then the figure in it that was asked for.

The answer is short (the figure with its unit, scope and period, as the report words them) and the
citation carries the full passage. Nothing here knows any region or metric by name: sentences are
scored by the question's words weighted by their rarity in the store, figures by the words of their
own clause and by the unit the question asks for (多少件 → 件).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.domain.intents import load_intents
from rag.retrieval.retriever import Hit
from rag.retrieval.tokenizer import Tokenizer
from rag.text.figures import Figure, figures
from rag.text.sentences import sentence_spans

_CLAUSE_END = re.compile(r"[，,；;。！？!?：:]")
_JOINT = re.compile(r"以及|和|及|与|、")


@dataclass(frozen=True)
class Candidate:
    hit_rank: int
    hit: Hit
    sentence: str
    score: float


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    figure: Figure
    score: float

    @property
    def clause(self) -> str:
        return figure_phrase(self.candidate.sentence, self.figure)


def scoring_phrase(sentence: str, fig: Figure) -> str:
    """The figure's phrase plus, for a later item of a list ("细化为党委…24项职责和政府…29项职责"),
    the lead the list items share, so every item is judged on the same lead and its own label."""
    phrase = figure_phrase(sentence, fig)
    stop = _CLAUSE_END.search(sentence, fig.end)
    end = stop.start() if stop else len(sentence)
    items = [f for f in figures(sentence) if fig.clause_start <= f.start and f.end <= end]
    if len(items) < 2 or items[0] == fig:
        return phrase
    first, second = items[0], items[1]
    joints = list(_JOINT.finditer(sentence, first.end, second.start))
    if not joints:
        return phrase
    label_len = second.start - joints[-1].end()  # parallel items carry labels of similar length
    split = first.start - label_len
    return sentence[fig.clause_start : split] + " " + phrase if split > fig.clause_start else phrase


def change_role(sentence: str, fig: Figure) -> str | None:
    """A figure's place in a change from one level to another: "from" for 19 and "to" for 27 in
    "由19个调整为27个"; None for any other figure."""
    from_word, to_verb, _ = load_intents().from_to
    stop = _CLAUSE_END.search(sentence, fig.end)
    lead = sentence[fig.clause_start:fig.start]
    after = sentence[fig.end:stop.start() if stop else len(sentence)]
    # The later figure must follow the verb: "由3人调整为专人负责" is no change between two figures.
    if ((m := to_verb.match(after.lstrip())) and re.search(rf"(?:{from_word.pattern})[^，,；;。]{{0,8}}$", lead)
            and any(not f.is_calendar() for f in figures(after.lstrip()[m.end():]))):
        return "from"
    if re.search(rf"(?:{to_verb.pattern})\s*$", lead) and from_word.search(lead) and any(
            f.end <= fig.start for f in figures(sentence[fig.clause_start:fig.start])):
        return "to"
    return None


def asks_earlier(ask: str) -> bool:
    """Whether a question asks the state before a change ("原来是多少个", "调整前"), not after it."""
    return bool(load_intents().from_to[2].search(ask))


def figure_phrase(sentence: str, fig: Figure) -> str:
    """A figure's own phrase: its clause through to the next break (so the noun after the unit comes
    along), narrowed at 和/及/、 when the clause lists other figures ("24项职责和…29项职责"), and ended
    before the next figure that counts something else ("27个部门单位的278项事项")."""
    stop = _CLAUSE_END.search(sentence, fig.end)
    start, end = fig.clause_start, stop.start() if stop else len(sentence)
    others = [f for f in figures(sentence) if fig.clause_start <= f.start and f.end <= end and f != fig]
    before = [f for f in others if f.end <= fig.start]
    after = [f for f in others if f.start >= fig.end]
    if before and (joints := list(_JOINT.finditer(sentence, before[-1].end, fig.start))):
        start = joints[-1].end()
    if after and (joint := _JOINT.search(sentence, fig.end, after[0].start)):
        end = joint.start()
    elif counted := [f for f in after if not f.is_calendar()]:
        # "27个部门单位的278项行政许可事项": the phrase of 27 ends after its own noun (部门单位); the noun
        # after 278 counts 278, not 27.
        end = counted[0].start
    return sentence[start:end].strip(" ,，、").rstrip("的")


# A report's title line ("X县教育局2023年政府信息公开工作年度报告") or a heading without figures ("三、行政复议、
# 行政诉讼情况") names a part and says nothing of it: it never answers, however many words the question shares.
_TITLE_LINE = re.compile(r"^[^，,。；;：:！？!?]{4,80}(?:报告|年报|报告书)\s*$"
                         r"|^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])[^，,。；;！？!?\d]{0,40}$")


def sentences(hits: Sequence[Hit]) -> list[tuple[int, Hit, str]]:
    out = []
    for rank, hit in enumerate(hits):
        for a, b in sentence_spans(hit.chunk.text):
            sentence = hit.chunk.text[a:b]
            if not _TITLE_LINE.match(sentence.strip()):
                out.append((rank, hit, sentence))
    return out


def weighted_overlap(query_tokens: set[str], text_tokens: set[str], idf: dict[str, float]) -> float:
    return sum(idf.get(t, 1.0) for t in query_tokens & text_tokens)


def rank_sentences(question_tokens: set[str], hits: Sequence[Hit], tokenizer: Tokenizer,
                   idf: dict[str, float], required: Sequence[str] = ()) -> list[Candidate]:
    """Sentences of the hits, best first; with `required` terms, only sentences containing one."""
    ranked = []
    for rank, hit, sentence in sentences(hits):
        if required and not any(term in sentence for term in required):
            continue
        tokens = set(tokenizer.tokens(sentence))
        score = weighted_overlap(question_tokens, tokens, idf) - 0.15 * rank
        ranked.append(Candidate(rank, hit, sentence, score))
    ranked.sort(key=lambda c: -c.score)
    return ranked


def sub_questions(text: str) -> list[str]:
    """A question asking for several figures (…多少件？其中…多少件？) split into one ask each."""
    intents = load_intents()
    parts = [p.strip() for p in intents.part_break.split(text) if p and p.strip()]
    asks = [p for p in parts if intents.ask_word.search(p)]
    if len(asks) <= 1:
        return [text]
    # Each ask keeps the shared lead (region, year, verb) so it can still be matched alone.
    return asks


def pick_figure(ask: str, candidates: Sequence[Candidate], tokenizer: Tokenizer, idf: dict[str, float],
                units: Sequence[str], exclude: Sequence[Figure] = ()) -> Pick | None:
    """The figure that answers `ask`: its clause shares the ask's words, its unit matches."""
    ask_tokens = set(tokenizer.tokens(ask))
    # The words right before the ask (…，决定废止了几件) name what is counted: they weigh double.
    focus = set(tokenizer.tokens(re.split(r"[,，;；:：]", ask)[-1]))
    wants_rate = bool(load_intents().rate.search(ask))
    best: Pick | None = None
    pool = [(cand, fig) for cand in candidates[:12] for fig in figures(cand.sentence)
            if not fig.is_calendar() and not any(fig.value == e.value and fig.unit == e.unit for e in exclude)]
    if wants_rate and any(fig.unit == "%" for _, fig in pool):
        pool = [(cand, fig) for cand, fig in pool if fig.unit == "%"]  # a rate is answered by a percentage
    earlier = asks_earlier(ask)
    for cand, fig in pool:
        phrase = set(tokenizer.tokens(scoring_phrase(cand.sentence, fig)))
        score = (weighted_overlap(ask_tokens, phrase, idf) + weighted_overlap(focus, phrase, idf)) * 1.5
        role = change_role(cand.sentence, fig)
        if role is not None and (role == "from") != earlier:
            score -= 3.0  # "由19个调整为27个": the state asked (after, unless the ask says before) answers
        score += cand.score * 0.5
        if units:
            score += 4.0 if fig.unit in units else -4.0
        if wants_rate:
            score += 3.0 if fig.unit == "%" else -3.0
        elif fig.unit == "%":
            score -= 2.0
        if not fig.unit:
            score -= 2.0
        if best is None or score > best.score:
            best = Pick(cand, fig, score)
    return best
