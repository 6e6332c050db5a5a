"""Issue 4 in the browser: compose from a template with a placeholder, send, and read the outbox.

A real Celery worker (Redis, the test database) sends; its email backend writes files, so the
test reads the messages exactly as they left.
"""

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.conftest import WorkerProcess
from tests.e2e.conftest import DEMO_EVENT, DEMO_EVENT_SIZE, DEMO_REPLY_TO, login, shot
from tests.e2e.pages import (
    body_field,
    candidate_names,
    candidate_rows,
    choose_source,
    compose_preview,
    compose_recipients,
    insert_placeholder,
    select_page_checkbox,
    send_email_action,
)

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

TEMPLATE = "Thank you (English)"
PS_LINE = "P.S. See you soon, "
# Django's file backend ends every message with this line.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@pytest.fixture
def outbox(tmp_path) -> Path:
    path = tmp_path / "outbox"
    path.mkdir()
    return path


@pytest.fixture
def worker(demo, celery_queue, outbox):
    """A real worker, started after the demo is seeded, writing its email into `outbox`."""
    worker = WorkerProcess(celery_queue, extra_env={"EMAIL_URL": f"filemail://{outbox}"}).start()
    yield worker
    worker.stop()


def read_outbox(outbox: Path) -> list[EmailMessage]:
    messages = []
    for path in sorted(outbox.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                messages.append(message_from_bytes(chunk.lstrip(b"\n"), policy=policy.default))
    return messages


def wait_for_sent(page: Page, count: int) -> None:
    """The mailing page updates itself while the worker sends: no reload."""
    counts = page.get_by_role("list", name="Counts")
    expect(counts.get_by_text(re.compile(rf"^\s*{count} sent\s*$"))).to_be_visible(timeout=20_000)


def first_names_by_email(emails) -> dict[str, str]:
    from candidates.models import Candidate

    return dict(Candidate.objects.filter(email__in=emails).values_list("email", "first_name"))


def assert_individual_and_personal(messages: list[EmailMessage], expected_emails: set[str]) -> None:
    """One message per recipient, to that recipient alone, in their own words.

    Django's file backend writes the headers as sent and never a Bcc header, so a hidden Bcc would
    not show here; the SMTP integration test (tests/mailing) checks the envelope recipients.
    """
    first_names = first_names_by_email(expected_emails)
    seen = []
    for msg in messages:
        to = getaddresses(msg.get_all("To", []))
        assert len(to) == 1, f"one recipient in To, not {to}"
        address = to[0][1].lower()
        seen.append(address)
        assert msg.get_all("Cc") is None and msg.get_all("Bcc") is None, "no Cc, no Bcc"
        assert [a for _, a in getaddresses(msg.get_all("Reply-To", []))] == [DEMO_REPLY_TO]
        assert parseaddr(msg["From"]) == ("Kari Nordmann | Demo AS", settings.MAILING_FROM_EMAIL)
        first = first_names[address]
        assert msg["Subject"] == f"Great to meet you, {first}"
        text = msg.get_body(preferencelist=("plain",)).get_content()
        assert f"Hi {first}," in text
        assert f"{PS_LINE}{first}!" in text, "the placeholder inserted with the picker is filled in"
        assert "{{" not in text
        html = msg.get_body(preferencelist=("html",)).get_content()
        assert f"{PS_LINE}{first}!" in html, "the HTML alternative says the same"
    assert sorted(seen) == sorted(expected_emails), "one message to each recipient, none twice"


def compose_from_template(page: Page) -> None:
    """Choose the English thank-you template, then add a line with the first-name placeholder."""
    page.get_by_label("Template", exact=True).select_option(label=TEMPLATE)
    expect(page.get_by_label("Subject", exact=True)).to_have_value("Great to meet you, {{ first_name }}")
    body = body_field(page)
    expect(body).to_have_value(re.compile(r"^Hi \{\{ first_name \}\},"))
    body.focus()
    body.press("Control+End")
    body.press_sequentially(f"\n\n{PS_LINE}")
    insert_placeholder(page, "first_name")
    body.press("End")
    body.press_sequentially("!")
    expect(body).to_have_value(re.compile(re.escape(PS_LINE + "{{ first_name }}!") + r"$"))


def test_it_sends_seven_individual_personal_emails_through_the_worker(page, demo, worker, outbox):
    from candidates.models import Candidate

    event_emails = set(
        Candidate.objects.filter(shares__touchpoints__event__name=DEMO_EVENT).values_list("email", flat=True)
    )
    assert len(event_emails) == DEMO_EVENT_SIZE

    login(page, demo)
    choose_source(page, DEMO_EVENT, group="Events")
    expect(candidate_rows(page)).to_have_count(DEMO_EVENT_SIZE)
    names = candidate_names(page)
    select_page_checkbox(page).check()
    send_email_action(page).click()
    page.wait_for_url(re.compile(r"/mailing/compose/"))
    expect(compose_recipients(page)).to_have_count(DEMO_EVENT_SIZE)

    compose_from_template(page)
    preview = compose_preview(page)
    first_names = {n.split()[0] for n in names}
    expect(preview).to_contain_text(re.compile(rf"Hi ({'|'.join(map(re.escape, first_names))}),"))
    expect(preview).to_contain_text(re.compile(rf"{re.escape(PS_LINE)}\w+!"))
    expect(preview).not_to_contain_text("{{")
    shot(page, "compose-template-preview")

    send_email_action(page).click()
    page.wait_for_url(re.compile(r"/mailing/\d+/$"))
    wait_for_sent(page, DEMO_EVENT_SIZE)
    shot(page, "mailing-seven-sent")

    from mailing.models import Mailing

    mailing = Mailing.objects.get(pk=int(re.search(r"/mailing/(\d+)/$", page.url)[1]))
    assert sorted(mailing.deliveries.values_list("email", "status")) == sorted(
        (email, "sent") for email in event_emails
    )

    assert_individual_and_personal(read_outbox(outbox), event_emails)


def test_it_sends_one_email_from_a_candidate_profile(page, demo, worker, outbox, mailoutbox):
    login(page, demo)
    choose_source(page, DEMO_EVENT, group="Events")
    expect(candidate_rows(page)).to_have_count(DEMO_EVENT_SIZE)
    name = candidate_names(page)[0]
    candidate_rows(page).first.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(r"/candidates/\d+/$"))
    send_email_action(page).click()
    page.wait_for_url(re.compile(r"/mailing/compose/"))
    expect(compose_recipients(page)).to_have_text([name])

    compose_from_template(page)
    expect(compose_preview(page)).to_contain_text(f"Hi {name.split()[0]},")

    # The test goes from the web process to the recruiter's own inbox; the draft stays on the page.
    page.get_by_role("button", name="Send test to me").click()
    expect(page.get_by_text(f"A test email went to {DEMO_REPLY_TO}")).to_be_visible()
    assert [m.to for m in mailoutbox] == [[DEMO_REPLY_TO]]
    assert mailoutbox[0].subject == f"[Test] Great to meet you, {name.split()[0]}"
    expect(compose_recipients(page)).to_have_text([name])
    expect(page.get_by_label("Subject", exact=True)).to_have_value("Great to meet you, {{ first_name }}")
    expect(body_field(page)).to_have_value(re.compile(re.escape(PS_LINE + "{{ first_name }}!") + r"$"))
    shot(page, "compose-test-sent")

    send_email_action(page).click()
    page.wait_for_url(re.compile(r"/mailing/\d+/$"))
    wait_for_sent(page, 1)
    shot(page, "mailing-one-sent")

    messages = read_outbox(outbox)
    assert len(messages) == 1
    (address,) = (a for _, a in getaddresses(messages[0].get_all("To", [])))
    assert_individual_and_personal(messages, {address})
    from candidates.models import Candidate

    candidate = Candidate.objects.get(email=address)
    assert f"{candidate.first_name} {candidate.last_name}" == name
