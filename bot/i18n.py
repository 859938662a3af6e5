"""The CLI in the user's language: GNU gettext catalogues under bot/locale, read by the stdlib.

The language comes from the environment the way gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES,
LANG): any `zh_*` locale finds `locale/zh` (Simplified Chinese), anything else reads English, the
message ids themselves. The catalogue is `govqa.po` (edit it) and `govqa.mo` (compiled from it with
`msgfmt`, committed; tests/bot/test_cli_locale.py checks that the two agree and that every message the
CLI marks is in it).

`install()` makes "govqa" the process's text domain, so click's and typer's own words (Usage, Options,
Error, ...) are looked up in the same catalogue: the `govqa` command calls it before typer renders help.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

DOMAIN = "govqa"
LOCALE_DIR = Path(__file__).with_name("locale")


def install() -> None:
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)


def gettext(message: str) -> str:
    """`message` in the environment's language (read at each call; the parsed catalogue is cached)."""
    return _gettext.translation(DOMAIN, LOCALE_DIR, fallback=True).gettext(message)
