"""Each indicator's stored state is what it would be if worked out from scratch, after every kind of write.

A property test drives random sequences of the writes people make (figures saved, submitted,
verified, sent back, verified in a batch, imported; targets, tolerance and definitions changed)
and after each step rebuilds every state and compares it with the one the writes kept.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.versions import EditConflict
from indicators.choices import Computation, Frequency, Polarity, Unit
from indicators.figures import (
    BatchConflict,
    FigureConflict,
    figure_save,
    figure_transition,
    figures_verify,
    targets_set,
)
from indicators.imports import ImportFileError, commit_import
from indicators.models import Figure, IndicatorState, PerformanceIndicator
from indicators.states import (
    STATE_FIELDS,
    indicator_state_refresh,
    indicator_states,
    indicator_states_compute,
)
from portal.roles import Role

from . import factories
from .factories import last_ended_period

FAILURES = (FigureConflict, BatchConflict, ValidationError, PermissionDenied, EditConflict, ImportFileError)


def recent(frequency: str, back: int):
    period = last_ended_period(frequency)
    for _ in range(back):
        period = period.previous()
    return period


def maintained_and_rebuilt():
    indicators = list(PerformanceIndicator.objects.filter(computation="").select_related("owner"))
    today = timezone.localdate()
    rebuilt = {state.indicator_id: state for state in indicator_states_compute(indicators, today=today)}
    maintained = {state.indicator_id: state for state in IndicatorState.objects.all()}
    return rebuilt, maintained


def differences(rebuilt, maintained) -> list[str]:
    found = []
    for pk, fresh in rebuilt.items():
        kept = maintained.get(pk)
        if kept is None:
            # Never written to: a page would work it out on first sight.
            continue
        for name in STATE_FIELDS:
            if getattr(fresh, name) != getattr(kept, name):
                found.append(
                    f"indicator {pk} {name}: kept {getattr(kept, name)!r}, rebuilt {getattr(fresh, name)!r}"
                )
    return found


writes = st.one_of(
    st.tuples(
        st.just("save"),
        st.integers(0, 2),
        st.integers(0, 3),
        st.integers(0, 12),
        st.booleans(),
        st.booleans(),
    ),
    st.tuples(st.just("submit"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("verify"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("send_back"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("verify_batch")),
    st.tuples(st.just("import"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 12)),
    st.tuples(
        st.just("target"), st.integers(0, 2), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 12))
    ),
    st.tuples(st.just("tolerance"), st.integers(0, 2), st.one_of(st.none(), st.integers(0, 4))),
    st.tuples(st.just("definition"), st.integers(0, 2), st.sampled_from(list(Polarity.values))),
)


class MaintainedStatesMatchRebuiltStates(TestCase):
    def setUp(self):
        self.strategy = factories.StrategyFactory(is_current=True)
        objective = factories.ObjectiveFactory(strategy=self.strategy, number=2)
        self.agency = factories.OrganisationFactory(key="agency")
        self.officer = factories.UserFactory(username="olivia", roles=[Role.OFFICER])
        self.contributor = factories.UserFactory(
            username="connor", roles=[Role.CONTRIBUTOR], organisation=self.agency
        )
        self.indicators = [
            factories.IndicatorFactory(
                objective=objective, position=1, owner=self.agency, frequency=Frequency.QUARTERLY
            ),
            factories.IndicatorFactory(
                objective=objective,
                position=2,
                owner=self.agency,
                frequency=Frequency.MONTHLY,
                polarity=Polarity.LOWER_IS_BETTER,
                counts_children=True,
            ),
            factories.IndicatorFactory(
                objective=objective,
                position=3,
                owner=self.agency,
                frequency=Frequency.ANNUAL,
                unit=Unit.COUNT,
            ),
        ]
        factories.IndicatorFactory(
            objective=objective,
            position=4,
            owner=None,
            frequency=Frequency.HALF_YEARLY,
            computation=Computation.CONTRIBUTING_ORGANISATIONS,
        )

    def figure(self, which: int, back: int) -> Figure | None:
        indicator = self.indicators[which]
        period = recent(indicator.frequency, back)
        return Figure.objects.filter(
            indicator=indicator, frequency=period.frequency, period_start=period.start
        ).first()

    def apply(self, write) -> None:
        kind, *args = write
        if kind == "save":
            which, back, value, submit, by_officer = args
            indicator = PerformanceIndicator.objects.get(pk=self.indicators[which].pk)
            existing = self.figure(which, back)
            figure_save(
                indicator=indicator,
                period=recent(indicator.frequency, back),
                user=self.officer if by_officer else self.contributor,
                values={"value": D(value)},
                expected_version=existing.version if existing else None,
                submit=submit,
            )
        elif kind in ("submit", "verify", "send_back"):
            figure = self.figure(*args)
            if figure is None:
                return
            to_status = {"submit": "submitted", "verify": "verified", "send_back": "returned"}[kind]
            figure_transition(
                figure_id=figure.pk,
                user=self.contributor if kind == "submit" else self.officer,
                to_status=to_status,
                expected_version=figure.version,
                reason="Check the total",
            )
        elif kind == "verify_batch":
            submitted = Figure.objects.filter(status=Figure.Status.SUBMITTED)
            figures_verify(user=self.officer, versions={figure.pk: figure.version for figure in submitted})
        elif kind == "import":
            which, back, value = args
            indicator = self.indicators[which]
            code = recent(indicator.frequency, back).code
            content = f"indicator,period,value\n{indicator.reference},{code},{value}\n".encode()
            commit_import(name="figures.csv", content=content, user=self.contributor, submit=True)
        elif kind == "target":
            which, back, value = args
            indicator = PerformanceIndicator.objects.get(pk=self.indicators[which].pk)
            targets_set(
                indicator=indicator,
                targets={recent(indicator.frequency, back): None if value is None else D(value)},
                amber_tolerance=indicator.amber_tolerance,
            )
        elif kind == "tolerance":
            which, tolerance = args
            indicator = PerformanceIndicator.objects.get(pk=self.indicators[which].pk)
            targets_set(
                indicator=indicator,
                targets={},
                amber_tolerance=None if tolerance is None else D(tolerance),
            )
        elif kind == "definition":
            which, polarity = args
            indicator = PerformanceIndicator.objects.get(pk=self.indicators[which].pk)
            indicator.polarity = polarity
            request = RequestFactory().post("/admin/")
            request.user = self.officer
            site._registry[PerformanceIndicator].save_model(request, indicator, form=None, change=True)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.lists(writes, min_size=1, max_size=15))
    def test_every_write_keeps_the_state_a_rebuild_would_make(self, sequence):
        for step, write in enumerate(sequence):
            try:
                with transaction.atomic():
                    self.apply(write)
            except FAILURES:
                pass  # a refused write changes nothing, and the state must still match
            rebuilt, maintained = maintained_and_rebuilt()
            found = differences(rebuilt, maintained)
            assert not found, f"after step {step} {write}: " + "; ".join(found)


@pytest.fixture
def overdue_tomorrow(db, settings):
    """A quarterly indicator whose latest quarter's figure falls due today."""
    settings.FIGURE_DUE_DAYS = 0
    strategy = factories.StrategyFactory(is_current=True)
    indicator = factories.IndicatorFactory(objective=factories.ObjectiveFactory(strategy=strategy))
    return indicator


def test_the_nightly_job_brings_in_what_the_calendar_changes(overdue_tomorrow):
    indicator = overdue_tomorrow
    quarter = last_ended_period(Frequency.QUARTERLY)
    factories.FigureFactory(
        indicator=indicator,
        period_start=quarter.previous().start,
        status=Figure.Status.VERIFIED,
        verified_at=timezone.now(),
    )
    # Worked out on the quarter's last day, the quarter before's figure was the one wanted.
    indicator_state_refresh(indicator_ids=[indicator.pk], today=quarter.end)
    assert IndicatorState.objects.get(pk=indicator.pk).timeliness == "On time"

    call_command("refresh_indicator_states")

    state = IndicatorState.objects.get(pk=indicator.pk)
    assert state.as_of == timezone.localdate()
    assert state.timeliness == "Overdue"
    assert state.is_overdue


def test_a_page_never_shows_a_state_from_an_earlier_day(overdue_tomorrow):
    indicator = overdue_tomorrow
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    IndicatorState.objects.create(
        indicator=indicator,
        as_of=yesterday,
        rag="no_data",
        performance="no_data",
        timeliness="Due in 3 days",
        trend_from_previous="not_comparable",
        trend_from_year_earlier="not_comparable",
    )

    states = indicator_states([indicator])

    assert states[indicator.pk].as_of == timezone.localdate()
    assert states[indicator.pk].timeliness == "Overdue"


def test_states_worked_out_for_an_earlier_day_do_not_replace_todays(overdue_tomorrow, officer):
    from indicators.worklists import chasing_by_organisation

    indicator = overdue_tomorrow
    indicator.owner = factories.OrganisationFactory(name="Connexions Portsmouth", key="connexions")
    indicator.save()
    today = timezone.localdate()
    quarter = last_ended_period(Frequency.QUARTERLY)
    indicator_states([indicator])
    assert IndicatorState.objects.get(pk=indicator.pk).as_of == today

    # The chasing list (and a reminder) worked out for an earlier day, the quarter's last.
    earlier = indicator_states([indicator], today=quarter.end)
    assert earlier[indicator.pk].as_of == quarter.end
    [chasing] = chasing_by_organisation(indicator.objective.strategy, user=officer, today=quarter.end)
    assert chasing.today == quarter.end

    state = IndicatorState.objects.get(pk=indicator.pk)
    assert state.as_of == today
    assert state.timeliness == "Overdue"


def test_the_beat_job_is_scheduled_just_after_midnight(settings):
    job = settings.CELERY_BEAT_SCHEDULE["refresh-indicator-states"]
    assert job["task"] == "indicators.tasks.refresh_indicator_states"
    assert job["schedule"].hour == {0}


def test_a_state_worked_out_with_another_due_period_is_worked_out_again(overdue_tomorrow, settings):
    indicator = overdue_tomorrow
    assert indicator_states([indicator])[indicator.pk].timeliness == "Overdue"  # due the day the quarter ends
    settings.FIGURE_DUE_DAYS = 400

    assert indicator_states([indicator])[indicator.pk].timeliness.startswith("Due in ")
