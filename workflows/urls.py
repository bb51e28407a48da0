from django.urls import path

from . import views

app_name = "workflows"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/retry/", views.deliveries_retry, name="deliveries_retry"),
]
