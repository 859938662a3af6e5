"""The admin console in Debian's headless Chromium against a real `govqa serve` with an admin token.

One flow walks the issue's story in order (log in, upload by drag and drop, correct a year, see the
widget cite the new year, inspect, export), saving a screenshot of each admin page; the others check
the refusals and that markup inside reports, metadata and feedback only ever shows as text.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright import sync_api

from tests.bot.admin_data import DOCX_SOURCE, HOSTILE, HTML_SOURCE, docx_report, hostile_report, html_report
from tests.servers import CHROMIUM, chromium, govqa_serve, screenshots_dir

if not CHROMIUM.exists():
    pytest.fail("needs /usr/bin/chromium: run `make browser` (apt-get install -y chromium)", pytrace=False)

ROOT = Path(__file__).resolve().parents[2]
SHOTS = screenshots_dir()
TOKEN = "admin-browser-token"
LISHAN, HONGQI = HTML_SOURCE[3], DOCX_SOURCE[3]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with govqa_serve(tmp_path_factory.mktemp("admin-browser") / "store", {"GOVQA_ADMIN_TOKEN": TOKEN}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def context(browser: sync_api.Browser, server: str) -> Iterator[sync_api.BrowserContext]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 860}, accept_downloads=True)
    yield context
    context.close()


def _login(page: sync_api.Page, token: str = TOKEN) -> None:
    page.goto("/admin")
    page.get_by_label("管理令牌").fill(token)
    page.get_by_role("button", name="登录").click()


def _drop(page: sync_api.Page, selector: str, paths: list[Path]) -> None:
    """Drop files on an element the way a browser does: a DataTransfer carrying File objects."""
    payload = [{"name": p.name, "data": base64.b64encode(p.read_bytes()).decode()} for p in paths]
    page.evaluate("""([selector, files]) => {
        const transfer = new DataTransfer();
        for (const f of files) {
            const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
            transfer.items.add(new File([bytes], f.name));
        }
        const zone = document.querySelector(selector);
        for (const type of ["dragenter", "dragover", "drop"]) {
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }
    }""", [selector, payload])


def _row(page: sync_api.Page, doc_id: str) -> sync_api.Locator:
    return page.locator(f'#docs tr[data-doc="{doc_id}"]')


def _ask_widget(page: sync_api.Page, question: str) -> sync_api.Locator:
    page.goto("/")
    page.get_by_role("button", name="法治报告问答", exact=True).click()
    box = page.get_by_role("textbox", name="输入问题")
    box.fill(question)
    box.press("Enter")
    answer = page.locator(".msg.a").first
    answer.locator(".tools").wait_for(timeout=30_000)
    return answer


def test_upload_correct_ask_inspect_export(context: sync_api.BrowserContext, server: str, tmp_path: Path) -> None:
    page = context.new_page()
    page.goto("/admin")
    sync_api.expect(page.get_by_label("管理令牌")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert page.locator("#nav").is_hidden() and page.locator("#view-reports").is_hidden()

    # A wrong token is refused and not kept.
    _login(page, "not-the-token")
    sync_api.expect(page.locator("#login-error")).to_contain_text("令牌错误")
    assert page.evaluate("sessionStorage.length") == 0 and context.cookies() == []

    sent: list[dict[str, str]] = []
    page.on("request", lambda r: sent.append({"url": r.url, **r.headers}) if "/api/" in r.url else None)
    _login(page)
    sync_api.expect(page.locator("#view-reports")).to_be_visible()
    sync_api.expect(page.locator("#docs tbody")).to_contain_text("还没有报告")
    assert context.cookies() == []

    # Drag and drop two reports (GBK html, docx) and pick a file that cannot be read.
    html, docx = html_report(tmp_path), docx_report(tmp_path)
    bad = tmp_path / "minutes.xyz"
    bad.write_bytes(b"\x00\x01 not a report")
    _drop(page, "#dropzone", [html, docx])
    page.locator("#file-input").set_input_files(str(bad))
    uploads = page.locator("#uploads li")
    for name in (html.name, docx.name):
        sync_api.expect(page.locator(f'#uploads li[data-file="{name}"]')).to_have_class("done", timeout=60_000)
        assert page.locator(f'#uploads li[data-file="{name}"] progress').get_attribute("value") == "100"
    failed = page.locator(f'#uploads li[data-file="{bad.name}"]')
    sync_api.expect(failed).to_have_class("failed", timeout=30_000)
    sync_api.expect(failed).to_contain_text("失败")
    assert uploads.count() == 3

    lishan, hongqi = _row(page, "lishan-report"), _row(page, "hongqi-report")
    sync_api.expect(lishan.locator('[data-field="region"] .value')).to_have_text(LISHAN)
    sync_api.expect(lishan.locator('[data-field="year"] .value')).to_have_text("2023")
    sync_api.expect(lishan.locator('[data-field="level"] .value')).to_have_text("区")
    sync_api.expect(hongqi.locator('[data-field="region"] .value')).to_have_text(HONGQI)
    sync_api.expect(hongqi.locator('[data-field="year"] .value')).to_have_text("2023")
    sync_api.expect(lishan.locator('[data-field="year"] .badge')).to_have_text("自动")
    assert page.locator("#docs tbody tr").count() == 2
    page.screenshot(path=str(SHOTS / "admin-reports.png"))

    # Correct the year of one report.
    page.get_by_role("button", name="更正 lishan-report").click()
    dialog = page.locator("#edit-dialog")
    sync_api.expect(dialog).to_be_visible()
    sync_api.expect(dialog).to_contain_text("自动识别：2023")
    page.locator("#edit-year").fill("2021")
    page.screenshot(path=str(SHOTS / "admin-edit.png"))
    page.get_by_role("button", name="保存").click()
    sync_api.expect(lishan.locator('[data-field="year"] .value')).to_have_text("2021")
    sync_api.expect(lishan.locator('[data-field="year"] .badge')).to_have_text("人工")
    assert lishan.locator('[data-field="year"] .badge').get_attribute("title") == "自动识别：2023"
    # Every API call carried the token as a header, none in the URL.
    admin_calls = [r for r in sent if "/api/documents" in r["url"]]
    assert admin_calls and all(TOKEN not in r["url"] for r in sent)
    assert any(r.get("authorization") == f"Bearer {TOKEN}" for r in admin_calls)

    # The widget now cites the corrected year.
    rows = httpx.get(f"{server}/api/metrics", params={"region": LISHAN, "year": 2021}).json()
    assert rows, "the corrected year must reach the metrics table"
    fact = next(r for r in rows if r["metric"] != "other" and not r["derived"])  # a catalogued figure
    label = fact["label"]
    widget = context.new_page()
    answer = _ask_widget(widget, f"{LISHAN}2021年{label}是多少？")
    answer.get_by_role("button", name="查看引文 1").first.click()
    sync_api.expect(answer.locator(".detail .meta")).to_contain_text(f"{LISHAN} · 2021")
    with widget.expect_request(lambda r: r.url.endswith("/api/feedback") and r.method == "POST"):
        answer.get_by_role("button", name="有帮助", exact=True).click()
    widget.close()

    # Inspect: the section tree with its chunks.
    lishan.get_by_role("link", name="查看").click()
    sync_api.expect(page.locator("#view-detail")).to_be_visible()
    sync_api.expect(page.locator("#detail-meta")).to_contain_text("2021")
    assert page.locator("#detail-tree > details").count() >= 3
    stored = {d["doc_id"]: d for d in httpx.get(f"{server}/api/documents").json()}
    assert page.locator("#detail-tree .chunk").count() == stored["lishan-report"]["chunks"]
    page.screenshot(path=str(SHOTS / "admin-detail.png"))

    # Metrics: filter, chart, row → its sentence, CSV export.
    page.get_by_role("link", name="指标").click()
    everything = httpx.get(f"{server}/api/metrics").json()
    by_region = {region: {r["metric"] for r in everything if r["region"] == region} for region in (LISHAN, HONGQI)}
    shared = sorted((by_region[LISHAN] & by_region[HONGQI]) - {"other"})
    page.locator("#f-metric").select_option(shared[0] if shared else fact["metric"])
    chart = page.locator("#chart")
    sync_api.expect(chart).to_be_visible()
    sync_api.expect(chart.locator("rect")).to_have_count(2 if shared else 1)  # one bar a region and year
    sync_api.expect(chart).to_contain_text(f"{LISHAN} 2021")
    page.screenshot(path=str(SHOTS / "admin-metrics.png"))
    page.locator("#f-metric").select_option(fact["metric"])
    page.locator("#f-region").select_option(LISHAN)
    page.locator("#f-year").select_option("2021")
    shown = page.locator("#metrics tbody tr")
    assert shown.count() == len([r for r in rows if r["metric"] == fact["metric"]])
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert table and {(r["region"], r["year"], r["metric"]) for r in table} == {(LISHAN, "2021", fact["metric"])}
    shown_sentence = shown.first.locator("td.long").inner_text()
    shown.first.locator("a.source").click()
    mark = page.locator("#detail-tree .chunk.target mark")
    sync_api.expect(mark).to_be_visible()
    assert mark.inner_text().strip() and mark.inner_text().strip()[:6] in shown_sentence

    # Metrics by measure words and by whose figure it is.
    page.get_by_role("link", name="指标").click()
    for select in ("#f-metric", "#f-region", "#f-year"):
        page.locator(select).select_option("")
    word = next(r["measure"] for r in everything if r["measure"] and len(r["measure"]) >= 4)[:4]
    page.locator("#f-measure").fill(word)
    by_measure = [r for r in everything if word in (r["measure"] or "") + " " + r["label"]]
    sync_api.expect(page.locator("#metrics tbody tr")).to_have_count(len(by_measure))
    page.locator("#f-measure").fill("")
    page.locator("#f-scope-kind").select_option("region")
    regional = [r for r in everything if r["scope_kind"] == "region"]
    sync_api.expect(page.locator("#metrics tbody tr")).to_have_count(len(regional))
    page.locator("#f-scope-kind").select_option("")

    # Feedback from the widget, with its citation, exportable as a gold line.
    page.get_by_role("link", name="反馈").click()
    feedback = page.locator("#feedback tbody tr")
    sync_api.expect(feedback).to_have_count(1)
    sync_api.expect(feedback).to_contain_text(f"{LISHAN} 2021")
    sync_api.expect(feedback).to_contain_text("widget")
    page.screenshot(path=str(SHOTS / "admin-feedback.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="导出为评测 JSONL").click()
    items = [json.loads(line) for line in Path(download.value.path()).read_text(encoding="utf-8").splitlines()]
    assert len(items) == 1 and items[0]["question"].startswith(LISHAN) and items[0]["evidence"]
    page.locator("#fb-rating").select_option("down")
    sync_api.expect(feedback).to_have_count(0)

    # Eval: the report the harness wrote, by kind, with its failures.
    page.get_by_role("link", name="评测").click()
    latest = json.loads((ROOT / "evals" / "reports" / "latest.json").read_text(encoding="utf-8"))
    sync_api.expect(page.locator("#eval-kinds tbody tr")).to_have_count(len(latest["by_kind"]))
    sync_api.expect(page.locator("#eval-summary")).to_contain_text(f"共 {latest['items']} 题")
    failures = page.locator("#eval-failures tbody tr")
    sync_api.expect(failures).to_have_count(max(1, len(latest["failures"])))
    page.screenshot(path=str(SHOTS / "admin-eval.png"))

    # Delete with confirmation: cancel keeps it, confirm removes it.
    page.get_by_role("link", name="报告").click()
    page.get_by_role("button", name="删除 hongqi-report").click()
    page.get_by_role("button", name="取消").click()
    sync_api.expect(page.locator("#docs tbody tr")).to_have_count(2)
    page.get_by_role("button", name="删除 hongqi-report").click()
    sync_api.expect(page.locator("#confirm-text")).to_contain_text("删除报告")
    page.get_by_role("button", name="确定删除").click()
    sync_api.expect(page.locator("#docs tbody tr")).to_have_count(1)
    assert [d["doc_id"] for d in httpx.get(f"{server}/api/documents").json()] == ["lishan-report"]


def test_markup_in_reports_metadata_and_feedback_stays_text(context: sync_api.BrowserContext, server: str,
                                                           tmp_path: Path) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    path = hostile_report(tmp_path)
    doc = httpx.post(f"{server}/api/documents", files={"file": (path.name, path.read_bytes())}, headers=auth,
                     timeout=60).json()
    patch = {"title": f"标题{HOSTILE}", "level": HOSTILE[:20]}
    doc = httpx.patch(f"{server}/api/documents/{doc['doc_id']}", json=patch, headers=auth).json()
    assert doc["title"] == f"标题{HOSTILE}"
    httpx.post(f"{server}/api/feedback", json={
        "session_id": "x", "question": f"问{HOSTILE}", "answer": f"答{HOSTILE}", "rating": "down",
        "comment": HOSTILE, "citations": [{"n": 1, "doc_id": doc["doc_id"], "region": HOSTILE, "text": HOSTILE}]})

    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page)
    row = _row(page, doc["doc_id"])
    sync_api.expect(row.locator('[data-field="title"] .value')).to_have_text(f"标题{HOSTILE}")
    page.goto(f"/admin#doc/{doc['doc_id']}")
    sync_api.expect(page.locator("#detail-title")).to_have_text(f"标题{HOSTILE}")
    sync_api.expect(page.locator("#detail-tree")).to_contain_text("全年审查文件<script>")
    page.goto("/admin#feedback")
    sync_api.expect(page.locator("#feedback tbody")).to_contain_text(f"问{HOSTILE}")
    page.goto("/admin#metrics")
    sync_api.expect(page.locator("#metrics tbody tr").first).to_be_visible()

    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0 and page.locator("body script").count() == 0


def test_admin_disabled_without_a_token_and_wrong_token_refused(browser: sync_api.Browser,
                                                                tmp_path: Path) -> None:
    with govqa_serve(tmp_path / "store", {"GOVQA_ADMIN_TOKEN": None}) as url:
        context = browser.new_context(base_url=url)
        page = context.new_page()
        page.goto("/admin")
        sync_api.expect(page.locator("#disabled")).to_be_visible()
        sync_api.expect(page.locator("#disabled")).to_contain_text("管理功能未启用")
        assert page.locator("#login").is_hidden() and page.locator("#nav").is_hidden()
        # A token left over from another session does not open anything either.
        page.evaluate(f"sessionStorage.setItem('govqa-admin-token', '{TOKEN}')")
        page.reload()
        sync_api.expect(page.locator("#disabled")).to_be_visible()
        assert page.locator("#view-reports").is_hidden()
        assert httpx.get(f"{url}/api/feedback", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403
        context.close()
