"""Deeply nested HTML keeps its text: libxml2 silently drops everything below 256 levels."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders import load
from ingest.pipeline import ingest
from rag.store.database import Store
from tests.corpus import REPORTS, report_text


def _nested(depth: int, inner: str) -> str:
    return f"<div>{'<div>' * depth}{inner}{'</div>' * depth}</div>"


def test_ten_thousand_nested_divs_keep_the_text_inside_and_after(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text("<html><head><title>报告</title></head><body><p>开头一段。</p>"
                    + _nested(10_000, "<p>深处的正文：办理行政复议案件120件。</p>")
                    + "<p>结尾一段。</p></body></html>", encoding="utf-8")
    text = load(page).text
    assert "开头一段" in text and "深处的正文：办理行政复议案件120件。" in text and "结尾一段" in text


def test_a_report_inside_deep_markup_is_ingested_whole(tmp_path: Path) -> None:
    report = report_text(REPORTS[0].stem)
    paragraphs = "".join(f"<p>{line}</p>" for line in report.splitlines() if line.strip())
    page = tmp_path / "deep-report.html"
    page.write_text(f"<html><body>{_nested(10_000, paragraphs)}</body></html>", encoding="utf-8")
    store = Store(tmp_path / "store")
    try:
        result = ingest(store, [page])[0]
        assert result.status == "added", result.reason
        kept = store.get_document_row(result.doc_id or "")["text"]
        last = [line for line in report.splitlines() if line.strip()][-1].strip()
        assert last[:20] in kept
    finally:
        store.close()


def test_shallow_markup_is_parsed_as_before(tmp_path: Path) -> None:
    page = tmp_path / "shallow.html"
    page.write_text("<html><body>" + _nested(100, "<p>正文</p><table><tr><td>甲</td><td>乙</td></tr></table>")
                    + "</body></html>", encoding="utf-8")
    text = load(page).text
    assert "正文" in text and "甲\t乙" in text
