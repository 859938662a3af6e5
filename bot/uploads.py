"""Upload file names made safe: a client's name is a hint for the suffix and the doc id, never a path.

Browsers and scripts send `../../etc/x.txt`, `C:\\Users\\me\\report.docx`, NUL bytes, names longer
than a file system allows, or nothing at all. The name kept is a base name without path separators
or control characters, at most `MAX_NAME_BYTES` bytes of UTF-8 with its suffix intact, so writing it
inside the temporary directory can neither escape it nor fail.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

MAX_NAME_BYTES = 200  # below the common 255-byte limit, leaving room for a suffix the pipeline adds
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FALLBACK = "upload"


def safe_filename(name: str | None) -> str:
    """A base name that is safe to create in a directory; `upload` (no suffix) when nothing is left."""
    base = re.split(r"[/\\]", _CONTROL.sub("", name or ""))[-1].strip().lstrip(".")
    if not base:
        return FALLBACK
    suffix = PurePosixPath(base).suffix
    if len(suffix.encode()) > 16:  # not a real suffix; keep it out of the way of truncation
        suffix = ""
    stem = base[: len(base) - len(suffix)] if suffix else base
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", errors="ignore").rstrip(" .") or FALLBACK
    return stem + suffix
