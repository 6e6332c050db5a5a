import re

import pytest
from django.urls import reverse

from candidates.models import Share
from tests.candidates.conftest import listed_ids, make_share
from tests.factories import EventFactory, JobPostingFactory, ShareFactory, TagFactory, TouchpointFactory

pytestmark = pytest.mark.django_db

URL = "/candidates/"


def test_the_list_is_at_its_contract_url():
    assert reverse("candidates:list") == URL


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/candidates/")


def test_it_refuses_post(client_a):
    assert client_a.post(URL).status_code == 405


def test_an_operator_without_a_company_goes_to_the_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_it_hides_other_companies_candidates(client_a, company_a, company_b):
    mine = make_share(company_a, first_name="Ingrid", last_name="Alfa")
    theirs = make_share(company_b, first_name="Bjørn", last_name="Beta")
    response = client_a.get(URL)
    assert listed_ids(response) == [mine.candidate_id]
    html = response.content.decode()
    assert "Ingrid Alfa" in html
    assert "Bjørn Beta" not in html
    assert theirs.candidate.email not in html


def test_a_candidate_shared_with_both_companies_shows_only_this_companys_data(client_a, company_a, company_b):
    mine = make_share(company_a, tags=[TagFactory(company=company_a, name="Ours")])
    ShareFactory(candidate=mine.candidate, company=company_b, status="starred").tags.set(
        [TagFactory(company=company_b, name="Theirs")]
    )
    html = client_a.get(URL).content.decode()
    assert "Ours" in html
    assert "Theirs" not in html
    assert "badge-starred" not in html


def test_it_hides_revoked_shares(client_a, company_a):
    from django.utils import timezone

    revoked = make_share(company_a)
    Share.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    assert listed_ids(client_a.get(URL)) == []


def test_it_shows_the_columns_and_the_total(client_a, company_a):
    event = EventFactory(company=company_a, name="KarriereDagene NTNU")
    tag = TagFactory(company=company_a, name="Backend")
    share = make_share(
        company_a,
        source=event,
        tags=[tag],
        first_name="Ola",
        last_name="Nordmann",
        school="NTNU",
        study_programme="Datateknologi",
        graduation_year=2027,
        grade_average="4.37",
        status="starred",
    )
    make_share(company_a)
    html = client_a.get(URL).content.decode()
    assert "2 candidates" in html
    assert f'href="/candidates/{share.candidate_id}/"' in html
    for text in ("Ola Nordmann", "NTNU", "Datateknologi", "2027", "4.37", "KarriereDagene NTNU", "Backend"):
        assert text in html
    assert 'class="badge badge-starred">Starred</span>' in html
    assert 'class="source source-event"' in html


def test_every_checkbox_has_a_label_naming_the_candidate(client_a, company_a):
    share = make_share(company_a, first_name="Kari", last_name="Nordmann")
    html = client_a.get(URL).content.decode()
    pk = share.candidate_id
    assert f'id="pick-{pk}"' in html
    assert f'<label for="pick-{pk}" class="visually-hidden">Select Kari Nordmann</label>' in html
    assert '<label for="select-page" class="visually-hidden">' in html


def test_the_source_filter_groups_events_postings_and_shared_profile(client_a, company_a, company_b):
    EventFactory(company=company_a, name="KarriereDagene NTNU")
    JobPostingFactory(company=company_a, title="Sommerjobb 2027")
    EventFactory(company=company_b, name="Their secret event")
    JobPostingFactory(company=company_b, title="Their secret posting")
    html = client_a.get(URL).content.decode()
    select = re.search(r'<select name="source".*?</select>', html, re.S).group(0)
    assert '<label for="id_source">Source</label>' in html
    assert re.search(
        r'<optgroup label="Events">\s*<option value="event:\d+"[^>]*>KarriereDagene NTNU', select
    )
    assert re.search(
        r'<optgroup label="Job postings">\s*<option value="job:\d+"[^>]*>Sommerjobb 2027', select
    )
    assert '<option value="shared">Shared profile</option>' in select
    assert "Their secret" not in html


def test_it_filters_by_one_event_one_posting_or_shared_profile(client_a, company_a):
    event = EventFactory(company=company_a)
    posting = JobPostingFactory(company=company_a)
    at_event = [make_share(company_a, source=event) for _ in range(3)]
    applied = make_share(company_a, source=posting)
    shared = make_share(company_a)
    TouchpointFactory(share=at_event[0], kind="job_posting", job_posting=posting)

    assert set(listed_ids(client_a.get(URL, {"source": f"event:{event.pk}"}))) == {
        s.candidate_id for s in at_event
    }
    assert set(listed_ids(client_a.get(URL, {"source": f"job:{posting.pk}"}))) == {
        applied.candidate_id,
        at_event[0].candidate_id,
    }
    assert listed_ids(client_a.get(URL, {"source": "shared"})) == [shared.candidate_id]


def test_another_companys_event_or_posting_is_refused_and_matches_nothing(client_a, company_a, company_b):
    their_event = EventFactory(company=company_b)
    their_posting = JobPostingFactory(company=company_b)
    candidate_share = make_share(company_a, source=EventFactory(company=company_a))
    # The same candidate met company B at its event.
    TouchpointFactory(
        share=ShareFactory(candidate=candidate_share.candidate, company=company_b),
        kind="event",
        event=their_event,
    )
    for source in (f"event:{their_event.pk}", f"job:{their_posting.pk}", "event:abc", "nonsense"):
        response = client_a.get(URL, {"source": source})
        assert response.status_code == 200
        assert listed_ids(response) == []
        assert "Some filters could not be used" in response.content.decode()


def test_the_free_text_search_looks_at_name_email_school_and_programme(client_a, company_a):
    ola = make_share(company_a, first_name="Ola", last_name="Nordmann", school="UiB")
    kari = make_share(company_a, first_name="Kari", email="kari.x@uio.example", school="UiO")
    per = make_share(company_a, first_name="Per", study_programme="Industriell økonomi", school="NTNU")
    assert listed_ids(client_a.get(URL, {"q": "nordmann"})) == [ola.candidate_id]
    assert listed_ids(client_a.get(URL, {"q": "KARI.X@"})) == [kari.candidate_id]
    assert listed_ids(client_a.get(URL, {"q": "økonomi"})) == [per.candidate_id]
    assert listed_ids(client_a.get(URL, {"q": "per ntnu"})) == [per.candidate_id]
    assert listed_ids(client_a.get(URL, {"q": "uib"})) == [ola.candidate_id]


def test_it_filters_by_school_programme_year_and_grade(client_a, company_a):
    a = make_share(
        company_a, school="NTNU", study_programme="Datateknologi", graduation_year=2026, grade_average="4.5"
    )
    b = make_share(
        company_a, school="UiO", study_programme="Informatikk", graduation_year=2028, grade_average="3.1"
    )
    c = make_share(
        company_a, school="NTNU", study_programme="Fysikk", graduation_year=2030, grade_average=None
    )
    assert set(listed_ids(client_a.get(URL, {"school": "ntnu"}))) == {a.candidate_id, c.candidate_id}
    assert listed_ids(client_a.get(URL, {"study_programme": "Informatikk"})) == [b.candidate_id]
    assert set(listed_ids(client_a.get(URL, {"graduation_year_min": 2027}))) == {
        b.candidate_id,
        c.candidate_id,
    }
    assert set(listed_ids(client_a.get(URL, {"graduation_year_max": 2028}))) == {
        a.candidate_id,
        b.candidate_id,
    }
    assert listed_ids(client_a.get(URL, {"graduation_year_min": 2027, "graduation_year_max": 2029})) == [
        b.candidate_id
    ]
    assert listed_ids(client_a.get(URL, {"grade_min": "4"})) == [a.candidate_id]


def test_it_filters_by_status_and_tags(client_a, company_a):
    backend = TagFactory(company=company_a, name="Backend")
    data = TagFactory(company=company_a, name="Data")
    starred = make_share(company_a, status="starred", tags=[backend])
    follow = make_share(company_a, status="follow_up", tags=[backend, data])
    make_share(company_a)
    assert listed_ids(client_a.get(URL, {"status": "starred"})) == [starred.candidate_id]
    assert set(listed_ids(client_a.get(URL, {"status": ["starred", "follow_up"]}))) == {
        starred.candidate_id,
        follow.candidate_id,
    }
    # Either tag; a candidate with both is listed once.
    response = client_a.get(URL, {"tags": [backend.pk, data.pk]})
    assert sorted(listed_ids(response)) == sorted([starred.candidate_id, follow.candidate_id])
    assert "2 candidates" in response.content.decode()


def test_another_companys_tag_is_refused(client_a, company_a, company_b):
    their_tag = TagFactory(company=company_b, name="Secret")
    make_share(company_a)
    ShareFactory(company=company_b).tags.set([their_tag])
    response = client_a.get(URL, {"tags": [their_tag.pk]})
    assert listed_ids(response) == []
    assert "Secret" not in response.content.decode()


def test_archived_candidates_are_hidden_until_asked_for(client_a, company_a):
    active = make_share(company_a)
    archived = make_share(company_a, status="archived")
    response = client_a.get(URL)
    html = response.content.decode()
    assert listed_ids(response) == [active.candidate_id]
    assert "1 candidate<" in html
    assert "Show all 2 candidates" in html
    assert set(listed_ids(client_a.get(URL, {"show_all": "true"}))) == {
        active.candidate_id,
        archived.candidate_id,
    }
    assert listed_ids(client_a.get(URL, {"status": "archived"})) == [archived.candidate_id]


def test_it_sorts_by_name_year_grade_and_date_added(client_a, company_a):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    b = make_share(company_a, first_name="Bo", last_name="Berg", graduation_year=2030, grade_average="3.0")
    a = make_share(company_a, first_name="Åse", last_name="Aas", graduation_year=2026, grade_average=None)
    c = make_share(
        company_a, first_name="Cato", last_name="Carlsen", graduation_year=None, grade_average="4.9"
    )
    for days, share in ((3, a), (2, b), (1, c)):
        Share.objects.filter(pk=share.pk).update(created_at=now - timedelta(days=days))
    ids = {share: share.candidate_id for share in (a, b, c)}
    assert listed_ids(client_a.get(URL)) == [ids[c], ids[b], ids[a]]
    assert listed_ids(client_a.get(URL, {"sort": "added"})) == [ids[a], ids[b], ids[c]]
    assert listed_ids(client_a.get(URL, {"sort": "name"})) == [ids[a], ids[b], ids[c]]
    assert listed_ids(client_a.get(URL, {"sort": "-name"})) == [ids[c], ids[b], ids[a]]
    # Blanks last, either way.
    assert listed_ids(client_a.get(URL, {"sort": "graduation_year"})) == [ids[a], ids[b], ids[c]]
    assert listed_ids(client_a.get(URL, {"sort": "-graduation_year"})) == [ids[b], ids[a], ids[c]]
    assert listed_ids(client_a.get(URL, {"sort": "-grade"})) == [ids[c], ids[b], ids[a]]


def test_it_pages_with_a_choice_of_page_size(client_a, company_a):
    shares = [make_share(company_a) for _ in range(30)]
    first = client_a.get(URL)
    assert len(listed_ids(first)) == 25
    html = first.content.decode()
    assert "30 candidates" in html
    assert "1–25 of 30" in html
    assert 'href="?page=2"' in html
    second = client_a.get(URL, {"page": 2})
    assert len(listed_ids(second)) == 5
    assert set(listed_ids(first)) | set(listed_ids(second)) == {s.candidate_id for s in shares}
    assert len(listed_ids(client_a.get(URL, {"per_page": 50}))) == 30
    # Anything but a size on offer falls back to 25.
    assert len(listed_ids(client_a.get(URL, {"per_page": 100000}))) == 25


def test_the_page_links_keep_the_filters(client_a, company_a):
    event = EventFactory(company=company_a)
    for _ in range(26):
        make_share(company_a, source=event)
    html = client_a.get(URL, {"source": f"event:{event.pk}", "sort": "name"}).content.decode()
    assert f'href="?source=event%3A{event.pk}&amp;sort=name&amp;page=2"' in html


def test_htmx_gets_just_the_results_partial(client_a, company_a):
    make_share(company_a, first_name="Nora")
    response = client_a.get(URL, headers={"HX-Request": "true", "HX-Target": "results"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="selection-form"' in html
    assert "Nora" in html
    assert 'id="filter-form"' not in html


def test_the_back_button_without_a_cache_gets_the_whole_page(client_a, company_a):
    make_share(company_a)
    response = client_a.get(
        URL, headers={"HX-Request": "true", "HX-Target": "results", "HX-History-Restore-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" in html
    assert 'id="filter-form"' in html


def test_the_filter_form_works_without_javascript(client_a, company_a):
    html = client_a.get(URL).content.decode()
    form = re.search(r'<form id="filter-form"[^>]*>', html).group(0)
    assert 'method="get"' in form
    assert 'action="/candidates/"' in form
    assert 'hx-get="/candidates/"' in form
    assert 'hx-push-url="true"' in form
    assert '<button type="submit" class="btn btn-primary">Apply filters</button>' in html


# Session, user, company; events and postings for Source; tag check; count, rows, touchpoints, tags;
# archived count; selection count and how many are in the list; the company's tags; saving the session.
MAX_LIST_QUERIES = 17


@pytest.mark.parametrize("per_page", [25, 250])
def test_the_list_runs_a_bounded_number_of_queries(
    client_a, company_a, per_page, django_assert_max_num_queries
):
    event = EventFactory(company=company_a)
    posting = JobPostingFactory(company=company_a)
    tags = [TagFactory(company=company_a) for _ in range(3)]
    for i in range(260):
        share = make_share(company_a, source=event if i % 2 else posting, tags=tags[: i % 3])
        if i % 5 == 0:
            TouchpointFactory(share=share, kind="shared_profile")
    from candidates.selection import SESSION_KEY

    session = client_a.session
    session[SESSION_KEY] = list(Share.objects.values_list("candidate_id", flat=True)[:40])
    session.save()
    client_a.get(URL)  # warm the per-company caches (schools, programmes)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = client_a.get(URL, {"per_page": per_page, "tags": [tags[0].pk, tags[1].pk], "q": "a"})
    assert response.status_code == 200
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = client_a.get(URL, {"per_page": per_page})
    assert len(listed_ids(response)) == per_page


def test_the_list_shows_who_opted_out_or_is_suppressed(client_a, company_a):
    from django.utils import timezone

    from tests.factories import ShareFactory

    opted_out = ShareFactory(company=company_a, unsubscribed_at=timezone.now())
    bounced = ShareFactory(company=company_a, suppressed_reason="hard_bounce")
    html = client_a.get("/candidates/").content.decode()
    assert html.count(">Opted out</span>") == 1
    assert html.count(">No email</span>") == 1
    assert opted_out.candidate.full_name in html and bounced.candidate.full_name in html
