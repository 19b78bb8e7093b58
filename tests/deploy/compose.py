"""docker-compose.yml read as docker compose reads it: YAML, then ${VAR} interpolation from an env file."""

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "templates" / "default.conf.template"
APP_IMAGE = "campus-crm:latest"

# $$ (a literal $), ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, ${NAME:+other}, $NAME
_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


class MissingVariable(ValueError):
    """A ${NAME:?message} whose variable is unset or empty."""


def raw() -> dict:
    """The compose file as YAML, before interpolation."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def variables_referenced(text: str) -> set[str]:
    """Names of the variables `text` interpolates ($$ is an escaped dollar, not a reference)."""
    return {m["braced"] or m["plain"] for m in _REFERENCE.finditer(text) if not m["escaped"]}


def variables_used() -> set[str]:
    """Every variable the compose file interpolates (in its values: YAML comments are not interpolated)."""
    return set().union(*(variables_referenced(text) for text in _strings(raw())))


def variables_required() -> set[str]:
    """The variables the compose file requires with ${NAME:?message} or ${NAME?message}."""
    return {m["braced"] for text in _strings(raw()) for m in _REFERENCE.finditer(text)
            if m["operator"] in (":?", "?")}


def env_file(path: Path | None = None) -> dict[str, str]:
    """NAME=value lines of an env file (.env.example by default; comments and blank lines skipped), as docker
    compose reads .env."""
    values = {}
    for line in (path or ENV_EXAMPLE).read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", line.strip())
        if match:
            values[match[1]] = match[2]
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    def substitute(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["plain"]
        operator, argument = match["operator"], match["argument"] or ""
        value = env.get(name)
        empty = not value
        if operator in (":-", "-"):
            return argument if (empty if operator == ":-" else value is None) else value
        if operator in (":?", "?"):
            if empty if operator == ":?" else value is None:
                raise MissingVariable(f"{name}: {argument}")
            return value
        if operator in (":+", "+"):
            return "" if (empty if operator == ":+" else value is None) else argument
        return value or ""

    return _REFERENCE.sub(substitute, text)


def resolved(env: dict[str, str]) -> dict:
    """The compose file with every string interpolated from `env` (MissingVariable for a required one)."""

    def walk(node):
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return interpolate(node, env) if isinstance(node, str) else node

    return walk(raw())


def environment(service: dict) -> dict[str, str]:
    """A service's environment as a mapping (compose accepts a mapping or a list of NAME=value)."""
    value = service.get("environment") or {}
    if isinstance(value, dict):
        return {key: "" if item is None else str(item) for key, item in value.items()}
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in value)


def command(service: dict) -> list[str]:
    value = service.get("command") or []
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def app_services(compose: dict) -> dict[str, dict]:
    """Services running the platform's own image (web, workers, beat and the one-shots)."""
    return {name: s for name, s in compose["services"].items() if s.get("image") == APP_IMAGE or "build" in s}


def is_one_shot(service: dict) -> bool:
    return service.get("restart") == "no"


def long_running_app_services(compose: dict) -> dict[str, dict]:
    """web, the workers and beat: the app containers that keep running."""
    return {name: s for name, s in app_services(compose).items() if not is_one_shot(s)}


def celery_role(service: dict) -> str | None:
    """"worker" or "beat" for `celery -A elearn worker|beat ...` commands, else None."""
    parts = command(service)
    if parts[:1] == ["celery"]:
        return next((part for part in parts if part in ("worker", "beat")), None)
    return None


def option(parts: list[str], *names: str) -> str | None:
    """The value after the first of `names` in a command line (`-Q pdf`), or None."""
    for index, part in enumerate(parts[:-1]):
        if part in names:
            return parts[index + 1]
    return None
