"""Writing, queuing and running the jobs of the outbox."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .errors import BROKER_ERRORS, is_transient, plain_reason
from .models import OutboxJob

logger = logging.getLogger(__name__)


def job_schedule(*, task: str, arguments: dict, due_at: datetime.datetime | None = None) -> OutboxJob:
    """Record a job in the caller's transaction, and queue it once that transaction commits.

    If the broker is away at that moment the row stays pending, and the reconciler
    queues it when the broker is back: a change never loses the work it implies.
    """
    job = OutboxJob(task=task, arguments=arguments, due_at=due_at or timezone.now())
    job.full_clean()
    job.save()
    if job.due_at <= timezone.now():
        transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


def job_enqueue(*, job_id: int) -> bool:
    """Hand a job to the broker. False (and the job left for the reconciler) if it is away."""
    from .tasks import run_outbox_job

    try:
        run_outbox_job.apply_async(kwargs={"job_id": job_id}, retry=False)
    except BROKER_ERRORS as error:
        logger.warning("Could not queue outbox job %s, the reconciler will: %s", job_id, type(error).__name__)
        return False
    OutboxJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    return True


def _stale_after() -> datetime.timedelta:
    """A running job older than the hard time limit has lost its worker."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)


def _backoff(attempts: int) -> datetime.timedelta:
    seconds = settings.OUTBOX_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 3600))


def job_run(*, job_id: int) -> str:
    """Run a job once it is due, unless it is done or another worker is running it.

    A transient failure (database, broker or mail service away) puts it back with a
    growing wait until ``OUTBOX_MAX_ATTEMPTS``; any other failure marks it failed.
    Returns the job's state afterwards.
    """
    now = timezone.now()
    with transaction.atomic():
        job = OutboxJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return "missing"
        if job.state in (OutboxJob.State.DONE, OutboxJob.State.FAILED) or job.due_at > now:
            return job.state
        if job.state == OutboxJob.State.RUNNING and job.started_at and job.started_at > now - _stale_after():
            return job.state
        job.state = OutboxJob.State.RUNNING
        job.attempts += 1
        job.started_at = now
        job.save(update_fields=["state", "attempts", "started_at"])
    try:
        import_string(job.task).run(**job.arguments)
    except Exception as error:
        retry = is_transient(error) and job.attempts < settings.OUTBOX_MAX_ATTEMPTS
        logger.warning(
            "Outbox job %s (%s) failed on attempt %s%s: %s",
            job.pk,
            job.task,
            job.attempts,
            ", will try again" if retry else "",
            type(error).__name__,
        )
        OutboxJob.objects.filter(pk=job.pk).update(
            state=OutboxJob.State.PENDING if retry else OutboxJob.State.FAILED,
            due_at=timezone.now() + _backoff(job.attempts) if retry else F("due_at"),
            last_error=plain_reason(error),
            finished_at=None if retry else timezone.now(),
        )
        return OutboxJob.State.PENDING if retry else OutboxJob.State.FAILED
    OutboxJob.objects.filter(pk=job.pk).update(state=OutboxJob.State.DONE, finished_at=timezone.now())
    return OutboxJob.State.DONE


def jobs_reconcile(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue every job that is due and not done: never queued (the broker was away), queued
    long ago and not started (the message was lost), due again after a failure, or running
    on a worker that died. Acts on the rows, not on the time of the tick, so a tick missed
    during an outage is caught up by the next one. Returns the jobs queued."""
    now = now or timezone.now()
    requeue_before = now - datetime.timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    due = OutboxJob.objects.filter(
        Q(state=OutboxJob.State.PENDING, due_at__lte=now)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("due_at")) | Q(enqueued_at__lt=requeue_before))
        | Q(state=OutboxJob.State.RUNNING, started_at__lt=now - _stale_after())
    ).order_by("due_at", "pk")
    queued = []
    for job_id in due.values_list("pk", flat=True)[:500]:
        if not job_enqueue(job_id=job_id):
            break  # the broker is away: the next tick tries again
        queued.append(job_id)
    return queued
