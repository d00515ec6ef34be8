"""Writes for delivering: milestones, submissions (text, links, files), reviews, customer delivery, and the
reference texts and index the originality check reads."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.core.timezones import today_in
from outsourcer.deliverables import originality
from outsourcer.deliverables.models import (
    OPEN_STATUSES,
    Milestone,
    OriginalityBand,
    OriginalityDoc,
    OriginalityMatch,
    ReferenceText,
    Review,
    Submission,
    SubmissionFile,
)
from outsourcer.engagements.models import ENDED, Brief, Engagement, Status
from outsourcer.engagements.services import brief_latest_version

MILESTONE_FIELDS = frozenset({"ref", "title", "description", "due_on", "amount", "status"})
REVIEW_FIELDS = frozenset({"reviewed_on", "reviewer", "decision", "criteria_met", "feedback", "shared_with_contractor"})
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_FILES = 10
MAX_LINKS = 20
# The dates a form or the API takes, as the API's `Day`: narrow enough that date sums never overflow.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)

MilestoneStatus = Milestone.Status
# The statuses a person sets directly (an edit, the API's PATCH). Submitted, accepted, revision requested
# and rejected come only from a submission or a review, so a status always says what happened to the work.
SETTABLE_STATUSES = frozenset({MilestoneStatus.PLANNED, MilestoneStatus.IN_PROGRESS})
# What may still be cancelled: anything not decided yet, work waiting for review included.
CANCELLABLE_STATUSES = frozenset({*OPEN_STATUSES, MilestoneStatus.SUBMITTED})


def _user(actor: Actor) -> Any:
    return actor.user if actor.user is not None and actor.user.pk else None


def _refuse_unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})


def _changed(workspace: Workspace, sender: type) -> None:
    workspace_data_changed.send(sender=sender, workspace=workspace)


# --- Milestones ----------------------------------------------------------------------------------


def milestone_new_ref(*, workspace: Workspace) -> str:
    taken = set(Milestone.objects.filter(workspace=workspace).values_list("ref", flat=True))
    ref = f"m-{secrets.token_hex(4)}"
    while ref in taken:
        ref = f"m-{secrets.token_hex(4)}"
    return ref


def _milestone_clean(milestone: Milestone) -> None:
    milestone.full_clean(exclude=["workspace", "engagement"], validate_unique=False, validate_constraints=False)
    clash = Milestone.objects.filter(workspace_id=milestone.workspace_id, ref=milestone.ref)
    if clash.exclude(pk=milestone.pk).exists():
        raise ValidationError({"ref": [f"Another milestone already uses the ref {milestone.ref!r}."]})


def milestone_status_refusal(current: str | None, new: str) -> str:
    """Why a milestone may not be set from `current` (None: a new milestone) to `new`; "" when it may.

    Planned and in progress move freely between each other; anything not decided yet may be cancelled,
    and a cancelled milestone may be reopened (as planned or in progress). The other statuses say what
    happened to the work, so only a submission or a review sets them.
    """
    if new == current:
        return ""
    labels = dict(MilestoneStatus.choices)
    if new not in labels:
        return f"Unknown status {new!r}."
    if new in SETTABLE_STATUSES:
        if current is None or current in SETTABLE_STATUSES or current == MilestoneStatus.CANCELLED:
            return ""
        return (
            f"This milestone is {labels[current].lower()}; submissions and reviews move it on from here, "
            "so it cannot be set back by hand (cancel it instead if it will not be delivered)."
        )
    if new == MilestoneStatus.CANCELLED:
        if current is None:
            return "A new milestone starts as planned or in progress."
        if current in CANCELLABLE_STATUSES:
            return ""
        return f"This milestone is {labels[current].lower()}; it can no longer be cancelled."
    return (
        f"“{labels[new]}” is not set by hand: a submission makes a milestone wait for review, and a review "
        "accepts it, rejects it or asks for a revision."
    )


def milestone_can_reopen(milestone: Milestone) -> bool:
    """A cancelled milestone of an engagement still going may be planned again."""
    return milestone.status == MilestoneStatus.CANCELLED and milestone.engagement.status not in ENDED


def _check_status(current: str | None, new: str) -> None:
    refusal = milestone_status_refusal(current, new)
    if refusal:
        raise ValidationError({"status": [refusal]})


def milestone_create(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> Milestone:
    _refuse_unknown(data, MILESTONE_FIELDS)
    if data.get("status"):
        _check_status(None, data["status"])
    if engagement.status in ENDED:
        raise ValidationError({"engagement": ["This engagement has ended; it takes no new milestones."]})
    fields = dict(data)
    if not fields.get("ref"):
        fields["ref"] = milestone_new_ref(workspace=engagement.workspace)
    with transaction.atomic():
        milestone = Milestone(workspace=engagement.workspace, engagement=engagement, **fields)
        _milestone_clean(milestone)
        milestone.save()
        audit_record(
            actor=actor, action="milestone.create", obj=milestone, workspace=engagement.workspace,
            changes={"engagement": engagement.ref, "due_on": milestone.due_on},
        )  # fmt: skip
        _changed(engagement.workspace, Milestone)
    return milestone


def milestone_update(*, actor: Actor, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Change a milestone. Its status only moves as `milestone_status_refusal` allows (a state conflict)."""
    _refuse_unknown(data, MILESTONE_FIELDS)
    if "status" in data:
        _check_status(milestone.status, data["status"])
        reopening = milestone.status == MilestoneStatus.CANCELLED and data["status"] in SETTABLE_STATUSES
        if reopening and not milestone_can_reopen(milestone):
            raise ValidationError({"status": ["This engagement has ended; its milestones cannot be reopened."]})
    with transaction.atomic():
        changes = apply_changes(milestone, data)
        if changes:
            _milestone_clean(milestone)
            milestone.save()
            audit_record(
                actor=actor, action="milestone.update", obj=milestone, workspace=milestone.workspace, changes=changes
            )
            _changed(milestone.workspace, Milestone)
    return milestone


def milestone_delete(*, actor: Actor, milestone: Milestone) -> None:
    """A milestone with submissions is kept for the record: cancel it instead."""
    if milestone.submissions.exists():
        raise ValidationError({"milestone": ["Work was submitted for this milestone; cancel it instead of deleting."]})
    with transaction.atomic():
        audit_record(actor=actor, action="milestone.delete", obj=milestone, workspace=milestone.workspace)
        milestone.delete()
        _changed(milestone.workspace, Milestone)


# --- Submissions ---------------------------------------------------------------------------------


def _links(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split()
    links = [str(link).strip() for link in value or [] if str(link).strip()]
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": [f"At most {MAX_LINKS} links."]})
    for link in links:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > 2000:
            raise ValidationError({"links": [f"Not a web address (http or https): {link[:80]}"]})
    return links


def latest_submission(milestone: Milestone) -> Submission | None:
    """The last submission recorded: by when it was recorded, never by its stated date."""
    return milestone.submissions.order_by("-pk").first()


def _check_submitted_on(milestone: Milestone, submitted_on: dt.date, today: dt.date) -> None:
    """A stated submission date: not in the future, and not before the engagement started (or today, if later)."""
    if submitted_on > today:
        refusal = f"Give a date on or before today ({today:%-d %b %Y}), not a later one."
        raise ValidationError({"submitted_on": [refusal]})
    start = milestone.engagement.start_on
    earliest = min(start or EARLIEST_DAY, today)
    if submitted_on < earliest:
        raise ValidationError(
            {"submitted_on": [f"The engagement started on {earliest:%-d %b %Y}; work cannot be submitted before that."]}
        )


def submission_create(
    *,
    actor: Actor,
    milestone: Milestone,
    submitted_on: dt.date | None = None,
    text: str = "",
    links: Any = None,
    note: str = "",
    files: list[Any] | None = None,
) -> Submission:
    """Deliver a milestone: at least one of text, links or files. The milestone waits for review.

    `submitted_on` defaults to today in the workspace (the contractor's portal always uses that); a date
    stated when we record work sent another way may not be in the future nor before the engagement began.
    It is shown, never used for order: the latest submission is the last one recorded.
    """
    today = today_in(milestone.workspace.time_zone)
    if submitted_on is None:
        submitted_on = today
    _check_submitted_on(milestone, submitted_on, today)
    files = list(files or [])
    clean_links = _links(links)
    if not text.strip() and not clean_links and not files:
        raise ValidationError({"text": ["Submit some text, a link or a file."]})
    if milestone.status in (Milestone.Status.ACCEPTED, Milestone.Status.CANCELLED, Milestone.Status.REJECTED):
        raise ValidationError({"milestone": [f"This milestone is {milestone.get_status_display().lower()}."]})
    if milestone.engagement.status not in (Status.ACTIVE, Status.PAUSED):
        raise ValidationError({"milestone": ["Work can only be submitted while the engagement is in progress."]})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": [f"At most {MAX_FILES} files."]})
    for upload in files:
        if (getattr(upload, "size", 0) or 0) > MAX_FILE_BYTES:
            raise ValidationError({"files": [f"{upload.name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB."]})
    workspace = milestone.workspace
    stored: list[SubmissionFile] = []
    try:
        with transaction.atomic():
            submission = Submission(
                workspace=workspace, milestone=milestone, submitted_on=submitted_on, text=text, links=clean_links,
                note=note.strip(), submitted_by=_user(actor),
            )  # fmt: skip
            submission.full_clean(exclude=["workspace", "milestone"], validate_unique=False, validate_constraints=False)
            submission.save()
            for upload in files:
                attachment = SubmissionFile(
                    workspace=workspace, submission=submission, name=str(upload.name)[:255], size=upload.size or 0
                )
                attachment.file.save(str(upload.name), ContentFile(upload.read()), save=False)
                stored.append(attachment)
                attachment.save()
            apply_changes(milestone, {"status": Milestone.Status.SUBMITTED, "submitted_on": submitted_on})
            milestone.save(update_fields=["status", "submitted_on", "updated_at"])
            audit_record(
                actor=actor, action="submission.create", obj=milestone, workspace=workspace,
                changes={"submitted_on": submitted_on, "files": len(files), "links": len(clean_links)},
            )  # fmt: skip
            _changed(workspace, Submission)
            if not originality.too_short(text):
                submission_id = submission.pk
                transaction.on_commit(lambda: _enqueue_index(submission_id=submission_id), robust=True)
    except Exception:
        for attachment in stored:  # a rolled-back submission leaves no files behind
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return submission


def _enqueue_index(*, submission_id: int | None = None, reference_text_id: int | None = None) -> None:
    from outsourcer.deliverables.tasks import index_reference_text, index_submission

    if submission_id is not None:
        index_submission.enqueue(submission_id=submission_id)
    if reference_text_id is not None:
        index_reference_text.enqueue(reference_text_id=reference_text_id)


# --- Reviews -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewCriteria:
    """The acceptance criteria a review answers: those of the brief version the contractor was last sent."""

    criteria: list[str]
    version: int | None  # the sent version they come from; None when the brief was never sent
    current: list[str]  # the brief's criteria as they read now, perhaps edited since it was sent

    @property
    def changed_since_sent(self) -> bool:
        return self.version is not None and self.current != self.criteria


def review_criteria(engagement: Engagement) -> ReviewCriteria:
    """Work is judged against what the contractor was asked for: the latest sent version's criteria.

    Until the brief is sent there is no such version, and the brief's own criteria count.
    """
    brief = Brief.objects.filter(engagement=engagement).first()
    current = [str(c) for c in brief.acceptance_criteria or []] if brief is not None else []
    version = brief_latest_version(brief)
    if version is None:
        return ReviewCriteria(criteria=current, version=None, current=current)
    sent = (version.content or {}).get("acceptance_criteria") or []
    return ReviewCriteria(criteria=[str(c) for c in sent], version=version.number, current=current)


def brief_criteria(engagement: Engagement) -> list[str]:
    return review_criteria(engagement).criteria


def review_create(*, actor: Actor, milestone: Milestone, data: dict[str, Any]) -> Review:
    """Review the latest submission against the sent brief's criteria, one answer each, and decide.

    Accepting while a criterion is marked unmet is refused: request a revision or say why in the
    feedback and mark it met. The milestone takes the decision as its status.
    """
    _refuse_unknown(data, REVIEW_FIELDS)
    if milestone.status != Milestone.Status.SUBMITTED:
        raise ValidationError(
            {"milestone": ["Only submitted work waits for a review; this milestone has nothing new to decide on."]}
        )
    # None only for work recorded elsewhere (an imported milestone waiting for review without its text).
    submission = latest_submission(milestone)
    criteria = brief_criteria(milestone.engagement)
    met = [bool(v) for v in data.get("criteria_met") or []]
    if criteria and len(met) != len(criteria):
        raise ValidationError(
            {"criteria_met": [f"Answer each of the brief's {len(criteria)} acceptance criteria (met or not)."]}
        )
    decision = data.get("decision")
    if decision == Review.Decision.ACCEPTED and not all(met):
        unmet = [criteria[i] if i < len(criteria) else str(i + 1) for i, ok in enumerate(met) if not ok]
        raise ValidationError(
            {"decision": [f"Not every criterion is met ({'; '.join(unmet)}); request a revision instead."]}
        )
    workspace = milestone.workspace
    with transaction.atomic():
        review = Review(
            workspace=workspace, milestone=milestone, submission=submission,
            criteria=criteria, created_by=_user(actor), **{**data, "criteria_met": met},
        )  # fmt: skip
        if not review.reviewer and actor.user is not None and actor.user.pk:
            review.reviewer = actor.user.display_name
        review.full_clean(
            exclude=["workspace", "milestone", "submission"], validate_unique=False, validate_constraints=False
        )
        review.save()
        apply_changes(milestone, {"status": review.decision})
        milestone.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor, action="review.create", obj=milestone, workspace=workspace,
            changes={"decision": review.decision, "criteria_met": met, "shared": review.shared_with_contractor},
        )  # fmt: skip
        _changed(workspace, Review)
    return review


def review_set_shared(*, actor: Actor, review: Review, shared: bool) -> Review:
    with transaction.atomic():
        changes = apply_changes(review, {"shared_with_contractor": shared})
        if changes:
            review.save(update_fields=["shared_with_contractor", "updated_at"])
            audit_record(actor=actor, action="review.share", obj=review, workspace=review.workspace, changes=changes)
            _changed(review.workspace, Review)
    return review


def milestone_has_accepted_review(milestone: Milestone, on: dt.date) -> bool:
    return milestone.reviews.filter(decision=Review.Decision.ACCEPTED, reviewed_on__lte=on).exists()


class UnreviewedDelivery(ValidationError):
    """Delivering to the customer without our own accepted review: allowed only when confirmed."""


def milestone_deliver_to_customer(
    *, actor: Actor, milestone: Milestone, on: dt.date, confirm_unreviewed: bool = False
) -> Milestone:
    """Record that the work went to our customer. Without an accepted review first, ask to confirm."""
    if not confirm_unreviewed and not milestone_has_accepted_review(milestone, on):
        raise UnreviewedDelivery(
            {"delivered_to_customer_on": ["No accepted review on or before this date: review the work first."]}
        )
    with transaction.atomic():
        changes = apply_changes(milestone, {"delivered_to_customer_on": on})
        milestone.save(update_fields=["delivered_to_customer_on", "updated_at"])
        audit_record(
            actor=actor, action="milestone.deliver", obj=milestone, workspace=milestone.workspace,
            changes={**changes, "reviewed_first": milestone_has_accepted_review(milestone, on)},
        )  # fmt: skip
        _changed(milestone.workspace, Milestone)
    return milestone


# --- Reference texts and the originality index ---------------------------------------------------


def reference_text_add(*, actor: Actor, workspace: Workspace, title: str, text: str, source: str = "") -> ReferenceText:
    if not text.strip():
        raise ValidationError({"text": ["A reference text needs its text."]})
    if originality.too_short(text):
        raise ValidationError(
            {"text": [f"Give at least {originality.MIN_WORDS} words: a shorter text is too short to compare with."]}
        )
    with transaction.atomic():
        reference = ReferenceText(workspace=workspace, title=title.strip(), text=text, source=source.strip())
        reference.full_clean(exclude=["workspace"], validate_unique=False, validate_constraints=False)
        reference.save()
        audit_record(actor=actor, action="reference_text.create", obj=reference, workspace=workspace)
        reference_id = reference.pk
        transaction.on_commit(lambda: _enqueue_index(reference_text_id=reference_id), robust=True)
    return reference


def reference_text_delete(*, actor: Actor, reference: ReferenceText) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="reference_text.delete", obj=reference, workspace=reference.workspace)
        reference.delete()
        _changed(reference.workspace, ReferenceText)


def _index(workspace_id: int, shingled: originality.Shingled, **owner: Any) -> OriginalityDoc:
    """Store a text's signature and band keys, in place: the document row stays the same one, so the
    matches other texts have with it are kept (deleting it would cascade to them)."""
    sig = originality.signature(shingled.shingle_set)
    fields = {"signature": originality.to_bytes(sig), "shingle_count": len(shingled.shingle_set)}
    doc = OriginalityDoc.objects.select_for_update().filter(**owner).first()
    if doc is None:
        doc = OriginalityDoc.objects.create(workspace_id=workspace_id, **fields, **owner)
    else:
        for name, value in fields.items():
            setattr(doc, name, value)
        doc.save(update_fields=[*fields, "indexed_at"])
        OriginalityBand.objects.filter(doc=doc).delete()
    OriginalityBand.objects.bulk_create(
        [OriginalityBand(workspace_id=workspace_id, doc=doc, key=key) for key in originality.band_keys(sig)]
    )
    return doc


def originality_index_reference_text(*, reference: ReferenceText) -> OriginalityDoc | None:
    """Index a reference text, and check every indexed submission against it (a reference text counts as
    earlier than any submission: it is what submissions are compared with). Indexing it again recomputes
    its matches; a text too short to compare leaves the index."""
    with transaction.atomic():
        theirs = originality.shingle(reference.text)
        if originality.too_short(theirs):
            OriginalityDoc.objects.filter(reference_text=reference).delete()  # and the matches with it
            _changed(reference.workspace, OriginalityMatch)
            return None
        doc = _index(reference.workspace_id, theirs, reference_text=reference)
        OriginalityMatch.objects.filter(other=doc).delete()
        submissions = [other for other in _candidates(reference.workspace_id, doc) if other.submission is not None]
        their_set, matches = theirs.shingle_set, []
        for other in submissions:
            submission = other.submission
            assert submission is not None
            mine = originality.shingle(submission.text)
            if originality.too_short(mine):
                continue
            similarity = originality.jaccard(mine.shingle_set, their_set)
            if similarity >= originality.LSH_THRESHOLD:
                matches.append(_match(submission, doc, mine, their_set, similarity, other.signature, doc.signature))
        OriginalityMatch.objects.bulk_create(matches)
        _changed(reference.workspace, OriginalityMatch)
    return doc


def _match(
    submission: Submission,
    other: OriginalityDoc,
    mine: originality.Shingled,
    theirs: set[str],
    similarity: float,
    my_sig: bytes | memoryview,
    their_sig: bytes | memoryview,
) -> OriginalityMatch:
    estimated = originality.estimated_similarity(originality.from_bytes(my_sig), originality.from_bytes(their_sig))
    return OriginalityMatch(
        workspace_id=submission.workspace_id,
        submission=submission,
        other=other,
        similarity=round(similarity, 4),
        estimated=round(estimated, 4),
        passages=[{"text": p} for p in originality.shared_passages(submission.text, mine, theirs)],
    )


def originality_index_submission(*, submission: Submission) -> list[OriginalityMatch]:
    """Index a submission and store its verified near-duplicates among the texts that came before it.

    A submission is compared with the reference texts and with the submissions recorded before it (of
    other milestones: a revision is meant to resemble the version it revises), never flagged against a
    later one: when two texts are alike, the later is the one flagged. Indexing it again recomputes only
    its own matches; the matches later submissions have with it stay. When the index runs out of order
    (a later submission indexed first), the later one's missing match with this one is added, so the
    outcome does not depend on the order of the jobs. A text under `originality.MIN_WORDS` words is not
    indexed and never flagged. Returns this submission's own matches.
    """
    with transaction.atomic():
        mine = originality.shingle(submission.text)
        OriginalityMatch.objects.filter(submission=submission).delete()
        if originality.too_short(mine):
            OriginalityDoc.objects.filter(submission=submission).delete()  # indexed before the minimum existed
            _changed(submission.workspace, OriginalityMatch)
            return []
        doc = _index(submission.workspace_id, mine, submission=submission)
        matches, later = _verified_matches(submission, doc, mine)
        OriginalityMatch.objects.bulk_create(matches)
        OriginalityMatch.objects.bulk_create(later, ignore_conflicts=True)  # only the missing ones: others stay
        _changed(submission.workspace, OriginalityMatch)
    return matches


def _candidates(workspace_id: int, doc: OriginalityDoc) -> list[OriginalityDoc]:
    """Texts sharing at least one LSH band with `doc`: the band index answers, then those few rows load.

    Two plain queries on purpose: one join with DISTINCT over the band table made SQLite walk the
    whole table (1.2 s at 100,000 texts) where the key lookup alone takes milliseconds.
    """
    keys = list(OriginalityBand.objects.filter(doc=doc).values_list("key", flat=True))
    ids = set(OriginalityBand.objects.filter(workspace_id=workspace_id, key__in=keys).values_list("doc_id", flat=True))
    ids.discard(doc.pk)
    return list(OriginalityDoc.objects.filter(pk__in=sorted(ids)).select_related("submission", "reference_text"))


def _verified_matches(
    submission: Submission, doc: OriginalityDoc, mine: originality.Shingled
) -> tuple[list[OriginalityMatch], list[OriginalityMatch]]:
    """The verified matches of `submission` with earlier texts (reference texts, and submissions of other
    milestones recorded before it), and those of later submissions with it.

    "Earlier" is by when a submission was recorded (its primary key), never by the date it states.
    """
    mine_set = mine.shingle_set
    found: list[OriginalityMatch] = []
    later: list[OriginalityMatch] = []
    for other in _candidates(submission.workspace_id, doc):
        theirs_submission = other.submission
        if theirs_submission is not None and theirs_submission.milestone_id == submission.milestone_id:
            continue  # a revision is meant to resemble the version it revises
        if theirs_submission is None and other.reference_text is None:
            continue
        text = theirs_submission.text if theirs_submission is not None else other.reference_text.text  # type: ignore[union-attr]
        shingled = originality.shingle(text)
        if originality.too_short(shingled):
            continue  # indexed before the minimum existed: too short to say anything
        theirs = shingled.shingle_set
        similarity = originality.jaccard(mine_set, theirs)
        if similarity < originality.LSH_THRESHOLD:
            continue  # an LSH false positive: the exact check says they are not alike
        if theirs_submission is not None and theirs_submission.pk > submission.pk:
            later.append(_match(theirs_submission, doc, shingled, mine_set, similarity, other.signature, doc.signature))
        else:
            found.append(_match(submission, other, mine, theirs, similarity, doc.signature, other.signature))
    return found, later
