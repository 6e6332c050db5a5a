"""The candidate list's FilterSet. Every choice list is built from the recruiter's own company."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from candidates.models import Share, Tag, Touchpoint
from events.models import Event, JobPosting
from poption.accounts.models import Company

SHARED_PROFILE = "shared"


def source_choices(company: Company) -> list:
    """Source choices grouped as the recruiter thinks of them: events, job postings, shared profile."""
    events = [
        (f"event:{pk}", name) for pk, name in Event.objects.filter(company=company).values_list("pk", "name")
    ]
    postings = [
        (f"job:{pk}", title)
        for pk, title in JobPosting.objects.filter(company=company).values_list("pk", "title")
    ]
    choices: list = []
    if events:
        choices.append((_("Events"), events))
    if postings:
        choices.append((_("Job postings"), postings))
    choices.append((SHARED_PROFILE, _("Shared profile")))
    return choices


def _company_tags(request) -> QuerySet[Tag]:
    if request is None or not getattr(request.user, "company_id", None):
        return Tag.objects.none()
    return Tag.objects.filter(company_id=request.user.company_id)


class CandidateOrderingFilter(django_filters.OrderingFilter):
    """Sorts with a tie-breaker, so paging never repeats or skips a row, and blanks always last."""

    DEFAULT = "-added"
    # A sort on last name continues on first name; the share id settles the rest.
    THEN = {"candidate__last_name": ["candidate__first_name"]}
    NULLABLE = {"candidate__graduation_year", "candidate__grade_average"}

    def filter(self, qs, value):
        params = [p for p in (value or []) if p] or [self.DEFAULT]
        ordering = []
        for param in params:
            field = self.get_ordering_value(param)
            descending = field.startswith("-")
            for name in [field.lstrip("-"), *self.THEN.get(field.lstrip("-"), [])]:
                if not descending:
                    ordering.append(F(name).asc())
                else:
                    # PostgreSQL puts NULL first in a descending sort; only ask otherwise where it can happen,
                    # so the plain sorts keep using their indexes.
                    ordering.append(
                        F(name).desc(nulls_last=True) if name in self.NULLABLE else F(name).desc()
                    )
        ordering.append(F("pk").desc() if params[0].startswith("-") else F("pk").asc())
        return qs.order_by(*ordering)


class CandidateFilter(django_filters.FilterSet):
    """Filters a queryset of Share rows (already scoped to one company)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    source = django_filters.ChoiceFilter(
        label=_("Source"), method="filter_source", empty_label=_("All sources")
    )
    school = django_filters.CharFilter(
        label=_("School"), field_name="candidate__school", lookup_expr="iexact"
    )
    study_programme = django_filters.CharFilter(
        label=_("Study programme"), field_name="candidate__study_programme", lookup_expr="iexact"
    )
    graduation_year_min = django_filters.NumberFilter(
        label=_("Graduation year from"),
        field_name="candidate__graduation_year",
        lookup_expr="gte",
        min_value=1950,
        max_value=2100,
    )
    graduation_year_max = django_filters.NumberFilter(
        label=_("Graduation year to"),
        field_name="candidate__graduation_year",
        lookup_expr="lte",
        min_value=1950,
        max_value=2100,
    )
    grade_min = django_filters.NumberFilter(
        label=_("Minimum grade average"),
        field_name="candidate__grade_average",
        lookup_expr="gte",
        min_value=1,
        max_value=5,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Share.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    show_all = django_filters.BooleanFilter(
        label=_("Show all candidates"), method="filter_show_all", widget=forms.CheckboxInput
    )
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("Tags"),
        queryset=_company_tags,
        field_name="tags",
        conjoined=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sort = CandidateOrderingFilter(
        label=_("Sort by"),
        empty_label=None,
        fields=(
            ("candidate__last_name", "name"),
            ("created_at", "added"),
            ("candidate__graduation_year", "graduation_year"),
            ("candidate__grade_average", "grade"),
        ),
        choices=[
            ("-added", _("Newest first")),
            ("added", _("Oldest first")),
            ("name", _("Name (A to Z)")),
            ("-name", _("Name (Z to A)")),
            ("graduation_year", _("Graduation year (earliest first)")),
            ("-graduation_year", _("Graduation year (latest first)")),
            ("-grade", _("Grade average (highest first)")),
            ("grade", _("Grade average (lowest first)")),
        ],
    )

    class Meta:
        model = Share
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, company: Company, **kwargs):
        self.company = company
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["source"].extra["choices"] = source_choices(company)
        self.filters["tags"].queryset = Tag.objects.filter(company=company)

    @property
    def qs(self):
        qs = super().qs
        if self.hides_archived:
            qs = qs.exclude(status=Share.Status.ARCHIVED)
        return qs

    @property
    def hides_archived(self) -> bool:
        """Archived candidates are hidden unless asked for, by "show all" or by picking the status."""
        data = self.form.cleaned_data if self.form.is_bound and hasattr(self.form, "cleaned_data") else {}
        return not data.get("show_all") and not data.get("status")

    @property
    def qs_including_archived(self):
        """The same filters with the archived candidates kept: to say how many "show all" would add."""
        return super().qs

    def filter_search(self, queryset, name, value: str):
        for word in value.split()[:6]:
            queryset = queryset.filter(
                Q(candidate__first_name__icontains=word)
                | Q(candidate__last_name__icontains=word)
                | Q(candidate__email__icontains=word)
                | Q(candidate__school__icontains=word)
                | Q(candidate__study_programme__icontains=word)
            )
        return queryset

    def filter_source(self, queryset, name, value: str):
        touchpoints = Touchpoint.objects.filter(share=OuterRef("pk"))
        if value == SHARED_PROFILE:
            touchpoints = touchpoints.filter(kind=Touchpoint.Kind.SHARED_PROFILE)
        else:
            kind, _sep, raw_id = value.partition(":")
            if not raw_id.isdigit():
                return queryset.none()
            if kind == "event":
                touchpoints = touchpoints.filter(event_id=int(raw_id), event__company=self.company)
            elif kind == "job":
                touchpoints = touchpoints.filter(
                    job_posting_id=int(raw_id), job_posting__company=self.company
                )
            else:
                return queryset.none()
        return queryset.filter(Exists(touchpoints))

    def filter_show_all(self, queryset, name, value):
        return queryset
