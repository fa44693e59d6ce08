"""The sync-command HTTP API (FastAPI): legal entities, their connections, and sync requests."""
from __future__ import annotations

import asyncio
import hmac
from contextlib import asynccontextmanager
from datetime import datetime, timezone

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from smartsync_core.events import SYNC_COMPLETED, SYNC_STARTED
from smartsync_core.messaging import ensure_topics, run_consumer
from smartsync_core.metrics import instrument_fastapi
from smartsync_core.runtime import serve_api, supervise

from .. import handlers
from ..bootstrap import Container, bootstrap
from ..config import Settings
from ..domain.model import (
    ERPS, SYNC_ROLES, DomainError, Forbidden, IdempotencyKeyReused, Identity, InvalidRequest, NotFound, RequestSync,
    SyncAlreadyRunning,
)
from .schemas import (
    CONNECTION_MODELS, ConnectionUpdate, LegalEntityIn, LegalEntityOut, SyncAccepted, SyncIn, plain,
)


class Unauthenticated(DomainError):
    pass


def _error(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def identity(x_tenant_id: str | None = Header(None), x_user_role: str | None = Header(None),
             x_user_id: str | None = Header(None)) -> Identity:
    """The platform gateway authenticates users and forwards who they are in these headers."""
    if not x_tenant_id or not x_user_role:
        raise Unauthenticated("X-Tenant-Id and X-User-Role headers are required")
    return Identity(x_tenant_id, x_user_role.strip().lower(), x_user_id)


def validate_connection(erp: str, connection: dict) -> dict:
    model = CONNECTION_MODELS.get(erp)
    if model is None:
        raise InvalidRequest(f"connections to {ERPS.get(erp, erp)} cannot be set up yet")
    try:
        return plain(model.model_validate(connection))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidRequest(f"connection.{where}: {first['msg']}") from None


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    c = container or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await c.init_db()
        stop = asyncio.Event()

        async def follow_syncs(events):
            for e in events:
                if e.event_type in (SYNC_STARTED, SYNC_COMPLETED):
                    await handlers.on_sync_event(c.store, e.event_type, e.payload)

        async def consume():
            await ensure_topics(c.settings.kafka_bootstrap_servers,
                                [c.settings.requests_topic, c.settings.events_topic], c.settings.topic_partitions)
            await run_consumer(bootstrap_servers=c.settings.kafka_bootstrap_servers, topics=[c.settings.events_topic],
                               group_id=f"{c.settings.topic_prefix}.sync-command", codec=c.codec, handle=follow_syncs,
                               stop=stop, max_records=500, event_types={SYNC_STARTED, SYNC_COMPLETED})

        tasks = [asyncio.create_task(c.relay.run(stop))]
        if c.settings.follow_events:
            tasks.append(asyncio.create_task(supervise("sync-command event consumer", consume, stop)))
        app.state.container = c
        yield
        stop.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await c.publisher.stop()
        await c.store.engine.dispose()

    app = FastAPI(title="SmartSync sync-command", version="1", lifespan=lifespan)
    instrument_fastapi(app, c.metrics)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        if isinstance(exc, Unauthenticated):
            return _error(401, "unauthenticated", exc.message)
        if isinstance(exc, Forbidden):
            return _error(403, "forbidden", exc.message)
        if isinstance(exc, NotFound):
            return _error(404, "not_found", exc.message)
        if isinstance(exc, SyncAlreadyRunning):
            return _error(409, "sync_in_progress", exc.message, sync_id=exc.sync_id)
        if isinstance(exc, IdempotencyKeyReused):
            return _error(422, "idempotency_key_reused", exc.message)
        return _error(422, "invalid_request", exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(400, "malformed_json", "the request body is not valid JSON")
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        return _error(422, "invalid_request", f"{where}: {first['msg']}" if where else first["msg"])

    def now() -> datetime:
        return datetime.now(timezone.utc)

    def out(entity) -> LegalEntityOut:
        return LegalEntityOut(id=entity.id, name=entity.name, erp=entity.erp, erp_name=ERPS[entity.erp],
                              connection=entity.connection, last_success_at=entity.last_success_at)

    @app.get("/healthz", include_in_schema=False)
    async def healthz():
        return {"status": "ok"}

    @app.post("/v1/legal-entities", status_code=201, response_model=LegalEntityOut)
    async def register(body: LegalEntityIn, who: Identity = Depends(identity)):
        who.require(SYNC_ROLES)
        if body.erp not in ERPS:
            raise InvalidRequest(f"unknown ERP {body.erp!r}; one of: {', '.join(ERPS)}")
        connection = validate_connection(body.erp, body.connection)
        return out(await handlers.register_legal_entity(c.store, who, body.name, body.erp, connection, now()))

    @app.get("/v1/legal-entities", response_model=list[LegalEntityOut])
    async def list_entities(who: Identity = Depends(identity)):
        who.require(SYNC_ROLES)
        async with c.store.transaction() as tx:
            return [out(e) for e in await tx.list_entities(who.tenant_id)]

    @app.get("/v1/legal-entities/{entity_id}", response_model=LegalEntityOut)
    async def get_entity(entity_id: str, who: Identity = Depends(identity)):
        who.require(SYNC_ROLES)
        async with c.store.transaction() as tx:
            entity = await tx.get_entity(who.tenant_id, entity_id)
        if entity is None:
            raise NotFound(f"legal entity {entity_id} not found")
        return out(entity)

    @app.patch("/v1/legal-entities/{entity_id}/connection", response_model=LegalEntityOut)
    async def patch_connection(entity_id: str, body: ConnectionUpdate, who: Identity = Depends(identity)):
        who.require(SYNC_ROLES)
        return out(await handlers.update_connection(c.store, who, entity_id, body.connection, validate_connection))

    @app.post("/v1/legal-entities/{entity_id}/syncs", status_code=202, response_model=SyncAccepted)
    async def request_sync(entity_id: str, body: SyncIn, who: Identity = Depends(identity),
                           idempotency_key: str | None = Header(None, max_length=200)):
        cmd = RequestSync(entity_id, body.mode, body.sync_from, body.po_receiving_from)
        sync_id, created = await handlers.request_sync(
            c.store, c.codec, c.settings.requests_topic, who, cmd, idempotency_key, now(), now().date(),
            c.settings.syncable(),
        )
        if created:
            c.relay.wakeup.set()
        return JSONResponse(SyncAccepted(sync_id=sync_id, legal_entity_id=entity_id).model_dump(), status_code=202,
                            headers={"Location": f"/v1/syncs/{sync_id}"})

    def service_token_ok(authorization: str | None) -> bool:
        token = c.settings.internal_api_token
        return bool(token and authorization and hmac.compare_digest(authorization, f"Bearer {token}"))

    @app.get("/internal/v1/legal-entities/{entity_id}/connection", include_in_schema=False)
    async def internal_connection(entity_id: str, authorization: str | None = Header(None),
                                  x_tenant_id: str | None = Header(None)):
        if not service_token_ok(authorization):
            return _error(401, "unauthenticated", "a valid service token is required")
        async with c.store.transaction() as tx:
            entity = await tx.get_entity(x_tenant_id, entity_id, with_secrets=True)
        if entity is None:
            raise NotFound(f"legal entity {entity_id} not found")
        return {"legal_entity_id": entity.id, "tenant_id": entity.tenant_id, "erp": entity.erp,
                "settings": entity.connection}

    @app.patch("/internal/v1/legal-entities/{entity_id}/connection", include_in_schema=False)
    async def internal_update_connection(entity_id: str, body: ConnectionUpdate, authorization: str | None = Header(None),
                                         x_tenant_id: str | None = Header(None)):
        """Connectors store rotated credentials here (e.g. a QuickBooks refresh token) before using them."""
        if not service_token_ok(authorization) or not x_tenant_id:
            return _error(401, "unauthenticated", "a valid service token and tenant are required")
        service = Identity(x_tenant_id, "system_administrator", "connector")
        await handlers.update_connection(c.store, service, entity_id, body.connection, validate_connection)
        return {"updated": sorted(body.connection)}

    return app


def main() -> None:
    serve_api(create_app, Settings(), "sync-command")


if __name__ == "__main__":
    main()
