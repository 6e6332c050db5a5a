import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from candidates.models import Candidate, Note, Share, Tag, Touchpoint
from events.models import Event, JobPosting
from poption.accounts.models import Company, User


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n} AS")
    slug = factory.Sequence(lambda n: f"company-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"recruiter{n}@company.example")
    display_name = factory.Faker("name", locale="no_NO")
    company = factory.SubFactory(CompanyFactory)
    role = User.Role.RECRUITER
    reply_to_email = factory.LazyAttribute(lambda o: o.email)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pass")
        if create:
            self.save(update_fields=["password"])
            self.inboxes.get_or_create(email=self.email, defaults={"verified_at": timezone.now()})


class CandidateFactory(DjangoModelFactory):
    class Meta:
        model = Candidate

    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.Sequence(lambda n: f"student{n}@student.example")
    school = "NTNU"
    study_programme = "Datateknologi"
    graduation_year = 2027
    grade_average = "4.20"


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Career fair {n}")
    kind = Event.Kind.CAREER_FAIR


class JobPostingFactory(DjangoModelFactory):
    class Meta:
        model = JobPosting

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Graduate position {n}")


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


class ShareFactory(DjangoModelFactory):
    class Meta:
        model = Share

    candidate = factory.SubFactory(CandidateFactory)
    company = factory.SubFactory(CompanyFactory)


class TouchpointFactory(DjangoModelFactory):
    class Meta:
        model = Touchpoint

    share = factory.SubFactory(ShareFactory)
    kind = Touchpoint.Kind.SHARED_PROFILE


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    share = factory.SubFactory(ShareFactory)
    body = "Met at the stand."


class EmailTemplateFactory(DjangoModelFactory):
    class Meta:
        model = "mailing.EmailTemplate"

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "Hei {{ first_name }}"
    body = "Hei {{ first_name }},\n\nTakk for sist.\n\n{{ recruiter_name }}"
