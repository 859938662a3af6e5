"""The `govqa` command: a door onto rag/ like the HTTP API (parse, call one function, format)."""

from __future__ import annotations

import json
import math
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import httpx
import typer

from bot import i18n
from bot.i18n import gettext as _
from bot.storelock import read_owner
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.store.backup import Manifest

i18n.install()  # before typer renders help: its own words (Usage, Options...) come from the same catalogue

app = typer.Typer(add_completion=True, no_args_is_help=True, help=_("Q&A over local-government annual reports."))

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", help=_("data directory (default $GOVQA_STORE, else the user data directory)"))]


def _settings(store: Path | None) -> Settings:
    settings = Settings()
    return settings.model_copy(update={"store": store}) if store else settings


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        typer.echo(f"govqa {version('govqa')}")
        raise typer.Exit()


@app.callback()
def _main(show_version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                     help=_("print the installed version and exit"))] = False
          ) -> None:
    pass


def _open(store: Path | None, *, create: bool = False) -> Settings:
    """Settings for a command that opens the store, named on stderr. A reading command (`create`
    false) never creates one: a missing store is an error saying where it looked; an empty one says
    how to ingest. A store a server owns is read through the server."""
    from rag.store.database import document_count

    settings = _settings(store)
    typer.echo(_("store: {path}").format(path=settings.store), err=True)
    if create or read_owner(settings.store) is not None:
        return settings
    count = document_count(settings.store)
    if count is None:
        where = ("--store" if store else "GOVQA_STORE" if "store" in Settings().model_fields_set
                 else _("the default location"))
        typer.echo(_("no store at {path} (from {where}). Ingest reports into it first: govqa ingest FILES "
                     "--store {path}; or name an existing store with --store or GOVQA_STORE.")
                   .format(path=settings.store, where=where), err=True)
        old = Path(".govqa")
        if not store and document_count(old) is not None:
            typer.echo(_("a store exists at ./.govqa (the old default location): pass --store .govqa to use it"),
                       err=True)
        raise typer.Exit(1)
    if count == 0:
        typer.echo(_("the store at {path} has no documents yet: govqa ingest FILES --store {path}")
                   .format(path=settings.store), err=True)
    return settings


def _server_url(settings: Settings) -> str | None:
    """The URL of a `govqa serve` that owns this store: the CLI must then go through it."""
    owner = read_owner(settings.store)
    return owner.url if owner else None


def _rows(settings: Settings, path: str, params: dict[str, str], local) -> list[dict]:
    """Rows from the server that owns the store (over HTTP), else straight from the store."""
    if (url := _server_url(settings)) is not None:
        headers = {"Authorization": f"Bearer {settings.admin_token}"} if settings.admin_token else {}
        reply = httpx.get(f"{url}{path}", params=params, headers=headers, timeout=30)
        if reply.status_code != 200:
            typer.echo(_("the server refused: {detail}").format(detail=reply.json().get("detail")), err=True)
            raise typer.Exit(1)
        return reply.json()
    service = _service(settings)
    try:
        return [row.model_dump() for row in local(service)]
    finally:
        service.close()


def _print_json(rows: list[dict]) -> None:
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))


def _service(settings: Settings):
    from rag.service import Service

    return Service(settings)


@app.command(help=_("Ingest report files (txt, md, html, pdf, docx); unchanged files are skipped."))
def ingest(paths: Annotated[list[Path], typer.Argument(help=_("files or folders"))], store: StoreOpt = None) -> None:
    settings = _open(store, create=True)
    if (url := _server_url(settings)) is not None:
        raise typer.Exit(_ingest_remote(url, settings, paths))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ingest.ocr import OcrOptions
    from ingest.pipeline import IngestResult, discover, ingest

    service = _service(settings)
    files = discover(paths)
    failed = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  disable=not sys.stderr.isatty(), transient=True) as progress:
        task = progress.add_task("ingest", total=len(files))
        pages = progress.add_task("OCR", total=None, visible=False)  # per scanned page, shown only for scans

        def on_page(done: int, total: int) -> None:
            progress.update(pages, completed=done, total=total, visible=done < total)

        def on_file(path: Path) -> None:
            progress.update(task, description=f"ingest {path.name}")
            progress.update(pages, description=f"OCR {path.name}")

        def on_result(result: IngestResult) -> None:
            nonlocal failed
            progress.advance(task)
            if result.status == "failed":
                failed += 1
                typer.echo(_("FAILED {path}: {reason}").format(path=result.path, reason=result.reason), err=True)
            else:
                detail = f" ({result.chunks} chunks, {result.metrics} metric rows)" if result.chunks else ""
                note = f" — {result.reason}" if result.reason else ""
                typer.echo(f"{result.status:9} {result.path.name} → {result.doc_id}{detail}{note}")

        embed_task = progress.add_task("embed", total=None, visible=False)

        def on_embed(done: int, total: int) -> None:
            progress.update(embed_task, completed=done, total=total, visible=True)

        ocr = OcrOptions.from_settings(settings, on_page=on_page)
        ingest(service.store, files, chunk_size=settings.chunk_size, ocr=ocr, on_file=on_file, on_result=on_result,
               embedder=service.embedder, on_embed=on_embed, embed_batch=settings.embed_batch, index=True)
    service.close()
    if not files:
        typer.echo(_("no supported files found"), err=True)
        raise typer.Exit(1)
    if failed:
        typer.echo(_("{failed} of {total} files failed").format(failed=failed, total=len(files)), err=True)
        raise typer.Exit(2)


@app.command(help=_("Fill the vectors of chunks that have none yet, in batches (search works lexically meanwhile)."))
def embed(ray: Annotated[str | None, typer.Option(
              "--ray", help=_("Ray address to embed on ('auto', 'ray://host:10001', or 'local' for a Ray in "
                              "this process); default $GOVQA_RAY_ADDRESS, else embed here"))] = None,
          workers: Annotated[int, typer.Option("--workers", min=1, help=_("Ray tasks per batch"))] = 2,
          batch: Annotated[int | None, typer.Option("--batch", min=1, help=_("chunks per batch "
                                                    "(default $GOVQA_EMBED_BATCH)"))] = None,
          store: StoreOpt = None) -> None:
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ingest.pipeline import embed_pending
    from rag.retrieval.embedders import make_embedder
    from rag.store.database import Store

    settings = _open(store)
    if _server_url(settings) is not None:
        typer.echo(_("govqa serve is running on this store; stop it first (it embeds uploads itself)"), err=True)
        raise typer.Exit(1)
    embedder = make_embedder(settings.embedding_model, query_cache=0, threads=settings.embed_threads)
    if embedder is None:
        typer.echo(_("dense retrieval is off (GOVQA_EMBEDDING_MODEL=none): nothing to embed"), err=True)
        raise typer.Exit(1)
    address = ray or settings.ray_address
    if address:
        try:
            from ingest.ray_embed import RayEmbedder
        except ImportError:
            typer.echo(_("Ray is not installed: pip install 'govqa[ray]'"), err=True)
            raise typer.Exit(1) from None
        embedder = RayEmbedder(address, settings.embedding_model, workers=workers)
    size = batch or settings.embed_batch
    data = Store(settings.store, settings.chroma_url)
    started = time.perf_counter()
    try:
        with Progress(TextColumn("embed"), BarColumn(), MofNCompleteColumn(), disable=not sys.stderr.isatty(),
                      transient=True) as progress:
            task = progress.add_task("embed", total=None)
            done = embed_pending(data, embedder, batch=size,
                                 on_batch=lambda n, total: progress.update(task, completed=n, total=total))
    finally:
        data.close()
        if address:
            embedder.close()  # type: ignore[union-attr]
    seconds = time.perf_counter() - started
    where = _("on Ray ({address}, {workers} workers)").format(address=address, workers=workers) if address else ""
    typer.echo(_("embedded {done} chunks {where} in {seconds:.1f} s ({rate:.1f} chunks/s)").format(
        done=done, where=where, seconds=seconds, rate=done / seconds if seconds else 0))


def _ingest_remote(url: str, settings: Settings, paths: list[Path]) -> int:
    from ingest.pipeline import discover

    if not settings.admin_token:
        typer.echo(_("govqa serve is running on this store ({url}); set GOVQA_ADMIN_TOKEN to ingest through it, "
                     "or stop the server first").format(url=url), err=True)
        return 1
    failed = 0
    for path in discover(paths):
        with path.open("rb") as fh:
            r = httpx.post(f"{url}/api/documents", files={"file": (path.name, fh)}, timeout=600,
                           headers={"Authorization": f"Bearer {settings.admin_token}"})
        if r.status_code >= 400:
            failed += 1
            typer.echo(_("FAILED {path}: {reason}").format(path=path, reason=r.json().get("detail", r.text)),
                       err=True)
        else:
            typer.echo(_("ingested {name} → {doc_id} (via {url})").format(name=path.name, doc_id=r.json()["doc_id"],
                                                                           url=url))
    return 2 if failed else 0


@app.command(help=_("List ingested documents with their metadata."))
def docs(json_out: Annotated[bool, typer.Option("--json")] = False, store: StoreOpt = None) -> None:
    rows = _rows(_open(store), "/api/documents", {}, lambda service: service.store.list_documents())
    if json_out:
        return _print_json(rows)
    for d in rows:
        scanned = f" OCR {d['ocr_pages']}/{d['pages']} pages" if d.get("ocr_pages") else ""
        typer.echo(f"{d['doc_id']:24} {d['region'] or '?':8} {d['year'] or '?'}  {d['chunks']:3} chunks "
                   f"{d['metrics']:3} metrics{scanned}  {d['title'] or d['source']}")


@app.command(help=_("Answer one question."))
def ask(question: str, session: Annotated[str | None, typer.Option("--session")] = None,
        json_out: Annotated[bool, typer.Option("--json")] = False, store: StoreOpt = None) -> None:
    from rag.schema import AskRequest, AskResponse

    settings = _open(store)
    request = AskRequest(question=question, session_id=session)
    if (url := _server_url(settings)) is not None:
        reply = httpx.post(f"{url}/api/ask", json=request.model_dump(), timeout=120)
        response = AskResponse.model_validate(reply.json())
    else:
        service = _service(settings)
        response = service.ask(request)
        service.close()
    if json_out:
        typer.echo(response.model_dump_json(indent=2))
        return
    _print_answer(response)


def _print_answer(response) -> None:
    typer.echo(response.answer)
    for c in response.citations:
        typer.echo(f"  [{c.n}] {c.region or ''} {c.year or ''} · {c.section or '（开头）'}\n      {c.quote}")


@app.command(help=_("Interactive multi-turn chat in the terminal (empty line or Ctrl-D to quit)."))
def chat(store: StoreOpt = None) -> None:
    from rag.schema import AskRequest

    settings = _open(store)
    service = _service(settings)
    session = None
    try:
        while True:
            try:
                question = input("问> ").strip()
            except EOFError:
                break
            if not question:
                break
            response = service.ask(AskRequest(question=question, session_id=session))
            session = response.session_id
            _print_answer(response)
    finally:
        service.close()


@app.command(help=_("Print the extracted facts (every figure: metric, measure, value, scope, source)."))
def metrics(metric: Annotated[str | None, typer.Option("--metric")] = None,
            region: Annotated[str | None, typer.Option("--region")] = None,
            measure: Annotated[str | None, typer.Option("--measure", help=_("words the measure contains"))] = None,
            scope_kind: Annotated[str | None,
                                  typer.Option("--scope-kind", help=_("region, government or subunit"))] = None,
            scope: Annotated[str | None, typer.Option("--scope", help=_("words the scope contains"))] = None,
            json_out: Annotated[bool, typer.Option("--json")] = False, store: StoreOpt = None) -> None:
    if scope_kind is not None and scope_kind not in ("region", "government", "subunit"):
        raise typer.BadParameter(_("--scope-kind must be region, government or subunit"))
    params = {k: v for k, v in {"metric": metric, "region": region, "measure": measure, "scope_kind": scope_kind,
                                "scope": scope}.items() if v}
    rows = _rows(_open(store), "/api/metrics", params, lambda service: service.store.facts(
        metric=metric, region=region, measure_like=measure, scope_kind=scope_kind, scope_like=scope))
    if json_out:
        return _print_json(rows)
    for r in rows:
        value = f"{r['value']:g}{r['unit'] or ''}"
        flags = " (derived " + (r.get("formula") or "") + ")" if r["derived"] else ""
        change = " (change)" if r.get("kind") == "change" else ""
        whose = f"{r.get('scope_kind') or ''}:{r['scope'] or ''}" if r.get("scope_kind") or r["scope"] else ""
        typer.echo(f"{r['region'] or '?':8} {r.get('fact_year') or r['year'] or '?'} {r['metric']:32} {value:>10} "
                   f"{r['period'] or '':8} {whose:12} {r.get('measure') or r['label']}{change}{flags}")


@app.command(help=_("List feedback left on answers (newest first)."))
def feedback(rating: Annotated[str | None, typer.Option("--rating", help=_("up or down"))] = None,
             json_out: Annotated[bool, typer.Option("--json")] = False, store: StoreOpt = None) -> None:
    params = {"rating": rating} if rating else {}
    rows = _rows(_open(store), "/api/feedback", params, lambda service: service.feedback.list(rating))
    if json_out:
        return _print_json(rows)
    for f in rows:
        typer.echo(f"{f['created_at']} {f['rating']:4} {f['question']}\n    → {f['answer'][:80]}"
                   + (f"\n    ({f['comment']})" if f["comment"] else ""))


@app.command(help=_("Serve the HTTP API, the widget (/widget.js) and its demo page (/)."))
def serve(host: Annotated[str | None, typer.Option("--host")] = None,
          port: Annotated[int | None, typer.Option("--port")] = None, store: StoreOpt = None) -> None:
    import uvicorn

    from bot.app import create_app
    from bot.request_log import configure as configure_logging
    from bot.storelock import StoreLock

    settings = _open(store, create=True)  # a new store is served empty: reports are uploaded in the console
    configure_logging(settings)
    host = host or settings.host
    port = port or settings.port
    url = f"http://{host}:{port}"
    lock = StoreLock(settings.store)
    try:
        lock.acquire(url)
    except RuntimeError as exc:
        typer.echo(_("cannot serve: {reason}").format(reason=exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(_("govqa serving {store} at {url}/").format(store=settings.store, url=url), err=True)
    try:
        # X-Forwarded-For is believed only when the setting says so (uvicorn's default trusts loopback,
        # so any local client could name itself); a bounded grace period so SIGTERM always ends it.
        # Logging is configured above (one format for govqa and uvicorn); uvicorn's access line is off:
        # the request line on govqa.http says the same with the request id, route and key id.
        uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False,
                    proxy_headers=settings.trust_forwarded_for,
                    forwarded_allow_ips=settings.forwarded_allow_ips if settings.trust_forwarded_for else None,
                    timeout_graceful_shutdown=math.ceil(settings.shutdown_grace_s))
    finally:
        lock.release()
    # A request cut off by the grace period may still run in a worker thread (a long parse). The
    # store is closed by now, so it can no longer write: exit instead of waiting for it.
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


@app.command("eval", help=_("Run the gold Q&A harness against the store; non-zero exit when a threshold fails."))
def eval_(gold: Annotated[Path, typer.Option("--gold", help=_("a JSONL file or a folder of them"))]
          = Path("evals/gold"),
          out: Annotated[Path, typer.Option("--out")] = Path("evals/reports"),
          json_out: Annotated[bool, typer.Option("--json")] = False,
          retrieval: Annotated[bool, typer.Option("--retrieval", help=_("compare BM25, dense and fused"))] = False,
          thresholds: Annotated[Path | None,
                                typer.Option("--thresholds", help=_("gates (default evals/thresholds.toml)"))] = None,
          store: StoreOpt = None) -> None:
    from evals.harness import load_gold_set, run_cli

    settings = _open(store)
    if _server_url(settings) is not None:
        typer.echo(_("govqa serve is running on this store; run the eval on a copy or stop the server"), err=True)
        raise typer.Exit(1)
    service = _service(settings)
    if retrieval:
        from evals.retrieval import compare_modes, to_markdown

        table = compare_modes(service, load_gold_set(gold))
        typer.echo(json.dumps(table, indent=2) if json_out else to_markdown(table))
        service.close()
        return
    try:
        code = run_cli(service, gold, out, json_out, **({"thresholds": thresholds} if thresholds else {}))
    finally:
        service.close()
    raise typer.Exit(code)


@app.command(help=_("Write a consistent backup of the store to DEST (a new directory), also while govqa serve runs."))
def backup(dest: Annotated[Path, typer.Argument(help=_("a new or empty directory for the backup"))],
           store: StoreOpt = None) -> None:
    from rag.store.backup import BackupError, copy_backup, create_backup
    from rag.store.database import Store

    settings = _open(store)
    try:
        if (url := _server_url(settings)) is not None:
            # Only the server may read its Chroma files: it writes the backup, this copies it to DEST.
            if not settings.admin_token:
                typer.echo(_("govqa serve is running on this store ({url}); set GOVQA_ADMIN_TOKEN to back it up "
                             "through the server").format(url=url), err=True)
                raise typer.Exit(1)
            reply = httpx.post(f"{url}/api/admin/backups", timeout=3600,
                               headers={"Authorization": f"Bearer {settings.admin_token}"})
            if reply.status_code != 201:
                typer.echo(_("the server refused: {detail}").format(detail=reply.json().get("detail")), err=True)
                raise typer.Exit(1)
            manifest = copy_backup(Path(reply.json()["path"]), dest)
        else:
            data = Store(settings.store, settings.chroma_url)
            try:
                manifest = create_backup(data, dest)
            finally:
                data.close()
    except BackupError as exc:
        typer.echo(_("backup failed: {reason}").format(reason=exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(_("backup at store version {version}: {documents} documents, {chunks} chunks, {metrics} metric rows, "
                 "{vectors} vectors → {dest}").format(**_held(manifest), dest=dest))


def _held(manifest: Manifest) -> dict[str, int]:
    """What a backup holds, as the backup and restore messages name it."""
    return {"version": manifest.store_version, **manifest.counts.model_dump()}


@app.command(help=_("Restore a backup into the store directory (a new or empty one); the backup is verified first."))
def restore(src: Annotated[Path, typer.Argument(help=_("a backup directory written by govqa backup"))],
            force: Annotated[bool, typer.Option("--force", help=_("replace a store directory that is not empty"))]
            = False, store: StoreOpt = None) -> None:
    from rag.store.backup import BackupError, restore_backup

    settings = _open(store, create=True)
    if read_owner(settings.store) is not None:
        typer.echo(_("govqa serve is running on {path}: stop it, or restore into another directory with --store")
                   .format(path=settings.store), err=True)
        raise typer.Exit(1)
    try:
        manifest = restore_backup(src, settings.store, force=force)
    except BackupError as exc:
        typer.echo(_("restore refused, nothing was written: {reason}").format(reason=exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(_("restored store version {version}: {documents} documents, {chunks} chunks, {metrics} metric rows, "
                 "{vectors} vectors → {path}").format(**_held(manifest), path=settings.store))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
