"""Certificate tasks: small, idempotent, safe to run twice."""

import gc

from celery import shared_task
from celery.signals import worker_before_create_process

from certificates import services


@worker_before_create_process.connect
def _share_with_children(**kwargs) -> None:
    """In a prefork worker's main process, just before it forks a child: load WeasyPrint, its fonts and the
    certificate stylesheet once here, so that every child inherits them as shared pages instead of building its
    own copy, and freeze the objects collected so far so the children's garbage collector does not touch (and
    thereby copy) those pages. Measured with bench/certificates.py (see bench/README.md)."""
    from certificates.pdf import weasy_preload

    weasy_preload()
    gc.collect()
    gc.freeze()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(OSError,), retry_backoff=10,
             retry_backoff_max=600, retry_jitter=True, max_retries=8)
def certificate_render(self, certificate_id: int) -> str:
    """Render and store one certificate's PDF (nothing happens if it is already valid)."""
    certificate = services.certificate_render(certificate_id=certificate_id)
    return certificate.status if certificate else "missing"


@shared_task
def certificate_sweep() -> int:
    """Periodic: issue certificates that completion should have produced but did not (broker or worker down)."""
    return services.certificate_sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def certificate_job_run(job_id: int) -> str:
    """Run one bulk job (issue missing, regenerate, ZIP)."""
    from certificates.bulk import job_run

    return job_run(job_id=job_id).status


@shared_task
def certificate_job_sweep() -> int:
    """Queue again certificate jobs still waiting ten minutes after they were requested (broker down then)."""
    from certificates.bulk import job_sweep

    return job_sweep()
