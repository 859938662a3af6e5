"""Named admin tokens and the audit trail in the console, in Debian's headless Chromium against a real
`govqa serve`: a token made for one admin, her upload and correction shown with their before/after, a
refused request shown as refused, the filters, and the CSV export downloaded and read with csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright import sync_api

from tests.bot.admin_data import html_report
from tests.servers import CHROMIUM, chromium, govqa_serve, screenshots_dir

if not CHROMIUM.exists():
    pytest.fail("needs /usr/bin/chromium: run `make browser` (apt-get install -y chromium)", pytrace=False)

TOKEN = "audit-browser-token"
ADMIN = "李四（信息科）"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with govqa_serve(tmp_path_factory.mktemp("audit-browser") / "store", {"GOVQA_ADMIN_TOKEN": TOKEN}) as url:
        yield url


def _login(page: sync_api.Page, token: str) -> None:
    page.goto("/admin")
    page.get_by_label("管理令牌").fill(token)
    page.get_by_role("button", name="登录").click()
    sync_api.expect(page.locator("#nav")).to_be_visible()


def test_a_named_admin_acts_and_the_console_shows_and_exports_it(server: str, tmp_path: Path) -> None:
    with chromium() as browser:
        context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page = context.new_page()
        failed: list[str] = []  # the console's own requests that failed (the browser's favicon probe aside)
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

        # The settings token's holder makes a named token for 李四.
        _login(page, TOKEN)
        page.get_by_role("link", name="管理令牌").click()
        sync_api.expect(page.locator("#tokens tbody")).to_contain_text("还没有具名令牌")
        page.get_by_label("管理员姓名").fill(ADMIN)
        page.get_by_role("button", name="创建令牌").click()
        sync_api.expect(page.locator("#token-new")).to_be_visible()
        secret = page.get_by_label("新令牌").text_content() or ""
        assert secret.startswith("gqa_")
        sync_api.expect(page.locator("#tokens tbody tr").first.locator(".status")).to_have_text("有效")

        # 李四 uploads a report and corrects its year; someone else tries with a guessed token.
        me = {"Authorization": f"Bearer {secret}"}
        path = html_report(tmp_path)
        doc = httpx.post(f"{server}/api/documents", files={"file": (path.name, path.read_bytes())}, headers=me,
                         timeout=120).json()
        assert httpx.patch(f"{server}/api/documents/{doc['doc_id']}", json={"year": 2021},
                           headers=me).status_code == 200
        assert httpx.delete(f"{server}/api/documents/{doc['doc_id']}",
                            headers={"Authorization": "Bearer gqa_guessed0000000"}).status_code == 401

        # 李四 logs in with her own token and reads the trail.
        page.get_by_role("button", name="退出").click()
        _login(page, secret)
        page.get_by_role("link", name="审计记录").click()
        correction = page.locator("#audit tbody tr", has_text="更正元数据")
        sync_api.expect(correction).to_have_count(1)
        sync_api.expect(correction).to_contain_text(ADMIN)
        sync_api.expect(correction.locator(".before")).to_have_text("year：2023")
        sync_api.expect(correction.locator(".after")).to_have_text("year：2021")
        sync_api.expect(page.locator("#audit tbody tr", has_text="上传报告")).to_contain_text(doc["doc_id"])
        refused = page.locator("#audit tbody tr.outcome-refused", has_text="删除报告")
        sync_api.expect(refused.locator(".outcome")).to_have_text("被拒绝 401")
        sync_api.expect(refused).to_contain_text("gqa_guesse")
        assert "gqa_guessed0000000" not in (refused.text_content() or "")
        page.screenshot(path=str(screenshots_dir() / "admin-audit.png"), full_page=True)

        # Filter to refusals, then to 李四; the export holds what the filter shows.
        page.get_by_label("结果").select_option("refused")
        sync_api.expect(page.locator("#audit tbody tr.outcome-refused")).to_have_count(1)
        sync_api.expect(page.locator("#audit tbody tr")).to_have_count(1)
        page.get_by_label("结果").select_option("")
        page.get_by_label("操作人").fill(ADMIN)
        page.get_by_label("操作人").press("Enter")
        sync_api.expect(page.locator("#audit tbody tr", has_text="被拒绝")).to_have_count(0)
        shown = page.locator("#audit tbody tr").count()
        assert shown >= 2
        with page.expect_download() as download:
            page.get_by_role("button", name="导出 CSV").click()
        assert download.value.suggested_filename == "audit.csv"
        raw = Path(download.value.path()).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheet programs read the Chinese
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) == shown and {row["actor"] for row in rows} == {ADMIN}
        fix = next(row for row in rows if row["action"] == "document.correct")
        assert (fix["before"], fix["after"], fix["target"]) == ('{"year": 2023}', '{"year": 2021}', doc["doc_id"])
        # The export is itself recorded, and the trail reloads to show it.
        sync_api.expect(page.locator("#audit tbody tr", has_text="导出审计记录")).to_have_count(1)
        assert secret not in page.content() and TOKEN not in page.content()
        assert not failed, failed
        context.close()
