"""A project's worst slippage is stored (``Project.worst_slippage_days``) and
stays what its milestones make it, whichever way they change."""

import csv
import datetime
import io
import random
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from projects import services
from projects.importer import import_aiddata
from projects.models import Milestone, Project
from tests.factories import DeskFactory, MilestoneFactory, ProjectFactory
from tests.projects.slippage import worst_from_scratch, worst_stored

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def _on(offset: int | None) -> datetime.date | None:
    return None if offset is None else DAY + datetime.timedelta(offset)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


class RandomChanges:
    """Every way the tracker changes milestones, chosen at random: the
    services, the admin and the AidData import."""

    def __init__(self, seed: int, *, desk, officer, leader, admin_client) -> None:
        self.rng = random.Random(seed)
        self.desk = desk
        self.officer = officer
        self.leader = leader
        self.admin = admin_client
        self.record_id = 9000

    def day(self) -> datetime.date:
        return DAY + datetime.timedelta(days=self.rng.randint(-60, 200))

    def maybe_day(self) -> datetime.date | None:
        return None if self.rng.random() < 0.3 else self.day()

    def project(self) -> Project:
        return self.rng.choice(list(Project.objects.order_by("pk")))

    def milestone(self) -> Milestone:
        return self.rng.choice(list(Milestone.objects.order_by("pk")))

    def step(self) -> str:
        kinds = ["create", "admin_add", "import_file", "edit_stale_project"]
        if Milestone.objects.exists():
            kinds += [
                "forecast",
                "reach",
                "rebaseline",
                "admin_change",
                "admin_delete",
                "admin_delete_selected",
            ]
        kind = self.rng.choice(kinds)
        getattr(self, kind)()
        return kind

    def create(self, project: Project | None = None) -> None:
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
        milestone = self.milestone()
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
            milestone=self.milestone(),
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
        self.admin_post(reverse("admin:projects_milestone_add"), data)

    def admin_change(self) -> None:
        # Perhaps moved to another project, with another forecast.
        milestone = self.milestone()
        data = {
            "title": milestone.title,
            "project": self.project().pk,
            "forecast_date": _iso(self.maybe_day()),
            "actual_date": _iso(milestone.actual_date),
        }
        url = reverse("admin:projects_milestone_change", args=[milestone.pk])
        self.admin_post(url, data)

    def admin_delete(self) -> None:
        url = reverse("admin:projects_milestone_delete", args=[self.milestone().pk])
        self.admin_post(url, {"post": "yes"})

    def admin_delete_selected(self) -> None:
        pks = list(Milestone.objects.order_by("pk").values_list("pk", flat=True))
        chosen = self.rng.sample(pks, min(len(pks), 3))
        data = {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
        self.admin_post(reverse("admin:projects_milestone_changelist"), data)

    def admin_post(self, url: str, data: dict) -> None:
        response = self.admin.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

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

    def edit_stale_project(self) -> None:
        # A project read before its milestones changed, saved after.
        project = self.project()
        self.create(project)
        services.project_update(
            project=project, by=self.officer, name_en=f"{project.name_en}."
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_the_stored_worst_slippage_right_through_any_changes(
    seed, desk, officer, leader, superuser_client
):
    for _ in range(4):
        ProjectFactory(desk=desk, officer=officer)
    changes = RandomChanges(
        seed, desk=desk, officer=officer, leader=leader, admin_client=superuser_client
    )
    done, seen = set(), set()
    for step in range(60):
        done.add(changes.step())
        stored = worst_stored()
        assert stored == worst_from_scratch(), f"step {step}: {done}"
        seen.update(stored.values())
    assert len(done) == 10
    # Projects without milestones, early and late ones came by.
    assert None in seen and min(seen - {None}) < 0 < max(seen - {None})


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
def test_saving_a_project_read_earlier_keeps_the_slippage_of_its_milestones(
    desk, officer, transition
):
    project = ProjectFactory(desk=desk, status=Project.Status.PIPELINE)
    read_before = Project.objects.get(pk=project.pk)
    MilestoneFactory(project=project, forecast_date=DAY + datetime.timedelta(12))
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
    saved = Project.objects.values(*expected, "worst_slippage_days").get(pk=project.pk)
    assert saved == {**expected, "worst_slippage_days": 12}


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
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_FILL)
    apps = executor.loader.project_state(BEFORE_FILL).apps
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

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert worst_stored() == worst_from_scratch()
    stored = dict(Project.objects.values_list("name_en", "worst_slippage_days"))
    assert stored == {"late": 45, "early": -7, "reached": 20, "none": None}

    # Backwards it empties the column; forwards again, fills it again.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_FILL)
    old_project = executor.loader.project_state(BEFORE_FILL).apps.get_model(
        "projects", "Project"
    )
    assert set(old_project.objects.values_list("worst_slippage_days", flat=True)) == {
        None
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert worst_stored() == worst_from_scratch()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_milestones_added_at_once_the_later_refresh_counts_both(desk):
    project = ProjectFactory(desk=desk)
    refreshed = threading.Event()
    errors = []

    def add(late_by: int, first: bool) -> None:
        try:
            with transaction.atomic():
                Milestone.objects.create(
                    project_id=project.pk,
                    title=f"{late_by} days late",
                    baseline_date=DAY,
                    forecast_date=DAY + datetime.timedelta(late_by),
                )
                if first:
                    services.project_slippage_refresh(project_ids=[project.pk])
                    refreshed.set()
                    # Not yet committed when the other one refreshes.
                    time.sleep(0.5)
                else:
                    refreshed.wait(timeout=10)
                    services.project_slippage_refresh(project_ids=[project.pk])
        except Exception as exc:  # reported below, from the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(50, True)),
        threading.Thread(target=add, args=(10, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert worst_stored() == worst_from_scratch() == {project.pk: 50}
