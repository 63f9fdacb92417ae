"""The progress line ``auditor collect`` shows on a terminal, and nothing anywhere else.

A collection can take minutes (8x8 allows 100 requests a minute), so a person at a terminal
sees users fetched, pages and rate-limit waits on one line rewritten in place. When stderr
is not a terminal (cron, CI, a pipe) the display writes nothing at all.
"""

from __future__ import annotations

from typing import TextIO

from auditor.sources.base import CollectStats


def progress_text(stats: CollectStats) -> str:
    """One line: users, pages, sites, addresses, requests, rate-limit waits and retries."""
    pages = f"{stats.user_pages} page{'s' if stats.user_pages != 1 else ''}"
    text = (
        f"users {stats.users:,} ({pages}), sites {stats.sites:,}, "
        f"addresses {stats.addresses:,}, {stats.requests:,} requests, "
        f"rate-limit waits {stats.rate_limit_waits} ({stats.rate_limit_wait_seconds:.1f} s)"
    )
    if stats.retries:
        text += f", retries {stats.retries}"
    return text


class ProgressLine:
    """Rewrites one line of ``stream`` with the latest figures, if it is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.enabled = stream.isatty()
        self._width = 0

    def __call__(self, stats: CollectStats) -> None:
        if not self.enabled:
            return
        text = progress_text(stats)
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """End the line so what follows starts on a fresh one."""
        if self.enabled and self._width:
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0
