import time

from django.conf import settings
from django.utils import translation

# Where a session keeps the time (epoch seconds) its expiry was last pushed.
SEEN_KEY = "_seen"


class UserLanguageMiddleware:
    """Uses the language a signed-in user chose, over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class SessionActivityMiddleware:
    """Keeps a signed-in session alive while it is used: a session ends
    ``SESSION_COOKIE_AGE`` seconds after its last save, and a request saves it
    when the last save is ``SESSION_TOUCH_SECONDS`` old or older. Saving on
    every request (SESSION_SAVE_EVERY_REQUEST) would write to the database on
    every page view. Goes just after SessionMiddleware, so that it marks the
    session before that saves it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(SEEN_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session[SEEN_KEY] = now
        return response
