"""Forms of the agreement pages. They check the shape of the input; the rules (what a signing date may be,
which file a signed copy may be) live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from outsourcer.compliance.models import Agreement
from outsourcer.engagements.forms import date_field, decimal_field

TERM_FIELDS = (
    "business_name", "business_address", "business_email", "business_phone",
    "contractor_name", "contractor_address", "contractor_email", "contractor_phone",
    "services", "total_value", "payment_days", "invoice_deadline_days", "termination_notice_days",
    "governing_law", "extra_terms",
    "independent_contractor_clause", "ip_assignment", "confidentiality", "payment_date_stated",
    "termination_clause",
)  # fmt: skip
CLAUSE_HELP = {
    "independent_contractor_clause": "They run their own business: not an employee, partner or agent.",
    "ip_assignment": "What they make for you becomes yours once paid for.",
    "confidentiality": "Each side keeps the other's private information private.",
    "payment_date_stated": "When you pay each invoice; the laws require it.",
    "termination_clause": "Either side may end it with the notice below.",
}


def _address(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="A postal address: the freelancer laws ask for it.",
    )


def _days(label: str, *, minimum: int = 0, maximum: int, required: bool = True, help_text: str = "") -> Any:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": str(minimum), "max": str(maximum), "inputmode": "numeric"}),
    )


class AgreementForm(forms.Form):
    business_name = forms.CharField(label="Business name", max_length=200, required=False)
    business_address = _address("Business mailing address")
    business_email = forms.EmailField(label="Business email", max_length=254, required=False)
    business_phone = forms.CharField(label="Business phone", max_length=50, required=False)
    contractor_name = forms.CharField(label="Contractor name", max_length=200, required=False)
    contractor_address = _address("Contractor mailing address")
    contractor_email = forms.EmailField(label="Contractor email", max_length=254, required=False)
    contractor_phone = forms.CharField(label="Contractor phone", max_length=50, required=False)
    services = forms.CharField(
        label="Services",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One service a line. Leave it empty to list the brief's deliverables.",
    )
    total_value = decimal_field("Total value", help_text="Leave it empty to use the engagement's budget cap.")
    payment_days = _days(
        "Pay within (days of receiving an invoice)",
        maximum=120,
        required=False,
        help_text="Leave it empty to use the engagement's payment terms, else your workspace's default.",
    )
    invoice_deadline_days = _days(
        "Invoice within (days of completing the work)",
        minimum=1,
        maximum=120,
        help_text="When the contractor sends the invoice listing the work done.",
    )
    termination_notice_days = _days("Notice to end the agreement (days)", maximum=365)
    governing_law = forms.CharField(
        label="Governing law", max_length=200, required=False, help_text="For example: New York, US."
    )
    extra_terms = forms.CharField(
        label="Other terms",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Printed as they are, under their own heading. A blank line starts a new paragraph.",
    )
    independent_contractor_clause = forms.BooleanField(label="Independent-contractor clause", required=False)
    ip_assignment = forms.BooleanField(label="Ownership of the work (IP assignment)", required=False)
    confidentiality = forms.BooleanField(label="Confidentiality", required=False)
    payment_date_stated = forms.BooleanField(label="Payment date", required=False)
    termination_clause = forms.BooleanField(label="Ending the agreement (termination)", required=False)

    def __init__(self, *args: Any, placeholder_services: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, text in CLAUSE_HELP.items():
            self.fields[name].help_text = text
        if placeholder_services:
            self.fields["services"].widget.attrs["placeholder"] = "\n".join(placeholder_services)

    @staticmethod
    def initial_for(agreement: Agreement) -> dict[str, Any]:
        return {name: getattr(agreement, name) for name in TERM_FIELDS}

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in TERM_FIELDS}
        for name in ("business_address", "contractor_address", "services", "extra_terms"):
            data[name] = data[name].replace("\r\n", "\n").strip()
        return data


class SignForm(forms.Form):
    signed_on = date_field("Signed on", required=True, help_text="The day the last party signed.")
    file = forms.FileField(
        label="Signed copy",
        required=False,
        help_text="A PDF, PNG or JPEG of the signed agreement, 10 MiB at most.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )
