"""An AskResponse as plain text (markdown-safe): the answer, the aggregate table as a short list, then
numbered sources. The one text layout of the doors that print text (WeCom, the OpenAI-compatible API).

Pure functions: no I/O, so the layout is tested on its own.
"""

from __future__ import annotations

from rag.schema import AskResponse, Table

_QUOTE_CHARS = 80
_TABLE_ROWS = 12
NOTHING_FOUND = "抱歉，已收录的报告中没有找到答案。"


def render(response: AskResponse) -> str:
    """Answer, then the aggregate table as a short list, then numbered sources."""
    return response.answer.strip() + after_answer(response)


def after_answer(response: AskResponse) -> str:
    """What `render` adds after the answer's own text: the table and the sources, each after a blank
    line (a refusal adds none; one with no text of its own is said plainly)."""
    if not response.answerable:
        return "" if response.answer.strip() else NOTHING_FOUND
    parts = []
    if response.table and response.table.rows:
        parts.append("\n".join(_table_lines(response.table)))
    if response.citations:
        sources = ["来源："]
        for c in response.citations:
            where = " · ".join(str(x) for x in (c.region, f"{c.year}年" if c.year else None, c.section) if x)
            sources.append(f"[{c.n}] {where or c.doc_id}：{_short(c.quote or c.text)}")
        parts.append("\n".join(sources))
    return "".join("\n\n" + p for p in parts)


def _table_lines(table: Table) -> list[str]:
    unit = f"（{table.unit}）" if table.unit else ""
    lines = [f"{table.metric}{unit}："]
    for row in table.rows[:_TABLE_ROWS]:
        year = f" {row.year}年" if row.year else ""
        ref = f" [{row.citation}]" if row.citation else ""
        lines.append(f"· {row.region}{year}：{row.display}{ref}")
    if len(table.rows) > _TABLE_ROWS:
        lines.append(f"· ……另有{len(table.rows) - _TABLE_ROWS}项")
    return lines


def _short(text: str, limit: int = _QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
