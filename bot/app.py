"""FastAPI app factory: thin routes over one `rag.service.Service`."""

from __future__ import annotations

import csv
import io
import json
import logging
import secrets
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from bot.http_metrics import CONTENT_TYPE_LATEST, HttpMetrics
from bot.widget_routes import router as widget_router
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.ocr import OcrOptions
from ingest.pipeline import embed_pending, ingest_file
from rag.feedback import Feedback, FeedbackIn
from rag.schema import AskRequest, AskResponse, Document, MetricRow
from rag.service import Service
from rag.settings import Settings, get_settings

log = logging.getLogger("govqa.http")


class ErrorBody(BaseModel):
    detail: str


def _csv(rows: list[MetricRow]) -> str:
    """UTF-8 with BOM so spreadsheet programs read the Chinese correctly."""
    buffer = io.StringIO()
    fields = [f for f in MetricRow.model_fields if f != "span"] + ["span_start", "span_end"]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        data = row.model_dump(exclude={"span"})
        data["span_start"], data["span_end"] = row.span or (None, None)
        writer.writerow(data)
    return "\ufeff" + buffer.getvalue()


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = service or Service(settings)
        yield
        if service is None:
            app.state.service.close()

    app = FastAPI(title="govqa", version="0.1.0", lifespan=lifespan)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization"])

    def svc(request: Request) -> Service:
        return request.app.state.service

    def admin(authorization: str | None = Header(default=None)) -> None:
        token = settings.admin_token
        if not token:
            raise HTTPException(403, "admin routes are disabled: set GOVQA_ADMIN_TOKEN")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "bad or missing admin token")

    app.include_router(widget_router)
    http_metrics = HttpMetrics()

    @app.middleware("http")
    async def request_context(request: Request, call_next):
        """Request id (echoed as X-Request-ID), one structured log line per request, Prometheus counters."""
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - start
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            http_metrics.observe(request.method, path, status, elapsed)
            log.info(json.dumps({"request_id": request_id, "method": request.method, "path": path,
                                 "status": status, "ms": round(elapsed * 1000, 1)}))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", responses={503: {"model": ErrorBody}})
    def readyz(service: Service = Depends(svc)) -> dict[str, object]:
        """Ready when the store answers; reports how many documents and unembedded chunks it holds."""
        try:
            documents = len(service.store.list_documents())
            pending = len(service.store.unembedded_chunks())
        except Exception as exc:  # a broken store is "not ready", not a 500 page
            raise HTTPException(503, f"store unavailable: {exc}") from exc
        return {"status": "ready", "documents": documents, "unembedded_chunks": pending}

    @app.get("/metrics", response_class=PlainTextResponse,
             responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}})
    def prometheus() -> Response:
        return Response(http_metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @app.post("/api/feedback", status_code=201, response_model=Feedback)
    def feedback(body: FeedbackIn, service: Service = Depends(svc)) -> Feedback:
        return service.feedback.add(body)

    @app.get("/api/feedback", response_model=list[Feedback], dependencies=[Depends(admin)],
             responses={code: {"model": ErrorBody} for code in (401, 403)})
    def feedback_list(rating: str | None = None, service: Service = Depends(svc)) -> list[Feedback]:
        return service.feedback.list(rating)

    @app.post("/api/ask", response_model=AskResponse)
    async def ask(body: AskRequest, service: Service = Depends(svc)) -> AskResponse:
        return await run_in_threadpool(service.ask, body)

    @app.post("/api/chat", response_class=EventSourceResponse,
              responses={200: {"content": {"text/event-stream": {}}, "description": "token, citations, done"}})
    async def chat(body: AskRequest, service: Service = Depends(svc)) -> EventSourceResponse:
        """SSE: `token` events, then `citations`, then `done` with the AskResponse.

        The answer is produced (and grounding-checked) before the first token is sent, so a token
        never has to be taken back; the pieces then stream in order.
        """
        response = await run_in_threadpool(service.ask, body)

        async def events() -> AsyncIterator[dict[str, str]]:
            for i in range(0, len(response.answer), 8):
                yield {"event": "token", "data": json.dumps({"text": response.answer[i : i + 8]}, ensure_ascii=False)}
            citations = [c.model_dump() for c in response.citations]
            yield {"event": "citations", "data": json.dumps(citations, ensure_ascii=False)}
            yield {"event": "done", "data": response.model_dump_json()}

        return EventSourceResponse(events())

    @app.get("/api/documents", response_model=list[Document])
    def documents(service: Service = Depends(svc)) -> list[Document]:
        return service.store.list_documents()

    @app.post("/api/documents", response_model=Document, dependencies=[Depends(admin)],
              responses={code: {"model": ErrorBody} for code in (400, 401, 403, 413, 415)})
    async def upload(file: UploadFile = File(...), service: Service = Depends(svc)) -> Document:
        name = Path(file.filename or "upload").name
        limit = settings.max_upload_mb * 1024 * 1024
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{name}: larger than {settings.max_upload_mb} MB")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            result = await run_in_threadpool(ingest_file, service.store, path, chunk_size=settings.chunk_size,
                                             ocr=OcrOptions.from_settings(settings))
        if result.status == "failed":
            unsupported = Path(name).suffix.lower() not in SUPPORTED_SUFFIXES
            raise HTTPException(415 if unsupported else 400, f"{name}: {result.reason}")
        await run_in_threadpool(embed_pending, service.store, service.embedder)
        doc = service.store.get_document(result.doc_id or "")
        if doc is None:
            raise HTTPException(500, f"{name}: ingested but not found")
        return doc

    @app.delete("/api/documents/{doc_id}", status_code=204, dependencies=[Depends(admin)],
                responses={code: {"model": ErrorBody} for code in (401, 403, 404)})
    def delete(doc_id: str, service: Service = Depends(svc)) -> Response:
        if not service.store.delete_document(doc_id):
            raise HTTPException(404, f"no document {doc_id}")
        return Response(status_code=204)

    @app.get("/api/metrics", response_model=list[MetricRow],
             responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
    def metric_rows(metric: str | None = None, region: str | None = None,
                    year: int | None = Query(default=None, ge=1900, le=2100),
                    format: str | None = None, service: Service = Depends(svc)) -> list[MetricRow] | Response:
        rows = service.store.metric_rows(metric, region, year)
        if format == "csv":
            return Response(_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="metrics.csv"'})
        return rows

    return app
