"""Installed from a wheel, not the checkout: ``auditor demo`` and monthly audits work from any
folder and leave nothing there (the demo tenant, schema and example settings are package data).

The wheel is built by pip (build isolation fetches setuptools from the package index, as a
user's pip would) and installed with ``--target`` beside this environment's dependencies, so
the test needs no second copy of pandas; it checks that ``auditor`` is imported from the
wheel, not from the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built and installed into a folder of its own."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(root / "dist"),
         str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (root / "dist").glob("seat_auditor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in (
        "auditor/data/demo/users.csv",
        "auditor/data/audit.schema.json",
        "auditor/data/auditor.example.toml",
        "auditor/templates/report.html",
    ):
        assert shipped in names, shipped  # fmt: skip
    site = root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return site


def _auditor(site: Path, cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    env.pop("SEAT_AUDITOR_HISTORY", None)
    return subprocess.run(
        [sys.executable, str(site / "bin" / "auditor"), *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_the_wheels_auditor_is_the_one_imported(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import auditor; print(auditor.__file__)"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(done.stdout.strip()).is_relative_to(installed)


@pytest.mark.slow
def test_demo_runs_from_any_folder_and_leaves_nothing_there(
    installed: Path, tmp_path: Path
) -> None:
    anywhere, home = tmp_path / "anywhere", tmp_path / "home"
    anywhere.mkdir()
    done = _auditor(installed, anywhere, home, "demo")
    assert done.returncode == 0, done.stderr
    assert list(anywhere.iterdir()) == []
    reports = home / "data" / "seat-auditor" / "demo"
    assert sorted(p.name for p in reports.iterdir()) == [
        "audit.html", "audit.json", "audit.xlsx", "findings.csv"
    ]  # fmt: skip
    assert (home / "state" / "seat-auditor" / "demo-history.sqlite").is_file()
    assert "Bayline Freight Logistics: 52 findings" in done.stderr


@pytest.mark.slow
def test_two_monthly_export_folders_compare_as_one_tenant(installed: Path, tmp_path: Path) -> None:
    anywhere, home = tmp_path / "anywhere", tmp_path / "home"
    anywhere.mkdir()
    samples = tmp_path / "samples"
    copied = _auditor(installed, anywhere, home, "demo", "--copy-to", str(samples))
    assert copied.returncode == 0, copied.stderr
    for month, collected in (("2026-10", "2026-10-02"), ("2026-11", "2026-11-02")):
        folder = tmp_path / "exports" / month
        folder.mkdir(parents=True)
        for part in ("users.csv", "sites.csv", "licenses.csv", "prices.csv"):
            (folder / part).write_bytes((samples / "demo" / part).read_bytes())
        (folder / "manifest.json").write_text(json.dumps({"collected_at": collected}))
        out = tmp_path / "reports" / month
        done = _auditor(installed, anywhere, home, "audit", "--input", str(folder),
                        "--out", str(out), "--format", "json")  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert list(anywhere.iterdir()) == []
    second = json.loads((tmp_path / "reports" / "2026-11" / "audit.json").read_text())
    assert second["tenant"] == "baylinefreight.example"
    assert second["changes"]["previous_as_of"] == "2026-10-02"
    assert (home / "state" / "seat-auditor" / "history.sqlite").is_file()


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists the packages (auditor.templates lives outside auditor/, so they are
    not found): a new sub-package left off the list would be missing from the wheel."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "auditor").rglob("__init__.py")
    }
    assert listed == found | {"auditor.templates"}
    assert (ROOT / "templates" / "__init__.py").is_file()
