"""Fixtures for the API tests: a fresh in-process node per test and SDK clients over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.node import NodeHarness, make_node


@pytest.fixture
def node(tmp_path: Path) -> NodeHarness:
    return make_node(tmp_path)


@pytest.fixture
def client(node: NodeHarness) -> Iterator[TestClient]:
    """One TestClient over /a (bank A), /b (bank B) and /reg (regulator) with the orderer
    running in the same event loop."""
    with TestClient(node.make_apps(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[tuple[TestClient, NodeHarness]]:
    """One node for a whole module whose tests only read (or restore what they change);
    such a module overrides ``client`` and ``node`` to return these."""
    node = make_node(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))
    with TestClient(node.make_apps(), raise_server_exceptions=False) as test_client:
        yield test_client, node
