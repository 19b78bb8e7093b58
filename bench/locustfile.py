"""Locust scenario of the load bench (bench/load.py): anonymous visitors, signed-in learners and a baseline probe.

User classes (pick them by name on locust's command line; bench/load.py does):

- `AnonymousVisitor`: home page, catalogue (plain, filtered, searched) and course pages, in Spanish and English.
- `Learner`: a learner enrolled in the demo courses reads lessons in order, marks some complete (form POST),
  opens the interactive-practice lesson and its H5P player and posts xAPI statements as the page's script does,
  and submits the final quiz while attempts are left.
- `XapiLearner`: posts xAPI statements only, at a constant rate per user (the "100 statements/s" run).
- `MinimalProbe`: requests /bench/minimal/ at a low steady rate throughout every run, so the baseline's latency
  is measured under the same load as the pages.

Learners never sign in through the login form (rate limited, and password hashing would dominate): bench/load.py
creates the accounts, their enrolments and their Django sessions, and writes the session keys and the content's
addresses to the JSON file named by BENCH_LOAD_DATA. Each simulated learner takes its own account. CSRF tokens come
from the pages, as in a browser: the form field for form POSTs, the `data-csrf` attribute for the xAPI script.

At exit the file named by BENCH_LOAD_COUNTS (if set) receives the number of statements sent and re-sent.
"""

# ruff: noqa: S311  -- random choices shape the simulated traffic; nothing here is security-relevant
import itertools
import json
import os
import random
import re
import uuid
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant_throughput, events, task

DATA = json.loads(open(os.environ["BENCH_LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115
_accounts = itertools.count()
COUNTS = {"statements": 0, "duplicates": 0}

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_DATA = re.compile(r'data-csrf="([^"]+)"')
COMPLETE_FORM = re.compile(r'action="([^"]*/lesson/\d+/complete/)"')
PLAYER_SRC = re.compile(r'src="([^"]*/h5p/play/[^"]+)"')
QUIZ_FORM = re.compile(r'<form class="quiz__form"[^>]*action="([^"]+)"')
QUIZ_CHOICE = re.compile(r'<input type="(radio|checkbox)" name="(q-[^"]+)" id="[^"]*" value="([^"]+)"')

VERBS = {
    "interacted": "http://adlnet.gov/expapi/verbs/interacted",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
}


def _take_account() -> str:
    """The next learner's session key; accounts are never shared between simulated users."""
    index = next(_accounts)
    sessions = DATA["sessions"]
    if index >= len(sessions):
        raise RuntimeError(f"only {len(sessions)} learner sessions in {os.environ['BENCH_LOAD_DATA']}; "
                           "create more (bench/load.py --learners)")
    return sessions[index]


def _sign_in(user: FastHttpUser) -> None:
    host = urlsplit(user.host).hostname
    user.client.cookiejar.set_cookie(Cookie(
        version=0, name=DATA["session_cookie"], value=_take_account(), port=None, port_specified=False,
        domain=host, domain_specified=False, domain_initial_dot=False, path="/", path_specified=True,
        secure=False, expires=None, discard=True, comment=None, comment_url=None, rest={}, rfc2109=False,
    ))


def statement_for(activity_iri: str, *, kind: str) -> dict:
    """A statement shaped like those H5P's TrueFalse / MultiChoice players emit (the server sets the actor)."""
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"name": "Learner", "mbox": "mailto:learner@learners.invalid", "objectType": "Agent"},
        "verb": {"id": VERBS[kind], "display": {"en-US": kind}},
        "object": {"id": activity_iri, "objectType": "Activity",
                   "definition": {"name": {"es": "Reconocer un indicador"},
                                  "interactionType": "true-false", "correctResponsesPattern": ["true"]}},
        "context": {"contextActivities": {"category": [
            {"id": "http://h5p.org/libraries/H5P.TrueFalse-1.8", "objectType": "Activity"}]}},
    }
    if kind == "answered":
        raw = random.choice((0, 1))
        statement["result"] = {"score": {"min": 0, "max": 1, "raw": raw, "scaled": raw}, "completion": True,
                               "success": bool(raw), "duration": f"PT{random.randint(2, 40)}S",
                               "response": "true" if raw else "false"}
    return statement


class XapiPoster:
    """Posts statements the way static/js/h5p-lesson.js does; re-sends about one in ten (a duplicate)."""

    def __init__(self, user: FastHttpUser, lesson: dict):
        self.user, self.lesson = user, lesson
        self.csrf = ""
        self.sent: list[str] = []

    def open_lesson(self, *, name: str) -> str:
        with self.user.client.get(self.lesson["url"], name=name, catch_response=True) as response:
            body = response.text or ""
            match = CSRF_DATA.search(body)
            if response.status_code != 200 or match is None:
                response.failure(f"H5P lesson: HTTP {response.status_code}, CSRF token found: {bool(match)}")
                return ""
            self.csrf = match.group(1)
            return body

    def post(self) -> None:
        if not self.csrf:
            return
        if self.sent and random.random() < 0.1:
            body = random.choice(self.sent)
            COUNTS["duplicates"] += 1
        else:
            block = random.choice(self.lesson["blocks"])
            kind = random.choices(("interacted", "attempted", "answered"), weights=(5, 2, 3))[0]
            body = json.dumps({"lesson": self.lesson["id"], "block": block,
                               "statement": statement_for(self.lesson["iris"][block], kind=kind)})
            self.sent = [*self.sent[-19:], body]
            COUNTS["statements"] += 1
        with self.user.client.post(
            "/h5p/xapi/", data=body, name="learner: xAPI statement (POST)", catch_response=True,
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf},
        ) as response:
            if not 200 <= response.status_code < 300:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")


class AnonymousVisitor(FastHttpUser):
    """Someone browsing the public catalogue (answered mostly from the page cache, as in production)."""

    weight = 3
    wait_time = between(1, 5)

    @task(1)
    def home(self):
        self.client.get(random.choice(DATA["anonymous"]["home"]), name="anon: home")

    @task(3)
    def catalogue(self):
        self.client.get(random.choice(DATA["anonymous"]["catalogues"]), name="anon: catalogue")

    @task(2)
    def search(self):
        self.client.get(random.choice(DATA["anonymous"]["searches"]), name="anon: catalogue search/filter")

    @task(4)
    def course(self):
        self.client.get(random.choice(DATA["anonymous"]["courses"]), name="anon: course page")


class Learner(FastHttpUser):
    """A signed-in learner working through the courses they are enrolled in."""

    weight = 2
    wait_time = between(1, 5)

    def on_start(self):
        _sign_in(self)
        self.courses = DATA["courses"]
        self.course = random.choice(self.courses)
        self.position = random.randrange(len(self.course["lessons"]))
        self.xapi = XapiPoster(self, DATA["h5p"])
        self.quiz_done = False

    def _lesson(self, url: str) -> str:
        with self.client.get(url, name="learner: lesson", catch_response=True) as response:
            body = response.text or ""
            # A signed-out page would still be 200: the session must be recognised for the scenario to be real.
            if response.status_code == 200 and CSRF_FIELD.search(body) is None:
                response.failure("lesson page without a form: not signed in or not enrolled?")
            return body

    @task(6)
    def read_lesson(self):
        lessons = self.course["lessons"]
        if self.position >= len(lessons):
            self.course, self.position = random.choice(self.courses), 0
            self.client.get(self.course["url"], name="learner: course page")
            return
        url = lessons[self.position]
        self.position += 1
        body = self._lesson(url)
        form, csrf = COMPLETE_FORM.search(body), CSRF_FIELD.search(body)
        if form and csrf and random.random() < 0.6:
            with self.client.post(form.group(1), data={"csrfmiddlewaretoken": csrf.group(1)},
                                  name="learner: mark lesson complete (POST)", allow_redirects=False,
                                  catch_response=True) as response:
                if response.status_code != 302:
                    response.failure(f"expected a redirect, got HTTP {response.status_code}")

    @task(2)
    def h5p_practice(self):
        body = self.xapi.open_lesson(name="learner: lesson")
        player = PLAYER_SRC.search(body)
        if player:
            self.client.get(player.group(1).replace("&amp;", "&"), name="learner: H5P player frame")
        for _ in range(random.randint(1, 3)):
            self.xapi.post()

    @task(1)
    def quiz(self):
        if self.quiz_done:
            return
        body = self._lesson(DATA["quiz"]["url"])
        form, csrf = QUIZ_FORM.search(body), CSRF_FIELD.search(body)
        if form is None or csrf is None:
            self.quiz_done = True  # every attempt used (or passed): the page no longer offers the form
            return
        choices: dict[str, list[tuple[str, str]]] = {}
        for kind, name, value in QUIZ_CHOICE.findall(body):
            choices.setdefault(name, []).append((kind, value))
        data = [("csrfmiddlewaretoken", csrf.group(1)), ("lesson", str(DATA["quiz"]["lesson"])),
                ("block", DATA["quiz"]["block"])]
        for name, options in choices.items():
            if options[0][0] == "checkbox":
                data.append((name, ""))
                data += [(name, value) for _kind, value in options if random.random() < 0.5]
            else:
                data.append((name, random.choice(options)[1]))
        # The form repeats a name for ticked boxes: encoded here, as FastHttpSession's `data` takes a dict only.
        with self.client.post(form.group(1), data=urlencode(data), name="learner: quiz submit (POST)",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"expected a redirect, got HTTP {response.status_code}")

    @task(1)
    def dashboard(self):
        self.client.get(DATA["dashboard"], name="learner: dashboard")


class XapiLearner(FastHttpUser):
    """One statement per second per user: N users give N statements/s while each answers within a second."""

    weight = 1
    wait_time = constant_throughput(1)

    def on_start(self):
        _sign_in(self)
        self.xapi = XapiPoster(self, DATA["h5p"])
        self.xapi.open_lesson(name="xapi run: lesson (start-up)")

    @task
    def statement(self):
        self.xapi.post()


class MinimalProbe(FastHttpUser):
    """The baseline: a minimal Django view behind the same middleware, a few requests a second all run long."""

    # Several probes at a low rate each: under saturation a probe waits for its answer before the next request,
    # so one fast probe would yield too few samples for a p95.
    fixed_count = 6
    wait_time = constant_throughput(0.8)

    @task
    def minimal(self):
        self.client.get("/bench/minimal/", name="minimal view (baseline)")


@events.quitting.add_listener
def _write_counts(environment, **_kwargs):
    path = os.environ.get("BENCH_LOAD_COUNTS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(COUNTS, out)
