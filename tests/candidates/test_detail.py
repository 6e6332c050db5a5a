import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Note, Share, Tag
from mailing.models import Delivery, Mailing
from tests.candidates.conftest import make_share
from tests.factories import (
    EventFactory,
    JobPostingFactory,
    NoteFactory,
    ShareFactory,
    TagFactory,
    TouchpointFactory,
)

pytestmark = pytest.mark.django_db


def url(share, action=""):
    return f"/candidates/{share.candidate_id}/" + (f"{action}/" if action else "")


@pytest.fixture
def share(company_a):
    return make_share(
        company_a,
        first_name="Ola",
        last_name="Nordmann",
        email="ola@student.example",
        phone="+47 912 34 567",
        school="NTNU",
        study_programme="Datateknologi",
        graduation_year=2027,
        grade_average="4.37",
        linkedin_url="https://www.linkedin.com/in/ola-nordmann",
        cv_url="https://cv.example/ola.pdf",
    )


def test_the_profile_is_at_its_contract_url(share):
    assert reverse("candidates:detail", args=[share.candidate_id]) == url(share)
    assert share.get_absolute_url() == url(share)


@pytest.mark.parametrize("action", ["", "status", "tags", "notes"])
def test_it_sends_anonymous_users_to_login(client, share, action):
    response = client.get(url(share, action)) if not action else client.post(url(share, action))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_post_on_the_profile_and_get_on_the_edits(client_a, share):
    assert client_a.post(url(share)).status_code == 405
    for action in ("status", "tags", "notes"):
        assert client_a.get(url(share, action)).status_code == 405


def test_another_companys_candidate_does_not_exist(client_a, company_b):
    theirs = make_share(company_b, first_name="Hemmelig")
    response = client_a.get(url(theirs))
    assert response.status_code == 404
    assert "Hemmelig" not in response.content.decode()


def test_a_revoked_share_does_not_exist(client_a, share):
    Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
    assert client_a.get(url(share)).status_code == 404


def test_it_shows_contact_details_studies_and_links(client_a, share):
    html = client_a.get(url(share)).content.decode()
    assert "<h1>Ola Nordmann</h1>" in html
    for text in (
        'href="mailto:ola@student.example"',
        "+47 912 34 567",
        "NTNU",
        "Datateknologi",
        "2027",
        "4.37",
        'href="https://www.linkedin.com/in/ola-nordmann"',
        'href="https://cv.example/ola.pdf"',
    ):
        assert text in html


def test_the_timeline_names_the_events_postings_and_shared_profile(client_a, company_a, share):
    event = EventFactory(company=company_a, name="KarriereDagene NTNU")
    posting = JobPostingFactory(company=company_a, title="Sommerjobb 2027")
    TouchpointFactory(share=share, kind="event", event=event)
    TouchpointFactory(share=share, kind="job_posting", job_posting=posting)
    html = client_a.get(url(share)).content.decode()
    assert "Met at KarriereDagene NTNU" in html
    assert "Applied to Sommerjobb 2027" in html
    assert "Shared their profile with you" in html
    assert "Added to your candidates" in html


def test_it_shows_only_this_companys_status_tags_notes_and_history(
    client_a, company_a, company_b, recruiter_a, recruiter_b, share
):
    theirs = ShareFactory(candidate=share.candidate, company=company_b, status="archived")
    theirs.tags.set([TagFactory(company=company_b, name="Their tag")])
    NoteFactory(share=theirs, author=recruiter_b, body="Their private note")
    NoteFactory(share=share, author=recruiter_a, body="Hyggelig samtale på standen.")
    their_mailing = Mailing.objects.create(
        company=company_b,
        sender=recruiter_b,
        subject="Their subject",
        body="x",
        from_name="B",
        reply_to="b@b.example",
    )
    Delivery.objects.create(mailing=their_mailing, candidate=share.candidate, email="ola@student.example")
    html = client_a.get(url(share)).content.decode()
    assert "Hyggelig samtale på standen." in html
    assert "Kari Nordmann" in html  # the note's author
    for secret in ("Their tag", "Their private note", "Their subject", "badge-archived"):
        assert secret not in html


def test_the_email_history_lists_this_companys_deliveries_newest_first(
    client_a, company_a, recruiter_a, share
):
    older = Mailing.objects.create(
        company=company_a,
        sender=recruiter_a,
        subject="Takk for sist",
        body="x",
        from_name="K",
        reply_to="k@a.example",
        created_at=timezone.now() - timezone.timedelta(days=3),
    )
    newer = Mailing.objects.create(
        company=company_a,
        sender=recruiter_a,
        subject="Invitasjon",
        body="x",
        from_name="K",
        reply_to="k@a.example",
    )
    Delivery.objects.create(
        mailing=older, candidate=share.candidate, email="ola@student.example", status="delivered"
    )
    Delivery.objects.create(
        mailing=newer, candidate=share.candidate, email="ola@student.example", status="queued"
    )
    response = client_a.get(url(share))
    html = response.content.decode()
    assert "Email history" in html
    assert html.index("Invitasjon") < html.index("Takk for sist")
    assert "Delivered" in html
    assert [d.mailing for d in response.context["deliveries"]] == [newer, older]


def test_it_marks_an_opted_out_or_suppressed_candidate(client_a, share):
    html = client_a.get(url(share)).content.decode()
    assert "Opted out" not in html and "Email suppressed" not in html
    Share.objects.filter(pk=share.pk).update(unsubscribed_at=timezone.now())
    assert "Opted out of your email" in client_a.get(url(share)).content.decode()
    Share.objects.filter(pk=share.pk).update(unsubscribed_at=None, suppressed_reason="hard_bounce")
    assert "Email suppressed: Hard bounce" in client_a.get(url(share)).content.decode()


def test_send_email_opens_compose_with_this_one_candidate(client_a, share):
    html = client_a.get(url(share)).content.decode()
    assert f'href="/mailing/compose/?candidate={share.candidate_id}"' in html
    assert "Send email" in html


def test_the_recruiter_sets_the_status(client_a, share):
    response = client_a.post(url(share, "status"), {"status": "starred"})
    assert response.status_code == 302
    assert response["Location"] == url(share)
    share.refresh_from_db()
    assert share.status == "starred"
    assert "Status saved: Starred." in client_a.get(url(share)).content.decode()


def test_an_unknown_status_changes_nothing(client_a, share):
    client_a.post(url(share, "status"), {"status": "hired"})
    share.refresh_from_db()
    assert share.status == "not_reviewed"


def test_another_companys_candidate_cannot_be_changed(client_a, company_b, recruiter_a):
    theirs = make_share(company_b)
    their_tag = TagFactory(company=company_b)
    assert client_a.post(url(theirs, "status"), {"status": "archived"}).status_code == 404
    assert client_a.post(url(theirs, "tags"), {"tags": [their_tag.pk]}).status_code == 404
    assert client_a.post(url(theirs, "notes"), {"body": "sneaky"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "not_reviewed"
    assert list(theirs.tags.all()) == []
    assert not Note.objects.filter(share=theirs).exists()


def test_the_recruiter_sets_tags_and_makes_a_new_one(client_a, company_a, share):
    backend = TagFactory(company=company_a, name="Backend")
    frontend = TagFactory(company=company_a, name="Frontend")
    share.tags.set([frontend])
    response = client_a.post(url(share, "tags"), {"tags": [backend.pk], "new_tag": "  Intervju  "})
    assert response["Location"] == url(share) + "#tags"
    assert sorted(t.name for t in share.tags.all()) == ["Backend", "Intervju"]
    # The same name again, in other case, is the same tag.
    client_a.post(url(share, "tags"), {"new_tag": "INTERVJU"})
    assert [t.name for t in share.tags.all()] == ["Intervju"]
    assert Tag.objects.filter(company=company_a, name__iexact="intervju").count() == 1


def test_another_companys_tag_is_refused_on_the_profile(client_a, company_a, company_b, share):
    mine = TagFactory(company=company_a)
    share.tags.set([mine])
    theirs = TagFactory(company=company_b)
    assert client_a.post(url(share, "tags"), {"tags": [mine.pk, theirs.pk]}).status_code == 404
    assert list(share.tags.all()) == [mine]


def test_the_recruiter_writes_a_private_note(client_a, recruiter_a, share):
    response = client_a.post(url(share, "notes"), {"body": "Ringte, sender CV i morgen."})
    assert response["Location"] == url(share) + "#notes"
    note = Note.objects.get(share=share)
    assert note.author == recruiter_a
    assert note.body == "Ringte, sender CV i morgen."
    html = client_a.get(url(share)).content.decode()
    assert "Ringte, sender CV i morgen." in html
    assert "Kari Nordmann ·" in html


def test_an_empty_note_is_refused(client_a, share):
    response = client_a.post(url(share, "notes"), {"body": "   "}, follow=True)
    assert not Note.objects.exists()
    assert "This field is required." in response.content.decode()


def test_the_edits_need_the_csrf_token(client, recruiter_a, share):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(recruiter_a)
    assert csrf_client.post(url(share, "status"), {"status": "starred"}).status_code == 403
    share.refresh_from_db()
    assert share.status == "not_reviewed"
