from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from django_fsm import ConcurrentTransition
from django_tables2 import SingleTableMixin

from tracker.exports import ExportMixin
from tracker.paginators import ListPaginator
from tracker.permissions import can_create, can_edit
from workflows.services import transitions_for_user

from . import selectors, services
from .filters import ProjectFilter
from .forms import (
    ImportForm,
    MilestoneForm,
    MilestoneUpdateForm,
    OrganizationRoleForm,
    ProgressLogCorrectionForm,
    ProgressLogForm,
    ProjectForm,
    RebaselineForm,
    TransitionForm,
)
from .importer import import_aiddata
from .models import (
    TRANSITION_LABELS,
    Milestone,
    ProgressLog,
    Project,
    ProjectOrganization,
)
from .permissions import can_import, can_rebaseline
from .tables import EXPORT_HEADERS, ProjectTable, export_rows


class ProjectListView(ExportMixin, SingleTableMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    table_pagination = {"paginator_class": ListPaginator, "per_page": 50}
    export_headers = EXPORT_HEADERS
    export_filename = "projects"

    def get_queryset(self):
        return selectors.project_list(
            user=self.request.user, today=timezone.localdate()
        )

    def export_rows(self, queryset):
        return export_rows(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = can_create(self.request.user)
        context["can_import"] = can_import(self.request.user)
        return context


project_list = ProjectListView.as_view()


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _detail(
    request: HttpRequest,
    pk: int,
    *,
    failed: str = "",
    transition_form: TransitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The detail page; after a refused transition, with that transition's
    form open, holding what was typed and why it was refused."""
    today = timezone.localdate()
    project = selectors.project_get(user=request.user, pk=pk, today=today)
    parts = selectors.project_detail_parts(project=project, user=request.user)
    editable = can_edit(request.user, project)
    transitions = [
        (name, TRANSITION_LABELS[name])
        for name in transitions_for_user(project, Project.TRANSITIONS, request.user)
    ]
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            **parts,
            "worst_slippage": project.worst_slippage_days,
            "timeline": {
                **selectors.milestone_timeline(parts["milestones"]),
                "today": today.isoformat(),
            },
            "chart_height": 80 + 34 * len(parts["milestones"]),
            "can_edit": editable,
            "can_rebaseline": can_rebaseline(request.user, project),
            "transitions": transitions,
            "failed_transition": failed,
            "transition_form": transition_form,
            "log_form": ProgressLogForm() if editable else None,
            "organization_form": OrganizationRoleForm() if editable else None,
            "today": today,
        },
        status=status,
    )


def project_create(request: HttpRequest) -> HttpResponse:
    if not can_create(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The project was created."))
            return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "project": None}
    )


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, write=True)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            services.project_update(project=project, by=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "project": project}
    )


def project_history(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    return render(
        request,
        "projects/project_history.html",
        {
            "project": project,
            "entries": selectors.project_history(project=project, user=request.user),
        },
    )


@require_POST
def project_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if name not in Project.TRANSITIONS:
        raise Http404
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.project_transition(
                project=project,
                transition=name,
                by=request.user,
                comment=form.cleaned_data["comment"],
                on=form.cleaned_data["on"],
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except ConcurrentTransition:
            messages.error(
                request,
                _(
                    "Someone else changed this project's status first; "
                    "nothing was done."
                ),
            )
            return redirect(project)
        else:
            messages.success(
                request,
                _("Status is now “%(status)s”.")
                % {"status": project.get_status_display()},
            )
            return redirect(project)
    return _detail(request, pk, failed=name, transition_form=form, status=400)


@require_POST
def project_log_progress(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, write=True)
    form = ProgressLogForm(request.POST)
    if form.is_valid():
        services.project_log_progress(
            project=project, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Progress logged."))
        return redirect(project)
    return render(
        request,
        "projects/progresslog_form.html",
        {"form": form, "project": project, "log": None},
        status=400,
    )


def progress_log_correct(request: HttpRequest, pk: int, log_pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, write=True)
    log = get_object_or_404(ProgressLog, project=project, pk=log_pk)
    form = ProgressLogCorrectionForm(request.POST or None, instance=log)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        reason = fields.pop("reason")
        # The form wrote the new values onto ``log``; the service re-applies
        # them with the reason so the audit record carries it.
        services.progress_log_correct(log=log, by=request.user, reason=reason, **fields)
        messages.success(request, _("The progress log was corrected."))
        return redirect(project)
    return render(
        request,
        "projects/progresslog_form.html",
        {"form": form, "project": project, "log": log},
    )


def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, write=True)
    form = MilestoneForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        services.milestone_create(project=project, by=request.user, **form.cleaned_data)
        messages.success(request, _("Milestone added."))
        return redirect(project)
    return render(
        request,
        "projects/milestone_form.html",
        {"form": form, "project": project, "milestone": None},
    )


def milestone_edit(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, write=True)
    milestone = get_object_or_404(Milestone, project=project, pk=milestone_pk)
    form = MilestoneUpdateForm(
        request.POST or None, instance=milestone, project=project
    )
    if request.method == "POST" and form.is_valid():
        services.milestone_update(
            milestone=milestone, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Milestone saved."))
        return redirect(project)
    return render(
        request,
        "projects/milestone_form.html",
        {"form": form, "project": project, "milestone": milestone},
    )


def milestone_rebaseline(
    request: HttpRequest, pk: int, milestone_pk: int
) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if not can_rebaseline(request.user, project):
        raise PermissionDenied
    milestone = get_object_or_404(Milestone, project=project, pk=milestone_pk)
    form = RebaselineForm(
        request.POST or None, initial={"baseline_date": milestone.baseline_date}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_rebaseline(
                milestone=milestone, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The milestone was re-baselined."))
            return redirect(project)
    return render(
        request,
        "projects/milestone_rebaseline.html",
        {"form": form, "project": project, "milestone": milestone},
    )


@require_POST
def organization_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, write=True)
    form = OrganizationRoleForm(request.POST)
    if form.is_valid():
        services.project_add_organization(
            project=project, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Organisation added."))
    else:
        messages.error(request, _("Choose an organisation and its role."))
    return redirect(project)


@require_POST
def organization_remove(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk, write=True)
    link = get_object_or_404(ProjectOrganization, project=project, pk=link_pk)
    services.project_remove_organization(link=link, by=request.user)
    messages.success(request, _("Organisation removed."))
    return redirect(project)


def project_import(request: HttpRequest) -> HttpResponse:
    """Upload an AidData file; the validation report is shown on the page."""
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_aiddata(
            upload.read(),
            filename=upload.name,
            dry_run=form.cleaned_data["dry_run"],
            skip_invalid=form.cleaned_data["skip_invalid"],
            desk=form.cleaned_data["desk"],
        )
        if report.saved:
            messages.success(request, report.summary())
    return render(
        request, "projects/project_import.html", {"form": form, "report": report}
    )


# Lookups for search-as-you-type selects ------------------------------------


def _lookup_results(objects: list[Any]) -> JsonResponse:
    return JsonResponse({"results": [{"value": o.pk, "text": str(o)} for o in objects]})


@require_GET
def lookup_agreements(request: HttpRequest) -> JsonResponse:
    """Documents the user may see, to link as a project's underpinning."""
    query = request.GET.get("q", "")[:100]
    return _lookup_results(
        selectors.agreements_for_lookup(user=request.user, query=query)
    )


@require_GET
def lookup_events(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "")[:100]
    return _lookup_results(selectors.events_for_lookup(user=request.user, query=query))
