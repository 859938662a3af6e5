"""Chinese tokens for BM25: jieba with the domain dictionary (scored in rag/store/lexical_index.py).

Domain terms (行政复议, 复议案件, 规范性文件 …) are added to jieba so they stay whole, and tokens are
taken in search mode so a question's 行政复议案件 still meets a report's 复议案件.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import jieba
from cachetools import LRUCache

from rag.domain.catalogue import load_catalogue
from rag.domain.gazetteer import load_gazetteer

_WORD = re.compile(r"[\w%.]+", re.UNICODE)
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)


def _data_lines(name: str) -> list[str]:
    text = resources.files("rag").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


# Texts up to this many characters have their tokens cached (questions, measures, fact phrases; not chunks).
_CACHED_TEXT = 200


class Tokenizer:
    """A private jieba instance (no global state) carrying the domain dictionary."""

    def __init__(self, extra_terms: Iterable[str] = ()) -> None:
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for line in _data_lines("domain_dict.txt"):
            word, *rest = line.split()
            self._jieba.add_word(word, int(rest[0]) if rest else None)
        for term in extra_terms:
            if len(term) >= 2:
                self._jieba.add_word(term, 800)
        self.stopwords = frozenset(_data_lines("stopwords.txt"))
        self._lock = threading.Lock()
        self._cache: LRUCache[str, tuple[str, ...]] = LRUCache(maxsize=50_000)

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens of NFKC-normalised, lower-cased text, without stopwords or punctuation.
        Short texts (asked measures, fact phrases) are remembered: scoring one question against a few
        thousand facts asks for the same phrases again and again."""
        if len(text) <= _CACHED_TEXT:
            with self._lock:
                known = self._cache.get(text)
            if known is not None:
                return list(known)
        norm = unicodedata.normalize("NFKC", text).lower()
        with self._lock:  # jieba's lazy structures are not safe to share across threads
            raw = list(self._jieba.cut_for_search(norm))
        out = [t for t in (w.strip() for w in raw) if t and t not in self.stopwords and not _PUNCT_ONLY.match(t)]
        if len(text) <= _CACHED_TEXT:
            with self._lock:
                self._cache[text] = tuple(out)
        return out

    def words(self, text: str) -> list[str]:
        """The text cut into the dictionary's words, as written (no normalisation, nothing dropped; characters
        no dictionary word holds stand alone): where a question's words begin and end."""
        with self._lock:
            return list(self._jieba.cut(text, HMM=False))


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """The tokenizer with every catalogue term and gazetteer name as a dictionary word."""
    return Tokenizer(_extra_terms())


def _extra_terms() -> list[str]:
    return [*load_catalogue().terms(), *load_gazetteer().names()]
