import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Candidate, Share
from tests.factories import CandidateFactory, ShareFactory

pytestmark = pytest.mark.django_db


def test_any_of_matches_like_in_with_one_parameter():
    shares = [ShareFactory() for _ in range(3)]
    wanted = [shares[0].candidate_id, shares[2].candidate_id, 10**12]
    with CaptureQueriesContext(connection) as ctx:
        found = set(Share.objects.filter(candidate_id__any_of=wanted).values_list("pk", flat=True))
    assert found == {shares[0].pk, shares[2].pk}
    assert "= ANY(" in ctx.captured_queries[0]["sql"]


def test_any_of_nothing_matches_nothing():
    CandidateFactory()
    assert list(Candidate.objects.filter(pk__any_of=[])) == []
