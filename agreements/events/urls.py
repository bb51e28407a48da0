from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path(
        "<int:pk>/deliverables/add/",
        views.event_deliverable_add,
        name="deliverable_add",
    ),
    path(
        "<int:pk>/deliverables/remove/",
        views.event_deliverable_remove,
        name="deliverable_remove",
    ),
    path(
        "<int:pk>/deliverables/lookup/",
        views.lookup_deliverables,
        name="lookup_deliverables",
    ),
]
