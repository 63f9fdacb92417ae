"""Reading a rendered audit.html: its parsed markup and its money bridge."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from auditor.model import Bridge

#: Attributes through which a page loads or navigates to something.
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background"}


class Page(HTMLParser):
    """The parts of a page these tests look at: tags, attributes, script bodies, finding rows."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.svg_text: list[str] = []
        self._svg_depth = 0
        self.attributes: list[tuple[str, str, str | None]] = []
        self.scripts: list[str] = []
        self.rows: list[dict[str, str | None]] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._svg_depth += tag == "svg"
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag == "tr" and any(name == "data-rule" for name, _ in attrs):
            self.rows.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        self._svg_depth -= tag == "svg"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        if self._svg_depth:
            self.svg_text.append(data)


def bridge_cents(text: str) -> dict[str, int]:
    """Every bridge figure of a page by name, from its data-cents; a name shown twice (the
    waste heads its own parts) must say the same both times."""
    found = re.findall(r'data-bridge="([a-z-]+)" data-cents="(-?\d+)"', text)
    figures: dict[str, int] = {}
    for name, cents in found:
        assert figures.setdefault(name, int(cents)) == int(cents), name
    return figures


def assert_bridge_adds_up(shown: dict[str, int], bridge: Bridge) -> None:
    """The page's figures are the report's bridge, and they add up as the page says."""
    assert shown == {
        "monthly-cost": bridge.monthly_cost,
        "in-use": bridge.in_use,
        "waste": bridge.waste,
        "cancel": bridge.cancel,
        "reclaim-then-cancel": bridge.reclaim_then_cancel,
        "reassign": bridge.reassign,
        "kept": bridge.kept,
        "open-waste": bridge.open_waste,
        "saving": bridge.saving,
    }
    assert shown["monthly-cost"] == shown["in-use"] + shown["waste"]
    parts = ("cancel", "reclaim-then-cancel", "reassign", "kept")
    assert shown["waste"] == sum(shown[p] for p in parts)
    assert shown["open-waste"] == shown["waste"] - shown["kept"]
    assert shown["saving"] == shown["cancel"] + shown["reclaim-then-cancel"]
