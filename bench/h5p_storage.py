"""H5P files from object storage: streamed by the platform, or a redirect to a signed S3 address? (docs/operations.md)

Starts moto's S3 server (`python -m moto.server`, a real HTTP S3 API on this machine), stores one H5P package in it
with the platform's own code (h5p/storage.py), and serves the files a player loads when it opens the activity
(h5p.json, content.json, every library's preloaded scripts and styles) through a small local HTTP server, both ways:

    stream     GET /stream/<name>   -> the server reads the object from S3 (one GetObject) and sends it (200)
    redirect   GET /redirect/<name> -> the server signs an S3 address (302); the browser then fetches it from S3

It prints per-file latency (median, p95) and the time to load the whole set one file after another and with six
parallel connections (a browser's per-host limit), for both, and their ratio. It also checks what the player needs
besides speed: whether a file a stylesheet references relatively (fonts, images) can still be fetched after a
redirect, and whether the address the browser caches stays the same between two page loads.

    .venv/bin/python bench/h5p_storage.py [--package path.h5p] [--rounds 5]

No database is used. Numbers from moto on the same machine leave out the network distance to a real S3 or MinIO
service, which adds the same round trip to both ways' S3 request; the redirect adds one more browser round trip to
the platform per file.
"""

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURE = ROOT.parent / "shared" / "fixtures" / "h5p" / "lumi-H5P.QuestionSet.h5p"
PARALLEL = 6


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearn.settings.test")
    import django

    django.setup()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def package_bytes(path: Path | None) -> tuple[bytes, str]:
    if path and path.is_file():
        return path.read_bytes(), path.name
    from h5p.sample import sample_package

    return sample_package(title="Bench", question="¿Sí?", correct=True), "sample (H5P.CampusYesNo)"


def store(data: bytes) -> list[str]:
    """Put the package in the "h5p" storage as an import does; return the names the player loads on open."""
    from h5p import storage

    staging = Path(tempfile.mkdtemp(prefix="bench-h5p-"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(staging)
        h5p_json = json.loads((staging / "h5p.json").read_text())
        names = ["content/bench/h5p.json", "content/bench/content/content.json"]
        content = staging / "content-folder"
        content.mkdir()
        (content / "content").mkdir()
        (staging / "h5p.json").rename(content / "h5p.json")
        (staging / "content" / "content.json").rename(content / "content" / "content.json")
        storage.replace_dir(content, "content/bench")
        folders = {f"{dep['machineName']}-{dep['majorVersion']}.{dep['minorVersion']}"
                   for dep in h5p_json.get("preloadedDependencies", [])}
        pending, seen = sorted(folders), set()
        while pending:  # the libraries the main library needs, and theirs
            folder = pending.pop()
            if folder in seen or not (staging / folder / "library.json").is_file():
                continue
            seen.add(folder)
            library = json.loads((staging / folder / "library.json").read_text())
            storage.replace_dir(staging / folder, f"libraries/{folder}")
            names += [f"libraries/{folder}/{entry['path']}" for key in ("preloadedJs", "preloadedCss")
                      for entry in library.get(key, [])]
            pending += [f"{dep['machineName']}-{dep['majorVersion']}.{dep['minorVersion']}"
                        for dep in library.get("preloadedDependencies", [])]
        return names
    finally:
        storage.remove_local(staging)


class Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # headers and body go out in separate writes, as from gunicorn

    def log_message(self, *args):
        pass

    busy: dict[str, list[float]] = {"stream": [], "redirect": []}  # the platform's time per request

    def do_GET(self):  # noqa: N802 - http.server's name
        mode = self.path.lstrip("/").partition("/")[0]
        start = time.perf_counter()
        self.answer()
        self.busy.setdefault(mode, []).append(time.perf_counter() - start)

    def answer(self):
        from h5p import storage

        mode, _sep, name = self.path.lstrip("/").partition("/")
        if mode == "stream":
            try:
                handle, size = storage.open_stored(name)
            except FileNotFoundError:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            while chunk := handle.read(64 * 1024):
                self.wfile.write(chunk)
            handle.close()
        else:
            self.send_response(302)
            self.send_header("Location", storage.h5p_storage().url(name))
            self.send_header("Content-Length", "0")
            self.end_headers()


class PooledHTTPServer(ThreadingHTTPServer):
    """Requests handled by a fixed set of long-lived threads, like gunicorn's workers: each keeps its S3 connection
    (django-storages holds one per thread), as a worker process does between requests."""

    pool = ThreadPoolExecutor(max_workers=4)

    def process_request(self, request, client_address):
        self.pool.submit(self.process_request_thread, request, client_address)


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local servers only
        response.read()
    return time.perf_counter() - start


def load(base: str, mode: str, names: list[str], parallel: int) -> tuple[list[float], float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        latencies = list(pool.map(lambda name: fetch(f"{base}/{mode}/{name}"), names))
    return latencies, time.perf_counter() - start


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", type=Path, default=FIXTURE, help="an .h5p file (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from tests.storage_backends import S3TestServer

    s3 = S3TestServer().start()
    try:
        setup_django(s3.environment())
        data, label = package_bytes(args.package)
        names = store(data)
        server = PooledHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        print(f"package: {label}; files the player loads on open: {len(names)}; rounds: {args.rounds}")
        results = {}
        for mode in ("stream", "redirect"):
            load(base, mode, names, 1)  # warm-up: connections, boto3 client
            Handler.busy[mode].clear()
        for mode in ("stream", "redirect"):
            serial, serial_total, parallel_total = [], [], []
            for _round in range(args.rounds):
                latencies, total = load(base, mode, names, 1)
                serial += latencies
                serial_total.append(total)
                parallel_total.append(load(base, mode, names, PARALLEL)[1])
            results[mode] = (statistics.median(serial), statistics.quantiles(serial, n=20)[18],
                             statistics.median(serial_total), statistics.median(parallel_total))
        print(f"{'':10}{'per file p50':>14}{'per file p95':>14}{'load, serial':>15}{f'load, {PARALLEL} conns':>15}"
              f"{'platform/file':>15}")
        for mode, (p50, p95, serial_total, parallel_total) in results.items():
            print(f"{mode:10}{ms(p50):>14}{ms(p95):>14}{ms(serial_total):>15}{ms(parallel_total):>15}"
                  f"{ms(statistics.median(Handler.busy[mode])):>15}")
        stream, redirect = results["stream"], results["redirect"]
        print(f"ratio redirect/stream: per file {redirect[0] / stream[0]:.2f}, load serial "
              f"{redirect[2] / stream[2]:.2f}, load {PARALLEL} conns {redirect[3] / stream[3]:.2f}")

        from h5p import storage

        signed = storage.h5p_storage().url(names[-1])
        sibling = signed.split("?")[0].rsplit("/", 1)[0] + "/" + names[-1].rsplit("/", 1)[1]
        try:
            status = urllib.request.urlopen(sibling, timeout=10).status  # noqa: S310
        except urllib.error.HTTPError as error:
            status = error.code
        print(f"redirect: the same object without the signature (what a relative url(...) in a redirected stylesheet "
              f"resolves to) -> HTTP {status}")
        again = storage.h5p_storage().url(names[-1])
        time.sleep(1.1)
        later = storage.h5p_storage().url(names[-1])
        print(f"redirect: signed address the browser caches is the same on the next page load: "
              f"{'yes' if again == later else 'no'} (stream: the same address all day, 304 on revalidation)")
        server.shutdown()
    finally:
        s3.stop()


if __name__ == "__main__":
    main()
