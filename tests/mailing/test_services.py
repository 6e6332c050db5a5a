import time
import uuid

import pytest
from django.utils import timezone

from mailing import rendering
from mailing.models import Delivery, Mailing
from mailing.services import RecipientError, mailing_cancel, mailing_create, share_unsubscribe
from tests.conftest import use_broker
from tests.factories import CandidateFactory, ShareFactory
from tests.mailing.conftest import FIRST_NAMES

pytestmark = pytest.mark.django_db


def _ids(shares):
    return [share.candidate_id for share in shares]


def test_mailing_create_stores_one_queued_delivery_per_recipient_with_snapshots(
    recruiter_a, seven_candidates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        mailing = mailing_create(
            sender=recruiter_a,
            recipients=_ids(seven_candidates) * 2,
            subject="Hei {{ first_name }}",
            body="Takk for sist, {{ first_name }}!",
        )
    assert len(callbacks) == 1  # the dispatch is enqueued only after commit
    assert mailing.status == Mailing.Status.SENDING
    assert mailing.from_name == "Kari Nordmann | Alfa AS"
    assert mailing.reply_to == recruiter_a.email
    deliveries = Delivery.objects.filter(mailing=mailing)
    assert deliveries.count() == 7
    assert set(deliveries.values_list("status", flat=True)) == {"queued"}
    assert {d.email for d in deliveries} == {f"{n.lower()}@student.example" for n in FIRST_NAMES}


def test_opted_out_and_suppressed_candidates_are_skipped_with_the_reason(recruiter_a, seven_candidates):
    first, second = seven_candidates[:2]
    first.unsubscribed_at = timezone.now()
    first.save()
    second.suppressed_reason = "hard_bounce"
    second.save()
    mailing = mailing_create(sender=recruiter_a, recipients=_ids(seven_candidates), subject="Hei", body="Hei")
    skipped = {d.candidate_id: d.reason for d in mailing.deliveries.filter(status="skipped")}
    assert skipped == {
        first.candidate_id: "Opted out of email from your company",
        second.candidate_id: "Suppressed after a hard bounce",
    }
    assert mailing.deliveries.filter(status="queued").count() == 5


def test_a_recipient_of_another_company_refuses_the_whole_mailing(recruiter_a, company_b, seven_candidates):
    theirs = ShareFactory(company=company_b)
    with pytest.raises(RecipientError, match="1 of the recipients"):
        mailing_create(
            sender=recruiter_a,
            recipients=[*_ids(seven_candidates), theirs.candidate_id],
            subject="Hei",
            body="Hei",
        )
    assert not Mailing.objects.exists()
    assert not Delivery.objects.exists()


def test_an_unsafe_template_refuses_the_mailing_and_stores_nothing(recruiter_a, seven_candidates):
    with pytest.raises(rendering.TemplateError):
        mailing_create(
            sender=recruiter_a,
            recipients=_ids(seven_candidates),
            subject="Hei",
            body="{{ first_name.__class__ }}",
        )
    assert not Mailing.objects.exists()


def test_no_recipients_is_refused(recruiter_a):
    with pytest.raises(RecipientError):
        mailing_create(sender=recruiter_a, recipients=[], subject="Hei", body="Hei")


def test_a_double_submit_with_the_same_form_token_creates_one_mailing(recruiter_a, seven_candidates):
    token = uuid.uuid4()
    first = mailing_create(
        sender=recruiter_a, recipients=_ids(seven_candidates), subject="Hei", body="Hei", client_token=token
    )
    again = mailing_create(
        sender=recruiter_a, recipients=_ids(seven_candidates), subject="Hei", body="Hei", client_token=token
    )
    assert first.pk == again.pk
    assert Mailing.objects.count() == 1
    assert Delivery.objects.count() == 7


def test_an_unverified_reply_to_falls_back_to_the_login_address(recruiter_a, seven_candidates):
    recruiter_a.inboxes.create(email="unverified@alfa.example")
    recruiter_a.reply_to_email = "unverified@alfa.example"
    recruiter_a.save()
    mailing = mailing_create(sender=recruiter_a, recipients=_ids(seven_candidates), subject="Hei", body="Hei")
    assert mailing.reply_to == recruiter_a.email


def test_a_scheduled_mailing_waits_and_can_be_cancelled(
    recruiter_a, seven_candidates, django_capture_on_commit_callbacks
):
    when = timezone.now() + timezone.timedelta(hours=2)
    with django_capture_on_commit_callbacks() as callbacks:
        mailing = mailing_create(
            sender=recruiter_a,
            recipients=_ids(seven_candidates),
            subject="Hei",
            body="Hei",
            scheduled_at=when,
        )
    assert callbacks == []  # nothing goes to the broker: the time lives in the database
    assert mailing.status == Mailing.Status.SCHEDULED
    assert mailing.scheduled_at == when
    assert mailing_cancel(mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.CANCELLED
    assert set(mailing.deliveries.values_list("status", flat=True)) == {"skipped"}


def test_unsubscribing_skips_the_candidates_queued_deliveries(recruiter_a, seven_candidates):
    mailing = mailing_create(sender=recruiter_a, recipients=_ids(seven_candidates), subject="Hei", body="Hei")
    share = seven_candidates[0]
    assert share_unsubscribe(share=share)
    delivery = mailing.deliveries.get(candidate_id=share.candidate_id)
    assert delivery.status == "skipped"
    share.refresh_from_db()
    assert share.unsubscribed_at is not None


def test_the_request_does_not_wait_on_a_broker_that_is_down(recruiter_a, seven_candidates, transactional_db):
    with use_broker("redis://127.0.0.1:1/0"):
        started = time.monotonic()
        mailing = mailing_create(
            sender=recruiter_a, recipients=_ids(seven_candidates), subject="Hei", body="Hei"
        )
        elapsed = time.monotonic() - started
    assert elapsed < 5
    assert mailing.deliveries.filter(status="queued").count() == 7


def test_creating_a_mailing_to_many_recipients_uses_a_constant_number_of_queries(
    recruiter_a, company_a, django_assert_max_num_queries
):
    candidates = CandidateFactory.create_batch(300)
    for candidate in candidates:
        ShareFactory(candidate=candidate, company=company_a)
    with django_assert_max_num_queries(12):
        mailing = mailing_create(
            sender=recruiter_a,
            recipients=[c.pk for c in candidates],
            subject="Hei",
            body="Hei {{ first_name }}",
        )
    assert mailing.deliveries.count() == 300
