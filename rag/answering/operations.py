"""Operations over facts of several reports: compare named regions, rank the store with a coverage
line, the change between a region's two reports, and counts and lists with conditions.

A measure the catalogue knows is ranked from the metrics table by rag/answering/ranking.py (stated beats
derived, neighbouring scopes mentioned beside); any other measure is found per report by the facts
matcher. Either way each region is read from its latest report unless the question names a year, and
the answer says so.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import replace

from pypinyin import lazy_pinyin

from rag.answering.chain import EvidenceSet, Noted, _Once, dense_query
from rag.answering.drafts import Draft
from rag.answering.facts import THRESHOLD, Cited, Finding, find, measure_name, notes_of
from rag.answering.format import (
    MAX_FIGURES,
    asked_words,
    caveat,
    caveat_en,
    display,
    display_en,
    english_words,
    label,
    number,
    region_en,
    who,
)
from rag.answering.matching import PASSAGES_READ, FactBook, Match
from rag.answering.passages import PASSAGE_FLOOR, PassageAnswerer
from rag.answering.ranking import aggregate, leader_word
from rag.domain.gazetteer import load_gazetteer
from rag.domain.intents import load_intents
from rag.question.quantities import Asked, measure_words
from rag.question.scope import Scope, by_region
from rag.question.sides import Side, asks_compare, places_named, sides_of
from rag.question.sides import words as sides_words
from rag.question.understanding import Question
from rag.retrieval.retriever import Retriever
from rag.retrieval.tokenizer import Tokenizer
from rag.schema import Document, Table, TableRow
from rag.settings import Settings
from rag.stages import stage
from rag.store.database import Store
from rag.store.snapshot import latest_of

# A side of a comparison that words the measure otherwise answers with the figure nearest in meaning to the
# other side's wording when it is this near (e5 cosine) and this far ahead of the next figure (the reports'
# unrelated figures sit at 0.85-0.87 against any wording; chosen on the invented reports of the tests).
SAME_MEANING = 0.88
SAME_MEANING_LEAD = 0.03

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def passes(condition: tuple[str, float, str | None] | None, value: float) -> bool:
    if condition is None:
        return True
    op, threshold, _ = condition
    return _OPS[op](value, threshold)


class OperationsAnswerer:
    """Writes the facts it scored (reading reports for a measure) for the passage answerer after it."""

    name = "operations"
    reads = ()
    writes = ("fact_scores", "facts_seen")

    def __init__(self, book: FactBook, store: Store, tokenizer: Tokenizer, retriever: Retriever,
                 settings: Settings, threshold: float = THRESHOLD) -> None:
        self.book, self.store, self.tokenizer, self.retriever = book, store, tokenizer, retriever
        self.settings = settings  # read per question: facts_scan_reports, facts_probe_reports
        self.threshold = threshold

    def answer(self, question: Question, evidence: EvidenceSet) -> Noted | None:
        asks = evidence.asks
        if len(asks) != 1:
            return None
        ask = asks[0]
        scored: list[Finding] = []  # every report read for the measure, whatever this answer decides
        sides = self._sides(question, ask, evidence)
        if sides:
            return Noted(self._compare_sides(question, ask, sides, evidence, scored), notes_of(scored))
        if ask.operation == "change":
            draft = self._change(ask, evidence, scored)
        elif ask.operation == "compare":
            draft = self._across(question, ask, evidence, scored, compare=True)
        elif ask.operation in {"rank", "list", "count"} and len(question.regions) != 1:
            draft = self._across(question, ask, evidence, scored, compare=False)
        else:
            return None
        return Noted(draft, notes_of(scored))

    def _sides(self, question: Question, ask: Asked, evidence: EvidenceSet) -> list[Side]:
        """The few places a comparison names, each with its own reports (rag/question/sides.py); [] when the
        question is no comparison of two to four named places."""
        if ask.operation not in {"compare", "value"} or ask.condition is not None or not asks_compare(question):
            return []
        named = len(question.regions) + len(question.places) + places_named(question)
        if named < 2 and not ask.subunit and not (question.english and len(question.regions) == 1):
            return []

        def mentioning(name: str, ids: list[str]) -> list[str]:
            return self.retriever.docs_mentioning(name, ids, limit=len(ids), verbatim=True)

        return sides_of(question, evidence.docs, mentioning)

    def _compare_sides(self, question: Question, ask: Asked, sides: list[Side], evidence: EvidenceSet,
                       scored: list[Finding]) -> Draft:
        """Each side's figure found as a lookup finds it (meaning included, English passages first) in the
        report that answers for it, then compared; each figure with its report's own wording."""
        text = ask.text
        for side in sides:
            for name in (side.name, *(d.region or "" for d in side.docs)):
                if name:
                    text = text.replace(name, " ")
        measure = measure_words(text, question) or ask.measure
        base = Asked(**{**ask.__dict__, "measure": measure, "operation": "compare", "order": ask.order or "max",
                        "subunit": None})
        findings: list[tuple[Side, Finding | None]] = []
        for side in sides:
            if not side.docs:
                findings.append((side, None))
                continue
            doc = side.docs[-1]
            asked = Asked(**{**base.__dict__, "years": [doc.year] if doc.year else [], "subunit": side.body})
            passages = self._passages(question, doc) if question.english else []
            finding = find(asked, doc, self.book, evidence.idf, self.threshold, passages=passages)
            scored.append(finding)
            if finding.best is None:
                finding = self._as_looked_up(question, sides, finding, evidence, scored)
            findings.append((side, finding))
        found = [f for _, f in findings if f is not None and f.best is not None]
        if found:
            # A side that words the measure otherwise (受理…工单 件 / 接到…来电 条): asked again in the words the
            # other side's report used, the unit left open, so it is compared rather than dropped.
            for i, (side, finding) in enumerate(findings):
                if finding is None or finding.best is not None:
                    continue
                for other in found:
                    assert other.best is not None
                    again = Asked(**{**finding.asked.__dict__, "measure": measure_name(other.best), "units": [],
                                     "said": measure_name(other.best), "phrase": "", "terms": (), "metrics": []})
                    retry = _tie_broken(find(again, finding.doc, self.book, evidence.idf, self.threshold), finding)
                    if retry.best is None:
                        retry = replace(retry, best=self._same_meaning(retry, measure_name(other.best)))
                    if (retry.best is not None and _same_count(retry.best.fact.row.unit, other.best.fact.row.unit)
                            and self._fits_own(retry.best, finding)):
                        scored.append(retry)
                        findings[i] = (side, replace(retry, asked=finding.asked))
                        break
        return _sides_draft(question, base, findings, Cited(evidence.chunks_by_doc))

    def _as_looked_up(self, question: Question, sides: list[Side], finding: Finding, evidence: EvidenceSet,
                      scored: list[Finding]) -> Finding:
        """A side no fact answers, as a lookup of that side would go on: its report's passages (the passage
        answerer), then the measure in each word reports use alike (受理 for 收到, 公开 for 发布), facts then
        passages; the side's own ask is kept for its answer."""
        if question.english:
            # An English lookup reads its passages first inside the facts finder (done), and its measure is the
            # dictionary's candidates, one word each: no sentence to read passages by, no word to put otherwise.
            return finding
        measure = finding.asked.measure
        best = self._by_passage(question, measure, sides, finding, evidence)
        if best is not None:
            return replace(finding, best=best)
        for wording in equivalent_wordings(measure, self.tokenizer):
            again = Asked(**{**finding.asked.__dict__, "measure": wording, "said": wording, "alternatives": []})
            # The passages by words alone (BM25): the facts already read each wording by meaning.
            retry = find(again, finding.doc, self.book, evidence.idf, self.threshold)
            scored.append(retry)
            best = retry.best or self._by_passage(question, wording, sides, retry, evidence, dense=False)
            if best is not None:
                return replace(finding, best=best)
        return finding

    def _by_passage(self, question: Question, text: str, sides: list[Side], finding: Finding,
                    evidence: EvidenceSet, dense: bool = True) -> Match | None:
        """A side's figure as a lookup of that side finds it when no fact passes: the passage answerer over
        its report's passages for the question's measure words (no place, no comparing word: "谁…多" and the
        other side's name would count against every sentence), with the lookup's gates (no figure ruled out
        for the ask, none that fits it too poorly), read back as the fact it quotes."""
        doc = finding.doc
        regions = list(dict.fromkeys([*question.regions, *(d.region for s in sides for d in s.docs if d.region)]))
        side_q = replace(question, text=text, regions=regions, years=[doc.year] if doc.year else question.years,
                         places=[], unknown_regions=[], wants_number=True)
        scope = Scope(doc_ids=[doc.doc_id], docs=[doc])
        k = max(self.settings.top_k, 8)
        hits = _Once(lambda: self.retriever.search(text, [doc.doc_id], k=k, dense=dense,
                                                   dense_query=dense_query(side_q)))
        notes = notes_of([finding], [m.fact for m in finding.ruled_out])
        side = replace(evidence, question=side_q, scope=scope, _hits=hits, notes=notes)
        draft = PassageAnswerer(self.store, self.tokenizer).answer(side_q, side)
        if draft is None or not draft.answerable or not draft.evidence:
            return None
        answer = "".join(draft.answer.split())
        quotes = [e.quote for e in draft.evidence]
        quoted = [m for m in finding.matches
                  if m.ok and m.score >= PASSAGE_FLOOR and (w := "".join((m.fact.row.written or "").split()))
                  and w in answer and any(m.fact.row.sentence in q or q in m.fact.row.sentence for q in quotes)]
        return quoted[0] if quoted else None  # matches are best first

    def _fits_own(self, match: Match, own: Finding) -> bool:
        """Whether a figure found in the other side's words fits the side's own ask: by its words as a lookup's
        passage answer must (PASSAGE_FLOOR), or in meaning as a same-meaning figure must (SAME_MEANING). The other
        side's wording shares words with unrelated figures (受理政府信息公开申请 with 网站公开各类政府信息)."""
        if any(m.fact is match.fact and m.ok and m.score >= PASSAGE_FLOOR for m in own.matches):
            return True
        sims = self.book.similarity(own.asked.measure, [match.fact])
        return bool(sims) and sims[0] is not None and sims[0] >= SAME_MEANING

    def _same_meaning(self, finding: Finding, wording: str) -> Match | None:
        """The figure of a report that says what another report's wording says, by meaning: the clear nearest
        in meaning, sharing some of its words, and allowed for the ask (受理…工单 and 接到…来电诉求)."""
        ok = [m for m in finding.matches if m.ok and m.score > 0]
        if not ok:
            return None
        sims = self.book.similarity(wording, [m.fact for m in finding.matches])
        if sims is None:
            return None
        ranked = sorted(zip((float(x) for x in sims), finding.matches, strict=True), key=lambda p: -p[0])
        (best, match), runner = ranked[0], (ranked[1][0] if len(ranked) > 1 else 0.0)
        if best >= SAME_MEANING and best - runner >= SAME_MEANING_LEAD and match in ok:
            return match
        return None

    def _passages(self, question: Question, doc: Document) -> list[str]:
        """A report's top passages for an English question, as the lookup reads them first."""
        with stage("bm25"):
            hits = self.retriever.search(question.text, [doc.doc_id], k=PASSAGES_READ,
                                         dense_query=question.original)
        return [h.chunk.text for h in hits][:PASSAGES_READ]

    def _find(self, ask: Asked, doc: Document, evidence: EvidenceSet, scored: list[Finding],
              dense: bool = True) -> Finding:
        finding = find(ask, doc, self.book, evidence.idf, self.threshold, dense=dense)
        scored.append(finding)
        return finding

    def _docs(self, question: Question, evidence: EvidenceSet) -> tuple[list[Document], bool]:
        """The reports to read: the named year's, else each region's latest (and whether that was chosen)."""
        docs = evidence.scoped_docs
        if question.years:
            return docs, False
        latest = latest_of(docs)
        return latest, len(latest) < len(docs)

    def _across(self, question: Question, ask: Asked, evidence: EvidenceSet, scored: list[Finding],
                compare: bool) -> Draft | None:
        docs, latest_only = self._docs(question, evidence)
        # Named regions compared in English are read through the facts (the catalogue ranking says it in
        # English too, but a pair is better served by the words of each report).
        if ask.metrics and ask.condition is None and ask.operation != "count" and not (question.english and compare):
            # A catalogue measure: the metrics-table ranking (derived rates, neighbouring scopes).
            with stage("metrics"):
                draft = aggregate(question, self.store, {d.doc_id: d for d in docs}, self.tokenizer)
            unreported = ({r.region for r in draft.table.rows if r.value is None}
                          if draft is not None and draft.table is not None else set())
            missing = [d for d in docs if (d.region or d.doc_id) in unreported]
            # A region whose report words the measure differently has no catalogue row: if the facts
            # matcher finds it, rank by facts so that region is not left out.
            probe = self._likely(ask, missing, self.settings.facts_probe_reports)[0]
            # Words alone decide the probe: embedding every probed report's phrases cost ≈50 ms a report.
            otherwise = [d for d in probe
                         if self._find(ask, d, evidence, scored, dense=False).best is not None]
            if draft is not None and not otherwise:
                if latest_only:
                    draft.answer += (f" {english_words()['latest_each']}" if question.english
                                     else "（未指明年份时，各地区取最近一年的报告。）")
                return draft
            if otherwise and draft is not None and draft.table is not None:
                read, unread = self._leaders(draft.table, docs, ask, otherwise)
            else:
                read, unread = self._likely(ask, docs)
        else:
            read, unread = self._likely(ask, docs)
        if not ask.measure:
            return None
        with stage("metrics"):
            findings = [self._find(ask, d, evidence, scored) for d in read]
        found = [f for f in findings if f.best is not None]
        missing = [f for f in findings if f.best is None]
        found.sort(key=lambda f: f.best.fact.row.value if f.best else 0.0, reverse=ask.order != "min")
        if question.english and (found or compare or ask.operation != "list"):
            return self._english(question, ask, evidence, findings, found, missing, compare, latest_only)
        if not found:
            if compare or ask.operation != "list":
                lines = "、".join(who(f.doc) for f in findings)
                what = asked_words(ask.said, ask.measure, question.english) or "该项"
                return Draft(f"{load_intents().not_disclosed}：{lines}的报告都没有披露“{what}”。",
                             False, "unanswerable")
            return None
        kept = [f for f in found if f.best and passes(ask.condition, f.best.fact.row.value)]
        cited = Cited(evidence.chunks_by_doc)
        parts = [self._line(f, cited) for f in kept[:MAX_FIGURES]]
        if len(kept) > MAX_FIGURES:
            parts.append(f"……共{len(kept)}个，其余见表格")
        coverage = f"{len(findings)}份报告中{len(found)}份披露该项"
        if unread:
            coverage = (f"共{len(docs)}份报告，按文字与该项的相关度读取了其中{len(findings)}份，"
                        f"{len(found)}份披露该项（其余{unread}份未读取，其中若有披露不在此列）")
        if missing:
            coverage += "；" + "、".join(who(f.doc) for f in missing[:MAX_FIGURES]) + "未披露"
        if latest_only:
            coverage += "；未指明年份，各地区取最近一年的报告"
        if ask.condition is not None:
            op, value, unit = ask.condition
            cond = f"{op}{number(value)}{unit or ''}"
            head = f"符合条件（{cond}）的共{len(kept)}个" + ("：" + "；".join(parts) if parts else "")
        elif ask.operation == "count":
            head = f"披露该项的共{len(found)}个：" + "；".join(parts)
        elif ask.operation == "list":
            head = "披露该项的地区：" + "；".join(parts)
        else:
            unit = kept[0].best.fact.row.unit if kept and kept[0].best else None
            pair = compare and len(question.regions) == 2  # a pair: 更多/更高; else 最高/最低 as before
            word = leader_word(ask.order, pair and unit not in {"%", "‰"}, pair)
            each = compare and load_intents().each.search(question.text)  # "各搞了几次": each, no winner
            tied = _tied(kept)
            if each:
                head = "；".join(parts)
            elif len(tied) > 1:  # 229件 and 229件: neither has more
                head = f"{'、'.join(who(f.doc) for f in tied)}相同。" + "；".join(parts)
            else:
                head = f"{who(kept[0].doc)}{word}。" + "；".join(parts)
        return Draft(f"{head}。（{coverage}。）", True, "aggregate", cited.items, _table(ask, found, missing))

    @staticmethod
    def _english(question: Question, ask: Asked, evidence: EvidenceSet, findings: list[Finding],
                 found: list[Finding], missing: list[Finding], compare: bool, latest_only: bool) -> Draft:
        """A comparison or ranking asked in English, answered in English (the cited passages stay Chinese)."""
        words = english_words()
        what = ask.phrase or asked_words(ask.said, None, english=True) or words["not_found_what"]

        def name(doc: Document) -> str:
            return f"{region_en(doc.region) or doc.doc_id}" + (f", {doc.year}" if doc.year else "")

        if not found:
            return Draft(words["none_give"].format(who="; ".join(name(f.doc) for f in findings), asked=what),
                         False, "unanswerable")
        kept = [f for f in found if f.best and passes(ask.condition, f.best.fact.row.value)]
        cited = Cited(evidence.chunks_by_doc)
        parts = []
        for f in kept[:MAX_FIGURES]:
            assert f.best is not None
            row = f.best.fact.row
            parts.append(words["region_figure"].format(region=name(f.doc), figure=display_en(row),
                                                       notes=caveat_en(row), marker=cited.cite(row),
                                                       wording=measure_name(f.best)))
        tied = _tied(kept)
        low = ask.order == "min"
        if compare and len(tied) > 1:
            head = words["tie"].format(who=" and ".join(name(f.doc) for f in tied))
        elif ask.operation in {"compare", "rank"} and kept and not load_intents().each.search(question.original):
            pair = compare and len(question.regions) == 2
            rate = pair and kept[0].best is not None and kept[0].best.fact.row.unit in {"%", "‰"}
            key = ("min" if low else "max") + ("_rate" if rate else "")
            head = words["leader_pair" if pair else "leader"][key].format(who=name(kept[0].doc))
        else:
            head = ""
        notes = []
        if missing:
            notes.append(words["not_giving"].format(who="; ".join(name(f.doc) for f in missing[:MAX_FIGURES]),
                                                    asked=what))
        if latest_only:
            notes.append(words["latest_each"])
        text = (f"{head} " if head else "") + "; ".join(parts) + "." + "".join(f" {n}" for n in notes if n)
        return Draft(text.strip(), True, "aggregate", cited.items, _table(ask, found, missing))

    def _likely(self, ask: Asked, docs: list[Document], limit: int | None = None) -> tuple[list[Document], int]:
        """The reports whose facts are read for a measure outside the catalogue, and how many are not:
        every report up to `limit` (`facts_scan_reports`); past that, those whose passages match the
        measure's words best (reading every report's facts would cost seconds at thousands of reports)."""
        limit = self.settings.facts_scan_reports if limit is None else limit
        if limit <= 0:
            return [], len(docs)
        if len(docs) <= limit:
            return docs, 0
        by_id = {d.doc_id: d for d in docs}
        with stage("bm25"):
            best = self.retriever.docs_mentioning(ask.measure, list(by_id), limit)
        return [by_id[d] for d in best], len(docs) - len(best)

    def _leaders(self, table: Table, docs: list[Document], ask: Asked,
                 otherwise: list[Document]) -> tuple[list[Document], int]:
        """Reports to rank by facts when some word a catalogue measure differently: all of them in a small
        store; past `facts_scan_reports`, the catalogue's leaders plus those found worded otherwise."""
        limit = self.settings.facts_scan_reports
        if len(docs) <= limit:
            return docs, 0
        at = {(d.region or d.doc_id, d.year): d for d in docs}
        rows = sorted((r for r in table.rows if r.value is not None), key=lambda r: r.value or 0.0,
                      reverse=ask.order != "min")
        leaders = [at[(r.region, r.year)] for r in rows if (r.region, r.year) in at][:limit]
        read = list({d.doc_id: d for d in [*leaders, *otherwise]}.values())
        return read, len(docs) - len(read)

    @staticmethod
    def _line(f: Finding, cited: Cited) -> str:
        assert f.best is not None
        row = f.best.fact.row
        return f"{who(f.doc)}{measure_name(f.best)}{display(row)}{caveat(row)}{cited.cite(row)}"

    def _change(self, ask: Asked, evidence: EvidenceSet, scored: list[Finding]) -> Draft | None:
        """Year over year from two reports of one region: both cited, difference and ratio computed."""
        regions = by_region(evidence.scoped_docs)
        if len(regions) != 1:
            return None
        docs = next(iter(regions.values()))
        if ask.years and len(ask.years) >= 2:
            docs = [d for d in docs if d.year in ask.years]
        if len(docs) < 2:
            return None  # one report: a change it states itself is a fact (the facts answerer)
        old, new = docs[-2], docs[-1]
        level = Asked(**{**ask.__dict__, "operation": "value", "years": []})
        a = self._find(level, old, evidence, scored)
        b = self._find(level, new, evidence, scored)
        if a.best is None or b.best is None:
            return None
        ra, rb = a.best.fact.row, b.best.fact.row
        if (ra.unit or "") != (rb.unit or ""):
            return None
        cited = Cited(evidence.chunks_by_doc)
        diff = rb.value - ra.value
        unit = "个百分点" if rb.unit == "%" else (rb.unit or "")
        ratio = f"，为{old.year}年的{number(rb.value / ra.value)}倍" if ra.value else ""
        text = (f"{label(old)}：{measure_name(a.best)}{display(ra)}{cited.cite(ra)}；"
                f"{label(new)}：{measure_name(b.best)}{display(rb)}{cited.cite(rb)}。"
                f"计算值：{new.year}年比{old.year}年{'增加' if diff >= 0 else '减少'}{number(abs(diff))}{unit}{ratio}"
                "（由两份报告的数字计算，报告本身未写此变化）。")
        return Draft(text, True, "aggregate", cited.items)


def _sides_draft(question: Question, ask: Asked, findings: list[tuple[Side, Finding | None]], cited: Cited) -> Draft:
    """A comparison of named places: the leader (or a tie), each side's figure in its report's words, and
    who gives none."""
    found = [(s, f) for s, f in findings if f is not None and f.best is not None]
    missing = [(s, f) for s, f in findings if f is None or f.best is None]
    found.sort(key=lambda p: p[1].best.fact.row.value if p[1].best else 0.0, reverse=ask.order != "min")
    each = load_intents().each.search(question.original if question.english else question.text)
    english = question.english
    words = english_words()
    words_of_sides = sides_words()

    def name(side: Side, doc: Document | None) -> str:
        year = doc.year if doc is not None else side.year
        if english:
            return english_name(side) + (f", {year}" if year else "")
        return side.name + (f"（{year}年）" if year else "")

    what = (ask.phrase or asked_words(ask.said, None, english=True) or words["not_found_what"]) if english \
        else asked_words(ask.said, ask.measure, False) or "该项"
    absent = [name(s, None) for s, f in findings if f is None]  # no report of it (of the year asked)
    none = (" " + words_of_sides["no_report_en"].format(who="; ".join(absent)) if english
            else f"收录的报告中没有{'、'.join(absent)}的报告。") if absent else ""
    if not found:
        read = [(s, f) for s, f in findings if f is not None]
        if not read:
            return Draft(none.strip(), False, "unanswerable")
        who_ = ("; " if english else "、").join(name(s, f.doc) for s, f in read)
        # Every side's report read and none gives the figure: no single report's passage answers a comparison.
        final = sum(f is not None for _, f in findings) >= 2
        if english:
            return Draft(words["none_give"].format(who=who_, asked=what) + none, False, "unanswerable", final=final)
        return Draft(f"{load_intents().not_disclosed}：{who_}的报告都没有披露“{what}”。{none}", False, "unanswerable",
                     final=final)
    parts = []
    for side, f in found:
        assert f is not None and f.best is not None
        row = f.best.fact.row
        if english:
            parts.append(words["region_figure"].format(region=name(side, f.doc), figure=display_en(row),
                                                       notes=caveat_en(row), marker=cited.cite(row),
                                                       wording=measure_name(f.best)))
        else:
            parts.append(f"{name(side, f.doc)}{measure_name(f.best)}{display(row)}{caveat(row)}{cited.cite(row)}")
    top = found[0][1].best.fact.row  # type: ignore[union-attr]
    tied = [p for p in found if p[1].best and p[1].best.fact.row.value == top.value
            and _same_count(p[1].best.fact.row.unit, top.unit)]
    rate = top.unit in {"%", "‰"}
    pair = len(findings) == 2
    if len(found) == 1 or each:
        head = ""
    elif len(tied) > 1:
        head = (words["tie"].format(who=" and ".join(name(s, f.doc) for s, f in tied)) if english
                else f"{'、'.join(name(s, f.doc) for s, f in tied)}{'相同' if rate else '一样多（相同）'}。")
    elif english:
        key = ("min" if ask.order == "min" else "max") + ("_rate" if rate and pair else "")
        head = words["leader_pair" if pair else "leader"][key].format(who=name(found[0][0], found[0][1].doc))
    else:
        head = f"{name(found[0][0], found[0][1].doc)}{leader_word(ask.order, pair and not rate, pair)}。"
    gone = [name(s, f.doc) for s, f in missing if f is not None]
    if english:
        notes = ([words["not_giving"].format(who="; ".join(gone), asked=what)] if gone else []) + [none.strip()]
        text = (f"{head} " if head else "") + "; ".join(parts) + "." + "".join(f" {n}" for n in notes if n)
        return Draft(text.strip(), True, "aggregate", cited.items, _side_table(ask, found, missing))
    coverage = f"{len(findings)}个比较对象中{len(found)}个披露该项"
    if gone:
        coverage += "；" + "、".join(gone) + "未披露"
    if absent:
        coverage += "；" + none.rstrip("。")
    return Draft(f"{head}{'；'.join(parts)}。（{coverage}。）", True, "aggregate", cited.items,
                 _side_table(ask, found, missing))


def english_name(side: Side) -> str:
    """A side named in English: a region as the gazetteer spells it, a 乡镇 or 街道 by its pinyin ("Huabu Town
    (华埠镇)"), a department by its region and its own name ("Changshan County (常山县) “司法局”")."""
    if load_gazetteer().by_name(side.name):
        return region_en(side.name)
    region = next((d.region for d in side.docs if d.region and side.name.startswith(d.region)), None)
    if region:
        return f"{region_en(region)} “{side.name[len(region):]}”"
    for ending, word in sides_words()["english_kinds"].items():
        if side.name.endswith(ending) and len(side.name) > len(ending):
            stem = side.name[: -len(ending)]
            return f"{''.join(lazy_pinyin(stem)).capitalize()} {word} ({side.name})"
    return f"“{side.name}”"


def _same_count(a: str | None, b: str | None) -> bool:
    """条 and 件 of one thing are counted alike; a rate and a count are not."""
    if a == b:
        return True
    return a not in {"%", "‰"} and b not in {"%", "‰"}


def _side_table(ask: Asked, found: list, missing: list) -> Table:
    first = found[0][1].best if found else None
    return Table(metric=ask.measure, unit=first.fact.row.unit or "" if first else "",
                 rows=[TableRow(region=s.name, year=f.doc.year if f else s.year,
                                value=f.best.fact.row.value if f and f.best else None,
                                display=display(f.best.fact.row) if f and f.best else "未披露")
                       for s, f in [*found, *missing]])


def _tied(kept: list[Finding]) -> list[Finding]:
    """The regions sharing the first place of a sorted list (229件 and 229件): a tie, not a winner."""
    if len(kept) < 2 or kept[0].best is None:
        return kept[:1]
    top = kept[0].best.fact.row
    return [f for f in kept if f.best and f.best.fact.row.value == top.value and f.best.fact.row.unit == top.unit]


def _table(ask: Asked, found: list[Finding], missing: list[Finding]) -> Table:
    """The figures compared, in order, those not given last (the session reads the regions' order from it)."""
    first = found[0].best if found else None
    return Table(metric=ask.measure, unit=first.fact.row.unit or "" if first else "",
                 rows=[TableRow(region=f.doc.region or f.doc.doc_id, year=f.doc.year,
                                value=f.best.fact.row.value if f.best else None,
                                display=display(f.best.fact.row) if f.best else "未披露")
                       for f in [*found, *missing]])


def equivalent_wordings(measure: str, tokenizer: Tokenizer) -> list[str]:
    """The measure with each of its words that reports say alike put in the other words of its family
    (rag/data/comparisons.yaml `equivalent_words`), whole words only."""
    words = tokenizer.words(measure)
    out: list[str] = []
    for i, word in enumerate(words):
        family = next((f for f in sides_words()["equivalent_words"] if word in f), None)
        for other in family or ():
            if other != word:
                out.append("".join([*words[:i], other, *words[i + 1:]]))
    return list(dict.fromkeys(out))


def _tie_broken(retry: Finding, first: Finding) -> Finding:
    """A side asked again in the other side's words, where several of its figures fit those words equally (审结
    asked of a report saying 收案数 and 结案数): the one the question's own words fit best, none if they too tie."""
    if retry.best is None:
        return retry
    tied = [m for m in retry.candidates if m.score >= retry.best.score - 1e-9]
    if len(tied) < 2:
        return retry
    own = {id(m.fact): m.score for m in first.matches}
    ranked = sorted(tied, key=lambda m: -own.get(id(m.fact), float("-inf")))
    if own.get(id(ranked[0].fact)) is None or own.get(id(ranked[0].fact)) == own.get(id(ranked[1].fact)):
        return replace(retry, best=None)
    return replace(retry, best=ranked[0])
