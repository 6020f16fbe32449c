"""Load run of the collection portal on loopback: N LA users at once, each uploading a
1,000-worker return and reading its results page.

    .venv/bin/python benchmarks/portal_load.py [--users 50] [--workers 1000] [--threads 16]
                                               [--database-url postgresql://...]

The portal runs as ``csww serve`` (waitress, multi-threaded) in a child process on
127.0.0.1 with a fresh database; every LA user signs in first (Django's default password
hashing is deliberately slow, so sign-in is timed separately), then all start together.
Afterwards the database is checked: every upload stored, each LA's current version holding
all its workers. Traffic goes to the loopback address only and the run is bounded.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from machine import machine

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2018
PASSWORD = "load-test-password-0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def django_env(db_path: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "csww_portal.settings",
            "SECRET_KEY": "load-test-only-" + "x" * 40,
            "CSWW_PORTAL_SECURE_COOKIES": "0",  # plain HTTP on loopback
            "CSWW_PORTAL_DB": str(db_path),
            "CSWW_PORTAL_LOG_LEVEL": "WARNING",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(users: int, workers: int, env: dict[str, str]) -> list[tuple[str, str, bytes]]:
    """Migrate, create the collection and users, and build each LA's return (in this process)."""
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from csww.synth import generate
    from csww.writer import to_bytes
    from csww_portal.models import LocalAuthority, Membership, Role
    from csww_portal.services.collections import create_collection

    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    create_collection(
        YEAR,
        opens=today - timedelta(days=1),
        closes=today + timedelta(days=30),
        la_read_only_until=today + timedelta(days=37),
        dfe_read_only_from=today + timedelta(days=90),
    )
    model = get_user_model()
    out = []
    for la in LocalAuthority.objects.order_by("code")[:users]:
        username = f"load.{la.code}"
        user, _ = model.objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"role": Role.LA_SUBMITTER, "la": la}
        )
        scale = 1.0
        ret = generate(YEAR, la.code, seed=1, scale=scale)
        while len(ret.workers) < workers:
            scale *= 1.3 * workers / max(len(ret.workers), 1)
            ret = generate(YEAR, la.code, seed=1, scale=scale)
        ret.workers = ret.workers[:workers]
        ret.header.values["LEA"] = (
            la.code
        )  # synth writes Kingston's code on the joint 314 / 318 return
        out.append((la.code, username, to_bytes(ret)))
    return out


def start_server(
    port: int, threads: int, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from csww.cli.main import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sign-in/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"The portal did not start; see {log}")


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def token(response: httpx.Response) -> str:
    match = CSRF.search(response.text)
    assert match, f"no CSRF token on {response.url}"
    return match.group(1)


class User:
    def __init__(self, base: str, code: str, username: str, data: bytes) -> None:
        self.code, self.username, self.data = code, username, data
        self.client = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
        self.times: dict[str, float] = {}
        self.failure = ""

    def sign_in(self) -> None:
        page = self.client.get("/sign-in/")
        started = time.perf_counter()
        response = self.client.post(
            "/sign-in/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token(page),
            },
        )
        self.times["sign_in"] = time.perf_counter() - started
        if response.status_code != 302:
            self.failure = f"sign-in {response.status_code}"

    def work(self, start: threading.Barrier, delay: float) -> None:
        try:
            form = self.client.get(f"/collections/{YEAR}/la/{self.code}/upload/")
            csrf = token(form)
            start.wait()
            time.sleep(delay)
            began = time.perf_counter()
            response = self.client.post(
                f"/collections/{YEAR}/la/{self.code}/upload/",
                data={"csrfmiddlewaretoken": csrf},
                files={"return_file": (f"csww-{self.code}.xml", self.data, "application/xml")},
            )
            self.times["upload"] = time.perf_counter() - began
            if response.status_code != 302:
                self.failure = f"upload {response.status_code}"
                return
            began = time.perf_counter()
            results = self.client.get(response.headers["Location"])
            self.times["results"] = time.perf_counter() - began
            if results.status_code != 200 or "Results" not in results.text:
                self.failure = f"results {results.status_code}"
        except Exception as exc:  # a failed request is a result of the run, not a crash of it
            self.failure = f"{type(exc).__name__}: {exc}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def verify(prepared: list[tuple[str, str, bytes]], workers: int) -> list[str]:
    from csww_portal.models import LAReturn, Upload

    problems = []
    for code, _u, data in prepared:
        ret = LAReturn.objects.select_related("current").get(collection__year=YEAR, la__code=code)
        uploads = Upload.objects.filter(la_return=ret)
        if uploads.count() != 1 or bytes(uploads.get().content) != data:
            problems.append(f"{code}: upload not stored intact")
        if ret.current is None or ret.workers != workers:
            problems.append(f"{code}: current version missing or has {ret.workers} workers")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="spread the users' starts evenly over this many seconds (0: all at once)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="csww-load-"))
    env = django_env(tmp / "portal.sqlite3", args.database_url)
    print(f"Machine: {machine()}")
    t0 = time.perf_counter()
    prepared = prepare(args.users, args.workers, env)
    print(
        f"Prepared {len(prepared)} returns of {args.workers} workers "
        f"({sum(len(d) for *_x, d in prepared) / len(prepared) / 1024:.0f} KB each) in {time.perf_counter() - t0:.1f}s"
    )
    port = free_port()
    server = start_server(port, args.threads, env, tmp / "server.log")
    try:
        base = f"http://127.0.0.1:{port}"
        users = [User(base, code, name, data) for code, name, data in prepared]
        signers = [threading.Thread(target=u.sign_in) for u in users]
        for t in signers:
            t.start()
        for t in signers:
            t.join(timeout=300)
        start = threading.Barrier(len(users), timeout=120)
        wall = time.perf_counter()
        step = args.ramp / len(users)
        threads = [
            threading.Thread(target=u.work, args=(start, i * step)) for i, u in enumerate(users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        wall = time.perf_counter() - wall
    finally:
        server.terminate()
        server.wait(timeout=30)
    failures = [f"{u.code}: {u.failure}" for u in users if u.failure]
    print(
        f"Server: csww serve (waitress, {args.threads} threads), database "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    how = "all at once" if not args.ramp else f"starting evenly over {args.ramp:g}s"
    print(f"{len(users)} users {how}; all uploads and results pages done in {wall:.1f}s wall time")
    print("| request | n | p50 (s) | p95 (s) | max (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("sign_in", "upload", "results"):
        values = [u.times[kind] for u in users if kind in u.times]
        if values:
            print(
                f"| {kind} | {len(values)} | {statistics.median(values):.3f} | "
                f"{percentile(values, 95):.3f} | {max(values):.3f} |"
            )
    both = [u.times[k] for u in users for k in ("upload", "results") if k in u.times]
    if both:
        print(
            f"| upload + results (target) | {len(both)} | {statistics.median(both):.3f} | "
            f"{percentile(both, 95):.3f} | {max(both):.3f} |"
        )
    problems = verify(prepared, args.workers)
    print(f"Failures: {len(failures)}{(': ' + '; '.join(failures[:5])) if failures else ''}")
    print(
        f"Stored and checked: {len(prepared) - len(problems)}/{len(prepared)} uploads intact, "
        f"current version with {args.workers} workers{(': ' + '; '.join(problems[:5])) if problems else ''}"
    )
    sys.exit(1 if failures or problems else 0)


if __name__ == "__main__":
    main()
