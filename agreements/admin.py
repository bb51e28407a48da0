from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, AgreementFile, AgreementParty, Event, NegotiationRound
from .services import agreement_regions_refresh
from .tables import AgreementTable, counterparts


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    autocomplete_fields = ["country", "organization", "signing_agency"]
    extra = 0


class NegotiationRoundInline(admin.StackedInline):
    model = NegotiationRound
    raw_id_fields = ["recorded_by"]
    extra = 0


class AgreementFileInline(admin.TabularInline):
    model = AgreementFile
    fields = ["original_name", "kind", "language", "version", "size", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Uploads go through the document page, which checks their content.
        return False


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    # The document list's columns, filters, order and page size, so the admin
    # is what a team would have configured instead (the benchmark compares them).
    list_display = AgreementTable.Meta.sequence
    list_filter = [
        "state",
        "kind",
        ("parties__country", admin.RelatedFieldListFilter),
        "parties__country__region",
        "desk",
        "signed_on",
        "target_signing_date",
    ]
    search_fields = ["title_en", "title_zh"]
    list_select_related = ["desk", "officer", "target_event"]
    ordering = ["-target_signing_date", "-id"]
    list_per_page = 50
    # The state moves only through logged transitions; term dates are derived.
    readonly_fields = [
        "state",
        "expires_on",
        "notice_deadline",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["officer", "parent", "target_event"]
    inlines = [AgreementPartyInline, NegotiationRoundInline, AgreementFileInline]
    show_full_result_count = False

    def get_queryset(self, request):
        counterpart_parties = AgreementParty.objects.filter(
            side=AgreementParty.Side.COUNTERPART
        ).select_related("country", "organization")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("parties", counterpart_parties, to_attr="counterparts")
            )
        )

    @admin.display(description=_("Counterparts"))
    def counterparts(self, obj: Agreement) -> str:
        return counterparts(obj)

    def save_model(self, request, obj, form, change):
        obj.compute_term_dates()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # In the change form's transaction, after the parties inline.
        super().save_related(request, form, formsets, change)
        agreement_regions_refresh(agreement_ids=[form.instance.pk])


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name_en", "kind", "starts_on", "place", "desk"]
    list_filter = ["kind", "desk"]
    search_fields = ["name_en", "name_zh", "place"]
    autocomplete_fields = ["counterparts", "counterpart_organizations"]
    date_hierarchy = "starts_on"
