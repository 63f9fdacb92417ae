"""Synthetic tenants with the demo tenant's proportions, at any size, for the benchmarks.

Vectorised numpy from one seed, so a million users take seconds and the same size always
gives the same files. The files use the demo's export-style headers and spellings, so the
loader's alias matching and normalisation are part of what is measured.

Proportions (from the demo tenant, 360 users): ~7% of users inactive, about half of those
still holding a seat; ~5% of active users are Contacts; seat mix VCC Agent 13%, X2 27%,
X4 46%, X6 2%, X8 (unpriced) 1%; an add-on on ~14% of users; ~4.5% of licenses unassigned,
~0.7% suspended; ~2% of assigned licenses carry another state's service address.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

STATES = np.array(["CA", "TX", "NY", "IL", "WA", "FL", "GA", "MA", "CO", "AZ", "OR", "NC"])
SEATS = np.array(["VCC Agent", "X2", "X4", "X6", "X8"])
SEAT_MIX = np.array([0.13, 0.27, 0.46, 0.02, 0.01])
ADDON = "Call Recording Storage"
PRICES = """License Type,Monthly Price,Currency,Kind,Aliases
X2,24.00,USD,seat,8x8 Work X Series - X2;X2-VOSVC-US
X4,34.00,USD,seat,8x8 Work X Series - X4;X4-VOSVC-US
X6,44.00,USD,seat,8x8 Work X Series - X6;X6-VOSVC-US
VCC Agent,125.00,USD,seat,8x8 Contact Center Agent;VCC-AGENT-US
Call Recording Storage,5.00,USD,addon,Cloud Recording Storage;REC-STORAGE-US
"""


def _ids(prefix: str, count: int) -> np.ndarray:
    return np.char.add(prefix, np.arange(1, count + 1).astype(str))


def generate(users: int, out: Path, seed: int = 20261102) -> Path:
    """Write a snapshot folder of ``users`` users into ``out``; returns ``out``."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    n_sites = max(4, users // 2000)
    site_ids = _ids("site-", n_sites)
    site_state = STATES[np.arange(n_sites) % len(STATES)]
    sites = pd.DataFrame(
        {
            "Site ID": site_ids,
            "Site Name": np.char.add("Office ", np.arange(1, n_sites + 1).astype(str)),
            "Street": np.char.add(np.arange(100, 100 + n_sites).astype(str), " Main St"),
            "City": np.char.add("City ", np.arange(1, n_sites + 1).astype(str)),
            "State": site_state,
            "Postal Code": (10000 + np.arange(n_sites)).astype(str),
            "Country": "US",
        }
    )

    user_ids = _ids("U", users)
    inactive = rng.random(users) < 0.067
    site = rng.integers(0, n_sites, users)
    has_seat = np.where(inactive, rng.random(users) < 0.5, rng.random(users) >= 0.053)
    seat = SEATS[rng.choice(len(SEATS), users, p=SEAT_MIX / SEAT_MIX.sum())]
    addon = rng.random(users) < 0.14
    seat_col = np.where(has_seat, seat, "")
    licenses = np.where(
        addon & has_seat,
        np.char.add(np.char.add(seat_col, ";"), ADDON),
        np.where(addon, ADDON, seat_col),
    )
    days_ago = rng.integers(0, 400, users)
    deactivated = (pd.Timestamp("2026-11-02") - pd.to_timedelta(days_ago, unit="D")).strftime(
        "%Y-%m-%d"
    )
    status = np.where(
        inactive,
        np.where(rng.random(users) < 0.5, "INACTIVE", "deactivated"),
        np.where(rng.random(users) < 0.8, "ACTIVE", "Active"),
    )
    scim = np.where(rng.random(users) < 0.3, "okta", "")
    extension = np.where(
        has_seat | (rng.random(users) < 0.5), (1000 + np.arange(users) % 9000).astype(str), ""
    )
    users_frame = pd.DataFrame(
        {
            "User ID": user_ids,
            "Email Address": np.char.add(np.char.lower(user_ids), "@example.com"),
            "First Name": "First",
            "Last Name": np.char.add("Last", (np.arange(users) % 997).astype(str)),
            "Status": status,
            "Site": site_ids[site],
            "Licenses": licenses,
            "Extension": extension,
            "Phone Number": np.where(extension != "", np.char.add("+1555", extension), ""),
            "Department": np.array(["Sales", "Support", "Ops", "Finance", "IT"])[
                np.arange(users) % 5
            ],
            "Created Time": "2024-01-15T09:00:00Z",
            "Last Updated Time": np.char.add(deactivated.to_numpy().astype(str), "T12:00:00Z"),
            "Deactivated At": np.where(inactive & (rng.random(users) < 0.8), deactivated, ""),
            "SCIM Provider": scim,
        }
    )

    held = pd.DataFrame({"user": user_ids, "type": seat_col, "state": site_state[site]})
    held = pd.concat(
        [
            held[held.type != ""],
            pd.DataFrame(
                {"user": user_ids[addon], "type": ADDON, "state": site_state[site][addon]}
            ),
        ],
        ignore_index=True,
    )
    mismatch = rng.random(len(held)) < 0.02
    held.loc[mismatch, "state"] = STATES[rng.integers(0, len(STATES), int(mismatch.sum()))]
    spare = max(1, int(len(held) * 0.052))
    spare_status = np.where(rng.random(spare) < 0.87, "Unassigned", "Suspended")
    spare_types = np.concatenate([SEATS, [ADDON]])[rng.integers(0, len(SEATS) + 1, spare)]
    units = pd.DataFrame(
        {
            "License Type": np.concatenate([held.type.to_numpy(), spare_types]),
            "Status": np.concatenate([np.full(len(held), "Assigned"), spare_status]),
            "Assigned To": np.concatenate([held.user.to_numpy(), np.full(spare, "")]),
            "Service State": np.concatenate(
                [held.state.to_numpy(), STATES[rng.integers(0, len(STATES), spare)]]
            ),
        }
    )
    units.insert(0, "License ID", _ids("L", len(units)))
    units["Service Street"] = "1 Order Way"
    units["Service City"] = "Anytown"
    units["Service Postal"] = "00000"
    units["Service Country"] = "US"
    users_frame.to_csv(out / "users.csv", index=False)
    sites.to_csv(out / "sites.csv", index=False)
    units.to_csv(out / "licenses.csv", index=False)
    (out / "prices.csv").write_text(PRICES, encoding="utf-8")
    manifest = {"tenant": f"Synthetic {users:,}", "collected_at": "2026-11-02", "source": "bench"}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def main() -> None:
    """``python benchmarks/generate.py 100000 OUT_DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("users", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    generate(args.users, args.out)


if __name__ == "__main__":
    main()
