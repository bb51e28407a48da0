from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import auth, views

tracker_patterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("brief/", views.brief, name="brief"),
    path("language/", views.set_language, name="set_language"),
    path("lookup/countries/", views.lookup_countries, name="lookup_countries"),
    path(
        "lookup/organizations/",
        views.lookup_organizations,
        name="lookup_organizations",
    ),
]

urlpatterns = [
    path("", include((tracker_patterns, "tracker"))),
    path("documents/", include("agreements.urls")),
    path("projects/", include("projects.urls")),
    path("events/", include("agreements.events.urls")),
    path("workflows/", include("workflows.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
]

handler403 = "tracker.views.permission_denied"
