"""Prometheus metrics of one node process (one registry per process, exposed at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class NodeMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.height = Gauge("ntdc_height", "Committed block height", registry=r)
        self.view = Gauge("ntdc_view", "Current PBFT view", registry=r)
        self.view_changes = Counter("ntdc_view_changes", "View changes started", registry=r)
        self.blocks = Counter("ntdc_blocks_committed", "Blocks committed", registry=r)
        self.txs = Counter("ntdc_transactions_committed", "Transactions committed",
                           ["status"], registry=r)
        self.mempool = Gauge("ntdc_mempool_depth", "Transactions waiting for a block",
                             registry=r)
        self.batch_size = Histogram(
            "ntdc_batch_size", "Transactions per block", registry=r,
            buckets=(0, 1, 10, 50, 100, 250, 500, 1000, 2000, 5000))
        self.latency = Histogram(
            "ntdc_finality_latency_seconds", "Submission to finality on this node", registry=r,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10))
        self.commit_seconds = Histogram(
            "ntdc_block_commit_seconds", "Time to execute and persist a block", registry=r,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2))
        self.verified = Counter("ntdc_observer_blocks_verified", "Blocks verified (observer)",
                                registry=r)
        self.mismatches = Counter("ntdc_observer_mismatches", "State mismatches (observer)",
                                  registry=r)
        self.bad_frames = Gauge("ntdc_bad_frames", "Malformed peer frames dropped", registry=r)
