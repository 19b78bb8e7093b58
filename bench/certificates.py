#!/usr/bin/env python
"""Issue certificates through the real pipeline (Celery worker, PostgreSQL, file storage) and compare with bare
WeasyPrint renders of the same HTML.

Creates (if missing) and migrates a PostgreSQL database (default `bench_certs`), seeds one certificate template,
one course and N learners with completed enrolments, creates their N pending certificates with
certificate_request, then, in one run:

1. per-certificate median: a `celery worker --concurrency=1` renders all N (each task timed inside the worker,
   task_prerun to task_postrun) vs N bare renders in this process with one FontConfiguration and stylesheet;
2. total wall time: a `celery worker --concurrency=2 --pool=prefork` renders all N vs multiprocessing.Pool(2)
   rendering the same N HTML documents (each process reusing its FontConfiguration and stylesheet);
3. the worker's peak memory (RSS and PSS of the main process and its children, sampled from /proc) and how its
   children grow, for worker_max_tasks_per_child.

Both comparisons run in interleaved rounds (a quarter of the certificates through the worker, the same quarter
bare, and so on) so that noise from a shared machine hits both sides alike; both start warm (the first task of
a fresh worker process, seconds of imports and font set-up, is reported apart).

Run from the project root: .venv/bin/python bench/certificates.py [--count 1000]. See bench/README.md.
Exits non-zero on errors (setup failure, a task that failed, a certificate left pending or without its PDF),
never because a figure misses its target.

The worker imports this module (`celery worker -I bench.certificates`) to time its tasks: with
BENCH_CERTS_PROBE_DIR set, importing it connects task_prerun/task_postrun handlers that append one line per task
to a file per process. Nothing else runs at import.
"""

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `bench`, `elearn` and the apps importable

from bench.common import (  # noqa: E402
    BenchError,
    database_name,
    describe_machine,
    interrupt,
    ms,
    percentile,
    run_manage,
    setup_django,
    verdict,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_certs"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"
SETTINGS_MODULE = "bench.certificates_settings"
PROBE_ENV = "BENCH_CERTS_PROBE_DIR"
RENDER_TASK = "certificates.tasks.certificate_render"
EMAIL_TASK = "core.tasks.email_send"
TARGET_MEDIAN_RATIO = 1.25
TARGET_WALL_RATIO = 1.3
TARGET_MEMORY_MB = 300
EMAIL_DOMAIN = "bench.invalid"


# --- Worker-side probe ------------------------------------------------------------------------------------


def rss_kb(pid: int | str = "self") -> int:
    """Resident set size of a process, in KiB (0 when it is gone)."""
    return _status_kb(pid, "VmRSS:")


def _status_kb(pid, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def install_probe(directory: Path) -> None:
    """Time every task in this worker (prerun to postrun, i.e. what the task itself costs, without queueing) and
    append `name state seconds end_epoch rss_kb` to tasks-<pid>.tsv; touch `ready` when the worker is ready."""
    from celery.signals import task_postrun, task_prerun, worker_ready

    started: dict[str, float] = {}

    def prerun(task_id=None, **kwargs):
        started[task_id] = time.perf_counter()

    def postrun(task_id=None, task=None, state=None, **kwargs):
        began = started.pop(task_id, None)
        if began is None:
            return
        elapsed = time.perf_counter() - began
        with open(directory / f"tasks-{os.getpid()}.tsv", "a") as out:
            out.write(f"{task.name}\t{state}\t{elapsed:.6f}\t{time.time():.6f}\t{rss_kb()}\n")

    def ready(**kwargs):
        (directory / "ready").touch()

    task_prerun.connect(prerun, weak=False)
    task_postrun.connect(postrun, weak=False)
    worker_ready.connect(ready, weak=False)


if __name__ != "__main__" and os.environ.get(PROBE_ENV):
    install_probe(Path(os.environ[PROBE_ENV]))


@dataclass
class TaskRecord:
    pid: int
    name: str
    state: str
    seconds: float
    ended: float
    rss_kb: int


def read_probe(directory: Path) -> list[TaskRecord]:
    records = []
    for path in directory.glob("tasks-*.tsv"):
        pid = int(path.stem.split("-")[1])
        for line in path.read_text().splitlines():
            name, state, seconds, ended, rss = line.split("\t")
            records.append(TaskRecord(pid, name, state, float(seconds), float(ended), int(rss)))
    return records


# --- Options and environment ------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="certificates to issue")
    parser.add_argument("--rounds", type=int, default=4,
                        help="interleaved rounds (pipeline, then bare) the certificates are split into")
    parser.add_argument("--processes", type=int, default=2,
                        help="worker processes (celery --concurrency) and bare pool size for the wall-time phase")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_CERTS_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help="PostgreSQL database, created if missing (its name must contain 'bench'); its "
                             "certificates, enrolments and bench learners are DELETED at start. "
                             "env BENCH_CERTS_DATABASE_URL; DATABASE_URL is deliberately ignored.")
    parser.add_argument("--broker-url", default=os.environ.get("BENCH_CERTS_BROKER_URL", DEFAULT_BROKER_URL),
                        help="Redis database for the Celery broker; FLUSHED at start; env BENCH_CERTS_BROKER_URL")
    args = parser.parse_args(argv)
    if args.processes < 1 or args.rounds < 1 or args.count < 2 * args.rounds:
        parser.error("--processes and --rounds must be positive, --count at least twice --rounds")
    if "bench" not in database_name(args.database_url):
        parser.error(f"refusing to use database {database_name(args.database_url)!r}: the benchmark deletes rows "
                     "in it, so its name must contain 'bench'")
    return args


def child_env(args, *, storage: Path, probe: Path | None = None) -> dict:
    """Environment of manage.py, the worker and this process's own Django."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_ENV", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_DEBUG",
                        "EMAIL_URL", PROBE_ENV}}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        BENCH_CERTS_DATABASE_URL=args.database_url,
        BENCH_CERTS_BROKER_URL=args.broker_url,
        BENCH_CERTS_STORAGE=str(storage),
        PYTHONUNBUFFERED="1",
    )
    if probe is not None:
        env[PROBE_ENV] = str(probe)
    return env


# --- Database, broker and seed data -----------------------------------------------------------------------


def ensure_database(database_url: str) -> bool:
    """Create the database if missing; True when it was created."""
    import psycopg
    from psycopg import sql

    name = database_name(database_url)
    admin_url = urlsplit(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def flush_broker(broker_url: str) -> None:
    """Tasks left by an interrupted run would be consumed by this run's worker: start from an empty queue."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        client.flushdb()
    finally:
        client.close()


FIRST_NAMES = ["Ana María", "José Luis", "Guadalupe", "Jean-Baptiste", "Marie-Claire", "Sarah", "Nicolás",
               "Dayana", "Wilfredo", "Ingrid"]
LAST_NAMES = ["Pérez González", "Hernández", "Ramírez de León", "Baptiste", "Thompson", "Nuñez Ávila",
              "Castillo", "Morales", "Saint-Fleur", "Quiñónez"]
COUNTRIES = ["BZ", "CA", "CR", "SV", "US", "GT", "HN", "MX", "NI", "PA", "DO"]
LANGUAGES = ["es", "es", "en", "fr"]  # learners' preferred languages: the certificate is written in it


def seed(count: int) -> list[int]:
    """One template (two signatories), one course using it, `count` learners who completed it and their pending
    certificates (through certificate_request, as course completion does). Removes the previous run's rows."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from certificates.models import Certificate, CertificateSignatory, CertificateTemplate
    from certificates.services import certificate_request
    from courses.models import CatalogPage, CoursePage
    from crm.models import ActionPlanLine
    from enrolments.models import Enrollment
    from home.models import HomePage

    with transaction.atomic():
        Certificate.objects.all().delete()
        Enrollment.objects.all().delete()
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()

        template, created = CertificateTemplate.objects.get_or_create(name="Bench: constancia CRM")
        if created:
            CertificateSignatory.objects.create(template=template, name="María Fernanda López",
                                                position="Secretaria Técnica de la CRM", sort_order=0)
            CertificateSignatory.objects.create(template=template, name="Jorge Alvarado",
                                                position="Presidencia Pro Tempore", sort_order=1)
        course = CoursePage.objects.filter(slug="bench-certificados").first()
        if course is None:
            home = HomePage.objects.get(locale__language_code="es")
            catalog = CatalogPage.objects.child_of(home).filter(slug="bench-cursos").first()
            if catalog is None:
                catalog = home.add_child(instance=CatalogPage(title="Cursos (bench)", slug="bench-cursos"))
                catalog.save_revision().publish()
            course = catalog.add_child(instance=CoursePage(
                title="Identificación y protección de víctimas de trata de personas en fronteras",
                slug="bench-certificados", summary="Curso para el benchmark de constancias.",
                estimated_hours=Decimal("12.5"), action_plan_line=ActionPlanLine.objects.order_by("pk").first(),
                certificate_template=template))
            course.save_revision().publish()

        users = User.objects.bulk_create([
            User(email=f"learner{i:05d}@{EMAIL_DOMAIN}", password="!",  # noqa: S106 - unusable password
                 full_name=f"{FIRST_NAMES[i % 10]} {LAST_NAMES[(i // 10) % 10]}",
                 country=COUNTRIES[i % len(COUNTRIES)], preferred_language=LANGUAGES[i % len(LANGUAGES)])
            for i in range(count)])
        now = timezone.now()
        enrollments = Enrollment.objects.bulk_create([
            Enrollment(user=user, course=course, course_key=course.translation_key, country=user.country,
                       status=Enrollment.Status.COMPLETED, activated_at=now, completed_at=now)
            for user in users])
    pks = []
    for enrollment in enrollments:
        certificate = certificate_request(enrollment_id=enrollment.pk)
        if certificate is None or certificate.status != Certificate.Status.PENDING:
            raise BenchError(f"certificate_request gave {certificate!r} for enrolment {enrollment.pk}")
        pks.append(certificate.pk)
    return pks


def reset_certificates(pks: list[int], storage: Path) -> None:
    """Back to pending, PDFs removed: the next phase issues the same certificates again."""
    from certificates.models import Certificate

    Certificate.objects.filter(pk__in=pks).update(status=Certificate.Status.PENDING, pdf="", pdf_sha256="",
                                                  rendered_at=None)
    for child in storage.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()


def certificate_documents(pks: list[int]) -> list[str]:
    """The HTML the worker renders for each certificate (certificates.pdf.certificate_html)."""
    from certificates.models import Certificate
    from certificates.pdf import certificate_html

    certificates = Certificate.objects.filter(pk__in=pks).select_related("template", "course").order_by("pk")
    return [certificate_html(certificate) for certificate in certificates]


def check_issued(pks: list[int], storage: Path) -> None:
    """Every certificate valid, with a PDF in storage whose SHA-256 is the recorded one."""
    import hashlib

    from certificates.models import Certificate

    rows = list(Certificate.objects.filter(pk__in=pks).values_list("status", "pdf", "pdf_sha256"))
    not_valid = sum(1 for status, _, _ in rows if status != Certificate.Status.VALID)
    if not_valid or len(rows) != len(pks):
        raise BenchError(f"{not_valid + len(pks) - len(rows)} of {len(pks)} certificates are not valid")
    missing = [name for _, name, _ in rows if not name or not (storage / name).is_file()]
    if missing:
        raise BenchError(f"{len(missing)} valid certificates have no PDF in storage (first: {missing[0]!r})")
    for _status, name, digest in rows[:: max(1, len(rows) // 20)]:
        data = (storage / name).read_bytes()
        if not data.startswith(b"%PDF") or hashlib.sha256(data).hexdigest() != digest:
            raise BenchError(f"{name}: not a PDF or its SHA-256 differs from the recorded one")


# --- Memory sampling --------------------------------------------------------------------------------------


def descendants(root: int) -> list[int]:
    """PIDs of all descendants of `root` (from /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (the prefork children share the parent's) counted once in a sum."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class MemoryPeak:
    rss_sum_kb: int = 0
    pss_sum_kb: int = 0
    rss_kb: dict = field(default_factory=dict)  # peak RSS per pid
    pss_kb: dict = field(default_factory=dict)  # peak PSS per pid
    hwm_kb: dict = field(default_factory=dict)  # VmHWM (the kernel's own peak RSS) per pid
    samples: int = 0


class MemorySampler:
    """Samples RSS and PSS of a set of processes every `interval` seconds in a thread."""

    def __init__(self, pids, interval: float = 0.2):
        self.pids = pids  # callable returning the PIDs to sample
        self.interval = interval
        self.peak = MemoryPeak()
        self._seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        # Only processes already there at the previous sample: a subprocess call (Python's platform module runs
        # `uname`) forks a short-lived copy of the worker whose RSS would count the whole parent once more.
        current = set(self.pids())
        pids, self._seen = current & self._seen, current
        rss = {pid: rss_kb(pid) for pid in pids}
        pss = {pid: pss_kb(pid) for pid in pids}
        peak = self.peak
        peak.rss_sum_kb = max(peak.rss_sum_kb, sum(rss.values()))
        peak.pss_sum_kb = max(peak.pss_sum_kb, sum(pss.values()))
        for pid in pids:
            if rss[pid]:
                peak.rss_kb[pid] = max(peak.rss_kb.get(pid, 0), rss[pid])
                peak.pss_kb[pid] = max(peak.pss_kb.get(pid, 0), pss[pid])
                peak.hwm_kb[pid] = max(peak.hwm_kb.get(pid, 0), _status_kb(pid, "VmHWM:"))
        peak.samples += 1

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
            self.sample()  # last look, before the processes go away


# --- Celery worker --------------------------------------------------------------------------------------


class Worker:
    """`celery -A elearn worker --pool=prefork` with the bench settings and the probe, in its own process group."""

    def __init__(self, env: dict, concurrency: int, log_path: Path, probe: Path):
        self.env = env
        self.concurrency = concurrency
        self.log_path = log_path
        self.probe = probe
        self.proc = None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "elearn", "worker", "--pool=prefork",
                   f"--concurrency={self.concurrency}", "-I", "bench.certificates", "--without-gossip",
                   "--without-mingle", "--without-heartbeat", "-l", "WARNING", "-n", f"bench-certs-{os.getpid()}@%h"]
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,  # noqa: S603
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while not (self.probe / "ready").exists():
            if self.proc.poll() is not None:
                raise BenchError(f"the worker exited with status {self.proc.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise BenchError(f"the worker was not ready within 90 s:\n{self.log_tail()}")
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        self.proc.terminate()  # warm shutdown: finishes the task in hand, then the pool exits
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script created for the worker
            self.proc.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no worker log)"


class Pipeline:
    """A running worker with the probe: queue batches of certificates and time them from the worker's side."""

    def __init__(self, env: dict, *, concurrency: int, work: Path):
        self.concurrency = concurrency
        self.probe = work / f"probe-c{concurrency}"
        self.probe.mkdir()
        self.worker = Worker({**env, PROBE_ENV: str(self.probe)}, concurrency, work / f"worker-c{concurrency}.log",
                             self.probe)
        self.sampler = None
        self.children = 0
        self.batch_walls: list[float] = []
        self.drained_walls: list[float] = []

    def __enter__(self):
        self.worker.start()
        root = self.worker.proc.pid
        self.children = len(descendants(root))
        self.sampler = MemorySampler(lambda: [root, *descendants(root)]).__enter__()
        return self

    def __exit__(self, *exc):
        if self.sampler is not None:
            self.sampler.stop()
        self.worker.stop()

    def records(self, name: str | None = None) -> list[TaskRecord]:
        return [r for r in read_probe(self.probe) if name is None or r.name == name]

    def issue(self, pks: list[int]) -> tuple[float, float]:
        """Queue certificate_render for each pk; wait until all are valid and their e-mail tasks have run.
        Returns (seconds from the first enqueue to the last render's end, ... to the last e-mail task's end)."""
        from certificates.models import Certificate
        from certificates.tasks import certificate_render

        emails_before = len(self.records(EMAIL_TASK))
        started = time.time()
        for pk in pks:
            certificate_render.delay(pk)
        deadline = time.monotonic() + 120 + 5 * len(pks) / self.concurrency
        pending = Certificate.objects.filter(pk__in=pks).exclude(status=Certificate.Status.VALID)
        while pending.exists():
            self._check(deadline, f"{pending.count()} certificates still pending")
            time.sleep(0.2)
        while len(self.records(EMAIL_TASK)) < emails_before + len(pks):
            self._check(deadline, "the certificate e-mail tasks did not all run")
            time.sleep(0.2)
        batch = [r for r in self.records() if r.ended >= started]
        failed = [r for r in batch if r.state != "SUCCESS"]
        if failed:
            raise BenchError(f"{len(failed)} tasks did not succeed (first: {failed[0]}):\n{self.worker.log_tail()}")
        renders = [r for r in batch if r.name == RENDER_TASK]
        if len(renders) != len(pks):
            raise BenchError(f"{len(renders)} certificate_render runs for {len(pks)} certificates")
        return max(r.ended for r in renders) - started, max(r.ended for r in batch) - started

    def _check(self, deadline: float, problem: str) -> None:
        if not self.worker.alive():
            raise BenchError(f"the worker died:\n{self.worker.log_tail()}")
        if time.monotonic() > deadline:
            raise BenchError(f"{problem} at the deadline:\n{self.worker.log_tail()}")

    def warm_up(self, pks: list[int]) -> list[TaskRecord]:
        """Render spare certificates until every child has rendered one (imports, fonts, stylesheet, database
        connection: a one-off per process, reported apart); returns those first renders."""
        spare = list(pks)
        while len({r.pid for r in self.records(RENDER_TASK)}) < self.children:
            if len(spare) < self.concurrency:
                raise BenchError("not enough spare certificates to warm up every worker process")
            batch, spare = spare[:self.concurrency], spare[self.concurrency:]
            self.issue(batch)
        first: dict[int, TaskRecord] = {}
        for record in sorted(self.records(RENDER_TASK), key=lambda r: r.ended):
            first.setdefault(record.pid, record)
        return list(first.values())

    def measure(self, pks: list[int]) -> None:
        wall, drained = self.issue(pks)
        self.batch_walls.append(wall)
        self.drained_walls.append(drained)


# --- Bare WeasyPrint ----------------------------------------------------------------------------------------

_bare = {}


def bare_setup() -> None:
    """FontConfiguration and stylesheet, once per process (what certificates.pdf._weasy does)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from certificates.pdf import STYLESHEET

    fonts = FontConfiguration()
    _bare["fonts"], _bare["css"] = fonts, CSS(filename=str(STYLESHEET), font_config=fonts)


def bare_render(html: str) -> int:
    from django.conf import settings
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return len(document.write_pdf(stylesheets=[_bare["css"]], font_config=_bare["fonts"]))


def bare_serial(documents: list[str]) -> list[float]:
    """Seconds per render, one after the other in this process."""
    if not _bare:
        bare_setup()
    times = []
    for html in documents:
        began = time.perf_counter()
        bare_render(html)
        times.append(time.perf_counter() - began)
    return times


def _pool_setup() -> None:
    """A pool process ends on terminate()'s SIGTERM, instead of running this script's Ctrl-C handler (which
    left it half-alive and the pool's join() waiting forever)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    bare_setup()


class BarePool:
    """multiprocessing.Pool(n), forked from this process (WeasyPrint already imported, like a warmed-up worker
    child); each process builds its FontConfiguration and stylesheet once, then renders one document per
    dispatch, as the worker takes one task at a time."""

    def __init__(self, processes: int):
        import multiprocessing

        from django.db import connections

        connections.close_all()  # the forked processes must not share this process's database connection
        self.pool = multiprocessing.get_context("fork").Pool(processes, initializer=_pool_setup)
        self.pool.map(bare_render, [], chunksize=1)
        self.sampler = MemorySampler(lambda: [process.pid for process in self.pool._pool]).__enter__()
        self.walls: list[float] = []

    def measure(self, documents: list[str]) -> None:
        began = time.perf_counter()
        for _size in self.pool.imap_unordered(bare_render, documents, chunksize=1):
            pass
        self.walls.append(time.perf_counter() - began)

    def close(self) -> None:
        self.sampler.stop()
        self.pool.terminate()
        self.pool.join()


# --- Report ---------------------------------------------------------------------------------------------


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def measured(records: list[TaskRecord], cold: list[TaskRecord]) -> list[TaskRecord]:
    return [r for r in records if r not in cold]


def report_median(serial: list[list[float]], single: Pipeline, cold: list[TaskRecord]) -> None:
    bare = statistics.median([t for chunk in serial for t in chunk])
    records = measured(single.records(RENDER_TASK), cold)
    task = [r.seconds for r in records]
    pipeline = statistics.median(task)
    ratio = pipeline / bare
    print(f"\nper-certificate median: pipeline {ms(pipeline)} vs bare render {ms(bare)} → ratio {ratio:.2f} "
          f"(target ≤ {TARGET_MEDIAN_RATIO:g})  {verdict(ratio <= TARGET_MEDIAN_RATIO)}")
    print(f"  pipeline = certificate_render in a --concurrency=1 prefork worker, task_prerun → task_postrun "
          f"(transaction, HTML, QR code, PDF, storage, e-mail queued), {len(task)} tasks; "
          f"p90 {ms(percentile(task, 0.9))}")
    print("  per round, pipeline / bare medians: " + ", ".join(
        f"{ms(statistics.median(p))} / {ms(statistics.median(b))}"
        for p, b in zip(_rounds(records, len(serial)), serial, strict=True)))
    per_cert_wall = sum(single.batch_walls) / len(task)
    print(f"  worker wall time per certificate at --concurrency=1 (adds broker round trip and ack between tasks): "
          f"{ms(per_cert_wall)} → {per_cert_wall / bare:.2f} × bare median")
    print(f"  first task of a fresh worker process (imports WeasyPrint, builds fonts, connects): "
          f"{ms(statistics.median(r.seconds for r in cold))}")
    emails = single.records(EMAIL_TASK)
    if emails:
        print(f"  certificate e-mail task (dummy delivery) median {ms(statistics.median(r.seconds for r in emails))}")


def _rounds(records: list[TaskRecord], rounds: int) -> list[list[float]]:
    ordered = sorted(records, key=lambda r: r.ended)
    size = -(-len(ordered) // rounds)
    return [[r.seconds for r in ordered[i:i + size]] for i in range(0, len(ordered), size)]


def report_wall(double: Pipeline, pool: BarePool, count: int, cold: list[TaskRecord]) -> None:
    pipeline, bare = sum(double.batch_walls), sum(pool.walls)
    ratio = pipeline / bare
    processes = double.concurrency
    print(f"\ntotal wall time, {count} certificates, {processes} processes: pipeline {pipeline:.1f} s vs "
          f"bare pool {bare:.1f} s → ratio {ratio:.2f} (target ≤ {TARGET_WALL_RATIO:g})  "
          f"{verdict(ratio <= TARGET_WALL_RATIO)}")
    print("  per round, pipeline / bare pool: " + ", ".join(
        f"{p:.1f} / {b:.1f} s" for p, b in zip(double.batch_walls, pool.walls, strict=True)))
    print(f"  pipeline = first certificate_render.delay() to the last render's end, warmed-up worker "
          f"(--pool=prefork --concurrency={processes}); until the {count} e-mail tasks that follow have run too: "
          f"{sum(double.drained_walls):.1f} s")
    task = statistics.median(r.seconds for r in measured(double.records(RENDER_TASK), cold))
    print(f"  task median in this phase {ms(task)}; a cold worker adds each process's first task once: "
          f"{' + '.join(ms(r.seconds) for r in cold)} of work before it is warm")


def report_memory(double: Pipeline, pool: BarePool, single: Pipeline, max_tasks_per_child) -> None:
    peak = double.sampler.peak
    print(f"\nworker peak memory (--concurrency={double.concurrency}, main + {double.children} children): "
          f"sum of RSS {mb(peak.rss_sum_kb)}, sum of PSS {mb(peak.pss_sum_kb)} "
          f"(target ≤ {TARGET_MEMORY_MB} MB, on the PSS sum)  {verdict(peak.pss_sum_kb <= TARGET_MEMORY_MB * 1024)}")
    root = double.worker.proc.pid
    per_process = ", ".join(f"{'main' if pid == root else 'child'} {mb(peak.rss_kb[pid])} RSS / "
                            f"{mb(peak.pss_kb.get(pid, 0))} PSS"
                            for pid in sorted(peak.rss_kb, key=lambda pid: pid != root))
    print(f"  peaks per process: {per_process}")
    print(f"  {peak.samples} samples every 0.2 s; the sum of each process's own peak (VmHWM) is "
          f"{mb(sum(peak.hwm_kb.values()))}; "
          "RSS counts the pages a child shares with the main process in every child, PSS splits them")
    single_peak = single.sampler.peak
    print(f"  --concurrency=1 worker: sum of RSS {mb(single_peak.rss_sum_kb)}, sum of PSS {mb(single_peak.pss_sum_kb)}")
    pool_peak = pool.sampler.peak
    print(f"  bare pool of {len(pool_peak.rss_kb)} (forked from this process, Django loaded): sum of RSS "
          f"{mb(pool_peak.rss_sum_kb)}, sum of PSS {mb(pool_peak.pss_sum_kb)}")

    print(f"\nworker_max_tasks_per_child: CELERY_WORKER_MAX_TASKS_PER_CHILD = {max_tasks_per_child!r}")
    by_pid: dict[int, list[TaskRecord]] = {}
    for record in sorted(double.records(RENDER_TASK), key=lambda r: r.ended):
        by_pid.setdefault(record.pid, []).append(record)
    growth = []
    for pid, records in sorted(by_pid.items()):
        warm = records[min(9, len(records) - 1)]  # after ten tasks: fonts, templates and connections are set up
        tail = records[-1]
        tasks = len(records) - 1 - records.index(warm)
        per_100 = (tail.rss_kb - warm.rss_kb) / tasks * 100 if tasks else 0.0
        growth.append(per_100)
        print(f"  child {pid}: {len(records)} renders, RSS after the first {mb(records[0].rss_kb)}, after the tenth "
              f"{mb(warm.rss_kb)}, after the last {mb(tail.rss_kb)} → {per_100 / 1024:+.2f} MB per 100 renders")
    tasks_per_render = len(double.records()) / len(double.records(RENDER_TASK))
    print(f"  suggestion: {suggest_max_tasks(max(growth), peak, double.children, tasks_per_render)}")


GROWTH_ALLOWANCE_KB = 50 * 1024  # how far a child may grow past its warmed-up size before it is replaced


def suggest_max_tasks(growth_per_100_kb: float, peak: MemoryPeak, children: int, tasks_per_render: float) -> str:
    """A tasks-per-child limit from the measured growth; a recycle costs one cold first task. The limit counts
    every task a child runs, the "certificate issued" e-mail tasks included."""
    headroom_kb = TARGET_MEMORY_MB * 1024 - peak.pss_sum_kb
    if growth_per_100_kb <= 100:  # under 1 MB per 1,000 tasks: no measurable leak
        return ("no measurable growth after warm-up; a limit only guards against leaks elsewhere, e.g. "
                "CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000")
    allowance = GROWTH_ALLOWANCE_KB if headroom_kb <= 0 else min(GROWTH_ALLOWANCE_KB, headroom_kb / children)
    renders = int(allowance / growth_per_100_kb * 100)
    tasks = int(renders * tasks_per_render)
    rounded = max(100, min(1000, 100 * (tasks // 100)))
    where = ("the worker is above the memory target before any growth, so recycling cannot bring it under; it "
             "only bounds the growth" if headroom_kb <= 0 else f"{headroom_kb // 1024} MB left under the target")
    return (f"children grow up to {growth_per_100_kb / 1024:.1f} MB per 100 renders after warm-up ({where}); "
            f"{allowance / 1024:.0f} MB of growth per child is ~{renders} renders, ~{tasks} tasks with the "
            f"e-mail tasks ({tasks_per_render:.1f} per certificate): "
            f"CELERY_WORKER_MAX_TASKS_PER_CHILD = {rounded}")


def chunks(items: list, count: int) -> list[list]:
    size = -(-len(items) // count)
    return [items[i:i + size] for i in range(0, len(items), size)]


# --- Main -----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    print(f"Campus CRM certificate benchmark — {args.count} certificates — {describe_machine()}", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="campus-bench-certs-") as tmp:
            work = Path(tmp)
            storage = work / "certificates"
            storage.mkdir()
            env = child_env(args, storage=storage)
            started = time.monotonic()
            created = ensure_database(args.database_url)
            run_manage(env, "migrate", "--no-input", "-v", "0")
            flush_broker(args.broker_url)
            print(f"Database {database_name(args.database_url)!r} {'created and ' if created else ''}migrated, "
                  f"broker {args.broker_url} flushed, in {time.monotonic() - started:.1f} s.", flush=True)
            setup_django(env)
            from django.conf import settings

            started = time.monotonic()
            spares = 3 * args.processes  # warm-up certificates, not measured
            all_pks = seed(args.count + spares)
            pks, spare_pks = all_pks[:args.count], all_pks[args.count:]
            documents = certificate_documents(pks)
            print(f"Seeded {len(all_pks)} learners, completed enrolments and pending certificates ({spares} for "
                  f"warm-up); built the HTML of {len(documents)} "
                  f"({statistics.mean(len(d) for d in documents) / 1024:.1f} KiB each) in "
                  f"{time.monotonic() - started:.1f} s.", flush=True)
            pk_rounds, document_rounds = chunks(pks, args.rounds), chunks(documents, args.rounds)

            print(f"\n[1/2] per certificate: worker --concurrency=1 vs bare renders in this process, "
                  f"{len(pk_rounds)} interleaved rounds ({describe_machine()})", flush=True)
            serial = []
            with Pipeline(env, concurrency=1, work=work) as single:
                cold = single.warm_up(spare_pks)
                bare_setup()
                for number, (round_pks, round_documents) in enumerate(zip(pk_rounds, document_rounds,
                                                                          strict=True), start=1):
                    single.measure(round_pks)
                    serial.append(bare_serial(round_documents))
                    print(f"  round {number}: pipeline {single.batch_walls[-1]:.1f} s, bare "
                          f"{sum(serial[-1]):.1f} s for {len(round_pks)}; load {os.getloadavg()[0]:.1f}", flush=True)

            reset_certificates(all_pks, storage)
            print(f"[2/2] wall time: worker --concurrency={args.processes} vs bare Pool({args.processes}), "
                  f"{len(pk_rounds)} interleaved rounds ({describe_machine()})", flush=True)
            pool = BarePool(args.processes)
            try:
                with Pipeline(env, concurrency=args.processes, work=work) as double:
                    cold_double = double.warm_up(spare_pks)
                    for number, (round_pks, round_documents) in enumerate(zip(pk_rounds, document_rounds,
                                                                              strict=True), start=1):
                        pool.measure(round_documents)
                        double.measure(round_pks)
                        print(f"  round {number}: pipeline {double.batch_walls[-1]:.1f} s, bare pool "
                              f"{pool.walls[-1]:.1f} s for {len(round_pks)}; load {os.getloadavg()[0]:.1f}",
                              flush=True)
            finally:
                pool.close()
            check_issued(pks, storage)

            report_median(serial, single, cold)
            report_wall(double, pool, args.count, cold_double)
            report_memory(double, pool, single, getattr(settings, "CELERY_WORKER_MAX_TASKS_PER_CHILD", None))
            print(f"\nMachine after the run: {describe_machine()}")
    except KeyboardInterrupt:
        print("\nInterrupted; worker stopped, temporary files removed.", file=sys.stderr)
        return 130
    except BenchError as exc:
        print(f"\nERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
