"""iCalendar files (RFC 5545) for one seminar and for the feed of upcoming seminars, with the icalendar library."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from seminars.models import SeminarPage


def _event(seminar: SeminarPage, *, show_link: bool) -> Event:
    event = Event()
    event.add("uid", f"seminar-{seminar.translation_key}@{settings.SITE_URL.split('://')[-1]}")
    event.add("summary", seminar.title)
    event.add("dtstart", seminar.starts_at.astimezone(UTC))
    event.add("dtend", seminar.ends_at.astimezone(UTC))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    place = ", ".join(part for part in (seminar.venue, seminar.city, seminar.host_country.name) if part)
    if place:
        event.add("location", place)
    description = seminar.summary
    if show_link and seminar.online_link:
        description += f"\n{seminar.online_link}"
    event.add("description", description)
    url = seminar.get_full_url()
    if url:
        event.add("url", url)
    return event


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Campus CRM//Seminarios//ES")
    calendar.add("version", "2.0")
    return calendar


def seminar_ics(seminar: SeminarPage, *, show_link: bool = False) -> bytes:
    calendar = _calendar()
    calendar.add_component(_event(seminar, show_link=show_link))
    return calendar.to_ical()


def seminars_feed(seminars) -> bytes:
    """The upcoming seminars; online links never go into a feed (it is public)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", "Campus CRM")
    for seminar in seminars:
        calendar.add_component(_event(seminar, show_link=False))
    return calendar.to_ical()
