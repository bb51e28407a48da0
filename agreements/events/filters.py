import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Event
from tracker.models import Desk
from tracker.widgets import DateInput, bootstrap


class EventFilter(django_filters.FilterSet):
    WHEN = (("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All")))

    when = django_filters.ChoiceFilter(
        label=_("When"), choices=WHEN, method="filter_when", empty_label=None
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices)
    desk = django_filters.ModelChoiceFilter(
        label=_("Desk"), queryset=Desk.objects.all()
    )
    starts_by = django_filters.DateFilter(
        label=_("Starting by"),
        field_name="starts_on",
        lookup_expr="lte",
        widget=DateInput(),
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")

    class Meta:
        model = Event
        fields = ["when", "kind", "desk", "starts_by", "q"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("when", "upcoming")
        super().__init__(data, *args, **kwargs)
        bootstrap(self.form)

    def filter_when(self, queryset, name, value):
        today = timezone.localdate()
        upcoming = Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
        if value == "upcoming":
            return queryset.filter(upcoming)
        if value == "past":
            return queryset.exclude(upcoming).order_by("-starts_on")
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name_en__icontains=value)
            | Q(name_zh__icontains=value)
            | Q(place__icontains=value)
        )
