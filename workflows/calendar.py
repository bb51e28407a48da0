"""A person's deadlines as an iCalendar feed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .reminders import user_language
from .selectors import deadlines_for_user

PAST_DAYS = 90
FUTURE_DAYS = 400


def calendar_for_user(*, user, today: datetime.date | None = None) -> bytes:
    """All-day events for the person's deadlines, from 90 days back to about
    a year ahead, with titles in the person's language."""
    today = today or timezone.localdate()
    stamp = timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    with translation.override(user_language(user)):
        calendar = Calendar()
        calendar.add("prodid", "-//Cooperation Tracker//deadlines//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Deadlines: %(name)s") % {"name": user})
        for item in deadlines_for_user(
            user=user,
            start=today - datetime.timedelta(days=PAST_DAYS),
            end=today + datetime.timedelta(days=FUTURE_DAYS),
            today=today,
        ):
            event = Event()
            event.add("uid", f"{item.source.key}-{item.obj.pk}-{item.due_on}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", item.due_on)
            event.add("dtend", item.due_on + datetime.timedelta(days=1))
            event.add("summary", f"{item.source.label}: {item.title}")
            event.add("url", settings.SITE_URL + item.url)
            event.add("description", settings.SITE_URL + item.url)
            event.add("categories", [str(item.source.label)])
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        return calendar.to_ical()
