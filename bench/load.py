#!/usr/bin/env python
"""Load run: locust against gunicorn (4 workers) + PostgreSQL + Redis + a Celery worker on this machine.

Recreates the database `campus_load`, migrates it, runs `seed_demo`, creates learner accounts enrolled in the demo
courses with ready-made sessions, starts gunicorn (bench.settings) and a Celery worker (broker on Redis db 10),
then runs bench/locustfile.py headless at 50, 100 and 200 simulated users and a separate xAPI run at a constant
100 statements/s, each with the /bench/minimal/ baseline probed alongside. Prints req/s, p50/p95/p99 and errors
per endpoint group with the ratio of each p95 to the baseline's, checks the targets, and saves the report to
bench/results/load.txt. See bench/README.md ("Load bench").

Run from the project root: .venv-bench/bin/python bench/load.py [--levels 50,100,200] [--duration 75] ...
(any other interpreter re-runs the script under .venv-bench, creating it first from requirements/bench.txt).
Exits non-zero when the run is invalid (setup failure, a process that died); a target not met is a result.
"""

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `bench`, `elearn` and the apps importable

from bench.common import BenchError, database_name, describe_machine, fetch, interrupt  # noqa: E402

BENCH_VENV = ROOT / ".venv-bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/campus_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
WORK = ROOT / "var" / "load"  # git-ignored: logs, locust CSVs, H5P files, media and certificates of the run
RESULTS = ROOT / "bench" / "results" / "load.txt"
HOST = "127.0.0.1"
LEARNER_DOMAIN = "load.bench.invalid"
PROBES = 6  # MinimalProbe.fixed_count in bench/locustfile.py: spawned on top of the simulated users

MINIMAL = "minimal view (baseline)"
LESSON = "learner: lesson"
XAPI = "learner: xAPI statement (POST)"
LESSON_RATIO_TARGET = 3.0
XAPI_RATIO_TARGET = 2.0
XAPI_RATE_TOLERANCE = 0.95  # constant_throughput never exceeds the rate; 95 % of it counts as sustained


# --- Options, interpreter and environment ----------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--levels", default="50,100,200", help="simulated users of the mixed runs, comma-separated")
    parser.add_argument("--duration", type=float, default=75, help="seconds measured per level after ramp-up")
    parser.add_argument("--ramp", type=float, default=10, help="seconds to start the users (not measured)")
    parser.add_argument("--xapi-rate", type=int, default=100, help="statements/s of the xAPI run (one per user/s)")
    parser.add_argument("--xapi-duration", type=float, default=60, help="seconds measured in the xAPI run")
    parser.add_argument("--skip-xapi", action="store_true", help="skip the xAPI run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--celery-concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--learners", type=int, default=0,
                        help="learner accounts to create (default: enough for the largest run)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help="PostgreSQL database to DROP and recreate (its name must contain 'load'); "
                             "env BENCH_LOAD_DATABASE_URL. DATABASE_URL is deliberately ignored.")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_LOAD_REDIS_URL", DEFAULT_REDIS_URL),
                        help="Redis database for the cache and the Celery broker; FLUSHED at start")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database: no drop, migrate or seed")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the report is saved")
    args = parser.parse_args(argv)
    try:
        args.levels = [int(level) for level in args.levels.split(",") if level.strip()]
    except ValueError:
        parser.error("--levels takes numbers separated by commas")
    if not args.levels or min(args.levels) < 1 or args.duration <= 0 or args.ramp <= 0 or args.workers < 1:
        parser.error("--levels, --duration, --ramp and --workers must be positive")
    if "load" not in database_name(args.database_url):
        parser.error(f"refusing to use database {database_name(args.database_url)!r}: the load bench drops and "
                     "recreates it, so its name must contain 'load'")
    learners_needed = max([*(learners_for(level) for level in args.levels), 0 if args.skip_xapi else args.xapi_rate])
    args.learners = max(args.learners, learners_needed)
    return args


def learners_for(users: int) -> int:
    """Learners locust spawns among `users` AnonymousVisitor (weight 3) and Learner (weight 2) users, rounded up."""
    return -(-users * 2 // 5) + 1


def ensure_bench_venv(argv: list[str]) -> None:
    """Re-run under .venv-bench (locust and the locked dependencies), creating it first if needed (= bench-deps)."""
    python = BENCH_VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == BENCH_VENV.resolve():
        return
    if not (BENCH_VENV / "bin" / "locust").exists():
        uv = ROOT / ".venv" / "bin" / "uv"
        if not uv.exists():
            uv = Path(shutil.which("uv") or "uv")
        print(f"Creating {BENCH_VENV.name} from requirements/bench.txt ...", flush=True)
        subprocess.run([shutil.which("python3") or sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)  # noqa: S603
        subprocess.run([str(uv), "pip", "sync", "--quiet", "--python", str(python),  # noqa: S603
                        str(ROOT / "requirements" / "bench.txt")], check=True, cwd=ROOT)
    os.execv(python, [str(python), str(Path(__file__).resolve()), *argv])  # noqa: S606


def child_env(args, *, broker: bool = True) -> dict:
    """Environment of manage.py, gunicorn, Celery and this process's own Django."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_ENV", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_DEBUG", "ALLOWED_HOSTS",
                        "DATABASE_URL", "XAPI_LRS_URL", "H5P_PLAYER_ORIGIN"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=args.database_url,
        BENCH_CACHE_URL=args.redis_url,
        PAGE_CACHE_ENABLED="true",
        # Files of the run stay under var/load; e-mails (course completed, certificate issued) are queued and
        # delivered by the worker as in production, to the dummy backend.
        MEDIA_ROOT=str(WORK / "media"), CERTIFICATES_ROOT=str(WORK / "certificates"), H5P_ROOT=str(WORK / "h5p"),
        EMAIL_URL="dummymail://",
        PYTHONUNBUFFERED="1",
    )
    if broker:  # bench.settings is eager without a broker (the dev default); with one, tasks go to the worker
        env["CELERY_BROKER_URL"] = args.redis_url
    return env


def venv_bin(name: str) -> str:
    return str(Path(sys.prefix) / "bin" / name)


# --- Database, seed data and learners ---------------------------------------------------------------------------


def recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    name = database_name(database_url)
    assert "load" in name  # parse_args refuses other names: this drops the database
    admin_url = urlsplit(database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def manage(env: dict, *command: str) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True)
    if result.returncode:
        raise BenchError(f"manage.py {' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def content_map() -> dict:
    """Addresses the locustfile needs: public pages, the Spanish courses' lessons, the H5P lesson and the quiz."""
    from django.conf import settings
    from django.urls import reverse

    from courses.models import CatalogPage, CoursePage, LessonPage
    from h5p.services import activity_iri

    courses = list(CoursePage.objects.live().filter(locale__language_code="es", audience="everyone")
                   .order_by("path"))
    if not courses:
        raise BenchError("seed_demo left no Spanish course open to everyone")
    course_data, h5p, quiz = [], None, None
    for course in courses:
        lessons = list(LessonPage.objects.live().descendant_of(course).order_by("path"))
        course_data.append({"url": course.url, "lessons": [lesson.url for lesson in lessons]})
        for lesson in lessons:
            blocks = {block.block_type: [] for block in lesson.body}
            for block in lesson.body:
                blocks[block.block_type].append(block.id)
            if blocks.get("h5p") and h5p is None:
                h5p = {"id": lesson.pk, "url": lesson.url, "blocks": blocks["h5p"],
                       "iris": {b: activity_iri(lesson.translation_key, b) for b in blocks["h5p"]}}
            if blocks.get("quiz") and quiz is None:
                quiz = {"lesson": lesson.pk, "url": lesson.url, "block": blocks["quiz"][0]}
    if h5p is None or quiz is None:
        raise BenchError("seed_demo left no Spanish lesson with an H5P activity and one with a quiz")
    catalogues = [page.url for page in CatalogPage.objects.live().order_by("path")]
    english = [c.url for c in CoursePage.objects.live().filter(locale__language_code="en", audience="everyone")]
    spanish_catalogue = next(url for url in catalogues if not url.startswith("/en/") and not url.startswith("/fr/"))
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "dashboard": reverse("enrolments:dashboard"),
        "anonymous": {
            "home": ["/", "/en/"],
            "catalogues": catalogues,
            "courses": [course.url for course in courses] + english,
            "searches": [f"{spanish_catalogue}?q=trata", f"{spanish_catalogue}?q=protecci%C3%B3n+consular",
                         f"{spanish_catalogue}?line=training&modality=self_paced", f"{spanish_catalogue}?page=1"],
        },
        "courses": course_data,
        "h5p": h5p,
        "quiz": quiz,
        "enrolled_course_keys": [str(course.translation_key) for course in courses],
    }


def prepare_learners(count: int, data_path: Path) -> dict:
    """(Re)create `count` learners enrolled in every Spanish course open to everyone, each with a session.

    Runs before each locust run, so every level starts from the same state (no lessons done, quiz attempts left).
    Passwords are unusable: nobody signs in, the sessions are written directly (SessionStore), as a login would.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from certificates.models import Certificate
    from courses.models import CoursePage
    from enrolments.models import Enrollment
    from h5p.models import XAPIStatement

    data = content_map()
    now = timezone.now()
    for attempt in range(3):
        try:
            with transaction.atomic():
                old = User.objects.filter(email__endswith=f"@{LEARNER_DOMAIN}")
                XAPIStatement.objects.filter(user__in=old).delete()
                Certificate.objects.filter(user__in=old).delete()  # certificates protect their learner
                old.delete()
            break
        except IntegrityError:
            # A request or task of the previous run still writing for these learners (locust stops its users
            # mid-request); it is over within moments.
            if attempt == 2:
                raise
            time.sleep(3)
    with transaction.atomic():
        Session.objects.all().delete()  # this database only serves the load bench
        password = make_password(None)
        users = User.objects.bulk_create([
            User(email=f"learner-{i:04d}@{LEARNER_DOMAIN}", full_name=f"Aprendiz de carga {i}", country="GT",
                 preferred_language="es", password=password) for i in range(count)
        ])
        EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True)
                                          for u in users])
        learner_group = Group.objects.get(name=Role.LEARNER.value)
        User.groups.through.objects.bulk_create([User.groups.through(user=u, group=learner_group) for u in users])
        courses = list(CoursePage.objects.live().filter(locale__language_code="es", audience="everyone"))
        Enrollment.objects.bulk_create([
            Enrollment(user=u, course_key=c.translation_key, course=c, status=Enrollment.Status.ACTIVE,
                       activated_at=now, country=u.country, gender=u.gender or "")
            for u in users for c in courses
        ])
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    data["sessions"] = sessions
    data_path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    from django.db import connections

    connections.close_all()
    return data


def stored_statements() -> int:
    from django.db import connections

    from h5p.models import XAPIStatement

    count = XAPIStatement.objects.filter(user__email__endswith=f"@{LEARNER_DOMAIN}").count()
    connections.close_all()
    return count


# --- Processes ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Service:
    """A long-running child (gunicorn, Celery) in its own process group, stopped by its pid at the end."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out,  # noqa: S603
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def check(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise BenchError(f"{self.name} exited with status {self.proc.returncode}:\n{self.tail()}")

    def stop(self, timeout: float = 20) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # gunicorn and Celery stop their own workers on SIGTERM
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script created for the service
            self.proc.wait(timeout=5)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return f"(no {self.name} log)"

    def cpu_seconds(self) -> float:
        """CPU time of the service's whole process tree so far (live processes only)."""
        if self.proc is None:
            return 0.0
        return sum(_proc_cpu(pid) for pid in _tree(self.proc.pid))


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        with contextlib.suppress(OSError):
            queue += [int(p) for p in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
    return pids


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)



def wait_healthy(server: Service, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        server.check()
        with contextlib.suppress(OSError):
            if fetch(port, "/healthz")[0] == 200:
                return
        time.sleep(0.3)
    raise BenchError(f"gunicorn did not answer /healthz within 60 s:\n{server.tail()}")


# --- Service times without load ----------------------------------------------------------------------------------


def service_times(port: int, data: dict, rounds: int = 30) -> dict[str, float]:
    """Median time of one request at a time (no queueing): what each endpoint costs the server by itself."""
    import http.client
    import re
    import statistics
    import uuid

    cookie = f"{data['session_cookie']}={data['sessions'][-1]}"

    def request(method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            began = time.perf_counter()
            conn.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
            response = conn.getresponse()
            content = response.read().decode("utf-8", errors="replace")
            return time.perf_counter() - began, response, content
        finally:
            conn.close()

    _t, response, page = request("GET", data["h5p"]["url"])
    token = re.search(r'data-csrf="([^"]+)"', page)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 200 or token is None or csrf_cookie is None:
        raise BenchError(f"signed-in H5P lesson page: HTTP {response.status}, no CSRF token to post statements with")
    cookie = f"{cookie}; csrftoken={csrf_cookie.group(1)}"
    lessons = [url for course in data["courses"] for url in course["lessons"]]
    block = data["h5p"]["blocks"][0]
    timings: dict[str, list[float]] = {MINIMAL: [], LESSON: [], XAPI: []}
    for index in range(rounds):
        timings[MINIMAL].append(request("GET", "/bench/minimal/")[0])
        timings[LESSON].append(request("GET", lessons[index % len(lessons)])[0])
        statement = {"id": str(uuid.uuid4()), "verb": {"id": "http://adlnet.gov/expapi/verbs/interacted"},
                     "object": {"id": data["h5p"]["iris"][block], "objectType": "Activity"}}
        body = json.dumps({"lesson": data["h5p"]["id"], "block": block, "statement": statement}).encode()
        elapsed, response, content = request("POST", "/h5p/xapi/", body, {"Content-Type": "application/json",
                                                                          "X-CSRFToken": token.group(1)})
        if not 200 <= response.status < 300:
            raise BenchError(f"POST /h5p/xapi/ -> HTTP {response.status}: {content[:300]}")
        timings[XAPI].append(elapsed)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


# --- One locust run -----------------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


@dataclass
class Run:
    label: str
    users: int
    seconds: float
    rows: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    locust_cpu: float = 0.0  # share of one core
    gunicorn_cpu: float = 0.0
    celery_cpu: float = 0.0
    machine_busy: float = 0.0  # share of all cores
    load_before: str = ""
    load_after: str = ""
    exceptions: int = 0  # Python exceptions in the locust tasks (a scenario bug; makes the run invalid)
    counts: dict = field(default_factory=dict)
    extra: list = field(default_factory=list)

    def p95(self, name: str) -> float | None:
        row = self.rows.get(name)
        return row.p95 if row and row.requests else None

    def ratio(self, name: str) -> float | None:
        base, value = self.p95(MINIMAL), self.p95(name)
        return value / base if base and value is not None else None

    @property
    def errors(self) -> int:
        return sum(row.failures for row in self.rows.values())


def run_locust(args, *, label: str, users: int, classes: list[str], measure: float, port: int, data_path: Path,
               gunicorn: Service, celery: Service) -> Run:
    prefix = WORK / "csv" / label.replace(" ", "-")
    counts_path = WORK / f"counts-{label.replace(' ', '-')}.json"
    counts_path.unlink(missing_ok=True)
    total_users = users + PROBES
    spawn_rate = max(1.0, total_users / args.ramp)
    run_time = int(args.ramp + measure + 0.999)
    command = [venv_bin("locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "-u", str(total_users), "-r", f"{spawn_rate:g}", "-t", f"{run_time}s", "--reset-stats",
               "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "0",
               "--host", f"http://{HOST}:{port}", *classes]
    env = {**os.environ, "BENCH_LOAD_DATA": str(data_path), "BENCH_LOAD_COUNTS": str(counts_path)}
    print(f"\n== {label}: {users} users + {PROBES} baseline probes ({', '.join(classes)}), ramp {args.ramp:g} s "
          f"at {spawn_rate:g}/s, then {measure:g} s measured ==", flush=True)
    run = Run(label=label, users=users, seconds=measure, load_before=describe_machine())
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    g0, c0, m0 = gunicorn.cpu_seconds(), celery.cpu_seconds(), machine_cpu()
    started = time.monotonic()
    with open(WORK / "logs" / f"locust-{label.replace(' ', '-')}.log", "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            proc.wait(timeout=run_time + 120)
        except BaseException:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
            if proc.poll() is None:
                proc.kill()
            raise
    wall = time.monotonic() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    g1, c1, m1 = gunicorn.cpu_seconds(), celery.cpu_seconds(), machine_cpu()
    gunicorn.check()
    celery.check()
    run.locust_cpu = ((after_children.ru_utime + after_children.ru_stime)
                      - (before_children.ru_utime + before_children.ru_stime)) / wall
    run.gunicorn_cpu = (g1 - g0) / wall
    run.celery_cpu = (c1 - c0) / wall
    run.machine_busy = (m1[0] - m0[0]) / max(1, m1[1] - m0[1])
    run.load_after = describe_machine()
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise BenchError(f"locust wrote no statistics (exit {proc.returncode}); see {log.name}")
    with open(stats, newline="") as handle:
        for record in csv.DictReader(handle):
            name = record["Name"]
            run.rows[name] = Row(name=name, requests=int(record["Request Count"]),
                                 failures=int(record["Failure Count"]), rps=float(record["Requests/s"]),
                                 p50=_ms(record["50%"]), p95=_ms(record["95%"]), p99=_ms(record["99%"]))
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with open(failures, newline="") as handle:
            run.failures = [f"{r['Method']} {r['Name']}: {r['Error']} (x{r['Occurrences']})"
                            for r in csv.DictReader(handle)]
    exceptions = Path(f"{prefix}_exceptions.csv")
    if exceptions.exists():  # an exception in a task is a broken scenario, not a server error: counted apart
        with open(exceptions, newline="") as handle:
            for r in csv.DictReader(handle):
                run.exceptions += int(r["Count"])
                run.failures.append(f"locust task exception: {r['Message']} (x{r['Count']})")
    if counts_path.exists():
        run.counts = json.loads(counts_path.read_text())
    return run


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else float("nan")


# --- Report -------------------------------------------------------------------------------------------------------


class Report:
    """Prints as it goes and keeps every line for bench/results/load.txt."""

    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


ORDER = [MINIMAL, "anon: home", "anon: catalogue", "anon: catalogue search/filter", "anon: course page",
         LESSON, "learner: course page", "learner: mark lesson complete (POST)", "learner: H5P player frame",
         XAPI, "learner: quiz submit (POST)", "learner: dashboard", "xapi run: lesson (start-up)", "Aggregated"]


def print_table(report: Report, runs: list[Run]) -> None:
    header = (f"{'run':<13} {'endpoint group':<38} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'errors':>6} {'p95/p95(minimal)':>16}")
    report(header)
    report("-" * len(header))
    for run in runs:
        names = [n for n in ORDER if n in run.rows] + sorted(n for n in run.rows if n not in ORDER)
        for name in names:
            row = run.rows[name]
            ratio = run.ratio(name)
            shown = "all requests" if name == "Aggregated" else name
            report(f"{run.label:<13} {shown:<38} {row.requests:8d} {row.rps:7.1f} {row.p50:7.0f} {row.p95:7.0f} "
                   f"{row.p99:7.0f} {row.failures:6d} {'' if ratio is None or name == MINIMAL else f'{ratio:.2f}':>16}")
        report(f"{'':<13} locust {run.locust_cpu:.0%} of a core, gunicorn {run.gunicorn_cpu:.0%}, Celery "
               f"{run.celery_cpu:.0%}; machine busy {run.machine_busy:.0%} of {os.cpu_count()} CPUs; "
               f"{run.load_after}")
        for line in run.extra:
            report(f"{'':<13} {line}")
        for failure in run.failures[:5]:
            report(f"{'':<13} failure: {failure}")
        report()


def check_targets(report: Report, mixed: list[Run], xapi: Run | None, args) -> list[tuple[str, bool]]:
    verdicts = []
    top = max(mixed, key=lambda r: r.users) if mixed else None
    if top is not None:
        verdicts.append((f"no errors at {top.users} users: {top.errors} errors", top.errors == 0))
    for run in mixed:
        ratio = run.ratio(LESSON)
        verdicts.append((f"{run.users} users: lesson p95 {run.p95(LESSON) or float('nan'):.0f} ms vs minimal "
                         f"{run.p95(MINIMAL) or float('nan'):.0f} ms -> {ratio or float('nan'):.2f}x "
                         f"(target <= {LESSON_RATIO_TARGET:g}x)", ratio is not None and ratio <= LESSON_RATIO_TARGET))
    if xapi is not None:
        row = xapi.rows.get(XAPI)
        rate = row.rps if row else 0.0
        verdicts.append((f"xAPI sustains {args.xapi_rate} statements/s: {rate:.1f}/s measured, "
                         f"{row.failures if row else 0} errors (target >= {XAPI_RATE_TOLERANCE * args.xapi_rate:g}/s, "
                         f"no errors)", bool(row) and rate >= XAPI_RATE_TOLERANCE * args.xapi_rate
                         and row.failures == 0))
        ratio = xapi.ratio(XAPI)
        verdicts.append((f"xAPI p95 {xapi.p95(XAPI) or float('nan'):.0f} ms vs minimal "
                         f"{xapi.p95(MINIMAL) or float('nan'):.0f} ms -> {ratio or float('nan'):.2f}x "
                         f"(target <= {XAPI_RATIO_TARGET:g}x)", ratio is not None and ratio <= XAPI_RATIO_TARGET))
    report("Targets")
    for text, ok in verdicts:
        report(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return verdicts


# --- Main ---------------------------------------------------------------------------------------------------------


def code_state() -> str:
    """The commit served and the top-level folders with uncommitted changes (other work in progress may be live)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,  # noqa: S607
                              check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True,  # noqa: S607
                                check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "code: not a git checkout"
    changed = sorted({line[3:].split("/")[0] for line in status if line[3:]})
    return f"code: {head}" + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


def celery_backlog(redis_url: str) -> int:
    client = redis_client(redis_url)
    try:
        return int(client.llen("celery"))
    finally:
        client.close()


def wait_for_worker(redis_url: str, limit: float = 60) -> None:
    """Let the worker finish the previous run's tasks before its learners are deleted."""
    deadline = time.monotonic() + limit
    while celery_backlog(redis_url) and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(2)  # a task taken from the queue may still be running


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    ensure_bench_venv(argv)
    signal.signal(signal.SIGTERM, interrupt)
    report = Report()
    for sub in ("logs", "csv", "media", "certificates", "h5p"):
        (WORK / sub).mkdir(parents=True, exist_ok=True)
    gunicorn = celery = None
    try:
        report(f"Campus CRM load bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — "
               f"{describe_machine()}")
        report(code_state())
        redis = redis_client(args.redis_url)
        redis.flushdb()
        redis.close()
        if args.reuse_db:
            report(f"Reusing database {database_name(args.database_url)!r}.")
        else:
            started = time.monotonic()
            recreate_database(args.database_url)
            manage(child_env(args, broker=False), "migrate", "--no-input", "-v", "0")
            # Eager Celery while seeding (no broker): the demo's certificates are rendered in-process, as in
            # `make demo`, and nothing is left queued for the worker.
            manage(child_env(args, broker=False), "seed_demo")
            report(f"Database {database_name(args.database_url)!r} recreated, migrated and seeded (seed_demo) in "
                   f"{time.monotonic() - started:.0f} s.")
        os.environ.update(child_env(args))
        import django

        django.setup()
        data_path = WORK / "learners.json"

        port = free_port()
        gunicorn = Service("gunicorn", [venv_bin("gunicorn"), "elearn.wsgi", "--workers", str(args.workers),
                                        "--worker-class", "sync", "--bind", f"{HOST}:{port}", "--timeout", "60",
                                        "--log-level", "warning"], child_env(args), WORK / "logs" / "gunicorn.log")
        celery = Service("celery", [venv_bin("celery"), "-A", "elearn", "worker", "--pool", "prefork",
                                    "--concurrency", str(args.celery_concurrency), "--loglevel", "WARNING",
                                    "--without-gossip", "--without-mingle", "--without-heartbeat"],
                         child_env(args), WORK / "logs" / "celery.log")
        gunicorn.start()
        celery.start()
        wait_healthy(gunicorn, port)
        report(f"gunicorn elearn.wsgi: {args.workers} sync workers on {HOST}:{port} (bench.settings, DEBUG off, "
               f"Redis cache + page cache); Celery worker: prefork x{args.celery_concurrency}, broker "
               f"{args.redis_url}; {args.learners} learner accounts with sessions.")
        report("Locust: one process (gevent), on the same 2 CPUs as gunicorn, PostgreSQL, Redis and Celery; its CPU "
               "share is printed per run.")

        data = prepare_learners(args.learners, data_path)
        for path in ("/bench/minimal/", "/", "/cursos/"):  # warm every worker's imports and the page cache
            for _ in range(args.workers * 2):
                fetch(port, path)
        service_times(port, data, rounds=args.workers * 2)  # warm-up
        alone = service_times(port, data)
        report(f"Service time, one request at a time (median of 30; {describe_machine()}): minimal view "
               f"{alone[MINIMAL]:.1f} ms, lesson page {alone[LESSON]:.1f} ms ({alone[LESSON] / alone[MINIMAL]:.1f}x), "
               f"xAPI statement {alone[XAPI]:.1f} ms ({alone[XAPI] / alone[MINIMAL]:.1f}x).")

        mixed: list[Run] = []
        for users in args.levels:
            wait_for_worker(args.redis_url)
            prepare_learners(args.learners, data_path)
            for path in ("/bench/minimal/", "/", "/cursos/"):  # warm every worker's imports and the page cache
                for _ in range(args.workers * 2):
                    fetch(port, path)
            mixed.append(run_locust(args, label=f"{users} users", users=users, measure=args.duration, port=port,
                                    classes=["AnonymousVisitor", "Learner", "MinimalProbe"], data_path=data_path,
                                    gunicorn=gunicorn, celery=celery))
            print(f"  done: {mixed[-1].errors} errors, {mixed[-1].exceptions} task exceptions; {mixed[-1].load_after}",
                  flush=True)
        xapi = None
        if not args.skip_xapi:
            wait_for_worker(args.redis_url)
            prepare_learners(args.learners, data_path)
            xapi = run_locust(args, label="xAPI run", users=args.xapi_rate, measure=args.xapi_duration, port=port,
                              classes=["XapiLearner", "MinimalProbe"], data_path=data_path, gunicorn=gunicorn,
                              celery=celery)
            backlog, waited = celery_backlog(args.redis_url), 0.0
            while backlog and waited < 60:
                time.sleep(1)
                waited += 1
                backlog = celery_backlog(args.redis_url)
            sent, resent = xapi.counts.get("statements", 0), xapi.counts.get("duplicates", 0)
            xapi.extra.append(f"statements sent: {sent} new + {resent} re-sent (same id); rows stored for the bench "
                              f"learners: {stored_statements()} (duplicates ignored would give <= {sent})")
            xapi.extra.append(f"Celery queue after the run: {'empty' if not backlog else f'{backlog} tasks'}"
                              f"{f' (drained {waited:.0f} s after the run)' if waited and not backlog else ''}")

        report()
        report("Results (percentiles from locust's CSV; ratios against the minimal view's p95 in the same run)")
        print_table(report, [*mixed, *([xapi] if xapi else [])])
        verdicts = check_targets(report, mixed, xapi, args)
        report(f"\nMachine after the run: {describe_machine()}")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        report.save(args.output)
        print(f"Saved to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
        broken = sum(run.exceptions for run in [*mixed, *([xapi] if xapi else [])])
        if broken:
            print(f"\nERROR: {broken} exceptions in locust tasks: the scenario is broken, the figures are not valid",
                  file=sys.stderr)
        return 1 if broken or not verdicts else 0
    except KeyboardInterrupt:
        print("\nInterrupted; stopping gunicorn and Celery.", file=sys.stderr)
        return 130
    except BenchError as exc:
        print(f"\nERROR: {exc}", file=sys.stderr)
        return 1
    finally:
        for service in (gunicorn, celery):
            if service is not None:
                service.stop()


if __name__ == "__main__":
    sys.exit(main())
