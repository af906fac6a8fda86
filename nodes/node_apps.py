"""Which HTTP app each node role serves (the API package provides the real ones)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI


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
    """A bank node: the wallet API plus that bank's operations API."""
    from api.apps import create_bank_app
    from ledger.crypto.keys import PrivateKey
    from ledger.crypto.sealing import SealingPrivateKey
    from nodes.config import read_secret

    config = runtime.config
    app = create_bank_app(
        runtime.service, config.bank_id,
        PrivateKey.parse(read_secret(config.operator_key_file)),
        SealingPrivateKey.parse(read_secret(config.sealing_key_file)))
    return add_operations_routes(app, runtime)


def create_observer_http_app(runtime: Any) -> FastAPI:
    """The regulator's observer: the read-only regulator API."""
    from api.apps import create_regulator_app
    from ledger.crypto.sealing import SealingPrivateKey
    from nodes.config import read_secret

    app = create_regulator_app(
        runtime, SealingPrivateKey.parse(read_secret(runtime.config.sealing_key_file)))
    return add_operations_routes(app, runtime)
