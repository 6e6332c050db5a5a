import re

import pytest
from django.core import mail, signing
from django.utils import timezone

from poption.accounts.models import Inbox
from poption.accounts.services import VERIFY_SALT

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_profile_shows_where_replies_go(client_a, recruiter_a):
    response = client_a.get("/accounts/profile/")
    assert response.status_code == 200
    assert f"Replies go to {recruiter_a.reply_to}" in response.content.decode()


def test_the_name_can_be_changed_and_a_blank_name_is_refused(client_a, recruiter_a):
    assert client_a.post("/accounts/profile/", {"display_name": "  "}).status_code == 422
    client_a.post("/accounts/profile/", {"display_name": "Kari  Nordmann-Berg"})
    recruiter_a.refresh_from_db()
    assert recruiter_a.display_name == "Kari Nordmann-Berg"


def test_a_new_inbox_gets_a_verification_link_and_becomes_choosable(
    client_a, recruiter_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/accounts/profile/inboxes/", {"email": "Kari.Jobb@Alfa.example"})
    assert response.status_code == 302
    inbox = recruiter_a.inboxes.get(email="kari.jobb@alfa.example")
    assert inbox.verified_at is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kari.jobb@alfa.example"]
    # Not yet verified: it cannot be chosen.
    response = client_a.post("/accounts/profile/reply-to/", {"inbox": inbox.pk})
    assert response.status_code == 422
    recruiter_a.refresh_from_db()
    assert recruiter_a.reply_to_email == "kari@alfa.example"
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/inboxes/verify/" in line)
    client_a.get(link[link.index("/accounts/") :])
    inbox.refresh_from_db()
    assert inbox.verified_at is not None
    client_a.post("/accounts/profile/reply-to/", {"inbox": inbox.pk})
    recruiter_a.refresh_from_db()
    assert recruiter_a.reply_to_email == "kari.jobb@alfa.example"
    menu = re.sub(r"<[^>]+>", "", client_a.get("/candidates/").content.decode())
    assert "Replies go to kari.jobb@alfa.example" in menu


def test_a_tampered_or_foreign_verification_link_verifies_nothing(client_a, recruiter_a, recruiter_b):
    theirs = Inbox.objects.create(user=recruiter_b, email="ola.privat@beta.example")
    token = signing.dumps({"inbox": theirs.pk, "email": theirs.email}, salt=VERIFY_SALT)
    client_a.get(f"/accounts/inboxes/verify/{token}/")
    client_a.get(f"/accounts/inboxes/verify/{token}x/")
    theirs.refresh_from_db()
    assert theirs.verified_at is None


def test_another_users_inbox_is_a_404_and_cannot_be_chosen(client_a, recruiter_a, recruiter_b):
    theirs = Inbox.objects.create(
        user=recruiter_b, email="ola.privat@beta.example", verified_at=timezone.now()
    )
    assert client_a.post(f"/accounts/profile/inboxes/{theirs.pk}/remove/").status_code == 404
    assert client_a.post("/accounts/profile/reply-to/", {"inbox": theirs.pk}).status_code == 422
    recruiter_a.refresh_from_db()
    assert recruiter_a.reply_to_email == "kari@alfa.example"
    assert Inbox.objects.filter(pk=theirs.pk).exists()


def test_removing_the_reply_to_inbox_falls_back_to_the_login_address(client_a, recruiter_a):
    inbox = recruiter_a.inboxes.create(email="kari.jobb@alfa.example", verified_at=timezone.now())
    recruiter_a.reply_to_email = inbox.email
    recruiter_a.save()
    client_a.post(f"/accounts/profile/inboxes/{inbox.pk}/remove/")
    recruiter_a.refresh_from_db()
    assert recruiter_a.reply_to_email == recruiter_a.email
    login_inbox = recruiter_a.inboxes.get(email=recruiter_a.email)
    client_a.post(f"/accounts/profile/inboxes/{login_inbox.pk}/remove/")
    assert recruiter_a.inboxes.filter(pk=login_inbox.pk).exists()


def test_profile_actions_refuse_get(client_a):
    assert client_a.get("/accounts/profile/reply-to/").status_code == 405
    assert client_a.get("/accounts/profile/inboxes/").status_code == 405
