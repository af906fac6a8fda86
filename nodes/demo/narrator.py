"""Readable, timestamped progress output for the demo (plain text, flushed as it happens)."""

from __future__ import annotations

import sys
import time


class Narrator:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.failures: list[str] = []
        self.chapter_no = 0

    def _stamp(self) -> str:
        return f"[{time.monotonic() - self.started:6.1f}s]"

    def chapter(self, title: str) -> None:
        self.chapter_no += 1
        print(f"\n{self._stamp()} == {self.chapter_no}. {title} ==", flush=True)

    def say(self, text: str) -> None:
        print(f"{self._stamp()}    {text}", flush=True)

    def check(self, ok: bool, text: str) -> bool:
        mark = "ok " if ok else "FAIL"
        print(f"{self._stamp()}    [{mark}] {text}", flush=True)
        if not ok:
            self.failures.append(text)
        return ok

    def finish(self) -> int:
        elapsed = time.monotonic() - self.started
        if self.failures:
            print(f"\nDEMO FAILED after {elapsed:.1f}s: {len(self.failures)} check(s) failed:",
                  file=sys.stderr, flush=True)
            for failure in self.failures:
                print(f"  - {failure}", file=sys.stderr, flush=True)
            return 1
        print(f"\nDemo complete in {elapsed:.1f}s: every check held.", flush=True)
        return 0
