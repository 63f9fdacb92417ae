"""The errors seat-auditor raises, and what each one means to the person running it.

Every error a user can cause is an :class:`AuditorError`, carries one sentence meant for
that user (naming the file, row, column or URL at fault) and maps to one exit code::

    AuditorError                 base: .exit_code, str(err) is the sentence to print
    ├── InputError      (2)      a file, folder, flag or config value is wrong
    │   └── UsageError  (2)      options that cannot be combined, or are missing
    ├── SourceError     (3)      the 8x8 API could not be read (network, auth, paging)
    │   ├── ApiError    (3)      it answered an error a retry cannot fix (sources.client)
    │   └── ScrollExpired (3)    a scroll expired; caught once to restart the listing (scroll)
    ├── RenderError     (2)      a report could not be written (disk, permissions)
    ├── SnapshotError   (2)      a collected snapshot folder could not be written
    └── RuleError       (2)      a rule crashed on this snapshot: no report is written

Anything else escaping the library is a bug in seat-auditor, not the user's doing.
"""

from __future__ import annotations


class AuditorError(Exception):
    """Base of every error the user can act on; ``str()`` is the sentence to show."""

    exit_code: int = 2


class InputError(AuditorError):
    """Bad input: a snapshot file, a price book, a flag or a config value."""

    exit_code = 2


class UsageError(InputError):
    """Options that cannot be combined, or a required option that is missing."""


class SourceError(AuditorError):
    """The 8x8 Administration API could not be read; exit code 3."""

    exit_code = 3


class RenderError(AuditorError):
    """A report could not be written (the output folder is not writable, say)."""

    exit_code = 2


class SnapshotError(AuditorError):
    """A collected snapshot could not be written; the previous one, if any, is untouched."""

    exit_code = 2


class RuleError(AuditorError):
    """A rule raised on this snapshot: a bug in seat-auditor that this input reaches.

    The audit stops rather than skip the rule, because every total would silently lack its
    findings; the sentence names the rule and the error so the input can be checked or the
    bug reported.
    """

    exit_code = 2
