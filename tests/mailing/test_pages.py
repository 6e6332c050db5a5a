"""Mailing list and detail pages, resend, cancel, resume."""

import pytest
from django.utils import timezone

from mailing.models import Mailing
from mailing.services import mailing_create
from tests.factories import CandidateFactory, ShareFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailing(recruiter_a, seven_candidates):
    return mailing_create(
        sender=recruiter_a,
        recipients=[s.candidate_id for s in seven_candidates],
        subject="Hei {{ first_name }}",
        body="Hei",
    )


def test_anonymous_users_are_sent_to_login(client, mailing):
    for url in ("/mailing/", f"/mailing/{mailing.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_the_companys_mailings_with_counts(client_a, mailing, recruiter_b, company_b):
    share = ShareFactory(company=company_b, candidate=CandidateFactory())
    theirs = mailing_create(
        sender=recruiter_b, recipients=[share.candidate_id], subject="Beta news", body="x"
    )
    mailing.deliveries.filter(pk=mailing.deliveries.first().pk).update(status="sent", sent_at=timezone.now())
    response = client_a.get("/mailing/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [m.pk for m, _counts in rows] == [mailing.pk]
    assert rows[0][1] == {"queued": 6, "sent": 1}
    assert theirs.subject not in response.content.decode()


def test_another_companys_mailing_is_a_404(client, mailing, recruiter_b):
    client.force_login(recruiter_b)
    assert client.get(f"/mailing/{mailing.pk}/").status_code == 404
    assert client.post(f"/mailing/{mailing.pk}/cancel/").status_code == 404
    delivery = mailing.deliveries.first()
    assert client.post(f"/mailing/{mailing.pk}/deliveries/{delivery.pk}/resend/").status_code == 404


def test_the_detail_shows_each_recipient_and_the_message_as_received(client_a, mailing):
    delivery = mailing.deliveries.first()
    delivery.status, delivery.sent_at = "sent", timezone.now()
    delivery.rendered_subject, delivery.rendered_body = "Hei Nora", "Hei Nora,\n\nSe https://demo.example"
    delivery.save()
    response = client_a.get(f"/mailing/{mailing.pk}/?delivery={delivery.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-delivery="') == 7
    assert "Hei Nora" in html and 'href="https://demo.example"' in html
    partial = client_a.get(f"/mailing/{mailing.pk}/?part=status", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"data-delivery" in partial.content


def test_only_an_unknown_delivery_can_be_resent(client_a, mailing):
    delivery = mailing.deliveries.first()
    response = client_a.post(f"/mailing/{mailing.pk}/deliveries/{delivery.pk}/resend/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 0
    delivery.status = "unknown"
    delivery.save()
    client_a.post(f"/mailing/{mailing.pk}/deliveries/{delivery.pk}/resend/")
    delivery.refresh_from_db()
    assert delivery.status == "queued"


def test_resend_refuses_get(client_a, mailing):
    delivery = mailing.deliveries.first()
    assert client_a.get(f"/mailing/{mailing.pk}/deliveries/{delivery.pk}/resend/").status_code == 405


def test_a_started_mailing_cannot_be_cancelled(client_a, mailing):
    client_a.post(f"/mailing/{mailing.pk}/cancel/")
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENDING


def test_a_colleague_in_the_same_company_sees_the_mailing(client, mailing, company_a):
    colleague = UserFactory(company=company_a)
    client.force_login(colleague)
    assert client.get(f"/mailing/{mailing.pk}/").status_code == 200


def test_a_paused_mailing_resumes(client_a, mailing):
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.PAUSED)
    client_a.post(f"/mailing/{mailing.pk}/resume/")
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENDING


def test_reasons_and_notes_read_in_the_recruiters_language(client_a, mailing):
    delivery = mailing.deliveries.first()
    delivery.status = "failed"
    delivery.reason = "The mail server answered %(code)s: %(error)s"
    delivery.reason_params = {"code": 550, "error": "5.1.1 no such user", "after_attempts": 3}
    delivery.save()
    english = client_a.get(f"/mailing/{mailing.pk}/").content.decode()
    assert "Gave up after 3 attempts: The mail server answered 550: 5.1.1 no such user" in english
    norwegian = client_a.get(f"/mailing/{mailing.pk}/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "5.1.1 no such user" in norwegian
    assert "Gave up after" not in norwegian and "The mail server answered" not in norwegian
