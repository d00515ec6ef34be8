"""Freelancer-protection laws as data (`data/freelancer_laws.json`), and which of them cover an engagement.

A law covers an engagement when, on the given day, it is in force; the work is done in its
jurisdiction (the engagement's `work_location`, else the contractor's region in their country) or
the hiring business is (the workspace's region): we read both as covered, the protective reading;
the contractor is an individual, not an agency; and the engagement is worth at least the law's
minimum. A region code covers the codes below it: a law for `NY` covers `NY-NYC` too.
Money (issue 6) and agreements (issue 7) both ask here, so each law's facts live in one place.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "freelancer_laws.json"


@dataclass(frozen=True)
class Law:
    id: str
    name: str
    citation: str
    country: str
    regions: tuple[str, ...]
    effective_from: dt.date
    effective_until: dt.date | None
    min_amount_usd: Decimal
    aggregation_days: int
    payment_days_after_completion: int
    retention_years: int | None
    contract_fields: tuple[str, ...]

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on <= self.effective_until)

    def covers_region(self, country: str, region: str) -> bool:
        if country.upper() != self.country or not region:
            return False
        code = region.upper()
        return any(code == r or code.startswith(f"{r}-") for r in self.regions)


def _law(row: dict[str, Any]) -> Law:
    until = row.get("effective_until")
    return Law(
        id=row["id"],
        name=row["name"],
        citation=row["citation"],
        country=row["country"],
        regions=tuple(r.upper() for r in row["regions"]),
        effective_from=dt.date.fromisoformat(row["effective_from"]),
        effective_until=dt.date.fromisoformat(until) if until else None,
        min_amount_usd=Decimal(row["min_amount_usd"]),
        aggregation_days=int(row["aggregation_days"]),
        payment_days_after_completion=int(row["payment_days_after_completion"]),
        retention_years=row.get("retention_years"),
        contract_fields=tuple(row["contract_fields"]),
    )


@lru_cache(maxsize=1)
def all_laws() -> tuple[Law, ...]:
    return tuple(_law(row) for row in json.loads(DATA.read_text())["laws"])


@dataclass(frozen=True)
class Place:
    """Where the work and the hiring business are, as country + region codes."""

    work_country: str
    work_region: str
    business_country: str
    business_region: str


def laws_covering(*, place: Place, on: dt.date, individual: bool, value_usd: Decimal | None) -> list[Law]:
    """The laws that cover work at `place` on `on` worth `value_usd` (None: unknown, taken as covered)."""
    if not individual:
        return []
    found = []
    for law in all_laws():
        if not law.in_force(on):
            continue
        if not (
            law.covers_region(place.work_country, place.work_region)
            or law.covers_region(place.business_country, place.business_region)
        ):
            continue
        if value_usd is not None and value_usd < law.min_amount_usd:
            continue
        found.append(law)
    return found


def engagement_place(engagement: Any) -> Place:
    """The place of an engagement: its work location (a region in the contractor's country), else theirs."""
    contractor, workspace = engagement.contractor, engagement.workspace
    country = contractor.country or workspace.country or ""
    return Place(
        work_country=country,
        work_region=engagement.work_location or contractor.region or "",
        business_country=workspace.country or "",
        business_region=workspace.region or "",
    )
