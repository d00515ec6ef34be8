"""Background work for deliverables: the originality index is updated off the request."""

from django_tasks import task

from outsourcer.deliverables.models import ReferenceText, Submission
from outsourcer.deliverables.services import originality_index_reference_text, originality_index_submission


@task()
def index_submission(*, submission_id: int) -> int:
    """Index one submission's text; returns how many near-duplicates were found."""
    submission = Submission.objects.select_related("workspace").filter(pk=submission_id).first()
    if submission is None or not submission.text.strip():
        return 0
    return len(originality_index_submission(submission=submission))


@task()
def index_reference_text(*, reference_text_id: int) -> bool:
    reference = ReferenceText.objects.filter(pk=reference_text_id).first()
    if reference is None:
        return False
    return originality_index_reference_text(reference=reference) is not None
