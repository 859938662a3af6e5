"""What is WeCom's in its text messages: "@name" mentions, and the 2,048-byte limit of a message.

The text itself is laid out by bot/plain_format.py. Pure functions: no I/O, so the splitting is tested
on its own. The limit is in UTF-8 bytes (a Chinese character is 3), so a message holds about 680
characters of Chinese.
"""

from __future__ import annotations

import re

MAX_BYTES = 2048
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
# "@govqa 问题" / "问题 @govqa": WeCom puts the mention in the text; a name ends at whitespace (or the
# U+2005 space WeCom inserts after it). Only an "@" that starts a word, so "a@b.com" stays intact.
_MENTION = re.compile(r"(?<![^\s\u2005])@[^\s\u2005]+[\s\u2005]*")


def strip_mentions(text: str) -> str:
    """The question without "@name" mentions (group chats prefix the bot's name)."""
    return _MENTION.sub(" ", text).strip()


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
