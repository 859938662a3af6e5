"""Answers drawn from passages without an LLM: the lookup sentence and figure, a section's summary, and the
report metadata (titles, dates, issuers) read from the catalogue and the text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.answering import report_fields
from rag.answering.drafts import Draft, Evidence, refusal
from rag.answering.format import (
    MAX_REPORTS,
    english_words,
    figure_en,
    label,
    label_en,
    more_reports,
    passage_en,
    sentence_en,
)
from rag.answering.picking import (
    Candidate,
    Pick,
    pick_figure,
    rank_sentences,
    sub_questions,
    weighted_overlap,
)
from rag.domain.intents import load_intents
from rag.question.understanding import Question, asked_units
from rag.retrieval.retriever import Hit
from rag.retrieval.tokenizer import Tokenizer
from rag.schema import Document, Route
from rag.store.database import ChunkRow
from rag.text.sentences import split_sentences

_ENUM_ITEM = re.compile(
    r"(?:^|[。；;:：\n])\s*(?:第?[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．])"
)


def lookup(q: Question, hits: Sequence[Hit], docs: dict[str, Document], tokenizer: Tokenizer,
           idf: dict[str, float], required_terms: Sequence[str] = (), min_share: float = 0.34) -> Draft | None:
    """The figure(s) or sentence that answer a factual question; None when nothing answers it."""
    if q.asks_date:
        return _dated(q, hits, docs, tokenizer, idf)
    q_tokens = _content_tokens(q, tokenizer)
    if not hits or not q_tokens:
        return None
    ranked = rank_sentences(q_tokens, hits, tokenizer, idf, required_terms)
    if not ranked:
        return None
    mass = sum(idf.get(t, 1.0) for t in q_tokens)
    # A sentence that names the asked metric (or holds a figure recorded for it) needs less overlap.
    share = min_share / 2 if required_terms else min_share
    if ranked[0].score + 0.15 * ranked[0].hit_rank < share * mass:
        return None
    if not q.wants_number:
        best = ranked[0]
        return _draft([(best, best.sentence)], docs, "lookup", q.english)
    picks: list[Pick] = []
    asks = sub_questions(q.text)
    for ask in asks:
        units = asked_units(ask) or (q.units if len(asks) == 1 else [])
        pick = pick_figure(ask, ranked, tokenizer, idf, units, exclude=[p.figure for p in picks])
        # The figure's own clause must share a word with the question: a sentence that mentions the
        # subject somewhere does not make any number in it the answer.
        if pick is not None and set(tokenizer.tokens(pick.clause)) & {t for t in q_tokens if len(t) >= 2}:
            picks.append(pick)
    if not picks:
        return None
    figures_en = [figure_en(p.figure.value, p.figure.unit, p.figure.approx) for p in picks] if q.english else []
    return _draft([(p.candidate, p.clause) for p in picks], docs, "lookup", q.english, figures_en)


# A sentence dating an event answers when it holds this share of the question's words (by weight): the
# event is named, not only its kind (召开…工作会议 is not the 安全生产 work meeting asked about).
DATED_SHARE = 0.6
_DATED_READ = 8  # the best sentences read for a date


def _dated(q: Question, hits: Sequence[Hit], docs: dict[str, Document], tokenizer: Tokenizer,
           idf: dict[str, float]) -> Draft | None:
    """When an event in the text happened: the best sentence naming the event that dates it (3月23日召开…)."""
    intents = load_intents()
    asked = intents.body_words.sub(" ", intents.asked_when.sub(" ", q.text))  # whose report, and "when"
    q_tokens = _content_tokens(q, tokenizer, asked)
    if not hits or not q_tokens:
        return None
    mass = sum(idf.get(t, 1.0) for t in q_tokens)
    for cand in rank_sentences(q_tokens, hits, tokenizer, idf)[:_DATED_READ]:
        if cand.score < DATED_SHARE * mass:
            break
        if intents.event_date.search(cand.sentence):
            return _draft([(cand, cand.sentence.strip().rstrip("。"))], docs, "lookup", q.english)
    return None


def _content_tokens(q: Question, tokenizer: Tokenizer, text: str | None = None) -> set[str]:
    """Question words that must be matched by evidence: not the region, year or question words."""
    tokens = set(tokenizer.tokens(q.text if text is None else text))
    for region in q.regions:
        tokens -= set(tokenizer.tokens(region))
        tokens -= {region, region[:-1]}
    tokens -= {str(y) for y in q.years}
    if q.english:  # words the glossary did not translate cannot be matched in Chinese text
        tokens = {t for t in tokens if not (t.isascii() and t.isalpha())}
    return {t for t in tokens if not t.isdigit()}


def _draft(parts: Sequence[tuple[Candidate, str]], docs: dict[str, Document], route: Route,
           english: bool = False, figures_en: Sequence[str] = ()) -> Draft:
    """The chosen clauses with their citations; for an English question, each figure in English with
    the report's wording quoted."""
    evidence: list[Evidence] = []
    lines: list[str] = []
    seen: set[str] = set()
    for i, (cand, text) in enumerate(parts):
        if text in seen:
            continue
        seen.add(text)
        index = next((j for j, e in enumerate(evidence) if e.chunk.chunk_id == cand.hit.chunk.chunk_id
                      and e.quote == cand.sentence), None)
        if index is None:
            evidence.append(Evidence(cand.hit.chunk, cand.sentence))
            index = len(evidence) - 1
        if english:
            lines.append(passage_en(figures_en[i] if i < len(figures_en) else "", f"[{index + 1}]", text))
        else:
            lines.append(f"{text}[{index + 1}]")
    doc = docs.get(parts[0][0].hit.chunk.doc_id)
    if english:
        return Draft(sentence_en(doc, lines), True, route, evidence)
    prefix = label(doc)
    body = "；".join(lines)
    return Draft(f"{prefix}：{body}。" if prefix else f"{body}。", True, route, evidence)


def summary(q: Question, hits: Sequence[Hit], chunks_by_doc: Mapping[str, list[ChunkRow]],
            docs: dict[str, Document], tokenizer: Tokenizer, idf: dict[str, float]) -> Draft | None:
    """The items of the section the question is about (problems, plans, measures), listed briefly. A
    question may name the kind of section in its own words (困难 for 存在的问题): intents.yaml maps them."""
    if not hits:
        return None
    q_tokens = _content_tokens(q, tokenizer)
    kinds = [heading for asked, heading in load_intents().section_kinds if asked.search(q.text)]
    best: tuple[float, str, str] | None = None  # score, doc_id, top-level heading
    for rank, hit in enumerate(hits):
        top = hit.chunk.section.split(" > ")[0]
        if not top:
            continue
        heading_score = weighted_overlap(q_tokens, set(tokenizer.tokens(top)), idf)
        kind_bonus = 3.0 if kinds and any(k.search(top) for k in kinds[:1]) else 0.0
        score = 2.0 * heading_score + kind_bonus + hit.score - 0.2 * rank
        if best is None or score > best[0]:
            best = (score, hit.chunk.doc_id, top)
    if kinds:
        # The section the question names in its own words may not be among the hits: every top-level
        # heading of the reports found is a candidate.
        for doc_id in dict.fromkeys(h.chunk.doc_id for h in hits):
            for top in _top_headings(chunks_by_doc.get(doc_id, [])):
                if top and kinds[0].search(top):
                    score = 2.0 * weighted_overlap(q_tokens, set(tokenizer.tokens(top)), idf) + 3.0
                    if best is None or score > best[0]:
                        best = (score, doc_id, top)
    if best is None:
        # A report without a heading tree: its short heading-like lines divide it instead.
        doc_id = hits[0].chunk.doc_id
        inline = _inline_section(q, chunks_by_doc.get(doc_id, []), tokenizer, idf)
        if inline is None:
            return None
        heading, lines = inline
        return _body(lines, heading, docs.get(doc_id), q.english)
    _, doc_id, top = best
    sub = _subsection(q, doc_id, top, chunks_by_doc, tokenizer, idf)
    if sub is not None:  # the question names one part of a section in its own words: that part's text
        heading, part = sub
        return _body([(c, c.text) for c in part], heading, docs.get(doc_id), q.english)
    section = _section_lines(chunks_by_doc.get(doc_id, []), top)
    if not section:
        return None
    items = _items("\n".join(line for _, line in section))
    if len(items) <= 1:  # a section without enumerated items: its sentences
        return _body(section, top, docs.get(doc_id), q.english)
    evidence: list[Evidence] = []
    lines = []
    for item in items[:8]:
        chunk = next((c for c, line in section if item[:12] in line), section[0][0])
        index = next((i for i, e in enumerate(evidence) if e.chunk.chunk_id == chunk.chunk_id), None)
        if index is None:
            evidence.append(Evidence(chunk, item))
            index = len(evidence) - 1
        quoted = f"“{item}”" if q.english else item
        lines.append(f"{len(lines) + 1}. {quoted}[{index + 1}]")
    doc = docs.get(doc_id)
    heading = re.sub(r"^[一二三四五六七八九十]+[、.．]\s*", "", top)
    return Draft(_section_head(doc, heading, q.english) + "\n".join(lines), True, "summary", evidence)


# A top-level heading of a report (一、… / 三、2024年工作打算): where one part of the report ends.
_TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*[^。；;！!？?]{1,40}$")


def _top_headings(chunks: Sequence[ChunkRow]) -> list[str]:
    """The report's top-level headings: those its chunks are labelled with, and heading lines inside
    chunks labelled with another (a short part merged into its neighbour's chunk)."""
    labelled = [c.section.split(" > ")[0] for c in chunks]
    inline = [line.strip() for c in chunks for line in c.text.split("\n") if _TOP_HEADING.match(line.strip())]
    return list(dict.fromkeys(labelled + inline))


def _section_lines(chunks: Sequence[ChunkRow], top: str) -> list[tuple[ChunkRow, str]]:
    """The lines of the part headed `top`, from its heading to the next top-level heading. A chunk is
    labelled with one section but may begin with the end of the part before, so the part is cut from
    the report's lines, not taken as whole chunks."""
    lines = [(c, line) for c in sorted(chunks, key=lambda c: c.ord) for line in c.text.split("\n") if line.strip()]
    start = next((i for i, (_, line) in enumerate(lines) if line.strip() == top.strip()), None)
    if start is None:  # the heading is not a line of its own: the chunks labelled with it
        return [(c, c.text) for c in chunks if c.section.split(" > ")[0] == top]
    end = next((i for i in range(start + 1, len(lines)) if _TOP_HEADING.match(lines[i][1].strip())), len(lines))
    return lines[start:end]


# A sub-section answers a summary question when this share of the question's topic (rarity-weighted
# words and character pairs) is in its heading, and more of it than in the top-level heading.
SUBSECTION_MIN = 0.3
BODY_CHARS = 600
_HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．是]|[(（][一二三四五六七八九十]+[)）]|\d+[.．、])\s*")


def _topic_share(topic: str, heading: str, tokenizer: Tokenizer, idf: dict[str, float]) -> float:
    # Words of two characters or more: the topic's 为/都/在/上 are glue, not what it is about.
    tokens = [t for t in dict.fromkeys(tokenizer.tokens(topic)) if len(t.strip()) >= 2]
    if not tokens:
        return 0.0
    have = set(tokenizer.tokens(heading))
    mass = sum(idf.get(t, 1.0) for t in tokens)
    by_token = sum(idf.get(t, 1.0) for t in tokens if t in have) / mass
    pairs = {t[i:i + 2] for t in tokens for i in range(len(t) - 1) if re.fullmatch(r"[\u4e00-\u9fff]{2}", t[i:i + 2])}
    head = re.sub(r"[^\u4e00-\u9fff]", "", heading)
    by_pair = len(pairs & {head[i:i + 2] for i in range(len(head) - 1)}) / len(pairs) if pairs else 0.0
    return 0.5 * by_token + 0.5 * by_pair


def summary_topic(q: Question) -> str:
    """What a summary question is about: its words without region, year, question and summary words."""
    from rag.question.quantities import measure_words

    intents = load_intents()
    topic = measure_words(q.text, q)
    topic = intents.summary.sub(" ", topic)
    for asked, _ in intents.section_kinds:
        topic = asked.sub(" ", topic)
    return re.sub(r"\s+", " ", topic).strip()


def _subsection(q: Question, doc_id: str, top: str, chunks_by_doc: Mapping[str, list[ChunkRow]],
                tokenizer: Tokenizer, idf: dict[str, float]) -> tuple[str, list[ChunkRow]] | None:
    """The sub-section of the report whose heading the question's topic matches best, if it does."""
    topic = summary_topic(q)
    if not topic:
        return None
    chunks = chunks_by_doc.get(doc_id, [])
    best: tuple[float, str, bool] | None = None  # share, path, under the chosen top-level heading
    for section in dict.fromkeys(c.section for c in chunks):
        parts = section.split(" > ")
        for depth in range(1, len(parts)):
            path = " > ".join(parts[:depth + 1])
            score = _topic_share(topic, parts[depth], tokenizer, idf)
            if best is None or (score, parts[0] == top) > (best[0], best[2]):
                best = (score, path, parts[0] == top)
    # The section already chosen says it as well (a plan question about "法治政府建设工作"): stay there.
    if best is None or best[0] < SUBSECTION_MIN or best[0] <= _topic_share(topic, top, tokenizer, idf) + 0.05:
        return None
    path = best[1]
    part = [c for c in chunks if c.section == path or c.section.startswith(path + " > ")]
    return path.split(" > ")[-1], part


_INLINE_HEADING = re.compile(r"^[^，,。；;：:！!？?]{2,16}$")


def _inline_section(q: Question, chunks: Sequence[ChunkRow], tokenizer: Tokenizer,
                    idf: dict[str, float]) -> tuple[str, list[tuple[ChunkRow, str]]] | None:
    """The part under the heading-like line (short, no punctuation) that the question's topic matches."""
    topic = summary_topic(q)
    if not topic or any(c.section for c in chunks):
        return None
    parts: list[tuple[str, list[tuple[ChunkRow, str]]]] = []
    for chunk in sorted(chunks, key=lambda c: c.ord):
        for line in chunk.text.split("\n"):
            line = line.strip()
            if _INLINE_HEADING.match(line) and not any(ch.isdigit() for ch in line):
                parts.append((line, []))
            elif parts and line:
                parts[-1][1].append((chunk, line))
    scored = [(_topic_share(topic, h, tokenizer, idf), h, body) for h, body in parts if body]
    if not scored:
        return None
    score, heading, body = max(scored, key=lambda x: x[0])
    return (heading, body) if score >= SUBSECTION_MIN else None


def _section_head(doc: Document | None, heading: str, english: bool) -> str:
    """The line a section's items follow: the report and the section's heading (quoted in English)."""
    if english:
        return english_words()["section"].format(report=label_en(doc), heading=heading) + "\n"
    return f"{label(doc)}报告“{heading}”部分：\n"


def _body(parts: Sequence[tuple[ChunkRow, str]], heading: str, doc: Document | None,
          english: bool = False) -> Draft:
    """A (sub-)section's sentences, up to a short answer's length, cited (quoted for an English question)."""
    evidence: list[Evidence] = []
    lines: list[str] = []
    size = 0
    for chunk, text in parts:
        for sentence in split_sentences(text):
            sentence = sentence.strip()
            if len(sentence) < 6 or sentence in heading or heading.endswith(sentence):
                continue
            if size > BODY_CHARS:
                break
            if not evidence or evidence[-1].chunk.chunk_id != chunk.chunk_id:
                evidence.append(Evidence(chunk, sentence))
            lines.append(f"“{sentence}”[{len(evidence)}]" if english else f"{sentence}[{len(evidence)}]")
            size += len(sentence)
    title = _HEADING_NUMBER.sub("", heading)
    return Draft(_section_head(doc, title, english) + "\n".join(lines), True, "summary", evidence)


def _items(text: str) -> list[str]:
    """Enumerated items (一是… / （一）… / 1. …) of a section, each cut at its first full stop."""
    starts = [m.end() for m in _ENUM_ITEM.finditer(text)]
    items = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        segment = text[start:end]
        stop = re.search(r"[。；;\n]", segment)
        item = (segment[: stop.start()] if stop else segment).strip(" ,，:：")
        if len(item) > 80:
            cut = item.rfind("，", 0, 80)
            cut = cut if cut > 20 else item.rfind(",", 0, 80)
            item = item[: cut if cut > 20 else 80]
        if len(item) >= 4:
            items.append(item)
    if not items:
        first = re.split(r"[。\n]", text.split("\n", 1)[-1])
        items = [s.strip() for s in first if len(s.strip()) >= 6][:5]
    return items


def _field_words(name: str) -> re.Pattern[str]:
    return dict(load_intents().document_fields)[name]


def metadata(q: Question, docs: dict[str, Document], chunks_by_doc: Mapping[str, list[ChunkRow]]) -> Draft:
    """Questions about the collection itself: which reports, their dates, issuers and titles."""
    selected = [d for d in docs.values() if (not q.regions or d.region in q.regions)
                and (not q.years or d.year in q.years)]
    if load_intents().document_list.search(q.text) and not q.regions:
        listed = _by_region(docs.values())
        listing = "、".join(f"{d.region or d.source}（{d.year or '年份不详'}年）" for d in listed[:MAX_REPORTS])
        more = f"等（列出前{MAX_REPORTS}份，按地区排序；全部见文档列表）" if len(listed) > MAX_REPORTS else ""
        return Draft(f"共收录{len(docs)}份报告：{listing}{more}。", True, "metadata")
    if not selected:
        return refusal("收录的报告中没有符合条件的报告。", "metadata")
    if not q.regions and len(selected) > 1 and load_intents().one_report.search(f"{q.text} {q.original}"):
        # "这份报告是谁签发的" names no report: other reports' fields would answer a question not asked.
        return refusal("没有认出问的是哪一份报告：请写明地区（和年份），例如"
                       f"“{label(_by_region(selected)[0])}报告{_asked_field(q)}”。", "metadata")
    if q.regions and load_intents().document_years.search(q.text):
        lines = []
        for region in q.regions:
            years = sorted({d.year for d in selected if d.region == region and d.year})
            if years:
                lines.append(f"{region}收录了{'、'.join(f'{y}年度' for y in years)}的报告（共{len(years)}份）")
        if lines:
            return Draft("；".join(lines) + "。", True, "metadata")
    asked = asked_fields(q)
    if "issuer" in asked and any(_published_by_another(d) for d in selected):
        asked.insert(asked.index("issuer") + 1, "publisher")  # who issued it and, apart, who posted it
    if len(asked) > 1 or {"index_code", "doc_number", "kind", "source_office"} & set(asked):
        return _fields(selected, chunks_by_doc, asked, q.english)
    if asked == ["published"]:
        return _published(selected, q.english)
    name = asked[0] if asked else "title"
    if name == "title":
        return _facts(selected, chunks_by_doc, lambda d: d.title or f"{label(d)}报告", "title", q.english)
    if name == "date":
        return _facts(selected, chunks_by_doc,
                      lambda d: report_fields.date_shown(d, "date", d.date, q.english) if d.date else None, "date",
                      q.english)
    return _facts(selected, chunks_by_doc, lambda d: getattr(d, name, None), name, q.english)


def asked_fields(q: Question) -> list[str]:
    """The catalogue fields a question asks for, in the order they are answered.

    A word inside another field's phrase is not a question of its own (谁 in 报送给谁); the posting date
    asked (什么时候发布) is not also the signing date."""
    found: dict[str, list[tuple[int, int, int]]] = {}
    texts = (q.text, report_fields.asked_words(q))
    for n, text in enumerate(texts):
        for name, pattern in load_intents().document_fields:
            spans = [(n, *m.span()) for m in pattern.finditer(text) if m.end() > m.start()]
            if spans:
                found.setdefault(name, []).extend(spans)

    def inside_other(name: str, span: tuple[int, int, int]) -> bool:
        n, start, end = span
        return any(o != name and s[0] == n and s[1] <= start and end <= s[2] and s[2] - s[1] > end - start
                   for o, spans in found.items() for s in spans)

    asked = [name for name in _ANSWERED if name in found and not all(inside_other(name, s) for s in found[name])]
    if "落款" in q.text and "issuer" not in asked and "date" not in asked:
        asked.append("issuer")
    if "published" in asked and "date" in asked and all(
            any(p[0] == d[0] and _same_clause(texts[d[0]], p[1], d[1]) for p in found["published"])
            or not any(p[0] == d[0] for p in found["published"]) for d in found["date"]):
        asked.remove("date")  # 什么时候发布: one ask of the posting date ("when posted, and what date at its end": two)
    return asked


_CLAUSE_BREAK = re.compile(r"[，,；;]|\band\b|以及|还有|另外")


def _same_clause(text: str, a: int, b: int) -> bool:
    return not _CLAUSE_BREAK.search(text, min(a, b), max(a, b))


# A question about the collection lists at most this many reports (and says how many there are): a
# list of thousands is neither readable nor cheap to cite.



def _asked_field(q: Question) -> str:
    """The field a question asks for, in the catalogue's words, for a refusal's example."""
    for name in ("addressee", "published", "date", "issuer", "title"):
        if _field_words(name).search(q.text) or _field_words(name).search(q.original):
            return "的" + {**_FIELD_NAMES, "published": "发布日期"}[name]
    return ""


def _by_region(docs: Sequence[Document] | object) -> list[Document]:
    return sorted(docs, key=lambda d: (d.region or "", d.year or 0))  # type: ignore[arg-type]


_FIELD_NAMES = {"title": "标题", "date": "落款日期", "issuer": "落款单位", "addressee": "报送对象"}
# Fields one question may ask together ("哪个机关发布的，索引号是多少"), in the order they are answered.
_ANSWERED = ("province", "city", "issuer", "source_office", "addressee", "index_code", "doc_number", "published",
             "date", "period", "kind",
             "title")


def _fields(selected: Sequence[Document], chunks_by_doc: Mapping[str, list[ChunkRow]], asked: list[str],
            english: bool = False) -> Draft:
    """Several fields of each report at once, cited where the value stands in the text (chrome lines)."""
    evidence: list[Evidence] = []
    lines = []
    ordered = _by_region(selected)
    for doc in ordered[:MAX_REPORTS]:
        parts = []
        for name in asked:
            value = report_fields.shown(doc, name, english)
            what = report_fields.field_name(name, english)
            if name == "publisher" and not _published_by_another(doc):
                continue  # said only where the page names another body than the issuer
            if name == "date" and not value and doc.published and "published" not in asked:
                name, what = "published", report_fields.field_name("published", english)  # "when": its posting
                value = report_fields.shown(doc, name, english)
            if not value:
                parts.append(f"{what}: {report_fields.not_stated(True)}" if english
                             else f"{what}{report_fields.not_stated(False)}")
                continue
            raw = report_fields.value_of(doc, name)
            chunk = _chunk_containing(chunks_by_doc.get(doc.doc_id, []), raw) if raw else None
            marker = ""
            if chunk is not None and name not in report_fields.PLACE_FIELDS:
                evidence.append(Evidence(chunk, raw))
                marker = f"[{len(evidence)}]"
            note = report_fields.source_note(doc, name, english)
            parts.append(f"{what}: {value}{marker}{note}" if english else f"{what}：{value}{marker}{note}")
        if any(n in report_fields.PLACE_FIELDS for n in asked) and (where := report_fields.placed(doc, english)):
            parts.append(where)
        lines.append(f"{label_en(doc)}: " + "; ".join(parts) if english else f"{label(doc)}报告的" + "，".join(parts))
    answerable = any(report_fields.value_of(d, n) for d in ordered for n in asked)
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined + more_reports(ordered), answerable, "metadata", evidence)


def _published_by_another(doc: Document) -> bool:
    publisher = report_fields.value_of(doc, "publisher")
    return bool(publisher) and publisher != doc.issuer


def _published(selected: Sequence[Document], english: bool = False) -> Draft:
    """The web posting date sits in the page's chrome, not the report text: said so, uncited."""
    lines = []
    ordered = _by_region(selected)
    for doc in ordered[:MAX_REPORTS]:
        if doc.published:
            note = report_fields.source_note(doc, "published", english)
            if english:
                lines.append(f"{label_en(doc)}: posted on {doc.published}{note}")
            else:
                shown = report_fields.date_shown(doc, "published", doc.published, False)
                lines.append(f"{label(doc)}报告的网页发布日期：{shown}{note}")
        else:
            lines.append(report_fields.says_none(doc, "published", english) if english
                         else f"{label(doc)}报告的网页未写明发布日期")
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined + more_reports(ordered), any(d.published for d in selected), "metadata")


def _facts(selected: Sequence[Document], chunks_by_doc: Mapping[str, list[ChunkRow]], value_of,
           field_name: str, english: bool = False) -> Draft:
    evidence: list[Evidence] = []
    lines = []
    ordered = _by_region(selected)
    stated = False
    for doc in ordered[:MAX_REPORTS]:
        value = value_of(doc)
        if not value:
            lines.append(report_fields.says_none(doc, field_name, english))
            continue
        stated = True
        chunk = _chunk_containing(chunks_by_doc.get(doc.doc_id, []), value)
        marker = ""
        if chunk is not None:
            evidence.append(Evidence(chunk, value))
            marker = f"[{len(evidence)}]"
        note = report_fields.source_note(doc, field_name, english) if value == getattr(doc, field_name, None) else ""
        what = report_fields.field_name(field_name, english)
        if english:
            shown = report_fields.shown(doc, field_name, True) if field_name != "title" else value
            lines.append(f"{label_en(doc)}: {what}: {shown}{marker}{note}")
        else:
            lines.append(f"{label(doc)}报告的{what}：{value}{marker}{note}")
    joined = (". ".join(lines) + ".") if english else ("；".join(lines) + "。")
    return Draft(joined + more_reports(ordered), stated, "metadata", evidence)


def _chunk_containing(chunks: Sequence[ChunkRow], value: str) -> ChunkRow | None:
    squeeze = re.compile(r"\s+")
    target = squeeze.sub("", value)
    for chunk in reversed(chunks):  # signatures and dates sit at the end
        if target in squeeze.sub("", chunk.text):
            return chunk
    return None
