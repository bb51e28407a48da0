from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    path("new/", views.agreement_create, name="create"),
    path("lifecycle/", views.lifecycle, name="lifecycle"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path(
        "<int:pk>/transition/<slug:name>/",
        views.agreement_transition,
        name="transition",
    ),
    path("<int:pk>/rounds/", views.round_create, name="round_create"),
    path("<int:pk>/files/", views.file_upload, name="file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.file_download, name="file_download"),
    path(
        "<int:pk>/files/<int:file_pk>/delete/",
        views.file_delete,
        name="file_delete",
    ),
    path("lookup/officers/", views.lookup_officers, name="lookup_officers"),
    path("lookup/documents/", views.lookup_agreements, name="lookup_agreements"),
]
