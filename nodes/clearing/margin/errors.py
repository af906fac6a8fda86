"""The one exception tree of the margin library.

Every refusal names the input that was wrong and says what to do about it, so the margin
service can pass the message straight to the clearing member or the operator.
"""

from __future__ import annotations


class MarginError(Exception):
    """Root of every error raised by ``nodes.clearing.margin``."""


class InvalidMarginInput(MarginError, ValueError):
    """An input to a margin calculation is malformed or inconsistent."""

    def __init__(self, field: str, problem: str, remedy: str) -> None:
        self.field = field
        self.problem = problem
        self.remedy = remedy
        super().__init__(f"margin input rejected: {field}: {problem}; {remedy}")


class PriceDataUnavailable(MarginError):
    """A bundled or installed price series cannot be found or read."""

    def __init__(self, series: str, problem: str, remedy: str) -> None:
        self.series = series
        self.problem = problem
        self.remedy = remedy
        super().__init__(f"price series {series} unavailable: {problem}; {remedy}")
