"""docker-compose.yml, deploy/nginx and .env.example agree with the settings: the stack an operator starts has a
worker for every queue, one beat, health checks, no files on app containers' disks and every variable it needs."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.deploy import compose
from tests.test_settings_env import settings_variables

# Variables the settings read that docker-compose.yml deliberately does not pass to web, workers and beat.
NOT_PASSED_TO_APP = {
    "DJANGO_DEBUG": "development only; production settings force DEBUG off",
    "MEDIA_ROOT": "local folder; files are in the MinIO bucket",
    "H5P_ROOT": "local folder; files are in the MinIO bucket",
    "CERTIFICATES_ROOT": "local folder; files are in the MinIO bucket",
    "STATIC_ROOT": "the image's own collected files (only the collectstatic one-shot points it at nginx's volume)",
    "PAGE_CACHE_ENABLED": "on by default once CACHE_URL names Redis",
    "AWS_S3_ADDRESSING_STYLE": "path-style by default with S3_ENDPOINT_URL, which is what MinIO answers",
}


@pytest.fixture(scope="module")
def stack() -> dict:
    return compose.raw()


def _size_in_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def _nginx_directive(name: str) -> list[str]:
    text = re.sub(r"#.*", "", compose.NGINX_TEMPLATE.read_text())
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)


def test_every_variable_the_compose_file_interpolates_is_in_env_example():
    used = compose.variables_used()
    documented = set(compose.env_file())
    assert {"SECRET_KEY", "POSTGRES_PASSWORD", "AWS_STORAGE_BUCKET_NAME", "MINIO_ROOT_PASSWORD"} <= used
    assert used - documented == set(), f"variables missing from .env.example: {used - documented}"


def test_env_example_with_its_secrets_filled_in_starts_the_stack():
    """.env.example leaves the secrets empty; filled in, every required ${VAR:?} is satisfied."""
    values = compose.env_file()
    with pytest.raises(compose.MissingVariable, match="SECRET_KEY"):
        compose.resolved(values)
    secrets = {name: "filled-in" for name, value in values.items() if not value}
    resolved = compose.resolved({**values, **secrets})
    web = compose.environment(resolved["services"]["web"])
    assert web["DATABASE_URL"] == "postgres://campus:filled-in@postgres:5432/campus"
    assert web["CELERY_BROKER_URL"].startswith("redis://redis:6379/")


def test_app_services_pass_only_variables_the_settings_read(stack):
    read = settings_variables()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ENV"} <= read
    for name, service in compose.app_services(stack).items():
        passed = set(compose.environment(service))
        assert passed, f"{name} passes no environment"
        assert passed - read == set(), f"{name} passes variables the settings never read: {passed - read}"


def test_app_services_get_every_variable_production_needs(stack):
    needed = settings_variables() - set(NOT_PASSED_TO_APP)
    assert set(NOT_PASSED_TO_APP) <= settings_variables(), "a variable listed as not passed is no longer read"
    for name, service in compose.long_running_app_services(stack).items():
        missing = needed - set(compose.environment(service))
        assert missing == set(), f"{name} does not get {missing} (pass it, or say why in NOT_PASSED_TO_APP)"
        assert compose.environment(service)["DJANGO_ENV"] == "production"


def test_every_queue_has_a_worker_service_that_consumes_it(stack):
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    consumed: dict[str, list[str]] = {}
    for name, service in stack["services"].items():
        if compose.celery_role(service) != "worker":
            continue
        queues = compose.option(compose.command(service), "-Q", "--queues")
        assert queues, f"{name} consumes no explicit queue: it would take every queue's tasks"
        for queue in queues.split(","):
            consumed.setdefault(queue, []).append(name)
    assert set(consumed) == declared, f"queues without a worker: {declared - set(consumed)}; " \
                                      f"workers of undeclared queues: {set(consumed) - declared}"
    assert settings.CELERY_TASK_DEFAULT_QUEUE in consumed
    for queue, services in consumed.items():
        assert len(services) == 1, f"{queue} is consumed by several services: {services}"


def test_each_worker_health_check_pings_its_own_node(stack):
    workers = {name: s for name, s in stack["services"].items() if compose.celery_role(s)}
    assert len(workers) >= 5
    for name, service in workers.items():
        nodename = compose.option(compose.command(service), "-n", "--hostname")
        assert nodename and nodename.endswith("@%h"), f"{name} has no node name of its own"
        check = " ".join(service["healthcheck"]["test"])
        node_in_container = nodename.replace("@%h", "@$$HOSTNAME")
        assert f"inspect ping -d {node_in_container}" in check, f"{name}'s health check does not ping {nodename}"
    nodenames = [compose.option(compose.command(s), "-n") for s in workers.values()]
    assert len(set(nodenames)) == len(nodenames)


def test_exactly_one_beat(stack):
    beats = [name for name, service in stack["services"].items() if compose.celery_role(service) == "beat"]
    assert beats == ["beat"]
    assert stack["services"]["beat"]["deploy"]["replicas"] == 1
    assert "--enable-remote-control" in compose.command(stack["services"]["beat"])
    embedded = [name for name, service in stack["services"].items()
                if compose.celery_role(service) == "worker" and {"-B", "--beat"} & set(compose.command(service))]
    assert embedded == [], f"workers running an embedded beat: {embedded}"


def test_every_service_has_a_health_check_and_one_shots_are_awaited(stack):
    services = stack["services"]
    awaited = {dependency for service in services.values()
               for dependency, rule in (service.get("depends_on") or {}).items()
               if rule.get("condition") == "service_completed_successfully"}
    for name, service in services.items():
        check = service.get("healthcheck") or {}
        if compose.is_one_shot(service):
            assert name in awaited, f"one-shot {name} is awaited by no service"
            continue
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"
    assert {"migrate", "collectstatic", "minio-init"} <= awaited
    assert {"nginx", "web", "postgres", "redis", "minio", "beat", "worker-pdf", "worker-email"} <= set(services)


def test_web_scales_behind_nginx(stack):
    web, nginx = stack["services"]["web"], stack["services"]["nginx"]
    assert "ports" not in web, "a fixed host port on web forbids `--scale web=N`"
    assert "container_name" not in web
    bind = compose.option(compose.command(web), "--bind", "-b")
    web_port = bind.rsplit(":", 1)[1]
    (upstream,) = re.findall(r"upstream\s+\w+\s*\{([^}]*)\}", compose.NGINX_TEMPLATE.read_text())
    servers = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", upstream, re.M)
    assert servers == [("web", web_port)], f"nginx's upstream {servers} is not the web service on {web_port}"
    assert [name for name, service in stack["services"].items() if service.get("ports")] == ["nginx"]
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"


def test_nginx_accepts_the_largest_upload_the_app_accepts():
    from enrolments.bulk import MAX_FILE_BYTES

    caps = {
        "H5P_MAX_UPLOAD_BYTES": settings.H5P_MAX_UPLOAD_BYTES,
        "bulk enrolment file": MAX_FILE_BYTES,
        # Wagtail's default when the setting is absent.
        "WAGTAILIMAGES_MAX_UPLOAD_SIZE": getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024),
    }
    (body_size,) = _nginx_directive("client_max_body_size")
    # Strictly more: the request also carries the form's other fields and the multipart boundaries.
    for name, cap in caps.items():
        assert _size_in_bytes(body_size) > cap, f"nginx refuses uploads the app accepts ({name}: {cap} bytes)"


def test_nginx_forwards_scheme_client_and_request_id():
    text = compose.NGINX_TEMPLATE.read_text()
    (proxied,) = re.findall(r"location / \{([^}]*)\}", text)
    headers = dict(re.findall(r"proxy_set_header\s+(\S+)\s+([^;]+);", proxied))
    assert headers["X-Forwarded-Proto"] == "$campus_forwarded_proto"
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Request-ID"] == "$campus_request_id"
    assert headers["Host"] == "$host"
    # The request id is nginx's own $request_id unless a proxy in front already set one.
    assert re.search(r"map \$http_x_request_id \$campus_request_id \{\n(.+\n)*?\s+default \$request_id;", text)
    assert re.search(r"gzip on;", text)


def test_nginx_template_variables_come_from_its_service(stack):
    used = compose.variables_referenced(re.sub(r"#.*", "", compose.NGINX_TEMPLATE.read_text()))
    # nginx's own variables are lower case; the image substitutes only the environment's (upper case) ones.
    template_variables = {name for name in used if name.isupper()}
    assert template_variables == {"AWS_STORAGE_BUCKET_NAME"}
    assert template_variables <= set(compose.environment(stack["services"]["nginx"]))


def test_no_app_container_keeps_files_on_its_own_disk(stack):
    for name, service in compose.long_running_app_services(stack).items():
        assert not service.get("volumes"), f"{name} mounts {service['volumes']}: its files would not be shared"
        environment = compose.environment(service)
        assert environment["AWS_STORAGE_BUCKET_NAME"] and environment["S3_ENDPOINT_URL"] == "http://minio:9000"
        assert not {"MEDIA_ROOT", "H5P_ROOT", "CERTIFICATES_ROOT"} & set(environment)
    mounted = {volume.split(":")[0] for service in stack["services"].values() for volume in service.get("volumes", [])}
    assert not {"media", "h5p", "certificates"} & (mounted | set(stack.get("volumes") or {}))


def _compose_command() -> list[str] | None:
    """`docker compose` (the plugin) or else the standalone `docker-compose`; neither needs an engine for `config`."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


def test_docker_compose_accepts_the_file(tmp_path):
    """The real parser, where one is installed: the file is valid and refuses to start without its secrets."""
    command = _compose_command()
    if command is None:
        pytest.skip("neither the docker compose plugin nor docker-compose is installed")
    # .env.example with what an operator fills in: every value docker-compose.yml requires (${NAME:?...}).
    required = compose.variables_required()
    values = {**dict.fromkeys(required, ""), **compose.env_file()}
    env_file = tmp_path / ".env"

    def config(env: dict[str, str]) -> subprocess.CompletedProcess:
        env_file.write_text("".join(f"{name}={value}\n" for name, value in env.items()))
        return subprocess.run([*command, "--project-directory", str(compose.ROOT), "-f", str(compose.COMPOSE_FILE),
                               "--env-file", str(env_file), "config", "-q"], capture_output=True, text=True,
                              timeout=60)

    filled = {name: value or ("filled-in" if name in required else "") for name, value in values.items()}
    result = config(filled)
    assert result.returncode == 0, result.stderr
    result = config({**filled, "SECRET_KEY": ""})
    assert result.returncode != 0 and "set SECRET_KEY in .env" in result.stderr
