import pytest
from django.core import mail

from mailing.models import Delivery, Mailing
from tests.factories import EmailTemplateFactory, ShareFactory

pytestmark = pytest.mark.django_db

URL = "/mailing/compose/"


def _post(client, **data):
    payload = {
        "subject": "Hei {{ first_name }}",
        "body": "Takk for sist, {{ first_name }}!",
        "send_mode": "now",
        "client_token": "0b4a3c2e-8a53-4a4e-9d0c-3f1d2e8b7a61",
        "action": "send",
    }
    payload.update(data)
    return client.post(
        URL + (f"?candidate={payload.pop('candidate')}" if "candidate" in payload else ""), payload
    )


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_compose_refuses_other_methods(client_a):
    assert client_a.put(URL).status_code == 405
    assert client_a.delete(URL).status_code == 405


def test_compose_shows_the_selected_candidates_in_to(client_a, select, seven_candidates):
    select([s.candidate_id for s in seven_candidates])
    response = client_a.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for share in seven_candidates:
        assert share.candidate.full_name in html
    assert "Send email" in html and "Subject" in html and "Template" in html


def test_compose_for_one_candidate_from_the_profile(client_a, select, seven_candidates):
    select([s.candidate_id for s in seven_candidates])
    one = seven_candidates[3].candidate
    response = client_a.get(f"{URL}?candidate={one.pk}")
    assert response.status_code == 200
    assert response.context["recipient_count"] == 1
    assert [c.pk for c in response.context["recipients"]] == [one.pk]


def test_another_companys_candidate_is_a_404(client_a, company_b):
    theirs = ShareFactory(company=company_b)
    assert client_a.get(f"{URL}?candidate={theirs.candidate_id}").status_code == 404
    assert _post(client_a, candidate=theirs.candidate_id).status_code == 404
    assert not Mailing.objects.exists()


def test_another_companys_template_is_a_404_and_refused(client_a, select, seven_candidates, company_b):
    theirs = EmailTemplateFactory(company=company_b)
    assert client_a.get(f"{URL}?template={theirs.pk}").status_code == 404
    select([s.candidate_id for s in seven_candidates])
    response = _post(client_a, template=theirs.pk)
    assert response.status_code == 422
    assert not Mailing.objects.exists()


def test_sending_creates_one_delivery_each_clears_the_selection_and_shows_the_mailing(
    client_a, select, seven_candidates, django_capture_on_commit_callbacks
):
    select([s.candidate_id for s in seven_candidates])
    with django_capture_on_commit_callbacks():
        response = _post(client_a)
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mailing/{mailing.pk}/"
    assert Delivery.objects.filter(mailing=mailing).count() == 7
    assert mailing.subject == "Hei {{ first_name }}"
    assert client_a.session.get("candidate_selection") is None
    page = client_a.get(response["Location"])
    assert page.status_code == 200
    assert seven_candidates[0].candidate.email in page.content.decode()


def test_a_double_submit_creates_one_mailing(client_a, select, seven_candidates):
    select([s.candidate_id for s in seven_candidates])
    _post(client_a)
    select([s.candidate_id for s in seven_candidates])
    _post(client_a)
    assert Mailing.objects.count() == 1


def test_an_empty_selection_is_refused_with_a_message(client_a):
    response = _post(client_a)
    assert response.status_code == 422
    assert "nobody to send to" in response.content.decode()
    assert not Mailing.objects.exists()


def test_template_errors_appear_at_the_field_and_nothing_typed_is_lost(client_a, select, seven_candidates):
    select([s.candidate_id for s in seven_candidates])
    body = "Hei {{ first_name }},\n\n{{ first_name.__class__ }}\n\nLong text that must survive."
    response = _post(client_a, subject="Jobb hos oss", body=body)
    assert response.status_code == 422
    form = response.context["form"]
    assert "body" in form.errors and "Line 3" in form.errors["body"][0]
    html = response.content.decode()
    assert "Long text that must survive." in html
    assert 'value="Jobb hos oss"' in html
    assert not Mailing.objects.exists()


def test_a_subject_with_a_line_break_is_refused(client_a, select, seven_candidates):
    select([s.candidate_id for s in seven_candidates])
    response = _post(client_a, subject="Hei\r\nBcc: everyone@example.com")
    assert response.status_code == 422
    assert "subject" in response.context["form"].errors
    assert not Mailing.objects.exists()


def test_the_preview_renders_for_the_chosen_recipient_and_names_empty_placeholders(
    client_a, select, seven_candidates
):
    third = seven_candidates[2].candidate
    third.school = ""
    third.save()
    select([s.candidate_id for s in seven_candidates])
    response = client_a.post(
        "/mailing/compose/preview/",
        {"subject": "Hei {{ first_name }}", "body": "Du studerer ved {{ school }}.", "preview_index": "2"},
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    ordered = sorted(seven_candidates, key=lambda s: s.candidate_id)
    assert preview["recipient"] == ordered[2].candidate
    assert preview["message"].subject == f"Hei {ordered[2].candidate.first_name}"
    assert [w["placeholder"] for w in preview["warnings"]] == ["school"]
    assert third.full_name in response.content.decode()


def test_sending_with_empty_placeholders_asks_for_confirmation_first(client_a, select, seven_candidates):
    seven_candidates[0].candidate.school = ""
    seven_candidates[0].candidate.save()
    select([s.candidate_id for s in seven_candidates])
    response = _post(client_a, body="Du studerer ved {{ school }}.")
    assert response.status_code == 422
    assert response.context["confirm_needed"]
    assert not Mailing.objects.exists()
    _post(client_a, body="Du studerer ved {{ school }}.", confirm_warnings="on")
    assert Mailing.objects.count() == 1


def test_opted_out_recipients_are_named_as_skipped(client_a, select, seven_candidates):
    from django.utils import timezone

    share = seven_candidates[0]
    share.unsubscribed_at = timezone.now()
    share.save()
    select([s.candidate_id for s in seven_candidates])
    response = client_a.get(URL)
    assert response.context["skipped_count"] == 1
    assert "1 recipient will be skipped" in response.content.decode()


def test_send_test_to_me_goes_to_the_recruiters_own_inbox(client_a, select, seven_candidates, recruiter_a):
    select([s.candidate_id for s in seven_candidates])
    response = _post(client_a, action="test")
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [recruiter_a.reply_to]
    assert mail.outbox[0].subject.startswith("[Test] Hei ")
    assert not Mailing.objects.exists()


def test_scheduling_in_the_past_is_refused(client_a, select, seven_candidates):
    select([s.candidate_id for s in seven_candidates])
    response = _post(client_a, send_mode="later", scheduled_at="2020-01-01T10:00")
    assert response.status_code == 422
    assert "scheduled_at" in response.context["form"].errors


def test_scheduling_reads_the_time_as_norwegian(client_a, select, seven_candidates):
    select([s.candidate_id for s in seven_candidates])
    response = _post(client_a, send_mode="later", scheduled_at="2031-06-01T09:30")
    assert response.status_code == 302
    mailing = Mailing.objects.get()
    assert mailing.status == Mailing.Status.SCHEDULED
    assert mailing.scheduled_at.isoformat() == "2031-06-01T07:30:00+00:00"  # 09:30 in Oslo (summer time)


def test_choosing_a_template_without_javascript_fills_subject_and_body(
    client_a, select, seven_candidates, company_a
):
    template = EmailTemplateFactory(
        company=company_a, subject="Fra mal {{ first_name }}", body="Malens tekst"
    )
    select([s.candidate_id for s in seven_candidates])
    response = _post(client_a, action="load_template", template=template.pk, subject="", body="")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fra mal {{ first_name }}" in html and "Malens tekst" in html
