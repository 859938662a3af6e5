"""Property tests: the pure ingest core never crashes on arbitrary text, and every span it returns
points inside the text at what it claims; the loaders turn arbitrary bytes into text or IngestError.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_paragraphs
from ingest.clean import repair_pdf_text, strip_markdown, strip_site_chrome
from ingest.errors import IngestError
from ingest.facts import derive_metrics, extract_metrics
from ingest.loaders import SUPPORTED_SUFFIXES, load
from ingest.sections import parse_sections
from tests.corpus import REPORTS

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
# Report-like alphabet: headings, numbers in every script, units, punctuation, line breaks.
PIECES = ["一、", "（二）", "(三)", "1.", "第一章", "全年", "办结", "行政复议", "案件", "件", "%", "万", "余", "约",
          "纠错率", "同比增长", "1-11月", "2023年", "。", "，", "\n", "\n\n", " ", "\t", "174", "2.3", "十二",
          "零", "〇", "１２", "<", ">", "*", "#", "\r", "\x0c"]
report_like = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=80).map("".join)
# Real report lines shuffled and cut: realistic structure in unrealistic orders.
REAL_LINES = [line for path in REPORTS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
real_mix = st.lists(st.sampled_from(REAL_LINES), max_size=12).map("\n".join)
texts = st.one_of(report_like, real_mix, st.text(max_size=300))


@FUZZ
@given(texts)
def test_sections_cover_lines_with_spans_inside_the_text(text: str) -> None:
    paragraphs, sections = parse_sections(text)
    for p in paragraphs:
        assert 0 <= p.start <= p.end <= len(text)
        assert text[p.start : p.end].strip() == p.text.strip()
    starts = [p.start for p in paragraphs]
    assert starts == sorted(starts)
    assert all(0 <= s.start <= len(text) for s in sections)


@FUZZ
@given(texts)
def test_metric_spans_point_at_the_figure_inside_its_sentence(text: str) -> None:
    facts = extract_metrics(text)
    for fact in facts + derive_metrics(facts):
        start, end = fact.span
        s_start, s_end = fact.sentence_span
        assert 0 <= s_start <= start < end <= s_end <= len(text)
        assert text[s_start:s_end] == fact.sentence
        assert fact.value == fact.value  # not NaN


@FUZZ
@given(texts, st.integers(min_value=20, max_value=600))
def test_chunks_are_slices_of_the_text(text: str, size: int) -> None:
    paragraphs, _ = parse_sections(text)
    for chunk in chunk_paragraphs(text, paragraphs, size=size):
        assert 0 <= chunk.start <= chunk.end <= len(text)


@FUZZ
@given(texts)
def test_cleaners_never_crash_and_return_text(text: str) -> None:
    for clean in (strip_site_chrome, strip_markdown, repair_pdf_text):
        assert isinstance(clean(text), str)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(SUPPORTED_SUFFIXES)),
       st.one_of(st.binary(max_size=2048),
                 st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"<html><meta charset=gbk>", b"\xef\xbb\xbf"])
                 .flatmap(lambda head: st.binary(max_size=1024).map(lambda tail: head + tail)),
                 texts.map(lambda t: t.encode("gb18030", errors="ignore"))))
def test_loaders_return_text_or_ingest_error_only(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            loaded = load(path)
        except IngestError as exc:
            assert exc.reason and exc.path == path
            return
        assert isinstance(loaded.text, str) and isinstance(loaded.raw, str)
