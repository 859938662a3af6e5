"""API keys in the admin console, in Debian's headless Chromium against a real `govqa serve` that
requires keys: created in the console, used by an application, shown with its usage, revoked, refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright import sync_api

from tests.servers import CHROMIUM, chromium, govqa_serve

if not CHROMIUM.exists():
    pytest.fail("needs /usr/bin/chromium: run `make browser` (apt-get install -y chromium)", pytrace=False)

TOKEN = "keys-browser-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"GOVQA_ADMIN_TOKEN": TOKEN, "GOVQA_REQUIRE_API_KEY": "true", "GOVQA_RATE_LIMIT_PER_MINUTE": "0"}
    with govqa_serve(tmp_path_factory.mktemp("keys-browser") / "store", env) as url:
        yield url


def test_create_use_revoke_a_key_in_the_console(server: str, tmp_path: Path) -> None:
    ask = {"question": "办结了多少件行政复议案件？"}
    assert httpx.post(f"{server}/api/ask", json=ask).status_code == 401  # keys are required here
    with chromium() as browser:
        context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        failed: list[str] = []  # the console's own requests that failed (the browser's favicon probe aside)
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.goto("/admin")
        page.get_by_label("管理令牌").fill(TOKEN)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="API 密钥").click()
        sync_api.expect(page.locator("#keys tbody")).to_contain_text("还没有密钥")

        page.get_by_label("应用名称").fill("内网门户 <b>LobeChat</b>")
        page.get_by_role("button", name="创建密钥").click()
        secret = page.get_by_label("新密钥")
        sync_api.expect(page.locator("#key-new")).to_be_visible()
        key = secret.text_content() or ""
        assert key.startswith("gqk_") and len(key) > 30
        row = page.locator("#keys tbody tr").first
        sync_api.expect(row).to_contain_text("内网门户 <b>LobeChat</b>")  # the name is text, never markup
        assert row.locator("b").count() == 0
        sync_api.expect(row.locator(".status")).to_have_text("有效")

        # The application uses the key, twice on one route and once on another.
        for _ in range(2):
            assert httpx.post(f"{server}/api/ask", json=ask, headers={"X-API-Key": key}).status_code == 200
        assert httpx.get(f"{server}/v1/models", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        page.reload()
        row = page.locator("#keys tbody tr").first
        sync_api.expect(row.locator(".uses")).to_have_text("3")
        sync_api.expect(row).to_contain_text("/api/ask × 2")
        page.screenshot(path=str(tmp_path / "admin-keys.png"), full_page=True)

        row.get_by_role("button", name="吊销").click()
        sync_api.expect(row.locator(".status")).to_contain_text("已吊销")
        sync_api.expect(row.get_by_role("button", name="吊销")).to_have_count(0)
        refused = httpx.post(f"{server}/api/ask", json=ask, headers={"X-API-Key": key})
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
        # The key was shown once: a new page of the console no longer has it anywhere.
        page.reload()
        assert key not in page.content()
        assert not failed, failed
        context.close()
