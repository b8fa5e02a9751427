"""Jobs a change implies, written in the same transaction as the change.

A job row outlives a broker outage or a lost message: the reconciler on beat
queues whatever is due and not done. This app imports no other app of the
portal; the apps name their Celery tasks here.
"""

from django.db import models
from django.utils import timezone


class OutboxJobQuerySet(models.QuerySet):
    def for_task(self, task: str, **arguments):
        jobs = self.filter(task=task)
        for name, value in arguments.items():
            jobs = jobs.filter(**{f"arguments__{name}": value})
        return jobs

    def waiting(self):
        """Not done yet: still to be queued, queued, running or waiting to try again."""
        return self.filter(state__in=[OutboxJob.State.PENDING, OutboxJob.State.RUNNING])


class OutboxJob(models.Model):
    """One run of a Celery task, with its arguments, its due time and how it went."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to run"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    task = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxJobQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="outbox_job_state_due")]

    def __str__(self):
        return f"{self.task} ({self.get_state_display().lower()})"
