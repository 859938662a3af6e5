"""Each corpus report rendered as GBK HTML, DOCX and PDF once per test session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.loaders import LoadedText, load
from tests.corpus import REPORTS
from tests.formats import make_docx, make_html_gbk, make_pdf

# The <h1> of a page whose text opens without a title line of its own.
FALLBACK_TITLE = "法治政府建设年度情况报告"


@dataclass(frozen=True)
class Rendered:
    stem: str
    txt: LoadedText  # the report loaded from the corpus .txt: the reference every format must match
    title: str  # the <h1> of the HTML page
    files: dict[str, Path]  # fmt -> generated file


def page_title(txt: LoadedText) -> str:
    """The report's own title line when it has one, else a generic title (that the HTML then adds)."""
    first = txt.text.splitlines()[0]
    return FALLBACK_TITLE if first.endswith(("。", ":", "：")) else first


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    folder = tmp_path_factory.mktemp("formats")
    result = {}
    for report in REPORTS:
        txt = load(report)
        title = page_title(txt)
        files = {
            "html": make_html_gbk(txt.text, folder / f"{report.stem}.html", title),
            "docx": make_docx(txt.text, folder / f"{report.stem}.docx"),
            "pdf": make_pdf(txt.text, folder / f"{report.stem}.pdf"),
        }
        result[report.stem] = Rendered(report.stem, txt, title, files)
    return result
