"""Option types whose refusals are one sentence naming the value and what is accepted.

click's own types answer in format jargon (``'2026-02-30' does not match the format
'%Y-%m-%d'``, ``'1,000' is not a valid float range``); a user should read what to type
instead. :func:`usage_sentence` turns any click usage error into the one-line
``auditor: error:`` every other error uses.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import click

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDate(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A calendar date written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not _ISO_DATE.fullmatch(text):
            reason = f"{text!r} is not a date; give one as YYYY-MM-DD, e.g. 2026-11-02."
            raise click.BadParameter(reason, ctx, param)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            reason = f"{text} is not a calendar date; give a real day as YYYY-MM-DD."
            raise click.BadParameter(reason, ctx, param) from None


class Amount(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A money amount of 0 or more, written as a plain number (``1000`` or ``1000.50``)."""

    name = "AMOUNT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            amount = float(text)
        except ValueError:
            amount = math.nan
        if not math.isfinite(amount) or amount < 0 or not re.fullmatch(r"\d+(\.\d+)?", text):
            self.fail(
                f"{text!r} is not an amount; give a plain number of 0 or more such as 1000 or "
                "1000.50 (no thousands separator or currency)."
            )
        return amount


class WholeNumber(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A whole number from ``low`` (and up to ``high`` when given)."""

    name = "N"

    def __init__(self, low: int, high: int | None = None) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip()
            number = int(text) if re.fullmatch(r"-?\d+", text) else self.low - 1
        if number < self.low or (self.high is not None and number > self.high):
            wanted = f"{self.low} or more" if self.high is None else f"{self.low} to {self.high}"
            self.fail(f"{str(value).strip()!r} is not accepted; give a whole number, {wanted}.")
        return number


class FilePath(click.Path):
    """A path that must not be a folder (it may not exist yet)."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, dir_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if Path(str(value)).is_dir():
            self.fail(f"{value} is a folder; give the path of a file.")
        return super().convert(value, param, ctx)


def usage_sentence(error: click.ClickException) -> str:
    """One sentence for a usage error: the option, what was wrong, where help is."""
    if isinstance(error, click.BadParameter):
        hint: object = error.param_hint
        if hint is None and error.param is not None:
            hint = getattr(error.param, "opts", None) or [error.param.name or ""]
        if isinstance(hint, (list, tuple)):
            hint = " / ".join(str(h) for h in hint)
        text = f"{str(hint).strip(chr(39)) if hint else 'a value'}: {error.message}"
    else:
        text = error.format_message().replace("'", "")
        text = text[:1].lower() + text[1:]
        text = re.sub(r"\. Did you mean (.*?)\?$", r" (did you mean \1?)", text)
    ctx = getattr(error, "ctx", None)
    where = ctx.command_path if ctx is not None else "auditor"
    return f"{text.rstrip('.')}; see {where} --help."
