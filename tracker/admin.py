from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from agreements.services import agreement_regions_refresh

from .models import Country, Desk, DeskRegion, Organization, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ("language",)}),
    )
    list_display = ("username", "email", "first_name", "last_name", "is_active")
    list_filter = ("is_active", "is_staff", "groups")

    def get_readonly_fields(self, request, obj=None):
        """Only a superuser grants superuser status or single permissions;
        administrators give people roles (groups) and desks."""
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "user_permissions")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_zh", "region", "bri_joined_on")
    list_filter = ("region",)
    search_fields = ("code", "name_en", "name_zh")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "region" in form.changed_data:
            # Documents store their counterparts' regions; in the change
            # form's transaction.
            agreement_regions_refresh(
                agreement_ids=obj.agreement_parties.values_list(
                    "agreement_id", flat=True
                )
            )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_zh", "kind", "country")
    list_filter = ("kind",)
    search_fields = ("name_en", "name_zh")
    autocomplete_fields = ("country",)


class DeskRegionInline(admin.TabularInline):
    model = DeskRegion
    extra = 1


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_zh", "region_list", "chief")
    filter_horizontal = ("members",)
    autocomplete_fields = ("chief",)
    inlines = [DeskRegionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("regions"))
    def region_list(self, obj: Desk) -> str:
        return ", ".join(str(item) for item in obj.regions.all())
