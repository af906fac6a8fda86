"""PBFT (Castro & Liskov) as a pure state machine: messages and ticks in, effects out; no I/O.

The runtime drives a ``Replica`` with ``on_start``, ``on_message``, ``on_request`` and
``on_tick``, performs the returned ``Output`` (persist, then send; report committed blocks),
and gives it an ``Application`` (the ledger), a ``Signer`` and a ``Verifier``. Anyone can check a
block's finality with ``verify_certificate``. Module map: ``quorums`` (thresholds), ``config``,
``messages`` and ``wire`` (typed messages and their byte layouts), ``certificates``, ``app``,
``replica`` (the state machine) with its parts ``log``, ``checkpoints``, ``viewchange``,
``transfer``, ``payloads``, ``requests``, ``peers``, and ``persistence`` (crash recovery).
"""

from consensus.app import Application, BlockRejected, Proposal
from consensus.certificates import verify_certificate
from consensus.codec import DecodeError
from consensus.config import PbftConfig
from consensus.messages import CommitCertificate, Message
from consensus.output import CommittedBlock, Output
from consensus.persistence import Record, is_snapshot, record_from_bytes, record_to_bytes
from consensus.quorums import Quorums
from consensus.replica import Phase, Replica
from consensus.signing import Signer, Verifier
from consensus.wire import decode_message

__all__ = [
    "Application",
    "BlockRejected",
    "CommitCertificate",
    "CommittedBlock",
    "DecodeError",
    "Message",
    "Output",
    "PbftConfig",
    "Phase",
    "Proposal",
    "Quorums",
    "Record",
    "Replica",
    "Signer",
    "Verifier",
    "decode_message",
    "is_snapshot",
    "record_from_bytes",
    "record_to_bytes",
    "verify_certificate",
]
