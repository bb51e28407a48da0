from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from django_fsm import ConcurrentTransition
from django_tables2 import SingleTableMixin

from tracker.exports import ExportMixin
from tracker.paginators import ListPaginator
from tracker.permissions import can_create, can_view, get_for_user

from . import selectors, services
from .filters import AgreementFilter
from .forms import (
    PARTY_FIELDS,
    AgreementForm,
    CounterpartFormSet,
    FileForm,
    NegotiationRoundForm,
    TransitionForm,
)
from .lifecycle import diagram
from .models import TRANSITION_LABELS, Agreement, AgreementFile, AgreementParty
from .permissions import can_download
from .selectors import AUTOMATIC_TRANSITIONS
from .services import REASON_REQUIRED
from .tables import EXPORT_HEADERS, AgreementTable, export_rows
from .uploads import safe_filename

CONCURRENT_MESSAGE = gettext_lazy(
    "Someone else changed this document while you were working on it. "
    "Nothing was saved: check its current state and try again."
)
EDIT_CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed this document while you were editing it, so nothing "
    "was saved. What you typed is still below: open the edit page again to see "
    "their changes, then make yours."
)


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _agreement(request: HttpRequest, pk: int, *, write: bool = False) -> Agreement:
    return get_for_user(
        selectors.agreement_for_detail(), request.user, write=write, pk=pk
    )


class AgreementListView(ExportMixin, SingleTableMixin, FilterView):
    table_class = AgreementTable
    filterset_class = AgreementFilter
    template_name = "agreements/agreement_list.html"
    table_pagination = {"paginator_class": ListPaginator, "per_page": 50}
    export_headers = EXPORT_HEADERS
    export_filename = "documents"

    def get_queryset(self):
        return selectors.agreement_list(user=self.request.user)

    def export_rows(self, queryset):
        return export_rows(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = can_create(self.request.user)
        return context


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    detail = selectors.agreement_detail(agreement=agreement, user=request.user)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "detail": detail,
            "parent_visible": agreement.parent_id is not None
            and can_view(request.user, agreement.parent),
            "transition_buttons": [
                (name, TRANSITION_LABELS[name]) for name in detail.transitions
            ],
            "round_form": NegotiationRoundForm() if detail.can_record_round else None,
            "file_form": FileForm() if detail.can_manage_files else None,
        },
    )


def agreement_create(request: HttpRequest) -> HttpResponse:
    if not can_create(request.user):
        raise PermissionDenied
    form = AgreementForm(_data(request), user=request.user)
    formset = CounterpartFormSet(_data(request), prefix="parties")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = dict(form.cleaned_data)
        chinese_agency = fields.pop("chinese_agency", None)
        parties = [
            _party_fields(f)
            for f in formset.forms
            if f.has_changed() and not f.cleaned_data.get("DELETE")
        ]
        try:
            agreement = services.agreement_create(
                by=request.user,
                chinese_agency=chinese_agency,
                parties=parties,
                **fields,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Document created."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "formset": formset, "agreement": None},
    )


def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, write=True)
    form = AgreementForm(_data(request), instance=agreement, user=request.user)
    formset = CounterpartFormSet(_data(request), instance=agreement, prefix="parties")
    status = 200
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in AgreementForm.Meta.fields
        }
        try:
            with transaction.atomic():
                services.agreement_update(
                    agreement=agreement,
                    by=request.user,
                    version=form.cleaned_data.get("version") or None,
                    **fields,
                )
                _save_parties(request, agreement, form, formset)
        except ConcurrentTransition:
            # The form keeps the version it was opened with: sending it again
            # cannot overwrite the other person's changes.
            form.add_error(None, EDIT_CONFLICT_MESSAGE)
            status = 409
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "formset": formset, "agreement": agreement},
        status=status,
    )


def _save_parties(
    request: HttpRequest,
    agreement: Agreement,
    form: AgreementForm,
    formset: CounterpartFormSet,
) -> None:
    if "chinese_agency" in form.changed_data:
        party = services.agreement_parties_ensure_chinese(agreement=agreement)
        services.agreement_party_save(
            agreement=agreement,
            by=request.user,
            party=party,
            signing_agency=form.cleaned_data["chinese_agency"],
        )
    for party_form in formset.forms:
        instance = party_form.instance
        if party_form.cleaned_data.get("DELETE"):
            if instance.pk:
                services.agreement_party_delete(party=instance, by=request.user)
            continue
        if not party_form.has_changed():
            continue
        data = _party_fields(party_form)
        services.agreement_party_save(
            agreement=agreement,
            by=request.user,
            party=instance if instance.pk else None,
            side=AgreementParty.Side.COUNTERPART,
            **data,
        )


def _party_fields(form: Any) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in PARTY_FIELDS}


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def agreement_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """GET: the short form the transition needs; POST: run it."""
    agreement = _agreement(request, pk)
    if name not in Agreement.TRANSITIONS or name in AUTOMATIC_TRANSITIONS:
        raise Http404
    # With the document's own values: what the form cannot change (raises
    # PermissionDenied for a user who may not run it).
    blockers = services.agreement_transition_errors(
        agreement=agreement,
        transition=name,
        by=request.user,
        today=timezone.localdate(),
    )
    if "state" in blockers:
        messages.error(request, blockers["state"])
        return redirect(agreement)
    parties = list(agreement.parties.select_related("country", "organization"))
    form = TransitionForm(
        _data(request),
        agreement=agreement,
        transition=name,
        reason_required=name in REASON_REQUIRED,
        parties=parties,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_transition(
                agreement=agreement,
                transition=name,
                by=request.user,
                **form.transition_kwargs(),
            )
        except ConcurrentTransition:
            messages.error(request, CONCURRENT_MESSAGE)
            return redirect("agreements:detail", pk=pk)
        except ValidationError as exc:
            form.add_service_errors(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"__all__": exc.messages}
            )
        else:
            messages.success(
                request,
                _("Done: %(action)s. The document is now “%(state)s”.")
                % {
                    "action": TRANSITION_LABELS[name],
                    "state": agreement.get_state_display(),
                },
            )
            return redirect("agreements:detail", pk=pk)
    return render(
        request,
        "agreements/agreement_transition.html",
        {
            "agreement": agreement,
            "form": form,
            "name": name,
            "label": TRANSITION_LABELS[name],
            "rounds_error": blockers.get("rounds"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, write=True)
    form = NegotiationRoundForm(request.POST)
    if form.is_valid():
        try:
            services.negotiation_round_record(
                agreement=agreement, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Negotiation round recorded."))
            return redirect(agreement)
    return render(
        request,
        "agreements/negotiationround_form.html",
        {"agreement": agreement, "form": form},
        status=400,
    )


@require_POST
def file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, write=True)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.agreement_file_add(
                agreement=agreement,
                by=request.user,
                upload=data.pop("upload"),
                **data,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("upload", message)
        else:
            messages.success(request, _("File uploaded."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreementfile_form.html",
        {"agreement": agreement, "form": form},
        status=400,
    )


@require_GET
def file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    agreement = _agreement(request, pk)
    if not can_download(request.user, agreement):
        raise Http404
    try:
        record = agreement.files.get(pk=file_pk)
    except AgreementFile.DoesNotExist:
        raise Http404 from None
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(record.original_name),
        content_type=record.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def file_delete(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    agreement = _agreement(request, pk, write=True)
    try:
        record = agreement.files.get(pk=file_pk)
    except AgreementFile.DoesNotExist:
        raise Http404 from None
    services.agreement_file_delete(record=record, by=request.user)
    messages.success(request, _("File deleted."))
    return HttpResponseRedirect(agreement.get_absolute_url())


def lifecycle(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agreements/lifecycle.html",
        {
            "diagram": diagram(),
            "states": Agreement.State.choices,
            "labels": TRANSITION_LABELS,
        },
    )


# Lookups for search-as-you-type selects ------------------------------------


def _results(objects: list[Any]) -> JsonResponse:
    return JsonResponse({"results": [{"value": o.pk, "text": str(o)} for o in objects]})


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:100]


@require_GET
def lookup_officers(request: HttpRequest) -> JsonResponse:
    return _results(
        selectors.officers_for_lookup(user=request.user, query=_query(request))
    )


@require_GET
def lookup_agreements(request: HttpRequest) -> JsonResponse:
    return _results(
        selectors.agreements_for_lookup(user=request.user, query=_query(request))
    )
