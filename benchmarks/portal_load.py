"""Load run of the collection portal on loopback: N LA users at the same instant, each
uploading a 1,000-worker return, then following its check until the results are ready.

    .venv/bin/python benchmarks/portal_load.py [--users 152] [--workers 1000] [--threads 16]
        [--check-workers 2] [--hasher argon2|pbkdf2] [--sign-in-only]
        [--database-url postgresql://postgres@127.0.0.1:5432/csww_load]

The portal runs as ``csww serve`` (waitress, multi-threaded) in a child process on
127.0.0.1 with a fresh database, and the upload checks run in ``csww worker`` processes
beside it (the production layout). Every LA user signs in first (timed: password hashing is
deliberately slow), then all upload at once; each follows its check on the progress page's
JSON until it is finished, then reads its results page. Measured: upload acknowledged,
results ready (from the upload's start), the progress and results pages while the burst is
being checked, and failures. Afterwards the database is checked: every upload stored byte for
byte with exactly one check, one version, and that version current. Traffic goes to the
loopback address only; every wait is bounded.
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
from typing import Any

import httpx
from machine import machine

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2018
PASSWORD = "load-test-password-0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def django_env(db_path: Path, database_url: str | None, hasher: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "csww_portal.settings",
            "SECRET_KEY": "load-test-only-" + "x" * 40,
            "CSWW_PORTAL_SECURE_COOKIES": "0",  # plain HTTP on loopback
            "CSWW_PORTAL_DB": str(db_path),
            "CSWW_PORTAL_LOG_LEVEL": "WARNING",
            "CSWW_PASSWORD_HASHER": hasher,
        }
    )
    env.pop("CSWW_TASKS_BACKEND", None)  # the real database queue
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
        if not workers:  # sign-in only: no returns to build
            out.append((la.code, username, b""))
            continue
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


CLI = [sys.executable, "-c", "from csww.cli.main import main; main()"]


def start_server(
    port: int, threads: int, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
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


def start_workers(count: int, env: dict[str, str], tmp: Path) -> list[subprocess.Popen[bytes]]:
    """Queue workers as separate processes (``csww worker``), as in production."""
    return [
        subprocess.Popen(
            [*CLI, "worker", "--interval", "0.2"],
            env=env,
            stdout=(tmp / f"worker{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for n in range(count)
    ]


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
        self.page_at: dict[str, float] = {}
        self.polls: list[float] = []
        self.ready_at = 0.0
        self.failure = ""

    def sign_in(self) -> None:
        try:
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
        except Exception as exc:  # a failed request is a result of the run, not a crash of it
            self.failure = f"sign-in {type(exc).__name__}: {exc}"

    def work(
        self,
        start: threading.Barrier,
        delay: float,
        poll: float,
        limit: float,
        acked: threading.Semaphore | None = None,
        go_on: threading.Event | None = None,
    ) -> None:
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
            if acked is not None and go_on is not None:
                acked.release()
                go_on.wait(600)  # nothing else reaches the server until every ack is in
            if response.status_code != 302 or "/uploads/" not in response.headers["Location"]:
                self.failure = f"upload {response.status_code}"
                return
            progress_url = response.headers["Location"]
            # "… is being checked", or "… has been checked" when a worker was already done.
            self.timed("progress_page", progress_url, "checked")
            state: dict[str, Any] = {"finished": False}
            while not state["finished"]:
                if time.perf_counter() - began > limit:
                    self.failure = f"not ready after {limit:g}s ({state.get('status')})"
                    return
                time.sleep(float(state.get("retry_after") or poll))  # as the page's script does
                asked = time.perf_counter()
                reply = self.client.get(progress_url + "status.json")
                self.polls.append(time.perf_counter() - asked)
                if reply.status_code != 200:
                    self.failure = f"status {reply.status_code}"
                    return
                state = reply.json()
            self.times["ready"] = time.perf_counter() - began
            self.ready_at = time.monotonic()
            if state["status"] != "done" or not state["current"]:
                self.failure = f"check {state['status']}: {state['message']}"
                return
            self.timed("results", f"/collections/{YEAR}/la/{self.code}/results/", "Results")
        except Exception as exc:  # a failed request is a result of the run, not a crash of it
            self.failure = f"{type(exc).__name__}: {exc}"

    def timed(self, kind: str, url: str, expect: str) -> None:
        began = time.perf_counter()
        page = self.client.get(url)
        self.times[kind] = time.perf_counter() - began
        self.page_at[kind] = time.monotonic()
        if page.status_code != 200 or expect not in page.text:
            self.failure = f"{kind} {page.status_code}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def verify(prepared: list[tuple[str, str, bytes]], workers: int) -> list[str]:
    """Every upload stored intact with exactly one check, one version, and that one current."""
    from csww_portal.models import LAReturn, ReturnVersion, Upload, UploadCheck
    from csww_portal.services import storage

    problems = []
    for code, _u, data in prepared:
        ret = LAReturn.objects.select_related("current").get(collection__year=YEAR, la__code=code)
        uploads = Upload.objects.filter(la_return=ret)
        if uploads.count() != 1 or storage.bytes_of(uploads.get()) != data:
            problems.append(f"{code}: upload not stored intact")
            continue
        upload = uploads.get()
        checks = UploadCheck.objects.filter(upload=upload)
        versions = ReturnVersion.objects.filter(la_return=ret)
        if checks.count() != 1 or versions.count() != 1:
            problems.append(f"{code}: {checks.count()} checks and {versions.count()} versions")
            continue
        check = checks.get()
        if check.status != "done" or not check.applied or ret.current_id != check.version_id:
            problems.append(f"{code}: check {check.status}, not the current version")
        if ret.workers != workers:
            problems.append(f"{code}: current version has {ret.workers} workers")
    return problems


def postgres_cpu() -> float:
    """CPU seconds used so far by every PostgreSQL process on this machine (/proc): the
    database is local, so its share of an acknowledgement can be measured."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() not in ("postgres", "postmaster"):
                continue
        except OSError:
            continue
        total += cpu_seconds(int(entry.name))
    return total


def hash_cost() -> dict[str, float]:
    """CPU seconds to check one password with each hasher (single thread, no load)."""
    from argon2 import PasswordHasher
    from django.contrib.auth.hashers import check_password, make_password

    out = {}
    for name, hasher in (("argon2id (portal)", "argon2"), ("pbkdf2 (Django)", "pbkdf2_sha256")):
        encoded = make_password(PASSWORD, hasher=hasher)
        began = time.process_time()
        for _ in range(3):
            assert check_password(PASSWORD, encoded)
        out[name] = (time.process_time() - began) / 3
    django_default = PasswordHasher(time_cost=2, memory_cost=102400, parallelism=8)
    encoded = django_default.hash(PASSWORD)
    began = time.process_time()
    for _ in range(3):
        django_default.verify(encoded, PASSWORD)
    out["argon2 (Django's default)"] = (time.process_time() - began) / 3
    return out


def cpu_seconds(pid: int) -> float:
    """User and system CPU a child process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def row(kind: str, values: list[float]) -> str:
    return (
        f"| {kind} | {len(values)} | {statistics.median(values):.3f} | "
        f"{percentile(values, 95):.3f} | {max(values):.3f} |"
    )


def main() -> None:  # noqa: C901 (over the limit; to be split into named steps)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=152)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--check-workers", type=int, default=2, help="csww worker processes")
    parser.add_argument("--hasher", choices=["argon2", "pbkdf2"], default="argon2")
    parser.add_argument("--sign-in-only", action="store_true")
    parser.add_argument(
        "--poll", type=float, default=2.0, help="first wait; then the server's retry_after"
    )
    parser.add_argument("--limit", type=float, default=300.0, help="give up on a check after")
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="spread the users' starts evenly over this many seconds (0: all at once)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--acks-first",
        action="store_true",
        help="start the check workers only once every upload is acknowledged, and hold the "
        "users' next requests until then, so the web server's and the database's CPU per "
        "acknowledgement is measured alone",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="csww-load-"))
    env = django_env(tmp / "portal.sqlite3", args.database_url, args.hasher)
    print(f"Machine: {machine()}")
    print(f"Load average before the run (1, 5, 15 min): {os.getloadavg()}")
    t0 = time.perf_counter()
    prepared = prepare(args.users, 0 if args.sign_in_only else args.workers, env)
    print(
        f"Prepared {len(prepared)} users and returns of {args.workers} workers "
        f"({sum(len(d) for *_x, d in prepared) / len(prepared) / 1024:.0f} KB each) in {time.perf_counter() - t0:.1f}s"
    )
    costs = hash_cost()
    print(
        "One password check, CPU seconds: "
        + ", ".join(f"{k} {v:.3f}" for k, v in costs.items())
        + f" (sign-ins below use {args.hasher})"
    )
    port = free_port()
    server = start_server(port, args.threads, env, tmp / "server.log")
    queue = (
        [] if args.sign_in_only or args.acks_first else start_workers(args.check_workers, env, tmp)
    )
    wall = 0.0
    cpu: dict[str, float] = {}
    try:
        base = f"http://127.0.0.1:{port}"
        users = [User(base, code, name, data) for code, name, data in prepared]
        signers = [threading.Thread(target=u.sign_in) for u in users]
        began = time.perf_counter()
        for t in signers:
            t.start()
        for t in signers:
            t.join(timeout=600)
        sign_in_wall = time.perf_counter() - began
        cpu["web server, signing in"] = cpu_seconds(server.pid)
        if not args.sign_in_only:
            start = threading.Barrier(len(users) + 1, timeout=120)
            step = args.ramp / len(users)
            acked = threading.Semaphore(0) if args.acks_first else None
            go_on = threading.Event() if args.acks_first else None
            threads = [
                threading.Thread(
                    target=u.work, args=(start, i * step, args.poll, args.limit, acked, go_on)
                )
                for i, u in enumerate(users)
            ]
            for t in threads:
                t.start()
            web_before, db_before = cpu_seconds(server.pid), postgres_cpu()
            start.wait()
            burst = time.monotonic()
            if acked is not None and go_on is not None:
                for _u in users:
                    acked.acquire(timeout=600)
                acks_wall = time.monotonic() - burst
                web = cpu_seconds(server.pid) - web_before
                db = postgres_cpu() - db_before if args.database_url else float("nan")
                load_acks = os.getloadavg()
                cpu["web server, the acknowledgements"] = web
                if args.database_url:
                    cpu["PostgreSQL, the acknowledgements"] = db
                print(
                    f"Acknowledgements alone: {len(users)} in {acks_wall:.2f}s wall time; CPU per "
                    f"acknowledgement: web server {1000 * web / len(users):.2f} ms, PostgreSQL "
                    f"{1000 * db / len(users):.2f} ms, together "
                    f"{1000 * (web + db) / len(users):.2f} ms (load average {load_acks})"
                )
                queue = start_workers(args.check_workers, env, tmp)
                go_on.set()
            for t in threads:
                t.join(timeout=args.limit + 120)
            wall = time.monotonic() - burst
            load = os.getloadavg()
        cpu["web server, whole run"] = cpu_seconds(server.pid)
        cpu["web server, the burst"] = cpu["web server, whole run"] - cpu["web server, signing in"]
        for n, p in enumerate(queue):
            cpu[f"csww worker {n + 1}"] = cpu_seconds(p.pid)
    finally:
        for p in [server, *queue]:
            p.terminate()
        for p in [server, *queue]:
            p.wait(timeout=30)
    failures = [f"{u.code}: {u.failure}" for u in users if u.failure]
    print(
        f"Server: csww serve (waitress, {args.threads} threads) and {len(queue)} csww worker "
        f"processes; database {'PostgreSQL' if args.database_url else 'SQLite'}; "
        f"passwords {args.hasher}"
    )
    print(f"{len(users)} users signed in at once in {sign_in_wall:.1f}s wall time")
    print("| request | n | p50 (s) | p95 (s) | max (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    if "sign_in" in users[0].times:
        print(row("sign-in", [u.times["sign_in"] for u in users if "sign_in" in u.times]))
    if args.sign_in_only:
        print(f"CPU seconds used by the web server: {cpu['web server, signing in']:.1f}")
        print(f"Failures: {len(failures)}{(': ' + '; '.join(failures[:5])) if failures else ''}")
        sys.exit(1 if failures else 0)
    last_ready = max((u.ready_at for u in users if u.ready_at), default=0.0)
    for kind, label in (
        ("upload", "upload acknowledged"),
        ("ready", "results ready (from the upload)"),
        ("progress_page", "progress page, during the burst"),
        ("results", "results page"),
    ):
        values = [u.times[kind] for u in users if kind in u.times]
        if values:
            print(row(label, values))
    during = [
        u.times[k]
        for u in users
        for k in ("progress_page", "results")
        if k in u.times and u.page_at[k] <= last_ready
    ]
    if during:
        print(row("pages while checks were still running", during))
    polls = [p for u in users for p in u.polls]
    if polls:
        print(row("status poll (as retry_after says)", polls))
    how = "all at once" if not args.ramp else f"starting evenly over {args.ramp:g}s"
    print(f"{len(users)} users {how}; every check finished and read in {wall:.1f}s wall time")
    print(f"Load average at the end of the burst (1, 5, 15 min): {load}")
    print(
        "CPU seconds used: "
        + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
        + f"; the {len(users)} checks took {sum(v for k, v in cpu.items() if 'worker' in k):.1f}"
    )
    problems = verify(prepared, args.workers)
    print(f"Failures: {len(failures)}{(': ' + '; '.join(failures[:5])) if failures else ''}")
    print(
        f"Exactly one result: {len(prepared) - len(problems)}/{len(prepared)} uploads stored "
        f"intact with one check and one version, current, {args.workers} workers"
        f"{(': ' + '; '.join(problems[:5])) if problems else ''}"
    )
    sys.exit(1 if failures or problems else 0)


if __name__ == "__main__":
    main()
