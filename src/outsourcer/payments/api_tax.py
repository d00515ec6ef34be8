"""The 1099-NEC year-end report over REST: `GET /workspaces/{ws}/tax/1099/{year}` (read permission).

The same report as the web page and `outsourcer report 1099 --json`: the rules live in `payments/tax.py`.
"""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router

from outsourcer.accounts.api_door import api_door, requires
from outsourcer.core.timezones import today_in
from outsourcer.payments import tax
from outsourcer.payments.schemas_tax import TaxReportOut

router = Router(tags=["tax forms"])


@router.get(
    "/workspaces/{ws}/tax/1099/{year}",
    response=TaxReportOut,
    summary="The 1099-NEC year-end report",
    description=(
        "Payments made in the calendar `year`, by payee: what is reportable on a 1099-NEC (in US dollars), "
        "who needs a form and why, the filing deadline, what was left out and why, missing W-9s and TIN "
        "checks, and the W-8BEN standing of foreign contractors as of today in the workspace's time zone."
    ),
)
@requires("read")
def tax_report(request: HttpRequest, ws: uuid.UUID, year: int) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    workspace = access.workspace
    today = today_in(workspace.time_zone)
    problem = tax.year_problem(year, today)
    if problem:
        raise ValidationError({"year": [problem]})
    return tax.report_dict(tax.tax_report(workspace=workspace, year=year, as_of=today))
