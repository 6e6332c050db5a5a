"""Template-injection and sandbox-escape payloads: each is refused when saved and can never run.

A recruiter types the subject and body, so every payload here is something a recruiter (or anyone who
takes over a recruiter's account) could write. A candidate types their own profile, so the same
payloads as *values* must come out exactly as typed.
"""

import jinja2
import pytest

from mailing.rendering import (
    FILTERS,
    PLACEHOLDERS,
    CompiledMailing,
    TemplateError,
    validate_body,
    validate_subject,
)

PAYLOADS = [
    # attribute and item access
    "{{ first_name.__class__ }}",
    "{{ first_name.__class__.__mro__[1].__subclasses__() }}",
    "{{ first_name.upper() }}",
    "{{ first_name['__class__'] }}",
    "{{ first_name[0] }}",
    "{{ first_name[0:2] }}",
    "{{ __class__ }}",
    # filters that reach into objects or format strings
    "{{ first_name|attr('__class__') }}",
    "{{ first_name | default('there') | attr('__class__') }}",
    "{{ first_name|map('upper') }}",
    "{{ first_name|format }}",
    "{{ '{0.__class__}'|format(first_name) }}",
    "{{ first_name|safe }}",
    "{{ first_name|e }}",
    "{{ first_name|replace('a', 'b') }}",
    "{{ first_name|truncate(99999999) }}",
    "{{ first_name|indent(99999999) }}",
    "{{ first_name|upper('x') }}",
    "{{ first_name|trim('x') }}",
    "{{ first_name|d('there') }}",
    # string formatting
    "{{ '{}'.format(first_name) }}",
    '{{ "%s" % first_name }}',
    # Jinja's globals and the template's own objects
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__TemplateReference__context }}",
    "{{ self }}",
    "{{ namespace(a=1) }}",
    "{{ joiner() }}",
    "{{ range(99999999) }}",
    "{{ range(99999999)|list|length }}",
    "{{ dict(a=1) }}",
    "{{ loop.index }}",
    "{{ gettext('x') }}",
    "{{ config }}",
    "{{ request }}",
    "{{ settings.SECRET_KEY }}",
    "{{ unknown }}",
    # statements
    "{% for x in range(10) %}{{ x }}{% endfor %}",
    "{% if first_name %}Hi{% endif %}",
    "{% set x = 1 %}",
    "{% include 'base.html' %}",
    "{% import 'macros.html' as m %}",
    "{% from 'macros.html' import m %}",
    "{% extends 'base.html' %}",
    "{% macro m() %}x{% endmacro %}",
    "{% call m() %}x{% endcall %}",
    "{% filter upper %}x{% endfilter %}",
    "{% with x = 1 %}{{ x }}{% endwith %}",
    "{% block content %}x{% endblock %}",
    "{% autoescape false %}{{ first_name }}{% endautoescape %}",
    "{% do x.append(1) %}",
    "{% trans %}x{% endtrans %}",
    "{% while true %}{% endwhile %}",
    "{%- if first_name -%}x{%- endif -%}",
    # refused although it would only print text: see _refuse_statements in mailing/rendering.py
    "{% raw %}{{ first_name }}{% endraw %}",
    # operators, tests, conditionals, literals
    "{{ 7*7 }}",
    "{{ first_name * 99999999 }}",
    "{{ first_name ~ last_name }}",
    "{{ 'a' ~ 'b' }}",
    "{{ first_name == 'x' }}",
    "{{ first_name and last_name }}",
    "{{ not first_name }}",
    "{{ -first_name }}",
    "{{ first_name if 1 }}",
    "{{ first_name if first_name else 'there' }}",
    "{{ first_name is defined }}",
    "{{ 'literal' }}",
    "{{ 7 }}",
    "{{ [first_name] }}",
    "{{ {'a': 1} }}",
    "{{ first_name, last_name }}",
    # calls
    "{{ first_name() }}",
    "{{ (first_name|default('x'))() }}",
    # the arguments of default
    "{{ first_name|default('x' * 99999999) }}",
    "{{ first_name|default('x' ~ 'y') }}",
    "{{ first_name|default(first_name.__class__) }}",
    "{{ first_name|default(last_name) }}",
    "{{ first_name|default(7) }}",
    "{{ first_name|default('a', 'b') }}",
    "{{ first_name|default('a', true) }}",
    "{{ first_name|default(boolean=true) }}",
    "{{ first_name|default(*x) }}",
    "{{ first_name|default(**x) }}",
    # syntax errors
    "{{ first_name }",
    "Hello {{ first_name",
    "{# a comment that never ends",
    "{{ first_name | }}",
    # a payload hidden after ordinary text on a later line
    "Hi {{ first_name }},\n\nsee you at {{ event_name }}.\n{{ cycler.__init__.__globals__ }}",
]


def test_there_are_at_least_thirty_five_payloads():
    assert len(PAYLOADS) >= 35
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_body_is_refused_when_saved(payload):
    with pytest.raises(TemplateError) as refused:
        validate_body(payload)
    assert refused.value.field == "body"
    assert refused.value.lineno is not None
    assert refused.value.message
    assert "Traceback" not in str(refused.value)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_subject_is_refused_when_saved(payload):
    with pytest.raises(TemplateError) as refused:
        validate_subject(payload)
    assert refused.value.field == "subject"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_mailing_with_the_payload_cannot_be_compiled_so_it_can_never_run(payload):
    with pytest.raises(TemplateError) as in_body:
        CompiledMailing(subject="Hello {{ first_name }}", body=payload)
    assert in_body.value.field == "body"
    with pytest.raises(TemplateError) as in_subject:
        CompiledMailing(subject=payload, body="Hello {{ first_name }}")
    assert in_subject.value.field == "subject"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_payload_as_a_candidates_value_comes_out_exactly_as_typed(payload):
    mailing = CompiledMailing(subject="Hi {{ first_name }}", body="Hi {{ first_name }}, from {{ school }}")

    message = mailing.render({"first_name": payload, "school": payload})

    assert message.text == f"Hi {payload}, from {payload}"
    assert message.subject == " ".join(f"Hi {payload}".split())


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "\n" not in p][:20])
def test_the_refusal_names_what_is_allowed(payload):
    with pytest.raises(TemplateError) as refused:
        validate_body(payload)
    for name in PLACEHOLDERS:
        assert name in refused.value.message
    for name in FILTERS:
        assert name in refused.value.message


def test_the_hidden_payload_is_reported_on_its_own_line():
    with pytest.raises(TemplateError) as refused:
        validate_body(PAYLOADS[-1])
    assert refused.value.lineno == 4
    assert str(refused.value).startswith("Line 4: ")


@pytest.mark.parametrize(
    "payload",
    [
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ namespace() }}",
        "{{ joiner() }}",
        "{{ range(99999999) }}",
        "{{ dict(a=1) }}",
        "{{ first_name.__class__.__mro__ }}",
        "{{ '{0.__class__.__mro__}'.format(first_name) }}",
    ],
)
def test_even_without_validation_the_environment_has_nothing_to_reach(payload):
    """The second line of defence: the sandbox has no globals and blocks private attributes."""
    from mailing.rendering import _ENV

    template = _ENV.from_string(payload)
    with pytest.raises((jinja2.UndefinedError, jinja2.exceptions.SecurityError)):
        template.render(first_name="Ada")


@pytest.mark.parametrize("name", ["attr", "format", "map", "safe", "replace", "join", "indent", "truncate"])
def test_even_without_validation_no_other_filter_exists(name):
    from mailing.rendering import _ENV

    with pytest.raises(jinja2.TemplateAssertionError):
        _ENV.from_string(f"{{{{ first_name|{name} }}}}")
