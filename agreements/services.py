"""State changes of cooperation documents, their rounds, parties and files."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from tracker.permissions import can_create, can_edit, can_edit_desk
from workflows.models import TransitionLog
from workflows.services import transition_allowed, transition_run

from .models import (
    Agreement,
    AgreementFile,
    AgreementParty,
    NegotiationRound,
    add_years,
)
from .permissions import SYSTEM_USERNAME, can_manage_files, can_record_round
from .uploads import check_upload

# What each transition asks for, besides the reason.
TRANSITION_FIELDS: dict[str, tuple[str, ...]] = {
    # The event it is signed at, if any, becomes its target event.
    "sign": ("signed_on", "signing_place", "target_event"),
    "enter_into_force": ("effective_on",),
    "renew": ("renewed_until",),
}
REASON_REQUIRED = frozenset({"reject", "suspend", "terminate", "withdraw"})
# Fields that only transitions set.
TRANSITION_ONLY_FIELDS = frozenset(
    {"state", "signed_on", "signing_place", "renewed_until", "expires_on"}
    | {"notice_deadline"}
)

Signatories = Mapping[int, Mapping[str, str]]


def _require_editor(user: Any, agreement: Agreement) -> None:
    if not can_edit(user, agreement):
        raise PermissionDenied


def _save(agreement: Agreement, by: Any, reason: str = "") -> None:
    agreement._history_user = by
    if reason:
        agreement._change_reason = reason
    agreement.save()


def agreement_create(
    *,
    by: Any,
    parties: Iterable[Mapping[str, Any]] = (),
    chinese_agency: Any = None,
    **fields: Any,
) -> Agreement:
    """Create a document on a desk the user edits, in ``drafting``.

    Every document gets its Chinese side; ``parties`` are the counterparts
    (dicts of AgreementParty fields).
    """
    if not can_create(by):
        raise PermissionDenied
    for name in TRANSITION_ONLY_FIELDS:
        fields.pop(name, None)
    agreement = Agreement(**fields)
    _require_editor(by, agreement)
    agreement.clean()
    agreement.compute_term_dates()
    with transaction.atomic():
        _save(agreement, by)
        _party_create(
            agreement,
            by,
            side=AgreementParty.Side.CHINESE,
            signing_agency=chinese_agency,
        )
        for party in parties:
            _party_create(agreement, by, side=AgreementParty.Side.COUNTERPART, **party)
        agreement_regions_refresh(agreement_ids=[agreement.pk])
    return agreement


def _party_create(agreement: Agreement, by: Any, **fields: Any) -> None:
    party = AgreementParty(agreement=agreement, **fields)
    party._history_user = by
    party.save()


def agreement_update(
    *, agreement: Agreement, by: Any, version: str | None = None, **fields: Any
) -> Agreement:
    """Change a document's facts (not its state or what transitions record).

    The change is recorded in the document's history with ``by``. ``version``
    is the document's ``version`` when the user began editing: when it has
    been saved since (or its state changed since ``agreement`` was read),
    django_fsm.ConcurrentTransition is raised and nothing is saved.
    """
    _require_editor(by, agreement)
    for name in TRANSITION_ONLY_FIELDS:
        fields.pop(name, None)
    new_desk = fields.get("desk")
    if new_desk is not None and not can_edit_desk(by, new_desk.pk):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.clean()
    agreement.compute_term_dates()
    with transaction.atomic():
        if version is not None:
            current = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if current.version != version:
                raise ConcurrentTransition("The document was saved meanwhile.")
        _save(agreement, by)
    return agreement


def agreement_parties_ensure_chinese(*, agreement: Agreement) -> AgreementParty:
    party, _created = AgreementParty.objects.get_or_create(
        agreement=agreement, side=AgreementParty.Side.CHINESE
    )
    return party


def agreement_transition_errors(
    *,
    agreement: Agreement,
    transition: str,
    by: Any,
    today: datetime.date,
    comment: str = "",
    signatories: Signatories | None = None,
    **fields: Any,
) -> dict[str, str]:
    """What stops ``by`` from running the transition now, by field name.

    The one place its checks live, in this order: the document's state (a
    state that does not allow it is reported under ``state``, alone); who may
    run it (PermissionDenied is raised); its guards. ``fields`` are the values
    proposed for the transition; the document's own values stand in for the
    ones not given.
    """
    if not transition_allowed_by_state(agreement, transition):
        return {
            "state": _("This action is not possible while the document is “%(state)s”.")
            % {"state": agreement.get_state_display()}
        }
    if not transition_allowed(agreement, transition, by):
        raise PermissionDenied

    def value(name: str) -> Any:
        return fields[name] if name in fields else getattr(agreement, name)

    errors: dict[str, str] = {}
    if transition in REASON_REQUIRED and not comment.strip():
        errors["comment"] = _("Give a reason.")
    if transition == "agree_text" and not agreement.rounds.exists():
        errors["rounds"] = _(
            "Record at least one negotiation round before agreeing the text."
        )
    elif transition == "sign":
        signed_on = value("signed_on")
        if not signed_on:
            errors["signed_on"] = _("Enter the signing date.")
        elif signed_on > today:
            errors["signed_on"] = _("The signing date cannot be in the future.")
        if not (value("signing_place") or "").strip():
            errors["signing_place"] = _("Enter the signing place.")
        missing = _missing_signatories(agreement, signatories or {})
        if missing:
            errors["signatories"] = missing
    elif transition == "enter_into_force":
        effective_on = value("effective_on")
        if not effective_on:
            errors["effective_on"] = _("Enter the date it enters into force.")
        elif agreement.signed_on and effective_on < agreement.signed_on:
            errors["effective_on"] = _(
                "It cannot enter into force before it was signed (%(date)s)."
            ) % {"date": agreement.signed_on.isoformat()}
    elif transition == "renew":
        until = value("renewed_until")
        floor = agreement.expires_on or agreement.effective_on
        if not until:
            errors["renewed_until"] = _("Enter the new expiry date.")
        elif floor and until <= floor:
            errors["renewed_until"] = _(
                "The new expiry date must be after %(date)s."
            ) % {"date": floor.isoformat()}
    elif transition == "expire" and not (
        agreement.expires_on and agreement.expires_on < today
    ):
        errors["expires_on"] = _("It has not reached its expiry date.")
    return errors


def _missing_signatories(agreement: Agreement, signatories: Signatories) -> str:
    parties = list(agreement.parties.all())
    sides = {party.side for party in parties}
    if AgreementParty.Side.CHINESE not in sides:
        return _("The Chinese side is missing from the parties.")
    if AgreementParty.Side.COUNTERPART not in sides:
        return _("Add the counterpart party before signing.")
    unnamed = [
        str(party)
        for party in parties
        if not (
            signatories.get(party.pk, {}).get("signatory_name", party.signatory_name)
            or ""
        ).strip()
    ]
    if unnamed:
        return _("Name the signatory for: %(parties)s.") % {
            "parties": ", ".join(unnamed)
        }
    return ""


def agreement_transition(
    *,
    agreement: Agreement,
    transition: str,
    by: Any,
    comment: str = "",
    today: datetime.date | None = None,
    signatories: Signatories | None = None,
    **fields: Any,
) -> TransitionLog:
    """Run one transition of a document as ``by``.

    Checks, in order, that the state allows it (ValidationError), that ``by``
    may run it (PermissionDenied) and its guards (ValidationError keyed by the
    missing or wrong field); then sets the fields (and, for ``sign``, the
    signatories), runs it, saves and logs it in one database transaction.
    Nothing is changed when any check fails. A concurrent change of the same
    document raises django_fsm.ConcurrentTransition and nothing is saved.
    """
    if transition not in Agreement.TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    unexpected = set(fields) - set(TRANSITION_FIELDS.get(transition, ()))
    if unexpected:
        raise ValueError(f"{transition} does not take {sorted(unexpected)}")
    errors = agreement_transition_errors(
        agreement=agreement,
        transition=transition,
        by=by,
        comment=comment,
        today=today or timezone.localdate(),
        signatories=signatories,
        **fields,
    )
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement._history_user = by
    agreement._change_reason = transition
    with transaction.atomic():
        log = transition_run(
            instance=agreement, transition=transition, by=by, comment=comment
        )
        if transition == "sign" and signatories:
            _save_signatories(agreement, signatories, by)
    return log


def transition_allowed_by_state(agreement: Agreement, transition: str) -> bool:
    meta = getattr(agreement, transition)._django_fsm
    return meta.has_transition(agreement.state)


def _save_signatories(agreement: Agreement, signatories: Signatories, by: Any) -> None:
    for party in agreement.parties.filter(pk__in=list(signatories)):
        given = signatories[party.pk]
        party.signatory_name = given.get("signatory_name", party.signatory_name)
        party.signatory_title = given.get("signatory_title", party.signatory_title)
        party._history_user = by
        party.save(update_fields=["signatory_name", "signatory_title"])


def system_user() -> Any:
    """The account the daily job acts as: inactive, it cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "is_active": False,
            "first_name": "Tracker",
            "last_name": "(daily job)",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def agreements_renew_tacitly(*, today: datetime.date) -> list[int]:
    """Renew the documents in force whose term has ended while they still
    renew tacitly (no notice was given); returns their ids.

    A party's notice not to renew is recorded by setting the renewal to
    none, after which the document expires instead. Each document is renewed
    by the daily job through the ``renew`` transition, by whole renewal
    periods until its expiry date is no longer past: the new expiry becomes
    ``renewed_until``, from which the expiry and the last date to give notice
    are computed as on every save, and the transition log and history record
    it. Each document is renewed in its own transaction, so a document changed
    meanwhile is skipped, not lost.
    """
    by = system_user()
    due = Agreement.objects.filter(
        state=Agreement.State.IN_FORCE,
        renewal=Agreement.Renewal.TACIT,
        expires_on__lt=today,
    ).order_by("expires_on", "id")
    renewed = []
    for agreement in due.iterator():
        until = _tacit_term_end(agreement, today)
        if until and _daily_transition(
            agreement,
            "renew",
            by=by,
            today=today,
            comment=_("Renewed tacitly: no notice was given."),
            renewed_until=until,
        ):
            renewed.append(agreement.pk)
    return renewed


def _daily_transition(
    agreement: Agreement, transition: str, *, by: Any, **kwargs: Any
) -> bool:
    """Run a transition as the daily job; False when the document changed
    meanwhile or no longer qualifies (it is left for the next run)."""
    try:
        agreement_transition(
            agreement=agreement, transition=transition, by=by, **kwargs
        )
    except (ConcurrentTransition, ValidationError):
        return False
    return True


def _tacit_term_end(agreement: Agreement, today: datetime.date) -> datetime.date | None:
    """The end of the renewal period that ``today`` falls in, counted from
    the expiry date in whole periods (so 29 February does not drift)."""
    years = agreement.renewal_years or agreement.duration_years
    if not years or agreement.expires_on is None:
        return None
    periods = 1
    while add_years(agreement.expires_on, periods * years) < today:
        periods += 1
    return add_years(agreement.expires_on, periods * years)


def agreements_expire_due(*, today: datetime.date) -> list[int]:
    """The daily run over documents in force whose expiry date has passed:
    those that renew tacitly are renewed (``agreements_renew_tacitly``), the
    others expire. Returns the ids of the expired ones.

    Each document is expired in its own transaction, so a document changed
    meanwhile is skipped, not lost.
    """
    agreements_renew_tacitly(today=today)
    by = system_user()
    due = Agreement.objects.filter(
        state=Agreement.State.IN_FORCE,
        expires_on__lt=today,
        renewal=Agreement.Renewal.NONE,
    ).order_by("expires_on", "id")
    return [
        agreement.pk
        for agreement in due.iterator()
        if _daily_transition(
            agreement,
            "expire",
            by=by,
            today=today,
            comment=_("Reached its expiry date."),
        )
    ]


def negotiation_round_record(
    *, agreement: Agreement, by: Any, **fields: Any
) -> NegotiationRound:
    """Log a round of negotiation on a document the user edits."""
    if not can_record_round(by, agreement):
        raise PermissionDenied
    round_ = NegotiationRound(agreement=agreement, recorded_by=by, **fields)
    round_.full_clean(exclude=["agreement", "recorded_by"])
    round_.save()
    return round_


def agreement_party_save(
    *, agreement: Agreement, by: Any, party: AgreementParty | None = None, **fields
) -> AgreementParty:
    _require_editor(by, agreement)
    party = party or AgreementParty(agreement=agreement)
    for name, value in fields.items():
        setattr(party, name, value)
    party.full_clean(exclude=["agreement"])
    party._history_user = by
    with transaction.atomic():
        party.save()
        agreement_regions_refresh(agreement_ids=[agreement.pk])
    return party


def agreement_party_delete(*, party: AgreementParty, by: Any) -> None:
    _require_editor(by, party.agreement)
    if party.side == AgreementParty.Side.CHINESE:
        raise ValidationError(_("The Chinese side cannot be removed."))
    party._history_user = by
    with transaction.atomic():
        party.delete()
        agreement_regions_refresh(agreement_ids=[party.agreement_id])


def agreement_regions_refresh(*, agreement_ids: Iterable[int] | None = None) -> None:
    """Store each document's ``counterpart_regions`` as its parties and their
    countries now stand.

    Call it in the transaction that changed the parties (or a country's
    region), with the documents concerned. Their rows are locked first, in
    the order of the id, so that of two transactions changing one document's
    parties the later one reads them once the earlier has committed. Without
    ``agreement_ids`` every document is refreshed, unlocked: for bulk loads."""
    agreements = Agreement.objects.all()
    parties = AgreementParty.objects.all()
    with transaction.atomic():
        if agreement_ids is not None:
            ids = sorted(set(agreement_ids))
            agreements = agreements.filter(pk__in=ids)
            parties = parties.filter(agreement_id__in=ids)
            list(agreements.select_for_update().order_by("pk").values_list("pk"))
        counterpart_regions_store(agreements, parties)


def counterpart_regions_store(agreements: Any, parties: Any) -> int:
    """Write on ``agreements`` (a queryset of documents) the regions of their
    counterpart countries among ``parties``; returns how many changed. Takes
    querysets so that a migration can run it on its historical models."""
    regions: dict[int, set[str]] = defaultdict(set)
    rows = (
        parties.filter(side="counterpart", country__isnull=False)
        .order_by()
        .values_list("agreement_id", "country__region")
        .distinct()
    )
    for agreement_id, region in rows.iterator(chunk_size=10_000):
        regions[agreement_id].add(region)
    changed: dict[str, list[int]] = defaultdict(list)
    stored = agreements.order_by().values_list("pk", "counterpart_regions")
    for pk, value in stored.iterator(chunk_size=10_000):
        wanted = ",".join(sorted(regions.get(pk, ())))
        if wanted != value:
            changed[wanted].append(pk)
    # Few distinct values: one UPDATE per value (and per batch of ids).
    for value, pks in changed.items():
        for start in range(0, len(pks), 5_000):
            batch = pks[start : start + 5_000]
            agreements.model.objects.filter(pk__in=batch).update(
                counterpart_regions=value
            )
    return sum(len(pks) for pks in changed.values())


def agreement_file_add(
    *,
    agreement: Agreement,
    by: Any,
    upload: UploadedFile,
    kind: str = AgreementFile.Kind.TEXT,
    language: str = AgreementFile.Language.ENGLISH,
    version: str = "",
) -> AgreementFile:
    """Store a text version or attachment after checking its size and content.

    Raises ValidationError for an oversized file or one whose content is not
    an allowed type (whatever its name says).
    """
    if not can_manage_files(by, agreement):
        raise PermissionDenied
    content_type = check_upload(upload)
    record = AgreementFile(
        agreement=agreement,
        kind=kind,
        language=language,
        version=version,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    record.file.save(upload.name or "file", upload, save=False)
    try:
        record.save()
    except Exception:
        record.file.delete(save=False)
        raise
    return record


def agreement_file_delete(*, record: AgreementFile, by: Any) -> None:
    if not can_manage_files(by, record.agreement):
        raise PermissionDenied
    storage, name = record.file.storage, record.file.name
    record.delete()
    transaction.on_commit(lambda: storage.delete(name))
