"""Whatever a recruiter (or anyone editing the URL) puts in the filters, the list shows only candidates
shared with the recruiter's company."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candidates.models import Share
from tests.candidates.conftest import listed_ids, make_share
from tests.factories import EventFactory, JobPostingFactory, ShareFactory, TagFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_companies(company_a, company_b):
    """Overlapping candidates, events, postings and tags in both companies; one revoked share in A."""
    sources = {}
    tags = {}
    for company in (company_a, company_b):
        sources[company.pk] = [EventFactory(company=company), JobPostingFactory(company=company), None]
        tags[company.pk] = [TagFactory(company=company, name=f"{company.slug}-{n}") for n in range(2)]
    shares_a = []
    for i in range(12):
        share = make_share(
            company_a,
            source=sources[company_a.pk][i % 3],
            status=["not_reviewed", "starred", "follow_up", "archived"][i % 4],
            tags=tags[company_a.pk][: i % 3],
            school=["NTNU", "UiO", "UiB"][i % 3],
            graduation_year=2025 + i % 5,
            grade_average=f"{2 + i % 3}.5",
        )
        shares_a.append(share)
        if i % 2:
            # The same person also shared with company B, who met them at its own event.
            theirs = ShareFactory(candidate=share.candidate, company=company_b, status="starred")
            TouchpointFactory(share=theirs, kind="event", event=sources[company_b.pk][0])
            theirs.tags.set(tags[company_b.pk])
    for i in range(8):
        make_share(company_b, source=sources[company_b.pk][i % 3], tags=tags[company_b.pk][:1], school="NTNU")
    Share.objects.filter(pk=shares_a[0].pk).update(revoked_at=timezone.now())
    visible = set(Share.objects.for_company(company_a).values_list("candidate_id", flat=True))
    source_values = ["shared", "event:", "job:x"]
    for company_sources in sources.values():
        event, posting, _none = company_sources
        source_values += [f"event:{event.pk}", f"job:{posting.pk}", f"job:{event.pk}", f"event:{posting.pk}"]
    tag_ids = [str(tag.pk) for company_tags in tags.values() for tag in company_tags]
    return visible, source_values, tag_ids


words = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
numbers = st.one_of(st.integers(min_value=-10, max_value=3000).map(str), words)


def filter_inputs(source_values: list[str], tag_ids: list[str]):
    return st.fixed_dictionaries(
        {},
        optional={
            "q": st.one_of(words, st.sampled_from(["ntnu", "student", "a b c", "%", "_", "'"])),
            "source": st.one_of(st.sampled_from(source_values), words),
            "school": st.one_of(st.sampled_from(["NTNU", "uio", "UiB"]), words),
            "study_programme": words,
            "graduation_year_min": numbers,
            "graduation_year_max": numbers,
            "grade_min": st.one_of(st.sampled_from(["1", "3.5", "4.99", "5", "6"]), numbers),
            "status": st.lists(
                st.sampled_from(["not_reviewed", "starred", "follow_up", "archived", "x"]), max_size=3
            ),
            "tags": st.lists(st.one_of(st.sampled_from(tag_ids), numbers), max_size=3),
            "show_all": st.sampled_from(["", "true", "on", "false", "1"]),
            "sort": st.sampled_from(
                ["name", "-name", "added", "-added", "grade", "-grade", "graduation_year", "x"]
            ),
            "per_page": st.sampled_from(["25", "50", "250", "0", "x"]),
            "page": st.one_of(st.integers(min_value=-1, max_value=3).map(str), words),
        },
    )


def test_the_list_never_holds_a_candidate_not_shared_with_the_company(client_a, company_a, two_companies):
    visible, source_values, tag_ids = two_companies

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(filter_inputs(source_values, tag_ids))
    def check(filters):
        response = client_a.get("/candidates/", filters)
        assert response.status_code == 200
        shown = listed_ids(response)
        assert set(shown) <= visible
        assert all(share.company_id == company_a.pk for share in response.context["rows"])

    check()
