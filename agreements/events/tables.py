import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from agreements.models import Event


class EventTable(tables.Table):
    name = tables.Column(
        verbose_name=_("event"),
        accessor="name_en",
        order_by=("name_en",),
        linkify=("events:detail", {"pk": tables.A("pk")}),
    )
    readiness = tables.TemplateColumn(
        template_name="agreements/_event_readiness_cell.html",
        verbose_name=_("documents ready"),
        orderable=False,
    )

    class Meta:
        model = Event
        fields = ("starts_on", "ends_on", "name", "kind", "place", "desk")
        sequence = (
            "starts_on",
            "ends_on",
            "name",
            "kind",
            "place",
            "desk",
            "readiness",
        )
        order_by = ("starts_on",)

    def render_name(self, record):
        return str(record)
