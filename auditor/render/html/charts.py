"""The HTML report's charts: pygal draws them, this module makes the SVG safe to inline.

pygal is a maintained plotting library that writes SVG itself (no display, no browser, no
binary dependency), with text as real ``<text>`` so the page stays small and searchable.
Out of the box its SVG would not do for a page that must open offline and never run tenant
text: it links a tooltip script from a CDN, embeds a config script holding the labels, adds
comments dated with today's date and a random id. So every chart is built with ``js=[]``, and
:func:`_inline` then removes every script and comment, fixes the id, and drops the namespace
declarations (HTML puts an inline ``<svg>`` in the SVG namespace by itself), leaving markup
with no URL in it. Labels (license types, site names: tenant text) are escaped by lxml's
serializer, and nothing here is ever parsed back as markup from text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import pygal
from lxml import etree
from markupsafe import Markup
from pygal.style import Style

from auditor.engine.chargeback import SITE_COLUMNS
from auditor.model import POOL_COLUMNS, Report
from auditor.render.cells import shown
from auditor.text import money_text

#: Bars shown per chart; the rest are summed into one "other" bar.
MAX_BARS: Final = 25

#: Audits the trend line shows (the latest ones); the workbook's Trend sheet has every run.
MAX_TREND_RUNS: Final = 36

#: Up to this many audits, the trend prints each amount on its bar (readable on paper).
TREND_VALUES_PRINTED: Final = 8
#: Dates written under the trend's bars at most, so they fit side by side on a phone.
TREND_DATES_SHOWN: Final = 4

_FONT: Final = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"

#: Waste is one dark red; the seat states are light, mid and dark so they part in greyscale too.
WASTE: Final = "#b00020"
ASSIGNED: Final = "#9fb8d0"
SUSPENDED: Final = "#d08b00"
UNASSIGNED: Final = WASTE
#: Seats deactivated users hold: the bridge's "reclaim" orange, lighter than unassigned's red.
STALE: Final = "#e36209"

#: Every chart is drawn this many units wide, in one font scale, and the page never shows it
#: wider than :data:`MAX_SHOWN_WIDTH` px: so a label is the same size in every chart, about
#: 16 px on a laptop and 11.5 px on a 390 px phone (where the chart is ~345 px wide).
WIDTH: Final = 420
FONT_SIZE: Final = 14
MAX_SHOWN_WIDTH: Final = 480


@dataclass(frozen=True)
class Chart:
    """A chart ready for the page: its id, caption and the inline SVG."""

    id: str
    caption: str
    svg: Markup


def _style(colors: Sequence[str]) -> Style:
    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="#1b1f24",
        foreground_strong="#1b1f24",
        foreground_subtle="#d0d7de",
        font_family=_FONT,
        label_font_size=FONT_SIZE,
        major_label_font_size=FONT_SIZE,
        value_font_size=FONT_SIZE,
        value_label_font_size=FONT_SIZE,
        legend_font_size=FONT_SIZE,
        title_font_size=FONT_SIZE,
        tooltip_font_size=FONT_SIZE,
        no_data_font_size=FONT_SIZE,
        colors=tuple(colors),
        opacity="1",
        opacity_hover="1",
        transition="0ms",
    )


def _base(colors: Sequence[str], rows: int, **config: Any) -> dict[str, Any]:
    """Settings every chart shares; the height grows with the bars so labels never overlap."""
    return {
        "style": _style(colors),
        "js": [],  # no tooltip script from the network
        "disable_xml_declaration": True,
        "explicit_size": False,  # scale to the page's width: the same chart on a phone
        "width": WIDTH,
        "height": 40 + 30 * max(rows, 1),
        "show_y_guides": False,
        "show_x_guides": False,
        "show_x_labels": False,  # (horizontal charts swap x and y) amounts are in the labels
        "truncate_label": 34,
        "print_values": False,
        "margin": 6,
        "spacing": 6,
        **config,
    }


def waste_bars(
    chart_id: str, caption: str, items: Sequence[tuple[str, float]], money: Callable[[float], str]
) -> Chart:
    """One horizontal bar per item (already sorted), its label ending in the amount."""
    bars = capped(items)
    chart = pygal.HorizontalBar(
        **_base([WASTE], len(bars), show_legend=False, value_formatter=money)
    )
    # pygal draws the first bar at the bottom
    chart.x_labels = [f"{label}: {money(value)}" for label, value in reversed(bars)]
    chart.add("Monthly waste", [value for _, value in reversed(bars)])
    tips = [f"{label}: {money(value)}" for label, value in reversed(bars)]
    return Chart(chart_id, caption, _inline(chart, chart_id, caption, [tips]))


def waste_seats(chart_id: str, caption: str, pools: Sequence[tuple[str, int, int, int]]) -> Chart:
    """Per license type, the seats billed and not used: unassigned, then held by deactivated
    users, stacked. Only the waste is drawn, so a type with 6 of 207 seats unused shows a
    bar, not a hairline at the end of 201 assigned ones; the label says how many of how many.
    ``pools``: (license type, unassigned, held by deactivated users, total), largest first."""
    shown = list(pools[:MAX_BARS])
    chart = pygal.HorizontalStackedBar(
        **_base(
            [UNASSIGNED, STALE],
            len(shown) + 1,
            legend_at_bottom=True,
            legend_at_bottom_columns=1,
            truncate_legend=-1,
            value_formatter=lambda v: f"{v:,.0f}",
        )
    )
    rows = list(reversed(shown))
    chart.x_labels = [f"{t}: {u + h:,} of {n:,}" for t, u, h, n in rows]
    chart.add("Unassigned", [u for _, u, _, _ in rows])
    chart.add("User deactivated", [h for _, _, h, _ in rows])  # short: the legend is narrow
    tips = [
        [f"{t}: {u:,} unassigned" for t, u, _, _ in rows],
        [f"{t}: {h:,} held by deactivated users" for t, _, h, _ in rows],
    ]
    return Chart(chart_id, caption, _inline(chart, chart_id, caption, tips))


def seat_states(chart_id: str, caption: str, pools: Sequence[tuple[str, int, int, int]]) -> Chart:
    """Assigned / unassigned / suspended seats per pool, stacked, with a legend."""
    shown = list(pools[:MAX_BARS])
    chart = pygal.HorizontalStackedBar(
        **_base(
            [ASSIGNED, UNASSIGNED, SUSPENDED],
            len(shown) + 1,
            legend_at_bottom=True,
            legend_at_bottom_columns=1,
            truncate_legend=-1,
            value_formatter=lambda v: f"{v:,.0f}",
        )
    )
    rows = list(reversed(shown))
    chart.x_labels = [_seat_label(*p) for p in rows]
    names = ("Assigned", "Unassigned", "Suspended")
    for index, name in enumerate(names, start=1):
        chart.add(name, [p[index] for p in rows])
    tips = [[f"{p[0]}: {p[i]:,} {n.lower()}" for p in rows] for i, n in enumerate(names, 1)]
    return Chart(chart_id, caption, _inline(chart, chart_id, caption, tips))


def waste_trend(
    chart_id: str, caption: str, runs: Sequence[tuple[str, float]], money: Callable[[float], str]
) -> Chart:
    """The monthly waste at each audit (oldest first), one bar per audit.

    Bars rather than a line: each audit is a separate count, not a continuous measure, and a
    bar keeps its amount on top where a line's end labels fall off the plot. The axis starts
    at zero so a small drop does not look like a collapse. With few audits each bar carries
    its amount; with many, only every few dates are written, so the labels never overlap.
    """
    every = math.ceil(len(runs) / TREND_DATES_SHOWN)
    chart = pygal.Bar(
        **_base(
            [WASTE],
            0,
            height=300,
            show_legend=False,
            show_x_labels=True,
            print_values=len(runs) <= TREND_VALUES_PRINTED,
            print_values_position="top",
            truncate_label=-1,
            value_formatter=money,
            margin_top=24,
            margin_right=40,  # room for the latest date, centred under the last bar
            # a few round amounts up the side, not one per guide
            y_labels_major_count=3,
            show_minor_y_labels=False,
        )
    )
    chart.x_labels = [
        label if (len(runs) - 1 - i) % every == 0 else "" for i, (label, _) in enumerate(runs)
    ]  # counted from the latest audit, which is always labelled
    chart.add("Monthly waste", [value for _, value in runs])
    tips = [f"{label}: {money(value)}" for label, value in runs]
    return Chart(chart_id, caption, _inline(chart, chart_id, caption, [tips]))


def trend_chart(report: Report) -> Chart | None:
    """The waste trend over the tenant's recorded audits; None before there are two."""
    trend = report.trend
    if trend is None or len(trend) < 2:
        return None
    cur = report.currency
    last = shown(trend.tail(MAX_TREND_RUNS), ("as_of", "monthly_waste"))
    runs = [(d.isoformat(), float(w)) for d, w in zip(last.as_of, last.monthly_waste, strict=True)]
    caption = f"Monthly waste at each audit ({cur})"
    if len(trend) > len(last):
        caption += f": the last {len(last):,} of {len(trend):,}"
    # the caption names the currency, so the amounts leave it out and stay narrow
    return waste_trend("waste-trend", caption, runs, lambda v: f"{v:,.2f}")


def _seat_label(license_type: str, assigned: int, unassigned: int, suspended: int) -> str:
    """``X4: 6 unassigned, 2 suspended``, leaving out a zero; ``all assigned`` when both are."""
    parts = [f"{n:,} {word}" for n, word in ((unassigned, "unassigned"), (suspended, "suspended"))]
    shown = [p for p, n in zip(parts, (unassigned, suspended), strict=True) if n]
    return f"{license_type}: {', '.join(shown) or 'all assigned'}"


def capped(items: Sequence[tuple[str, float]], limit: int = MAX_BARS) -> list[tuple[str, float]]:
    """The first ``limit - 1`` items and one "other (N)" bar summing the rest, past ``limit``."""
    if len(items) <= limit:
        return list(items)
    head, rest = items[: limit - 1], items[limit - 1 :]
    return [*head, (f"{len(rest):,} others", round(sum(v for _, v in rest), 2))]


def _inline(chart: Any, chart_id: str, caption: str, tips: Sequence[Sequence[str]] = ()) -> Markup:
    """The chart as inline SVG markup with no script, comment, random id or URL.

    A browser shows the nearest ``<title>`` as a hovered shape's tooltip. pygal gives its
    axis guides titles (so hovering a bar named "VCC Agent: USD 750.00" said "USD 0.90") and
    its bars none, relying on the script this page does not load. So the guides' titles
    go, along with the empty tooltip layer and the script's data, and each bar gets
    ``tips[series][bar]``: the text of its own value.
    """
    chart.uuid = chart_id  # pygal's random per-render id, used to scope its CSS
    root = chart.render_tree()
    dropped = (
        "//comment() | //*[local-name()='script'] | //*[@class='guides']/*[local-name()='title']"
        " | //*[local-name()='desc']"  # data for pygal's script, which never runs here
        " | //*[contains(concat(' ', @class, ' '), ' tooltip-overlay ')]"
    )
    for node in root.xpath(dropped):
        node.getparent().remove(node)
    plot = "//*[@class='plot']/*[contains(concat(' ', @class, ' '), ' series ')]"
    for series, texts in zip(root.xpath(plot), tips, strict=False):
        bars = series.xpath(".//*[@class='bar']")
        if len(bars) != len(texts):
            raise ValueError(f"{chart_id}: {len(bars)} bars for {len(texts)} tooltips")
        for bar, text in zip(bars, texts, strict=True):
            title = etree.SubElement(bar, "title")
            title.text = text
    for title in root.xpath("/*/*[local-name()='title']"):
        title.text = caption  # pygal names an untitled chart "Pygal"
    root.set("role", "img")
    root.set("aria-label", caption)
    text = etree.tostring(root, encoding="unicode")
    for uri in ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"):
        prefix = "xmlns" if uri.endswith("svg") else "xmlns:xlink"
        text = text.replace(f' {prefix}="{uri}"', "", 1)
    return Markup(text)  # built by lxml from escaped text, never from raw strings


def report_charts(report: Report) -> list[Chart]:
    """Waste by license type and by site, and each pool's seat states, from the report's tables.

    Only rows with something to show: a type or site with a known, non-zero waste; a pool with
    seats. Sorted largest first, so the capped "others" bar holds the smallest.
    """
    cur = report.currency

    def money(value: float) -> str:
        return money_text(round(value * 100), cur)

    pools = shown(report.pools, POOL_COLUMNS)
    sites = shown(report.sites, SITE_COLUMNS)
    out = []
    by_type = _largest(pools, "license_type", "monthly_waste")
    if by_type:
        out.append(waste_bars("waste-by-type", f"Monthly waste by license type ({cur})",
                              by_type, money))  # fmt: skip
    by_site = _largest(sites, "site", "monthly_waste")
    if by_site:
        out.append(waste_bars("waste-by-site", f"Monthly waste by site ({cur})", by_site, money))
    seated = pools[pools.total.fillna(0) > 0].sort_values(
        "total", ascending=False, kind="mergesort"
    )
    states = [
        (str(t), int(a), int(u), int(s))
        for t, a, u, s in zip(
            seated.license_type, seated.assigned, seated.unassigned, seated.suspended, strict=True
        )
    ]
    plan = report.cancellation.reindex(
        columns=["license_type", "unassigned", "held_by_stale_users"]
    )
    totals = dict(zip(pools.license_type.astype(str), pools.total.fillna(0), strict=True))
    wasted = [
        (str(t), int(u), int(h), int(totals.get(str(t), u + h)))
        for t, u, h in zip(plan.license_type, plan.unassigned.fillna(0),
                           plan.held_by_stale_users.fillna(0), strict=True)
        if u + h > 0
    ]  # fmt: skip
    wasted.sort(key=lambda p: (-(p[1] + p[2]), p[0].casefold()))
    if wasted:
        caption = "Seats billed and not used, per license type (of all its seats)"
        out.append(waste_seats("seats-by-pool", caption, wasted))
    elif states:
        caption = "Seats per license type: assigned, unassigned, suspended"
        out.append(seat_states("seats-by-pool", caption, states))
    return out


def _largest(table: pd.DataFrame, label: str, value: str) -> list[tuple[str, float]]:
    """(label, value) for the rows with a known value above zero, largest first."""
    shown = table[table[value].fillna(0) > 0].sort_values(value, ascending=False, kind="mergesort")
    return [(str(k), float(v)) for k, v in zip(shown[label], shown[value], strict=True)]
