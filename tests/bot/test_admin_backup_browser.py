"""Backups in the admin console, in Debian's headless Chromium against a real `govqa serve`: one made,
listed with its counts, restored by name into a new store directory that the console names."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright import sync_api

from rag.store.backup import verify_backup
from tests.conftest import build_service
from tests.corpus import REPORTS
from tests.servers import CHROMIUM, chromium, govqa_serve

if not CHROMIUM.exists():
    pytest.fail("needs /usr/bin/chromium: run `make browser` (apt-get install -y chromium)", pytrace=False)

TOKEN = "backup-browser-token"


def test_backup_and_restore_in_the_console(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_service(store, corpus=REPORTS[:2]).close()
    backups = tmp_path / "backups"
    env = {"GOVQA_ADMIN_TOKEN": TOKEN, "GOVQA_BACKUP_DIR": str(backups)}
    with govqa_serve(store, env) as url, chromium() as browser:
        page = browser.new_context(base_url=url, viewport={"width": 1280, "height": 800}).new_page()
        page.goto("/admin")
        page.get_by_label("管理令牌").fill(TOKEN)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="备份").click()
        sync_api.expect(page.locator("#backups tbody")).to_contain_text("还没有备份")

        page.get_by_role("button", name="立即备份").click()
        row = page.locator("#backups tbody tr").first
        sync_api.expect(row).to_contain_text("govqa-")
        name = row.get_attribute("data-backup") or ""
        assert row.locator("td").nth(3).text_content() == "2"  # documents
        verify_backup(backups / name)

        page.get_by_role("button", name=f"恢复 {name}").click()
        restored = backups / "restored" / name
        sync_api.expect(page.locator("#backup-restored")).to_contain_text(f"govqa serve --store {restored}")
        assert (restored / "catalog.sqlite").is_file()
