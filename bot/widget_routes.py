"""Static routes for the embeddable widget: GET /widget.js and the demo page at GET /."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter()


def _asset(name: str) -> str:
    """Read a widget file from the installed `bot` package (works from a wheel, not only a checkout)."""
    return (files("bot") / "widget" / name).read_text(encoding="utf-8")


@router.get("/widget.js", include_in_schema=False)
def widget_js() -> Response:
    # no-cache: pages embed a stable URL, so a new deploy must reach them on the next load
    return Response(_asset("widget.js"), media_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "no-cache"})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def demo_page() -> HTMLResponse:
    return HTMLResponse(_asset("demo.html"))
