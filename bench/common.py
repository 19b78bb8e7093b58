"""Pieces every benchmark script shares: errors, the machine's load, manage.py and Django set-up, and the way
figures are printed. Standard library only (the certificate worker imports its bench module at start-up)."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    """A failure that makes the run invalid (exit status 1)."""


def interrupt(signum, frame):
    """SIGTERM behaves like Ctrl-C, so a script's `finally` blocks stop servers and workers and remove files."""
    raise KeyboardInterrupt


def database_name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


def describe_machine() -> str:
    load1, load5, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {load1:.2f} (1 min) / {load5:.2f} (5 min)"


def run_manage(env: dict, *command: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], cwd=ROOT,  # noqa: S603
                            env=env, capture_output=True, text=True)
    if result.returncode:
        raise BenchError(f"manage.py {' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def percentile(values: list, fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "ABOVE TARGET"


def fetch(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, str]:
    """One GET with urllib (checks, not load); returns status and body, also for an error status."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{path}", timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")
