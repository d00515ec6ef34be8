"""When a contractor's papers run out, and which of them count: one reading for the compliance overview and
rule comply/document-expiring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from outsourcer.contractors.models import Document
from outsourcer.payments import tax

# A document expiring within this many days is named (and one already expired).
EXPIRING_WITHIN_DAYS = 30


def document_expiry(document: Document) -> tuple[dt.date | None, bool]:
    """The day a document expires and whether the document states it: a W-8BEN or W-8BEN-E with no stated
    expiry runs to 31 December of the third year after signing (`payments.tax.w8_expiry`)."""
    if document.expires_on is not None:
        return document.expires_on, True
    if document.kind in tax.W8_KINDS:
        return tax.w8_expiry(document), False
    return None, False


def latest_of_each_kind(documents: Iterable[Document]) -> dict[tuple[int, str], Document]:
    """Each contractor's latest document of each kind, keyed (contractor id, kind): a renewed paper replaces the
    one before it. Latest is the later signed; one with no signing date counts as older than any dated one;
    between equals the one recorded last wins (give `documents` in the order they were recorded)."""
    latest: dict[tuple[int, str], Document] = {}
    for document in documents:
        key = (document.contractor_id, document.kind)
        kept = latest.get(key)
        if kept is None or (document.signed_on or dt.date.min) >= (kept.signed_on or dt.date.min):
            latest[key] = document
    return latest
