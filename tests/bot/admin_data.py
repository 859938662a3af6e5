"""Reports for the admin tests, built from the bundled corpus with the region renamed.

The renamed regions are real districts of the same city (so the gazetteer detects them) that no gold
item mentions, so nothing these tests check can be keyed to the gold set.
"""

from __future__ import annotations

from pathlib import Path

from tests.corpus import report_text
from tests.formats import make_docx, make_html_gbk

# (corpus report, its region's short name, the renamed short name, the renamed full name)
HTML_SOURCE = ("tiedong-2023", "铁东", "立山", "立山区")
DOCX_SOURCE = ("weibin-2023", "卫滨", "红旗", "红旗区")

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def renamed(source: tuple[str, str, str, str]) -> str:
    stem, old, new, _ = source
    return report_text(stem).replace(old, new)


def first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip() and "首页" not in line)


def html_report(folder: Path) -> Path:
    text = renamed(HTML_SOURCE)
    return make_html_gbk(text, folder / "lishan-report.html", title=first_line(text))


def docx_report(folder: Path) -> Path:
    return make_docx(renamed(DOCX_SOURCE), folder / "hongqi-report.docx")


def hostile_report(folder: Path) -> Path:
    """A text report whose title line and body carry markup that must only ever show as text."""
    text = renamed(HTML_SOURCE).replace("情况的报告", f"情况的报告{HOSTILE}", 1)
    lines = text.splitlines()
    lines.insert(6, f"    全年审查文件{HOSTILE}12件。")
    path = folder / "hostile-report.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
