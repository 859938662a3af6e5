"""A summary asked in words other than the top-level heading: the sub-section it names answers."""

from rag.answering.extractive import summary
from rag.question.understanding import understand
from rag.retrieval.retriever import Hit
from rag.retrieval.tokenizer import default_tokenizer
from rag.schema import Document
from rag.store.database import ChunkRow

DOC = Document(doc_id="d", region="德清县", year=2023, source="d.txt", sha256="x")
TOP = "一、主要工作举措和成效"
SECTIONS = [
    (f"{TOP} > (一)深入推动政府职能优化转变", "(一)深入推动政府职能优化转变\n落实权责清单制度。推行企业开办零成本。"),
    (f"{TOP} > (二)依法预防重大突发事件发生", "(二)依法预防重大突发事件发生\n健全应急预案体系。组建抢险队伍12支。"),
    (f"{TOP} > (三)积极化解社会矛盾纠纷", "(三)积极化解社会矛盾纠纷\n完善调解机制。建成调解组织30个。"),
    ("二、2024年工作安排 > (一)加强党的领导", "二、2024年工作安排\n(一)加强党的领导\n压实第一责任人职责。"),
]


def _chunks() -> list[ChunkRow]:
    tok = default_tokenizer()
    return [ChunkRow(f"c{i}", "d", i, s, t, 0, len(t), tuple(tok.tokens(t))) for i, (s, t) in enumerate(SECTIONS)]


def _ask(text: str) -> str:
    chunks = _chunks()
    q = understand(text, [DOC])
    hits = [Hit(c, 1.0 - 0.1 * i, 1.0, None) for i, c in enumerate(chunks)]
    draft = summary(q, hits, {"d": chunks}, {"d": DOC}, default_tokenizer(), {})
    assert draft is not None
    return draft.answer


def test_topic_in_own_words_gets_the_sub_section_text() -> None:
    answer = _ask("德清县为防范突发事件和安全事故都做了些什么？")
    assert "应急预案" in answer and "抢险队伍" in answer
    assert "调解" not in answer


def test_a_question_about_the_whole_section_still_lists_its_items() -> None:
    answer = _ask("德清县2023年法治政府建设有哪些主要举措和成效？")
    assert "深入推动政府职能优化转变" in answer and "积极化解社会矛盾纠纷" in answer


def test_a_report_without_headings_is_divided_by_its_heading_lines() -> None:
    tok = default_tokenizer()
    texts = ["德清县司法局2023年度工作报告\n统筹推进法治政府建设\n分解任务62项。\n"
             "行政执法协调监督\n组织执法人员培训和考试。",
             "开展行政执法案卷评查。受理执法投诉47件。\n公共法律服务\n接待群众1.8万人次。"]
    chunks = [ChunkRow(f"c{i}", "d", i, "", t, 0, len(t), tuple(tok.tokens(t))) for i, t in enumerate(texts)]
    q = understand("德清县司法局是怎么做行政执法协调监督的？", [DOC])
    assert q.route == "summary"
    draft = summary(q, [Hit(c, 1.0, 1.0, None) for c in chunks], {"d": chunks}, {"d": DOC}, tok, {})
    assert draft is not None
    assert "培训" in draft.answer and "案卷评查" in draft.answer and "接待群众" not in draft.answer
