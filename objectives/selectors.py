"""Reads about the strategy that other apps' pages share."""

from django.http import Http404

from .models import Strategy


def current_strategy_or_404() -> Strategy:
    strategy = Strategy.objects.current()
    if strategy is None:
        raise Http404("No strategy has been loaded yet.")
    return strategy
