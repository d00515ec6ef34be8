"""The originality check: shingles, MinHash + LSH candidates, exact verification, passages, and the index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from outsourcer.checks.registry import CheckContext
from outsourcer.checks.rules.deliver import originality as originality_check
from outsourcer.core.actor import Actor
from outsourcer.deliverables import originality
from outsourcer.deliverables.models import OriginalityBand, OriginalityDoc, OriginalityMatch
from outsourcer.deliverables.selectors import milestone_page
from outsourcer.deliverables.services import (
    originality_index_reference_text,
    originality_index_submission,
    reference_text_add,
    submission_create,
)
from tests.factories import (
    EngagementFactory,
    MilestoneFactory,
    ReferenceTextFactory,
    SubmissionFactory,
    WorkspaceFactory,
)

PARAGRAPH = (
    "Our studio helps neighbourhood bakeries tell their story with honest photographs, warm colours and "
    "menus that customers can read from across the room. Every project starts with a morning behind the counter."
)
OTHER = (
    "Quarterly bookkeeping for a small agency means reconciling three bank accounts, chasing two late "
    "receipts and explaining to the owner why the software thinks the coffee machine is a capital asset."
)
ACTOR = Actor.cli()


def test_shingles_are_five_word_windows_over_lowercase_words():
    shingled = originality.shingle("One two, THREE four five six")
    assert shingled.shingles == ["one two three four five", "two three four five six"]
    assert originality.shingle("too short").shingles == ["too short"]
    assert originality.shingle("  ...  ").shingles == []


def test_identical_texts_are_fully_similar_and_unrelated_ones_are_not():
    a = originality.shingle(PARAGRAPH).shingle_set
    b = originality.shingle(OTHER).shingle_set
    assert originality.jaccard(a, a) == 1.0
    assert originality.jaccard(a, b) == 0.0
    assert originality.estimated_similarity(originality.signature(a), originality.signature(a)) == 1.0
    assert originality.estimated_similarity(originality.signature(a), originality.signature(b)) < 0.1


def test_identical_texts_share_every_band_key():
    sig = originality.signature(originality.shingle(PARAGRAPH).shingle_set)
    keys = originality.band_keys(sig)
    assert len(keys) == len(set(keys)) > 1
    assert keys == originality.band_keys(originality.signature(originality.shingle(PARAGRAPH).shingle_set))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]),
        min_size=6,
    )
)
def test_the_minhash_estimate_stays_near_the_exact_jaccard(words):
    half = len(words) // 2
    a = originality.shingle(" ".join(words)).shingle_set
    b = originality.shingle(" ".join(words[half:] + words[:half])).shingle_set
    exact = originality.jaccard(a, b)
    estimate = originality.estimated_similarity(originality.signature(a), originality.signature(b))
    # 128 permutations: the standard error is at most 0.5/sqrt(128) ~ 0.044; allow 5 of them.
    assert abs(exact - estimate) <= 0.23


def test_shared_passages_are_the_runs_both_texts_hold():
    copied = f"Intro written fresh for this client. {PARAGRAPH} A closing line of our own."
    mine = originality.shingle(copied)
    passages = originality.shared_passages(copied, mine, originality.shingle(PARAGRAPH).shingle_set)
    assert passages == [PARAGRAPH.rstrip(".")]


def _submission(workspace, text, day=25):
    engagement = EngagementFactory(contractor__workspace=workspace)
    milestone = MilestoneFactory(engagement=engagement, status="submitted")
    return SubmissionFactory(milestone=milestone, text=text, submitted_on=dt.date(2026, 11, day))


@pytest.mark.django_db
def test_a_copied_submission_is_matched_with_its_passage_and_an_unrelated_one_is_not():
    ws = WorkspaceFactory()
    first = _submission(ws, PARAGRAPH)
    originality_index_submission(submission=first)
    unrelated = _submission(ws, OTHER)
    assert originality_index_submission(submission=unrelated) == []
    copied = PARAGRAPH + " We also shoot the team once a year."
    copy = _submission(ws, copied)
    [match] = originality_index_submission(submission=copy)
    assert match.other.submission == first
    # The copy has 36 shingles, 28 of them the paragraph's (8 reach into the new sentence): 28 / 36.
    expected = originality.jaccard(originality.shingle(copied).shingle_set, originality.shingle(PARAGRAPH).shingle_set)
    assert match.similarity == round(expected, 4) == round(28 / 36, 4)
    assert abs(match.similarity - match.estimated) < 0.25
    assert match.passages[0]["text"].startswith("Our studio helps neighbourhood bakeries")
    assert OriginalityBand.objects.filter(doc__submission=copy).count() == len(originality._hashranges())


@pytest.mark.django_db
def test_other_workspaces_and_the_same_milestone_are_never_compared():
    ws, elsewhere = WorkspaceFactory(), WorkspaceFactory()
    originality_index_submission(submission=_submission(elsewhere, PARAGRAPH))
    first = _submission(ws, PARAGRAPH)
    assert originality_index_submission(submission=first) == []
    revision = SubmissionFactory(milestone=first.milestone, text=PARAGRAPH)
    assert originality_index_submission(submission=revision) == []


@pytest.mark.django_db
def test_reindexing_replaces_the_document_and_its_matches():
    ws = WorkspaceFactory()
    originality_index_submission(submission=_submission(ws, PARAGRAPH))
    copy = _submission(ws, PARAGRAPH)
    originality_index_submission(submission=copy)
    originality_index_submission(submission=copy)
    assert OriginalityDoc.objects.filter(submission=copy).count() == 1
    assert OriginalityMatch.objects.filter(submission=copy).count() == 1


@pytest.mark.django_db
def test_a_reference_text_added_later_is_checked_against_earlier_submissions(django_capture_on_commit_callbacks):
    ws = WorkspaceFactory()
    earlier = _submission(ws, PARAGRAPH)
    originality_index_submission(submission=earlier)
    with django_capture_on_commit_callbacks(execute=True):
        reference = reference_text_add(actor=ACTOR, workspace=ws, title="Our about page", text=PARAGRAPH)
    # The immediate task backend ran the index on commit.
    [match] = OriginalityMatch.objects.filter(submission=earlier)
    assert match.other.reference_text == reference
    assert match.similarity == 1.0


@pytest.mark.django_db(transaction=True)
def test_a_text_submission_is_indexed_in_the_background_after_commit():
    ws = WorkspaceFactory()
    engagement = EngagementFactory(contractor__workspace=ws)
    reference_text_add(actor=ACTOR, workspace=ws, title="Brand story", text=PARAGRAPH)
    milestone = MilestoneFactory(engagement=engagement)
    submission = submission_create(
        actor=ACTOR, milestone=milestone, submitted_on=dt.date(2026, 11, 30), text=PARAGRAPH, links=[]
    )
    assert OriginalityDoc.objects.filter(submission=submission).exists()
    [match] = OriginalityMatch.objects.filter(submission=submission)
    assert match.other.reference_text.title == "Brand story"


# --- Re-indexing and the direction of a match -------------------------------------------------------------


@pytest.mark.django_db
def test_indexing_an_earlier_text_again_keeps_the_later_copys_match():
    ws = WorkspaceFactory()
    original = _submission(ws, PARAGRAPH, day=1)
    copy = _submission(ws, PARAGRAPH + " We also shoot the team once a year.", day=20)
    originality_index_submission(submission=original)
    [match] = originality_index_submission(submission=copy)
    doc = OriginalityDoc.objects.get(submission=original)
    assert originality_index_submission(submission=original) == []  # a retried job: the original is not flagged
    assert OriginalityDoc.objects.get(submission=original).pk == doc.pk  # updated in place
    assert list(OriginalityMatch.objects.values_list("pk", "submission", "other")) == [(match.pk, copy.pk, doc.pk)]
    assert OriginalityBand.objects.filter(doc=doc).count() == len(originality._hashranges())


@pytest.mark.django_db
def test_the_later_text_is_flagged_whatever_order_the_index_runs_in():
    ws = WorkspaceFactory()
    original = _submission(ws, PARAGRAPH, day=20)  # recorded first, though its stated date is later
    copy = _submission(ws, PARAGRAPH + " We also shoot the team once a year.", day=1)
    assert originality_index_submission(submission=copy) == []  # the original is not indexed yet
    assert originality_index_submission(submission=original) == []  # compared with nothing before it...
    [match] = OriginalityMatch.objects.all()  # ...but the copy's match with it is added
    assert (match.submission, match.other.submission) == (copy, original)
    assert match.passages[0]["text"].startswith("Our studio helps neighbourhood bakeries")
    [again] = originality_index_submission(submission=copy)
    assert again.other.submission == original and OriginalityMatch.objects.count() == 1


@pytest.mark.django_db
def test_indexing_a_reference_text_again_keeps_one_match_per_submission():
    ws = WorkspaceFactory()
    earlier = _submission(ws, PARAGRAPH)
    originality_index_submission(submission=earlier)
    reference = ReferenceTextFactory(workspace=ws, text=PARAGRAPH)
    doc = originality_index_reference_text(reference=reference)
    assert originality_index_reference_text(reference=reference) == doc
    [match] = OriginalityMatch.objects.all()
    assert (match.submission, match.other) == (earlier, doc)
    # Indexing the submission again finds the reference text too, and keeps no duplicate.
    [found] = originality_index_submission(submission=earlier)
    assert found.other == doc and OriginalityMatch.objects.count() == 1


# --- Texts too short to compare ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_short_notes_are_not_indexed_nor_ever_flagged():
    ws = WorkspaceFactory()
    notes = []
    for _ in range(2):
        milestone = MilestoneFactory(engagement=EngagementFactory(contractor__workspace=ws), status="in_progress")
        notes.append(
            submission_create(actor=ACTOR, milestone=milestone, text="Final files attached.", links=["https://x.test"])
        )
    assert not OriginalityDoc.objects.exists() and not OriginalityMatch.objects.exists()
    assert originality_index_submission(submission=notes[1]) == []
    assert not OriginalityDoc.objects.exists()
    page = milestone_page(milestone=notes[1].milestone)
    assert page.too_short and not page.indexed and page.matches == []
    assert list(originality_check(CheckContext(workspace=ws, as_of=dt.date(2026, 12, 1)))) == []


@pytest.mark.django_db
def test_a_short_text_indexed_before_the_minimum_leaves_the_index_with_its_matches():
    ws = WorkspaceFactory()
    first, second = _submission(ws, "Final files attached."), _submission(ws, "Final files attached.")
    shingled = originality.shingle(first.text)  # one shingle: what the index stored for it before
    old = OriginalityDoc.objects.create(
        workspace=ws, submission=first, signature=originality.to_bytes(originality.signature(shingled.shingle_set))
    )
    OriginalityMatch.objects.create(
        workspace=ws, submission=second, other=old, similarity=1.0, estimated=1.0, passages=[]
    )
    assert originality_index_submission(submission=first) == []
    assert not OriginalityDoc.objects.exists() and not OriginalityMatch.objects.exists()


@pytest.mark.django_db
def test_a_reference_text_needs_enough_words_to_compare():
    ws = WorkspaceFactory()
    with pytest.raises(ValidationError, match=f"at least {originality.MIN_WORDS} words"):
        reference_text_add(actor=ACTOR, workspace=ws, title="Slogan", text="Bread worth getting up for.")
    assert originality.too_short("one " * (originality.MIN_WORDS - 1))
    assert not originality.too_short("one " * originality.MIN_WORDS)
