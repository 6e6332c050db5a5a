import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tests.candidates.conftest import listed_ids, make_share, set_selection, stored_selection
from tests.factories import CandidateFactory, EventFactory

pytestmark = pytest.mark.django_db

LIST = "/candidates/"
ENDPOINTS = [
    "/candidates/selection/",
    "/candidates/selection/select/",
    "/candidates/selection/unselect/",
    "/candidates/selection/select-all/",
    "/candidates/selection/clear/",
    "/candidates/selection/email/",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_selection_endpoints_send_anonymous_users_to_login(client, endpoint):
    response = client.post(endpoint)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_selection_endpoints_refuse_get(client_a, endpoint):
    assert client_a.get(endpoint).status_code == 405


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_selection_endpoints_need_the_csrf_token(recruiter_a, endpoint):
    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter_a)
    assert client.post(endpoint).status_code == 403


def test_the_page_ticks_replace_the_pages_part_of_the_selection(client_a, company_a):
    a, b, c, elsewhere = (make_share(company_a).candidate_id for _ in range(4))
    set_selection(client_a, [b, elsewhere])
    response = client_a.post(
        "/candidates/selection/",
        {"page_ids": [a, b, c], "ids": [a, c], "query": "sort=name&page=2"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/candidates/?sort=name&page=2"
    assert stored_selection(client_a) == {a, c, elsewhere}


def test_select_this_page_ticks_every_row_on_it(client_a, company_a):
    ids = [make_share(company_a).candidate_id for _ in range(3)]
    client_a.post("/candidates/selection/", {"page_ids": ids, "page_all": "1"})
    assert stored_selection(client_a) == set(ids)


def test_another_companys_candidate_cannot_be_selected(client_a, company_a, company_b):
    mine = make_share(company_a).candidate_id
    theirs = make_share(company_b).candidate_id
    nobody = CandidateFactory().pk
    client_a.post(
        "/candidates/selection/", {"page_ids": [mine, theirs, nobody], "ids": [mine, theirs, nobody]}
    )
    assert stored_selection(client_a) == {mine}
    client_a.post("/candidates/selection/select/", {"ids": [theirs, nobody, "x"]})
    assert stored_selection(client_a) == {mine}


def test_with_htmx_the_update_answers_with_the_selection_bar(client_a, company_a):
    event = EventFactory(company=company_a)
    at_event = [make_share(company_a, source=event).candidate_id for _ in range(3)]
    other = make_share(company_a).candidate_id
    set_selection(client_a, [other])
    response = client_a.post(
        "/candidates/selection/",
        {"page_ids": at_event, "ids": at_event[:2], "query": f"source=event:{event.pk}"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert re.search(r'<strong class="js-selected-count">3</strong> selected', html)
    assert re.search(r'<span class="js-in-list-count">2</span> of 3 in this list', html)
    # What the page's JavaScript adds its own ticks to.
    assert 'data-others="1" data-others-in-list="0"' in html


def test_the_list_shows_the_selection_and_keeps_it_across_pages_and_filters(client_a, company_a):
    event = EventFactory(company=company_a)
    shares = [make_share(company_a, source=event if i < 3 else None) for i in range(30)]
    ids = [s.candidate_id for s in shares]
    set_selection(client_a, ids[:3])
    first = client_a.get(LIST, {"sort": "name"}).content.decode()
    assert re.search(r'<strong class="js-selected-count">3</strong> selected', first)
    page_two = client_a.get(LIST, {"sort": "name", "page": 2})
    filtered = client_a.get(LIST, {"source": f"event:{event.pk}"}).content.decode()
    assert re.search(r'<span class="js-in-list-count">3</span> of 3 in this list', filtered)
    for pk in ids[:3]:
        assert f'value="{pk}" id="pick-{pk}" class="js-row-check" checked' in filtered
    assert stored_selection(client_a) == set(ids[:3])
    assert page_two.status_code == 200


def test_send_email_is_hidden_until_something_is_selected(client_a, company_a):
    pk = make_share(company_a).candidate_id
    button = re.compile(
        r'<button type="submit" class="btn btn-primary js-needs-selection" formaction="/candidates/selection/email/"( hidden)?>'
    )
    assert button.search(client_a.get(LIST).content.decode()).group(1) == " hidden"
    set_selection(client_a, [pk])
    assert button.search(client_a.get(LIST).content.decode()).group(1) is None


def test_select_all_takes_every_match_across_pages(client_a, company_a):
    event = EventFactory(company=company_a)
    matching = {make_share(company_a, source=event).candidate_id for _ in range(30)}
    make_share(company_a)
    query = f"source=event:{event.pk}&per_page=25"
    html = client_a.get(LIST + "?" + query).content.decode()
    assert "Select all 30 matching" in html
    response = client_a.post("/candidates/selection/select-all/", {"query": query}, follow=True)
    assert stored_selection(client_a) == matching
    page = response.content.decode()
    assert "Selected all 30 matching candidates." in page
    assert re.search(r'<strong class="js-selected-count">30</strong> selected', page)
    assert "Select all 30 matching" not in page


def test_select_all_ignores_another_companys_rows(client_a, company_a, company_b):
    mine = {make_share(company_a).candidate_id for _ in range(2)}
    make_share(company_b)
    client_a.post("/candidates/selection/select-all/", {"query": ""})
    assert stored_selection(client_a) == mine


def test_clear_empties_the_selection(client_a, company_a):
    set_selection(client_a, [make_share(company_a).candidate_id])
    response = client_a.post("/candidates/selection/clear/", {"query": "q=x"})
    assert response["Location"] == "/candidates/?q=x"
    assert stored_selection(client_a) == set()


def test_send_email_refuses_an_empty_selection(client_a, company_a):
    make_share(company_a)
    response = client_a.post("/candidates/selection/email/", {"query": "school=NTNU"}, follow=True)
    assert response.redirect_chain == [("/candidates/?school=NTNU", 302)]
    assert "Select at least one candidate before you send an email." in response.content.decode()


def test_send_email_refuses_a_selection_of_only_other_companies_candidates(client_a, company_b):
    set_selection(client_a, [make_share(company_b).candidate_id])
    response = client_a.post("/candidates/selection/email/")
    assert response["Location"] == "/candidates/"


def test_send_email_takes_the_selection_to_compose(client_a, company_a):
    ids = [make_share(company_a).candidate_id for _ in range(3)]
    # Without JavaScript the ticks arrive with the button press.
    response = client_a.post("/candidates/selection/email/", {"page_ids": ids, "ids": ids[:2]})
    assert response.status_code == 302
    assert response["Location"] == "/mailing/compose/"
    assert stored_selection(client_a) == set(ids[:2])


def test_unselect_goes_back_to_compose_but_never_off_site(client_a, company_a):
    ids = [make_share(company_a).candidate_id for _ in range(2)]
    set_selection(client_a, ids)
    response = client_a.post("/candidates/selection/unselect/?next=/mailing/compose/", {"remove": ids[0]})
    assert response["Location"] == "/mailing/compose/"
    assert stored_selection(client_a) == {ids[1]}
    response = client_a.post(
        "/candidates/selection/unselect/", {"ids": ids[1], "next": "https://evil.example/"}
    )
    assert response["Location"] == "/candidates/"
    assert stored_selection(client_a) == set()


def test_unselect_with_htmx_answers_with_the_recipients(client_a, company_a):
    ids = [make_share(company_a, first_name=name, last_name="Hansen").candidate_id for name in ("Anna", "Bo")]
    set_selection(client_a, ids)
    response = client_a.post(
        "/candidates/selection/unselect/?next=/mailing/compose/",
        {"remove": ids[0], "fragment": "recipients"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="recipients"' in html
    assert "Bo Hansen" in html
    assert "Anna Hansen" not in html


def _recipients_html(recipients, count, source="selection"):
    return render_to_string(
        "mailing/partials/recipients.html",
        {"recipients": recipients, "recipient_count": count, "recipient_source": source},
    )


def test_the_to_field_shows_removable_chips(company_a):
    people = [CandidateFactory(first_name=f"Navn{i}", last_name="Hansen") for i in range(3)]
    html = _recipients_html(people, 3)
    assert '<ul class="chips" aria-label="To">' in html
    assert html.count('<li class="chip"') == 3
    assert '<span class="chip-name">Navn0 Hansen</span>' in html
    assert 'aria-label="Remove Navn1 Hansen"' in html
    assert f'name="remove" value="{people[2].pk}"' in html
    assert 'formaction="/candidates/selection/unselect/?next=/mailing/compose/"' in html
    assert "3 recipients, each gets their own email." in html


def test_the_to_field_of_a_single_candidate_has_no_remove_button(company_a):
    html = _recipients_html([CandidateFactory(first_name="Ola", last_name="Nordmann")], 1, "candidate")
    assert "Ola Nordmann" in html
    assert "chip-remove" not in html


def test_the_to_field_of_a_big_selection_shows_the_count_and_the_first_names(company_a):
    people = [CandidateFactory(first_name=f"Person{i:02d}", last_name="Olsen") for i in range(50)]
    html = _recipients_html(people, 50_000)
    assert "50,000 recipients" in html
    assert "Person00 Olsen" in html and "Person07 Olsen" in html
    assert "Person08 Olsen" not in html
    assert "and 49,992 others" in html
    assert "<li" not in html


def test_the_to_field_with_nobody_points_to_the_list(company_a):
    html = _recipients_html([], 0)
    assert 'href="/candidates/"' in html
    assert "chip" not in html


def test_the_list_page_counts_with_the_page_in_view(client_a, company_a):
    ids = [make_share(company_a).candidate_id for _ in range(2)]
    set_selection(client_a, ids[:1])
    response = client_a.get(LIST)
    assert sorted(listed_ids(response)) == sorted(ids)
    assert 'data-others="0" data-others-in-list="0"' in response.content.decode()
