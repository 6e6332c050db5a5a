"""The frame every recruiter page shares: header, avatar menu, language switch, sign-in page."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_header_has_candidates_mailings_templates_and_the_avatar_menu(client_a, recruiter_a):
    html = client_a.get("/candidates/").content.decode()
    header = re.search(r'<header class="topbar">.*?</header>', html, re.S).group(0)
    assert '<a href="/candidates/" aria-current="page">Candidates</a>' in header
    assert '<a href="/mailing/">Mailings</a>' in header
    assert '<a href="/mailing/templates/">Templates</a>' in header
    assert 'aria-label="Account menu"' in header
    assert ">KN</span>" in header  # Kari Nordmann's initials
    assert "Replies go to <strong>kari@alfa.example</strong>" in header
    assert 'href="/accounts/profile/"' in header
    assert '<label for="language-select-menu">Language</label>' in header
    assert 'action="/accounts/logout/"' in header


def test_the_menu_shows_the_chosen_reply_to_inbox(client_a, recruiter_a):
    recruiter_a.inboxes.create(email="kari.nordmann@alfa.example")
    recruiter_a.reply_to_email = "kari.nordmann@alfa.example"
    recruiter_a.save()
    assert (
        "Replies go to <strong>kari.nordmann@alfa.example</strong>"
        in client_a.get("/candidates/").content.decode()
    )


def test_the_language_switch_turns_the_pages_norwegian(client_a):
    response = client_a.post("/i18n/setlang/", {"language": "nb", "next": "/candidates/"})
    assert response["Location"] == "/candidates/"
    assert '<html lang="nb"' in client_a.get("/candidates/").content.decode()


def test_the_sign_in_page_has_no_header_and_loads_nothing_from_elsewhere(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<header class="topbar">' not in html
    assert "Sign in" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_pages_load_only_the_apps_own_files(client_a):
    html = client_a.get("/candidates/").content.decode()
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/js/htmx.min.js", "/static/js/app.js"]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/css/app.css"]


def test_signing_out_is_a_post(client_a):
    assert client_a.post("/accounts/logout/").status_code == 302
    assert client_a.get("/candidates/").status_code == 302
