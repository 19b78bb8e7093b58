"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Never downloads a browser: the executable is /usr/bin/chromium (`make test` installs it with apt).
"""

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread, and pytest-django's session fixtures may then
# set up the database under it. The tests only touch the database through fixtures, between browser steps.
# (Subprocesses started by other tests drop this variable: see tests/test_settings_env.py.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (rep_setup, rep_call, ...) for `demo_site`'s teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if "worker" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.celery_worker)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Debian's chromium at {CHROMIUM}")
        pytest.skip(f"no chromium at {CHROMIUM} (make test installs it with apt)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "es-ES", "viewport": {"width": 1280, "height": 900}}


CSP_REFUSAL = re.compile(r"Content.Security.Policy", re.IGNORECASE)


@pytest.fixture(autouse=True)
def csp_refusals(browser):
    """Every page a browser test opens runs under the real Content-Security-Policy: a script, style, frame or
    request the policy refused (chromium reports each on the console) fails the test."""
    refused: list[str] = []
    open_context = browser.new_context

    def new_context(*args, **kwargs):
        context = open_context(*args, **kwargs)
        context.on("console", lambda message: refused.append(f"{message.location.get('url')}: {message.text}")
                   if CSP_REFUSAL.search(message.text) else None)
        return context

    browser.new_context = new_context
    yield refused
    del browser.new_context
    assert not refused, "The content security policy refused:\n" + "\n".join(refused)


@pytest.fixture
def demo_site(request, transactional_db, live_server, browser):
    """The demo content on the live server. Torn down before the database is flushed: every page is sent to
    about:blank first, because a page still loading (an H5P player's stylesheets) keeps the live server reading
    tables the flush truncates, and PostgreSQL then reports a deadlock and leaves the next test a broken database."""
    from django.core.management import call_command

    call_command("seed_demo", "--no-stored-figures", stdout=open(os.devnull, "w"))  # the dashboard counts live
    yield live_server.url
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:  # before the pages are sent away: pytest-playwright's shot comes later
        folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "playwright" / "failed"
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid)
        for number, open_page in enumerate(page for context in browser.contexts for page in context.pages):
            with contextlib.suppress(Exception):
                open_page.screenshot(path=str(folder / f"{name}-{number}.png"), full_page=True)
    for context in browser.contexts:
        for open_page in context.pages:
            open_page.goto("about:blank")
    time.sleep(0.5)  # requests the browser just dropped may still be finishing on the server


@pytest.fixture
def worker(demo_site):
    """A real Celery worker on a private queue for journeys whose steps run as tasks, or None where tasks run
    eagerly (tests/browser/journey_worker.py). Depends on `demo_site`, so it stops before the database is flushed."""
    from tests.browser.journey_worker import celery_worker

    with celery_worker() as process:
        yield process


@pytest.fixture(scope="session")
def _migration_rows_snapshot(django_db_setup, django_db_blocker, playwright) -> str:
    """The rows the data migrations create (root and home pages, locales, roles, content types), serialized before
    the first browser test runs (browser tests run first among transactional tests: see tests/conftest.py).

    Taken after `playwright` starts: its sync API runs the rest of the session in a greenlet with its own context,
    and Django keeps one connection object per context, so the tests see a different one than before.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return connection._test_serialized_contents


@pytest.fixture(autouse=True)
def _migration_rows_restored(_migration_rows_snapshot, django_db_serialized_rollback):
    """Every transactional test flushes all tables when it ends, and every browser journey needs the migrations'
    rows: with serialized rollback Django reloads them before each browser test, whatever ran before it."""


@pytest.fixture(scope="module", autouse=True)
def _migration_rows_left_behind(_migration_rows_snapshot, django_db_blocker):
    """A serialized-rollback flush skips post_migrate (no content types or permissions are re-created): put the
    migrations' rows back for the transactional tests that run after the browser tests."""
    yield
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(_migration_rows_snapshot)
    ContentType.objects.clear_cache()
