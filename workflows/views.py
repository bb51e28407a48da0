import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tracker.models import Role
from tracker.permissions import has_role

from . import preferences as prefs
from .calendar import calendar_for_user
from .forms import MuteForm
from .models import Category
from .reminders import deliveries_retry_failed
from .selectors import deadlines_for_user, deliveries_failed
from .tasks import enqueue


def _is_administrator(user) -> bool:
    return user.is_superuser or has_role(user, Role.ADMINISTRATOR)


def preferences(request: HttpRequest) -> HttpResponse:
    muted = prefs.mutes_for(user=request.user)
    categories = set(Category.values)
    form = MuteForm(
        request.POST or None,
        initial={
            "categories": sorted(muted & categories),
            "kinds": sorted(muted - categories),
        },
    )
    if request.method == "POST" and form.is_valid():
        prefs.mutes_set(user=request.user, keys=form.muted())
        messages.success(request, _("Your reminder settings were saved."))
        return redirect("workflows:preferences")
    today = timezone.localdate()
    calendar_url = request.build_absolute_uri(
        reverse("workflows:calendar", args=[request.user.calendar_token])
    )
    upcoming = deadlines_for_user(
        user=request.user,
        start=today - datetime.timedelta(days=90),
        end=today + datetime.timedelta(days=60),
        today=today,
    )
    return render(
        request,
        "workflows/preferences.html",
        {
            "form": form,
            "calendar_url": calendar_url,
            "deadlines": upcoming,
            "today": today,
        },
    )


@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    prefs.calendar_token_reset(user=request.user)
    messages.success(
        request,
        _("Your calendar address was changed; the old one no longer works."),
    )
    return redirect("workflows:preferences")


@login_not_required
@never_cache
@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The feed; its address is the secret, so no login is asked."""
    user = get_object_or_404(get_user_model(), calendar_token=token, is_active=True)
    response = HttpResponse(
        calendar_for_user(user=user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response


def deliveries(request: HttpRequest) -> HttpResponse:
    """Administrators: e-mails that could not be delivered."""
    if not _is_administrator(request.user):
        raise PermissionDenied
    return render(request, "workflows/delivery_failed.html", deliveries_failed())


@require_POST
def deliveries_retry(request: HttpRequest) -> HttpResponse:
    if not _is_administrator(request.user):
        raise PermissionDenied
    retried = deliveries_retry_failed()
    transaction.on_commit(lambda: [enqueue(kind, pk) for kind, pk in retried])
    messages.success(
        request,
        ngettext(
            "%(count)s e-mail is being sent again.",
            "%(count)s e-mails are being sent again.",
            len(retried),
        )
        % {"count": len(retried)},
    )
    return redirect("workflows:deliveries")
