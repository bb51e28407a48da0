import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition

from agreements import services
from agreements.models import Agreement
from tests.factories import (
    AgreementFactory,
    EventFactory,
    NegotiationRoundFactory,
    OrganizationFactory,
    agreement_in,
    country,
)
from workflows.models import TransitionLog

from .conftest import CASES, DESK_TRANSITIONS


@pytest.fixture
def doc(desk):
    return agreement_in("negotiating", desk=desk, title_en="MoU on Ports")


def _urls(doc):
    return {
        "detail": reverse("agreements:detail", args=[doc.pk]),
        "edit": reverse("agreements:edit", args=[doc.pk]),
        "transition": reverse("agreements:transition", args=[doc.pk, "suspend"]),
        "round": reverse("agreements:round_create", args=[doc.pk]),
        "upload": reverse("agreements:file_upload", args=[doc.pk]),
    }


def test_it_sends_anonymous_visitors_to_the_login_page(anon_client, doc):
    urls = [
        reverse("agreements:list"),
        reverse("agreements:create"),
        reverse("agreements:lifecycle"),
        reverse("agreements:lookup_agreements"),
        reverse("agreements:lookup_officers"),
        *_urls(doc).values(),
    ]
    for url in urls:
        response = anon_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_it_hides_other_desks_documents_from_an_officer(other_officer_client, doc):
    for name, url in _urls(doc).items():
        assert other_officer_client.get(url).status_code in (404, 405), name
        assert other_officer_client.post(url, {"comment": "x"}).status_code == 404, name
    for name in Agreement.TRANSITIONS:
        url = reverse("agreements:transition", args=[doc.pk, name])
        assert other_officer_client.get(url).status_code == 404, name
        assert other_officer_client.post(url, {"comment": "x"}).status_code == 404
    for name in ("file_download", "file_delete"):
        url = reverse(f"agreements:{name}", args=[doc.pk, 1])
        assert other_officer_client.post(url).status_code in (404, 405)
    doc.refresh_from_db()
    assert doc.state == "negotiating"
    assert not doc.rounds.exists()
    assert not TransitionLog.objects.exists()
    response = other_officer_client.get(reverse("agreements:list"))
    assert "MoU on Ports" not in response.content.decode()


@pytest.mark.parametrize("persona", ["viewer_client", "leader_client"])
def test_it_shows_but_does_not_let_readers_edit(request, persona, doc):
    client = request.getfixturevalue(persona)
    urls = _urls(doc)
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["edit"]).status_code == 403
    assert client.post(urls["edit"], {"title_en": "Changed"}).status_code == 403
    round_data = {"held_on": "2026-01-01", "venue_kind": "video"}
    assert client.post(urls["round"], round_data).status_code == 403
    assert "MoU on Ports" in client.get(reverse("agreements:list")).content.decode()
    assert client.get(reverse("agreements:create")).status_code == 403


def test_a_viewer_can_run_no_transition(viewer_client, doc):
    response = viewer_client.post(_urls(doc)["transition"], {"comment": "x"})
    assert response.status_code == 403
    doc.refresh_from_db()
    assert doc.state == "negotiating"


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("officer_client", {"agree_text", "suspend"}),
        ("chief_client", {"agree_text", "suspend"}),
        ("leader_client", {"agree_text", "suspend", "withdraw"}),
        ("viewer_client", set()),
    ],
)
def test_it_offers_only_the_transitions_this_user_may_run_now(
    request, doc, persona, expected
):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("agreements:detail", args=[doc.pk]))
    offered = {name for name, _label in response.context["transition_buttons"]}
    assert offered == expected
    for name in Agreement.TRANSITIONS:
        url = reverse("agreements:transition", args=[doc.pk, name])
        assert (url in response.content.decode()) == (name in expected), name


@pytest.mark.parametrize("transition", sorted(CASES))
def test_it_runs_each_transition_from_its_form(
    leader_client, desk, make_ready_for, transition
):
    agreement, kwargs, target = make_ready_for(transition, desk)
    url = reverse("agreements:transition", args=[agreement.pk, transition])
    assert leader_client.get(url).status_code == 200
    data = {
        k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in kwargs.items()
    }
    if transition == "sign":
        data["signed_on"] = timezone.localdate().isoformat()
    response = leader_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement.refresh_from_db()
    assert agreement.state == target
    assert TransitionLog.objects.get().by.username == "leader"


@pytest.mark.parametrize("transition", sorted(DESK_TRANSITIONS))
def test_an_officer_of_the_desk_runs_the_desk_transitions(
    officer_client, desk, make_ready_for, transition
):
    agreement, kwargs, target = make_ready_for(transition, desk)
    url = reverse("agreements:transition", args=[agreement.pk, transition])
    data = {
        k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in kwargs.items()
    }
    if transition == "sign":
        data["signed_on"] = timezone.localdate().isoformat()
    assert officer_client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == target


@pytest.mark.parametrize("transition", ["approve", "reject", "terminate", "withdraw"])
def test_an_officer_cannot_run_leadership_transitions(
    officer_client, desk, make_ready_for, transition
):
    agreement, kwargs, _target = make_ready_for(transition, desk)
    url = reverse("agreements:transition", args=[agreement.pk, transition])
    assert officer_client.get(url).status_code == 403
    assert officer_client.post(url, kwargs).status_code == 403
    agreement.refresh_from_db()
    assert agreement.state == CASES[transition][0]


def test_the_sign_form_asks_for_date_place_and_signatories(officer_client, desk):
    agreement = agreement_in("ready", desk=desk)
    response = officer_client.get(
        reverse("agreements:transition", args=[agreement.pk, "sign"])
    )
    fields = set(response.context["form"].fields)
    parties = list(agreement.parties.order_by("pk").values_list("pk", flat=True))
    expected = {"signed_on", "signing_place", "target_event", "comment"}
    for pk in parties:
        expected |= {f"signatory_{pk}", f"signatory_title_{pk}"}
    assert fields == expected


def test_signing_at_an_event_links_the_document_to_it(officer, officer_client, desk):
    from agreements.events.selectors import event_readiness
    from tests.factories import EventFactory

    event = EventFactory(desk=desk, starts_on=timezone.localdate(), place="Beijing")
    agreement = agreement_in("ready", desk=desk)
    data = {
        "signed_on": timezone.localdate().isoformat(),
        "signing_place": "Beijing",
        "target_event": event.pk,
    }
    for party in agreement.parties.all():
        data[f"signatory_{party.pk}"] = "Signatory"
    url = reverse("agreements:transition", args=[agreement.pk, "sign"])
    form = officer_client.get(url).context["form"]
    assert event in form.fields["target_event"].queryset
    response = officer_client.post(url, data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state in {"signed", "in_force"}
    assert agreement.target_event == event
    board = event_readiness(event=event, user=officer, today=timezone.localdate())
    assert [row.agreement for row in board.rows if row.ready] == [agreement]


def test_the_reject_form_asks_only_for_a_reason(leader_client, desk):
    agreement = agreement_in("approval", desk=desk)
    url = reverse("agreements:transition", args=[agreement.pk, "reject"])
    form = leader_client.get(url).context["form"]
    assert list(form.fields) == ["comment"]
    assert form.fields["comment"].required
    response = leader_client.post(url, {"comment": ""})
    assert response.status_code == 400
    agreement.refresh_from_db()
    assert agreement.state == "approval"


def test_a_guard_error_keeps_what_was_typed(officer_client, desk):
    agreement = agreement_in("ready", desk=desk)
    url = reverse("agreements:transition", args=[agreement.pk, "sign"])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = officer_client.post(url, {"signed_on": future, "signing_place": "Rome"})
    assert response.status_code == 400
    assert response.context["form"].errors["signed_on"]
    body = response.content.decode()
    assert 'value="Rome"' in body and f'value="{future}"' in body
    agreement.refresh_from_db()
    assert agreement.state == "ready"


def test_agreeing_the_text_without_a_round_says_what_is_missing(officer_client, doc):
    url = reverse("agreements:transition", args=[doc.pk, "agree_text"])
    response = officer_client.post(url, {})
    assert response.status_code == 400
    assert "negotiation round" in response.content.decode()
    doc.refresh_from_db()
    assert doc.state == "negotiating"


def test_a_transition_the_state_does_not_allow_is_a_message(officer_client, doc):
    url = reverse("agreements:transition", args=[doc.pk, "sign"])
    response = officer_client.post(url, {"signed_on": "2026-01-01"})
    assert response.status_code == 302
    assert "not possible" in str(list(get_messages(response.wsgi_request))[0])
    doc.refresh_from_db()
    assert doc.state == "negotiating"


def test_expire_and_unknown_actions_are_not_pages(leader_client, desk):
    agreement = agreement_in("in_force", desk=desk, duration_years=1)
    for name in ("expire", "delete", "save"):
        url = reverse("agreements:transition", args=[agreement.pk, name])
        assert leader_client.post(url).status_code == 404


def test_a_lost_race_is_a_message_not_an_error(officer_client, doc, monkeypatch):
    real = services.transition_run

    def someone_else_first(**kwargs):
        # Another session moves the document between this one's read and write.
        Agreement.objects.filter(pk=doc.pk).update(state="suspended")
        return real(**kwargs)

    monkeypatch.setattr(services, "transition_run", someone_else_first)
    url = reverse("agreements:transition", args=[doc.pk, "suspend"])
    response = officer_client.post(url, {"comment": "Pause"})
    assert response.status_code == 302
    assert response.url == reverse("agreements:detail", args=[doc.pk])
    message = str(list(get_messages(response.wsgi_request))[0])
    assert "changed this document" in message
    assert not TransitionLog.objects.exists()


def test_it_raises_concurrent_transition_in_the_service_path(officer, doc):
    Agreement.objects.filter(pk=doc.pk).update(state="suspended")
    with pytest.raises(ConcurrentTransition):
        services.agreement_transition(
            agreement=doc, transition="suspend", by=officer, comment="x"
        )
    assert not TransitionLog.objects.exists()


def _create_data(desk, **extra):
    data = {
        "title_zh": "港口合作谅解备忘录",
        "title_en": "MoU on Port Cooperation",
        "kind": "mou",
        "desk": desk.pk,
        "target_signing_date": "2026-09-01",
        "enters_on_signature": "on",
        "renewal": "none",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-country": "KEN",
        "parties-0-signatory_name": "",
    }
    data.update(extra)
    return data


def test_an_officer_creates_a_document_with_its_parties(officer_client, officer, desk):
    event = EventFactory(desk=desk)
    response = officer_client.post(
        reverse("agreements:create"),
        _create_data(desk, target_event=event.pk, officer=officer.pk),
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response.url == agreement.get_absolute_url()
    assert agreement.state == "drafting"
    assert agreement.target_event == event
    assert list(agreement.parties.values_list("side", "country")) == [
        ("chinese", None),
        ("counterpart", "KEN"),
    ]
    page = officer_client.get(agreement.get_absolute_url()).content.decode()
    assert event.name_en in page


def test_the_create_form_keeps_what_was_typed_on_error(officer_client, desk):
    data = _create_data(desk, title_en="", renewal="tacit")
    data["title_zh"] = "保留的标题"
    response = officer_client.post(reverse("agreements:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "title_en" in form.errors
    assert "duration_years" in form.errors
    assert "保留的标题" in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_create_form_needs_a_counterpart(officer_client, desk):
    data = _create_data(desk)
    data["parties-0-country"] = ""
    response = officer_client.post(reverse("agreements:create"), data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not Agreement.objects.exists()


def test_an_officer_cannot_create_for_another_desk(officer_client, other_desk):
    response = officer_client.post(
        reverse("agreements:create"), _create_data(other_desk)
    )
    assert response.status_code == 200
    assert "desk" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_an_edit_is_saved_and_shown_in_the_timeline(officer_client, desk, doc):
    party = doc.parties.get(side="counterpart")
    data = _create_data(
        desk,
        title_en="MoU on Ports and Shipping",
        duration_years="5",
        **{
            "parties-INITIAL_FORMS": "1",
            "parties-0-id": str(party.pk),
            "parties-0-agreement": str(doc.pk),
            "parties-0-country": "KEN",
            "parties-0-signatory_name": "Hon. Minister",
        },
    )
    response = officer_client.post(reverse("agreements:edit", args=[doc.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    doc.refresh_from_db()
    party.refresh_from_db()
    assert doc.title_en == "MoU on Ports and Shipping"
    assert party.signatory_name == "Hon. Minister"
    page = officer_client.get(doc.get_absolute_url())
    edits = [e for e in page.context["detail"].timeline if e.kind == "edit"]
    assert edits[0].by.username == "officer"
    changes = {field: (old, new) for field, old, new in edits[0].changes}
    assert changes["title (English)"] == ("MoU on Ports", "MoU on Ports and Shipping")
    assert changes["duration (years)"] == ("—", "5")


def test_the_timeline_merges_transitions_rounds_and_edits(
    officer_client, officer, desk
):
    agreement = AgreementFactory(desk=desk)
    services.agreement_transition(
        agreement=agreement, transition="start_negotiation", by=officer
    )
    NegotiationRoundFactory(agreement=agreement, outcome="First exchange.")
    services.agreement_update(agreement=agreement, by=officer, binding=True)
    response = officer_client.get(agreement.get_absolute_url())
    kinds = {entry.kind for entry in response.context["detail"].timeline}
    assert kinds == {"transition", "round", "edit", "party"}
    body = response.content.decode()
    assert "First exchange." in body and "Negotiating" in body


def test_a_round_is_recorded_from_the_detail_page(officer_client, doc):
    response = officer_client.post(
        reverse("agreements:round_create", args=[doc.pk]),
        {
            "held_on": "2026-01-10",
            "venue_kind": "video",
            "outcome": "Agreed on articles 1-4.",
            "next_round_on": "2026-01-05",
        },
    )
    assert response.status_code == 400
    assert "next_round_on" in response.context["form"].errors
    assert not doc.rounds.exists()
    response = officer_client.post(
        reverse("agreements:round_create", args=[doc.pk]),
        {"held_on": "2026-01-10", "venue_kind": "video", "next_round_on": "2026-02-1"},
    )
    assert response.status_code == 302
    assert doc.rounds.get().recorded_by.username == "officer"


def test_the_detail_page_shows_linked_projects_the_user_may_see(
    officer_client, desk, other_desk, doc
):
    from tests.factories import ProjectFactory

    mine = ProjectFactory(desk=desk, name_en="Port of Lamu")
    theirs = ProjectFactory(desk=other_desk, name_en="Secret Dam")
    mine.agreements.add(doc)
    theirs.agreements.add(doc)
    body = officer_client.get(doc.get_absolute_url()).content.decode()
    assert "Port of Lamu" in body
    assert "Secret Dam" not in body


def test_the_list_filters_and_searches(officer_client, desk):
    AgreementFactory(desk=desk, title_en="Railway MoU", parties=["ETH"])
    agreement_in("signed", desk=desk, title_zh="港口协定", title_en="Ports")
    url = reverse("agreements:list")

    def titles(**params):
        response = officer_client.get(url, params)
        return sorted(
            r.record.title_en for r in response.context["table"].page.object_list
        )

    assert titles() == ["Ports", "Railway MoU"]
    assert titles(q="港口") == ["Ports"]
    assert titles(q="railway") == ["Railway MoU"]
    assert titles(state="signed") == ["Ports"]
    assert titles(country="ETH") == ["Railway MoU"]
    assert titles(target_after="2026-05-01", target_before="2026-07-01") == [
        "Ports",
        "Railway MoU",
    ]
    assert titles(target_after="2027-01-01") == []


def test_the_filters_do_not_render_every_country(officer_client):
    body = officer_client.get(reverse("agreements:list")).content.decode()
    assert "data-autocomplete" in body
    assert "Zimbabwe" not in body


def test_the_export_holds_only_visible_rows_and_no_formulas(
    officer_client, desk, other_desk
):
    AgreementFactory(desk=desk, title_en='=HYPERLINK("http://evil")')
    AgreementFactory(desk=other_desk, title_en="Other desk's secret")
    response = officer_client.get(reverse("agreements:list"), {"_export": "csv"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Other desk's secret" not in body
    assert "'=HYPERLINK" in body
    response = officer_client.get(reverse("agreements:list"), {"_export": "xlsx"})
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_the_export_follows_the_filters(officer_client, desk):
    AgreementFactory(desk=desk, title_en="Alpha")
    AgreementFactory(desk=desk, title_en="Beta")
    response = officer_client.get(
        reverse("agreements:list"), {"_export": "csv", "q": "alpha"}
    )
    body = response.content.decode("utf-8-sig")
    assert "Alpha" in body and "Beta" not in body


def _make_rows(desk, count):
    event = EventFactory(desk=desk)
    for _ in range(count):
        AgreementFactory(desk=desk, target_event=event, parties=["KEN", "ETH"])


def test_the_list_runs_the_same_queries_for_few_or_many_rows(
    officer_client, desk, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("agreements:list")
    _make_rows(desk, 3)
    officer_client.get(url)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        officer_client.get(url)
    _make_rows(desk, 40)
    with CaptureQueriesContext(connection) as many:
        response = officer_client.get(url)
    assert len(response.context["table"].page.object_list) == 43
    assert len(many) == len(few)
    assert len(many) <= 10
    assert not any("COUNT(" in q["sql"].upper() for q in many.captured_queries)


def test_the_detail_runs_the_same_queries_however_long_the_history(
    officer_client, officer, desk
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agreement = agreement_in("negotiating", desk=desk)
    url = agreement.get_absolute_url()
    NegotiationRoundFactory(agreement=agreement)
    services.agreement_update(
        agreement=agreement, by=officer, binding=True, officer=officer
    )
    officer_client.get(url)
    with CaptureQueriesContext(connection) as few:
        officer_client.get(url)
    party = agreement.parties.get(side="counterpart")
    for n in range(10):
        NegotiationRoundFactory(agreement=agreement)
        services.agreement_update(
            agreement=agreement,
            by=officer,
            title_en=f"Title {n}",
            officer=officer if n % 2 else None,
        )
        services.agreement_party_save(
            agreement=agreement,
            by=officer,
            party=party,
            signatory_name=f"Signatory {n}",
            signing_agency=OrganizationFactory() if n % 3 else None,
        )
    services.agreement_transition(
        agreement=agreement, transition="suspend", by=officer, comment="x"
    )
    with CaptureQueriesContext(connection) as many:
        response = officer_client.get(url)
    assert len(response.context["detail"].timeline) > 30
    assert len(many) == len(few)
    assert len(many) <= 20


def test_the_lookups_are_scoped_to_what_the_user_may_see(
    officer_client, other_officer_client, desk, other_desk
):
    AgreementFactory(desk=desk, parties=["ETH"])
    AgreementFactory(desk=other_desk, parties=["NGA"])
    response = officer_client.get(reverse("agreements:lookup_agreements"), {"q": "mou"})
    assert len(response.json()["results"]) == 1
    response = officer_client.get(reverse("agreements:lookup_officers"))
    assert {r["text"] for r in response.json()["results"]} == {"officer"} or len(
        response.json()["results"]
    ) == 1


def test_the_forms_and_filters_search_countries_and_organisations_as_reference_data(
    officer_client, desk
):
    doc = AgreementFactory(desk=desk, parties=["ETH"])
    for url in (
        reverse("agreements:list"),
        reverse("agreements:create"),
        reverse("agreements:edit", args=[doc.pk]),
    ):
        html = officer_client.get(url).content.decode()
        assert f'data-autocomplete="{reverse("tracker:lookup_countries")}"' in html
        assert f'data-autocomplete="{reverse("tracker:lookup_organizations")}"' in html
    # A party may be any country, not only one already party to a document.
    url = reverse("tracker:lookup_countries")
    results = officer_client.get(url, {"q": "nig"}).json()["results"]
    assert "NGA" in {row["value"] for row in results}


def test_the_lifecycle_page_draws_every_state_and_transition(viewer_client):
    response = viewer_client.get(reverse("agreements:lifecycle"))
    body = response.content.decode()
    assert response.status_code == 200
    for state in Agreement.State.values:
        assert f'data-state="{state}"' in body
    for name in Agreement.TRANSITIONS:
        assert f'data-transition="{name}"' in body
    assert (
        "<svg" in body
        and "http://" not in body.split("<svg", 1)[1].split("xmlns", 1)[0]
    )


def test_the_detail_shows_the_parties_and_target_event(viewer_client, desk):
    event = EventFactory(desk=desk, name_en="Summit in Nairobi")
    agreement = AgreementFactory(desk=desk, target_event=event, parties=["KEN"])
    body = viewer_client.get(agreement.get_absolute_url()).content.decode()
    assert "Summit in Nairobi" in body
    assert country("KEN").name_en in body


@pytest.mark.parametrize(
    "params",
    [
        {"signed_year": "99999999999"},
        {"signed_year": "10000"},
        {"signed_year": "0"},
        {"signed_year": "-5"},
        {"signed_year": "1.5"},
        {"signed_year": "1e5"},
        {"signed_year": "1899"},
    ],
)
def test_a_year_the_filter_cannot_take_is_a_message_not_an_error(
    officer_client, desk, params
):
    agreement_in("signed", desk=desk, title_en="Ports")
    url = reverse("agreements:list")
    response = officer_client.get(url, params)
    assert response.status_code == 200
    assert "Enter a year from 1900 to 2100." in response.content.decode()
    assert list(response.context["table"].page.object_list) == []
    export = officer_client.get(url, {**params, "_export": "csv"})
    assert export.status_code == 200
    assert "Ports" not in export.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "params",
    [
        {"signed_year": "2025"},
        {"target_after": "0001-01-01", "target_before": "9999-12-31"},
        {"page": "99999999999999999999999"},
        {"page": "99999999999999999999999", "per_page": "99999999999999999999999"},
        {"per_page": "0"},
    ],
)
def test_extreme_dates_pages_and_page_sizes_still_list(officer_client, desk, params):
    agreement_in("signed", desk=desk, title_en="Ports")
    response = officer_client.get(reverse("agreements:list"), params)
    assert response.status_code == 200
    rows = [row.record.title_en for row in response.context["table"].page.object_list]
    assert rows == ["Ports"]


def test_the_page_size_cannot_be_raised_past_the_limit(officer_client, desk):
    from tracker.paginators import ListPaginator

    response = officer_client.get(reverse("agreements:list"), {"per_page": "5000"})
    assert response.context["table"].paginator.per_page == ListPaginator.max_per_page


def test_every_aria_label_in_the_document_templates_is_translated():
    import re
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "templates" / "agreements"
    literal = re.compile(r'aria-label="[^"{]*[A-Za-z]')
    offenders = [
        path.name
        for path in sorted(folder.glob("*.html"))
        if literal.search(path.read_text())
    ]
    assert offenders == []


def test_the_transition_page_asks_the_service_what_stands_in_the_way(
    officer_client, doc, monkeypatch
):
    asked = []

    def errors(**kwargs):
        asked.append(kwargs)
        return {"rounds": "Said by the service."}

    monkeypatch.setattr(services, "agreement_transition_errors", errors)
    url = reverse("agreements:transition", args=[doc.pk, "agree_text"])
    response = officer_client.get(url)
    assert "Said by the service." in response.content.decode()
    assert asked[0]["transition"] == "agree_text"
    assert asked[0]["by"].username == "officer"


def _edit_data(doc, **extra):
    """What the edit form of ``doc`` sends back unchanged, as a browser would
    (with its first counterpart party)."""
    party = doc.parties.filter(side="counterpart").order_by("pk").first()
    data = {
        "title_zh": doc.title_zh,
        "title_en": doc.title_en,
        "kind": doc.kind,
        "desk": doc.desk_id,
        "officer": doc.officer_id or "",
        "target_signing_date": doc.target_signing_date or "",
        "target_event": doc.target_event_id or "",
        "enters_on_signature": "on" if doc.enters_on_signature else "",
        "duration_years": doc.duration_years or "",
        "renewal": doc.renewal,
        "parent": doc.parent_id or "",
        "parent_relation": doc.parent_relation,
        "version": doc.version,
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "1",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-id": party.pk,
        "parties-0-agreement": doc.pk,
        "parties-0-country": party.country_id,
        "parties-0-signing_agency": party.signing_agency_id or "",
        "parties-0-signatory_name": party.signatory_name,
    }
    data.update(extra)
    return data


def _someone_else_edits(doc, chief):
    services.agreement_update(
        agreement=Agreement.objects.get(pk=doc.pk), by=chief, title_en="Their title"
    )


def _someone_else_suspends(doc, chief):
    services.agreement_transition(
        agreement=Agreement.objects.get(pk=doc.pk),
        transition="suspend",
        by=chief,
        comment="Elections.",
    )


@pytest.mark.parametrize("meanwhile", [_someone_else_edits, _someone_else_suspends])
def test_an_edit_made_on_top_of_a_change_meanwhile_saves_nothing_and_keeps_the_typing(
    officer_client, chief, doc, meanwhile
):
    url = reverse("agreements:edit", args=[doc.pk])
    opened = officer_client.get(url).context["form"]["version"].value()
    assert opened == doc.version
    meanwhile(doc, chief)
    before = Agreement.objects.get(pk=doc.pk)
    data = _edit_data(
        doc,
        title_en="My typed title",
        version=opened,
        **{"parties-0-signatory_name": "Typed Signatory"},
    )
    response = officer_client.post(url, data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed this document while you were editing it" in body
    assert 'value="My typed title"' in body and 'value="Typed Signatory"' in body
    after = Agreement.objects.get(pk=doc.pk)
    assert (after.title_en, after.version) == (before.title_en, before.version)
    assert doc.parties.get(side="counterpart").signatory_name == "Minister"
    # Sending the same form again is refused again; a fresh form saves.
    assert officer_client.post(url, data).status_code == 409
    fresh = _edit_data(after, title_en="My typed title")
    assert officer_client.post(url, fresh).status_code == 302
    assert Agreement.objects.get(pk=doc.pk).title_en == "My typed title"


def test_an_edit_that_loses_a_race_inside_the_request_is_a_message(
    officer_client, chief, doc, monkeypatch
):
    real = services.agreement_update

    def someone_else_first(**kwargs):
        # Another session moves the document between this request's read and
        # its write (the form's version is not sent).
        Agreement.objects.filter(pk=doc.pk).update(state="suspended")
        return real(**kwargs)

    monkeypatch.setattr(services, "agreement_update", someone_else_first)
    data = _edit_data(doc, title_en="Mine")
    del data["version"]
    response = officer_client.post(reverse("agreements:edit", args=[doc.pk]), data)
    assert response.status_code == 409
    assert 'value="Mine"' in response.content.decode()
    assert Agreement.objects.get(pk=doc.pk).title_en == "MoU on Ports"


def test_editing_keeps_a_parent_event_and_officer_the_user_cannot_choose(
    officer_client, officer, desk, other_desk, doc
):
    from tests.factories import UserFactory

    parent = AgreementFactory(desk=other_desk, title_en="Secret Framework")
    event = EventFactory(desk=other_desk, name_en="Their Summit")
    former = UserFactory(username="former", role="desk_officer", desks=[other_desk])
    Agreement.objects.filter(pk=doc.pk).update(
        parent=parent, parent_relation="under", target_event=event, officer=former
    )
    doc.refresh_from_db()
    url = reverse("agreements:edit", args=[doc.pk])
    body = officer_client.get(url).content.decode()
    for value in (parent.pk, event.pk, former.pk):
        assert f'value="{value}" selected' in body, value
    # The parent's title is not for this desk to read.
    assert "Secret Framework" not in body
    assert "a document of another desk" in body
    response = officer_client.post(url, _edit_data(doc, title_en="Renamed"))
    assert response.status_code == 302, response.context["form"].errors
    doc.refresh_from_db()
    assert doc.title_en == "Renamed"
    assert (doc.parent, doc.target_event, doc.officer) == (parent, event, former)
    # Only the value it holds: other records of that desk stay out of reach.
    other = AgreementFactory(desk=other_desk)
    response = officer_client.post(url, _edit_data(doc, parent=other.pk))
    assert "parent" in response.context["form"].errors


def test_party_changes_are_in_the_timeline_with_who_and_readable_values(
    officer_client, desk, doc
):
    agency = OrganizationFactory(name_en="Ministry of Transport")
    data = _edit_data(
        doc,
        **{
            "parties-TOTAL_FORMS": "2",
            "parties-0-signatory_name": "Hon. Minister",
            "parties-0-signing_agency": agency.pk,
            "parties-1-country": "ETH",
            "parties-1-signatory_name": "",
        },
    )
    url = reverse("agreements:edit", args=[doc.pk])
    assert officer_client.post(url, data).status_code == 302
    added = doc.parties.get(country="ETH")
    removal = _edit_data(
        Agreement.objects.get(pk=doc.pk),
        **{
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "2",
            "parties-1-id": added.pk,
            "parties-1-agreement": doc.pk,
            "parties-1-country": "ETH",
            "parties-1-DELETE": "on",
        },
    )
    assert officer_client.post(url, removal).status_code == 302
    page = officer_client.get(doc.get_absolute_url())
    entries = {
        entry.title: entry
        for entry in page.context["detail"].timeline
        if entry.kind == "party"
    }
    kenya, ethiopia = country("KEN").name_en, country("ETH").name_en
    changed = entries[f"Party changed: {kenya}"]
    assert changed.by.username == "officer"
    changes = {label: (old, new) for label, old, new in changed.changes}
    assert changes["signatory"] == ("Minister", "Hon. Minister")
    assert changes["signing agency"][1] == "Ministry of Transport"
    assert entries[f"Party added: {ethiopia}"].by.username == "officer"
    assert entries[f"Party removed: {ethiopia}"].by.username == "officer"
    body = page.content.decode()
    assert f"Party removed: {ethiopia}" in body and "Ministry of Transport" in body


@pytest.mark.parametrize("sort", ["", "target_signing_date", "-target_signing_date"])
def test_undated_documents_come_last_in_either_order(officer_client, desk, sort):
    day = datetime.date(2027, 3, 1)
    AgreementFactory(desk=desk, title_en="Undated", target_signing_date=None)
    AgreementFactory(desk=desk, title_en="Early", target_signing_date=day)
    AgreementFactory(
        desk=desk,
        title_en="Late",
        target_signing_date=day + datetime.timedelta(days=30),
    )
    params = {"sort": sort} if sort else {}
    response = officer_client.get(reverse("agreements:list"), params)
    rows = [row.record.title_en for row in response.context["table"].page.object_list]
    dated = ["Early", "Late"] if sort == "target_signing_date" else ["Late", "Early"]
    assert rows == [*dated, "Undated"]


def test_filtering_by_states_reads_no_distinct_rows(officer_client, desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AgreementFactory(desk=desk, state="negotiating")
    with CaptureQueriesContext(connection) as queries:
        officer_client.get(
            reverse("agreements:list"), {"state": ["negotiating", "agreed"]}
        )
    lists = [q["sql"] for q in queries if 'FROM "agreements_agreement"' in q["sql"]]
    assert lists
    assert not any("DISTINCT" in sql for sql in lists)
