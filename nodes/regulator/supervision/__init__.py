"""The regulator's supervision on its observer node (SPEC §6): alert queue, cases and reports.

| module | owns |
|---|---|
| ``model`` | alerts, evidence, case statuses and the allowed transitions, alert ids |
| ``sources`` | reading flag and order alerts, and analytics transfers, out of a verified block |
| ``window`` | the bounded sliding window of recent transfers the analytics run over |
| ``tables``, ``store`` | the supervision tables in the observer's database, idempotent writes |
| ``queue`` | ``AlertQueue``: the follower listener, the analytics schedule, what the API reads |
| ``calendar`` | Taiwan business days and reporting due dates |
| ``reports`` | large-value and suspicious-transaction exports (JSON documents, CSV rows) |

The HTTP side is ``api/routers/supervision.py``; docs/supervision.md describes both.
"""

from __future__ import annotations

from nodes.regulator.supervision.model import AlertCandidate, CaseStatus, Category, Source
from nodes.regulator.supervision.queue import AlertQueue, SupervisionConfig
from nodes.regulator.supervision.store import (
    AlertFilter,
    AlertRecord,
    CaseNotFound,
    InvalidCaseTransition,
    SupervisionStore,
)

__all__ = [
    "AlertCandidate", "AlertFilter", "AlertQueue", "AlertRecord", "CaseNotFound", "CaseStatus",
    "Category", "InvalidCaseTransition", "Source", "SupervisionConfig", "SupervisionStore",
]
