"""Child process for the crash test: saves two blocks, then stops inside the third block's
transaction (after its block, receipts, history and state rows were written, before COMMIT)
and waits there to be killed.

    python -m tests.nodes.storage.crash_writer URL WORKDIR

Prints ``SAVED <height> <state root hex>`` after each durable block and ``PAUSED`` when it is
stuck mid-write; writes the genesis to WORKDIR/genesis.json (its sealing keys are random).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from nodes.storage import Repository
from tests.support.chain import Chain

PAUSE_BEFORE = "INSERT INTO state_tables"
"""The last statement of a block's transaction: everything else is written by then."""


def main(url: str, workdir: Path) -> None:
    chain = Chain.create(seed=11)
    (workdir / "genesis.json").write_text(chain.genesis.model_dump_json())
    w = chain.work
    repo = Repository.open(url)
    repo.save_genesis(chain.genesis, chain.state)
    regs = [w.new_holder(bank)[1] for bank in ("BANK-A", "BANK-B", "BANK-C", "BANK-D")]
    for envelopes in (regs, [w.mint(h, 1_000_000) for h in w.holders]):
        receipts = chain.block(*envelopes)
        repo.save_block(chain.blocks[-1], b"cert", receipts, chain.state)
        print("SAVED", chain.state.height, chain.state.compute_state_root().hex(), flush=True)

    def pause(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith(PAUSE_BEFORE):
            print("PAUSED", flush=True)
            time.sleep(600)

    event.listen(repo.engine, "before_cursor_execute", pause)
    receipts = chain.block(*w.random_transfers(20, max_amount=1_000))
    repo.save_block(chain.blocks[-1], b"cert", receipts, chain.state)
    print("UNEXPECTED: block 3 saved", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
