"""The 1099-NEC year-end page and its CSV download (read permission). The rules are in `payments/tax.py`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.core.timezones import today_in
from outsourcer.payments import tax


def _report(access: WorkspaceAccess, year: int) -> tax.TaxReport:
    workspace = access.workspace
    today = today_in(workspace.time_zone)
    problem = tax.year_problem(year, today)
    if problem:
        raise Http404(problem)
    return tax.tax_report(workspace=workspace, year=year, as_of=today)


@workspace_view(get="read")
def tax_report(request: HttpRequest, access: WorkspaceAccess, year: int) -> HttpResponse:
    report = _report(access, year)
    return render_access(
        request,
        access,
        "payments/tax_report.html",
        {
            "report": report,
            "years": tax.report_years(workspace=access.workspace, today=report.as_of),
            "exclusion_text": tax.EXCLUSION_TEXT,
            "others": [line for line in report.lines if line.decision.needed is False],
        },
    )


@workspace_view(get="read")
def tax_report_csv(request: HttpRequest, access: WorkspaceAccess, year: int) -> HttpResponse:
    report = _report(access, year)
    response = HttpResponse(tax.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.workspace.slug}-1099-nec-{year}.csv"'
    return response
