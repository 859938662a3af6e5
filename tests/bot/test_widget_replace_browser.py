"""The widget honours `replace`: in Chromium against a real `govqa serve` whose scripted LLM streams an
answer with a figure no passage holds, the live text shows, then gives way to the extractive answer."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import build_service
from tests.fakes.openai_server import fake_openai
from tests.servers import CHROMIUM, chromium, govqa_serve

if not CHROMIUM.exists():
    pytest.fail("needs /usr/bin/chromium: run `make browser` (apt-get install -y chromium)", pytrace=False)

LEAD = ["根据", "所给", "资料", "，", "报告", "显示", "：", "全年", "相关", "工作", "有序", "开展", "，"]
BAD = "987654件"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("widget-replace") / "store"
    build_service(store).close()
    with fake_openai([[*LEAD, BAD, "[1]", "。"]], token_delay_s=0.15) as llm:
        env = {"GOVQA_LLM_MODEL": "scripted", "GOVQA_LLM_BASE_URL": llm.url, "GOVQA_RATE_LIMIT_PER_MINUTE": "0"}
        with govqa_serve(store, env) as url:
            yield url


def test_streamed_text_is_replaced_by_the_checked_answer(server: str) -> None:
    doc = httpx.get(f"{server}/api/documents").json()[0]
    question = f"{doc['region']}{doc['year']}年办结了多少件行政复议案件？"
    with chromium() as browser:
        page = browser.new_page(base_url=server)
        page.goto("/")
        page.get_by_role("button", name="法治报告问答", exact=True).click()
        # Record every text the answer bubble shows, token by token.
        page.evaluate("""() => {
            const root = document.querySelector("govqa-widget").shadowRoot;
            window.__seen = [];
            new MutationObserver(() => {
                const texts = root.querySelectorAll(".msg.a .text");
                if (texts.length) window.__seen.push(texts[texts.length - 1].textContent);
            }).observe(root, {subtree: true, childList: true, characterData: true});
        }""")
        box = page.get_by_role("textbox", name="输入问题")
        box.fill(question)
        box.press("Enter")
        answer = page.locator(".msg.a").first
        answer.locator(".tools").wait_for(timeout=30_000)
        final = answer.locator(".text").text_content() or ""
        seen = page.evaluate("window.__seen")
    extractive = httpx.post(f"{server}/api/ask", json={"question": question}).json()  # the LLM fails twice there
    assert BAD[:6] not in final and "根据所给资料" not in final
    assert extractive["answer"].split("[")[0][-6:] in final
    assert any(t.startswith("根据所给资料") for t in seen)  # the live tokens were on screen first
    assert BAD[:6] not in "".join(seen)  # the unchecked figure never was
