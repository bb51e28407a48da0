import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from agreements.models import Agreement, AgreementParty
from agreements.services import (
    agreement_create,
    agreement_party_delete,
    agreement_party_save,
    agreement_transition,
    agreement_transition_errors,
    agreement_update,
    agreements_expire_due,
    negotiation_round_record,
    system_user,
)
from tests.factories import AgreementFactory, NegotiationRoundFactory, agreement_in
from tests.factories import country as get_country
from workflows.models import TransitionLog

from .conftest import CASES, DESK_TRANSITIONS, LEADERSHIP_ONLY, TODAY

PERSONAS = ["officer", "chief", "leader", "viewer", "other_officer"]


def _allowed(persona: str, transition: str) -> bool:
    if persona == "leader":
        return True
    if persona in ("officer", "chief"):
        return transition in DESK_TRANSITIONS
    return False


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("transition", sorted(CASES))
def test_it_lets_only_the_right_people_run_each_transition(
    request, desk, make_ready_for, persona, transition
):
    user = request.getfixturevalue(persona)
    agreement, kwargs, target = make_ready_for(transition, desk)
    source = agreement.state
    if _allowed(persona, transition):
        log = agreement_transition(
            agreement=agreement, transition=transition, by=user, today=TODAY, **kwargs
        )
        agreement.refresh_from_db()
        assert agreement.state == target
        assert (log.transition, log.source, log.target, log.by) == (
            transition,
            source,
            target,
            user,
        )
        assert log.comment == kwargs.get("comment", "")
    else:
        with pytest.raises(PermissionDenied):
            agreement_transition(
                agreement=agreement,
                transition=transition,
                by=user,
                today=TODAY,
                **kwargs,
            )
        agreement.refresh_from_db()
        assert agreement.state == source
        assert not TransitionLog.objects.exists()


def test_it_reserves_approval_and_the_closing_actions_to_leadership():
    assert {"approve", "reject", "terminate", "withdraw"} == LEADERSHIP_ONLY


@pytest.mark.parametrize(
    "transition,state",
    [
        ("approve", "drafting"),
        ("sign", "approval"),
        ("start_negotiation", "in_force"),
        ("withdraw", "signed"),
        ("terminate", "negotiating"),
        ("renew", "drafting"),
        ("resume", "negotiating"),
    ],
)
def test_it_refuses_a_transition_the_state_does_not_allow(
    desk, leader, transition, state
):
    agreement = agreement_in(state, desk=desk)
    with pytest.raises(ValidationError):
        agreement_transition(
            agreement=agreement,
            transition=transition,
            by=leader,
            comment="x",
            today=TODAY,
        )
    agreement.refresh_from_db()
    assert agreement.state == state
    assert not TransitionLog.objects.exists()


def test_it_needs_a_negotiation_round_to_agree_the_text(desk, officer):
    agreement = agreement_in("negotiating", desk=desk)
    with pytest.raises(ValidationError) as info:
        agreement_transition(
            agreement=agreement, transition="agree_text", by=officer, today=TODAY
        )
    assert "rounds" in info.value.message_dict
    NegotiationRoundFactory(agreement=agreement)
    agreement_transition(
        agreement=agreement, transition="agree_text", by=officer, today=TODAY
    )
    assert agreement.state == "agreed"


@pytest.mark.parametrize("transition", ["reject", "suspend", "terminate", "withdraw"])
def test_it_needs_a_reason_for_the_closing_and_pausing_actions(
    desk, leader, make_ready_for, transition
):
    agreement, kwargs, _target = make_ready_for(transition, desk)
    kwargs["comment"] = "   "
    with pytest.raises(ValidationError) as info:
        agreement_transition(
            agreement=agreement, transition=transition, by=leader, today=TODAY, **kwargs
        )
    assert "comment" in info.value.message_dict
    agreement.refresh_from_db()
    assert agreement.state == CASES[transition][0]


@pytest.mark.parametrize(
    "fields,missing",
    [
        ({"signing_place": "Nairobi"}, "signed_on"),
        (
            {"signed_on": TODAY + datetime.timedelta(days=1), "signing_place": "X"},
            "signed_on",
        ),
        ({"signed_on": TODAY, "signing_place": " "}, "signing_place"),
    ],
)
def test_it_refuses_to_sign_without_a_past_date_and_a_place(
    desk, officer, fields, missing
):
    agreement = agreement_in("ready", desk=desk)
    with pytest.raises(ValidationError) as info:
        agreement_transition(
            agreement=agreement, transition="sign", by=officer, today=TODAY, **fields
        )
    assert missing in info.value.message_dict
    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on) == ("ready", None)


def test_it_refuses_to_sign_without_a_signatory_for_each_side(desk, officer):
    agreement = agreement_in("ready", desk=desk)
    counterpart = agreement.parties.get(side="counterpart")
    counterpart.signatory_name = ""
    counterpart.save()
    fields = {"signed_on": TODAY, "signing_place": "Nairobi"}
    with pytest.raises(ValidationError) as info:
        agreement_transition(
            agreement=agreement, transition="sign", by=officer, today=TODAY, **fields
        )
    assert "signatories" in info.value.message_dict
    agreement_transition(
        agreement=agreement,
        transition="sign",
        by=officer,
        today=TODAY,
        signatories={counterpart.pk: {"signatory_name": "Hon. Minister"}},
        **fields,
    )
    counterpart.refresh_from_db()
    assert counterpart.signatory_name == "Hon. Minister"


def test_it_refuses_to_sign_with_no_counterpart_party(desk, officer):
    agreement = AgreementFactory(state="ready", desk=desk, parties=[])
    with pytest.raises(ValidationError) as info:
        agreement_transition(
            agreement=agreement,
            transition="sign",
            by=officer,
            today=TODAY,
            signed_on=TODAY,
            signing_place="Beijing",
        )
    assert "signatories" in info.value.message_dict


def test_it_signs_into_force_or_waits_for_entry_into_force(desk, officer):
    on_signature = agreement_in("ready", desk=desk, duration_years=5, notice_months=6)
    agreement_transition(
        agreement=on_signature,
        transition="sign",
        by=officer,
        today=TODAY,
        signed_on=datetime.date(2026, 2, 1),
        signing_place="Beijing",
    )
    on_signature.refresh_from_db()
    assert on_signature.state == "in_force"
    assert on_signature.effective_on == datetime.date(2026, 2, 1)
    assert on_signature.expires_on == datetime.date(2031, 2, 1)
    assert on_signature.notice_deadline == datetime.date(2030, 8, 1)

    later = agreement_in("ready", desk=desk, enters_on_signature=False)
    agreement_transition(
        agreement=later,
        transition="sign",
        by=officer,
        today=TODAY,
        signed_on=datetime.date(2026, 2, 1),
        signing_place="Beijing",
    )
    later.refresh_from_db()
    assert (later.state, later.effective_on) == ("signed", None)


def test_it_refuses_entry_into_force_before_signature(desk, officer):
    agreement = agreement_in("signed", desk=desk)
    with pytest.raises(ValidationError) as info:
        agreement_transition(
            agreement=agreement,
            transition="enter_into_force",
            by=officer,
            today=TODAY,
            effective_on=agreement.signed_on - datetime.timedelta(days=1),
        )
    assert "effective_on" in info.value.message_dict
    with pytest.raises(ValidationError):
        agreement_transition(
            agreement=agreement, transition="enter_into_force", by=officer, today=TODAY
        )
    agreement.refresh_from_db()
    assert agreement.state == "signed"


def test_it_renews_to_a_later_expiry_and_recomputes_the_notice_date(desk, officer):
    agreement = agreement_in("expired", desk=desk, notice_months=3)
    assert agreement.expires_on == datetime.date(2030, 1, 10)
    with pytest.raises(ValidationError):
        agreement_transition(
            agreement=agreement,
            transition="renew",
            by=officer,
            today=TODAY,
            renewed_until=datetime.date(2029, 1, 1),
        )
    agreement_transition(
        agreement=agreement,
        transition="renew",
        by=officer,
        today=TODAY,
        renewed_until=datetime.date(2035, 1, 10),
    )
    agreement.refresh_from_db()
    assert agreement.state == "in_force"
    assert agreement.expires_on == datetime.date(2035, 1, 10)
    assert agreement.notice_deadline == datetime.date(2034, 10, 10)


def test_the_daily_job_expires_documents_past_their_expiry_only(desk):
    due = agreement_in("in_force", desk=desk, duration_years=1)  # 2026-01-10
    tacit = agreement_in(
        "in_force", desk=desk, duration_years=1, renewal="tacit", renewal_years=1
    )
    running = agreement_in("in_force", desk=desk, duration_years=5)
    assert agreements_expire_due(today=TODAY) == [due.pk]
    assert agreements_expire_due(today=TODAY) == []
    states = dict(Agreement.objects.values_list("pk", "state"))
    assert states == {due.pk: "expired", tacit.pk: "in_force", running.pk: "in_force"}
    log = TransitionLog.objects.get(transition="expire")
    assert (log.object_id, log.by) == (due.pk, system_user())
    assert not log.by.is_active and not log.by.has_usable_password()


def test_no_person_can_run_expire(desk, leader):
    agreement = agreement_in("in_force", desk=desk, duration_years=1)
    with pytest.raises(PermissionDenied):
        agreement_transition(
            agreement=agreement, transition="expire", by=leader, today=TODAY
        )


def test_it_writes_no_log_when_saving_fails(desk, officer, monkeypatch):
    agreement = agreement_in("drafting", desk=desk)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(TransitionLog.objects, "create", boom)
    with pytest.raises(RuntimeError):
        agreement_transition(
            agreement=agreement, transition="start_negotiation", by=officer
        )
    assert Agreement.objects.get(pk=agreement.pk).state == "drafting"


def test_it_sends_nothing_before_the_transition_commits(
    desk, officer, django_capture_on_commit_callbacks
):
    agreement = agreement_in("drafting", desk=desk)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        agreement_transition(
            agreement=agreement, transition="start_negotiation", by=officer
        )
        assert TransitionLog.objects.count() == 1
    # The notice kick (mail) is queued for after commit, not run inside.
    assert len(callbacks) >= 1


def test_it_creates_a_document_with_its_chinese_side_and_counterparts(desk, officer):
    agreement = agreement_create(
        by=officer,
        parties=[{"country": get_country("KEN")}],
        title_en="MoU on Trade",
        title_zh="贸易谅解备忘录",
        kind="mou",
        desk=desk,
        state="in_force",  # ignored: documents start in drafting
        signed_on=TODAY,  # ignored: only sign records it
    )
    assert agreement.state == "drafting"
    assert agreement.signed_on is None
    sides = sorted(agreement.parties.values_list("side", flat=True))
    assert sides == ["chinese", "counterpart"]
    assert agreement.audit.first().history_user == officer


@pytest.mark.parametrize("persona", ["leader", "viewer", "other_officer"])
def test_it_lets_only_desk_officers_and_chiefs_create_or_edit(request, desk, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        agreement_create(by=user, title_en="X", desk=desk)
    agreement = AgreementFactory(desk=desk)
    with pytest.raises(PermissionDenied):
        agreement_update(agreement=agreement, by=user, title_en="Changed")
    assert Agreement.objects.get(pk=agreement.pk).title_en != "Changed"


def test_it_records_who_changed_what_in_the_history(desk, officer, chief):
    agreement = AgreementFactory(desk=desk, title_en="Old title")
    agreement_update(agreement=agreement, by=officer, title_en="New title")
    agreement_update(agreement=agreement, by=chief, duration_years=5)
    latest, previous = list(agreement.audit.order_by("-history_id")[:2])
    delta = latest.diff_against(previous)
    assert latest.history_user == chief
    assert [c.field for c in delta.changes] == ["duration_years"]
    older = previous.diff_against(previous.prev_record)
    assert previous.history_user == officer
    assert [(c.field, c.old, c.new) for c in older.changes] == [
        ("title_en", "Old title", "New title")
    ]


def test_it_refuses_an_edit_that_moves_a_document_to_another_desk(
    desk, other_desk, officer
):
    agreement = AgreementFactory(desk=desk)
    with pytest.raises(PermissionDenied):
        agreement_update(agreement=agreement, by=officer, desk=other_desk)


def test_it_keeps_the_transition_fields_out_of_edits(desk, officer):
    agreement = AgreementFactory(desk=desk)
    agreement_update(agreement=agreement, by=officer, signed_on=TODAY, expires_on=TODAY)
    agreement.refresh_from_db()
    assert agreement.signed_on is None and agreement.expires_on is None


def test_it_rejects_dates_and_relations_in_the_wrong_order(desk, officer):
    agreement = AgreementFactory(desk=desk)
    with pytest.raises(ValidationError) as info:
        agreement_update(agreement=agreement, by=officer, parent_relation="amends")
    assert "parent" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        agreement_update(agreement=agreement, by=officer, renewal="tacit")
    assert "duration_years" in info.value.message_dict


def test_it_records_rounds_only_for_editors_of_the_desk(desk, officer, leader):
    agreement = agreement_in("negotiating", desk=desk)
    negotiation_round_record(
        agreement=agreement, by=officer, held_on=TODAY, venue="Beijing"
    )
    with pytest.raises(PermissionDenied):
        negotiation_round_record(agreement=agreement, by=leader, held_on=TODAY)
    assert agreement.rounds.count() == 1


def test_the_chinese_side_is_one_per_document(desk):
    from django.db import IntegrityError

    agreement = AgreementFactory(desk=desk)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementParty.objects.create(agreement=agreement, side="chinese")


def _tacit(desk, **kwargs):
    """In force from 2020-01-10 for one year, renewing for two years at a time
    unless notice is given three months ahead."""
    fields = {
        "signed_on": datetime.date(2020, 1, 10),
        "effective_on": datetime.date(2020, 1, 10),
        "duration_years": 1,
        "renewal": "tacit",
        "renewal_years": 2,
        "notice_months": 3,
    }
    fields.update(kwargs)
    return agreement_in("in_force", desk=desk, **fields)


def test_the_daily_job_renews_a_tacit_document_by_whole_periods(desk, officer):
    agreement = _tacit(desk)
    assert agreement.expires_on == datetime.date(2021, 1, 10)
    assert agreements_expire_due(today=TODAY) == []
    agreement.refresh_from_db()
    # 2021 → 2023 → 2025 → 2027: the first end not already past.
    assert agreement.state == "in_force"
    assert agreement.renewed_until == datetime.date(2027, 1, 10)
    assert agreement.expires_on == datetime.date(2027, 1, 10)
    assert agreement.notice_deadline == datetime.date(2026, 10, 10)
    log = TransitionLog.objects.get()
    assert (log.transition, log.source, log.target) == ("renew", "in_force", "in_force")
    assert log.by == system_user() and "tacitly" in log.comment
    latest = agreement.audit.order_by("-history_id").first()
    assert latest.history_change_reason == "renew"
    assert latest.history_user == system_user()
    # Run again, nothing to do; an edit recomputes the same dates.
    assert agreements_expire_due(today=TODAY) == []
    assert TransitionLog.objects.count() == 1
    agreement_update(agreement=agreement, by=officer, summary="Still in force.")
    agreement.refresh_from_db()
    assert agreement.expires_on == datetime.date(2027, 1, 10)
    assert agreement.notice_deadline == datetime.date(2026, 10, 10)


def test_the_daily_job_leaves_a_running_tacit_document_and_expires_one_given_notice(
    desk, officer
):
    running = _tacit(desk, duration_years=10)
    noticed = _tacit(desk)
    # Notice not to renew is recorded by ending the renewal.
    agreement_update(agreement=noticed, by=officer, renewal="none")
    assert agreements_expire_due(today=TODAY) == [noticed.pk]
    running.refresh_from_db()
    assert (running.state, running.expires_on) == (
        "in_force",
        datetime.date(2030, 1, 10),
    )
    assert Agreement.objects.get(pk=noticed.pk).state == "expired"


def test_the_daily_job_renews_tacit_documents_and_expires_the_others(desk):
    agreement = _tacit(desk, duration_years=3, renewal_years=None)
    due = agreement_in("in_force", desk=desk, duration_years=1)
    assert agreements_expire_due(today=TODAY) == [due.pk]
    agreement.refresh_from_db()
    # Without a renewal period of its own it renews for its duration:
    # 2023 → 2026 (already past) → 2029.
    assert agreement.expires_on == datetime.date(2029, 1, 10)
    assert Agreement.objects.get(pk=due.pk).state == "expired"


def test_the_daily_job_skips_a_tacit_document_changed_meanwhile(desk, monkeypatch):
    from agreements import services

    agreement = _tacit(desk)
    real = services.transition_run

    def someone_else_first(**kwargs):
        Agreement.objects.filter(pk=agreement.pk).update(state="terminated")
        return real(**kwargs)

    monkeypatch.setattr(services, "transition_run", someone_else_first)
    assert agreements_expire_due(today=TODAY) == []
    agreement.refresh_from_db()
    assert agreement.renewed_until is None
    assert agreement.expires_on == datetime.date(2021, 1, 10)
    assert not TransitionLog.objects.exists()


def test_the_transition_checks_report_the_state_then_refuse_the_person(
    desk, officer, viewer
):
    agreement = agreement_in("negotiating", desk=desk)
    errors = agreement_transition_errors(
        agreement=agreement, transition="sign", by=viewer, today=TODAY
    )
    assert list(errors) == ["state"]
    with pytest.raises(PermissionDenied):
        agreement_transition_errors(
            agreement=agreement, transition="suspend", by=viewer, today=TODAY
        )
    errors = agreement_transition_errors(
        agreement=agreement, transition="agree_text", by=officer, today=TODAY
    )
    assert list(errors) == ["rounds"]


def test_an_update_of_a_stale_document_raises_and_saves_nothing(desk, officer, chief):
    from django_fsm import ConcurrentTransition

    stale = agreement_in("negotiating", desk=desk, title_en="Old")
    agreement_transition(
        agreement=Agreement.objects.get(pk=stale.pk),
        transition="suspend",
        by=chief,
        comment="Paused.",
    )
    with pytest.raises(ConcurrentTransition):
        agreement_update(agreement=stale, by=officer, title_en="New")
    fresh = Agreement.objects.get(pk=stale.pk)
    with pytest.raises(ConcurrentTransition):
        agreement_update(
            agreement=fresh, by=officer, version=stale.version, title_en="New"
        )
    assert Agreement.objects.get(pk=stale.pk).title_en == "Old"
    agreement_update(agreement=fresh, by=officer, version=fresh.version, title_en="New")
    assert Agreement.objects.get(pk=stale.pk).title_en == "New"


def test_party_changes_are_recorded_with_who_made_them(desk, officer):
    agreement = AgreementFactory(desk=desk)
    party = agreement.parties.get(side="counterpart")
    agreement_party_save(
        agreement=agreement, by=officer, party=party, signatory_name="Hon. Minister"
    )
    pk = party.pk
    agreement_party_delete(party=party, by=officer)
    removed, changed = AgreementParty.history.filter(id=pk).order_by("-history_id")[:2]
    assert (removed.history_type, removed.history_user) == ("-", officer)
    assert (changed.history_type, changed.history_user) == ("~", officer)
    delta = changed.diff_against(changed.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("signatory_name", "Minister", "Hon. Minister")
    ]
