"""Which HTTP app each node role serves (the API package provides the real ones)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from nodes.node_main import make_status_app


def add_operations_routes(app: FastAPI, runtime: Any) -> FastAPI:
    """Operational, non-identifying endpoints every node serves: /metrics, finality samples."""
    from fastapi import Query, Response
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    @app.get("/metrics", include_in_schema=False)
    def get_metrics() -> Response:
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    service = getattr(runtime, "service", None)
    if service is not None:
        @app.get("/v1/metrics/finality", tags=["status"])
        def get_finality(since: int = Query(0, ge=0)) -> dict[str, Any]:
            """Submission-to-final latencies of transactions admitted at this node."""
            return service.finality_samples(since)  # type: ignore[no-any-return]

    return app


def create_validator_http_app(runtime: Any) -> FastAPI:
    return add_operations_routes(make_status_app(runtime.status, runtime.metrics,
                                                 runtime.service), runtime)


def create_observer_http_app(runtime: Any) -> FastAPI:
    return make_status_app(runtime.status, runtime.metrics)
