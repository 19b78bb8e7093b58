"""Fault drills that need real processes, run against PRIVATE services: this script starts its own redis-server
and PostgreSQL cluster on free ports (6391 and 5442 by default), breaks and restarts them, and removes them at
the end. The shared PostgreSQL at 5432 and Redis at 6379 are never touched.

Drills (`--only NAME`, repeatable):
  redis      Redis (broker and cache) stopped: pages and course completions are served; once Redis is back the
             certificate sweep issues the certificates whose tasks could not be queued.
  worker     a prefork pool child SIGKILLed mid-task, then the whole worker SIGKILLed with a short
             visibility_timeout: every task is redelivered and every certificate issued exactly once.
  postgres   `pg_ctl restart -m fast` under a running web process and worker: requests after the restart are
             answered without restarting either.
  disk       the certificate storage on a tiny, full tmpfs: renders fail cleanly (retry scheduled, no partial
             file), and succeed once space is freed. Needs root (mount); skipped otherwise.

Uses bench/faults_settings.py (production-like, DEBUG off, with the recommended fault settings). Requests go
through Django's test client in this process: a real web process's code path (middleware, sessions, cache,
ORM), without a server to manage. Exit status 0 when every drill passes, 1 otherwise, 130 when interrupted.
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `bench`, `elearn` and the apps importable

from bench.common import BenchError, describe_machine, interrupt, run_manage, setup_django  # noqa: E402

SETTINGS_MODULE = "bench.faults_settings"
PROBE_ENV = "FAULTS_PROBE_DIR"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
RENDER_TASK = "certificates.tasks.certificate_render"
DRILLS = ["redis", "worker", "postgres", "disk"]
EMAIL_DOMAIN = "faults.invalid"


# --- Worker-side probe: one line per task start and end, so the drill sees redeliveries ---------------------


def install_probe(directory: Path) -> None:
    from celery.signals import task_postrun, task_prerun, worker_ready

    def write(line: str) -> None:
        with open(directory / f"tasks-{os.getpid()}.tsv", "a") as out:
            out.write(line + "\n")

    def prerun(task_id=None, task=None, args=None, **kwargs):
        write(f"start\t{task_id}\t{task.name}\t{os.getpid()}\t{args}")

    def postrun(task_id=None, task=None, state=None, args=None, **kwargs):
        write(f"end\t{task_id}\t{task.name}\t{os.getpid()}\t{args}\t{state}")

    def ready(**kwargs):
        (directory / f"ready-{os.getpid()}").touch()

    task_prerun.connect(prerun, weak=False)
    task_postrun.connect(postrun, weak=False)
    worker_ready.connect(ready, weak=False)


if __name__ != "__main__" and os.environ.get(PROBE_ENV):
    install_probe(Path(os.environ[PROBE_ENV]))


def read_probe(directory: Path) -> list[list[str]]:
    return [line.split("\t") for path in directory.glob("tasks-*.tsv") for line in path.read_text().splitlines()]


# --- Private services ----------------------------------------------------------------------------------------


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"{what} within {timeout:.0f} s")
        time.sleep(0.2)


class PrivateRedis:
    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir, self.proc = port, workdir, None
        self.url = f"redis://127.0.0.1:{port}"

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        if self.answers():
            raise BenchError(f"something already answers on port {self.port}: choose another with --redis-port")
        command = [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port), "--bind",
                   "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # noqa: S603
                                     start_new_session=True)
        _wait(self.answers, 10, "the private redis-server did not answer")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


class PrivatePostgres:
    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.data = workdir / "pgdata"
        self.log = workdir / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{port}/faults"
        self.started = False

    def _pg(self, *command: str) -> None:
        result = subprocess.run(["runuser", "-u", "postgres", "--", *command],  # noqa: S603, S607
                                capture_output=True, text=True)
        if result.returncode:
            raise BenchError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")

    def init(self) -> None:
        self.data.mkdir()
        shutil.chown(self.data, "postgres", "postgres")
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        self._pg(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", action,
                 *extra)

    def start(self) -> None:
        self._ctl("start")
        self.started = True
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE faults")

    def restart(self) -> float:
        started = time.monotonic()
        self._ctl("restart", "-m", "fast")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(BenchError):
                self._ctl("stop", "-m", "immediate")
            self.started = False


class Worker:
    """`celery -A elearn worker --pool=prefork` with the probe, in its own process group."""

    def __init__(self, env: dict, log_path: Path, probe: Path, concurrency: int = 1):
        self.env, self.log_path, self.probe, self.concurrency = env, log_path, probe, concurrency
        self.proc = None

    def start(self) -> None:
        for ready in self.probe.glob("ready-*"):
            ready.unlink()
        command = [sys.executable, "-m", "celery", "-A", "elearn", "worker", "--pool=prefork",
                   f"--concurrency={self.concurrency}", "-I", "bench.faults", "--without-gossip", "--without-mingle",
                   "--without-heartbeat", "-l", "WARNING", "-n", f"faults-{time.monotonic_ns()}@%h"]
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,  # noqa: S603
                                         stderr=subprocess.STDOUT, start_new_session=True)
        _wait(lambda: any(self.probe.glob("ready-*")) or self.proc.poll() is not None, 90,
              "the worker was not ready")
        if self.proc.poll() is not None:
            raise BenchError(f"the worker exited:\n{self.log_path.read_text()[-3000:]}")

    def kill_all(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_all()


# --- Data ------------------------------------------------------------------------------------------------


def seed_course():
    """A certificate template, a published course using it with one module and one lesson."""
    from decimal import Decimal

    from certificates.models import CertificateSignatory, CertificateTemplate
    from courses.models import CatalogPage, CoursePage, LessonPage, ModulePage
    from crm.models import ActionPlanLine
    from home.models import HomePage

    template = CertificateTemplate.objects.create(name="Faults: constancia")
    CertificateSignatory.objects.create(template=template, name="Rosa Firmante", position="Secretaria Técnica",
                                        sort_order=0)
    home = HomePage.objects.get(locale__language_code="es")
    catalog = home.add_child(instance=CatalogPage(title="Cursos (drill)", slug="faults-cursos"))
    catalog.save_revision().publish()
    course = catalog.add_child(instance=CoursePage(
        title="Protección internacional", slug="faults-curso", summary="Curso del simulacro.",
        estimated_hours=Decimal("8"), action_plan_line=ActionPlanLine.objects.order_by("pk").first(),
        certificate_template=template))
    course.save_revision().publish()
    module = course.add_child(instance=ModulePage(title="Módulo", slug="modulo"))
    module.save_revision().publish()
    lesson = module.add_child(instance=LessonPage(title="Lección", slug="leccion", body=[("paragraph", "<p>T</p>")]))
    lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk), LessonPage.objects.get(pk=lesson.pk), CatalogPage.objects.get(
        pk=catalog.pk)


def learners(course, count: int, tag: str, *, completed: bool):
    from django.utils import timezone

    from accounts.models import User
    from enrolments.models import Enrollment

    users = User.objects.bulk_create([
        User(email=f"{tag}{i:03d}@{EMAIL_DOMAIN}", password="!", full_name=f"Oficial {tag} {i}",  # noqa: S106
             country="GT", preferred_language="es") for i in range(count)])
    status = Enrollment.Status.COMPLETED if completed else Enrollment.Status.ACTIVE
    Enrollment.objects.bulk_create([
        Enrollment(user=user, course=course, course_key=course.translation_key, country="GT", status=status,
                   activated_at=timezone.now(), completed_at=timezone.now() if completed else None)
        for user in users])
    return users


def pending_certificates(course, users) -> list[int]:
    from certificates.services import certificate_request
    from enrolments.models import Enrollment

    return [certificate_request(enrollment_id=e.pk).pk
            for e in Enrollment.objects.filter(course=course, user__in=users).order_by("pk")]


def certificate_counts(pks) -> dict:
    from django.db.models import Count

    from certificates.models import Certificate

    rows = Certificate.objects.filter(pk__in=pks).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def wait_valid(pks, timeout: float, worker: Worker | None = None) -> float:
    started = time.monotonic()

    def done():
        if worker is not None and worker.proc.poll() is not None:
            raise BenchError("the worker died")
        return certificate_counts(pks).get("valid", 0) == len(pks)

    _wait(done, timeout, f"not all {len(pks)} certificates were valid")
    return time.monotonic() - started


def outbox_count(outbox: Path, address: str) -> int:
    return sum(path.read_text(errors="replace").count(f"To: {address}") for path in outbox.glob("*.log"))


def pdf_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def exactly_once(pks, ctx) -> tuple[int, int, int]:
    """(valid certificates, PDF files beyond one per certificate, "issued" e-mails beyond one per certificate)."""
    from certificates.models import Certificate

    certificates = list(Certificate.objects.filter(pk__in=pks))
    files = {p.name for p in pdf_files(ctx.certificates)}
    extra_files = sum(1 for name in files if any(name.startswith(c.code) for c in certificates)) - len(
        certificates)
    outbox = "".join(path.read_text(errors="replace") for path in ctx.outbox.glob("*.log"))
    extra_mails = sum(max(0, outbox.count(f"/{c.code}/pdf/") - 1) for c in certificates)
    return sum(c.status == "valid" for c in certificates), extra_files, extra_mails


# --- Drills ----------------------------------------------------------------------------------------------


class Context:
    pass


def timed(call):
    started = time.monotonic()
    try:
        status = call().status_code
    except Exception as error:  # noqa: BLE001 - the test client re-raises what would be a 500
        status = f"500 ({type(error).__name__})"
    return status, time.monotonic() - started


def drill_redis(ctx) -> tuple[bool, str]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from certificates.models import Certificate
    from certificates.tasks import certificate_sweep

    users = learners(ctx.course, 5, "redis", completed=False)
    ctx.redis.stop()
    results = []
    anonymous = Client()
    for _ in range(5):
        results.append(timed(lambda: anonymous.get(ctx.catalog.url)))
        results.append(timed(lambda: anonymous.get("/")))
    for user in users:
        client = Client()
        client.force_login(user)
        results.append(timed(lambda c=client: c.post(reverse("enrolments:complete_lesson",
                                                              args=(ctx.lesson.pk,)))))
    results.append(timed(lambda: anonymous.post(reverse("account_reset_password"), {"email": users[0].email})))
    errors = [s for s, _ in results if not isinstance(s, int) or s >= 500]
    slowest = max(t for _, t in results)
    pks = list(Certificate.objects.filter(user__in=users).values_list("pk", flat=True))
    pending_while_down = certificate_counts(pks).get("pending", 0)
    mails_while_down = sum(outbox_count(ctx.outbox, u.email) for u in users)  # congratulations + reset, in-process

    ctx.redis.start()
    # The sweep leaves certificates younger than five minutes to their own task: pretend the beat's next run.
    Certificate.objects.filter(pk__in=pks).update(created_at=timezone.now() - timezone.timedelta(minutes=6))
    worker = Worker(ctx.env, ctx.workdir / "worker-redis.log", ctx.probe)
    worker.start()
    try:
        certificate_sweep.delay()
        seconds = wait_valid(pks, 120, worker)
    finally:
        worker.stop()
    valid, extra_files, extra_mails = exactly_once(pks, ctx)
    ok = not errors and len(pks) == 5 and pending_while_down == 5 and valid == 5 and not extra_files
    return ok, (f"{len(results)} requests with Redis down: {len(errors)} errors, slowest {slowest:.2f} s; "
                f"{pending_while_down}/5 certificates pending, {mails_while_down} e-mails delivered in-process; "
                f"Redis back + sweep: {valid}/5 valid in {seconds:.1f} s, {extra_files} extra PDFs, "
                f"{extra_mails} duplicate e-mails")


def _render_runs(probe: Path, pks) -> tuple[int, int, int]:
    """(certificate_render starts, tasks started more than once, tasks that never ended) for these certificates."""
    wanted = {f"[{pk}]" for pk in pks} | {f"({pk},)" for pk in pks}
    starts, ends = {}, set()
    for record in read_probe(probe):
        if record[2] != RENDER_TASK or record[4] not in wanted:
            continue
        if record[0] == "start":
            starts[record[1]] = starts.get(record[1], 0) + 1
        else:
            ends.add(record[1])
    return sum(starts.values()), sum(1 for n in starts.values() if n > 1), sum(1 for t in starts if t not in ends)


def _running_render(probe: Path) -> tuple[str, int] | None:
    starts, ended = {}, set()
    for record in read_probe(probe):
        if record[2] != RENDER_TASK:
            continue
        if record[0] == "start":
            starts[record[1]] = int(record[3])
        else:
            ended.add(record[1])
    running = [(task, pid) for task, pid in starts.items() if task not in ended]
    return running[-1] if running else None


def _kill_mid_task(ctx, worker: Worker, pks, *, whole: bool) -> str:
    from certificates.tasks import certificate_render

    for pk in pks:
        certificate_render.delay(pk)
    _wait(lambda: certificate_counts(pks).get("valid", 0) >= 3 and _running_render(ctx.probe), 90,
          "no render was under way")
    task, pid = _running_render(ctx.probe)
    if whole:
        worker.kill_all()
        return f"worker group {worker.proc.pid} SIGKILLed while task {task[:8]} ran in child {pid}"
    os.kill(pid, signal.SIGKILL)
    return f"pool child {pid} SIGKILLed during task {task[:8]}"


def drill_worker(ctx) -> tuple[bool, str]:
    count = ctx.args.certificates
    notes, ok = [], True
    # (a) one pool child killed: the main process sees the child die, rejects the task with requeue
    # (task_reject_on_worker_lost) and the broker hands it out again.
    users = learners(ctx.course, count, "child", completed=True)
    pks = pending_certificates(ctx.course, users)
    worker = Worker(ctx.env, ctx.workdir / "worker-child.log", ctx.probe)
    worker.start()
    try:
        what = _kill_mid_task(ctx, worker, pks, whole=False)
        seconds = wait_valid(pks, 180, worker)
    finally:
        worker.stop()
    runs, redelivered, unfinished = _render_runs(ctx.probe, pks)
    valid, extra_files, extra_mails = exactly_once(pks, ctx)
    ok &= valid == count and redelivered >= 1 and not extra_files and not extra_mails
    notes.append(f"child kill: {what}; {valid}/{count} valid in {seconds:.1f} s, {runs} render runs, "
                 f"{redelivered} redelivered, {extra_files} extra PDFs, {extra_mails} duplicate e-mails")

    # (b) the whole worker killed: its unacknowledged tasks come back after the visibility timeout, restored by
    # the next worker.
    users = learners(ctx.course, count, "whole", completed=True)
    pks = pending_certificates(ctx.course, users)
    short = {**ctx.env, "FAULTS_VISIBILITY_TIMEOUT": "10", "FAULTS_RESTORE_INTERVAL": "2"}
    worker = Worker(short, ctx.workdir / "worker-whole-1.log", ctx.probe)
    worker.start()
    try:
        what = _kill_mid_task(ctx, worker, pks, whole=True)
        killed_at = time.monotonic()
        stuck = count - certificate_counts(pks).get("valid", 0)
        worker = Worker(short, ctx.workdir / "worker-whole-2.log", ctx.probe)
        worker.start()
        wait_valid(pks, 240, worker)
        seconds = time.monotonic() - killed_at
    finally:
        worker.stop()
    runs, redelivered, unfinished = _render_runs(ctx.probe, pks)
    valid, extra_files, extra_mails = exactly_once(pks, ctx)
    ok &= valid == count and redelivered >= 1 and not extra_files and not extra_mails
    notes.append(f"whole-worker kill (visibility_timeout 10 s): {what}; {stuck} not yet valid at the kill; "
                 f"{valid}/{count} valid {seconds:.1f} s after it, {runs} render runs, {redelivered} redelivered, "
                 f"{extra_files} extra PDFs, {extra_mails} duplicate e-mails")
    return ok, "\n".join(notes)


class WebServer:
    """gunicorn serving elearn.wsgi (one sync worker) on a free port: a real web process whose requests run
    Django's request_started/finished handlers, which is where CONN_HEALTH_CHECKS happens. (The test client
    disconnects close_old_connections, so it cannot show a process recovering its database connection.)"""

    def __init__(self, env: dict, log_path: Path):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.env, self.log_path, self.proc = env, log_path, None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "elearn.wsgi", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", "1", "--timeout", "60"]
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,  # noqa: S603
                                         stderr=subprocess.STDOUT, start_new_session=True)
        _wait(lambda: self.get("/healthz")[0] in (200, 503), 60, "gunicorn did not answer")

    def get(self, path: str, cookie: str = "") -> tuple[int | str, float]:
        import http.client

        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            status = connection.getresponse().status
        except OSError as error:
            status = type(error).__name__
        finally:
            connection.close()
        return status, time.monotonic() - started

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def drill_postgres(ctx) -> tuple[bool, str]:
    import threading

    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from certificates.tasks import certificate_render

    user = learners(ctx.course, 1, "pg", completed=False)[0]
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    dashboard = reverse("enrolments:dashboard")
    web = WebServer(ctx.env, ctx.workdir / "gunicorn.log")
    worker = Worker(ctx.env, ctx.workdir / "worker-pg.log", ctx.probe)
    web.start()
    worker.start()
    try:
        before = [web.get(dashboard, cookie) for _ in range(10)]
        during, stop = [], threading.Event()

        def hammer():
            while not stop.is_set():
                during.append(web.get(dashboard, cookie))
                time.sleep(0.05)

        thread = threading.Thread(target=hammer)
        thread.start()
        time.sleep(0.5)
        restart_seconds = ctx.postgres.restart()
        time.sleep(0.5)
        stop.set()
        thread.join()
        after = [web.get(dashboard, cookie) for _ in range(10)]
        connections.close_all()  # this drill process's own connection died with the server too
        # The worker too: certificates queued after the restart are rendered by the same worker process.
        users = learners(ctx.course, 2, "pgw", completed=True)
        pks = pending_certificates(ctx.course, users)
        for pk in pks:
            certificate_render.delay(pk)
        wait_valid(pks, 60, worker)
        alive = worker.proc.poll() is None and web.proc.poll() is None
    finally:
        worker.stop()
        web.stop()

    def failed(results):
        return sum(1 for status, _ in results if status != 200)

    ok = failed(before) == 0 and failed(after) == 0 and alive
    return ok, (f"gunicorn (1 sync worker) + celery worker kept running; restart took {restart_seconds:.1f} s; "
                f"before: {len(before)} requests, {failed(before)} failed; during: {len(during)} requests, "
                f"{failed(during)} failed ({', '.join(sorted({str(s) for s, _ in during if s != 200})) or '-'}); "
                f"after: {len(after)} requests, {failed(after)} failed, first in {after[0][1] * 1000:.0f} ms; "
                f"2 certificates queued after the restart rendered by the same worker: {'yes' if alive else 'no'}")


def drill_disk(ctx) -> tuple[bool, str] | None:
    from certificates.models import Certificate
    from certificates.tasks import certificate_render

    if os.geteuid() != 0 or not shutil.which("mount"):
        return None
    mountpoint = ctx.workdir / "tiny"
    mountpoint.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mountpoint)],  # noqa: S603, S607
                            capture_output=True, text=True)
    if result.returncode:
        return True, f"skipped: mount refused ({result.stderr.strip()})"
    ctx.mounted = mountpoint
    filler = mountpoint / "filler"
    # Fill the disk up to the last 8 KiB: a certificate PDF (tens of KiB) cannot fit.
    storage = mountpoint / "certificates"
    storage.mkdir()
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while True:
                os.write(descriptor, b"\0" * 4096)
    finally:
        os.close(descriptor)
    os.truncate(filler, max(0, filler.stat().st_size - 8192))
    env = {**ctx.env, "FAULTS_CERTIFICATES_ROOT": str(storage)}
    users = learners(ctx.course, 3, "disk", completed=True)
    pks = pending_certificates(ctx.course, users)
    worker = Worker(env, ctx.workdir / "worker-disk.log", ctx.probe)
    worker.start()
    try:
        for pk in pks:
            certificate_render.delay(pk)
        time.sleep(8)
        counts_full = certificate_counts(pks)
        partial = pdf_files(storage) if storage.exists() else []
        wanted = {f"[{pk}]" for pk in pks} | {f"({pk},)" for pk in pks}
        retried = sum(1 for r in read_probe(ctx.probe)
                      if r[0] == "end" and r[2] == RENDER_TASK and r[4] in wanted and r[5] == "RETRY")
        filler.unlink()  # space freed: the scheduled retries now succeed
        seconds = wait_valid(pks, 240, worker)
    finally:
        worker.stop()
    import hashlib

    intact = sum(1 for c in Certificate.objects.filter(pk__in=pks)
                 if hashlib.sha256((storage / c.pdf.name).read_bytes()).hexdigest() == c.pdf_sha256)
    ok = counts_full.get("pending", 0) == 3 and not partial and intact == 3
    return ok, (f"tmpfs 512 KiB, 8 KiB left: after 8 s {counts_full.get('pending', 0)}/3 pending, {len(partial)} "
                f"files in the certificate storage, {retried} retries scheduled (ENOSPC); space freed: "
                f"3/3 valid {seconds:.1f} s later, {intact}/3 PDFs match their SHA-256")


# --- Main ------------------------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=DRILLS, help="run only this drill (repeatable)")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--pg-port", type=int, default=5442)
    parser.add_argument("--certificates", type=int, default=12, help="certificates per worker-kill phase")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    ctx = Context()
    ctx.args, ctx.mounted = args, None
    ctx.workdir = Path(tempfile.mkdtemp(prefix="faults-"))
    ctx.workdir.chmod(0o755)  # the postgres user must reach its data directory
    ctx.redis = PrivateRedis(args.redis_port, ctx.workdir)
    ctx.postgres = PrivatePostgres(args.pg_port, ctx.workdir)
    ctx.certificates, ctx.outbox, ctx.probe = (ctx.workdir / "certificates", ctx.workdir / "outbox",
                                               ctx.workdir / "probe")
    for directory in (ctx.certificates, ctx.outbox, ctx.probe):
        directory.mkdir()
    ctx.env = {k: v for k, v in os.environ.items()
               if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL", "DJANGO_DEBUG"}}
    ctx.env.update(DJANGO_SETTINGS_MODULE=SETTINGS_MODULE, PYTHONUNBUFFERED="1",
                   FAULTS_DATABASE_URL=ctx.postgres.url, FAULTS_BROKER_URL=f"{ctx.redis.url}/0",
                   FAULTS_CACHE_URL=f"{ctx.redis.url}/1", FAULTS_CERTIFICATES_ROOT=str(ctx.certificates),
                   FAULTS_OUTBOX=str(ctx.outbox))
    ctx.env[PROBE_ENV] = str(ctx.probe)
    # Celery reads CELERY_BROKER_URL from the environment before its settings: name the private broker there too.
    ctx.env["CELERY_BROKER_URL"] = f"{ctx.redis.url}/0"
    results, status = [], 0
    print(f"Fault drills, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; {describe_machine()}; work dir {ctx.workdir}")
    try:
        started = time.monotonic()
        ctx.redis.start()
        ctx.postgres.init()
        ctx.postgres.start()
        run_manage(ctx.env, "migrate", "--no-input")
        print(f"private redis-server :{args.redis_port} and PostgreSQL :{args.pg_port} up, database migrated in "
              f"{time.monotonic() - started:.0f} s")
        setup_django({**{k: v for k, v in ctx.env.items() if k != PROBE_ENV}, "FAULTS_LOG_LEVEL": "CRITICAL"})
        ctx.course, ctx.lesson, ctx.catalog = seed_course()
        for name in args.only or DRILLS:
            started = time.monotonic()
            try:
                outcome = globals()[f"drill_{name}"](ctx)
            except Exception as error:  # noqa: BLE001 - one drill's failure must not skip the others' clean-up
                outcome = False, f"error: {type(error).__name__}: {error}"
            if outcome is None:
                outcome = True, "skipped (needs root and mount)"
            ok, detail = outcome
            results.append((name, ok, time.monotonic() - started, detail))
            print(f"[{'PASS' if ok else 'FAIL'}] {name} ({time.monotonic() - started:.0f} s): {detail}", flush=True)
            if not ctx.redis.answers():
                ctx.redis.start()
    except KeyboardInterrupt:
        status = 130
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 1
    finally:
        if ctx.mounted:
            subprocess.run(["umount", "-l", str(ctx.mounted)], check=False)  # noqa: S603, S607
        ctx.postgres.stop()
        ctx.redis.stop()
        shutil.rmtree(ctx.workdir, ignore_errors=True)
    if results:
        print("\n| drill | result | seconds | figures |\n| --- | --- | --- | --- |")
        for name, ok, seconds, detail in results:
            print(f"| {name} | {'PASS' if ok else 'FAIL'} | {seconds:.0f} | {detail.replace(chr(10), '<br>')} |")
    if status == 0 and not all(ok for _, ok, _, _ in results):
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
