import pytest
from django.db import IntegrityError, transaction

from candidates.models import Candidate, Share, Tag, Touchpoint
from tests.factories import (
    CandidateFactory,
    CompanyFactory,
    EventFactory,
    JobPostingFactory,
    ShareFactory,
)

pytestmark = pytest.mark.django_db


def test_a_second_share_for_the_same_candidate_and_company_is_refused_by_the_database():
    share = ShareFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Share.objects.create(candidate=share.candidate, company=share.company)


def test_the_same_candidate_may_share_with_two_companies():
    candidate = CandidateFactory()
    ShareFactory(candidate=candidate)
    ShareFactory(candidate=candidate)
    assert Share.objects.filter(candidate=candidate).count() == 2


def test_candidate_email_is_unique_whatever_the_case():
    CandidateFactory(email="nora@student.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(email="Nora@Student.example")


def test_tag_names_are_unique_per_company_whatever_the_case():
    company = CompanyFactory()
    Tag.objects.create(company=company, name="Backend")
    Tag.objects.create(company=CompanyFactory(), name="backend")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(company=company, name="BACKEND")


@pytest.mark.parametrize(
    "kind, with_event, with_posting",
    [
        ("event", False, False),
        ("event", True, True),
        ("job_posting", False, False),
        ("job_posting", True, False),
        ("shared_profile", True, False),
        ("shared_profile", False, True),
        ("something", False, False),
    ],
)
def test_a_touchpoint_whose_kind_does_not_match_its_source_is_refused(kind, with_event, with_posting):
    share = ShareFactory()
    event = EventFactory(company=share.company) if with_event else None
    posting = JobPostingFactory(company=share.company) if with_posting else None
    with pytest.raises(IntegrityError), transaction.atomic():
        Touchpoint.objects.create(share=share, kind=kind, event=event, job_posting=posting)


def test_touchpoints_that_match_their_source_are_stored():
    share = ShareFactory()
    Touchpoint.objects.create(share=share, kind="event", event=EventFactory(company=share.company))
    Touchpoint.objects.create(
        share=share, kind="job_posting", job_posting=JobPostingFactory(company=share.company)
    )
    Touchpoint.objects.create(share=share, kind="shared_profile")
    assert share.touchpoints.count() == 3


def test_grade_average_outside_the_scale_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(grade_average="5.50")


def test_a_touchpoint_pointing_at_another_companys_event_fails_validation():
    from django.core.exceptions import ValidationError

    share = ShareFactory()
    touchpoint = Touchpoint(share=share, kind="event", event=EventFactory())
    with pytest.raises(ValidationError):
        touchpoint.full_clean()


def test_an_opted_out_or_suppressed_share_cannot_receive_email():
    from django.utils import timezone

    assert ShareFactory().can_receive_email
    assert not ShareFactory(unsubscribed_at=timezone.now()).can_receive_email
    assert not ShareFactory(suppressed_reason=Share.Suppression.HARD_BOUNCE).can_receive_email
    assert Candidate.objects.count() == 3
