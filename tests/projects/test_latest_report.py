"""A project's latest progress report (RAG, date, percent) is stored on it
and stays what its reports make it, whichever way they change."""

import datetime

import pytest

from projects import services
from projects.models import ProgressLog, Project, Rag
from tests.factories import DeskFactory, ProgressLogFactory, ProjectFactory, UserFactory
from tests.projects.at_once import two_writes_at_once
from tests.projects.changes import AdminChanges
from tests.projects.latest_report import STORED, from_scratch, stored
from tests.projects.migrating import migrate_back, migrate_forward

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


class RandomChanges(AdminChanges):
    """Every way the tracker changes progress reports, chosen at random: the
    services, the admin and the test factory; and saves of projects read
    before their reports changed."""

    model = ProgressLog

    def __init__(self, seed: int, *, officer, admin_client) -> None:
        super().__init__(seed, officer=officer, admin_client=admin_client)

    def day(self) -> datetime.date:
        # A narrow range, so that reports of the same day come by.
        return DAY + datetime.timedelta(days=self.rng.randint(0, 6))

    def facts(self) -> dict:
        return {
            "reported_on": self.day(),
            "rag": self.rng.choice(Rag.values),
            "percent_complete": self.rng.randint(0, 100),
        }

    kinds = (*AdminChanges.kinds, "add", "factory")
    kinds_on_records = (*AdminChanges.kinds_on_records, "correct")

    def add(self, project: Project | None = None) -> None:
        services.project_log_progress(
            project=project or self.project(),
            by=self.officer,
            summary="Reported",
            **self.facts(),
        )

    def factory(self) -> None:
        ProgressLogFactory(project=self.project(), **self.facts())

    def correct(self) -> None:
        services.progress_log_correct(
            log=self.record(),
            by=self.officer,
            reason="Typo",
            **self.facts(),
        )

    def admin_data(self) -> dict:
        facts = self.facts()
        return {
            "project": self.project().pk,
            "reported_on": facts["reported_on"].isoformat(),
            "rag": facts["rag"],
            "percent_complete": facts["percent_complete"],
            "author": self.officer.pk,
            "summary": "In the admin",
            "issues": "",
            "next_steps": "",
        }

    def admin_add(self) -> None:
        self.admin_post(self.admin_url("add"), self.admin_data())

    def admin_change(self) -> None:
        # Perhaps moved to another project, with other facts.
        log = self.record()
        self.admin_post(self.admin_url("change", log.pk), self.admin_data())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_the_stored_latest_report_right_through_any_changes(
    seed, desk, officer, superuser_client
):
    for _ in range(4):
        ProjectFactory(desk=desk, officer=officer)
    changes = RandomChanges(seed, officer=officer, admin_client=superuser_client)
    done, seen = set(), set()
    for step in range(60):
        done.add(changes.step())
        now = stored()
        assert now == from_scratch(), f"step {step}: {done}"
        seen.update(rag for rag, _on, _percent in now.values())
    assert len(done) == 8
    # Projects without reports and every rating came by.
    assert seen == {None, *Rag.values}


def test_the_latest_is_the_latest_date_then_the_latest_entered(desk, officer):
    project = ProjectFactory(desk=desk)
    assert stored()[project.pk] == (None, None, None)

    def report(day, rag, percent):
        return services.project_log_progress(
            project=project,
            by=officer,
            reported_on=DAY + datetime.timedelta(days=day),
            rag=rag,
            percent_complete=percent,
            summary="Reported",
        )

    report(5, "green", 50)
    # An earlier report entered later is not the latest.
    first = report(2, "red", 40)
    assert stored()[project.pk] == ("green", DAY + datetime.timedelta(5), 50)
    # Of two reports of one day, the one entered last.
    report(5, "amber", 55)
    assert stored()[project.pk] == ("amber", DAY + datetime.timedelta(5), 55)
    services.progress_log_correct(
        log=first,
        by=officer,
        reason="Wrong date",
        reported_on=DAY + datetime.timedelta(9),
    )
    assert stored()[project.pk] == ("red", DAY + datetime.timedelta(9), 40)


BEFORE_FILL = [("projects", "0010_project_latest_report")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_latest_report_of_existing_projects():
    apps = migrate_back(BEFORE_FILL)
    desk = DeskFactory()
    author = UserFactory()
    old_project = apps.get_model("projects", "Project")
    old_log = apps.get_model("projects", "ProgressLog")
    projects = {
        name: old_project.objects.create(
            name_en=name, country_id="KEN", desk_id=desk.pk
        )
        for name in ("two", "tie", "none")
    }

    def report(name, day, rag, percent):
        old_log.objects.create(
            project=projects[name],
            reported_on=DAY + datetime.timedelta(days=day),
            rag=rag,
            percent_complete=percent,
            author_id=author.pk,
            summary="s",
        )

    report("two", 9, "amber", 60)
    report("two", 3, "red", 30)
    report("tie", 1, "green", 10)
    report("tie", 1, "red", 11)

    migrate_forward()
    assert stored() == from_scratch()
    by_name = {
        name: tuple(rest)
        for name, *rest in Project.objects.values_list("name_en", *STORED)
    }
    assert by_name == {
        "two": ("amber", DAY + datetime.timedelta(9), 60),
        "tie": ("red", DAY + datetime.timedelta(1), 11),
        "none": (None, None, None),
    }

    # Backwards it empties the columns; forwards again, fills them again.
    old_project = migrate_back(BEFORE_FILL).get_model("projects", "Project")
    assert set(old_project.objects.values_list(*STORED)) == {(None, None, None)}
    migrate_forward()
    assert stored() == from_scratch()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_reports_added_at_once_the_later_refresh_counts_both(desk):
    project = ProjectFactory(desk=desk)
    author = UserFactory()

    def add(first: bool) -> None:
        # The first is the latest, and commits last.
        day = 5 if first else 1
        ProgressLog.objects.create(
            project_id=project.pk,
            reported_on=DAY + datetime.timedelta(day),
            rag="amber" if first else "green",
            percent_complete=day,
            author=author,
            summary="At once",
        )

    two_writes_at_once(
        add, lambda: services.project_report_refresh(project_ids=[project.pk])
    )
    latest = ("amber", DAY + datetime.timedelta(5), 5)
    assert stored() == from_scratch() == {project.pk: latest}
