"""focus.csv: the seat bill as FinOps FOCUS rows, for cost tools that read FOCUS.

Aligned with FOCUS 1.2's column names and values, not conformant: one row per license type
for the audit's calendar month, a recurring purchase of ``total`` licenses at the price book's
monthly price. 8x8 publishes no invoice data, so the costs are what the price book implies,
not what was invoiced; columns FOCUS requires but we cannot know (a billing account id other
than the tenant's name, commitment discounts, taxes) are left out or null. Our own figures
go in ``x_`` columns, as FOCUS asks of custom columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from auditor.model import POOL_COLUMNS, POOL_JSON_EXTRA, Report
from auditor.render.cells import shown
from auditor.render.csv import LINE_END, defuse


def billing_period(as_of: dt.date) -> tuple[str, str]:
    """The calendar month holding ``as_of``: inclusive start, exclusive end, ISO 8601 UTC."""
    start = as_of.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return f"{start.isoformat()}T00:00:00Z", f"{end.isoformat()}T00:00:00Z"


def focus_table(report: Report) -> pd.DataFrame:
    """The FOCUS rows, one per license type with licenses in the inventory."""
    billed = report.pools.billed if "billed" in report.pools else True  # not the ANU pool
    listed = report.pools[report.pools.total.gt(0) & billed].reset_index(drop=True)
    pools = shown(listed, (*POOL_COLUMNS, *POOL_JSON_EXTRA, "service_states"))
    start, end = billing_period(report.as_of)
    price = pools.monthly_price
    cost = pools.monthly_cost.where(price.notna())
    return pd.DataFrame(
        {
            "BillingAccountId": report.tenant,
            "BillingAccountName": report.tenant,
            "BillingCurrency": report.currency,
            "BillingPeriodStart": start,
            "BillingPeriodEnd": end,
            "ChargePeriodStart": start,
            "ChargePeriodEnd": end,
            "ChargeCategory": "Purchase",
            "ChargeClass": None,
            "ChargeFrequency": "Recurring",
            "ChargeDescription": pools.total.astype(str)
            + " x "
            + pools.license_type
            + " licenses, monthly",
            "BilledCost": cost,
            "EffectiveCost": cost,
            "ListCost": cost,
            "ListUnitPrice": price,
            "ContractedCost": cost,
            "ContractedUnitPrice": price,
            "PricingQuantity": pools.total,
            "PricingUnit": "Licenses",
            "ProviderName": "8x8",
            "PublisherName": "8x8",
            "InvoiceIssuerName": "8x8",
            "ServiceCategory": "Business Applications",
            "ServiceName": "8x8 X Series",
            "SkuId": pools.license_type,
            "x_LicenseKind": pools.kind,
            "x_Assigned": pools.assigned,
            "x_Unassigned": pools.unassigned,
            "x_Suspended": pools.suspended,
            "x_Holders": pools.holders,
            "x_MonthlyWaste": pools.monthly_waste.where(price.notna()),
            "x_PriceKnown": price.notna(),
            "x_ServiceStates": pools.service_states.astype(object).where(
                pools.service_states.notna(), ""
            ),
        }
    )


def write_focus(report: Report, path: Path) -> None:
    """Write focus.csv; text columns are formula-safe, and records end, like findings.csv."""
    table = focus_table(report)
    for column in ("BillingAccountId", "BillingAccountName", "ChargeDescription", "SkuId"):
        table[column] = defuse(table[column])
    table.to_csv(path, index=False, encoding="utf-8", lineterminator=LINE_END, float_format="%.2f")
