"""Which HTTP app each node role serves (the API package provides the real ones)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from nodes.node_main import make_status_app


def create_validator_http_app(runtime: Any) -> FastAPI:
    return make_status_app(runtime.status, runtime.metrics, runtime.service)


def create_observer_http_app(runtime: Any) -> FastAPI:
    return make_status_app(runtime.status, runtime.metrics)
