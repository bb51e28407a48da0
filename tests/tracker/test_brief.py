import datetime
import io

import pytest
from django.urls import reverse

from agreements.models import Agreement
from tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db
S = Agreement.State


@pytest.fixture
def november(desk, other_desk):
    Agreement.objects.create(
        title_en="MoU on Digital Silk Road",
        title_zh="数字丝绸之路谅解备忘录",
        desk=desk,
        state=S.SIGNED,
        signed_on=datetime.date(2026, 11, 3),
        signing_place="Nairobi",
    )
    Agreement.objects.create(
        title_en="Older plan",
        desk=desk,
        state=S.SIGNED,
        signed_on=datetime.date(2026, 9, 1),
    )
    Agreement.objects.create(
        title_en="Africa desk MoU",
        desk=other_desk,
        state=S.SIGNED,
        signed_on=datetime.date(2026, 11, 10),
    )
    project = ProjectFactory(
        desk=desk, name_en="Port expansion", actual_start=datetime.date(2026, 11, 5)
    )
    MilestoneFactory(
        project=project,
        title="Berth 1 handed over",
        baseline_date=datetime.date(2026, 11, 1),
        actual_date=datetime.date(2026, 11, 8),
    )
    MilestoneFactory(
        project=project,
        title="Dredging",
        baseline_date=datetime.date(2026, 10, 1),
        forecast_date=datetime.date(2026, 11, 12),
    )


def test_it_reports_what_happened_in_the_period(november, officer):
    from tracker.brief import brief_get

    brief = brief_get(
        user=officer,
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2026, 11, 30),
        today=datetime.date(2026, 11, 20),
    )
    assert [a.title_en for a in brief.signed] == ["MoU on Digital Silk Road"]
    assert [p.name_en for p in brief.projects_started] == ["Port expansion"]
    assert [m.title for m in brief.milestones_reached] == ["Berth 1 handed over"]
    assert [m.title for m in brief.milestones_missed] == ["Dredging"]


def test_it_exports_a_word_document_with_every_section(november, officer_client):
    from docx import Document

    response = officer_client.get(
        reverse("tracker:brief"),
        {"period": "month", "month": "2026-11", "format": "docx"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="brief-20261101-20261130.docx"'
    )
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "Belt and Road cooperation brief"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Documents signed",
        "Documents entered into force",
        "Documents expiring",
        "Projects started",
        "Projects completed",
        "Milestones reached",
        "Milestones slipped",
        "Upcoming events",
    ]
    cells = {cell.text for table in document.tables for cell in table._cells}
    assert "MoU on Digital Silk Road" in cells
    assert "Africa desk MoU" not in cells


def test_it_writes_the_brief_in_the_users_language(november, officer, login_as):
    from docx import Document

    officer.language = "zh-hans"
    officer.save(update_fields=["language"])
    response = login_as(officer).get(
        reverse("tracker:brief"),
        {"period": "month", "month": "2026-11", "format": "docx"},
    )
    document = Document(io.BytesIO(response.content))
    assert "数字丝绸之路谅解备忘录" in {
        c.text for t in document.tables for c in t._cells
    }


def test_it_shows_the_brief_on_the_page(november, officer_client):
    response = officer_client.get(
        reverse("tracker:brief"), {"period": "month", "month": "2026-11"}
    )
    assert response.status_code == 200
    assert "MoU on Digital Silk Road" in response.content.decode()


def test_it_refuses_a_period_that_ends_before_it_starts(officer_client):
    response = officer_client.get(
        reverse("tracker:brief"),
        {"period": "custom", "start": "2026-12-01", "end": "2026-11-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The period cannot end before it starts." in response.content.decode()


def test_it_sends_anonymous_visitors_to_login(anon_client):
    assert anon_client.get(reverse("tracker:brief")).status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        {"period": "month", "month": "9999-12"},
        {"period": "month", "month": "0001-01"},
        {"period": "month", "month": "99999999999-01"},
        {"period": "custom", "start": "2026-01-01", "end": "9999-12-31"},
        {"period": "custom", "start": "0001-01-01", "end": "0001-12-31"},
    ],
)
def test_it_refuses_a_period_outside_the_years_it_covers(officer_client, query):
    response = officer_client.get(
        reverse("tracker:brief"), query, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose a year from 1900 to 2100." in body
    for value in query.values():
        assert f'value="{value}"' in body


def test_it_covers_the_last_month_it_accepts(officer_client):
    response = officer_client.get(
        reverse("tracker:brief"), {"period": "month", "month": "2100-12"}
    )
    assert response.status_code == 200
