"""Issue 3 in the browser: find the candidates of one event, select them, start an email."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_EVENT, DEMO_EVENT_SIZE, login, shot
from tests.e2e.pages import (
    candidate_names,
    candidate_rows,
    choose_source,
    compose_recipients,
    open_candidates,
    select_page_checkbox,
    selection_counter,
    send_email_action,
)

pytestmark = pytest.mark.e2e


def test_it_filters_one_event_selects_the_page_and_opens_compose_with_those_seven(page, demo):
    login(page, demo)
    open_candidates(page)
    expect(page.get_by_text(re.compile(r"\b49 candidates\b"))).to_be_visible()
    expect(send_email_action(page)).to_be_hidden()
    shot(page, "candidates-list")

    choose_source(page, DEMO_EVENT, group="Events")
    rows = candidate_rows(page)
    expect(rows).to_have_count(DEMO_EVENT_SIZE)
    expect(page).to_have_url(re.compile(r"source="))
    names = candidate_names(page)
    expect(send_email_action(page)).to_be_hidden()
    shot(page, "candidates-filtered-event")

    select_page_checkbox(page).check()
    expect(selection_counter(page, DEMO_EVENT_SIZE)).to_be_visible()
    expect(send_email_action(page)).to_be_visible()
    shot(page, "candidates-selected")

    send_email_action(page).click()
    page.wait_for_url(re.compile(r"/mailing/compose/"))
    expect(compose_recipients(page)).to_have_count(DEMO_EVENT_SIZE)
    assert sorted(compose_recipients(page).all_inner_texts(), key=str.casefold) == sorted(
        names, key=str.casefold
    ), "the To chips name the seven candidates of the list"
    shot(page, "compose-seven-recipients")


def test_it_sends_email_to_one_candidate_from_the_profile(page, demo):
    login(page, demo)
    choose_source(page, DEMO_EVENT, group="Events")
    expect(candidate_rows(page)).to_have_count(DEMO_EVENT_SIZE)
    name = candidate_names(page)[0]

    candidate_rows(page).first.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(r"/candidates/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_text(DEMO_EVENT).first).to_be_visible()
    shot(page, "candidate-profile")

    send_email_action(page).click()
    page.wait_for_url(re.compile(r"/mailing/compose/"))
    expect(compose_recipients(page)).to_have_count(1)
    expect(compose_recipients(page)).to_have_text([name])
    shot(page, "compose-one-recipient")


def test_the_filter_and_the_selection_work_without_javascript(new_context, demo):
    page = new_context(java_script_enabled=False).new_page()
    login(page, demo)
    choose_source(page, DEMO_EVENT, group="Events", submit=True)
    expect(candidate_rows(page)).to_have_count(DEMO_EVENT_SIZE)
    expect(page).to_have_url(re.compile(r"source="))
    names = candidate_names(page)
    expect(send_email_action(page)).to_be_hidden()
    shot(page, "candidates-filtered-no-js")

    page.get_by_role("button", name="Select this page").click()
    expect(selection_counter(page, DEMO_EVENT_SIZE)).to_be_visible()
    expect(candidate_rows(page)).to_have_count(DEMO_EVENT_SIZE)
    shot(page, "candidates-selected-no-js")
    send_email_action(page).click()
    page.wait_for_url(re.compile(r"/mailing/compose/"))
    assert sorted(compose_recipients(page).all_inner_texts()) == sorted(names)


def test_the_norwegian_interface_speaks_norwegian(page, new_context, demo):
    # The switch in the avatar menu.
    login(page, demo)
    page.get_by_label("Account menu").click()
    page.get_by_label("Language").select_option(label="Norsk bokmål")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    shot(page, "candidates-nb")
    expect(page.get_by_role("banner").get_by_role("link", name="Kandidater", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Kandidater", exact=True)).to_be_visible()
    source = page.get_by_label("Kilde", exact=True)
    for group in ("Arrangementer", "Stillinger"):
        expect(source.locator(f'optgroup[label="{group}"]')).to_have_count(1)
    expect(source.locator("option", has_text="Delt profil")).to_have_count(1)
    choose_source(page, DEMO_EVENT, group="Arrangementer", label="Kilde")
    expect(candidate_rows(page)).to_have_count(DEMO_EVENT_SIZE)
    expect(send_email_action(page, "Send e-post")).to_be_hidden()
    select_page_checkbox(page).check()
    expect(send_email_action(page, "Send e-post")).to_be_visible()
    shot(page, "candidates-nb-selected")

    # The browser's language alone: a new visitor gets the sign-in page in Norwegian.
    nb_page = new_context(locale="nb-NO").new_page()
    nb_page.goto(f"{demo}/accounts/login/")
    expect(nb_page.locator("html")).to_have_attribute("lang", "nb")
    expect(nb_page.get_by_role("button", name="Sign in")).to_have_count(0)
    shot(nb_page, "login-nb")
