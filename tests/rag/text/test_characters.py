"""Traditional characters made simplified (rag/text/characters.py): a 繁体 page must meet simplified questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load
from ingest.metadata import detect_metadata
from rag.text.characters import is_traditional, to_simplified

# Written for the test: a district report as a site's 繁体 view shows it, and its simplified twin.
TRADITIONAL = ("2023年，海淀區政府堅持以習近平新時代中國特色社會主義思想為指導，認真貫徹黨中央關於法治政府建設的部署，"
               "全年辦結行政復議案件36件，區政府負責人出庭應訴12次。有關情況報告如下：\n一、主要舉措\n持續完善行政權力運行機制。\n")
SIMPLIFIED = ("2023年，海淀区政府坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻党中央关于法治政府建设的部署，"
              "全年办结行政复议案件36件，区政府负责人出庭应诉12次。有关情况报告如下：\n一、主要举措\n持续完善行政权力运行机制。\n")


@pytest.mark.parametrize(("text", "traditional"), [
    (TRADITIONAL, True),
    (SIMPLIFIED, False),
    ("<html><body><p>" + TRADITIONAL + "</p></body></html>", True),  # markup is not counted
    ("Annual report 2023: 36 cases.", False),
    ("行政復議", False),  # too little text to tell
])
def test_is_traditional(text: str, traditional: bool) -> None:
    assert is_traditional(text) is traditional


def test_simplified_text_comes_back_unchanged() -> None:
    assert to_simplified(SIMPLIFIED) == SIMPLIFIED
    assert to_simplified(TRADITIONAL) == SIMPLIFIED


def test_a_traditional_page_is_read_in_simplified_characters(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(TRADITIONAL, encoding="utf-8")
    loaded = load(path)
    assert "海淀区政府" in loaded.text and "行政复议案件36件" in loaded.text
    # Its region is then read like any other report's (the traditional 區 is no division name).
    meta = detect_metadata(loaded.text, raw=loaded.raw, filename=path.name)
    assert (meta.region, meta.province) == ("海淀区", "北京市")


def test_a_simplified_page_keeps_its_characters(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    stray = SIMPLIFIED.replace("举措", "舉措")  # one traditional character is not a 繁体 page
    path.write_text(stray, encoding="utf-8")
    assert load(path).text.strip() == stray.strip()
