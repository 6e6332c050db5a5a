import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.functional import Promise

from candidates.models import Share, Touchpoint
from mailing.models import BODY_MAX, SUBJECT_MAX
from mailing.rendering import (
    FILTERS,
    OUTPUT_MAX,
    PLACEHOLDERS,
    CompiledMailing,
    RenderedMessage,
    TemplateError,
    build_context,
    build_contexts,
    placeholders_without_default,
    sample_context,
    used_placeholders,
    validate_body,
    validate_subject,
)
from tests.factories import (
    CandidateFactory,
    EventFactory,
    JobPostingFactory,
    ShareFactory,
    TouchpointFactory,
)


def render(body: str, subject: str = "Hello", **values: str) -> RenderedMessage:
    return CompiledMailing(subject=subject, body=body).render(values)


# --- the allowlist -------------------------------------------------------------------------------


def test_the_placeholders_are_the_designed_ones_in_order_each_with_a_translatable_description():
    assert list(PLACEHOLDERS) == [
        "first_name",
        "last_name",
        "full_name",
        "email",
        "school",
        "study_programme",
        "graduation_year",
        "event_name",
        "job_title",
        "company_name",
        "recruiter_name",
        "recruiter_first_name",
        "recruiter_email",
        "unsubscribe_url",
    ]
    assert all(isinstance(description, Promise) and str(description) for description in PLACEHOLDERS.values())
    assert FILTERS == ("default", "upper", "lower", "title", "capitalize", "trim")


@pytest.mark.parametrize("name", list(PLACEHOLDERS))
def test_every_placeholder_is_accepted_and_rendered(name):
    source = f"Value: {{{{ {name} }}}}"
    validate_subject(source)
    validate_body(source)
    assert render(source, **{name: "x"}).text == "Value: x"


def test_every_filter_can_be_chained_after_a_default():
    source = "{{ first_name | default('there') | trim | lower | capitalize | title | upper }}"
    validate_body(source)
    assert render(source, first_name="").text == "THERE"


def test_jinja_comments_and_whitespace_control_are_allowed():
    message = render("Hi {# say hello #}\n   {{- first_name -}}  !", first_name="Ada")
    assert message.text == "Hi Ada!"


def test_text_around_placeholders_is_kept_as_written():
    body = "Hi {{ first_name }},\r\n\r\nPrices are 100% {fair} & (nice).\n"
    assert render(body, first_name="Ada").text == "Hi Ada,\n\nPrices are 100% {fair} & (nice).\n"


# --- refusals and their messages -----------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_with_its_line_and_the_allowed_placeholders():
    with pytest.raises(TemplateError) as refused:
        validate_body("Hi {{ first_name }},\n\nSee you at {{ event }}.")

    error = refused.value
    assert error.lineno == 3
    assert error.field == "body"
    assert "“event” is not a placeholder" in error.message
    assert "event_name" in error.message
    assert "first_name, last_name, full_name" in error.message
    assert str(error).startswith("Line 3: “event” is not a placeholder.")


def test_an_unknown_filter_is_refused_naming_the_allowed_filters():
    with pytest.raises(TemplateError) as refused:
        validate_body("{{ first_name | reverse }}")
    assert "“reverse” is not a filter" in refused.value.message
    assert "default, upper, lower, title, capitalize, trim" in refused.value.message


def test_a_syntax_error_is_refused_with_its_line():
    with pytest.raises(TemplateError) as refused:
        validate_body("Hi,\nthanks for coming.\n{{ first_name }")
    assert refused.value.lineno == 3
    assert "Line 3" in str(refused.value)


def test_a_statement_is_refused_by_its_name():
    with pytest.raises(TemplateError) as refused:
        validate_body("Hi\n{% if first_name %}{{ first_name }}{% endif %}")
    assert refused.value.lineno == 2
    assert "“{% if %}” cannot be used" in refused.value.message


def test_a_template_error_is_a_value_error_and_reads_without_a_line_when_there_is_none():
    error = TemplateError("The body is empty.", field="body")
    assert isinstance(error, ValueError)
    assert str(error) == "The body is empty."


@pytest.mark.parametrize("validate", [validate_subject, validate_body])
@pytest.mark.parametrize("source", ["", "   ", "\n\n"])
def test_an_empty_text_is_refused(validate, source):
    with pytest.raises(TemplateError):
        validate(source)


@pytest.mark.parametrize(
    "subject", ["Hello\nthere", "Hello\rthere", "Hello\r\nthere", "Hello {{ first_name }}\n"]
)
def test_a_subject_with_a_line_break_is_refused(subject):
    with pytest.raises(TemplateError) as refused:
        validate_subject(subject)
    assert refused.value.field == "subject"
    assert "single line" in refused.value.message
    with pytest.raises(TemplateError):
        CompiledMailing(subject=subject, body="Hi")


def test_the_subject_may_be_255_characters_and_no_more():
    validate_subject("x" * SUBJECT_MAX)
    with pytest.raises(TemplateError) as refused:
        validate_subject("x" * (SUBJECT_MAX + 1))
    assert "256" in refused.value.message
    assert "255" in refused.value.message
    assert SUBJECT_MAX == 255


def test_the_body_may_be_50000_characters_and_no_more():
    validate_body("x" * BODY_MAX)
    with pytest.raises(TemplateError) as refused:
        validate_body("x" * (BODY_MAX + 1))
    assert refused.value.field == "body"
    assert BODY_MAX == 50_000


def test_a_rendered_body_over_200000_characters_is_refused_for_that_recipient():
    mailing = CompiledMailing(subject="Hi", body="{{ school }}\n" * 1000)

    assert len(mailing.render({"school": "x" * 190}).text) == 191_000
    with pytest.raises(TemplateError) as refused:
        mailing.render({"school": "x" * 250})
    assert refused.value.field == "body"
    assert f"{OUTPUT_MAX}" in refused.value.message


def test_a_rendered_subject_too_long_for_the_delivery_record_is_refused():
    mailing = CompiledMailing(subject="{{ school }}" * 20, body="Hi")
    with pytest.raises(TemplateError) as refused:
        mailing.render({"school": "x" * 120})
    assert refused.value.field == "subject"


# --- rendering -------------------------------------------------------------------------------------


def test_one_compiled_mailing_renders_each_recipient_with_their_own_values():
    mailing = CompiledMailing(subject="Hi {{ first_name }}", body="Dear {{ full_name }},\nthanks!")

    ada = mailing.render({"first_name": "Ada", "full_name": "Ada Lovelace"})
    ola = mailing.render({"first_name": "Ola", "full_name": "Ola Nordmann"})

    assert (ada.subject, ada.text) == ("Hi Ada", "Dear Ada Lovelace,\nthanks!")
    assert (ola.subject, ola.text) == ("Hi Ola", "Dear Ola Nordmann,\nthanks!")


def test_a_value_that_looks_like_a_placeholder_is_rendered_literally():
    message = render("Hi {{ first_name }}", subject="Hi {{ first_name }}", first_name="{{ 7*7 }}")
    assert message.text == "Hi {{ 7*7 }}"
    assert message.subject == "Hi {{ 7*7 }}"
    assert "49" not in message.text


def test_script_in_a_value_is_kept_as_text_and_escaped_in_the_html():
    message = render("Hi {{ first_name }}", first_name="<script>alert(1)</script>")
    assert message.text == "Hi <script>alert(1)</script>"
    assert "<script>" not in message.html
    assert "Hi &lt;script&gt;alert(1)&lt;/script&gt;" in message.html


def test_markup_the_recruiter_writes_is_escaped_in_the_html_too():
    message = render('Hi <b onclick="x()">there</b> & welcome')
    assert message.html == "<p>Hi &lt;b onclick=&quot;x()&quot;&gt;there&lt;/b&gt; &amp; welcome</p>"


def test_blank_lines_make_paragraphs_and_single_newlines_line_breaks():
    message = render(
        "Hi {{ first_name }},\n\nThanks for coming.\nSee you soon.\n\n\n  \nKari\n", first_name="Ada"
    )
    assert message.html == "<p>Hi Ada,</p>\n<p>Thanks for coming.<br>\nSee you soon.</p>\n<p>Kari</p>"
    assert message.text == "Hi Ada,\n\nThanks for coming.\nSee you soon.\n\n\n  \nKari\n"


def test_urls_in_the_body_become_links_in_the_html():
    message = render(
        "Apply at https://alfa.example/jobs?id=1&src=mail. Or see (http://alfa.example/about).\n"
        "Wiki: https://en.wikipedia.org/wiki/Bergen_(city), not javascript:alert(1) or ftp://x.example"
    )
    assert (
        '<a href="https://alfa.example/jobs?id=1&amp;src=mail">https://alfa.example/jobs?id=1&amp;src=mail</a>.'
        in message.html
    )
    assert '(<a href="http://alfa.example/about">http://alfa.example/about</a>).' in message.html
    assert '<a href="https://en.wikipedia.org/wiki/Bergen_(city)">' in message.html
    assert message.html.count("<a ") == 3
    assert "https://alfa.example/jobs?id=1&src=mail." in message.text


def test_a_url_from_a_value_is_linked_but_cannot_break_out_of_the_attribute():
    message = render(
        "Unsubscribe: {{ unsubscribe_url }}",
        unsubscribe_url='https://poption.example/u/abc"><script>alert(1)</script>',
    )
    assert '<a href="https://poption.example/u/abc">https://poption.example/u/abc</a>' in message.html
    assert "&quot;&gt;&lt;script&gt;" in message.html
    assert "<script>" not in message.html


def test_the_subject_collapses_line_breaks_from_values_into_spaces():
    message = render("Hi", subject="Hi {{ first_name }}!", first_name="Ada\r\nBcc: x@evil.example\n")
    assert message.subject == "Hi Ada Bcc: x@evil.example !"
    assert "\n" not in message.subject
    assert "\r" not in message.subject


@pytest.mark.parametrize("value", ["", "   ", None])
def test_default_is_used_when_the_value_is_empty_or_missing(value):
    values = {} if value is None else {"first_name": value}
    message = CompiledMailing(
        subject="Hi {{ first_name | default('there') }}", body='Hi {{ first_name | default("there") }},'
    ).render(values)
    assert message.subject == "Hi there"
    assert message.text == "Hi there,"


def test_default_is_not_used_when_there_is_a_value():
    assert render('Hi {{ first_name | default("there") }}', first_name="Ada").text == "Hi Ada"


def test_default_without_an_argument_falls_back_to_nothing():
    assert render("Hi{{ first_name | default }}!", first_name="  ").text == "Hi!"


def test_a_missing_value_renders_as_nothing():
    assert render("Hi {{ first_name }}!").text == "Hi !"


@pytest.mark.parametrize(
    "filter_name, value, expected",
    [
        ("upper", "anne-marie", "ANNE-MARIE"),
        ("lower", "ANNE-Marie", "anne-marie"),
        ("title", "anne-marie o'neil", "Anne-Marie O'neil"),
        ("capitalize", "oLA nordmann", "Ola nordmann"),
        ("trim", "  Ada \n", "Ada"),
    ],
)
def test_filters(filter_name, value, expected):
    assert render(f"{{{{ first_name | {filter_name} }}}}", first_name=value).text == expected


def test_a_value_that_is_not_a_string_is_a_programming_error():
    mailing = CompiledMailing(subject="Hi", body="{{ graduation_year }}")
    with pytest.raises(TypeError):
        mailing.render({"graduation_year": 2027})


def test_a_rendered_message_cannot_be_changed():
    message = render("Hi")
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.text = "changed"


# --- what the compose page warns about ---------------------------------------------------------


def test_used_placeholders_lists_the_allowlisted_names_in_the_text():
    source = "Hi {{ first_name | default('there') }}, {{ first_name }} at {{ event_name|upper }} {{ nope }}"
    assert used_placeholders(source) == {"first_name", "event_name"}
    assert used_placeholders("No placeholders") == set()
    assert used_placeholders("{{ broken") == set()


def test_placeholders_without_default_are_those_used_at_least_once_without_one():
    source = (
        "{{ first_name | default('there') | upper }} {{ last_name | title }} {{ school | default }} "
        "{{ event_name | default('our event') }} {{ event_name }}"
    )
    assert placeholders_without_default(source) == {"last_name", "event_name"}
    assert placeholders_without_default("{{ broken") == set()


# --- contexts from the database ----------------------------------------------------------------


@pytest.mark.django_db
def test_build_contexts_gives_every_placeholder_as_a_string(company_a, recruiter_a):
    candidate = CandidateFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@student.example",
        school="NTNU",
        study_programme="Datateknologi",
        graduation_year=2027,
    )
    ShareFactory(candidate=candidate, company=company_a)
    recruiter_a.reply_to_email = "kari.jobs@alfa.example"

    contexts = build_contexts(
        company=company_a,
        sender=recruiter_a,
        candidate_ids=[candidate.pk],
        unsubscribe_url=lambda candidate_id: f"https://poption.example/u/{candidate_id}/",
    )

    assert contexts == {
        candidate.pk: {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "full_name": "Ada Lovelace",
            "email": "ada@student.example",
            "school": "NTNU",
            "study_programme": "Datateknologi",
            "graduation_year": "2027",
            "event_name": "",
            "job_title": "",
            "company_name": "Alfa AS",
            "recruiter_name": "Kari Nordmann",
            "recruiter_first_name": "Kari",
            "recruiter_email": "kari.jobs@alfa.example",
            "unsubscribe_url": f"https://poption.example/u/{candidate.pk}/",
        }
    }
    assert list(contexts[candidate.pk]) == list(PLACEHOLDERS)


@pytest.mark.django_db
def test_missing_values_are_empty_strings(company_a, recruiter_a):
    candidate = CandidateFactory(school="", study_programme="", graduation_year=None)
    ShareFactory(candidate=candidate, company=company_a)

    context = build_context(company=company_a, sender=recruiter_a, candidate_id=candidate.pk)

    assert context["graduation_year"] == ""
    assert context["school"] == ""
    assert context["unsubscribe_url"] == ""
    assert all(isinstance(value, str) for value in context.values())


@pytest.mark.django_db
def test_event_and_job_are_the_latest_of_this_company_only(company_a, company_b, recruiter_a):
    now = timezone.now()
    candidate = CandidateFactory()
    share_a = ShareFactory(candidate=candidate, company=company_a)
    share_b = ShareFactory(candidate=candidate, company=company_b)
    event = Touchpoint.Kind.EVENT
    job = Touchpoint.Kind.JOB_POSTING

    def touch(share, kind, when, **source):
        TouchpointFactory(share=share, kind=kind, occurred_at=now - timedelta(days=when), **source)

    touch(share_a, event, 30, event=EventFactory(company=company_a, name="KarriereDagene NTNU"))
    touch(share_a, event, 2, event=EventFactory(company=company_a, name="Bedriftspresentasjon"))
    touch(share_a, event, 1, event=EventFactory(company=company_b, name="Mislinked event"))
    touch(share_b, event, 0, event=EventFactory(company=company_b, name="Beta's fair"))
    touch(share_a, job, 10, job_posting=JobPostingFactory(company=company_a, title="Backend developer"))
    touch(share_a, job, 20, job_posting=JobPostingFactory(company=company_a, title="Summer intern"))
    touch(share_b, job, 0, job_posting=JobPostingFactory(company=company_b, title="Beta's job"))
    touch(share_a, Touchpoint.Kind.SHARED_PROFILE, 0)

    context = build_context(company=company_a, sender=recruiter_a, candidate_id=candidate.pk)

    assert context["event_name"] == "Bedriftspresentasjon"
    assert context["job_title"] == "Backend developer"


@pytest.mark.django_db
def test_candidates_the_company_cannot_see_are_left_out(company_a, company_b, recruiter_a):
    shared = ShareFactory(company=company_a).candidate
    revoked = ShareFactory(company=company_a, revoked_at=timezone.now()).candidate
    elsewhere = ShareFactory(company=company_b).candidate

    contexts = build_contexts(
        company=company_a,
        sender=recruiter_a,
        candidate_ids=[shared.pk, revoked.pk, elsewhere.pk, 999_999],
    )

    assert set(contexts) == {shared.pk}
    with pytest.raises(Share.DoesNotExist):
        build_context(company=company_a, sender=recruiter_a, candidate_id=elsewhere.pk)


@pytest.mark.django_db
def test_build_contexts_for_fifty_candidates_takes_one_query(
    company_a, recruiter_a, django_assert_max_num_queries
):
    event = EventFactory(company=company_a)
    posting = JobPostingFactory(company=company_a)
    ids = []
    for _ in range(50):
        share = ShareFactory(company=company_a)
        TouchpointFactory(share=share, kind=Touchpoint.Kind.EVENT, event=event)
        TouchpointFactory(share=share, kind=Touchpoint.Kind.JOB_POSTING, job_posting=posting)
        ids.append(share.candidate_id)

    with django_assert_max_num_queries(1):
        contexts = build_contexts(
            company=company_a, sender=recruiter_a, candidate_ids=ids, unsubscribe_url=lambda pk: f"u/{pk}"
        )

    assert len(contexts) == 50
    assert {context["event_name"] for context in contexts.values()} == {event.name}
    assert {context["job_title"] for context in contexts.values()} == {posting.title}
    assert all(isinstance(v, str) for context in contexts.values() for v in context.values())


@pytest.mark.django_db
def test_a_candidate_named_like_a_template_gets_their_name_back_and_html_is_escaped(company_a, recruiter_a):
    candidate = CandidateFactory(first_name="{{ 7*7 }}", last_name="<script>alert(1)</script>")
    ShareFactory(candidate=candidate, company=company_a)
    context = build_context(company=company_a, sender=recruiter_a, candidate_id=candidate.pk)
    mailing = CompiledMailing(
        subject="Hi {{ first_name }}",
        body="Hi {{ full_name }},\n\nBest regards\n{{ recruiter_name }}, {{ company_name }}",
    )

    message = mailing.render(context)

    assert message.subject == "Hi {{ 7*7 }}"
    assert message.text == ("Hi {{ 7*7 }} <script>alert(1)</script>,\n\nBest regards\nKari Nordmann, Alfa AS")
    assert message.html == (
        "<p>Hi {{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt;,</p>\n"
        "<p>Best regards<br>\nKari Nordmann, Alfa AS</p>"
    )


@pytest.mark.django_db
def test_sample_context_fills_every_placeholder_with_the_companys_own_data(company_a, recruiter_a):
    EventFactory(company=company_a, name="KarriereDagene NTNU")
    JobPostingFactory(company=company_a, title="Backend developer")

    context = sample_context(company=company_a, sender=recruiter_a)

    assert list(context) == list(PLACEHOLDERS)
    assert all(isinstance(value, str) and value for value in context.values())
    assert context["event_name"] == "KarriereDagene NTNU"
    assert context["job_title"] == "Backend developer"
    assert context["company_name"] == "Alfa AS"
    assert context["recruiter_first_name"] == "Kari"


@pytest.mark.django_db
def test_sample_context_has_plausible_values_for_a_company_without_events(company_a, recruiter_a):
    context = sample_context(company=company_a, sender=recruiter_a)
    assert context["event_name"]
    assert context["job_title"]
    assert CompiledMailing(subject="Hi {{ first_name }}", body="{{ event_name }}").render(context).subject
