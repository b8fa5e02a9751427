"""Reminders to contributors about overdue figures."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail

from config.celery import app as celery_app
from indicators.choices import Frequency
from indicators.models import Figure, Reminder
from indicators.reminders import overdue_reminders_send
from indicators.tasks import send_overdue_reminders

from . import factories
from .factories import last_ended_period


@pytest.fixture
def owed_indicator(contributor, settings):
    settings.FIGURE_DUE_DAYS = 0
    return factories.IndicatorFactory(
        title="Young people in education, employment or training",
        owner=contributor.organisation,
        frequency=Frequency.QUARTERLY,
    )


def test_a_contributor_is_reminded_once_per_overdue_period(contributor, owed_indicator):
    assert overdue_reminders_send() == 1
    [email] = mail.outbox
    assert email.to == [contributor.email]
    assert "Young people in education, employment or training" in email.body
    assert last_ended_period(Frequency.QUARTERLY).label in email.body
    assert email.alternatives and email.alternatives[0][1] == "text/html"
    assert overdue_reminders_send() == 0  # a repeated run sends nothing more
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().recipient == contributor


def test_nobody_is_reminded_about_a_submitted_figure(contributor, owed_indicator):
    factories.FigureFactory(indicator=owed_indicator, status=Figure.Status.SUBMITTED)
    assert overdue_reminders_send() == 0
    assert mail.outbox == []


def test_other_organisations_are_not_reminded_about_it(other_contributor, owed_indicator):
    overdue_reminders_send()
    assert all(other_contributor.email not in email.to for email in mail.outbox)


def test_the_job_runs_daily_from_celery_beat(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["overdue-figure-reminders"]
    assert schedule["task"] == send_overdue_reminders.name


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once(contributor, owed_indicator, redis_url):
    finished = []

    def count_finished(sender=None, **kwargs):
        finished.append(sender.name)

    task_postrun.connect(count_finished, weak=False)
    celery_app.control.purge()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            send_overdue_reminders.delay()
            send_overdue_reminders.delay()  # a repeated delivery of the same job
            deadline = time.monotonic() + 30
            while len(finished) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        task_postrun.disconnect(count_finished)
    assert finished == [send_overdue_reminders.name] * 2
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1
