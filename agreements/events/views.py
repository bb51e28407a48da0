from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_fsm import ConcurrentTransition
from django_tables2 import SingleTableMixin

from agreements.models import Agreement, Event
from tracker.paginators import ListPaginator
from tracker.permissions import can_create, can_edit, get_for_user

from . import selectors, services
from .filters import EventFilter
from .forms import DeliverableForm, EventForm, MonthForm
from .tables import EventTable


class EventListView(SingleTableMixin, FilterView):
    table_class = EventTable
    filterset_class = EventFilter
    template_name = "agreements/event_list.html"
    table_pagination = {"paginator_class": ListPaginator, "per_page": 50}

    def get_queryset(self):
        return selectors.events_with_readiness(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_create": can_create(self.request.user),
        }


def event_calendar(request: HttpRequest) -> HttpResponse:
    """A month of events; a month out of range shows today's with the reason."""
    today = timezone.localdate()
    form = MonthForm(request.GET)
    first = form.first_day(today)
    weeks, previous, following = selectors.month_calendar(
        user=request.user, year=first.year, month=first.month
    )
    return render(
        request,
        "agreements/event_calendar.html",
        {
            "form": form,
            "month": first,
            "weeks": weeks,
            "previous": previous if form.in_range(previous) else None,
            "following": following if form.in_range(following) else None,
            "today": today,
        },
        status=200 if form.is_valid() else 400,
    )


def _event(request: HttpRequest, pk: int, *, write: bool = False) -> Event:
    return get_for_user(
        Event.objects.select_related("desk"), request.user, write=write, pk=pk
    )


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _event(request, pk))


def _detail_page(
    request: HttpRequest, event: Event, *, status: int = 200
) -> HttpResponse:
    board = selectors.event_readiness(
        event=event, user=request.user, today=timezone.localdate()
    )
    return render(
        request,
        "agreements/event_detail.html",
        {
            "event": event,
            "board": board,
            "projects": selectors.event_projects(event=event, user=request.user),
            "counterparts": list(event.counterparts.all()),
            "counterpart_organizations": list(event.counterpart_organizations.all()),
            "can_edit": can_edit(request.user, event),
        },
        status=status,
    )


def event_create(request: HttpRequest) -> HttpResponse:
    if not can_create(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        messages.success(request, _("The event was created."))
        return redirect("events:detail", pk=event.pk)
    return render(request, "agreements/event_form.html", {"form": form})


def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, write=True)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The event was saved."))
        return redirect("events:detail", pk=event.pk)
    return render(request, "agreements/event_form.html", {"form": form, "event": event})


def _deliverable(request: HttpRequest, form: DeliverableForm):
    """The document or project named in the form, if the user may see it."""
    from projects.models import Project

    kind, pk = form.cleaned_data["deliverable"]
    model = Agreement if kind == "agreement" else Project
    return kind, get_for_user(model.objects.all(), request.user, pk=pk)


@require_POST
def event_deliverable_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, write=True)
    form = DeliverableForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("deliverable", [])))
        return redirect("events:detail", pk=pk)
    kind, record = _deliverable(request, form)
    try:
        services.event_deliverable_set(event=event, by=request.user, **{kind: record})
    except ConcurrentTransition:
        return _lost_race(request, event, record)
    messages.success(request, _("“%(record)s” was added.") % {"record": record})
    return redirect("events:detail", pk=pk)


@require_POST
def event_deliverable_remove(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, write=True)
    form = DeliverableForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("deliverable", [])))
        return redirect("events:detail", pk=pk)
    kind, record = _deliverable(request, form)
    target = record.target_event_id if kind == "agreement" else record.launch_event_id
    if target == event.pk:
        try:
            services.event_deliverable_set(
                event=None, by=request.user, **{kind: record}
            )
        except ConcurrentTransition:
            return _lost_race(request, event, record)
        messages.success(request, _("“%(record)s” was removed.") % {"record": record})
    return redirect("events:detail", pk=pk)


def _lost_race(request: HttpRequest, event: Event, record: Any) -> HttpResponse:
    """Another user moved the record on while this one was being linked:
    nothing was saved; say so on the page as it now is."""
    messages.error(
        request,
        _(
            "Someone else changed “%(record)s” while you were working on it. "
            "Nothing was saved: check its current state and try again."
        )
        % {"record": record},
    )
    return _detail_page(request, event, status=409)


def lookup_deliverables(request: HttpRequest, pk: int) -> JsonResponse:
    """Documents and projects this user may add to the event, by search."""
    event = _event(request, pk, write=True)
    results = selectors.deliverable_candidates(
        event=event, user=request.user, query=request.GET.get("q", "")
    )
    return JsonResponse({"results": results})
