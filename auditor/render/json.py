"""audit.json: the machine-readable report whose keys are the contract (schema_version 1)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.chargeback import SITE_COLUMNS
from auditor.model import FINDING_COLUMNS, POOL_COLUMNS, Report
from auditor.plan import CANCELLATION_COLUMNS, PAIRING_COLUMNS

SCHEMA_VERSION = 1


def _value(value: Any) -> Any:
    """A cell as JSON: NaN and NA become null, numpy scalars plain Python numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows over exactly ``columns``; a table the report left empty gives no rows."""
    rows = frame.reindex(columns=list(columns)).astype(object).itertuples(index=False, name=None)
    return [{c: _value(v) for c, v in zip(columns, row, strict=True)} for row in rows]


def report_dict(report: Report) -> dict[str, Any]:
    """The report as the JSON object PRODUCT.md specifies, plus keys it does not name.

    Added keys, never in place of a contract key: ``skipped`` and ``warnings``; ``sites`` (the
    chargeback view), ``cancellation`` (procurement's plan per license type) and ``pairings``
    (Contacts paired with an unassigned seat taxed in their state).
    """
    s = report.summary
    return {
        "schema_version": SCHEMA_VERSION,
        "tool_version": report.tool_version,
        "tenant": report.tenant,
        "as_of": report.as_of.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "currency": report.currency,
        "inputs": [{"name": i.name, "sha256": i.sha256} for i in report.inputs],
        "settings": report.settings.as_dict(),
        "summary": {
            "users": s.users,
            "active_users": s.active_users,
            "inactive_users": s.inactive_users,
            "contacts": s.contacts,
            "seats_total": s.seats_total,
            "seats_assigned": s.seats_assigned,
            "seats_unassigned": s.seats_unassigned,
            "seats_suspended": s.seats_suspended,
            "unpriced_seats": s.unpriced_seats,
            "monthly_cost": s.monthly_cost,
            "monthly_waste": s.monthly_waste,
            "annual_waste": s.annual_waste,
            "findings_by_rule": dict(s.findings_by_rule),
            "findings_by_severity": dict(s.findings_by_severity),
        },
        "licenses": _records(report.pools, POOL_COLUMNS),
        "findings": _records(report.findings, FINDING_COLUMNS),
        "sites": _records(report.sites, SITE_COLUMNS),
        "cancellation": _records(report.cancellation, CANCELLATION_COLUMNS),
        "pairings": _records(report.pairings, PAIRING_COLUMNS),
        "skipped": [{"rule": k.rule, "reason": k.reason} for k in report.skipped],
        "warnings": list(report.warnings),
    }


def write_json(report: Report, path: Path) -> None:
    """Write audit.json, keys sorted so two runs on the same data give the same bytes."""
    text = json.dumps(report_dict(report), sort_keys=True, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
