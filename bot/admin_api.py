"""Admin API routes and the admin console page (`/admin`), all behind the admin token.

The console is a client of these routes and of the contract's document, metrics and feedback routes;
it has no other way into the store. `create_app` passes in its admin dependency, so there is one
token check for every admin route.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from bot.audit import audited, record
from bot.errors import ErrorBody
from bot.outline import SectionNode, section_tree
from rag.schema import Document
from rag.service import Service
from rag.settings import Settings
from rag.store.feedback_gold import gold_jsonl

# The console renders report text and metadata written by others: no inline script, no framing,
# nothing loaded from another origin.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
ASSETS = {"admin.js": "application/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8"}


class AdminStatus(BaseModel):
    enabled: bool  # false when GOVQA_ADMIN_TOKEN is unset: every admin route then answers 403
    dense: bool  # whether chunks get vectors; without, "embedded 0 of n" is normal, not pending


class DocumentPatch(BaseModel):
    """Manual corrections; a field sent as null drops its correction and restores detection."""

    model_config = ConfigDict(extra="forbid")
    region: str | None = Field(default=None, min_length=1, max_length=50)
    year: int | None = Field(default=None, ge=1900, le=2100)
    level: str | None = Field(default=None, min_length=1, max_length=20)
    title: str | None = Field(default=None, min_length=1, max_length=300)


class DocumentOutline(BaseModel):
    document: Document
    sections: list[SectionNode]


class KindScore(BaseModel):
    items: int
    correct: int
    accuracy: float


class EvalLatest(BaseModel):
    """The headline of `evals/reports/latest.json`; `results` keeps every item as the harness wrote it."""

    model_config = ConfigDict(extra="allow")
    items: int
    correct: int
    accuracy: float
    by_kind: dict[str, KindScore] = Field(default_factory=dict)
    failures: list[dict[str, Any]] = Field(default_factory=list)
    threshold_failures: list[Any] = Field(default_factory=list)
    generated_at: str | None = None


def _svc(request: Request) -> Service:
    return request.app.state.service


def _asset(name: str) -> str:
    return (files("bot") / "admin" / name).read_text(encoding="utf-8")


def admin_router(settings: Settings, admin: Callable[..., None], enabled: Callable[[Request], bool]) -> APIRouter:
    router = APIRouter()
    guarded = {"dependencies": [Depends(admin)]}
    refusals: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403)}

    @router.get("/api/admin/status", response_model=AdminStatus)
    def status(request: Request) -> AdminStatus:
        """Public: lets the console say "admin is disabled" instead of asking for a token that cannot work."""
        return AdminStatus(enabled=enabled(request), dense=settings.embedding_model.lower() != "none")

    @router.patch("/api/documents/{doc_id}", response_model=Document, **guarded,
                  responses={**refusals, 404: {"model": ErrorBody}})
    def patch_document(doc_id: str, body: DocumentPatch, request: Request,
                       service: Service = Depends(_svc)) -> Document:
        changes = {k: getattr(body, k) for k in body.model_fields_set}
        with audited(request, doc_id) as entry:
            old = service.store.get_document(doc_id)
            doc = service.store.update_metadata(doc_id, changes)
            if old is None or doc is None:
                raise HTTPException(404, f"no document {doc_id}")
            # The fields sent, as they read before and after (a null sent restores detection: "after" shows what).
            entry.before = {k: getattr(old, k) for k in sorted(changes)}
            entry.after = {k: getattr(doc, k) for k in sorted(changes)}
            entry.detail = {"sent": changes, "manual": doc.manual}
        return doc

    @router.get("/api/documents/{doc_id}/sections", response_model=DocumentOutline, **guarded,
                responses={**refusals, 404: {"model": ErrorBody}})
    def sections(doc_id: str, service: Service = Depends(_svc)) -> DocumentOutline:
        doc = service.store.get_document(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        chunks = service.store.doc_chunks(doc_id)
        pending = {c.chunk_id for c in service.store.unembedded_chunks(doc_id)}
        embedded = {c.chunk_id for c in chunks} - pending
        return DocumentOutline(document=doc, sections=section_tree(chunks, embedded))

    @router.get("/api/feedback/export", response_class=Response, **guarded,
                responses={**refusals, 200: {"content": {"application/x-ndjson": {}},
                                             "description": "one gold Q&A item a line"}})
    def feedback_export(request: Request, rating: str | None = None, service: Service = Depends(_svc)) -> Response:
        items = service.feedback.list(rating)
        record(request, detail={"rating": rating, "rows": len(items)})
        return Response(gold_jsonl(items), media_type="application/x-ndjson; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="feedback-gold.jsonl"'})

    @router.get("/api/eval/latest", response_model=EvalLatest, **guarded,
                responses={**refusals, 404: {"model": ErrorBody}})
    def eval_latest() -> EvalLatest:
        path = settings.eval_report
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            written = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
            return EvalLatest.model_validate({"generated_at": written, **data})
        except FileNotFoundError as exc:
            raise HTTPException(404, f"no eval report at {path.name}: run `govqa eval`") from exc
        except ValueError as exc:
            raise HTTPException(404, f"eval report {path.name} is not readable: {exc}") from exc

    @router.get("/admin", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(_asset("admin.html"), headers=PAGE_HEADERS)

    @router.get("/admin/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(404, "not found")
        return Response(_asset(name), media_type=ASSETS[name], headers=PAGE_HEADERS)

    return router
