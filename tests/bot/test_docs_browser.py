"""/docs (Swagger UI) and /redoc render in Chromium with every request off this machine refused: their
scripts and styles come from the installed fastapi-offline package, not a CDN (an intranet has none)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright import sync_api

from tests.servers import CHROMIUM, chromium, govqa_serve

if not CHROMIUM.exists():
    pytest.fail("needs /usr/bin/chromium: run `make browser` (apt-get install -y chromium)", pytrace=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with govqa_serve(tmp_path_factory.mktemp("docs") / "store") as url:
        yield url


@pytest.fixture
def offline_page(server: str) -> Iterator[tuple[sync_api.Page, list[str]]]:
    """A page whose requests to anything but the server are aborted; yields it with the refused URLs."""
    refused: list[str] = []

    def only_local(route: sync_api.Route) -> None:
        if route.request.url.startswith(server + "/"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    with chromium() as browser:
        context = browser.new_context(base_url=server)
        context.route("**/*", only_local)
        yield context.new_page(), refused
        context.close()


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_name_no_outside_url(server: str, path: str) -> None:
    reply = httpx.get(server + path, timeout=30)
    html = reply.text
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
    assert "/static-offline-docs/" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_swagger_ui_renders_the_routes_offline(offline_page: tuple[sync_api.Page, list[str]]) -> None:
    page, refused = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/docs")
    sync_api.expect(page.locator(".opblock-summary-path", has_text="/api/ask").first).to_be_visible(timeout=20_000)
    sync_api.expect(page.locator(".opblock-summary-path", has_text="/api/documents").first).to_be_visible()
    assert refused == [] and errors == []


def test_redoc_renders_the_routes_offline(offline_page: tuple[sync_api.Page, list[str]]) -> None:
    page, refused = offline_page
    page.goto("/redoc")
    sync_api.expect(page.get_by_text("/api/ask", exact=True).first).to_be_attached(timeout=20_000)
    sync_api.expect(page.locator("h1", has_text="govqa")).to_be_visible()
    assert refused == []
