"""The replica's records survive a reopen, in order, and a snapshot drops what came before."""

from consensus.messages import GENESIS_CHECKPOINT
from consensus.persistence import CheckpointRecord, SnapshotRecord, fold_records, record_to_bytes
from nodes.storage.repository import Repository
from nodes.validator.records import RecordLog


def snapshot() -> SnapshotRecord:
    return SnapshotRecord(view=3, view_change=None, new_view=None, votes=(), prepared=(),
                          checkpoint=GENESIS_CHECKPOINT, payloads=())


def test_records_reload_in_order_and_snapshots_truncate(tmp_path):
    url = f"sqlite:///{tmp_path / 'node.db'}"
    store = Repository.open(url)
    log = RecordLog(store)
    checkpoint = CheckpointRecord(proof=GENESIS_CHECKPOINT)
    log.append([checkpoint, checkpoint])
    store.close()
    store = Repository.open(url)
    reopened = RecordLog(store)
    assert reopened.records == [record_to_bytes(checkpoint)] * 2
    reopened.append([snapshot(), checkpoint])
    store.close()
    store = Repository.open(url)
    again = RecordLog(store)
    assert again.records == [record_to_bytes(snapshot()), record_to_bytes(checkpoint)]
    assert fold_records(again.records).view == 3
    # Records before the snapshot are gone from the database, not just from the index.
    assert store.get_record("pbft/r/000000000000") is None
    store.close()
