"""Headless Chromium through Playwright: the browser the HTML tests load pages in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Request

CHROMIUM = os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium")


#: The flags the brief of this test asks for; playwright adds --headless and a fresh temporary
#: profile (user data dir) of its own on every launch.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Visit:
    """A page and everything it said or asked for while loading."""

    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def visit(browser: Browser, path: Path, width: int = 1280, height: int = 900) -> Visit:
    page = browser.new_page(viewport={"width": width, "height": height})
    seen = Visit(page)

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            seen.errors.append(f"{message.type}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: seen.errors.append(f"pageerror: {error}"))
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("requestfailed", lambda request: seen.failed.append(_failure(request)))
    page.goto(path.as_uri(), wait_until="load")
    return seen


def _failure(request: Request) -> str:
    return f"{request.url}: {request.failure}"
