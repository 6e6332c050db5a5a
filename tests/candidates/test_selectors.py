import pytest
from django.utils import timezone

from candidates.models import Share
from candidates.selectors import candidate_list
from tests.factories import CandidateFactory, CompanyFactory, EventFactory, ShareFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def test_for_company_never_returns_another_companys_candidates():
    companies = [CompanyFactory() for _ in range(3)]
    candidates = [CandidateFactory() for _ in range(9)]
    expected = {company.pk: set() for company in companies}
    for i, candidate in enumerate(candidates):
        # Every candidate shares with one or two companies, so the sets overlap.
        for company in companies[i % 3 : i % 3 + 1 + i % 2]:
            ShareFactory(candidate=candidate, company=company)
            expected[company.pk].add(candidate.pk)
    for company in companies:
        seen = set(Share.objects.for_company(company).values_list("candidate_id", flat=True))
        assert seen == expected[company.pk]
        listed = {share.candidate_id for share in candidate_list(company=company, filters={"show_all": True})}
        assert listed == expected[company.pk]


def test_a_revoked_share_is_not_visible():
    share = ShareFactory(revoked_at=timezone.now())
    assert not Share.objects.for_company(share.company).exists()


def test_the_source_filter_ignores_another_companys_event():
    mine, theirs = CompanyFactory(), CompanyFactory()
    their_event = EventFactory(company=theirs)
    candidate = CandidateFactory()
    my_share = ShareFactory(candidate=candidate, company=mine)
    their_share = ShareFactory(candidate=candidate, company=theirs)
    TouchpointFactory(share=their_share, kind="event", event=their_event)
    TouchpointFactory(share=my_share, kind="shared_profile")
    assert list(candidate_list(company=mine, filters={"source": f"event:{their_event.pk}"})) == []
    assert list(candidate_list(company=theirs, filters={"source": f"event:{their_event.pk}"})) == [
        their_share
    ]


def test_archived_candidates_are_hidden_unless_asked_for():
    company = CompanyFactory()
    active = ShareFactory(company=company)
    archived = ShareFactory(company=company, status=Share.Status.ARCHIVED)
    assert list(candidate_list(company=company)) == [active]
    assert set(candidate_list(company=company, filters={"show_all": True})) == {active, archived}
    assert list(candidate_list(company=company, filters={"status": ["archived"]})) == [archived]
