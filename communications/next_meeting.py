"""The Board meeting a newsletter issue tells councillors about, read from the Board's meetings."""

import datetime

from django.utils import timezone

from board.models import Meeting

from .models import Newsletter


def newsletter_next_meeting(newsletter: Newsletter, *, today: datetime.date | None = None) -> Meeting | None:
    """The next Board meeting as readers of this issue see it.

    A draft names the next scheduled meeting from today. A published issue names the first meeting
    on or after the day it was published that was not cancelled, so the archive keeps telling
    readers what was coming then, even after that meeting has been held.
    """
    if newsletter.published_at:
        since = timezone.localdate(newsletter.published_at)
        meetings = Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
    else:
        since = today or timezone.localdate()
        meetings = Meeting.objects.filter(status=Meeting.Status.SCHEDULED)
    return meetings.filter(date__gte=since).order_by("date", "start_time", "pk").first()
