from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Milestone, ProgressLog, Project, ProjectOrganization


class ProjectOrganizationInline(admin.TabularInline):
    model = ProjectOrganization
    autocomplete_fields = ["organization"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name_en", "country", "desk", "status", "flagship"]
    list_filter = ["status", "flagship", "desk", "sector"]
    search_fields = ["name_en", "name_zh", "aiddata_record_id"]
    list_select_related = ["country", "desk"]
    # Selects of 100,000 documents would make the change page unusable.
    autocomplete_fields = ["country", "agreements", "launch_event"]
    # Status moves only through logged transitions.
    readonly_fields = ["status", "created_at", "updated_at"]
    raw_id_fields = ["officer"]
    inlines = [ProjectOrganizationInline]
    show_full_result_count = False


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "baseline_date", "forecast_date", "actual_date"]
    raw_id_fields = ["project", "owner"]

    def get_readonly_fields(self, request, obj=None):
        # Leadership re-baselines in the tracker, with a reason.
        return ["baseline_date"] if obj else []


@admin.register(ProgressLog)
class ProgressLogAdmin(SimpleHistoryAdmin):
    list_display = ["project", "reported_on", "rag", "percent_complete", "author"]
    list_filter = ["rag"]
    raw_id_fields = ["project", "author"]
