"""The widget in a real browser (Debian's chromium via Playwright) against a real `govqa serve`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright import sync_api

from tests.conftest import build_service
from tests.servers import CHROMIUM, chromium, govqa_serve, screenshots_dir

# `make test` installs Debian's chromium first; a missing browser is a failed install, not a skip.
if not CHROMIUM.exists():
    pytest.fail("needs /usr/bin/chromium: run `make browser` (apt-get install -y chromium)", pytrace=False)

ROOT = Path(__file__).resolve().parents[2]
SHOTS = screenshots_dir()
LOOKUP = "泗阳县2023年1-11月办结了多少件行政复议案件？"
AGGREGATE = "哪个地区办结的行政复议案件最多？"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("widget") / "store"
    build_service(store).close()
    with govqa_serve(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: sync_api.Browser, server: str) -> Iterator[sync_api.Page]:
    context = browser.new_context(base_url=server, viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.goto("/")
    yield page
    context.close()


def _ask(page: sync_api.Page, question: str) -> sync_api.Locator:
    """Type into the widget, press Enter, wait for the finished answer (its tool row appears on `done`)."""
    before = page.locator(".msg.a").count()
    box = page.get_by_role("textbox", name="输入问题")
    box.fill(question)
    box.press("Enter")
    answer = page.locator(".msg.a").nth(before)
    answer.locator(".tools").wait_for(timeout=15_000)
    return answer


def test_lookup_streams_an_answer_with_a_clickable_citation(page: sync_api.Page) -> None:
    chats: list[str] = []
    page.on("request", lambda r: chats.append(r.url) if r.url.endswith("/api/chat") else None)
    launcher = page.get_by_role("button", name="法治报告问答", exact=True)
    launcher.click()
    dialog = page.get_by_role("dialog", name="法治报告问答")
    sync_api.expect(dialog).to_be_visible()
    sync_api.expect(launcher).to_have_attribute("aria-expanded", "true")
    sync_api.expect(page.locator('[role="log"]')).to_have_attribute("aria-live", "polite")

    answer = _ask(page, LOOKUP)
    sync_api.expect(answer).to_contain_text("174")
    assert len(chats) == 1
    answer.get_by_role("button", name="查看引文 1").first.click()
    detail = answer.locator(".detail")
    sync_api.expect(detail).to_be_visible()
    sync_api.expect(detail).to_contain_text("全县办结复议案件174件")
    sync_api.expect(detail.locator(".meta")).to_contain_text("泗阳县 · 2023")
    assert detail.locator("mark").count() == 1

    with page.expect_request(lambda r: r.url.endswith("/api/feedback") and r.method == "POST") as feedback:
        answer.get_by_role("button", name="有帮助", exact=True).click()
    assert feedback.value.post_data_json["rating"] == "up" and "174" in feedback.value.post_data_json["answer"]

    session = feedback.value.post_data_json["session_id"]
    assert session

    page.screenshot(path=str(SHOTS / "widget.png"))
    with page.expect_request(lambda r: r.url.endswith("/api/chat")) as follow_up:
        _ask(page, "那2022年呢？")
    assert follow_up.value.post_data_json["session_id"] == session


def test_enter_during_ime_composition_does_not_send(page: sync_api.Page) -> None:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/api/" in r.url else None)
    page.get_by_role("button", name="法治报告问答", exact=True).click()
    box = page.get_by_role("textbox", name="输入问题")
    box.fill("泗阳")
    composing = box.evaluate("""ta => {
        const e = new KeyboardEvent('keydown', {key: 'Enter', code: 'Enter', isComposing: true,
                                                  bubbles: true, cancelable: true, composed: true});
        ta.dispatchEvent(e);
        return e.defaultPrevented;
    }""")
    page.wait_for_timeout(300)
    assert composing is False and sent == []
    assert box.input_value() == "泗阳" and page.locator(".msg").count() == 0
    box.press("Shift+Enter")
    assert box.input_value() == "泗阳\n" and sent == []


def test_escape_closes_and_returns_focus_to_the_launcher(page: sync_api.Page) -> None:
    launcher = page.get_by_role("button", name="法治报告问答", exact=True)
    launcher.click()
    box = page.get_by_role("textbox", name="输入问题")
    sync_api.expect(box).to_be_focused()
    page.keyboard.press("Escape")
    sync_api.expect(page.get_by_role("dialog")).to_be_hidden()
    sync_api.expect(launcher).to_be_focused()
    sync_api.expect(launcher).to_have_attribute("aria-expanded", "false")


def test_host_page_css_does_not_leak_into_the_widget(page: sync_api.Page) -> None:
    style = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.borderTopStyle, s.fontSize]; }"
    host_button = page.locator("#host-button").evaluate(style)
    assert host_button == ["rgb(204, 0, 0)", "dashed", "22px"]  # the hostile rule is live on the host page
    launcher = page.get_by_role("button", name="法治报告问答", exact=True).evaluate(style)
    assert launcher[0] != host_button[0] and launcher[1] != "dashed" and launcher[2] != "22px"
    page.get_by_role("button", name="法治报告问答", exact=True).click()
    panel = page.get_by_role("dialog").evaluate(style)
    assert panel[0] == "rgb(255, 255, 255)" and panel[1] != "dashed"


def test_aggregate_answer_draws_a_chart_with_undisclosed_rows(page: sync_api.Page) -> None:
    page.get_by_role("button", name="法治报告问答", exact=True).click()
    answer = _ask(page, AGGREGATE)
    chart = answer.locator(".chart")
    sync_api.expect(chart).to_be_visible()
    rows = chart.locator(".row")
    assert rows.count() >= 2
    texts = rows.all_inner_texts()
    assert any("未披露" in t for t in texts) and any("174" in t for t in texts)
    assert chart.locator(".row.missing .bar").count() == 0
    assert chart.locator(".row:not(.missing) .bar").count() == rows.count() - chart.locator(".row.missing").count()
    page.screenshot(path=str(SHOTS / "widget-chart.png"))


def test_narrow_screen_panel_is_full_width(browser: sync_api.Browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="法治报告问答", exact=True).click()
    box = page.get_by_role("dialog").bounding_box()
    context.close()
    assert box is not None and box["x"] == 0 and box["width"] == 375


def test_document_text_is_rendered_as_text_and_unanswerable_plainly(page: sync_api.Page) -> None:
    """A stubbed stream whose answer and passage carry markup: it must show up literally, never run."""
    import json

    hostile = '<img src=x onerror="window.__pwned=1">'
    done = {"answer": f"没有找到{hostile}[1]", "answerable": False, "route": "unanswerable", "session_id": "s-9",
            "citations": [{"n": 1, "doc_id": "d", "region": "某县", "year": 2020, "section": "一",
                           "text": f"前文{hostile}后文", "quote": hostile}], "timings_ms": {}}
    events = [("token", {"text": done["answer"][:6]}), ("token", {"text": done["answer"][6:]}),
              ("citations", done["citations"]), ("done", done)]
    body = "".join(f"event: {k}\r\ndata: {json.dumps(v, ensure_ascii=False)}\r\n\r\n" for k, v in events)
    page.route("**/api/chat", lambda route: route.fulfill(status=200, content_type="text/event-stream", body=body))
    page.get_by_role("button", name="法治报告问答", exact=True).click()
    answer = _ask(page, "随便问问")
    sync_api.expect(answer).to_have_class("msg a unanswerable")
    sync_api.expect(answer.locator(".text")).to_contain_text(hostile)
    answer.get_by_role("button", name="查看引文 1").click()
    sync_api.expect(answer.locator(".detail mark")).to_have_text(hostile)
    assert answer.locator("img").count() == 0 and page.evaluate("window.__pwned") is None
