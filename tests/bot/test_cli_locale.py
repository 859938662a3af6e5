"""The CLI speaks Chinese under a zh_* locale and English otherwise, from one gettext catalogue."""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.i18n import DOMAIN, LOCALE_DIR
from tests.servers import GOVQA, ROOT

CATALOGUE = LOCALE_DIR / "zh" / "LC_MESSAGES"


def _govqa(args: list[str], lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([str(GOVQA), *args], env={**env, "PYTHONPATH": str(ROOT), "LANG": lang, "COLUMNS": "200"},
                          capture_output=True, text=True, timeout=120)


def test_messages_and_help_follow_the_locale(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    zh, en = (_govqa(["docs", "--store", str(missing)], lang) for lang in ("zh_CN.UTF-8", "C"))
    assert zh.returncode == en.returncode == 1
    assert f"数据库：{missing}" in zh.stderr and f"{missing} 没有数据库" in zh.stderr
    assert f"store: {missing}" in en.stderr and f"no store at {missing}" in en.stderr and "数据库" not in en.stderr
    zh_help, en_help = (_govqa(["--help"], lang).stdout for lang in ("zh_TW.UTF-8", "C"))
    assert "地方政府年度报告问答" in zh_help and "命令" in zh_help and "回答一个问题" in zh_help
    assert "Q&A over local-government annual reports" in en_help and "Answer one question" in en_help
    assert "选项" in _govqa(["backup", "--help"], "zh_CN.UTF-8").stdout


def _marked_messages() -> set[str]:
    """Every string literal the CLI passes to `_()`."""
    tree = ast.parse((ROOT / "bot" / "cli.py").read_text(encoding="utf-8"))
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
            and node.args and isinstance(node.args[0], ast.Constant)}


def test_every_cli_message_is_translated() -> None:
    with open(CATALOGUE / f"{DOMAIN}.mo", "rb") as handle:
        zh = gettext.GNUTranslations(handle)
    untranslated = sorted(m for m in _marked_messages() if zh.gettext(m) == m)
    assert not untranslated


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_the_committed_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "fresh.mo"), str(CATALOGUE / f"{DOMAIN}.po")],
                   check=True)
    with open(tmp_path / "fresh.mo", "rb") as fresh, open(CATALOGUE / f"{DOMAIN}.mo", "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog
