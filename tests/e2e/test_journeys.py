"""End-to-end journeys in Chromium, each in Chinese and in English.

Screenshots of every step go to screenshots/ (see README, Tests).
"""

import datetime
import re

import pytest
from django.utils import timezone

from agreements.models import Agreement, Event
from tests.e2e.conftest import shoot
from tests.factories import EventFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = ["zh-hans", "en"]


def _speak(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def _pick(page, select_name: str, text: str) -> None:
    """Choose an option of a search-as-you-type select by typing."""
    control = page.locator(f"select[name='{select_name}'] + .ts-wrapper")
    control.click()
    control.locator("input").fill(text)
    option = page.locator(".ts-dropdown .option").first
    option.wait_for()
    option.click()
    page.keyboard.press("Escape")


def _transition(page, name: str) -> None:
    page.click(f"a[href$='/transition/{name}/']")
    page.click("main form button.btn-primary")
    page.wait_for_load_state()


def _state(title: str) -> str:
    return Agreement.objects.get(title_en=title).state


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_document_goes_from_drafting_to_signed_at_an_event(
    browse, officer, leader, desk, language
):
    tag = language[:2]
    title = f"MoU on green development ({tag})"
    _speak(officer, language)
    _speak(leader, language)
    event = EventFactory(
        desk=desk,
        name_en="Belt and Road Forum",
        name_zh="“一带一路”国际合作高峰论坛",
        starts_on=timezone.localdate() + datetime.timedelta(days=3),
        place="Beijing",
    )

    page = browse(officer, language)
    page.goto(f"{page.base_url}/documents/new/")
    page.fill("#id_title_zh", "绿色发展合作谅解备忘录")
    page.fill("#id_title_en", title)
    page.select_option("#id_officer", str(officer.pk))
    page.select_option("#id_target_event", str(event.pk))
    _pick(page, "parties-0-country", "Kenya" if tag == "en" else "肯尼亚")
    shoot(page, f"journey1-{tag}-01-new-document")
    page.click("main form button.btn-primary")
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    assert _state(title) == "drafting"

    _transition(page, "start_negotiation")
    page.click("details:has(form[action$='/rounds/']) summary")
    page.fill(
        "form[action$='/rounds/'] [name=held_on]", timezone.localdate().isoformat()
    )
    page.fill("form[action$='/rounds/'] [name=venue]", "Nairobi")
    page.fill(
        "form[action$='/rounds/'] [name=outcome]", "Text agreed except Article 5."
    )
    page.click("form[action$='/rounds/'] button")
    page.wait_for_load_state()
    shoot(page, f"journey1-{tag}-02-round-recorded")
    _transition(page, "agree_text")
    _transition(page, "submit_for_approval")
    assert _state(title) == "approval"
    shoot(page, f"journey1-{tag}-03-submitted")

    lead = browse(leader, language)
    lead.goto(f"{lead.base_url}/")
    waiting = lead.locator("#headline a[href*='state=approval'] .fs-3")
    assert waiting.inner_text() == "1"
    lead.click("#headline a[href*='state=approval']")
    lead.click(f"text={title if tag == 'en' else '绿色发展合作谅解备忘录'}")
    shoot(lead, f"journey1-{tag}-04-leader-sees-it-waiting")
    _transition(lead, "approve")
    assert _state(title) == "ready"

    page.reload()
    page.click("a[href$='/transition/sign/']")
    assert page.locator("[name=target_event]").input_value() == str(event.pk)
    assert page.locator("[name=signing_place]").input_value() == "Beijing"
    for field in page.locator(
        "input[name^='signatory_']:not([name^='signatory_title_'])"
    ).all():
        field.fill("Wang Wenjie")
    shoot(page, f"journey1-{tag}-05-sign-form")
    page.click("main form button.btn-primary")
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    assert _state(title) in {"signed", "in_force"}

    page.goto(f"{page.base_url}/events/{event.pk}/")
    assert "100%" in page.locator("#readiness-summary").inner_text()
    shoot(page, f"journey1-{tag}-06-event-ready")
    page.goto(f"{page.base_url}/")
    signed = page.locator("#headline a[href*='signed_year'] .fs-3")
    assert signed.inner_text() == "1"
    shoot(page, f"journey1-{tag}-07-dashboard")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_red_progress_report_puts_the_project_at_risk(
    browse, officer, desk, language
):
    tag = language[:2]
    _speak(officer, language)
    project = ProjectFactory(desk=desk, officer=officer, name_en="Mombasa port berth")
    page = browse(officer, language)
    page.goto(f"{page.base_url}/")
    assert page.locator("#headline a[href*='health=red'] .fs-3").inner_text() == "0"
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    form = page.locator("form[action$='/progress/']")
    form.locator("[name=percent_complete]").fill("40")
    form.locator("[name=rag]").select_option("red")
    form.locator("[name=summary]").fill("Dredging stopped by a court order.")
    form.locator("[name=issues]").fill("Court order; rains.")
    shoot(page, f"journey2-{tag}-01-log-progress")
    form.locator("button").click()
    page.wait_for_load_state()
    page.goto(f"{page.base_url}/")
    at_risk = page.locator("#headline a[href*='health=red']")
    assert at_risk.locator(".fs-3").inner_text() == "1"
    shoot(page, f"journey2-{tag}-02-dashboard-at-risk")
    at_risk.click()
    assert page.locator(f"a[href='/projects/{project.pk}/']").count() == 1
    shoot(page, f"journey2-{tag}-03-red-projects")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_viewer_sees_no_button_that_changes_data(browse, viewer, desk, language):
    from tests.factories import NegotiationRoundFactory, agreement_in

    tag = language[:2]
    _speak(viewer, language)
    agreement = agreement_in("negotiating", desk=desk, title_en="Visible to all")
    NegotiationRoundFactory(agreement=agreement)
    project = ProjectFactory(desk=desk)
    event = EventFactory(desk=desk, starts_on=timezone.localdate())
    page = browse(viewer, language)
    for path in (
        "/",
        "/documents/",
        f"/documents/{agreement.pk}/",
        "/projects/",
        f"/projects/{project.pk}/",
        "/events/",
        f"/events/{event.pk}/",
    ):
        page.goto(page.base_url + path)
        # Only the language switcher and the log-out button may post.
        actions = page.locator("main form[method=post], main a[href*='/transition/']")
        assert actions.count() == 0, path
        assert (
            page.locator("main a[href$='/edit/'], main a[href$='/new/']").count() == 0
        )
    shoot(page, f"journey3-{tag}-01-viewer-document")

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{page.base_url}/documents/{agreement.pk}/transition/agree_text/",
        headers={"X-CSRFToken": token, "Referer": page.base_url + "/"},
        form={"comment": "forged"},
    )
    assert response.status == 403
    agreement.refresh_from_db()
    assert agreement.state == "negotiating"
    assert Event.objects.count() == 1
