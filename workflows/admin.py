from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .delivery import retry_now
from .forms import ReminderRuleForm
from .models import Digest, Mute, Notice, Reminder, ReminderRule, TransitionLog
from .reminders import digests_retry


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    form = ReminderRuleForm
    list_display = (
        "source",
        "enabled",
        "lead_days",
        "overdue_days",
        "chief_after_days",
        "leadership_after_days",
    )
    list_editable = ("enabled",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledgers are written by the reminder run, never by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = (
        "source",
        "object_id",
        "recipient",
        "due_on",
        "lead_days",
        "reason",
        "status",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "source", "reason", "due_on")
    search_fields = ("recipient__username", "recipient__email", "source")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.action(description=_("Send again"))
def send_digests_again(modeladmin, request, queryset):
    count = digests_retry(digest_ids=queryset.values_list("id", flat=True))
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)s digest will be sent at the next run.",
            "%(count)s digests will be sent at the next run.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Send again"))
def send_notices_again(modeladmin, request, queryset):
    count = retry_now(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)s notice will be sent at the next run.",
            "%(count)s notices will be sent at the next run.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ("day", "recipient", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "day")
    search_fields = ("recipient__username", "recipient__email")
    list_select_related = ("recipient",)
    actions = [send_digests_again]
    show_full_result_count = False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "rule",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "rule")
    search_fields = ("recipient__username", "recipient__email")
    list_select_related = ("recipient",)
    actions = [send_notices_again]


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ("user", "key")
    search_fields = ("user__username", "key")
    list_select_related = ("user",)


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "content_type", "object_id", "transition", "by")
    list_filter = ("content_type", "transition")
    list_select_related = ("content_type", "by")
    show_full_result_count = False
