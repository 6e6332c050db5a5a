import pytest

from candidates.selection import SESSION_KEY
from tests.factories import CandidateFactory, ShareFactory, TouchpointFactory


def make_share(company, *, source=None, status="not_reviewed", tags=(), **candidate):
    """A candidate shared with `company`, come through `source` (an Event, a JobPosting or None)."""
    share = ShareFactory(company=company, candidate=CandidateFactory(**candidate), status=status)
    if source is None:
        TouchpointFactory(share=share, kind="shared_profile")
    elif source._meta.model_name == "event":
        TouchpointFactory(share=share, kind="event", event=source)
    else:
        TouchpointFactory(share=share, kind="job_posting", job_posting=source)
    if tags:
        share.tags.set(tags)
    return share


def set_selection(client, ids) -> None:
    session = client.session
    session[SESSION_KEY] = sorted(ids)
    session.save()


def stored_selection(client) -> set[int]:
    return set(client.session.get(SESSION_KEY) or [])


@pytest.fixture
def share_factory():
    return make_share


def listed_ids(response) -> list[int]:
    """The candidates a user sees in the list: one ticking box per row, named ids, valued by candidate."""
    import re

    return [int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', response.content.decode())]
