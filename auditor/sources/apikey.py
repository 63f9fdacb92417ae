"""Where the API key comes from, and a wrapper that keeps it out of every printed byte.

The key is read from a file named by ``--api-key-file`` (or, later, the config file), else
from ``EIGHTX8_API_KEY``. It travels as :class:`ApiKey`, whose ``str`` and ``repr`` are a
mask, so no log line, traceback or f-string can show it by accident; only the HTTP client
calls :meth:`ApiKey.reveal` to put it in the ``x-api-key`` header.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from auditor.errors import InputError, UsageError

ENV_VAR = "EIGHTX8_API_KEY"


class ApiKey:
    """An API key that prints as ``***``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key itself, for the request header and nothing else."""
        return self._value

    def redact(self, text: str) -> str:
        """``text`` with any copy of the key masked (server messages can echo input)."""
        return text.replace(self._value, "***") if self._value else text

    def __repr__(self) -> str:
        return "ApiKey('***')"

    __str__ = __repr__


def resolve_api_key(env: Mapping[str, str], key_file: Path | None = None) -> ApiKey:
    """The key from ``key_file`` when given, else from ``EIGHTX8_API_KEY`` in ``env``.

    A named file wins over the environment: an explicit choice beats an ambient one.
    """
    if key_file is not None:
        try:
            value = key_file.read_text(encoding="utf-8").strip()
        except UnicodeDecodeError as exc:
            raise InputError(f"{key_file}: the API key file is not UTF-8 text.") from exc
        except OSError as exc:
            raise InputError(
                f"{key_file}: the API key file cannot be read ({exc.strerror})."
            ) from exc
        if not value:
            raise UsageError(f"{key_file}: the API key file is empty.")
        if len(value.split()) != 1:
            raise UsageError(
                f"{key_file}: expected the API key alone on one line (found spaces or lines)."
            )
        return ApiKey(value)
    value = env.get(ENV_VAR, "").strip()
    if not value:
        raise UsageError(
            f"no 8x8 API key: set {ENV_VAR} or pass --api-key-file FILE (a file holding the key)."
        )
    return ApiKey(value)
