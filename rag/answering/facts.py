"""The facts answerer: each asked quantity answered from the best-matching fact of the report in
scope, with unit, period and scope, cited; or refused plainly, naming the measure and the nearest
figure the report does give (labelled as a different measure)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rag.answering.chain import EvidenceSet, Noted, Notes
from rag.answering.drafts import Draft, Evidence
from rag.answering.format import (
    asked_words,
    caveat,
    caveat_en,
    chunk_for,
    display,
    display_en,
    english_words,
    label,
    label_en,
    region_en,
)
from rag.answering.matching import PASSAGES_READ, Fact, FactBook, Match, resolve_subunit, score_facts
from rag.answering.shares import Share, find_share, stated_fits
from rag.domain.intents import load_intents
from rag.question.quantities import Asked
from rag.question.scope import issued_by
from rag.question.understanding import Question
from rag.schema import Document, MetricRow
from rag.store.database import ChunkRow
from rag.store.snapshot import latest_of
from rag.text.figures import figures

# Minimum measure score for a fact to answer; chosen from the sweep (evals/sweep_facts.py, README).
THRESHOLD = 0.66
# A near miss: a fact whose words match this well but which may not answer (other unit, a change, a
# town's figure) is named beside the refusal as a different measure.
NEAREST = 0.6
# A stated share this close (in points) to the one computed from its counts is the same share, as stated.
STATED_SHARE = 0.6


@dataclass
class Finding:
    asked: Asked
    doc: Document
    best: Match | None  # the answering fact, if one passes
    nearest: Match | None  # the best fact that did not pass, for the refusal
    ruled_out: list[Match]  # facts whose words match but which may not answer (unit, change, scope, year)
    candidates: tuple[Match, ...] = ()  # the facts that may answer, best first
    facts: tuple[Fact, ...] = ()  # every fact of the report, scored
    matches: tuple[Match, ...] = ()  # their scores against the ask, best first
    share: Share | None = None  # a share no stated rate gives, computed from the report's part and whole


def find(asked: Asked, doc: Document, book: FactBook, idf: Mapping[str, float], threshold: float,
         dense: bool = True, passages: Sequence[str] = ()) -> Finding:
    facts = book.facts([doc.doc_id])[doc.doc_id]
    if asked.subunit and (issued_by(doc, asked.subunit) or issued_by(doc, asked.subunit, book.text(doc.doc_id))):
        asked = replace(asked, subunit=None)  # the bureau's own report: its figures are the bureau's
    if asked.subunit:
        asked = replace(asked, subunit=resolve_subunit(asked.subunit, facts))
    # The dense model is asked where words alone fall short of the threshold (the sweep passes -inf);
    # `dense=False` decides by words alone (a probe over many reports, where phrase vectors cost most).
    dense_below = (threshold if threshold > 0 else THRESHOLD) if dense else float("-inf")
    matches = score_facts(asked, facts, book, idf, doc.year, dense_below=dense_below, passages=passages)
    # A share the question names by its part is stated only by a rate whose words say that part.
    best = next((m for m in matches if m.ok and stated_fits(asked, m.fact, book)), None)
    if best is not None and best.score < threshold:
        best = None
    nearest = next((m for m in matches if m is not best), None) if best is None else None
    ruled_out = [m for m in matches if (not m.ok or not stated_fits(asked, m.fact, book)) and m.score >= NEAREST]
    candidates = tuple(m for m in matches if m.ok and m.score >= threshold)
    # A stated rate answers as stated; only without one is a share computed from two counts.
    share = find_share(asked, facts, book, idf, doc.year, passages) if best is None and threshold > 0 else None
    if share is not None:
        # The report states that share beside its counts (纠错4件，纠错率为6.8%): the stated figure answers.
        near = {share.part.fact.row.sentence, share.whole.fact.row.sentence}
        stated = next((m for m in matches if m.ok and m.fact.row.sentence in near and not m.fact.row.derived
                       and abs(m.fact.row.value - share.percent) < STATED_SHARE), None)
        if stated is not None:
            best, share, nearest = stated, None, None
    return Finding(asked, doc, best, nearest if nearest and nearest.score >= NEAREST else None, ruled_out,
                   candidates, tuple(facts), tuple(matches), share)


def notes_of(findings: Iterable[Finding], vetoed: Sequence[Fact] = ()) -> Notes:
    """What the findings tell the passage answerer: how well each figure fits the ask (-1: ruled out),
    the facts scored, and the figures that may not answer."""
    scores: dict[int, float] = {}
    seen: list[Fact] = []
    for f in findings:
        seen.extend(f.facts)
        for m in f.matches:
            key = id(m.fact.row)
            scores[key] = max(scores.get(key, -1.0), m.score if m.ok else -1.0)
    return Notes(vetoed=tuple(vetoed), fact_scores=scores, facts_seen=tuple(seen))


def one_figure_each(findings: list[Finding]) -> None:
    """Two parts of one question ask two things: a figure answers the part it fits best, and the other
    part takes its own next candidate (or is refused) rather than repeat it."""
    order = sorted(range(len(findings)), key=lambda i: -(findings[i].best.score if findings[i].best else -9))
    used: set[int] = set()
    for i in order:
        f = findings[i]
        if f.best is None:
            continue
        if id(f.best.fact.row) in used:
            f.best = next((m for m in f.candidates if id(m.fact.row) not in used), None)
        if f.best is not None:
            used.add(id(f.best.fact.row))


def measure_name(match: Match) -> str:
    """The measure as the report words it: the catalogue label, or the figure's phrase without the figure."""
    fact = match.fact
    if fact.role is not None:  # "由19个调整为27个": the change is quoted whole, both figures in it
        return _whole_clause(fact.row) or fact.clause
    if fact.row.metric != "other":
        return fact.measure
    written = "".join((fact.row.written or "").split())
    phrase = fact.clause.replace(written, "").strip(" ，,、") if written else fact.clause
    if phrase and phrase in fact.measure and len(phrase) < len(fact.measure):
        return fact.measure  # "当面申请12件，占24.5%": the bare 占 is named by its count's noun at ingest
    return phrase or fact.measure


def _whole_clause(row: MetricRow) -> str:
    sentence = row.sentence or ""
    written = "".join((row.written or "").split())
    fig = next((f for f in figures(sentence) if written and f.text == written), None)
    if fig is None:
        return ""
    stop = re.compile(r"[，,；;。！？!?：:]").search(sentence, fig.end)
    return sentence[fig.clause_start:stop.start() if stop else len(sentence)].strip()


class Cited:
    """Evidence collected across the parts of one answer, numbered in order."""

    def __init__(self, chunks_by_doc: Mapping[str, list[ChunkRow]]) -> None:
        self.chunks_by_doc = chunks_by_doc
        self.items: list[Evidence] = []

    def cite(self, row: MetricRow) -> str:
        chunk = chunk_for(row, self.chunks_by_doc.get(row.doc_id, []))
        if chunk is None:
            return ""
        for i, e in enumerate(self.items):
            if e.chunk.chunk_id == chunk.chunk_id and e.quote == row.sentence:
                return f"[{i + 1}]"
        self.items.append(Evidence(chunk, row.sentence or chunk.text))
        return f"[{len(self.items)}]"


def refusal_line(finding: Finding, cited: Cited, english: bool = False) -> str:
    """The measure named as the user asked it (never the search terms it was turned into), and the nearest
    figure the report does give under its own label: a different measure, or the same measure of another
    body, area or year (said so, never blamed on the wording)."""
    what = asked_words(finding.asked.said, finding.asked.measure, english)
    nearest = finding.nearest
    whose = _whose(finding, english) if nearest is not None else None
    if english:
        words = english_words()
        quoted = finding.asked.phrase or finding.asked.asked_as  # a follow-up's own words, not its stripped measure
        line = (words["not_given_asked"].format(asked=quoted[:1].lower() + quoted[1:]) if quoted
                else words["not_given"].format(measure=what or "this figure"))
        if nearest is not None:
            row = nearest.fact.row
            fields = {"wording": measure_name(nearest), "figure": display_en(row), "marker": cited.cite(row)}
            if whose is not None:
                line += words["nearest_of"].format(whose=whose[0], asked_for=whose[1], **fields)
            else:
                line += words["nearest"].format(**fields)
        return line
    line = f"{load_intents().not_disclosed}（{what or '该项'}）"
    if nearest is not None:
        row = nearest.fact.row
        if whose is not None:
            line += (f"；报告给出的是{whose[0]}的数字：“{measure_name(nearest)}”{display(row)}{cited.cite(row)}，"
                     f"不是{whose[1]}的数据")
        else:
            line += (f"；报告给出的相近数字是“{measure_name(nearest)}”{display(row)}"
                     f"{cited.cite(row)}，口径不同，不是所问的数据")
    return line


def _refused_once(findings: Sequence[Finding], lines: list[str]) -> list[str]:
    """An English answer says "the report does not give" once for all the parts it has no figure for (and
    no nearest one): "…does not give a figure for “a” or “b”", "…does not give these figures"."""
    bare = [i for i, f in enumerate(findings) if f.best is None and f.share is None and f.nearest is None]
    if len(bare) < 2:
        return lines
    words = english_words()
    asked = [f"“{findings[i].asked.phrase}”" for i in bare if findings[i].asked.phrase]
    line = (words["not_given_several"].format(asked=" or ".join(asked)) if len(asked) == len(bare)
            else words["not_given_these"])
    return [line if i == bare[0] else text for i, text in enumerate(lines) if i not in bare[1:]]


def _whose(finding: Finding, english: bool) -> tuple[str, str] | None:
    """Whose figure the nearest one is, and whose was asked, when it was ruled out for its body, area or
    year rather than its measure: (郎溪县, 林业局自己), (全市, 本地区), (2022年, 所问年份)."""
    nearest = finding.nearest
    if nearest is None:
        return None
    fact, asked, doc = nearest.fact, finding.asked, finding.doc
    words = english_words()["whose"] if english else None
    if nearest.reject == "other scope" and asked.subunit:
        own = fact.row.scope or (fact.subunit if fact.subunit != "subunit" else None)
        if english:  # 全县 and the like: the whole region, named in English
            whole = not own or own in english_words()["scopes"]
            body = (region_en(doc.region) or words["whole_region"]) if whole else f"“{own}”"
            return body, words["asked_body"].format(body=_quoted(asked.subunit))
        return own or doc.region or "整个地区", f"{asked.subunit}自己"
    if nearest.reject == "wider area" and fact.wider:
        if english:
            return f"“{fact.wider}”", region_en(doc.region) or words["this_region"]
        return fact.wider, doc.region or "本地区"
    if nearest.reject == "other year":
        year = getattr(fact.row, "fact_year", None) or doc.year
        if year:
            if english:
                return str(year), words["asked_year"]
            return f"{year}年", "所问年份"
    return None


def _quoted(name: str) -> str:
    return f"“{name}”" if re.search(r"[\u4e00-\u9fff]", name) else name


def share_line(finding: Finding, cited: Cited, english: bool = False) -> str:
    """A share computed from the part and the whole the report states, labelled as computed, both quoted."""
    share = finding.share
    assert share is not None
    part, whole = share.part.fact.row, share.whole.fact.row
    percent = f"{share.percent:.1f}%"
    marks = "".join(dict.fromkeys(cited.cite(r) for r in (part, whole)))
    if english:
        words = english_words()
        what = finding.asked.phrase or asked_words(finding.asked.said, None, english=True) or words["share_of"]
        return words["share"].format(asked=what, figure=percent, part_wording=_named(share.part),
                                     part=display_en(part), whole_wording=_named(share.whole),
                                     whole=display_en(whole), marker=marks)
    part_name, whole_name = _named(share.part), _named(share.whole)
    return (f"{part_name}占{whole_name}的比例：{percent}（报告未直接给出比例，按报告的两个数字计算："
            f"“{part_name}”{display(part)} ÷ “{whole_name}”{display(whole)}）{marks}")


def _named(match: Match) -> str:
    """A count's measure as a share's label says it: without the 其中 that leads a part."""
    name = measure_name(match)
    return load_intents().subunit_lead.sub("", name) or name


def answer_line(finding: Finding, cited: Cited, english: bool = False) -> str:
    assert finding.best is not None
    row = finding.best.fact.row
    if english:
        if finding.asked.phrase:  # the user's own question quoted, never the words it was searched with
            return english_words()["answer_asked"].format(
                asked=finding.asked.phrase, figure=display_en(row), notes=caveat_en(row), marker=cited.cite(row),
                wording=measure_name(finding.best))
        return english_words()["answer"].format(
            measure=asked_words(finding.asked.said, None, english=True) or measure_name(finding.best),
            figure=display_en(row),
            notes=caveat_en(row), marker=cited.cite(row), wording=measure_name(finding.best))
    return f"{measure_name(finding.best)}：{display(row)}{caveat(row)}{cited.cite(row)}"


class FactsAnswerer:
    """Writes the facts it scored (and the figures it ruled out) for the passage answerer after it."""

    name = "facts"
    reads = ()
    writes = ("vetoed", "fact_scores", "facts_seen")

    def __init__(self, book: FactBook, threshold: float = THRESHOLD) -> None:
        self.book = book
        self.threshold = threshold

    def answer(self, question: Question, evidence: EvidenceSet) -> Noted | None:
        if not question.wants_number:
            return None
        docs = evidence.scoped_docs
        regions = {d.region for d in docs}
        if len(regions) != 1:
            return None  # several regions: the operations answerer compares or ranks them
        asks = evidence.asks
        if any(a.operation not in {"value", "change", "sum"} for a in asks):
            return None
        note = ""
        named = {a.subunit for a in asks if a.subunit}
        own = [d for d in docs if any(issued_by(d, u) or issued_by(d, u, self.book.text(d.doc_id)) for u in named)
               ] if len(docs) > 1 and named else []
        if own:  # "X区Y街道…": Y街道's own report among the district's answers for it
            docs = own
        if len(docs) > 1 and len(question.years) < 2:  # several reports, one or no year named: the latest
            docs = latest_of(docs)
            note = "" if question.years else "（未指明年份，取最近一年的报告）"  # said only when no year was asked
        if len(docs) > 1:  # "2022年和2023年分别是多少": each year's report answers for its year
            ordered = sorted(docs, key=lambda d: d.year or 0)
            each = [self._one(evidence, d, asks, english=question.english) for d in ordered]
            drafts = [dr for dr, _ in each]
            notes = sum((n for _, n in each), Notes())
            if not any(dr.answerable for dr in drafts):
                return Noted(drafts[0], notes)
            return Noted(_joined(drafts), notes)
        if question.english and note:
            note = english_words()["latest"]
        draft, notes = self._one(evidence, docs[0], asks, note, question.english)
        return Noted(draft, notes)

    def _one(self, evidence: EvidenceSet, doc: Document, asks: list[Asked], note: str = "",
             english: bool = False) -> tuple[Draft, Notes]:
        # With two years named, each report answers for its own year; a year no report covers stays asked
        # (a table column of the next year's report may give it, nothing else may).
        # English asks read the passage first: the report's top passages for the question (retrieved once).
        passages = [h.chunk.text for h in evidence.hits if h.chunk.doc_id == doc.doc_id][:PASSAGES_READ] \
            if english else []
        findings = [find(Asked(**{**a.__dict__, "years": [doc.year] if doc.year in a.years else a.years}), doc,
                         self.book, evidence.idf, self.threshold, passages=passages) for a in asks]
        if len(findings) > 1:
            one_figure_each(findings)
        # Figures that match the words but may not answer (another unit, a change, another area): the
        # passage answerer must not give them either.
        notes = notes_of(findings, [m.fact for f in findings if f.best is None for m in f.ruled_out])
        cited = Cited(evidence.chunks_by_doc)
        lines = [answer_line(f, cited, english) if f.best is not None
                 else share_line(f, cited, english) if f.share is not None
                 else refusal_line(f, cited, english) for f in findings]
        if english:
            lines = _refused_once(findings, lines)
        # Two parts refused alike ("报告未披露该项数据（该项）", twice) are said once.
        lines = list(dict.fromkeys(lines))
        answerable = any(f.best or f.share for f in findings)
        if english:
            text = f"{label_en(doc)}: " + "; ".join(lines) + "." + note
        else:
            text = f"{label(doc)}：" + "；".join(lines) + "。" + note
        return Draft(text, answerable, "lookup" if answerable else "unanswerable", cited.items), notes


def _joined(drafts: list[Draft]) -> Draft:
    """Several reports' answers as one, citations renumbered in order."""
    evidence: list[Evidence] = []
    texts = []
    for draft in drafts:
        offset = len(evidence)
        evidence.extend(draft.evidence)
        texts.append(re.sub(r"\[(\d+)\]", lambda m, k=offset: f"[{int(m.group(1)) + k}]", draft.answer))
    return Draft("".join(texts), True, "lookup", evidence)
