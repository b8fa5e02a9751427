"""Indicators the Board's records let the portal count."""

import datetime

from indicators.choices import Computation
from indicators.selectors import register_counter

from .models import Meeting


@register_counter(Computation.BOARD_MEETINGS)
def board_meetings_held(since: datetime.date, *, strategy_id: int):
    return Meeting.objects.filter(status=Meeting.Status.HELD, date__gte=since).values_list("date", "pk")
