"""Prometheus metrics shared by every service: one registry per process, exposed on /metrics."""
from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_LATEST


@dataclass
class Metrics:
    registry: CollectorRegistry
    events_out: Counter
    events_in: Counter
    syncs: Counter
    records: Counter
    sync_duration: Histogram
    outbox_backlog: Gauge
    http_requests: Counter

    @classmethod
    def create(cls) -> "Metrics":
        r = CollectorRegistry()
        return cls(
            registry=r,
            events_out=Counter("smartsync_events_published_total", "Events published", ["event_type"], registry=r),
            events_in=Counter("smartsync_events_consumed_total", "Events consumed", ["event_type"], registry=r),
            syncs=Counter("smartsync_syncs_total", "Syncs finished, by outcome and ERP", ["erp", "outcome"], registry=r),
            records=Counter("smartsync_records_total", "Records synced, by object type", ["erp", "object_type"], registry=r),
            sync_duration=Histogram(
                "smartsync_sync_duration_seconds", "Wall time of a sync, requested to completed", ["erp"],
                buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600), registry=r,
            ),
            outbox_backlog=Gauge("smartsync_outbox_backlog", "Accepted commands not yet on Kafka", registry=r),
            http_requests=Counter(
                "smartsync_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=r
            ),
        )

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """For workers without an HTTP API: a /metrics endpoint on its own port."""
        start_http_server(port, addr=host, registry=self.registry)


def instrument_fastapi(app, metrics: Metrics) -> None:
    from fastapi import Request, Response

    @app.middleware("http")
    async def _count(request: Request, call_next):
        response = await call_next(request)
        route = request.scope.get("route")
        metrics.http_requests.labels(request.method, getattr(route, "path", "unmatched"), str(response.status_code)).inc()
        return response

    @app.get("/metrics", include_in_schema=False)
    async def _metrics() -> Response:
        body, ctype = metrics.exposition()
        return Response(body, media_type=ctype)
