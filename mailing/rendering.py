"""The one place that renders recruiter-written text: the subject and body of mailings and templates.

Recruiters write plain text with placeholders: ``{{ first_name }}``, or with a fallback,
``{{ first_name | default("there") }}``. Two layers keep that text harmless:

1. Every subject and body is parsed and its syntax tree checked against an allowlist before it is
   saved or compiled: text, allowlisted placeholders, allowlisted filters, and a quoted text as the
   only argument of ``default``. Anything else (attributes, items, calls, operators, statements in
   ``{% %}``) is refused with the line and the list of what is allowed, so it never runs.
2. What passes is compiled by Jinja2's ImmutableSandboxedEnvironment, stripped of its globals and
   tests and left with the six allowlisted filters only.

The context is a dict of plain strings built from the database by ``build_contexts``. Values are
data and are never parsed again: a first name of ``{{ 7*7 }}`` comes out as written.

The body is rendered once, as text; the HTML alternative is made from that text (escaped, then
paragraphs, line breaks and links), so both parts always say the same thing and no value, and no
recruiter, can put markup into the email.
"""

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from jinja2 import StrictUndefined, nodes
from jinja2 import exceptions as jinja_exceptions
from jinja2.filters import do_capitalize, do_lower, do_title, do_upper
from jinja2.sandbox import ImmutableSandboxedEnvironment

from candidates.models import Share, Touchpoint
from events.models import Event, JobPosting
from mailing.models import BODY_MAX, SUBJECT_MAX

OUTPUT_MAX = 200_000
# Delivery.rendered_subject holds four times the authored limit; a longer subject is refused.
RENDERED_SUBJECT_MAX = SUBJECT_MAX * 4

PLACEHOLDERS: dict[str, Promise] = {
    "first_name": _("The candidate's first name"),
    "last_name": _("The candidate's last name"),
    "full_name": _("The candidate's first and last name"),
    "email": _("The candidate's email address"),
    "school": _("The candidate's school"),
    "study_programme": _("The candidate's study programme"),
    "graduation_year": _("The year the candidate graduates"),
    "event_name": _("The candidate's latest event with your company"),
    "job_title": _("The latest job posting the candidate applied through"),
    "company_name": _("Your company's name"),
    "recruiter_name": _("Your name"),
    "recruiter_first_name": _("Your first name"),
    "recruiter_email": _("Your reply-to email address"),
    "unsubscribe_url": _("A link the candidate can follow to stop emails from your company"),
}

FILTERS: tuple[str, ...] = ("default", "upper", "lower", "title", "capitalize", "trim")

_BATCH = 5_000


class TemplateError(ValueError):
    """A subject or body that is refused, or that cannot be rendered for one recipient.

    ``message`` is translated and meant for the recruiter; ``field`` says where to show it.
    """

    def __init__(self, message: str, *, lineno: int | None = None, field: str = "body"):
        super().__init__(message)
        self.message = message
        self.lineno = lineno
        self.field = field

    def __str__(self) -> str:
        if self.lineno is None:
            return self.message
        return gettext("Line %(lineno)d: %(message)s") % {"lineno": self.lineno, "message": self.message}


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


# --- the environment ---------------------------------------------------------------------------


def _default(value: str, fallback: str = "") -> str:
    """Unlike Jinja's own `default`, an empty or blank value counts as missing: every name is defined."""
    return value if value.strip() else fallback


_ENV = ImmutableSandboxedEnvironment(
    autoescape=False,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    auto_reload=False,
    cache_size=0,
)
_ENV.globals.clear()
_ENV.tests.clear()
_ENV.filters = {
    "default": _default,
    "upper": do_upper,
    "lower": do_lower,
    "title": do_title,
    "capitalize": do_capitalize,
    "trim": str.strip,
}
assert tuple(_ENV.filters) == FILTERS


# --- validation ---------------------------------------------------------------------------------


def _allowed() -> str:
    return gettext("Allowed placeholders: %(placeholders)s. Allowed filters: %(filters)s.") % {
        "placeholders": ", ".join(PLACEHOLDERS),
        "filters": ", ".join(FILTERS),
    }


def _refused(problem: str, *, lineno: int | None, field: str) -> TemplateError:
    return TemplateError(f"{problem} {_allowed()}", lineno=lineno, field=field)


def _refuse_statements(source: str, field: str) -> None:
    """Refuse every `{% … %}` before parsing, so `{% if %}` gets a clear message, not a syntax error.

    `{% raw %}` is refused too, although it only produces text: its one use would be to show
    `{{ … }}` to candidates, which always reads as a broken placeholder, and "nothing in {% %}"
    is a rule a recruiter can remember.
    """
    tokens = _ENV.lex(source)
    for lineno, kind, _value in tokens:
        if kind == "raw_begin":
            tag = "raw"
        elif kind == "block_begin":
            tag = next((value for _lineno, k, value in tokens if k != "whitespace"), "")
            tag = tag if re.fullmatch(r"\w+", tag) else ""
        else:
            continue
        raise _refused(
            gettext("“%(statement)s” cannot be used: only placeholders such as %(example)s are allowed.")
            % {"statement": f"{{% {tag} %}}" if tag else "{% %}", "example": "{{ first_name }}"},
            lineno=lineno,
            field=field,
        )


def _check_expression(node: nodes.Node, field: str) -> None:
    lineno = node.lineno
    if isinstance(node, nodes.Name):
        if node.ctx == "load" and node.name in PLACEHOLDERS:
            return
        raise _refused(
            gettext("“%(name)s” is not a placeholder.") % {"name": node.name}, lineno=lineno, field=field
        )
    if isinstance(node, nodes.Filter) and node.node is not None:
        _check_expression(node.node, field)
        if node.name not in FILTERS:
            raise _refused(
                gettext("“%(name)s” is not a filter.") % {"name": node.name}, lineno=lineno, field=field
            )
        extra = node.kwargs or node.dyn_args is not None or node.dyn_kwargs is not None
        if node.name == "default":
            if extra or len(node.args) > 1 or any(not _is_text(arg) for arg in node.args):
                raise _refused(
                    gettext("“default” takes one text in quotes, for example %(example)s.")
                    % {"example": '{{ first_name | default("there") }}'},
                    lineno=lineno,
                    field=field,
                )
        elif extra or node.args:
            raise _refused(
                gettext("The filter “%(name)s” takes no arguments.") % {"name": node.name},
                lineno=lineno,
                field=field,
            )
        return
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Slice):
        problem = gettext("Placeholders cannot have parts: “.” and “[ ]” are not allowed.")
    elif isinstance(node, nodes.Call):
        problem = gettext("Placeholders cannot call anything with “( )”.")
    elif isinstance(node, nodes.Test):
        problem = gettext("Tests with “is” are not allowed.")
    elif isinstance(node, nodes.CondExpr):
        problem = gettext("“if … else” is not allowed in a placeholder; use %(example)s for a fallback.") % {
            "example": '| default("…")'
        }
    elif isinstance(node, nodes.BinExpr | nodes.UnaryExpr | nodes.Compare | nodes.Concat):
        problem = gettext(
            "Placeholders cannot calculate, compare or join values: + - * / ~ == and or not are not allowed."
        )
    elif isinstance(node, nodes.Literal):
        problem = gettext(
            "Only a placeholder can stand inside %(braces)s; write other text outside them."
        ) % {"braces": "{{ }}"}
    else:
        problem = gettext("This cannot be used in a placeholder.")
    raise _refused(problem, lineno=lineno, field=field)


def _is_text(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Const) and isinstance(node.value, str)


def _parse(source: str, field: str) -> nodes.Template:
    """The checked syntax tree of `source`, or TemplateError naming the first thing that is not allowed."""
    try:
        _refuse_statements(source, field)
        tree = _ENV.parse(source)
    except jinja_exceptions.TemplateSyntaxError as exc:
        raise _refused(
            gettext("The placeholders cannot be read (%(detail)s). Write them like %(example)s.")
            % {"detail": exc.message or "", "example": "{{ first_name }}"},
            lineno=exc.lineno,
            field=field,
        ) from None
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            raise _refused(
                gettext("This cannot be used in a placeholder."), lineno=statement.lineno, field=field
            )
        for node in statement.nodes:
            if not isinstance(node, nodes.TemplateData):
                _check_expression(node, field)
    return tree


def _subject_tree(source: str) -> nodes.Template:
    if not source.strip():
        raise TemplateError(gettext("The subject is empty."), field="subject")
    if len(source) > SUBJECT_MAX:
        raise TemplateError(
            gettext("The subject is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(source), "limit": SUBJECT_MAX},
            field="subject",
        )
    if "\r" in source or "\n" in source:
        raise TemplateError(gettext("The subject must be a single line."), field="subject")
    return _parse(source, "subject")


def _body_tree(source: str) -> nodes.Template:
    if not source.strip():
        raise TemplateError(gettext("The body is empty."), field="body")
    if len(source) > BODY_MAX:
        raise TemplateError(
            gettext("The body is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(source), "limit": BODY_MAX},
            field="body",
        )
    return _parse(source, "body")


def validate_subject(source: str) -> None:
    _subject_tree(source)


def validate_body(source: str) -> None:
    _body_tree(source)


def used_placeholders(source: str) -> set[str]:
    """The allowlisted placeholders the text uses; empty when it cannot be parsed (validation says why)."""
    try:
        tree = _ENV.parse(source)
    except jinja_exceptions.TemplateSyntaxError:
        return set()
    return {node.name for node in tree.find_all(nodes.Name) if node.name in PLACEHOLDERS}


def placeholders_without_default(source: str) -> set[str]:
    """Placeholders used at least once without `| default(…)`: an empty value would leave a gap there."""
    try:
        tree = _ENV.parse(source)
    except jinja_exceptions.TemplateSyntaxError:
        return set()
    found: set[str] = set()

    def visit(node: nodes.Node, defaulted: bool) -> None:
        if isinstance(node, nodes.Name):
            if not defaulted and node.name in PLACEHOLDERS:
                found.add(node.name)
            return
        if isinstance(node, nodes.Filter) and node.name == "default":
            defaulted = True
        for child in node.iter_child_nodes():
            visit(child, defaulted)

    visit(tree, False)
    return found


# --- rendering ----------------------------------------------------------------------------------


def _text_context(context: Mapping[str, str]) -> dict[str, str]:
    values = {}
    for name in PLACEHOLDERS:
        value = context.get(name, "")
        if not isinstance(value, str):
            raise TypeError(f"placeholder {name!r} must be a str, not {type(value).__name__}")
        values[name] = str.__str__(value)
    return values


def _render(template, context: dict[str, str], *, limit: int, field: str) -> str:
    """Render chunk by chunk and stop as soon as the output passes `limit`."""
    parts: list[str] = []
    size = 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > limit:
                raise TemplateError(
                    gettext("The email would be longer than %(limit)d characters for this recipient.")
                    % {"limit": limit},
                    field=field,
                )
            parts.append(chunk)
    except jinja_exceptions.TemplateError:
        # Validation should make this unreachable; never show a recruiter Jinja's internals.
        raise TemplateError(gettext("This text cannot be rendered."), field=field) from None
    return "".join(parts)


_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"*_]}"


def _linkify(line: str) -> str:
    out: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url = match.group()
        while url and (url[-1] in _URL_TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
            url = url[:-1]
        if len(url) <= len("https://"):
            continue
        start = match.start()
        out.append(html.escape(line[position:start]))
        out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        position = start + len(url)
    out.append(html.escape(line[position:]))
    return "".join(out)


def text_to_html(text: str) -> str:
    """The HTML alternative of a text body: escaped; blank lines part paragraphs, newlines break lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINES.split(text.strip("\n")):
        if block.strip():
            paragraphs.append("<p>" + "<br>\n".join(_linkify(line) for line in block.split("\n")) + "</p>")
    return "\n".join(paragraphs)


class CompiledMailing:
    """A subject and body, checked and compiled once, then rendered for each recipient."""

    def __init__(self, *, subject: str, body: str):
        self._subject = _ENV.from_string(_subject_tree(subject))
        self._body = _ENV.from_string(_body_tree(body))

    def render(self, context: Mapping[str, str]) -> RenderedMessage:
        values = _text_context(context)
        subject = _render(self._subject, values, limit=RENDERED_SUBJECT_MAX, field="subject")
        # A value with a line break must not break the header; all whitespace becomes one space.
        subject = " ".join(subject.split())
        text = _render(self._body, values, limit=OUTPUT_MAX, field="body")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return RenderedMessage(subject=subject, text=text, html=text_to_html(text))


# --- contexts -----------------------------------------------------------------------------------


def _sender_values(company, sender) -> dict[str, str]:
    return {
        "company_name": company.name,
        "recruiter_name": sender.name,
        "recruiter_first_name": sender.first_name,
        "recruiter_email": sender.reply_to,
    }


def build_contexts(
    *,
    company,
    sender,
    candidate_ids: Iterable[int],
    unsubscribe_url: Callable[[int], str] | None = None,
) -> dict[int, dict[str, str]]:
    """The placeholder values of each candidate the company can see, keyed by candidate id.

    One query per 5,000 candidates: the latest event and job posting come from correlated
    subqueries on the company's own touchpoints. Candidates the company cannot see are left out.
    """
    ids = sorted({int(candidate_id) for candidate_id in candidate_ids})
    common = _sender_values(company, sender)
    touchpoints = Touchpoint.objects.filter(share=OuterRef("pk")).order_by("-occurred_at", "-pk")
    latest_event = touchpoints.filter(kind=Touchpoint.Kind.EVENT, event__company=company)
    latest_posting = touchpoints.filter(kind=Touchpoint.Kind.JOB_POSTING, job_posting__company=company)
    contexts: dict[int, dict[str, str]] = {}
    for start in range(0, len(ids), _BATCH):
        rows = (
            Share.objects.for_company(company)
            .filter(candidate_id__in=ids[start : start + _BATCH])
            .annotate(
                latest_event_name=Subquery(latest_event.values("event__name")[:1]),
                latest_job_title=Subquery(latest_posting.values("job_posting__title")[:1]),
            )
            .order_by()
            .values_list(
                "candidate_id",
                "candidate__first_name",
                "candidate__last_name",
                "candidate__email",
                "candidate__school",
                "candidate__study_programme",
                "candidate__graduation_year",
                "latest_event_name",
                "latest_job_title",
            )
        )
        for candidate_id, first, last, email, school, programme, year, event, job in rows:
            contexts[candidate_id] = {
                "first_name": first,
                "last_name": last,
                "full_name": f"{first} {last}".strip(),  # as Candidate.full_name
                "email": email,
                "school": school,
                "study_programme": programme,
                "graduation_year": "" if year is None else str(year),
                "event_name": event or "",
                "job_title": job or "",
                **common,
                "unsubscribe_url": str(unsubscribe_url(candidate_id)) if unsubscribe_url else "",
            }
    return contexts


def build_context(
    *, company, sender, candidate_id: int, unsubscribe_url: Callable[[int], str] | None = None
) -> dict[str, str]:
    """One recipient's values; Share.DoesNotExist when the company cannot see that candidate."""
    contexts = build_contexts(
        company=company, sender=sender, candidate_ids=[candidate_id], unsubscribe_url=unsubscribe_url
    )
    try:
        return contexts[int(candidate_id)]
    except KeyError:
        raise Share.DoesNotExist(
            f"candidate {candidate_id} is not shared with company {company.pk}"
        ) from None


def sample_context(*, company, sender) -> dict[str, str]:
    """Plausible values for previewing a template without a recipient; the company's own event and posting."""
    event = (
        Event.objects.filter(company=company).order_by("-starts_at").values_list("name", flat=True).first()
    )
    job = (
        JobPosting.objects.filter(company=company)
        .order_by("-published_at")
        .values_list("title", flat=True)
        .first()
    )
    return {
        "first_name": "Ingrid",
        "last_name": "Hansen",
        "full_name": "Ingrid Hansen",
        "email": "ingrid.hansen@student.example",
        "school": "NTNU",
        "study_programme": gettext("Computer Science"),
        "graduation_year": str(timezone.now().year + 1),
        "event_name": event or gettext("Career fair"),
        "job_title": job or gettext("Graduate software developer"),
        **_sender_values(company, sender),
        "unsubscribe_url": f"{settings.SITE_URL}/unsubscribe/example/",
    }
