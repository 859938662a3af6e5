"""Render an AskResponse as WeCom text messages, each within WeCom's 2,048-byte limit.

Pure functions: no I/O, so the layout and the splitting are tested on their own. The limit is in
UTF-8 bytes (a Chinese character is 3), so a message holds about 680 characters of Chinese.
"""

from __future__ import annotations

import re

from rag.schema import AskResponse, Table

MAX_BYTES = 2048
_QUOTE_CHARS = 80
_TABLE_ROWS = 12
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
# "@govqa 问题" / "问题 @govqa": WeCom puts the mention in the text; a name ends at whitespace (or the
# U+2005 space WeCom inserts after it). Only an "@" that starts a word, so "a@b.com" stays intact.
_MENTION = re.compile(r"(?<![^\s\u2005])@[^\s\u2005]+[\s\u2005]*")


def strip_mentions(text: str) -> str:
    """The question without "@name" mentions (group chats prefix the bot's name)."""
    return _MENTION.sub(" ", text).strip()


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


def render(response: AskResponse) -> str:
    """Answer, then the aggregate table as a short list, then numbered sources."""
    if not response.answerable:
        return response.answer.strip() or "抱歉，已收录的报告中没有找到答案。"
    parts = [response.answer.strip()]
    if response.table and response.table.rows:
        parts.append("\n".join(_table_lines(response.table)))
    if response.citations:
        sources = ["来源："]
        for c in response.citations:
            where = " · ".join(str(x) for x in (c.region, f"{c.year}年" if c.year else None, c.section) if x)
            sources.append(f"[{c.n}] {where or c.doc_id}：{_short(c.quote or c.text)}")
        parts.append("\n".join(sources))
    return "\n\n".join(parts)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _hard_split(text: str, limit: int) -> list[str]:
    """Last resort for a run with no boundary: cut by characters, so never inside a UTF-8 sequence."""
    pieces, current = [], ""
    for ch in text:
        if _size(current + ch) > limit:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


def _units(text: str, limit: int) -> list[str]:
    """Lines (keeping their newline), each cut at sentence ends, then by characters, to fit `limit`."""
    units: list[str] = []
    for line in text.splitlines(keepends=True):
        if _size(line) <= limit:
            units.append(line)
            continue
        for sentence in filter(None, _SENTENCE_END.split(line)):
            units.extend([sentence] if _size(sentence) <= limit else _hard_split(sentence, limit))
    return units


def split_message(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Pieces of `text` of at most `limit` UTF-8 bytes, cut at line, then sentence, boundaries."""
    if _size(text) <= limit:
        return [text]
    messages, current = [], ""
    for unit in _units(text, limit):
        if current and _size(current + unit) > limit:
            messages.append(current.strip("\n"))
            current = ""
        current += unit
    if current.strip():
        messages.append(current.strip("\n"))
    return [m for m in messages if m.strip()]
