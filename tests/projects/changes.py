"""What the random changes to a project's milestones or reports share: the
random choices, the admin's writes of ``model`` and the save of a project
read before its records changed."""

import random

from django.urls import reverse

from projects import services
from projects.models import Project


class AdminChanges:
    model: type
    # The kinds of change (method names) always possible, and those that need
    # a record of ``model``.
    kinds: tuple[str, ...] = ("admin_add", "edit_stale_project")
    kinds_on_records: tuple[str, ...] = (
        "admin_change",
        "admin_delete",
        "admin_delete_selected",
    )

    def __init__(self, seed: int, *, officer, admin_client) -> None:
        self.rng = random.Random(seed)
        self.officer = officer
        self.admin = admin_client

    def step(self) -> str:
        kinds = list(self.kinds)
        if self.model.objects.exists():
            kinds += self.kinds_on_records
        kind = self.rng.choice(kinds)
        getattr(self, kind)()
        return kind

    def add(self, project: Project | None = None) -> None:
        """Add a record of ``model`` to ``project`` (else any), as the
        tracker does."""
        raise NotImplementedError

    def edit_stale_project(self) -> None:
        # A project read before its records changed, saved after.
        project = self.project()
        self.add(project)
        services.project_update(
            project=project, by=self.officer, name_en=f"{project.name_en}."
        )

    def project(self) -> Project:
        return self.rng.choice(list(Project.objects.order_by("pk")))

    def record(self):
        """One of the ``model``'s records, at random."""
        return self.rng.choice(list(self.model.objects.order_by("pk")))

    def admin_url(self, view: str, *args) -> str:
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)

    def admin_delete(self) -> None:
        self.admin_post(self.admin_url("delete", self.record().pk), {"post": "yes"})

    def admin_delete_selected(self) -> None:
        pks = list(self.model.objects.order_by("pk").values_list("pk", flat=True))
        chosen = self.rng.sample(pks, min(len(pks), 3))
        data = {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
        self.admin_post(self.admin_url("changelist"), data)

    def admin_post(self, url: str, data: dict) -> None:
        response = self.admin.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
