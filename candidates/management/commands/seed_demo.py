import csv
import io
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from candidates.demo_data import FIRST_NAMES, LAST_NAMES, PROGRAMMES, SCHOOLS
from candidates.models import Candidate, Note, Share, Tag, Touchpoint
from events.models import Event, JobPosting
from poption.accounts.models import Company, User

DEMO_COMPANY = "Demo AS"
DEMO_EVENT = "KarriereDagene NTNU"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo login


class Command(BaseCommand):
    help = (
        "Load the demo: Demo AS, recruiter@demo.example / demo, 49 candidates (7 from KarriereDagene NTNU), "
        "a second company and two email templates. --candidates N --companies M top the database up to N "
        "candidates across M companies with bulk inserts. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--candidates", type=int, default=0, help="Total candidates to have (bulk fill).")
        parser.add_argument("--companies", type=int, default=2, help="Total companies to spread them over.")
        parser.add_argument("--fresh", action="store_true", help="Delete all portal data first.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing unless the database has no company."
        )

    def handle(
        self, *args, candidates: int, companies: int, fresh: bool, seed: int, if_empty: bool, **options
    ):
        if if_empty and Company.objects.exists():
            self.stdout.write("The database already has data; not loading the demo.")
            return
        if candidates < 0 or companies < 1:
            raise CommandError("--candidates must be 0 or more and --companies at least 1")
        started = time.monotonic()
        rng = random.Random(seed)
        if fresh:
            self._wipe()
        if Company.objects.filter(name=DEMO_COMPANY).exists():
            self.stdout.write("The demo is already loaded; leaving it as it is.")
        else:
            with transaction.atomic():
                self._load_demo(rng)
            self.stdout.write(self.style.SUCCESS("Loaded the demo: Demo AS with 49 candidates."))
        if candidates > Candidate.objects.count() or companies > Company.objects.count():
            self._bulk_fill(rng, total_candidates=candidates, total_companies=companies)
        self.stdout.write(
            f"{Candidate.objects.count()} candidates, {Share.objects.count()} shares, "
            f"{Company.objects.count()} companies ({time.monotonic() - started:.1f} s). "
            f"Sign in as recruiter@demo.example / {DEMO_PASSWORD}."
        )

    # -- the hand-made demo ---------------------------------------------------------------

    def _wipe(self) -> None:
        from mailing.models import Delivery, DeliveryEvent, EmailTemplate, Mailing

        with transaction.atomic():
            for model in (DeliveryEvent, Delivery, Mailing, EmailTemplate, Note, Touchpoint):
                model.objects.all().delete()
            Share.tags.through.objects.all().delete()
            for model in (Share, Tag, Candidate, Event, JobPosting):
                model.objects.all().delete()
            User.objects.filter(is_superuser=False).delete()
            Company.objects.all().delete()

    def _load_demo(self, rng: random.Random) -> None:
        now = timezone.now()
        demo = Company.objects.create(name=DEMO_COMPANY, slug="demo-as")
        nordlys = Company.objects.create(name="Nordlys Energi AS", slug="nordlys-energi")
        kari = User.objects.create_user(
            "recruiter@demo.example",
            DEMO_PASSWORD,
            display_name="Kari Nordmann",
            company=demo,
            role=User.Role.RECRUITER,
        )
        kari.inboxes.create(email="kari.nordmann@demo.example", verified_at=now)
        kari.reply_to_email = "kari.nordmann@demo.example"
        kari.save(update_fields=["reply_to_email"])
        User.objects.create_user(
            "admin@demo.example", DEMO_PASSWORD, display_name="Per Hansen", company=demo, role=User.Role.ADMIN
        )
        User.objects.create_user(
            "recruiter@nordlys.example", DEMO_PASSWORD, display_name="Ingrid Solberg", company=nordlys
        )
        if not User.objects.filter(is_superuser=True).exists():
            User.objects.create_superuser("admin@poption.example", DEMO_PASSWORD, display_name="Operator")

        def event(company, name, kind, days_ago, location):
            return Event.objects.create(
                company=company,
                name=name,
                kind=kind,
                starts_at=now - timedelta(days=days_ago),
                location=location,
            )

        karrieredagene = event(demo, DEMO_EVENT, Event.Kind.CAREER_FAIR, 40, "Trondheim")
        demo_events = [
            karrieredagene,
            event(demo, "Bedriftspresentasjon UiO", Event.Kind.COMPANY_PRESENTATION, 25, "Oslo"),
            event(demo, "Sommerfest hos Demo AS", Event.Kind.PRIVATE_EVENT, 120, "Oslo"),
            event(demo, "Bergen Tech Days", Event.Kind.CAREER_FAIR, 70, "Bergen"),
        ]
        demo_postings = [
            JobPosting.objects.create(
                company=demo, title=title, location=loc, published_at=now - timedelta(days=d)
            )
            for title, loc, d in [
                ("Sommerjobb 2027 – utvikler", "Oslo", 30),
                ("Graduate-program 2027", "Oslo / Trondheim", 50),
                ("Dataanalytiker", "Bergen", 15),
            ]
        ]
        nordlys_events = [
            event(nordlys, "Energidagen NTNU", Event.Kind.CAREER_FAIR, 35, "Trondheim"),
            event(nordlys, "Bedriftspresentasjon Nordlys", Event.Kind.COMPANY_PRESENTATION, 10, "Tromsø"),
        ]
        nordlys_postings = [
            JobPosting.objects.create(
                company=nordlys, title="Trainee 2027", location="Tromsø", published_at=now
            )
        ]
        demo_tags = [
            Tag.objects.create(company=demo, name=n) for n in ("Backend", "Frontend", "Data", "Intervju")
        ]
        nordlys_tags = [Tag.objects.create(company=nordlys, name=n) for n in ("Energi", "Trainee")]

        people = self._people(rng, 63, start=0)
        candidates = Candidate.objects.bulk_create([Candidate(**p) for p in people])
        statuses = [Share.Status.NOT_REVIEWED] * 5 + [Share.Status.STARRED, Share.Status.FOLLOW_UP]

        # Demo AS: candidates 0..48. 0..6 met us at KarriereDagene NTNU (two of them also applied).
        for i, cand in enumerate(candidates[:49]):
            status = Share.Status.ARCHIVED if i in (45, 46) else rng.choice(statuses)
            share = Share.objects.create(
                candidate=cand,
                company=demo,
                status=status,
                created_at=now - timedelta(days=rng.randint(1, 150)),
            )
            if i < 7:
                share.touchpoints.create(
                    kind="event", event=karrieredagene, occurred_at=karrieredagene.starts_at
                )
                if i in (2, 5):
                    share.touchpoints.create(
                        kind="job_posting", job_posting=demo_postings[0], occurred_at=now
                    )
            elif i < 25:
                ev = demo_events[1 + i % 3]
                share.touchpoints.create(kind="event", event=ev, occurred_at=ev.starts_at)
            elif i < 40:
                share.touchpoints.create(
                    kind="job_posting", job_posting=demo_postings[i % 3], occurred_at=share.created_at
                )
            else:
                share.touchpoints.create(kind="shared_profile", occurred_at=share.created_at)
            share.tags.set(rng.sample(demo_tags, rng.randint(0, 2)))
            if i % 6 == 0:
                share.notes.create(
                    author=User.objects.get(email="recruiter@demo.example"),
                    body="Hyggelig samtale på standen. Interessert i backend.",
                )

        # Nordlys Energi AS: candidates 43..62, so six of Demo AS's candidates are shared with both.
        for i, cand in enumerate(candidates[43:]):
            share = Share.objects.create(
                candidate=cand, company=nordlys, created_at=now - timedelta(days=i + 1)
            )
            if i % 3 == 0:
                share.touchpoints.create(kind="job_posting", job_posting=nordlys_postings[0], occurred_at=now)
            else:
                ev = nordlys_events[i % 2]
                share.touchpoints.create(kind="event", event=ev, occurred_at=ev.starts_at)
            share.tags.set(nordlys_tags[: i % 2 + 1])

        self._demo_templates(demo, nordlys)

    def _demo_templates(self, demo: Company, nordlys: Company) -> None:
        from mailing.models import EmailTemplate

        EmailTemplate.objects.create(
            company=demo,
            name="Takk for sist (KarriereDagene)",
            subject='Takk for praten på {{ event_name | default("standen vår") }}, {{ first_name }}!',
            body=(
                "Hei {{ first_name }},\n\n"
                'Takk for at du tok turen innom {{ event_name | default("standen vår") }}. '
                'Det var hyggelig å høre om {{ study_programme | default("studiene dine") }} '
                'på {{ school | default("studiestedet ditt") }}.\n\n'
                'Vi har flere spennende stillinger for deg som er ferdig i {{ graduation_year | default("år") }}. '
                "Svar gjerne på denne e-posten om du vil ta en kaffe og høre mer.\n\n"
                "Vennlig hilsen\n{{ recruiter_name }}\n{{ company_name }}"
            ),
        )
        EmailTemplate.objects.create(
            company=demo,
            name="Thank you (English)",
            subject="Great to meet you, {{ first_name }}",
            body=(
                "Hi {{ first_name }},\n\n"
                'Thank you for stopping by at {{ event_name | default("our stand") }}. We enjoyed hearing about '
                'your studies in {{ study_programme | default("your field") }}.\n\n'
                'We are hiring graduates for {{ graduation_year | default("next year") }}. Just reply to this '
                "email if you would like to talk.\n\nBest regards,\n{{ recruiter_name }}\n{{ company_name }}"
            ),
        )
        EmailTemplate.objects.create(
            company=nordlys,
            name="Invitasjon",
            subject="Hei {{ first_name }}",
            body="Hei {{ first_name }},\n\nVi vil gjerne invitere deg til en prat.\n\n{{ recruiter_name }}",
        )

    def _people(self, rng: random.Random, count: int, *, start: int, bulk: bool = False) -> list[dict]:
        people = []
        now = timezone.now()
        for n in range(start, start + count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            local = f"{first}.{last}".lower()
            for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
                local = local.replace(a, b)
            domain = "students.example" if bulk else "student.example"
            people.append(
                {
                    "first_name": first,
                    "last_name": last,
                    "email": f"{local}.{n}@{domain}",
                    "phone": f"+47 9{rng.randint(1000000, 9999999)}",
                    "school": rng.choice(SCHOOLS),
                    "study_programme": rng.choice(PROGRAMMES),
                    "graduation_year": rng.randint(2025, 2030),
                    "grade_average": Decimal(rng.randint(250, 500)) / 100,
                    "linkedin_url": f"https://www.linkedin.com/in/{local.replace('.', '-')}-{n}",
                    "cv_url": "",
                    "created_at": now - timedelta(days=rng.randint(1, 700)),
                }
            )
        return people

    # -- bulk fill ------------------------------------------------------------------------

    def _bulk_fill(self, rng: random.Random, *, total_candidates: int, total_companies: int) -> None:
        started = time.monotonic()
        now = timezone.now()
        with transaction.atomic():
            have = Company.objects.count()
            for n in range(have + 1, total_companies + 1):
                company = Company.objects.create(name=f"Bedrift {n:03d} AS", slug=f"bedrift-{n:03d}")
                for k, kind in enumerate((Event.Kind.CAREER_FAIR, Event.Kind.COMPANY_PRESENTATION)):
                    Event.objects.create(
                        company=company,
                        name=f"{kind.label} {n:03d}-{k}",
                        kind=kind,
                        starts_at=now - timedelta(days=10 + k * 20),
                    )
                JobPosting.objects.create(company=company, title=f"Graduate {n:03d}", published_at=now)
                Tag.objects.bulk_create([Tag(company=company, name=t) for t in ("A-liste", "Intervju")])
            companies = list(Company.objects.order_by("pk").values_list("pk", flat=True))
            sources = {}
            for pk in companies:
                events = list(
                    Event.objects.filter(company_id=pk).exclude(name=DEMO_EVENT).values_list("pk", flat=True)
                )
                postings = list(JobPosting.objects.filter(company_id=pk).values_list("pk", flat=True))
                tags = list(Tag.objects.filter(company_id=pk).values_list("pk", flat=True))
                sources[pk] = (events, postings, tags)

            add = max(0, total_candidates - Candidate.objects.count())
            if add == 0:
                return
            cand_id = _next_id(Candidate)
            share_id = _next_id(Share)
            people = self._people(rng, add, start=cand_id, bulk=True)
            cand_rows, share_rows, touch_rows, tag_rows = [], [], [], []
            statuses = ["not_reviewed"] * 6 + ["starred", "follow_up", "archived"]
            for offset, person in enumerate(people):
                cid = cand_id + offset
                cand_rows.append(
                    (
                        cid,
                        person["first_name"],
                        person["last_name"],
                        person["email"],
                        person["phone"],
                        person["school"],
                        person["study_programme"],
                        person["graduation_year"],
                        person["grade_average"],
                        person["linkedin_url"],
                        "",
                        person["created_at"],
                    )
                )
                home = companies[offset % len(companies)]
                targets = [home]
                if rng.random() < 0.25 and len(companies) > 1:
                    targets.append(companies[(offset + 1) % len(companies)])
                for company_id in targets:
                    added = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
                    share_rows.append((share_id, cid, company_id, rng.choice(statuses), added))
                    events, postings, tags = sources[company_id]
                    roll = rng.random()
                    if roll < 0.55 and events:
                        touch_rows.append((share_id, "event", rng.choice(events), None, added))
                    elif roll < 0.85 and postings:
                        touch_rows.append((share_id, "job_posting", None, rng.choice(postings), added))
                    else:
                        touch_rows.append((share_id, "shared_profile", None, None, added))
                    if tags and rng.random() < 0.3:
                        tag_rows.append((share_id, rng.choice(tags)))
                    share_id += 1
            _insert(
                Candidate,
                [
                    "id",
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "school",
                    "study_programme",
                    "graduation_year",
                    "grade_average",
                    "linkedin_url",
                    "cv_url",
                    "created_at",
                ],
                cand_rows,
            )
            _insert(
                Share,
                ["id", "candidate_id", "company_id", "status", "created_at"],
                share_rows,
                defaults={"suppressed_reason": ""},
            )
            _insert(Touchpoint, ["share_id", "kind", "event_id", "job_posting_id", "occurred_at"], touch_rows)
            _insert(Share.tags.through, ["share_id", "tag_id"], tag_rows)
            _reset_sequences(Candidate, Share)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Bulk: {len(cand_rows)} candidates, {len(share_rows)} shares, {len(touch_rows)} touchpoints "
            f"in {time.monotonic() - started:.1f} s."
        )


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _insert(model, columns: list[str], rows: list[tuple], *, defaults: dict | None = None) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    defaults = defaults or {}
    columns = columns + list(defaults)
    extra = tuple(defaults.values())
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(rows), 200_000):
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                for row in rows[start : start + 200_000]:
                    writer.writerow(["\\N" if v is None else v for v in row + extra])
                buffer.seek(0)
                cursor.cursor.copy_expert(
                    f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
            # Fresh statistics, so the deferred foreign-key checks at commit (and the next table's
            # plans) use the indexes; on a new database the planner thinks the table is empty.
            cursor.execute(f"ANALYZE {table}")
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 - names come from models
            for start in range(0, len(rows), 10_000):
                cursor.executemany(sql, [row + extra for row in rows[start : start + 10_000]])


def _reset_sequences(*models) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
