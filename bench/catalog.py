#!/usr/bin/env python
"""Throughput and latency of the public course pages, compared with a minimal Django view.

Recreates a PostgreSQL database (default `campus_bench`), migrates and seeds it with a catalogue of courses,
serves it with gunicorn (bench.settings: DEBUG off, Redis cache, page cache on), and measures anonymous GETs of
/bench/minimal/ (baseline), the catalogue, the filtered catalogue and one course page in interleaved rounds.
Then it restarts gunicorn with the page cache off and measures again. See bench/README.md.

Run from the project root: .venv/bin/python bench/catalog.py [--courses 200] [--workers 2] ...
Exits non-zero on errors (setup failures, failed requests, a stale page after publishing), never because a
page is below the throughput target.
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: make `bench`, `elearn` and the apps importable

from bench import common  # noqa: E402
from bench.common import BenchError, database_name, describe_machine, fetch, interrupt, percentile  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/campus_bench"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/9"
TARGET_RATIO = 0.5
HOST = "127.0.0.1"


# --- Options and environment ------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--courses", type=int, default=200, help="courses to seed (half also in English)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (sync workers)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per endpoint and round")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over all endpoints, per pass")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help="PostgreSQL database to DROP and recreate (its name must contain 'bench'); "
                             "env BENCH_DATABASE_URL. DATABASE_URL is deliberately ignored.")
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL),
                        help="Redis database for the cache; FLUSHED at start; env BENCH_CACHE_URL")
    parser.add_argument("--reuse-db", action="store_true",
                        help="keep the existing database and its content (skip drop, migrate and seed)")
    parser.add_argument("--skip-uncached", action="store_true", help="skip the pass with the page cache off")
    args = parser.parse_args(argv)
    if args.courses < 2 or args.workers < 1 or args.concurrency < 1 or args.rounds < 1 or args.duration <= 0:
        parser.error("--courses must be at least 2; --workers, --concurrency, --rounds and --duration positive")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    if "bench" not in database_name(args.database_url):
        parser.error(f"refusing to use database {database_name(args.database_url)!r}: the benchmark drops and "
                     "recreates it, so its name must contain 'bench'")
    return args


def child_env(args, *, page_cache: bool = True) -> dict:
    """Environment of manage.py, gunicorn and this process's own Django: bench settings, bench database."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_ENV", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_DEBUG", "ALLOWED_HOSTS"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=args.database_url,
        BENCH_CACHE_URL=args.cache_url,
        PAGE_CACHE_ENABLED="true" if page_cache else "false",
        PYTHONUNBUFFERED="1",
    )
    return env


# --- Database, cache and seed data ----------------------------------------------------------------------


def recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = database_name(database_url)
    assert "bench" in name  # parse_args refuses other names: this drops the database
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flush_cache(cache_url: str) -> None:
    import redis

    client = redis.Redis.from_url(cache_url)
    try:
        client.flushdb()
    finally:
        client.close()


def cached_page_count(cache_url: str) -> int:
    import redis

    client = redis.Redis.from_url(cache_url)
    try:
        return sum(1 for _ in client.scan_iter(match="*pagecache:*:*", count=1000))
    finally:
        client.close()


def run_manage(args, *command: str) -> None:
    common.run_manage(child_env(args), *command)


def setup_django(args) -> None:
    common.setup_django(child_env(args))


LESSON_TEXT = (
    "<p>Esta lección presenta los <b>conceptos clave</b> del tema, con ejemplos de casos atendidos por las "
    "autoridades migratorias y consulares de la región.</p>"
    "<ul><li>Marco normativo regional</li><li>Buenas prácticas</li><li>Coordinación interinstitucional</li></ul>"
)
HOURS = [Decimal(h) for h in ("2", "3.5", "6", "8", "12", "16", "20", "30", "40")]


@dataclass
class Seeded:
    catalog_url: str
    course_url: str
    course_title: str
    renamed_pk: int
    counts: dict = field(default_factory=dict)


# Search-index and reference-index updates run as django-tasks on every page save; they dominate seeding time
# and nothing measured here reads them, so seeding enqueues them into the dummy backend (i.e. skips them).
SEED_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def seed(courses: int) -> Seeded:
    """Catalogue (es, en), `courses` courses of 2 modules x 3 lessons, every odd-numbered one also in English.

    Catalogues and courses are published through revisions, as the admin does. Modules and lessons are created
    live without revisions (the public pages never read them), which keeps 200 courses to about a minute.
    """
    from django.db import transaction
    from django.test import override_settings
    from django.utils import timezone
    from wagtail.models import Locale, Page
    from wagtail.rich_text import RichText

    from courses.models import Audience, CatalogPage, CoursePage, LessonPage, Level, Modality, ModulePage
    from crm.models import ActionPlanLine, Topic
    from home.models import HomePage

    english = Locale.objects.get(language_code="en")
    lines = list(ActionPlanLine.objects.order_by("sort_order"))
    topics = list(Topic.objects.order_by("slug"))
    modalities = list(Modality.values)
    levels = list(Level.values)
    now = timezone.now()

    with override_settings(TASKS=SEED_TASKS), transaction.atomic():
        home_es = HomePage.objects.get(locale__language_code="es")
        home_en = home_es.copy_for_translation(english)
        home_en.save_revision().publish()

        catalog_es = home_es.add_child(instance=CatalogPage(
            title="Cursos", slug="cursos", intro="<p>Cursos en línea de la Conferencia Regional sobre Migración.</p>",
        ))
        catalog_es.save_revision().publish()
        catalog_en = catalog_es.copy_for_translation(english)
        catalog_en.title, catalog_en.slug = "Courses", "courses"
        catalog_en.intro = "<p>Online courses of the Regional Conference on Migration.</p>"
        catalog_en.save_revision().publish()

        first_course = None
        for i in range(courses):
            number = i + 1
            topic = topics[i % len(topics)]
            course = CoursePage(
                title=f"Curso {number:03d}: {topic.name_es}",
                slug=f"curso-{number:03d}",
                summary=f"Curso {number} sobre {topic.name_es.lower()} para personal migratorio y consular.",
                description=f"<p>Descripción del curso {number}.</p>{LESSON_TEXT}",
                action_plan_line=lines[i % len(lines)],
                modality=modalities[(i // 2) % len(modalities)],
                level=levels[i % len(levels)],
                estimated_hours=HOURS[(i * 5) % len(HOURS)],
                learning_outcomes="Identificar el marco normativo\nAplicar los protocolos regionales",
                audience=Audience.MEMBER_OFFICIALS if i % 10 == 9 else Audience.EVERYONE,
            )
            course.topics = [topic, topics[(i * 4 + 1) % len(topics)]]
            catalog_es.add_child(instance=course)
            course.save_revision().publish()
            first_course = first_course or course
            modules = []
            for m in range(1, 3):
                module = add_live_child(course, ModulePage(
                    title=f"Módulo {m}", slug=f"modulo-{m}", summary=f"Módulo {m} del curso {number}."), now)
                lessons = [add_live_child(module, LessonPage(
                    title=f"Lección {m}.{n}", slug=f"leccion-{m}-{n}", body=[("paragraph", RichText(LESSON_TEXT))],
                ), now) for n in range(1, 4)]
                modules.append((module, lessons))
            if i % 2 == 0:
                translate_course(course, modules, english, number, topic.name_en, now)

    return Seeded(
        catalog_url=catalog_es.url,
        course_url=first_course.url,
        course_title=first_course.title,
        renamed_pk=first_course.pk,
        counts={
            "courses": courses,
            "course pages in English too": CoursePage.objects.live().filter(locale=english).count(),
            "pages in all": Page.objects.count(),
        },
    )


def add_live_child(parent, page, now):
    """Add `page`, live, as the next child of `parent`: what parent.add_child() does, minus validation.

    Page.save(clean=False) skips full_clean's dozen existence checks per page (the seed data is valid by
    construction); the tree fields follow treebeard's rules, so the result is the same as with add_child().
    """
    from wagtail.models import Page

    page.depth = parent.depth + 1
    page.path = Page._get_path(parent.path, page.depth, parent.numchild + 1)
    page.numchild = 0
    page._cached_parent_obj = parent
    page.locale_id = page.locale_id or parent.locale_id
    page.draft_title = page.title
    page.live, page.has_unpublished_changes = True, False
    page.first_published_at = page.last_published_at = now
    page.save(clean=False)
    parent.numchild += 1
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
    return page


def translate_course(course, modules: list, locale, number: int, topic_name: str, now) -> None:
    """Translate a course into `locale`: copy_for_translation of the course page, then its outline.

    The course copy gets English text and is published through a revision. Its modules and lessons are created
    as translations of the Spanish ones (same translation_key, English locale) with add_live_child: the result
    copy_for_translation would give once published, at a fraction of the cost.
    """
    from courses.models import LessonPage, ModulePage

    copy = course.copy_for_translation(locale)
    copy.title = f"Course {number:03d}: {topic_name}"
    copy.summary = f"Course {number} on {topic_name.lower()} for immigration and consular staff."
    copy.save_revision().publish()
    for m, (module, lessons) in enumerate(modules, start=1):
        module_en = add_live_child(copy, ModulePage(
            title=f"Module {m}", slug=module.slug, summary=f"Module {m} of course {number}.",
            locale=locale, translation_key=module.translation_key), now)
        for n, lesson in enumerate(lessons, start=1):
            add_live_child(module_en, LessonPage(
                title=f"Lesson {m}.{n}", slug=lesson.slug, body=lesson.body, required=lesson.required,
                locale=locale, translation_key=lesson.translation_key), now)


def publish_new_title(pk: int) -> str:
    """Rename a course through the ORM as the admin would (new revision, published); return the new title."""
    from django.db import connections

    from courses.models import CoursePage

    page = CoursePage.objects.get(pk=pk)
    page.title = f"{page.title} (rev {int(time.time())})"
    page.save_revision().publish()
    connections.close_all()
    return page.title


# --- gunicorn -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving elearn.wsgi with bench.settings, in its own process group."""

    def __init__(self, args, *, page_cache: bool, log_dir: Path):
        self.args = args
        self.page_cache = page_cache
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{'cached' if page_cache else 'uncached'}.log"
        self.proc = None

    def start(self) -> None:
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
        if not gunicorn.exists():
            gunicorn = Path(shutil.which("gunicorn") or "gunicorn")
        command = [str(gunicorn), "elearn.wsgi", "--workers", str(self.args.workers),
                   "--bind", f"{HOST}:{self.port}", "--log-level", "warning", "--timeout", "60"]
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=child_env(self.args, page_cache=self.page_cache),  # noqa: S603
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited with status {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                status, _ = fetch(self.port, "/healthz")
                if status == 200:
                    return
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer /healthz with 200 within 60 s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # graceful: the master stops its workers
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script created for gunicorn
            self.proc.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no gunicorn log)"



# --- Load generator -----------------------------------------------------------------------------------


@dataclass
class Sample:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    first_error: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def _load(port: int, path: str, duration: float, concurrency: int) -> Sample:
    """`concurrency` clients, each sending GETs back to back (one connection per request) for `duration` s."""
    request = (f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: campus-bench\r\n"
               "Accept: text/html\r\nConnection: close\r\n\r\n").encode()
    sample = Sample()
    start = time.perf_counter()
    deadline = start + duration
    last_end = start

    async def one() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(request)
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        status = data[9:12]
        if status != b"200":
            raise BenchError(f"HTTP {status.decode(errors='replace') or 'no response'}")

    async def client() -> None:
        nonlocal last_end
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                await asyncio.wait_for(one(), timeout=30)
            except (OSError, TimeoutError, BenchError) as exc:
                sample.errors += 1
                sample.first_error = sample.first_error or f"{type(exc).__name__}: {exc}"
            else:
                ended = time.perf_counter()
                sample.requests += 1
                sample.latencies.append(ended - began)
            last_end = max(last_end, time.perf_counter())

    await asyncio.gather(*(client() for _ in range(concurrency)))
    sample.seconds = last_end - start
    return sample


def load(port: int, path: str, duration: float, concurrency: int) -> Sample:
    return asyncio.run(_load(port, path, duration, concurrency))


# --- Passes and report --------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    path: str
    marker: str  # must appear in the page's HTML (sanity check before measuring)
    samples: list = field(default_factory=list)

    def merged(self) -> Sample:
        total = Sample()
        for sample in self.samples:
            total.requests += sample.requests
            total.errors += sample.errors
            total.seconds += sample.seconds
            total.latencies += sample.latencies
            total.first_error = total.first_error or sample.first_error
        return total


def endpoints_for(seeded: Seeded) -> list[Endpoint]:
    catalog = seeded.catalog_url
    return [
        Endpoint("baseline /bench/minimal/", "/bench/minimal/", "ok"),
        Endpoint(f"catalogue {catalog}", catalog, 'class="course-card"'),
        Endpoint("catalogue, filtered", f"{catalog}?line=training&modality=self_paced", 'class="course-card"'),
        Endpoint(f"course {seeded.course_url}", seeded.course_url, 'class="outline__module"'),
    ]


def check_pages(port: int, endpoints: list[Endpoint], server: Server) -> None:
    for endpoint in endpoints:
        status, body = fetch(port, endpoint.path)
        if status != 200 or endpoint.marker not in body:
            raise BenchError(f"GET {endpoint.path} -> {status}; expected 200 containing {endpoint.marker!r}.\n"
                             f"gunicorn log:\n{server.log_tail()}")


def check_invalidation(args, port: int, seeded: Seeded) -> bool:
    """Publish a new title for a course through the ORM; the catalogue and course page must show it at once."""
    _, before = fetch(port, seeded.catalog_url)
    cached = cached_page_count(args.cache_url)
    new_title = publish_new_title(seeded.renamed_pk)
    _, catalog_html = fetch(port, seeded.catalog_url)
    _, course_html = fetch(port, seeded.course_url)
    ok = new_title in catalog_html and new_title in course_html
    print(f"  pages in the Redis page cache before publishing: {cached}")
    print(f"  published new title {new_title!r} (old title was in the catalogue: "
          f"{'yes' if seeded.course_title in before else 'no'})")
    print(f"  new title in catalogue: {'yes' if new_title in catalog_html else 'no'}; "
          f"in course page: {'yes' if new_title in course_html else 'no'}")
    print(f"cache invalidated on publish: {'yes' if ok else 'no'}")
    seeded.course_title = new_title
    return ok


def run_pass(args, seeded: Seeded, *, page_cache: bool, log_dir: Path) -> tuple[list[Endpoint], bool | None]:
    label = "page cache ON" if page_cache else "page cache OFF"
    print(f"\n== Pass: {label} — gunicorn --workers {args.workers}, concurrency {args.concurrency}, "
          f"{args.rounds} round(s) x {args.duration:g} s per endpoint, warm-up {args.warmup:g} s ==", flush=True)
    server = Server(args, page_cache=page_cache, log_dir=log_dir)
    invalidated = None
    try:
        server.start()
        endpoints = endpoints_for(seeded)
        check_pages(server.port, endpoints, server)
        if args.warmup:
            for endpoint in endpoints:
                load(server.port, endpoint.path, args.warmup, args.concurrency)
        for round_number in range(1, args.rounds + 1):
            for endpoint in endpoints:
                sample = load(server.port, endpoint.path, args.duration, args.concurrency)
                endpoint.samples.append(sample)
                print(f"  round {round_number}: {endpoint.name:<34} {sample.rps:8.1f} req/s"
                      f"{f'  {sample.errors} errors' if sample.errors else ''}", flush=True)
            if round_number == 1 and page_cache:
                invalidated = check_invalidation(args, server.port, seeded)
    finally:
        server.stop()
    print_table(label, endpoints)
    return endpoints, invalidated


def print_table(label: str, endpoints: list[Endpoint]) -> None:
    baseline = endpoints[0].merged().rps
    header = (f"{'endpoint':<34} {'req/s':>8} {'rounds (req/s)':>22} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6} "
              f"{'vs base':>8}  verdict")
    print(f"\nResults, {label} (target: page throughput >= {TARGET_RATIO:g} x baseline)")
    print(header)
    print("-" * len(header))
    for index, endpoint in enumerate(endpoints):
        total = endpoint.merged()
        per_round = "/".join(f"{s.rps:.0f}" for s in endpoint.samples)
        ratio = total.rps / baseline if baseline else 0.0
        verdict = "" if index == 0 else ("PASS" if ratio >= TARGET_RATIO else "BELOW TARGET")
        print(f"{endpoint.name:<34} {total.rps:8.1f} {per_round:>22} {percentile(total.latencies, 0.5) * 1000:8.1f} "
              f"{percentile(total.latencies, 0.95) * 1000:8.1f} {total.errors:6d} {ratio:8.2f}  {verdict}")
        if total.first_error:
            print(f"    first error: {total.first_error}")


def print_comparison(cached: list[Endpoint], uncached: list[Endpoint]) -> None:
    print("\nEffect of the page cache (throughput with cache / without):")
    for on, off in zip(cached[1:], uncached[1:], strict=True):
        on_rps, off_rps = on.merged().rps, off.merged().rps
        factor = f"{on_rps / off_rps:.1f}x" if off_rps else "n/a"
        print(f"  {on.name:<34} {on_rps:8.1f} vs {off_rps:8.1f} req/s  ({factor})")


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    print(f"Campus CRM catalogue benchmark — {describe_machine()}")
    db_name = database_name(args.database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="campus-bench-") as tmp:
            flush_cache(args.cache_url)
            if args.reuse_db:
                print(f"Reusing database {db_name!r} (no seeding).")
                setup_django(args)
                seeded = existing_content()
            else:
                started = time.monotonic()
                recreate_database(args.database_url)
                run_manage(args, "migrate", "--no-input", "-v", "0")
                print(f"Database {db_name!r} recreated and migrated in {time.monotonic() - started:.1f} s.")
                started = time.monotonic()
                setup_django(args)
                seeded = seed(args.courses)
                from django.db import connections

                connections.close_all()
                counts = ", ".join(f"{v} {k}" for k, v in seeded.counts.items())
                print(f"Seeded {counts} in {time.monotonic() - started:.1f} s.")
            print(f"Catalogue {seeded.catalog_url}, course {seeded.course_url}")

            cached, invalidated = run_pass(args, seeded, page_cache=True, log_dir=Path(tmp))
            uncached = None
            if not args.skip_uncached:
                uncached, _ = run_pass(args, seeded, page_cache=False, log_dir=Path(tmp))
                print_comparison(cached, uncached)
            print(f"\nMachine after the run: {describe_machine()}")
    except KeyboardInterrupt:
        print("\nInterrupted; gunicorn stopped.", file=sys.stderr)
        return 130
    except BenchError as exc:
        print(f"\nERROR: {exc}", file=sys.stderr)
        return 1

    errors = sum(e.merged().errors for e in cached + (uncached or []))
    problems = []
    if errors:
        problems.append(f"{errors} failed requests")
    if not invalidated:
        problems.append("a published change was not visible (stale page cache)")
    if problems:
        print(f"\nERROR: {'; '.join(problems)}", file=sys.stderr)
        return 1
    return 0


def existing_content() -> Seeded:
    """With --reuse-db: find the Spanish catalogue and its first course by title."""
    from django.utils import translation

    from courses.models import CatalogPage, CoursePage

    with translation.override("es"):
        catalog = CatalogPage.objects.live().filter(locale__language_code="es").first()
        if catalog is None:
            raise BenchError("--reuse-db: the database has no Spanish course catalogue; run without --reuse-db")
        course = (CoursePage.objects.live().child_of(catalog).filter(audience="everyone")
                  .order_by("title", "pk").first())
        if course is None:
            raise BenchError("--reuse-db: the catalogue has no course open to everyone")
        seeded = Seeded(catalog_url=catalog.url, course_url=course.url, course_title=course.title,
                        renamed_pk=course.pk)
    from django.db import connections

    connections.close_all()
    return seeded


if __name__ == "__main__":
    sys.exit(main())
