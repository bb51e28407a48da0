"""Login and logout views that leave an audit line for each attempt."""

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpRequest

logger = logging.getLogger("tracker.security")


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        logger.info(
            "event=login user=%s address=%s",
            form.get_user().username,
            client_address(self.request),
        )
        return response

    def form_invalid(self, form):
        logger.warning(
            "event=login_failed user=%s address=%s",
            (form.data.get("username") or "")[:150],
            client_address(self.request),
        )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        username = request.user.get_username() if request.user.is_authenticated else ""
        response = super().post(request, *args, **kwargs)
        logger.info(
            "event=logout user=%s address=%s", username, client_address(request)
        )
        return response
