"""auditor.toml: every key typed and checked; unknown keys are errors naming them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.model import Severity, Suppression
from auditor.settings.config import load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auditor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_is_read_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
tenant = "Acme"
input = "snap"
licenses = "inv/licenses.csv"
prices = "prices.csv"
out = "reports/acme"
formats = ["json", "csv"]
history = "reports/history.sqlite"
base_url = "https://api.8x8.com/admin-provisioning"
api_key_file = "secret/key"
page_size = 500

[thresholds]
stale_after_days = 45
high_monthly_cost = 250
medium_monthly_cost = 25.5

[gates]
fail_on = "HIGH"
fail_over_waste = 1000

[[suppress]]
rule = "contact-without-license"
entity = "svc-*"
reason = "service accounts"
owner = "it@acme.example"
expires = 2027-01-31
""",
    )
    config = load_config(path)
    assert config.tenant == "Acme"
    assert config.input == tmp_path / "snap"
    assert config.licenses == tmp_path / "inv" / "licenses.csv"
    assert config.formats == ("json", "csv")
    assert config.page_size == 500
    assert (config.stale_after_days, config.high_monthly_cost, config.medium_monthly_cost) == (
        45,
        250.0,
        25.5,
    )
    assert config.fail_on is Severity.HIGH
    assert config.fail_over_waste == 1000.0
    assert config.suppressions == (
        Suppression(
            "contact-without-license",
            "svc-*",
            "service accounts",
            "it@acme.example",
            dt.date(2027, 1, 31),
        ),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("stale_after_days = 3", "unknown key 'stale_after_days'"),
        ("[thresholds]\nstale_days = 3", "unknown key 'thresholds.stale_days'"),
        ("[thresholds]\nstale_after_days = -1", "must not be negative"),
        ("[thresholds]\nstale_after_days = '30'", "must be a whole number"),
        ("[gates]\nfail_on = 'urgent'", "gates.fail_on must be one of high, medium, low, info"),
        ("formats = 'json'", "formats must be a list"),
        ("[[suppress]]\nrule = 'x'\nentity = 'y'\nreason = 'z'", "suppress #1 needs owner"),
        (
            "[[suppress]]\nrule='x'\nentity='y'\nreason='z'\nowner='o'\nexpires='soon'",
            "suppress #1.expires must be a date",
        ),
        (
            "[[suppress]]\nrule='x'\nentity='y'\nreason='z'\nowner='o'\nuntil=2027-01-01",
            "unknown key 'suppress #1.until'",
        ),
        ("tenant = ", "not valid TOML"),
    ],
)
def test_bad_config_is_one_sentence_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        load_config(write(tmp_path, text))
    assert str(caught.value).startswith(str(tmp_path / "auditor.toml"))


def test_missing_config(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
