"""A project's worst slippage is stored (``Project.worst_slippage_days``) and
stays what its milestones make it, whichever way they change."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from projects import services
from projects.importer import import_aiddata
from projects.models import Milestone, Project
from tests.factories import (
    DeskFactory,
    MilestoneFactory,
    ProgressLogFactory,
    ProjectFactory,
)
from tests.projects.at_once import two_writes_at_once
from tests.projects.changes import AdminChanges
from tests.projects.migrating import migrate_back, migrate_forward
from tests.projects.slippage import (
    next_due_from_scratch,
    next_due_stored,
    worst_from_scratch,
    worst_stored,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def _on(offset: int | None) -> datetime.date | None:
    return None if offset is None else DAY + datetime.timedelta(offset)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


class RandomChanges(AdminChanges):
    """Every way the tracker changes milestones, chosen at random: the
    services, the admin and the AidData import."""

    model = Milestone

    def __init__(self, seed: int, *, desk, officer, leader, admin_client) -> None:
        super().__init__(seed, officer=officer, admin_client=admin_client)
        self.desk = desk
        self.leader = leader
        self.record_id = 9000

    def day(self) -> datetime.date:
        return DAY + datetime.timedelta(days=self.rng.randint(-60, 200))

    def maybe_day(self) -> datetime.date | None:
        return None if self.rng.random() < 0.3 else self.day()

    kinds = (*AdminChanges.kinds, "add", "import_file")
    kinds_on_records = (
        *AdminChanges.kinds_on_records,
        "forecast",
        "reach",
        "rebaseline",
    )

    def add(self, project: Project | None = None) -> None:
        services.milestone_create(
            project=project or self.project(),
            by=self.officer,
            title="Created",
            baseline_date=self.day(),
            forecast_date=self.maybe_day(),
            actual_date=self.maybe_day() if self.rng.random() < 0.3 else None,
        )

    def forecast(self) -> None:
        self.update(forecast_date=self.maybe_day())

    def reach(self) -> None:
        self.update(actual_date=self.maybe_day())

    def update(self, **dates: datetime.date | None) -> None:
        milestone = self.record()
        services.milestone_update(
            milestone=milestone,
            by=self.officer,
            title=milestone.title,
            **{
                "forecast_date": milestone.forecast_date,
                "actual_date": milestone.actual_date,
                **dates,
            },
        )

    def rebaseline(self) -> None:
        services.milestone_rebaseline(
            milestone=self.record(),
            by=self.leader,
            baseline_date=self.day(),
            reason="New schedule agreed",
        )

    def admin_add(self) -> None:
        data = {
            "title": "Added in the admin",
            "project": self.project().pk,
            "baseline_date": _iso(self.day()),
            "forecast_date": _iso(self.maybe_day()),
            "actual_date": "",
        }
        self.admin_post(self.admin_url("add"), data)

    def admin_change(self) -> None:
        # Perhaps moved to another project, with another forecast.
        milestone = self.record()
        data = {
            "title": milestone.title,
            "project": self.project().pk,
            "forecast_date": _iso(self.maybe_day()),
            "actual_date": _iso(milestone.actual_date),
        }
        self.admin_post(self.admin_url("change", milestone.pk), data)

    def import_file(self) -> None:
        # A new project, and a re-import that renames an imported one.
        self.record_id += 1
        rows = [[self.record_id, f"Imported {self.record_id}", "Implementation"]]
        imported = Project.objects.filter(aiddata_record_id__isnull=False).first()
        if imported:
            rows.append([imported.aiddata_record_id, "Renamed", "Implementation"])
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["AidData Record ID", "Title", "Status", "Recipient ISO-3"])
        writer.writerows(row + ["KEN"] for row in rows)
        report = import_aiddata(out.getvalue().encode(), desk=self.desk)
        assert report.saved, report.errors


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_the_stored_worst_slippage_right_through_any_changes(
    seed, desk, officer, leader, superuser_client
):
    for _ in range(4):
        ProjectFactory(desk=desk, officer=officer)
    changes = RandomChanges(
        seed, desk=desk, officer=officer, leader=leader, admin_client=superuser_client
    )
    done, seen, due_seen = set(), set(), set()
    for step in range(60):
        done.add(changes.step())
        stored = worst_stored()
        assert stored == worst_from_scratch(), f"step {step}: {done}"
        assert next_due_stored() == next_due_from_scratch(), f"step {step}: {done}"
        seen.update(stored.values())
        due_seen.update(next_due_stored().values())
    assert len(done) == 10
    # Projects without milestones, early and late ones came by.
    assert None in seen and min(seen - {None}) < 0 < max(seen - {None})
    # And projects with open milestones and without.
    assert None in due_seen and len(due_seen) > 2


def test_it_is_the_worst_of_the_milestones_and_counts_reached_ones(desk, officer):
    project = ProjectFactory(desk=desk)
    assert worst_stored()[project.pk] is None

    def add(baseline, forecast=None, actual=None):
        return MilestoneFactory(
            project=project,
            baseline_date=_on(baseline),
            forecast_date=_on(forecast),
            actual_date=_on(actual),
        )

    add(0, forecast=-5)
    assert worst_stored()[project.pk] == -5
    # No forecast: the baseline holds, no slippage.
    add(10)
    assert worst_stored()[project.pk] == 0
    # Reached late; the actual date counts over the forecast.
    reached = add(0, forecast=3, actual=40)
    assert worst_stored()[project.pk] == 40
    services.milestone_update(
        milestone=reached,
        by=officer,
        title=reached.title,
        forecast_date=reached.forecast_date,
        actual_date=None,
    )
    assert worst_stored()[project.pk] == 3


@pytest.mark.parametrize("transition", [False, True])
def test_saving_a_project_read_earlier_keeps_the_facts_stored_on_it(
    desk, officer, transition
):
    project = ProjectFactory(desk=desk, status=Project.Status.PIPELINE)
    read_before = Project.objects.get(pk=project.pk)
    MilestoneFactory(project=project, forecast_date=DAY + datetime.timedelta(12))
    ProgressLogFactory(project=project, rag="red", reported_on=DAY, percent_complete=7)
    if transition:
        services.project_transition(
            project=read_before,
            transition="start_implementation",
            by=officer,
            on=DAY,
            today=DAY,
        )
        expected = {"status": Project.Status.IMPLEMENTATION}
    else:
        services.project_update(project=read_before, by=officer, name_en="Renamed")
        expected = {"name_en": "Renamed"}
    saved = Project.objects.values(*expected, *Project.STORED_FIELDS).get(pk=project.pk)
    assert saved == {
        **expected,
        "worst_slippage_days": 12,
        "next_due_on": DAY + datetime.timedelta(12),
        "latest_rag": "red",
        "latest_reported_on": DAY,
        "latest_percent": 7,
    }


def _sorted_names(client, sort):
    response = client.get(reverse("projects:list"), {"sort": sort})
    return [row.record.name_en for row in response.context["table"].page.object_list]


def test_it_sorts_by_worst_slippage_either_way_with_projects_without_milestones_last(
    leader_client, desk
):
    for name, late_by in [
        ("None 1", None),
        ("Late A", 30),
        ("Early", -5),
        ("None 2", None),
        ("Late B", 30),
        ("On time", 0),
    ]:
        project = ProjectFactory(desk=desk, name_en=name)
        if late_by is not None:
            forecast = DAY + datetime.timedelta(late_by)
            MilestoneFactory(project=project, forecast_date=forecast)
    # Ties in the order of the id, reversed with the order.
    assert _sorted_names(leader_client, "-worst_slippage") == [
        "Late B",
        "Late A",
        "On time",
        "Early",
        "None 2",
        "None 1",
    ]
    assert _sorted_names(leader_client, "worst_slippage") == [
        "Early",
        "On time",
        "Late A",
        "Late B",
        "None 1",
        "None 2",
    ]


BEFORE_FILL = [("projects", "0006_project_worst_slippage_days")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_worst_slippage_of_existing_projects():
    apps = migrate_back(BEFORE_FILL)
    desk = DeskFactory()
    old_project = apps.get_model("projects", "Project")
    old_milestone = apps.get_model("projects", "Milestone")
    projects = {
        name: old_project.objects.create(
            name_en=name, country_id="KEN", desk_id=desk.pk
        )
        for name in ("late", "early", "reached", "none")
    }

    def milestone(name, forecast=None, actual=None, baseline=0):
        old_milestone.objects.create(
            project=projects[name],
            title="m",
            baseline_date=_on(baseline),
            forecast_date=_on(forecast),
            actual_date=_on(actual),
        )

    milestone("late", forecast=45)
    milestone("late", forecast=-3)
    milestone("late")
    milestone("early", forecast=93, baseline=100)
    milestone("early", forecast=150, actual=90, baseline=100)
    milestone("reached", forecast=5, actual=20)

    migrate_forward()
    assert worst_stored() == worst_from_scratch()
    stored = dict(Project.objects.values_list("name_en", "worst_slippage_days"))
    assert stored == {"late": 45, "early": -7, "reached": 20, "none": None}
    # And the next due date of the open ones (migration 0013).
    assert next_due_stored() == next_due_from_scratch()
    due = dict(Project.objects.values_list("name_en", "next_due_on"))
    assert due == {"late": _on(-3), "early": _on(93), "reached": None, "none": None}

    # Backwards it empties the column; forwards again, fills it again.
    old_project = migrate_back(BEFORE_FILL).get_model("projects", "Project")
    assert set(old_project.objects.values_list("worst_slippage_days", flat=True)) == {
        None
    }
    migrate_forward()
    assert worst_stored() == worst_from_scratch()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_milestones_added_at_once_the_later_refresh_counts_both(desk):
    project = ProjectFactory(desk=desk)

    def add(first: bool) -> None:
        # The first is the worst, and commits last.
        late_by = 50 if first else 10
        Milestone.objects.create(
            project_id=project.pk,
            title=f"{late_by} days late",
            baseline_date=DAY,
            forecast_date=DAY + datetime.timedelta(late_by),
        )

    two_writes_at_once(
        add, lambda: services.project_slippage_refresh(project_ids=[project.pk])
    )
    assert worst_stored() == worst_from_scratch() == {project.pk: 50}
    assert next_due_stored() == {project.pk: DAY + datetime.timedelta(10)}
