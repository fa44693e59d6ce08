"""The status-projection HTTP API: overview, activities, sync detail, logs, record catalog; and its consumer."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import JSONResponse

from smartsync_core.messaging import ensure_topics, run_consumer
from smartsync_core.metrics import instrument_fastapi
from smartsync_core.runtime import serve_api, supervise

from .. import handlers
from ..bootstrap import Container, bootstrap
from ..config import Settings
from ..domain.views import SYNC_ROLES


def tenant(x_tenant_id: str | None = Header(None), x_user_role: str | None = Header(None)) -> str:
    """The gateway forwards the caller's tenant and role; only the SmartSync roles may read sync data."""
    if not x_tenant_id or not x_user_role:
        raise HTTPException(401, "X-Tenant-Id and X-User-Role headers are required")
    if x_user_role.strip().lower() not in SYNC_ROLES:
        raise HTTPException(403, f"role '{x_user_role}' may not see syncs")
    return x_tenant_id


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    c = container or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await c.init_db()
        stop = asyncio.Event()

        async def handle(events):
            await handlers.apply_batch(c.engine, events, c.metrics)

        async def consume():
            await ensure_topics(c.settings.kafka_bootstrap_servers,
                                [c.settings.requests_topic, c.settings.events_topic], c.settings.topic_partitions)
            await run_consumer(
                bootstrap_servers=c.settings.kafka_bootstrap_servers,
                topics=[c.settings.requests_topic, c.settings.events_topic],
                group_id=f"{c.settings.topic_prefix}.status-projection", codec=c.codec, handle=handle,
                stop=stop, max_records=c.settings.consumer_batch,
                on_consumed=lambda t: c.metrics.events_in.labels(t).inc(),
            )

        task = asyncio.create_task(supervise("projection consumer", consume, stop))
        yield
        stop.set()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await c.engine.dispose()

    app = FastAPI(title="SmartSync status", version="1", lifespan=lifespan)
    instrument_fastapi(app, c.metrics)

    @app.exception_handler(HTTPException)
    async def _http(request, exc: HTTPException):
        codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}
        return JSONResponse({"error": {"code": codes.get(exc.status_code, "invalid_request"), "message": exc.detail}},
                            status_code=exc.status_code)

    @app.get("/healthz", include_in_schema=False)
    async def healthz():
        return {"status": "ok"}

    @app.get("/v1/overview")
    async def overview(tenant_id: str = Depends(tenant)):
        return {"legal_entities": await c.reader.overview(tenant_id)}

    @app.get("/v1/legal-entities/{entity_id}/syncs")
    async def activities(entity_id: str, limit: int = Query(50, ge=1, le=500), tenant_id: str = Depends(tenant)):
        if await c.reader.entity(tenant_id, entity_id) is None:
            raise HTTPException(404, f"legal entity {entity_id} has no syncs")
        return {"syncs": await c.reader.activities(tenant_id, entity_id, limit)}

    @app.get("/v1/syncs/{sync_id}")
    async def sync(sync_id: str, tenant_id: str = Depends(tenant)):
        found = await c.reader.sync(tenant_id, sync_id)
        if found is None:
            raise HTTPException(404, f"sync {sync_id} not found")
        return found

    @app.get("/v1/syncs/{sync_id}/logs")
    async def logs(sync_id: str, tenant_id: str = Depends(tenant)):
        found = await c.reader.logs(tenant_id, sync_id)
        if found is None:
            raise HTTPException(404, f"sync {sync_id} not found")
        return {"sync_id": sync_id, "entries": found}

    @app.get("/v1/legal-entities/{entity_id}/records/{object_type}")
    async def catalog(entity_id: str, object_type: str, after: str | None = None,
                      limit: int = Query(100, ge=1, le=1000), include_deleted: bool = False,
                      tenant_id: str = Depends(tenant)):
        if await c.reader.entity(tenant_id, entity_id) is None:
            raise HTTPException(404, f"legal entity {entity_id} not found")
        items = await c.reader.records(tenant_id, entity_id, object_type, after, limit, include_deleted)
        return {"items": items, "next_after": items[-1]["external_id"] if len(items) == limit else None}

    return app


def main() -> None:
    serve_api(create_app, Settings(), "status-projection")


if __name__ == "__main__":
    main()
