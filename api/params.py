"""Path and query parameters shared by several routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

AccountPath = Annotated[str, Path(min_length=1, max_length=90, description="Account id")]
TxIdPath = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="Transaction id")]
Cursor = Annotated[str | None, Query(pattern=r"^[0-9]{1,15}:[0-9]{1,9}$",
                                     description="'height:index' from next_before")]
WaitSeconds = Annotated[float, Query(ge=0, le=300, allow_inf_nan=False,
                                     description="Wait up to this long for finality "
                                                 "(capped by the node)")]
Limit = Annotated[int, Query(ge=1, le=1000)]
