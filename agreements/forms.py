from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Organization
from tracker.permissions import can_view, editable_desks
from tracker.selectors import desk_people
from tracker.widgets import AutocompleteSelect, DateInput, bootstrap

from .models import Agreement, AgreementFile, AgreementParty, Event, NegotiationRound
from .services import TRANSITION_FIELDS


def lookup(name: str) -> Any:
    """The lazy URL of one of this app's lookup views (scoped to the user);
    countries and organisations are searched through tracker's."""
    return reverse_lazy(f"agreements:lookup_{name}")


def with_current(queryset: Any, pk: Any) -> Any:
    """``queryset`` and the record a field holds now, so that saving a form's
    other fields never drops a value the user could not choose today."""
    if pk is None:
        return queryset
    widened = queryset.model._default_manager.filter(
        Q(pk__in=queryset.values("pk")) | Q(pk=pk)
    )
    if queryset.query.order_by:
        widened = widened.order_by(*queryset.query.order_by)
    return widened


class DocumentSelect(AutocompleteSelect):
    """Names a chosen document the user may not see only as another desk's."""

    # Values (primary keys as text) of the documents to name so; a form sets
    # a new set on its own copy of the widget.
    unseen: frozenset[str] = frozenset()

    def create_option(self, name: str, value: Any, label: Any, *args: Any, **kwargs):
        if str(value) in self.unseen:
            label = _("a document of another desk")
        return super().create_option(name, value, label, *args, **kwargs)


class AgreementForm(forms.ModelForm):
    chinese_agency = forms.ModelChoiceField(
        label=_("Chinese signing agency"),
        queryset=Organization.objects.all(),
        required=False,
        widget=AutocompleteSelect(reverse_lazy("tracker:lookup_organizations")),
    )

    class Meta:
        model = Agreement
        fields = [
            "title_zh",
            "title_en",
            "kind",
            "binding",
            "summary",
            "desk",
            "officer",
            "target_signing_date",
            "target_event",
            "enters_on_signature",
            "duration_years",
            "renewal",
            "renewal_years",
            "notice_months",
            "parent",
            "parent_relation",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "target_signing_date": DateInput(),
            "parent": DocumentSelect(lookup("agreements")),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        desks = editable_desks(user)
        self.fields["desk"].queryset = desks
        if desks.count() == 1 and not instance.pk:
            self.fields["desk"].initial = desks.first()
        # An officer who has left the desk, or an event or parent document of
        # another desk, stays choosable while the document holds it.
        self.fields["officer"].queryset = with_current(
            desk_people(desks), instance.officer_id
        )
        self.fields["target_event"].queryset = with_current(
            Event.objects.visible_to(user)
            .filter(desk__in=desks)
            .order_by("-starts_on"),
            instance.target_event_id,
        )
        parent = self.fields["parent"]
        parent.queryset = with_current(
            Agreement.objects.visible_to(user), instance.parent_id
        )
        parent.widget.choices = parent.choices
        if instance.parent_id and not can_view(user, instance.parent):
            parent.widget.unseen = frozenset({str(instance.parent_id)})
        if instance.pk:
            # What the form was opened on: a save on top of someone else's
            # later change is refused (agreements.services.agreement_update).
            self.fields["version"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=instance.version
            )
        chinese = self.fields["chinese_agency"]
        chinese.widget.choices = chinese.choices
        if instance.pk:
            party = next(
                (
                    p
                    for p in instance.parties.all()
                    if p.side == AgreementParty.Side.CHINESE
                ),
                None,
            )
            if party is not None:
                chinese.initial = party.signing_agency_id
        bootstrap(self)


PARTY_FIELDS = (
    "country",
    "organization",
    "signing_agency",
    "signatory_name",
    "signatory_title",
)


class PartyForm(forms.ModelForm):
    class Meta:
        model = AgreementParty
        fields = list(PARTY_FIELDS)
        widgets = {
            "country": AutocompleteSelect(reverse_lazy("tracker:lookup_countries")),
            "organization": AutocompleteSelect(
                reverse_lazy("tracker:lookup_organizations")
            ),
            "signing_agency": AutocompleteSelect(
                reverse_lazy("tracker:lookup_organizations")
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("country", "organization", "signing_agency"):
            self.fields[name].widget.choices = self.fields[name].choices
        bootstrap(self)

    def clean(self) -> dict:
        data = super().clean()
        if (
            not self.cleaned_data.get("DELETE")
            and self.has_changed()
            and not (data.get("country") or data.get("organization"))
        ):
            raise forms.ValidationError(_("Choose a country or an organisation."))
        return data


PartyFormSet = forms.inlineformset_factory(
    Agreement,
    AgreementParty,
    form=PartyForm,
    extra=1,
    can_delete=True,
)


class CounterpartFormSet(PartyFormSet):
    """The counterpart parties; the Chinese side is edited on the main form."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(side=AgreementParty.Side.COUNTERPART)
            .select_related("country", "organization", "signing_agency")
        )

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]
        if not kept:
            raise forms.ValidationError(_("Add at least one counterpart party."))


class NegotiationRoundForm(forms.ModelForm):
    class Meta:
        model = NegotiationRound
        fields = [
            "held_on",
            "venue_kind",
            "venue",
            "chinese_head",
            "counterpart_head",
            "outcome",
            "next_steps",
            "next_round_on",
        ]
        widgets = {
            "held_on": DateInput(),
            "next_round_on": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean(self) -> dict:
        data = super().clean()
        held, following = data.get("held_on"), data.get("next_round_on")
        if held and following and following <= held:
            self.add_error(
                "next_round_on", _("The next round must come after this one.")
            )
        if held and held > timezone.localdate():
            self.add_error("held_on", _("Record rounds once they are held."))
        return data


class FileForm(forms.ModelForm):
    upload = forms.FileField(label=_("File"))

    class Meta:
        model = AgreementFile
        fields = ["kind", "language", "version"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].widget.attrs["accept"] = ".pdf,.docx,.odt,.txt"
        bootstrap(self)


def signing_events(agreement: Agreement) -> Any:
    """Events of the document's desk around now, and its current target."""
    today = timezone.localdate()
    window = (today - datetime.timedelta(days=60), today + datetime.timedelta(days=60))
    return Event.objects.filter(
        Q(desk_id=agreement.desk_id, starts_on__range=window)
        | Q(pk=agreement.target_event_id)
    ).order_by("starts_on")


class TransitionForm(forms.Form):
    """Asks for exactly what one transition needs: its fields and a reason."""

    signed_on = forms.DateField(label=_("Signing date"), widget=DateInput())
    signing_place = forms.CharField(label=_("Signing place"), max_length=200)
    target_event = forms.ModelChoiceField(
        label=_("Signed at event"),
        queryset=Event.objects.none(),
        required=False,
        help_text=_("Leave empty when it is not signed at a visit, dialogue or forum."),
    )
    effective_on = forms.DateField(label=_("In force from"), widget=DateInput())
    renewed_until = forms.DateField(label=_("New expiry date"), widget=DateInput())
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        agreement: Agreement,
        transition: str,
        reason_required: bool,
        parties: list[AgreementParty],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.transition = transition
        wanted = set(TRANSITION_FIELDS.get(transition, ())) | {"comment"}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if reason_required:
            self.fields["comment"].label = _("Reason")
            self.fields["comment"].required = True
        self.party_fields: list[tuple[AgreementParty, str, str]] = []
        if transition == "sign":
            self._add_signatory_fields(parties)
            self.initial.setdefault("signed_on", timezone.localdate())
            event = agreement.target_event
            if event is not None and event.place:
                self.initial.setdefault("signing_place", event.place)
            self.fields["target_event"].queryset = signing_events(agreement)
            self.initial.setdefault("target_event", agreement.target_event_id)
        if transition == "renew":
            self.initial.setdefault("renewed_until", agreement.next_term_end())
        if transition == "enter_into_force":
            self.initial.setdefault("effective_on", agreement.signed_on)
        bootstrap(self)

    def _add_signatory_fields(self, parties: list[AgreementParty]) -> None:
        for party in parties:
            name_key, title_key = f"signatory_{party.pk}", f"signatory_title_{party.pk}"
            self.fields[name_key] = forms.CharField(
                label=_("Signatory for %(party)s") % {"party": party},
                max_length=200,
                required=False,
                initial=party.signatory_name,
            )
            self.fields[title_key] = forms.CharField(
                label=_("Signatory's title"),
                max_length=200,
                required=False,
                initial=party.signatory_title,
            )
            self.party_fields.append((party, name_key, title_key))

    def transition_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {
            name: data.get(name) for name in TRANSITION_FIELDS.get(self.transition, ())
        }
        kwargs["comment"] = data.get("comment", "")
        if self.party_fields:
            # A blank field keeps what the party already records.
            kwargs["signatories"] = {
                party.pk: {
                    key: value
                    for key, value in (
                        ("signatory_name", data.get(name_key, "").strip()),
                        ("signatory_title", data.get(title_key, "").strip()),
                    )
                    if value
                }
                for party, name_key, title_key in self.party_fields
            }
        return kwargs

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
