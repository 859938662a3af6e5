"""Admin routes for backups: create one of the live store, list them, restore one by name.

Backups go to the configured folder (`GOVQA_BACKUP_DIR`, else `<store>.backups`), named by their time;
nothing here takes a path from the client. A restore never replaces the store this server is serving:
it verifies the backup and restores it into `<backups>/restored/<name>`, a store to serve with
`govqa serve --store …` (or to move into place while the server is stopped). The work is in
rag/store/backup.py; these routes validate, call it and report.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from bot.audit import audited
from bot.errors import ErrorBody
from rag.settings import Settings
from rag.store.backup import BackupError, Counts, Manifest, create_backup, list_backups, restore_backup
from rag.store.database import Store, storage_error

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")


class BackupSummary(BaseModel):
    name: str
    path: str  # on the server: `govqa backup` copies it from here when the server runs on its machine
    created_at: str
    store_version: int
    counts: Counts
    bytes: int


class RestoreResult(BaseModel):
    name: str
    store: str  # the restored store directory
    store_version: int
    counts: Counts
    serve: str  # the command that serves it


def _summary(name: str, manifest: Manifest, settings: Settings) -> BackupSummary:
    return BackupSummary(name=name, path=str(settings.backups() / name), created_at=manifest.created_at,
                         store_version=manifest.store_version, counts=manifest.counts,
                         bytes=sum(f.bytes for part in manifest.parts.values() for f in part.files.values()))


def backup_router(settings: Settings, admin: Callable[..., None]) -> APIRouter:
    router = APIRouter()
    guarded = {"dependencies": [Depends(admin)]}
    refusals: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403)}
    one_at_a_time = threading.Lock()

    @router.get("/api/admin/backups", response_model=list[BackupSummary], **guarded, responses=refusals)
    def backups() -> list[BackupSummary]:
        """The backups in the configured folder, newest first."""
        return [_summary(name, manifest, settings) for name, manifest in list_backups(settings.backups())]

    @router.post("/api/admin/backups", response_model=BackupSummary, status_code=201, **guarded,
                 responses={**refusals, 507: {"model": ErrorBody}})
    def create(request: Request) -> BackupSummary:
        """A consistent backup of the store being served, taken while it answers and accepts uploads."""
        with one_at_a_time, audited(request, action="backup") as entry:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            name = next(n for n in (f"govqa-{stamp}" + (f"-{i}" if i else "") for i in range(1000))
                        if not (settings.backups() / n).exists())
            entry.target = name
            try:
                manifest = create_backup(request.app.state.service.store, settings.backups() / name)
            except OSError as exc:  # a full or failing disk answers 507/503 like every other write
                raise (storage_error(exc) or exc) from exc
            entry.detail = {"store_version": manifest.store_version}
        return _summary(name, manifest, settings)

    @router.post("/api/admin/backups/{name}/restore", response_model=RestoreResult, **guarded,
                 responses={**refusals, 404: {"model": ErrorBody}, 409: {"model": ErrorBody},
                            422: {"model": ErrorBody}})
    def restore(name: str, request: Request) -> RestoreResult:
        """Verify the backup and restore it into a new store directory beside the backups."""
        with audited(request, target=name, action="restore") as entry:
            source = settings.backups() / name
            if not _NAME.fullmatch(name) or not source.is_dir():
                raise HTTPException(404, f"no backup named {name}")
            target = settings.backups() / "restored" / name
            if target.exists():
                raise HTTPException(409, f"backup {name} is already restored at {target}")
            try:
                with one_at_a_time:
                    manifest = restore_backup(source, target)
            except BackupError as exc:
                raise HTTPException(422, f"restore refused, nothing was written: {exc}") from None
            entry.detail = {"store": str(target), "store_version": manifest.store_version}
        # The restored catalogue holds the trail as it was at the backup: who did what since (this restore
        # included) is carried over, so the restored store answers "who changed this" as the served one does.
        restored = Store(target)
        try:
            restored.audit.carry_over(request.app.state.service.store.audit.entries(limit=None))
        finally:
            restored.close()
        return RestoreResult(name=name, store=str(target), store_version=manifest.store_version,
                             counts=manifest.counts, serve=f"govqa serve --store {target}")

    return router
