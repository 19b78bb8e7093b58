"""Celery tasks of bulk enrolment: thin wrappers that take a job id; the status field makes reruns harmless."""

from celery import shared_task

from enrolments import bulk


@shared_task(soft_time_limit=600, time_limit=660)
def bulk_enrolment_validate(job_id: int) -> str:
    """Validate an uploaded bulk enrolment file (does nothing once the job is validated)."""
    return bulk.bulk_job_validate(job_id=job_id).status


@shared_task(soft_time_limit=1200, time_limit=1260)
def bulk_enrolment_apply(job_id: int) -> str:
    """Apply a validated bulk enrolment job, all rows or none (does nothing unless the job is 'applying')."""
    return bulk.bulk_job_apply(job_id=job_id).status


@shared_task
def bulk_enrolment_sweep() -> int:
    """Queue again bulk enrolment jobs whose task was never queued (broker down at upload or apply time)."""
    return bulk.bulk_job_sweep()
