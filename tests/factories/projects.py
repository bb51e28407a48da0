import datetime

import factory

from projects.models import Milestone, ProgressLog, Project, Rag
from projects.services import project_report_refresh, project_slippage_refresh

from .tracker import DeskFactory, UserFactory, country

__all__ = ["MilestoneFactory", "ProgressLogFactory", "ProjectFactory"]


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name_en = factory.Sequence(lambda n: f"Railway Project {n}")
    name_zh = factory.Sequence(lambda n: f"铁路项目{n}")
    country = factory.LazyFunction(lambda: country("KEN"))
    desk = factory.SubFactory(DeskFactory)
    sector = "transport"
    status = Project.Status.IMPLEMENTATION


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    baseline_date = datetime.date(2026, 3, 1)
    forecast_date = factory.LazyAttribute(lambda m: m.baseline_date)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the services do: the project's stored worst slippage follows.
        milestone = super()._create(model_class, *args, **kwargs)
        project_slippage_refresh(project_ids=[milestone.project_id])
        return milestone


class ProgressLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressLog

    project = factory.SubFactory(ProjectFactory)
    reported_on = datetime.date(2026, 3, 1)
    author = factory.SubFactory(UserFactory)
    percent_complete = 50
    rag = Rag.GREEN
    summary = "Works progressing."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # As the services do: the project's stored latest report follows.
        log = super()._create(model_class, *args, **kwargs)
        project_report_refresh(project_ids=[log.project_id])
        return log
