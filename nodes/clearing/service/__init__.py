"""The clearing house's margin service: a client of the chain that signs with the ccp role key.

It books members' futures positions, computes initial margin (HS-ES by default, or SPAN) with
``nodes.clearing.margin``, posts requirements, settles variation margin in one atomic
transaction, watches margin calls and liquidates defaults. ``service.MarginService`` is the
core, ``app.create_clearing_app`` its HTTP API, ``gateway`` the link to a bank node,
``runner`` the ``ntdc clearing serve`` process and ``measure`` the call-latency measurement.
See docs/clearing.md.
"""

from nodes.clearing.service.app import create_clearing_app
from nodes.clearing.service.gateway import ChainUnavailable, HttpChainGateway
from nodes.clearing.service.model import MarginMethod, MarginParameters, SpotQuote
from nodes.clearing.service.service import MarginService, ServiceError

__all__ = [
    "ChainUnavailable",
    "HttpChainGateway",
    "MarginMethod",
    "MarginParameters",
    "MarginService",
    "ServiceError",
    "SpotQuote",
    "create_clearing_app",
]
