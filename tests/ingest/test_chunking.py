import pytest

from ingest.chunking import chunk_paragraphs
from ingest.sections import parse_sections
from rag.text.sentences import sentence_spans
from tests.corpus import REPORTS


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem)
def test_chunks_never_cut_a_sentence_and_stay_bounded(path) -> None:
    text = path.read_text(encoding="utf-8")
    paragraphs, _ = parse_sections(text)
    chunks = chunk_paragraphs(text, paragraphs, size=300, min_size=80)
    sentences = [text[a:b] for p in paragraphs for a, b in sentence_spans(text, p.start, p.end)]
    joined = "\n".join(c.text for c in chunks)
    for sentence in sentences:
        assert sentence in joined  # every sentence survives whole
    for chunk in chunks:
        longest = max(b - a for a, b in sentence_spans(chunk.text))
        assert len(chunk.text) <= max(450, longest + 80)
    assert [c.ord for c in chunks] == list(range(len(chunks)))


def test_small_heading_merges_forward_and_takes_childs_path() -> None:
    body = "内容很长的一句话，" * 10 + "。"
    text = f"一、成效\n(一)甲。{body}\n(二)乙。{body}"
    paragraphs, _ = parse_sections(text)
    chunks = chunk_paragraphs(text, paragraphs, size=300, min_size=80)
    assert chunks[0].text.startswith("一、成效")
    assert chunks[0].section == "一、成效 > (一)甲"
    assert chunks[-1].section == "一、成效 > (二)乙"


def test_section_change_closes_a_chunk_of_sufficient_size() -> None:
    body = "这是一句足够长的正文内容，用来填满一个块的最小长度要求。" * 3
    text = f"一、甲\n{body}\n二、乙\n{body}"
    paragraphs, _ = parse_sections(text)
    chunks = chunk_paragraphs(text, paragraphs, size=300, min_size=80)
    assert [c.section for c in chunks] == ["一、甲", "二、乙"]
