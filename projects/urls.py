from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("import/", views.project_import, name="import"),
    path("lookup/documents/", views.lookup_agreements, name="lookup_agreements"),
    path("lookup/events/", views.lookup_events, name="lookup_events"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/history/", views.project_history, name="history"),
    path(
        "<int:pk>/status/<slug:name>/",
        views.project_transition,
        name="transition",
    ),
    path("<int:pk>/progress/", views.project_log_progress, name="log_progress"),
    path(
        "<int:pk>/progress/<int:log_pk>/correct/",
        views.progress_log_correct,
        name="progress_correct",
    ),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/edit/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/rebaseline/",
        views.milestone_rebaseline,
        name="milestone_rebaseline",
    ),
    path(
        "<int:pk>/organisations/",
        views.organization_add,
        name="organization_add",
    ),
    path(
        "<int:pk>/organisations/<int:link_pk>/remove/",
        views.organization_remove,
        name="organization_remove",
    ),
]
