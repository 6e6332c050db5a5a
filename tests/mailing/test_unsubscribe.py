import pytest

from mailing.services import mailing_create
from mailing.unsubscribe import unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(seven_candidates):
    return seven_candidates[0]


def _path(share):
    return (
        "/mailing/unsubscribe/"
        + unsubscribe_token(company_id=share.company_id, candidate_id=share.candidate_id)
        + "/"
    )


def test_get_shows_what_will_happen_and_changes_nothing(client, share):
    response = client.get(_path(share))
    assert response.status_code == 200
    assert b"Alfa AS" in response.content
    share.refresh_from_db()
    assert share.unsubscribed_at is None


def test_post_opts_out_without_login_or_csrf_token(share):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(_path(share))
    assert response.status_code == 200
    share.refresh_from_db()
    assert share.unsubscribed_at is not None


def test_one_click_post_from_a_mail_provider_works_without_cookies(share):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(_path(share), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    share.refresh_from_db()
    assert share.unsubscribed_at is not None


def test_a_tampered_token_is_refused(client, share, seven_candidates):
    token = unsubscribe_token(company_id=share.company_id, candidate_id=share.candidate_id)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post(f"/mailing/unsubscribe/{tampered}/")
    assert response.status_code == 400
    share.refresh_from_db()
    assert share.unsubscribed_at is None


def test_the_next_mailing_skips_them(client, share, seven_candidates, recruiter_a):
    client.post(_path(share))
    mailing = mailing_create(
        sender=recruiter_a, recipients=[s.candidate_id for s in seven_candidates], subject="Hei", body="Hei"
    )
    delivery = mailing.deliveries.get(candidate_id=share.candidate_id)
    assert (delivery.status, delivery.reason) == ("skipped", "Opted out of email from your company")


def test_the_link_is_bound_to_the_company(share, company_b):
    from tests.factories import ShareFactory

    other = ShareFactory(company=company_b, candidate=share.candidate)
    url = unsubscribe_url(company_id=share.company_id, candidate_id=share.candidate_id)
    assert url.startswith("http://") and "/mailing/unsubscribe/" in url
    from django.test import Client

    Client().post(_path(share))
    other.refresh_from_db()
    assert other.unsubscribed_at is None  # opting out of Alfa AS does not touch Beta AS
