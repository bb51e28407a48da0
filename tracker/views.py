from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .auth import client_address
from .auth import logger as security_logger
from .forms import BriefForm, PreferencesForm
from .models import Desk
from .permissions import can_view_desk, sees_all_desks, user_desk_ids
from .selectors import countries_matching, health_status, organizations_matching


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    status = health_status()
    return JsonResponse(status, status=200 if status["healthy"] else 503)


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the whole portfolio for leadership and viewers, the
    user's desks for officers and chiefs; ``?desk=CODE`` narrows to one desk."""
    from .dashboard import dashboard_charts, dashboard_get

    desk = None
    if code := request.GET.get("desk"):
        desk = Desk.objects.filter(code=code).first()
        if desk is None or not can_view_desk(request.user, desk.pk):
            raise Http404
    data = dashboard_get(user=request.user, today=timezone.localdate(), desk=desk)
    return render(
        request,
        "tracker/dashboard.html",
        {
            "dashboard": data,
            "charts": dashboard_charts(data),
            "desks": Desk.objects.filter(pk__in=user_desk_ids(request.user))
            if not sees_all_desks(request.user)
            else Desk.objects.all(),
        },
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("language", "")
    response = redirect(_safe_next(request))
    if code not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language: %(code)s.") % {"code": code[:20]})
        return response
    if request.user.is_authenticated:
        request.user.language = code
        request.user.save(update_fields=["language"])
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 60 * 60,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(form.instance.language or translation.get_language())
        messages.success(request, _("Your preferences were saved."))
        return redirect("tracker:preferences")
    return render(request, "tracker/preferences.html", {"form": form})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page, with an audit line for each refusal."""
    security_logger.warning(
        "event=permission_denied user=%s address=%s method=%s path=%s",
        request.user.get_username() if request.user.is_authenticated else "-",
        client_address(request),
        request.method,
        request.path,
    )
    return render(request, "403.html", status=403)


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "")[:100]


@require_GET
def lookup_organizations(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type over organisations (reference data, any signed-in user)."""
    return JsonResponse({"results": organizations_matching(_query(request))})


@require_GET
def lookup_countries(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type over countries (reference data, any signed-in user)."""
    return JsonResponse({"results": countries_matching(_query(request))})


def brief(request: HttpRequest) -> HttpResponse:
    """The regular brief for a period, on the page or as a Word document."""
    from .brief import brief_docx, brief_get

    today = timezone.localdate()
    form = BriefForm(request.GET or {"period": "month"}, today=today)
    if not form.is_valid():
        return render(request, "tracker/brief.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    data = brief_get(user=request.user, start=start, end=end, today=today)
    title = _("Belt and Road cooperation brief")
    if request.GET.get("format") == "docx":
        response = HttpResponse(
            brief_docx(data, title=title),
            content_type=(
                "application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            ),
        )
        response["Content-Disposition"] = (
            f'attachment; filename="brief-{start:%Y%m%d}-{end:%Y%m%d}.docx"'
        )
        return response
    return render(
        request, "tracker/brief.html", {"form": form, "brief": data, "title": title}
    )
