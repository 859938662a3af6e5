"""Answerers over retrieved passages: the extractive lookup, the section summary, the LLM, the refusal."""

from __future__ import annotations

import re

from rag.answering import extractive
from rag.answering.chain import EvidenceSet
from rag.answering.drafts import Draft, Evidence, refusal
from rag.answering.llm import LLMAnswerer, Passage, is_not_found
from rag.domain.catalogue import load_catalogue
from rag.question.understanding import Question
from rag.retrieval.retriever import Hit
from rag.schema import Document
from rag.stages import stage
from rag.store.database import ChunkRow, Store
from rag.text.figures import number_occurs, numbers_in
from rag.text.sentences import split_sentences


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


def extractive_lookup(q: Question, ev: EvidenceSet) -> Draft | None:
    """The sentence (and figure) of the passages that answers; cached on the evidence for the LLM."""
    cached = ev.__dict__.get("_extractive", False)
    if cached is not False:
        return cached
    required = required_terms(q, ev.parts.store, ev.scope.doc_ids)
    draft = extractive.lookup(q, ev.hits, ev.docs, ev.parts.tokenizer, ev.idf, required)
    if draft is None and required and not asks_rate(q):
        # Synonym lists are never complete; a count may be worded another way. A rate is not
        # guessed: if no sentence names it, the report did not disclose it.
        draft = extractive.lookup(q, ev.hits, ev.docs, ev.parts.tokenizer, ev.idf)
    ev.__dict__["_extractive"] = draft
    return draft


class PassageAnswerer:
    name = "passages"

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        draft = extractive_lookup(question, evidence)
        if draft is not None and (_gives_vetoed(draft, evidence) or _misfits(draft, evidence)):
            return None
        return draft


# A passage answer whose figure is a fact that fits the ask this poorly gives a neighbouring figure
# (the 政务服务 count for a 复议 question): refused instead. Below the facts threshold, on purpose: the
# passage answer's own sentence scoring has already chosen it.
PASSAGE_FLOOR = 0.3


def _misfits(draft: Draft, evidence: EvidenceSet) -> bool:
    """Whether every figure the draft states is a fact that fits none of the asks."""
    if not evidence.fact_scores or not draft.evidence:
        return False
    answer = "".join(draft.answer.split())
    quotes = [e.quote for e in draft.evidence]
    scores = []
    for fact in evidence.facts_seen:
        written = "".join((fact.row.written or "").split())
        sentence = fact.row.sentence
        if written and written in answer and any(sentence in q or q in sentence for q in quotes):
            scores.append(evidence.fact_scores.get(id(fact.row), -1.0))
    return bool(scores) and max(scores) < PASSAGE_FLOOR


def _gives_vetoed(draft: Draft, evidence: EvidenceSet) -> bool:
    """Whether the draft states a figure the facts answerer found and ruled out for this ask."""
    answer = "".join(draft.answer.split())
    quotes = {e.quote for e in draft.evidence}
    for fact in evidence.vetoed:
        written = "".join((fact.row.written or "").split())
        sentence = fact.row.sentence
        if written and written in answer and any(sentence in q or q in sentence for q in quotes):
            return True
    return False


class SummaryAnswerer:
    name = "summary"

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        return extractive.summary(question, evidence.hits, evidence.chunks_by_doc, evidence.docs,
                                  evidence.parts.tokenizer, evidence.idf)


class LLMPassageAnswerer:
    """The LLM's grounded answer over the top passages. It rephrases evidence; it does not overrule a
    finding that a named metric is undisclosed, and a "not found" from it leaves the next answerer to try."""

    name = "llm"

    def __init__(self, llm: LLMAnswerer | None, top_k: int) -> None:
        self.llm = llm
        self.top_k = top_k

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        if self.llm is None or question.route not in {"lookup", "summary"} or not evidence.hits:
            return None
        fallback = extractive_lookup(question, evidence)
        if fallback is None and question.metrics:
            return None
        if evidence.llm_drafter is not None:  # a door's own LLM step (rag/streaming.py streams tokens)
            return evidence.llm_drafter(question, evidence.hits, evidence.docs, fallback)
        top = evidence.hits[: self.top_k]
        passages = [Passage(i + 1, llm_label(h.chunk, evidence.docs), h.chunk.text) for i, h in enumerate(top)]
        with stage("llm"):
            result = self.llm.answer(question.original, passages)
        if result is None or is_not_found(result.text):
            return None
        renumber = {n: i + 1 for i, n in enumerate(result.cited)}
        text = re.sub(r"\[(\d{1,2})\]", lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]", result.text)
        cited = [Evidence(top[n - 1].chunk, quote_for(result.text, top[n - 1].chunk.text)) for n in result.cited]
        return Draft(text, True, question.route, cited)


class RefusalAnswerer:
    """The most specific refusal an earlier answerer gave, else a plain "not found" naming the measure."""

    name = "refusal"

    def answer(self, question: Question, evidence: EvidenceSet) -> Draft | None:
        if evidence.refusals:
            return evidence.refusals[0]
        who = "、".join(question.regions) if question.regions else "收录的"
        what = ""
        if question.metrics:
            metric = load_catalogue().metrics.get(question.metrics[0])
            what = metric.label if metric else ""
        return refusal(f"{who}报告中没有找到{what or '与这个问题相关的内容'}。", final=True)


def llm_label(chunk: ChunkRow, docs: dict[str, Document]) -> str:
    doc = docs.get(chunk.doc_id)
    return " · ".join(str(p) for p in (doc.region if doc else None, doc.year if doc else None, chunk.section) if p)


def quote_for(answer: str, passage: str) -> str:
    """The passage sentence that carries the answer's numbers (else its first sentence)."""
    sentences = split_sentences(passage)
    stated = numbers_in(answer)
    for sentence in sentences:
        if any(number_occurs(n, sentence) for n in stated):
            return sentence
    return sentences[0] if sentences else passage


__all__ = ["Hit", "LLMPassageAnswerer", "PassageAnswerer", "RefusalAnswerer", "SummaryAnswerer"]
