import pytest
from django.core.management import call_command

from candidates.models import Candidate, Share, Touchpoint
from events.models import Event
from mailing.models import EmailTemplate
from poption.accounts.models import Company, User

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        Company.objects.count(),
        Candidate.objects.count(),
        Share.objects.count(),
        Touchpoint.objects.count(),
        User.objects.count(),
        EmailTemplate.objects.count(),
    )


def test_seed_demo_creates_the_contracted_demo_and_a_second_run_changes_nothing(client):
    call_command("seed_demo", verbosity=0)
    demo = Company.objects.get(name="Demo AS")
    assert Share.objects.for_company(demo).count() == 49
    event = Event.objects.get(company=demo, name="KarriereDagene NTNU")
    assert Touchpoint.objects.filter(share__company=demo, event=event).values("share").distinct().count() == 7
    recruiter = User.objects.get(email="recruiter@demo.example")
    assert recruiter.company == demo
    assert recruiter.reply_to_email == "kari.nordmann@demo.example"
    assert recruiter.inboxes.filter(email="kari.nordmann@demo.example", verified_at__isnull=False).exists()
    assert client.login(username="recruiter@demo.example", password="demo")
    assert EmailTemplate.objects.filter(company=demo).count() == 2
    # A second company with candidates of its own, some of them shared with both.
    other = Company.objects.exclude(pk=demo.pk).get()
    both = Share.objects.filter(company=other, candidate__shares__company=demo).count()
    assert 0 < both < Share.objects.filter(company=other).count()
    before = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == before


def test_seed_demo_fills_many_candidates_across_companies_and_tops_up_idempotently():
    call_command("seed_demo", candidates=2000, companies=5, verbosity=0)
    assert Candidate.objects.count() == 2000
    assert Company.objects.count() == 5
    demo = Company.objects.get(name="Demo AS")
    event = Event.objects.get(company=demo, name="KarriereDagene NTNU")
    assert Touchpoint.objects.filter(event=event).count() == 7
    assert Share.objects.filter(company=demo).count() > 49
    # Every share got a touchpoint from its own company.
    assert (
        not Touchpoint.objects.exclude(event__isnull=True)
        .exclude(event__company=models_f("share__company"))
        .exists()
    )
    before = _snapshot()
    call_command("seed_demo", candidates=2000, companies=5, verbosity=0)
    assert _snapshot() == before
    # New rows get fresh ids after the explicit-id bulk insert.
    Candidate.objects.create(first_name="Ny", last_name="Student", email="ny@student.example")


def test_seed_demo_if_empty_leaves_a_database_with_data_alone():
    Company.objects.create(name="Kunde AS", slug="kunde")
    call_command("seed_demo", if_empty=True, verbosity=0)
    assert not Company.objects.filter(name="Demo AS").exists()


def models_f(name):
    from django.db.models import F

    return F(name)
