"""Settings come from the environment; production refuses to start half-configured."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-" + "x9Qz!7pLm#2vRt$8wYb@4nHc^6jKd&1sFg*5" * 2,
    "ALLOWED_HOSTS": "campus.example.org",
    "DATABASE_URL": "postgres://campus@127.0.0.1:5432/campus",
    "SITE_URL": "https://campus.example.org",
    # Production signs Open Badges credentials with its own key (check --deploy warns without one).
    "CERTIFICATE_SIGNING_KEY": Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    ).decode().replace("\n", "\\n"),
}


def _run(args, env_overrides, drop=()):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    inherited = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", *drop)
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env.update(env_overrides)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run(["manage.py", "check"], env, drop=(missing,))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def _compose_web_environment() -> dict[str, str]:
    """The environment docker-compose.yml gives the web containers, from .env.example with the values it requires
    filled in (as an operator's .env does)."""
    from tests.deploy import compose

    values = compose.env_file()
    for name in compose.variables_required():
        values[name] = values.get(name) or f"{name.lower()}-" + "Qx7!pLm#2vRt$8wYb@4nHc^6jKd&1sFg*5zA9eU"
    values["CERTIFICATE_SIGNING_KEY"] = PRODUCTION_ENV["CERTIFICATE_SIGNING_KEY"]
    return compose.environment(compose.resolved(values)["services"]["web"])


@pytest.mark.parametrize("environment", ["minimal", "docker compose web"])
def test_production_check_deploy_is_clean(environment):
    env = PRODUCTION_ENV if environment == "minimal" else _compose_web_environment()
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_unknown_environment_is_refused():
    result = _run(["manage.py", "check"], {"DJANGO_ENV": "staging"})
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


def test_database_url_selects_postgresql_and_default_is_sqlite():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    sqlite = _run(["-c", f"import django; django.setup(); {code}"],
                  {"DJANGO_SETTINGS_MODULE": "elearn.settings.dev"}, drop=("DATABASE_URL",))
    assert sqlite.stdout.strip() == "django.db.backends.sqlite3", sqlite.stderr
    postgres = _run(["-c", f"import django; django.setup(); {code}"],
                    {"DJANGO_SETTINGS_MODULE": "elearn.settings.dev",
                     "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"})
    assert postgres.stdout.strip() == "django.db.backends.postgresql", postgres.stderr


def test_broker_url_switches_celery_from_eager():
    code = ("import django; django.setup(); from elearn.celery import app; "
            "print(app.conf.task_always_eager, app.conf.broker_url)")
    eager = _run(["-c", code], {"DJANGO_SETTINGS_MODULE": "elearn.settings.dev"}, drop=("CELERY_BROKER_URL",))
    assert eager.stdout.split() == ["True", "memory://"], eager.stderr
    real = _run(["-c", code], {"DJANGO_SETTINGS_MODULE": "elearn.settings.dev",
                               "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"})
    assert real.stdout.split() == ["False", "redis://127.0.0.1:6379/3"], real.stderr


def settings_variables() -> set[str]:
    """Every environment variable the settings package and entry points read (env("X"), env.bool("X")...)."""
    names = set()
    for path in [*(ROOT / "elearn" / "settings").glob("*.py"), ROOT / "elearn" / "environment.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and (getattr(func.value, "id", None) == "env" or func.attr == "get"))
            first = node.args[0]
            if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
                if re.fullmatch(r"[A-Z][A-Z0-9_]+", first.value):
                    names.add(first.value)
    return names


def test_env_example_documents_every_variable():
    from tests.deploy import compose

    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = settings_variables()
    # docker-compose.yml's own variables (POSTGRES_PASSWORD, MINIO_ROOT_USER...): tests/deploy/test_compose.py.
    compose_only = compose.variables_used() - read
    assert read - documented == set(), f"undocumented: {read - documented}"
    assert documented - read - compose_only == set(), f"documented but never read: {documented - read - compose_only}"


def test_secret_key_rotation_keeps_signed_addresses_valid(settings):
    """With the old key in SECRET_KEY_FALLBACKS, what was signed before the rotation (here an H5P player address,
    signed like sessions and reset links) is still accepted; once the fallback is dropped it is not."""
    from h5p.player import grant_read, player_token

    settings.SECRET_KEY = "old-secret-key-" + "a" * 40
    token = player_token(user_id=7, lesson_id=8, block_id="act-1")

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-secret-key-" + "b" * 40, [settings.SECRET_KEY]
    assert grant_read(token).user_id == 7

    settings.SECRET_KEY_FALLBACKS = []
    assert grant_read(token) is None


def test_secret_key_fallbacks_are_read_from_the_environment():
    env = {**PRODUCTION_ENV, "SECRET_KEY_FALLBACKS": "first-old-key,second-old-key"}
    code = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    result = _run(["-c", f"from elearn.environment import configure; configure(); import django; django.setup(); "
                         f"{code}"], env)
    assert result.stdout.strip() == "['first-old-key', 'second-old-key']", result.stderr
