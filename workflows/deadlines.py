"""The registry of deadline sources and transition notices.

Domain apps register theirs in their own ``deadlines.py``, which
``WorkflowsConfig.ready()`` imports; this app imports no domain app.

A deadline source is one small function ``(today) -> QuerySet`` of the open
records that have the deadline, annotated with:

- ``due_on``: the date that falls due;
- ``due_officer_id``: the responsible person (NULL: the desk chief is);
- ``due_desk_id``: the desk whose chief hears of escalations.

Closed records are left out by the source. The reminder service narrows the
QuerySet by date (and the calendar by person) in SQL, so a source's date
should be an indexed column where it can::

    @deadline_source(
        "agreements.expiry", category=Category.DOCUMENTS, label=_("Expiry date")
    )
    def expiry(today):
        return Agreement.objects.filter(state="in_force").annotate(
            due_on=F("expires_on"),
            due_officer_id=F("officer_id"),
            due_desk_id=F("desk_id"),
        )

A transition notice names a model, the transitions that notify and a function
``(instance, transition_log) -> iterable of users`` that says who hears.

A daily job is a function ``(today) -> int`` that moves records on by date
(a document reaching its expiry, say) and returns how many it changed. The
daily run calls every job before it looks for deadlines, so reminders see
the dates the jobs set. A job must be safe to run more than once a day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.functions import Cast
from django.utils.functional import Promise

from tracker.models import Role
from tracker.permissions import DESK_EDITORS

from .models import Category, ReminderRule, parse_day_list

__all__ = [
    "DEFAULT_CATCH_UP_DAYS",
    "DEFAULT_CHIEF_AFTER_DAYS",
    "DEFAULT_LEADERSHIP_AFTER_DAYS",
    "DEFAULT_LEAD_DAYS",
    "DEFAULT_OVERDUE_DAYS",
    "Category",
    "DeadlineSource",
    "Registry",
    "Schedule",
    "Staff",
    "TransitionNotice",
    "catch_up_days",
    "daily_job",
    "deadline_source",
    "leadership_users",
    "registry",
    "transition_notice",
]

DEFAULT_LEAD_DAYS = (30, 7, 1)
DEFAULT_OVERDUE_DAYS = (1,)
DEFAULT_CHIEF_AFTER_DAYS = 7
DEFAULT_LEADERSHIP_AFTER_DAYS = 30
# Days the daily run may have been missed and still catch up on overdue
# reminders; settings.REMINDER_CATCH_UP_DAYS overrides it.
DEFAULT_CATCH_UP_DAYS = 14

Finder = Callable[[datetime.date], models.QuerySet]
DailyJob = Callable[[datetime.date], int]


def catch_up_days() -> int:
    return getattr(settings, "REMINDER_CATCH_UP_DAYS", DEFAULT_CATCH_UP_DAYS)


@dataclass(frozen=True)
class DeadlineSource:
    key: str
    category: str
    label: Promise | str
    find: Finder
    lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS
    overdue_days: tuple[int, ...] = DEFAULT_OVERDUE_DAYS
    # How an item is shown: its title and the page it links to.
    title: Callable[[Any], str] = str
    url: Callable[[Any], str] = field(default=lambda obj: obj.get_absolute_url())


@dataclass(frozen=True)
class TransitionNotice:
    key: str
    model: str  # app_label.modelname
    transitions: frozenset[str]
    category: str
    label: Promise | str
    recipients: Callable[[Any, Any], Iterable[Any]]


@dataclass(frozen=True)
class Schedule:
    """When one source's items are reminded, and to whom.

    A step is a number of days before the due date (0: on the day) or, when
    negative, after it. On a given day an item is at the latest step reached;
    steps missed while nothing ran are not sent one by one: the latest covers
    them (``step_case``).
    """

    lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS
    overdue_days: tuple[int, ...] = DEFAULT_OVERDUE_DAYS
    chief_after: int = DEFAULT_CHIEF_AFTER_DAYS
    leadership_after: int = DEFAULT_LEADERSHIP_AFTER_DAYS
    enabled: bool = True

    @property
    def horizon(self) -> int:
        """How many days ahead the first reminder is sent."""
        return max(self.lead_days, default=0)

    @property
    def overdue_steps(self) -> tuple[int, ...]:
        """Days overdue that trigger a reminder, escalations included."""
        steps = {d for d in self.overdue_days if d > 0}
        steps |= {self.chief_after + 1, self.leadership_after + 1}
        return tuple(sorted(steps))

    def window(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The due dates an item may have to be reminded today.

        Ahead: up to the first lead time. Behind: back to the last overdue
        step plus the catch-up window, so an item that reached its last step
        on a day the run was missed is still reminded; anything older was
        reminded at its last step already and is not read again.
        """
        behind = max(self.overdue_steps) + catch_up_days()
        return (
            today - datetime.timedelta(days=behind),
            today + datetime.timedelta(days=self.horizon),
        )

    def step_case(self, today: datetime.date) -> models.Case:
        """The step each item is at today, from its ``due_on``, as SQL: the
        smallest lead time not yet passed or, once overdue, the largest
        overdue step reached (the smallest lead time until the first one is).
        NULL when no step is reached yet."""
        whens = [
            models.When(
                due_on__gte=today,
                due_on__lte=today + datetime.timedelta(days=lead),
                then=models.Value(lead),
            )
            for lead in sorted(self.lead_days)
        ]
        whens += [
            models.When(
                due_on__lte=today - datetime.timedelta(days=late),
                then=models.Value(-late),
            )
            for late in sorted(self.overdue_steps, reverse=True)
        ]
        if self.lead_days:
            whens.append(
                models.When(due_on__lt=today, then=models.Value(min(self.lead_days)))
            )
        return models.Case(*whens, default=None, output_field=models.IntegerField())

    def escalates_to_chief(self, step: int) -> bool:
        return step < 0 and -step > self.chief_after

    def escalates_to_leadership(self, step: int) -> bool:
        return step < 0 and -step > self.leadership_after


class Registry:
    def __init__(self) -> None:
        self.sources: dict[str, DeadlineSource] = {}
        self.notices: dict[str, TransitionNotice] = {}
        self.daily_jobs: dict[str, DailyJob] = {}

    def add_source(self, source: DeadlineSource) -> None:
        self.sources[source.key] = source

    def add_notice(self, notice: TransitionNotice) -> None:
        self.notices[notice.key] = notice

    def add_daily_job(self, key: str, job: DailyJob) -> None:
        self.daily_jobs[key] = job

    def notices_for(self, model: str, transition: str) -> list[TransitionNotice]:
        return [
            notice
            for notice in self.notices.values()
            if notice.model == model and transition in notice.transitions
        ]

    def notified_transitions(self) -> dict[str, set[str]]:
        """Model label → the transitions that send a notice."""
        found: dict[str, set[str]] = {}
        for notice in self.notices.values():
            found.setdefault(notice.model, set()).update(notice.transitions)
        return found

    def schedules(self) -> dict[str, Schedule]:
        """Each source's schedule: the administrator's rule, else its defaults."""
        rules = {rule.source: rule for rule in ReminderRule.objects.all()}
        found = {}
        for key, source in self.sources.items():
            rule = rules.get(key)
            if rule is None:
                found[key] = Schedule(source.lead_days, source.overdue_days)
            else:
                found[key] = Schedule(
                    lead_days=parse_day_list(rule.lead_days),
                    overdue_days=parse_day_list(rule.overdue_days),
                    chief_after=rule.chief_after_days,
                    leadership_after=rule.leadership_after_days,
                    enabled=rule.enabled,
                )
        return found

    def mute_choices(self) -> list[tuple[str, Any]]:
        """What a person can mute: categories, then single sources and notices."""
        return [
            *Category.choices,
            *((s.key, s.label) for s in self.sources.values()),
            *((n.key, n.label) for n in self.notices.values()),
        ]


registry = Registry()


def deadline_source(
    key: str,
    *,
    category: str,
    label: Promise | str,
    lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS,
    overdue_days: tuple[int, ...] = DEFAULT_OVERDUE_DAYS,
    title: Callable[[Any], str] = str,
    url: Callable[[Any], str] | None = None,
    to: Registry | None = None,
) -> Callable[[Finder], Finder]:
    """Register ``find(today) -> QuerySet`` as a source of deadlines."""

    def register(find: Finder) -> Finder:
        extra = {"url": url} if url else {}
        (to or registry).add_source(
            DeadlineSource(
                key=key,
                category=category,
                label=label,
                find=find,
                lead_days=tuple(lead_days),
                overdue_days=tuple(overdue_days),
                title=title,
                **extra,
            )
        )
        return find

    return register


def transition_notice(
    key: str,
    *,
    model: type[models.Model] | str,
    transitions: Iterable[str],
    category: str,
    label: Promise | str,
    to: Registry | None = None,
) -> Callable:
    """Register ``recipients(instance, log) -> users`` for some transitions."""

    def register(recipients: Callable[[Any, Any], Iterable[Any]]) -> Callable:
        label_lower = model if isinstance(model, str) else model._meta.label_lower
        (to or registry).add_notice(
            TransitionNotice(
                key=key,
                model=label_lower.lower(),
                transitions=frozenset(transitions),
                category=category,
                label=label,
                recipients=recipients,
            )
        )
        return recipients

    return register


def daily_job(
    key: str, *, to: Registry | None = None
) -> Callable[[DailyJob], DailyJob]:
    """Register ``job(today) -> int`` to run before each day's reminders."""

    def register(job: DailyJob) -> DailyJob:
        (to or registry).add_daily_job(key, job)
        return job

    return register


def leadership_users() -> models.QuerySet:
    return get_user_model().objects.filter(groups__name=Role.LEADERSHIP, is_active=True)


@dataclass(frozen=True)
class Staff:
    """Who is in leadership, who may act on which desk's records (active
    desk officers and division chiefs, members or chief of the desk:
    ``tracker.permissions.can_edit_desk``), and each desk's chief while the
    chief may. Read in one query (a few rows); queries over many records
    take them as constants rather than looking them up for every record."""

    leaders: frozenset[int]
    editors: frozenset[tuple[int, int]]  # (person, desk)
    chiefs: dict[int, int]  # desk → chief

    @classmethod
    def read(cls) -> Staff:
        rows = list(
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in={*DESK_EDITORS, Role.LEADERSHIP}
            )
            .values_list("id", "groups__name", "desks", "desks_led")
        )
        editing = [row for row in rows if row[1] in DESK_EDITORS]
        return cls(
            leaders=frozenset(row[0] for row in rows if row[1] == Role.LEADERSHIP),
            editors=frozenset(
                (user_id, desk_id)
                for user_id, _, member_of, leads in editing
                for desk_id in (member_of, leads)
                if desk_id is not None
            ),
            chiefs={
                leads: user_id for user_id, _, _, leads in editing if leads is not None
            },
        )

    def may_act(self, user_id: int | None, desk_id: int | None) -> bool:
        return (user_id, desk_id) in self.editors

    def may_act_sql(self, user: str, desk: str) -> models.Case:
        """``may_act`` for each row, from two of its fields. The user's
        field is read once per row: it may be an expression of its own."""
        by_desk: dict[int, list[int]] = {}
        for user_id, desk_id in sorted(self.editors):
            by_desk.setdefault(desk_id, []).append(user_id)
        return models.Case(
            *(
                models.When(
                    **{desk: desk_id},
                    then=models.ExpressionWrapper(
                        models.Q(**{f"{user}__in": user_ids}),
                        output_field=models.BooleanField(),
                    ),
                )
                for desk_id, user_ids in by_desk.items()
            ),
            default=models.Value(False),
            output_field=models.BooleanField(),
        )

    def chief_sql(self, desk: str) -> models.Case:
        """The chief of each row's desk, from its desk field (NULL: none who
        may act)."""
        return models.Case(
            *(
                models.When(**{desk: desk_id}, then=models.Value(chief_id))
                for desk_id, chief_id in self.chiefs.items()
            ),
            # Typed, as a CASE of nothing but NULLs would not be.
            default=Cast(None, models.BigIntegerField()),
            output_field=models.BigIntegerField(),
        )
