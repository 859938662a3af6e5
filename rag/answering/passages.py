"""Answerers over retrieved passages: the extractive lookup, the section summary, the refusal."""

from __future__ import annotations

from rag.answering import extractive
from rag.answering.chain import EvidenceSet
from rag.answering.drafts import Draft, refusal
from rag.answering.format import asked_words, english_words, region_en
from rag.domain.catalogue import load_catalogue
from rag.question.quantities import said_phrase
from rag.question.understanding import Question
from rag.retrieval.tokenizer import Tokenizer
from rag.store.database import Store


def required_terms(q: Question, store: Store, doc_ids: list[str] | None) -> list[str]:
    """What a sentence must contain to answer a question about a catalogue metric: one of the
    metric's names, or a figure the metrics table recorded for it in the documents in scope."""
    if not q.metrics:
        return []
    catalogue = load_catalogue()
    terms: list[str] = []
    for key in q.metrics:
        metric = catalogue.metrics.get(key)
        if metric is not None:
            terms.extend(metric.synonyms)
        rows = store.metric_rows(metric=key) if doc_ids is None else store.metric_rows_in(doc_ids, [key])
        terms.extend(r.written for r in rows if r.written and not r.derived)
    return terms


def asks_rate(q: Question) -> bool:
    catalogue = load_catalogue()
    return any((m := catalogue.metrics.get(k)) is not None and m.kind == "rate" for k in q.metrics)


def extractive_lookup(q: Question, ev: EvidenceSet, store: Store, tokenizer: Tokenizer) -> Draft | None:
    """The sentence (and figure) of the passages that answers."""
    required = required_terms(q, store, ev.scope.doc_ids)
    draft = extractive.lookup(q, ev.hits, ev.docs, tokenizer, ev.idf, required)
    if draft is None and required and not asks_rate(q):
        # Synonym lists are never complete; a count may be worded another way. A rate is not
        # guessed: if no sentence names it, the report did not disclose it.
        draft = extractive.lookup(q, ev.hits, ev.docs, tokenizer, ev.idf)
    return draft


class PassageAnswerer:
    """The extractive answer, unless it gives a figure the fact answerers before it ruled out or
    found to fit none of the asks."""

    name = "passages"
    reads = ("vetoed", "fact_scores", "facts_seen")
    writes = ()

    def __init__(self, store: Store, tokenizer: Tokenizer) -> None:
        self.store, self.tokenizer = store, tokenizer

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        draft = extractive_lookup(question, evidence, self.store, self.tokenizer)
        if draft is not None and (_gives_vetoed(draft, evidence) or _misfits(draft, evidence)):
            return None
        return draft


# A passage answer whose figure is a fact that fits the ask this poorly gives a neighbouring figure
# (the 政务服务 count for a 复议 question): refused instead. Below the facts threshold, on purpose: the
# passage answer's own sentence scoring has already chosen it.
PASSAGE_FLOOR = 0.3


def _misfits(draft: Draft, evidence: EvidenceSet) -> bool:
    """Whether every figure the draft states is a fact that fits none of the asks."""
    notes = evidence.notes
    if not notes.fact_scores or not draft.evidence:
        return False
    answer = "".join(draft.answer.split())
    quotes = [e.quote for e in draft.evidence]
    scores = []
    for fact in notes.facts_seen:
        written = "".join((fact.row.written or "").split())
        sentence = fact.row.sentence
        if written and written in answer and any(sentence in q or q in sentence for q in quotes):
            scores.append(notes.fact_scores.get(id(fact.row), -1.0))
    return bool(scores) and max(scores) < PASSAGE_FLOOR


def _gives_vetoed(draft: Draft, evidence: EvidenceSet) -> bool:
    """Whether the draft states a figure the facts answerer found and ruled out for this ask."""
    answer = "".join(draft.answer.split())
    quotes = {e.quote for e in draft.evidence}
    for fact in evidence.notes.vetoed:
        written = "".join((fact.row.written or "").split())
        sentence = fact.row.sentence
        if written and written in answer and any(sentence in q or q in sentence for q in quotes):
            return True
    return False


class SummaryAnswerer:
    name = "summary"
    reads = ()
    writes = ()

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        return extractive.summary(question, evidence.hits, evidence.chunks_by_doc, evidence.docs,
                                  self.tokenizer, evidence.idf)


class RefusalAnswerer:
    """The most specific refusal an earlier answerer gave, else a plain "not found" naming the measure."""

    name = "refusal"
    reads = ("refusals",)
    writes = ()

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        if evidence.notes.refusals:
            return evidence.notes.refusals[0]
        if question.english:
            words = english_words()
            # The question as the user asked it, quoted; a follow-up's carried measure as the conversation said it.
            said = (asked_words(a.said, None, english=True) for a in evidence.asks) if question.wants_number else ()
            what = said_phrase(question) or next((w for w in said if w), "")
            if not what:
                text = words["not_found_plain"].format(who=", ".join(region_en(r) for r in question.regions)
                                                       or words["not_found_any"])
            elif question.regions:
                text = words["not_found"].format(who=", ".join(region_en(r) for r in question.regions), what=what)
            else:
                text = words["not_found_collection"].format(what=what)
            return refusal(text[0].upper() + text[1:], final=True)
        who = "、".join(question.regions) if question.regions else "收录的"
        what = ""
        if question.metrics:
            metric = load_catalogue().metrics.get(question.metrics[0])
            what = metric.label if metric else ""
        return refusal(f"{who}报告中没有找到{what or '与这个问题相关的内容'}。", final=True)


__all__ = ["PassageAnswerer", "RefusalAnswerer", "SummaryAnswerer"]
