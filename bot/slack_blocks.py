"""An AskResponse as Slack Block Kit messages: pure functions, no I/O.

Slack refuses a message outright when a section holds more than 3,000 characters or a message more
than 50 blocks, and in practice fails around 13k characters of blocks (`msg_blocks_too_long`). A long
answer is therefore split into several messages, each valid on its own, instead of being cut.
Document text is untrusted: `&`, `<` and `>` are escaped so a report cannot inject links or mentions.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rag.schema import AskResponse, Citation, Table

MAX_SECTION_CHARS = 3000
MAX_BLOCKS = 50
# Below the ~13k characters at which Slack starts answering msg_blocks_too_long.
MAX_MESSAGE_CHARS = 11_000
FALLBACK_CHARS = 3000
FEEDBACK_ACTIONS = ("govqa_feedback_up", "govqa_feedback_down")

Block = dict[str, Any]
Message = dict[str, Any]

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ENTITY = re.compile(r"&(amp|lt|gt);")
# Preferred places to split long text, best first: paragraph, line, sentence end, clause, anywhere.
_BREAKS = ("\n\n", "\n", "。", "！", "？", "；", ". ", "，", ", ", " ")


def escape(text: str) -> str:
    """Slack's three control characters in mrkdwn and plain `text`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Escaped text with Markdown **bold** (LLM answers use it) turned into Slack's *bold*."""
    return _BOLD.sub(lambda m: f"*{m.group(1).strip()}*", escape(text))


def split_text(text: str, limit: int = MAX_SECTION_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut at the most natural break and never inside an entity."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = 0
        for mark in _BREAKS:
            at = window.rfind(mark)
            if at > limit // 3:
                cut = at + len(mark)
                break
        cut = cut or limit
        # An escaped `&amp;` cut in two would show as garbage: move the cut before the entity.
        for m in _ENTITY.finditer(rest, max(0, cut - 5), min(len(rest), cut + 5)):
            if m.start() < cut < m.end():
                cut = m.start()
        piece, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if rest.strip():
        pieces.append(rest)
    return pieces


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _sections(mrkdwn: str) -> list[Block]:
    return [_section(piece) for piece in split_text(mrkdwn)]


def table_lines(table: Table) -> str:
    """An aggregate table as a short list, one line a region, in mrkdwn."""
    unit = f"（{escape(table.unit)}）" if table.unit else ""
    lines = [f"*{escape(table.metric)}*{unit}"]
    for row in table.rows:
        year = f" {row.year}年" if row.year else ""
        notes = [escape(n) for n in (row.period, row.scope) if n]
        if row.derived:
            notes.append("计算得出")
        note = f"（{'，'.join(notes)}）" if notes else ""
        cite = f" [{row.citation}]" if row.citation else ""
        lines.append(f"• {escape(row.region)}{year}：{escape(row.display)}{note}{cite}")
    return "\n".join(lines)


def source_label(citation: Citation) -> str:
    """`[n] region · year · section` (the parts the citation has)."""
    parts = [citation.region or citation.title or citation.doc_id]
    if citation.year:
        parts.append(f"{citation.year}年")
    if citation.section:
        parts.append(citation.section)
    return f"*[{citation.n}]* " + " · ".join(escape(p) for p in parts)


def source_blocks(citation: Citation) -> list[Block]:
    quote = (citation.quote or citation.text).strip()
    blocks = _sections(source_label(citation))
    blocks += [_context(piece) for piece in split_text(f"“{escape(quote)}”")]
    return blocks


def feedback_block(session_id: str, question: str) -> Block:
    """👍/👎 buttons; the value carries what the feedback store needs besides the answer text."""
    value = json.dumps({"s": session_id, "q": question[:600]}, ensure_ascii=False)
    return {"type": "actions", "block_id": "govqa_feedback", "elements": [
        {"type": "button", "action_id": FEEDBACK_ACTIONS[0], "text": {"type": "plain_text", "text": "👍 有用"},
         "value": value},
        {"type": "button", "action_id": FEEDBACK_ACTIONS[1], "text": {"type": "plain_text", "text": "👎 不对"},
         "value": value},
    ]}


def answer_blocks(response: AskResponse, question: str | None = None) -> list[Block]:
    """All blocks of one answer, in reading order, each within Slack's per-block limits."""
    blocks: list[Block] = []
    if question:
        blocks += [_context(piece) for piece in split_text(f"问：{escape(question)}")]
    blocks += _sections(to_mrkdwn(response.answer.strip() or "（没有答案）"))
    if not response.answerable:
        # Said plainly, without sources that would suggest the reports back the answer.
        return blocks
    if response.table and response.table.rows:
        blocks += _sections(table_lines(response.table))
    if response.citations:
        blocks.append(_context("*来源*"))
        for citation in response.citations:
            blocks += source_blocks(citation)
    return blocks


def _block_chars(block: Block) -> int:
    if block["type"] == "section":
        return len(block["text"]["text"])
    if block["type"] == "context":
        return sum(len(e["text"]) for e in block["elements"])
    return len(json.dumps(block, ensure_ascii=False))


def _fallback(blocks: list[Block]) -> str:
    """The plain `text` of a message: notifications and clients without Block Kit show it."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    texts += [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]] if not texts else []
    text = "\n".join(texts) or "govqa（续）"  # e.g. a last message holding only the feedback buttons
    if len(text) <= FALLBACK_CHARS:
        return text
    return split_text(text, FALLBACK_CHARS - 1)[0] + "…"


def pack(blocks: list[Block], max_blocks: int = MAX_BLOCKS, max_chars: int | None = None) -> list[Message]:
    """Blocks into as few messages as the limits allow, order kept; every message has a `text` fallback."""
    max_chars = max_chars or MAX_MESSAGE_CHARS
    messages: list[list[Block]] = []
    current: list[Block] = []
    chars = 0
    for block in blocks:
        size = _block_chars(block)
        if current and (len(current) >= max_blocks or chars + size > max_chars):
            messages.append(current)
            current, chars = [], 0
        current.append(block)
        chars += size
    if current:
        messages.append(current)
    return [{"text": _fallback(m), "blocks": m} for m in messages]


def render(response: AskResponse, question: str | None = None, *, echo_question: bool = False,
           feedback: bool = False) -> list[Message]:
    """The messages to post for one answer.

    `echo_question` repeats the question on top (a slash command's text is not shown to others);
    `feedback` puts 👍/👎 buttons at the end of the last message.
    """
    blocks = answer_blocks(response, question if echo_question else None)
    if feedback and response.session_id and question:
        blocks.append(feedback_block(response.session_id, question))
    return pack(blocks)


def notice(text: str) -> Message:
    """A one-line message (usage help, errors) in the same shape as an answer."""
    mrkdwn = to_mrkdwn(text)
    return {"text": mrkdwn, "blocks": _sections(mrkdwn)}
