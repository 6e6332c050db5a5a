import pytest
from django.utils import timezone

from candidates.selection import SESSION_KEY
from tests.factories import CandidateFactory, EventFactory, ShareFactory, TouchpointFactory

FIRST_NAMES = ["Nora", "Emil", "Sofie", "Jakob", "Ingrid", "Aksel", "Thea"]


@pytest.fixture
def seven_candidates(company_a):
    """Seven candidates of company A who came through one career fair."""
    event = EventFactory(company=company_a, name="KarriereDagene NTNU")
    shares = []
    for i, first in enumerate(FIRST_NAMES):
        candidate = CandidateFactory(
            first_name=first, last_name=f"Hansen{i}", email=f"{first.lower()}@student.example"
        )
        share = ShareFactory(candidate=candidate, company=company_a)
        TouchpointFactory(share=share, kind="event", event=event, occurred_at=timezone.now())
        shares.append(share)
    return shares


@pytest.fixture
def select(client):
    """Put candidate ids in the logged-in client's selection, as the list page does."""

    def _select(ids):
        session = client.session
        session[SESSION_KEY] = sorted(ids)
        session.save()

    return _select
