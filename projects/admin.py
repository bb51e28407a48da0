import datetime

from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Milestone, ProgressLog, Project, ProjectOrganization, Rag
from .services import project_report_refresh, project_slippage_refresh
from .tables import ProjectTable


class ProjectOrganizationInline(admin.TabularInline):
    model = ProjectOrganization
    autocomplete_fields = ["organization"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    # The project list's columns (health from the same annotations), filters,
    # order and page size, so the admin is what a team would have configured
    # instead (the benchmark compares them).
    # The stored facts under the table's names would show their raw values.
    list_display = [
        {"latest_rag": "health", "latest_reported_on": "last_report"}.get(name, name)
        for name in ProjectTable.Meta.sequence
    ]
    list_filter = ["status", "country", "country__region", "sector", "desk", "flagship"]
    search_fields = ["name_en", "name_zh", "aiddata_record_id"]
    list_select_related = ["country", "desk"]
    list_per_page = 50
    # Selects of 100,000 documents would make the change page unusable.
    autocomplete_fields = ["country", "agreements", "launch_event"]
    # Status moves only through logged transitions.
    readonly_fields = ["status", "created_at", "updated_at"]
    raw_id_fields = ["officer"]
    inlines = [ProjectOrganizationInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).with_health(timezone.localdate())

    @admin.display(description=_("Health"), ordering="latest_rag")
    def health(self, obj: Project) -> str:
        return Rag(obj.latest_rag).label if obj.latest_rag else ""

    @admin.display(
        description=_("Worst slippage (days)"), ordering="worst_slippage_days"
    )
    def worst_slippage(self, obj: Project) -> int | None:
        return obj.worst_slippage_days

    @admin.display(description=_("Stale"), boolean=True, ordering="is_stale")
    def is_stale(self, obj: Project) -> bool:
        return obj.is_stale

    @admin.display(description=_("Last report"), ordering="latest_reported_on")
    def last_report(self, obj: Project) -> datetime.date | None:
        return obj.latest_reported_on


class ProjectFactsAdmin(SimpleHistoryAdmin):
    """Every write here (the change form, a reverted version, a deletion, the
    "delete selected" action) refreshes with ``refresh`` the facts stored on
    the projects concerned, in its transaction."""

    @staticmethod
    def refresh(*, project_ids) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            # A record moved to another project leaves the one it was on.
            projects = {obj.project_id}
            if change:
                before = self.model.objects.filter(pk=obj.pk)
                projects.update(before.values_list("project", flat=True))
            super().save_model(request, obj, form, change)
            self.refresh(project_ids=projects)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            self.refresh(project_ids=[obj.project_id])

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            projects = set(queryset.values_list("project", flat=True))
            super().delete_queryset(request, queryset)
            self.refresh(project_ids=projects)


@admin.register(Milestone)
class MilestoneAdmin(ProjectFactsAdmin):
    list_display = ["title", "project", "baseline_date", "forecast_date", "actual_date"]
    raw_id_fields = ["project", "owner"]
    refresh = staticmethod(project_slippage_refresh)

    def get_readonly_fields(self, request, obj=None):
        # Leadership re-baselines in the tracker, with a reason.
        return ["baseline_date"] if obj else []


@admin.register(ProgressLog)
class ProgressLogAdmin(ProjectFactsAdmin):
    list_display = ["project", "reported_on", "rag", "percent_complete", "author"]
    list_filter = ["rag"]
    raw_id_fields = ["project", "author"]
    refresh = staticmethod(project_report_refresh)
