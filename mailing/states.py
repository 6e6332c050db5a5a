"""The delivery state machine: which status may follow which, checked in one place.

Every change of a delivery's status goes through `delivery_move()`, a conditional UPDATE
that only touches rows still in one of the allowed source states. Two workers, a late
webhook or a sweep can therefore never move a row backwards or send it twice: the second
one's UPDATE simply matches nothing.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from mailing.models import Delivery

S = Delivery.Status

ALLOWED: dict[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.SENDING, S.SKIPPED, S.FAILED}),
    # A claimed row either got its answer from the ESP, goes back for a retry, or (after a crash)
    # is unknown: we cannot tell whether the message left, so it is never resent by itself.
    S.SENDING: frozenset({S.SENT, S.QUEUED, S.FAILED, S.UNKNOWN}),
    S.SENT: frozenset({S.DELIVERED, S.BOUNCED, S.COMPLAINED}),
    S.DELIVERED: frozenset({S.BOUNCED, S.COMPLAINED}),
    S.BOUNCED: frozenset({S.COMPLAINED}),
    S.COMPLAINED: frozenset(),
    S.FAILED: frozenset(),
    S.SKIPPED: frozenset(),
    # Tracking can still tell us an unknown message arrived; the recruiter may resend it.
    # A slow worker's late answer may still confirm it was sent.
    S.UNKNOWN: frozenset({S.QUEUED, S.SENT, S.FAILED, S.DELIVERED, S.BOUNCED, S.COMPLAINED}),
}

# Rank for "statuses only move forward" on tracking events.
TRACKING_RANK = {S.SENT: 1, S.UNKNOWN: 1, S.DELIVERED: 2, S.BOUNCED: 3, S.COMPLAINED: 4}

FINAL = frozenset({S.SENT, S.DELIVERED, S.BOUNCED, S.COMPLAINED, S.FAILED, S.SKIPPED, S.UNKNOWN})
OPEN = frozenset({S.QUEUED, S.SENDING})


class IllegalTransition(ValueError):
    pass


def sources_for(target: str) -> list[str]:
    return [source for source, targets in ALLOWED.items() if target in targets]


def can_move(source: str, target: str) -> bool:
    return target in ALLOWED.get(source, frozenset())


def delivery_move(
    queryset: QuerySet[Delivery], *, to: str, sources: Iterable[str] | None = None, **fields
) -> int:
    """Move the rows of `queryset` that are in an allowed source state to `to`; returns how many moved."""
    allowed = set(sources_for(to))
    if sources is not None:
        wanted = set(sources)
        if not wanted <= allowed:
            raise IllegalTransition(f"{sorted(wanted - allowed)} -> {to} is not allowed")
        allowed = wanted
    if not allowed:
        raise IllegalTransition(f"nothing may move to {to}")
    return queryset.filter(status__in=allowed).update(status=to, updated_at=timezone.now(), **fields)
