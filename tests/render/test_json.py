"""audit.json: validates against the contract's schema, keys and money as specified."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from auditor.engine.run import run
from auditor.model import Settings, Suppression
from auditor.render.json import dumps, report_dict, write_json
from auditor.snapshot.load import load
from tests.conftest import DEMO, NOW, SCHEMA_FILE, audit

SCHEMA = json.loads((SCHEMA_FILE).read_text())


@pytest.mark.slow
def test_tiny_report_validates_and_carries_every_contract_key(
    tiny_dir: Path, tmp_path: Path
) -> None:
    report = audit(tiny_dir, dt.date(2026, 11, 1))
    path = tmp_path / "audit.json"
    write_json(report, path)
    data = json.loads(path.read_text())
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        data
    )
    assert data["schema_version"] == 2
    assert data["as_of"] == "2026-11-01"
    assert data["summary"]["monthly_waste"] == 82.0
    assert data["summary"]["monthly_saving"] == 58.0  # L6 34.00 + L3 24.00; L5 goes to u3
    assert len(data["ledger"]) == data["summary"]["seats_total"] == 6
    assert data["summary"]["annual_waste"] == 984.0
    assert {f["id"] for f in data["findings"]} >= {"stale-deactivated-user:u2"}
    assert [i["name"] for i in data["inputs"]] == [
        "users.csv",
        "sites.csv",
        "licenses.csv",
        "prices.csv",
    ]
    pool = next(p for p in data["licenses"] if p["license_type"] == "X2")
    assert pool == {
        "license_type": "X2",
        "kind": "seat",
        "total": 3,
        "assigned": 2,
        "unassigned": 1,
        "suspended": 0,
        "holders": 2,
        "monthly_price": 24.0,
        "monthly_cost": 72.0,
        "monthly_waste": 48.0,
        "billed": True,  # False only for 8x8's Additional Named User pool
        "country": "US",  # the service addresses' country
    }


@pytest.mark.slow
def test_unknown_price_is_null_and_skips_are_listed(tiny_dir: Path) -> None:
    (tiny_dir / "prices.csv").write_text("license_type,monthly_price\nX4,34.00\n")
    (tiny_dir / "licenses.csv").write_text(
        "license_type,total,unassigned\nX2,3,1\nX4,2,1\nCall Recording Storage,1,0\n"
    )
    data = report_dict(audit(tiny_dir))
    jsonschema.validate(data, SCHEMA)
    x2 = next(p for p in data["licenses"] if p["license_type"] == "X2")
    assert x2["monthly_price"] is None
    assert data["summary"]["unpriced_seats"] == 3 + 1  # X2 and the now-unpriced recording type
    assert data["skipped"][0]["rule"] == "tax-address-mismatch"
    assert any("no currency" in w for w in data["warnings"])


@pytest.mark.slow
def test_same_inputs_same_bytes(tiny_dir: Path, tmp_path: Path) -> None:
    write_json(audit(tiny_dir), tmp_path / "a.json")
    write_json(audit(tiny_dir), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.slow
def test_added_keys_validate_and_leave_the_contract_keys_alone() -> None:
    data = report_dict(audit(DEMO, dt.date(2026, 11, 2)))
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        data
    )
    assert set(SCHEMA["required"]) <= set(data)
    assert {"sites", "cancellation", "pairings"} <= set(data)
    assert round(sum(s["monthly_waste"] for s in data["sites"]), 2) == 1476.0
    assert data["cancellation"][0]["notice_effective"] == "2026-12-02"
    paired = {p["user_id"]: p["license_id"] for p in data["pairings"]}
    contact = next(f for f in data["findings"] if f["entity_id"] == next(iter(paired)))
    assert paired[contact["entity_id"]] in contact["recommendation"]


@pytest.mark.slow
def test_a_missing_date_is_null_not_nan(tiny_dir: Path, tmp_path: Path) -> None:
    muted = Suppression("unassigned-billed-seats", "X4", "spare", "it@x", dt.date(2027, 1, 1))
    report = run(
        load(tiny_dir),
        Settings(as_of=dt.date(2026, 11, 1)),
        tenant="t",
        generated_at=NOW,
        suppressions=(muted,),
    )
    path = tmp_path / "audit.json"
    write_json(report, path)

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in audit.json")

    data = json.loads(path.read_text(), parse_constant=refuse)
    expires = {f["id"]: f["suppression_expires"] for f in data["findings"]}
    assert expires.pop("unassigned-billed-seats:X4") == "2027-01-01"
    assert set(expires.values()) == {None}


@pytest.mark.slow
def test_ledger_streamed_from_its_columns_matches_the_records(tmp_path: Path) -> None:
    """write_json writes the ledger from its columns; the text must be what json.dumps of
    each record gives, including text JSON has to escape and unknown values."""
    report = audit(DEMO, dt.date(2026, 11, 2))
    ledger = report.ledger.copy()
    ledger["holder"] = ledger.holder.astype(object)
    ledger.loc[0, "holder"] = 'Ann "A" \\ O\'Brien\x01\u2028 é 😀'
    ledger.loc[1, "holder"] = "tab\there"
    ledger.loc[2, "finding_id"] = None
    ledger.loc[3, "price_cents"] = None
    object.__setattr__(report, "ledger", ledger)
    path = tmp_path / "audit.json"
    write_json(report, path)
    text = path.read_text(encoding="utf-8")
    assert text == dumps(report_dict(report))  # the streamed and the dict paths agree
    rows = json.loads(text)["ledger"]
    assert rows[0]["holder"] == 'Ann "A" \\ O\'Brien\x01\u2028 é 😀'
    assert rows[1]["holder"] == "tab\there"
    assert rows[2]["finding_id"] is None
    assert rows[3]["monthly_price"] is None
    assert len(rows) == len(ledger)


@pytest.mark.slow
def test_the_demo_statement_block_validates_and_adds_up(tmp_path: Path) -> None:
    expected = json.loads((DEMO / "expected.json").read_text())
    report = audit(DEMO, dt.date(2026, 11, 2))
    path = tmp_path / "audit.json"
    write_json(report, path)
    data = json.loads(path.read_text())
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        data
    )
    bill = data["statement"]
    assert {k: bill[k] for k in expected["statement"] if k != "types"} == {
        k: v for k, v in expected["statement"].items() if k != "types"
    }
    assert (
        bill["recurring_expected"]
        == data["summary"]["monthly_cost"]
        == data["bridge"]["monthly_cost"]
    )
    assert (bill["period_start"], bill["period_end"]) == ("2026-11-01", "2026-11-30")
    assert data["summary"]["monthly_overbilled"] == expected["summary"]["monthly_overbilled"]
    claims = sum(t["claim"] for t in bill["types"])
    taxes = sum(
        f["monthly_cost"] for f in data["findings"] if f["rule"] == "tax-outside-service-states"
    )
    assert round(claims + taxes, 2) == data["summary"]["monthly_overbilled"] == 170.6
    by_type = {t["license_type"] or t["description"]: t for t in bill["types"]}
    assert by_type["X6"]["quantity_direction"] == "missing"
    assert by_type["VCC Agent"]["quantity_direction"] == "under"
    assert by_type["X8"]["contract_price"] is None
    assert by_type["X8"]["price_direction"] == "unknown"
    assert by_type["8x8 Analytics for Work"]["quantity_direction"] == "unexpected"
    assert "statement.csv" in [i["name"] for i in data["inputs"]]
    credits = bill["credits"]
    assert round(sum(c["claim"] for c in credits), 2) == 170.6
    assert all(round(c["billed_amount"] - c["expected_amount"], 2) == c["claim"] for c in credits)


@pytest.mark.slow
def test_without_a_statement_the_block_and_the_figure_are_null(tiny_dir: Path) -> None:
    data = report_dict(audit(tiny_dir, dt.date(2026, 11, 1)))
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(dumps(data)))
    assert data["statement"] is None
    assert data["summary"]["monthly_overbilled"] is None
    assert "billed-over-inventory" in [s["rule"] for s in data["skipped"]]
