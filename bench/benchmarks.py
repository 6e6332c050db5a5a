"""The benchmarks. Each takes the shared Context and returns rows of (name, figure, unit, notes).

The bench process itself is a Django process on the benchmark database (run.py sets DATABASE_URL
before django.setup()); seeding and migrating run as `manage.py` subprocesses, sending runs in real
`celery worker` subprocesses on a queue of the benchmark's own.
"""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.dbs import Server, manage
from bench.worker import Worker

SUBJECT = 'Takk for praten på {{ event_name | default("standen vår") }}, {{ first_name }}!'
BODY = (
    "Hei {{ first_name }},\n\n"
    'Takk for at du tok turen innom {{ event_name | default("standen vår") }}. Det var hyggelig å høre '
    'om {{ study_programme | default("studiene dine") }} på {{ school | default("studiestedet ditt") }}.\n\n'
    "Les mer om stillingene våre på https://demo.example/jobb og svar gjerne på denne e-posten.\n\n"
    "Vennlig hilsen\n{{ recruiter_name }}\n{{ company_name }}\n\n"
    "Vil du ikke ha flere e-poster fra oss? {{ unsubscribe_url }}"
)
SENDER_EMAIL = "sender@bench.example"
BENCH_COMPANY = "Bench AS"


@dataclass
class Row:
    name: str
    figure: float | None
    unit: str
    notes: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "figure": self.figure, "unit": self.unit, "notes": self.notes}


@dataclass
class Options:
    full: bool = False
    requests: int = 20
    seed_timeout: float = 180.0
    full_seed_timeout: float = 900.0


@dataclass
class Context:
    """What the benchmarks share: one database (created lazily, dropped at the end) and one queue."""

    server: Server
    db_name: str
    queue: str
    options: Options
    state: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)

    @property
    def db_url(self) -> str:
        return self.server.url_for(self.db_name)

    # -- the database, step by step -----------------------------------------------------------

    def create_db(self, name: str) -> str:
        self.created.append(name)
        return self.server.create(name)

    def ensure_migrated(self) -> None:
        if "migrated" in self.state:
            return
        self.create_db(self.db_name)
        timed = manage(["migrate", "--noinput", "-v", "0"], database_url=self.db_url, timeout=300)
        if timed.returncode != 0:
            raise RuntimeError(timed.failure("migrate"))
        self.state.add("migrated")

    def ensure_demo(self) -> None:
        """The 100,000-candidate demo. Loaded in two runs of seed_demo (the demo, then the bulk),
        because one run on a fresh database is pathologically slow (see the seed benchmark)."""
        self.ensure_migrated()
        if "demo" in self.state:
            return
        for args in (["seed_demo"], ["seed_demo", "--candidates", "100000", "--companies", "10"]):
            timed = manage(args, database_url=self.db_url, timeout=600)
            if timed.returncode != 0:
                raise RuntimeError(timed.failure(" ".join(args)))
        self.state.add("demo")

    def ensure_sender(self, recipients: int = 50_000) -> None:
        """Bench AS: a company with `recipients` shares (each with an event touchpoint) and one recruiter.

        Inserted with set-based SQL, sharing the demo's existing candidates (and making more if the
        database has fewer), so the worker's context query meets a realistic touchpoint table.
        """
        if "sender" in self.state:
            return
        self.ensure_demo()
        from django.db import connection, transaction
        from django.utils import timezone

        from candidates.models import Candidate
        from events.models import Event
        from poption.accounts.models import Company, User

        now = timezone.now()
        with transaction.atomic():
            company = Company.objects.create(name=BENCH_COMPANY, slug="bench-as")
            user = User.objects.create_user(
                SENDER_EMAIL, "bench", display_name="Berit Benk", company=company, role=User.Role.RECRUITER
            )
            user.inboxes.create(email="berit.benk@bench.example", verified_at=now)
            user.reply_to_email = "berit.benk@bench.example"
            user.save(update_fields=["reply_to_email"])
            event = Event.objects.create(
                company=company, name="Bench Karrieredag", kind=Event.Kind.CAREER_FAIR, starts_at=now
            )
            missing = recipients - Candidate.objects.count()
            with connection.cursor() as cursor:
                if missing > 0:
                    cursor.execute(
                        """
                        INSERT INTO candidates_candidate
                            (first_name, last_name, email, phone, school, study_programme,
                             graduation_year, grade_average, linkedin_url, cv_url, created_at)
                        SELECT 'Benk', 'Kandidat ' || g, 'benk.kandidat.' || g || '@students.example', '',
                               'NTNU', 'Datateknologi', 2027, 4.2, '', '', %(now)s
                        FROM generate_series(1, %(n)s) AS g
                        """,
                        {"n": missing, "now": now},
                    )
                cursor.execute(
                    """
                    INSERT INTO candidates_share (candidate_id, company_id, status, created_at, suppressed_reason)
                    SELECT id, %(company)s, 'not_reviewed', %(now)s, ''
                    FROM candidates_candidate ORDER BY id LIMIT %(n)s
                    """,
                    {"company": company.pk, "now": now, "n": recipients},
                )
                cursor.execute(
                    """
                    INSERT INTO candidates_touchpoint (share_id, kind, event_id, occurred_at)
                    SELECT id, 'event', %(event)s, %(now)s FROM candidates_share WHERE company_id = %(company)s
                    """,
                    {"company": company.pk, "event": event.pk, "now": now},
                )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE candidates_candidate, candidates_share, candidates_touchpoint")
        self.state.add("sender")

    def sender(self):
        from poption.accounts.models import User

        return User.objects.select_related("company").get(email=SENDER_EMAIL)

    def recipients(self, count: int) -> list[int]:
        from candidates.models import Share

        sender = self.sender()
        ids = list(
            Share.objects.for_company(sender.company)
            .order_by("candidate_id")
            .values_list("candidate_id", flat=True)[:count]
        )
        if len(ids) < count:
            raise RuntimeError(f"{BENCH_COMPANY} has {len(ids)} candidates, {count} wanted")
        return ids

    def purge_queue(self) -> None:
        from poption.celery import app

        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(self.queue)


# -- 1. seed_demo -----------------------------------------------------------------------------


def _seed_note(output: str) -> str:
    match = re.search(r"Bulk: (\d+) candidates, (\d+) shares, (\d+) touchpoints in ([\d.]+) s", output)
    if not match:
        return ""
    return f"{int(match[1]):,} candidates, {int(match[2]):,} shares, {int(match[3]):,} touchpoints"


def bench_seed(ctx: Context) -> list[Row]:
    """seed_demo --candidates 100000 --companies 10 into a fresh, migrated database: one command."""
    ctx.ensure_migrated()
    timeout = ctx.options.seed_timeout
    args = ["seed_demo", "--candidates", "100000", "--companies", "10"]
    timed = manage(args, database_url=ctx.db_url, timeout=timeout)
    rows = []
    if timed.timed_out:
        rows.append(
            Row(
                "seed_demo 100k/10, fresh db",
                None,
                "s",
                f"TIMEOUT: killed after {timeout:.0f} s (--seed-timeout); see bench/README.md, Findings",
            )
        )
    elif timed.returncode != 0:
        raise RuntimeError(timed.failure("seed_demo"))
    else:
        rows.append(
            Row(
                "seed_demo 100k/10, fresh db",
                round(timed.seconds, 1),
                "s",
                f"wall time of `manage.py {' '.join(args)}` (incl. ~1 s start-up); {_seed_note(timed.output)}",
            )
        )
        ctx.state.add("demo")
        return rows
    # The killed client's backend may still be in its COMMIT: end it, so its transaction rolls back.
    ctx.server.terminate(ctx.db_name)
    # The demo part was committed before the kill: a second run only does the bulk, in a new session.
    timed = manage(args, database_url=ctx.db_url, timeout=600)
    if timed.returncode != 0:
        raise RuntimeError(timed.failure("seed_demo (second run)"))
    rows.append(
        Row(
            "seed_demo 100k/10, demo loaded",
            round(timed.seconds, 1),
            "s",
            f"the same command again, in a new process, the demo already there: {_seed_note(timed.output)}",
        )
    )
    ctx.state.add("demo")
    return rows


def bench_seed_full(ctx: Context) -> list[Row]:
    """1,000,000 candidates across 100 companies, in a database of its own (dropped right after)."""
    name = f"{ctx.db_name}_full"
    url = ctx.create_db(name)
    try:
        migrate = manage(["migrate", "--noinput", "-v", "0"], database_url=url, timeout=300)
        if migrate.returncode != 0:
            raise RuntimeError(migrate.failure("migrate"))
        args = ["seed_demo", "--candidates", "1000000", "--companies", "100"]
        timeout = ctx.options.full_seed_timeout
        rows = []
        timed = manage(args, database_url=url, timeout=timeout)
        if timed.timed_out:
            rows.append(
                Row("seed_demo 1M/100, fresh db", None, "s", f"TIMEOUT: killed after {timeout:.0f} s")
            )
            ctx.server.terminate(name)
            timed = manage(args, database_url=url, timeout=timeout)
            label, how = "seed_demo 1M/100, demo loaded", "the same command again, the demo already there: "
        else:
            label, how = "seed_demo 1M/100, fresh db", f"wall time of `manage.py {' '.join(args)}`; "
        if timed.timed_out:
            rows.append(Row(label, None, "s", f"TIMEOUT: killed after {timeout:.0f} s"))
        elif timed.returncode != 0:
            raise RuntimeError(timed.failure("seed_demo"))
        else:
            rows.append(Row(label, round(timed.seconds, 1), "s", how + _seed_note(timed.output)))
        return rows
    finally:
        ctx.server.drop(name)
        ctx.created.remove(name)


# -- 2. the candidate list page ---------------------------------------------------------------


def _measure(request: Callable, *, count: int, expect: int) -> tuple[list[float], int, int]:
    """`count` timed calls after two warm-ups, then one more under CaptureQueriesContext for the count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = request()
        if response.status_code != expect:
            raise RuntimeError(f"answered {response.status_code}, expected {expect}")
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = request()
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        response = request()
    return times, len(queries), len(response.content)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench_list(ctx: Context) -> list[Row]:
    """/candidates/ for recruiter@demo.example through django.test.Client: five views and select-all."""
    ctx.ensure_demo()
    from django.db.models import Count
    from django.test import Client

    from candidates.demo_data import LAST_NAMES
    from candidates.selectors import candidate_list
    from events.models import Event
    from poption.accounts.models import User

    user = User.objects.select_related("company").get(email="recruiter@demo.example")
    company = user.company
    client = Client()
    client.force_login(user)
    event = (
        Event.objects.filter(company=company)
        .annotate(n=Count("touchpoints"))
        .order_by("-n")
        .values_list("pk", "name", "n")
        .first()
    )
    word = "Hansen" if "Hansen" in LAST_NAMES else LAST_NAMES[0]
    variants = [
        ("list: default", {}),
        ("list: 250 per page", {"per_page": "250"}),
        ("list: source = one event", {"source": f"event:{event[0]}"}),
        ("list: search", {"q": word}),
        ("list: sort by grade", {"sort": "-grade"}),
    ]
    rows = []
    count = ctx.options.requests
    for name, params in variants:
        matches = candidate_list(company=company, filters=params, request=None).count()
        times, queries, size = _measure(
            lambda p=params: client.get("/candidates/", p), count=count, expect=200
        )
        extra = {
            "list: source = one event": f" ({event[1]!r})",
            "list: search": f" (q={word!r})",
        }.get(name, "")
        rows.append(_timing_row(name, times, queries, f"{matches:,} match{extra}; {size // 1024} KiB"))

    # Select all matching (the default filter: every active candidate), then the list with them selected.
    def select_all():
        return client.post("/candidates/selection/select-all/", {"query": ""})

    try:
        times, queries, _size = _measure(select_all, count=count, expect=302)
    except RuntimeError as exc:
        rows.append(Row("list: select all matching", None, "ms", f"no usable endpoint: {exc}"))
        return rows
    from candidates.selection import SESSION_KEY

    selected = len(client.session.get(SESSION_KEY, []))
    rows.append(_timing_row("list: select all matching", times, queries, f"POST, {selected:,} selected"))
    times, queries, size = _measure(lambda: client.get("/candidates/"), count=count, expect=200)
    rows.append(
        _timing_row("list: default, all selected", times, queries, f"{selected:,} ids in the session")
    )
    client.post("/candidates/selection/clear/", {"query": ""})
    return rows


def _timing_row(name: str, times: list[float], queries: int, notes: str) -> Row:
    median = statistics.median(times) * 1000
    return Row(
        name,
        round(median, 1),
        "ms median",
        f"p95 {_p95(times) * 1000:.1f} ms, {queries} queries, n={len(times)}; {notes}",
    )


# -- 3. mailing_create ------------------------------------------------------------------------


def bench_mailing_create(ctx: Context) -> list[Row]:
    """mailing_create with 50,000 recipients (Bench AS, added to the demo with set-based SQL): median of 3."""
    ctx.ensure_sender(50_000)
    from django.db import connection

    from mailing.services import mailing_create

    sender = ctx.sender()
    recipients = ctx.recipients(50_000)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        mailing = mailing_create(sender=sender, recipients=recipients, subject=SUBJECT, body=BODY)
        times.append(time.perf_counter() - started)
        created = mailing.deliveries.count()
        if created != len(recipients):
            raise RuntimeError(f"{created} deliveries for {len(recipients)} recipients")
        # Nobody consumes the queue yet: take the enqueued dispatch back, and the rows with it.
        ctx.purge_queue()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM mailing_delivery WHERE mailing_id = %s", [mailing.pk])
            cursor.execute("DELETE FROM mailing_mailing WHERE id = %s", [mailing.pk])
    return [
        Row(
            "mailing_create, 50,000 recipients",
            round(statistics.median(times), 2),
            "s median of 3",
            "runs " + ", ".join(f"{t:.2f}" for t in times) + " s; validate, visibility check, "
            "INSERT ... SELECT of 50,000 deliveries, commit, enqueue on commit",
        )
    ]


# -- 4 to 6. the worker -----------------------------------------------------------------------


@dataclass
class SendRun:
    sent: int
    statuses: dict[str, int]
    window: float | None  # first claim to last sent, from the rows' own timestamps
    end_to_end: float  # mailing_create returned to the mailing seen "done"
    timed_out: bool

    @property
    def rate(self) -> float | None:
        if not self.window or not self.sent:
            return None
        return self.sent / self.window


def _send_and_wait(
    ctx: Context, *, recipients: int, timeout: float, on_poll: Callable[[], None] = lambda: None
) -> SendRun:
    from django.db.models import Count, Max, Min

    from mailing.models import Delivery, Mailing
    from mailing.services import mailing_create

    ids = ctx.recipients(recipients)
    mailing = mailing_create(sender=ctx.sender(), recipients=ids, subject=SUBJECT, body=BODY)
    started = time.perf_counter()
    deadline = started + timeout
    timed_out = True
    while time.perf_counter() < deadline:
        if Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DONE).exists():
            timed_out = False
            break
        on_poll()
        time.sleep(0.1)
    end_to_end = time.perf_counter() - started
    deliveries = Delivery.objects.filter(mailing=mailing)
    statuses = dict(deliveries.order_by().values_list("status").annotate(n=Count("id")))
    span = deliveries.filter(status="sent").aggregate(first=Min("claimed_at"), last=Max("sent_at"))
    window = None
    if span["first"] and span["last"]:
        window = (span["last"] - span["first"]).total_seconds()
    return SendRun(statuses.get("sent", 0), statuses, window, end_to_end, timed_out)


def _limits_note() -> str:
    """The settings that bound a worker's throughput, and whether the code reads the rate limit yet."""
    from pathlib import Path

    from django.conf import settings

    import mailing

    source = "".join(
        p.read_text() for p in Path(mailing.__file__).parent.glob("*.py") if p.name not in {"apps.py"}
    )
    rate = settings.MAILING_RATE_PER_SECOND
    enforced = "enforced" if "MAILING_RATE_PER_SECOND" in source else "not read by the code"
    return f"MAILING_CHUNK_SIZE={settings.MAILING_CHUNK_SIZE}, MAILING_RATE_PER_SECOND={rate:g} ({enforced})"


def _worker_row(name: str, run: SendRun, worker: Worker, recipients: int, extra: str = "") -> Row:
    others = {k: v for k, v in sorted(run.statuses.items()) if k != "sent"}
    notes = (
        f"{worker.describe()}; {run.sent:,}/{recipients:,} sent"
        + (f", others {others}" if others else "")
        + (f", first claim to last send {run.window:.1f} s" if run.window else "")
        + f", create to done {run.end_to_end:.1f} s"
        + (" TIMEOUT (mailing not done)" if run.timed_out else "")
        + (f"; {extra}" if extra else "")
    )
    figure = round(run.rate, 1) if run.rate else None
    return Row(name, figure, "msg/s", notes)


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    from pathlib import Path

    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU spent during a send by the worker, by PostgreSQL's backends for our database (a local
    server, read from /proc), by this process (which also runs the SMTP server or the fake ESP), and
    how busy the machine was."""

    def __init__(self, ctx: Context, worker: Worker):
        self.ctx, self.worker = ctx, worker

    def _postgres(self) -> dict[int, float]:
        from django.db import connection

        from bench.worker import cpu_of

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            pids = {row[0] for row in cursor.fetchall()}
        return cpu_of(pids)

    def __enter__(self) -> "CpuMeter":
        self.worker_cpu = self.worker.cpu_seconds()
        self.pg_start = self._postgres()
        self.pg_seen = dict(self.pg_start)
        self.own = time.process_time()
        self.busy = _machine_busy()
        return self

    def sample(self) -> None:
        # Celery closes the database connection around every task, so backends come and go:
        # remember each one's latest figure while it lives.
        self.pg_seen.update(self._postgres())

    def __exit__(self, *exc) -> None:
        busy, total = _machine_busy()
        self.machine = 100 * (busy - self.busy[0]) / max(total - self.busy[1], 1)
        self.own = time.process_time() - self.own
        self.worker_cpu = self.worker.cpu_seconds() - self.worker_cpu
        self.sample()
        self.pg = sum(cpu - self.pg_start.get(pid, 0.0) for pid, cpu in self.pg_seen.items())

    def note(self, messages: int) -> str:
        per = 1000 / max(messages, 1)
        return (
            f"CPU ms/msg: worker {self.worker_cpu * per:.1f}, postgres {self.pg * per:.1f}, "
            f"bench+server {self.own * per:.1f}; machine {self.machine:.0f}% busy"
        )


def _run_worker(
    ctx: Context,
    *,
    name: str,
    recipients: int,
    timeout: float,
    env: dict[str, str],
    pool: str | None = None,
    concurrency: int | None = None,
    extra: Callable[[], str] | None = None,
) -> Row:
    ctx.ensure_sender(50_000)
    ctx.purge_queue()
    worker = Worker(
        queue=ctx.queue, database_url=ctx.db_url, env=env, pool=pool, concurrency=concurrency, name=name
    )
    with worker:
        with CpuMeter(ctx, worker) as cpu:
            run = _send_and_wait(ctx, recipients=recipients, timeout=timeout, on_poll=cpu.sample)
        tail = worker.log_tail(6).replace("\n", " | ") if run.sent < recipients else ""
    notes = [cpu.note(run.sent), extra() if extra else "", f"worker log: {tail}" if tail else ""]
    return _worker_row(name, run, worker, recipients, "; ".join(filter(None, notes)))


NO_RATE_LIMIT = {"MAILING_RATE_PER_SECOND": "0"}


def bench_worker_anymail(ctx: Context) -> list[Row]:
    """Worker into Anymail's test backend (no network): at the default settings, then without the rate limit."""
    backend = {"EMAIL_BACKEND": "bench.backends.UniqueIdTestBackend"}
    rows = [
        _run_worker(
            ctx,
            name="worker -> anymail test, defaults",
            recipients=5_000,
            timeout=300,
            env=backend,
            concurrency=2,
            extra=_limits_note,
        ),
        _run_worker(
            ctx,
            name="worker -> anymail test, no rate limit",
            recipients=5_000,
            timeout=300,
            env={**backend, **NO_RATE_LIMIT},
            concurrency=2,
            extra=lambda: "MAILING_RATE_PER_SECOND=0",
        ),
    ]
    # The stock backend, as the issue names it, on a small mailing: its ids are per-process indexes.
    rows.append(
        _run_worker(
            ctx,
            name="worker -> anymail test (stock backend)",
            recipients=500,
            timeout=30,
            env={"EMAIL_BACKEND": "anymail.backends.test.EmailBackend", **NO_RATE_LIMIT},
            concurrency=2,
        )
    )
    return rows


def bench_worker_smtp(ctx: Context) -> list[Row]:
    """Worker into a real SMTP server (aiosmtpd on 127.0.0.1), default settings and without the rate limit."""
    from tests.support.smtp import SMTPServer

    rows = []
    for name, env in (("defaults", {}), ("no rate limit", NO_RATE_LIMIT)):
        with SMTPServer() as smtp:
            rows.append(
                _run_worker(
                    ctx,
                    name=f"worker -> SMTP (aiosmtpd), {name}",
                    recipients=2_000,
                    timeout=300,
                    env={"EMAIL_URL": smtp.url, **env},
                    concurrency=2,
                    extra=lambda smtp=smtp: (
                        f"server received {len(smtp.handler.received):,}, "
                        f"max per address {max(smtp.handler.by_recipient().values(), default=0)}"
                    ),
                )
            )
    return rows


def _http_env(url: str) -> dict[str, str]:
    return {
        "ANYMAIL_ESP": "postmark",
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "x",
        "ANYMAIL_POSTMARK_API_URL": url,
    }


def _http_row(
    ctx: Context,
    *,
    name: str,
    recipients: int,
    timeout: float,
    pool: str | None = None,
    concurrency: int | None = None,
    env: dict[str, str] | None = None,
) -> Row:
    from bench.fake_esp import FakePostmark

    with FakePostmark(delay=0.1) as esp:
        return _run_worker(
            ctx,
            name=name,
            recipients=recipients,
            timeout=timeout,
            env={**_http_env(esp.url), **(env or {})},
            pool=pool,
            concurrency=concurrency,
            extra=lambda: (
                f"ESP calls {esp.server.calls:,}, max in flight {esp.server.max_in_flight}, "
                f"max per address {max(esp.server.recipients.values(), default=0)}"
            ),
        )


def bench_worker_http_default(ctx: Context) -> list[Row]:
    """Worker at its default settings (pool, concurrency, chunk, rate) against a fake ESP answering in 100 ms."""
    row = _http_row(ctx, name="worker -> 100 ms HTTP ESP, defaults", recipients=1_000, timeout=240)
    row.notes += "; " + _limits_note()
    return [row]


def bench_worker_http_threads(ctx: Context) -> list[Row]:
    """The same with `--pool threads --concurrency 64`: at the default rate limit, then without it."""
    return [
        _http_row(
            ctx,
            name="worker -> 100 ms HTTP ESP, threads 64",
            recipients=5_000,
            timeout=240,
            pool="threads",
            concurrency=64,
        ),
        _http_row(
            ctx,
            name="... threads 64, no rate limit",
            recipients=5_000,
            timeout=240,
            pool="threads",
            concurrency=64,
            env=NO_RATE_LIMIT,
        ),
    ]


BENCHMARKS: dict[str, Callable[[Context], list[Row]]] = {
    "seed": bench_seed,
    "seed_full": bench_seed_full,
    "list": bench_list,
    "mailing_create": bench_mailing_create,
    "worker_anymail": bench_worker_anymail,
    "worker_smtp": bench_worker_smtp,
    "worker_http_default": bench_worker_http_default,
    "worker_http_threads": bench_worker_http_threads,
}
