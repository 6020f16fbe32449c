"""Load run of the collection portal on loopback: N LA users at the same instant, each
uploading a 1,000-worker return, then following its check until the results are ready.

    .venv/bin/python benchmarks/portal_load.py [--users 152] [--workers 1000] [--processes 2]
        [--threads 16] [--at-once N] [--check-workers 2] [--hasher argon2|pbkdf2] [--sign-in-only]
        [--acks-first] [--database-url postgresql://postgres@127.0.0.1:5432/csww_load]

The portal runs as ``csww serve`` (gunicorn, ``--processes`` web processes, default the number
of cores) in a child process on 127.0.0.1 with a fresh database, and the upload checks run in
``csww worker`` processes beside it (the production layout). Every LA user signs in first
(timed: password hashing is deliberately slow), then all upload at once, each through a plain
socket connected beforehand with the form encoded beforehand (so the clients' own CPU on this
machine stays small); each follows its check on the progress page's JSON until it is
finished, then reads its results page. Measured: upload acknowledged, results ready (from the
upload's start), the progress and results pages while the burst is being checked, failures,
and the CPU of the web server's processes, of PostgreSQL and of the clients (``/proc``).
Afterwards the database is checked: every upload stored byte for byte with exactly one
check, one version, and that version current. Traffic goes to the loopback address only;
every wait is bounded.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
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
from machine import machine, python_speed

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
    port: int,
    threads: int,
    env: dict[str, str],
    log: Path,
    processes: int | None = 1,
    at_once: int | None = None,
) -> subprocess.Popen[bytes]:
    """``csww serve`` on loopback; ``processes`` or ``at_once`` None leaves it at the server's
    default."""
    server = subprocess.Popen(
        [
            *CLI,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
            *([] if processes is None else ["--processes", str(processes)]),
            *([] if at_once is None else ["--at-once", str(at_once)]),
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


def form_body(csrf: str, filename: str, data: bytes) -> tuple[str, bytes]:
    """The upload form as a browser sends it (multipart/form-data), encoded before the burst:
    the browsers are not on this machine, so encoding 152 bodies should not take the server's
    CPU while it is measured."""
    boundary = f"----csww{os.urandom(12).hex()}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="return_file"; '
        f'filename="{filename}"\r\nContent-Type: application/xml\r\n\r\n'
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


class RawUpload:
    """One upload sent through a plain socket, connected before the burst: on this 2-core
    machine the clients share the server's CPU, and an HTTP library's own work for a 534 KB
    request (measured: about 1.5 ms a request with httpx) would be counted against the
    server's acknowledgements. The request is the browser's: the session and CSRF cookies,
    the form, HTTP/1.1."""

    def __init__(self, client: httpx.Client, path: str, content_type: str, body: bytes) -> None:
        url = client.base_url
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\nCookie: {cookies}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        self.request = head.encode() + body
        self.sock = socket.create_connection((url.host, url.port or 80), timeout=120)

    def send(self) -> tuple[int, str]:
        """The response's status and Location."""
        with self.sock:
            self.sock.sendall(self.request)
            reply = b""
            while b"\r\n\r\n" not in reply:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
        lines = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        return status, next((v for k, v in headers.items() if k.lower() == "location"), "")


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
        lull: float = 0.0,
    ) -> None:
        acknowledged = False
        try:
            path = f"/collections/{YEAR}/la/{self.code}/upload/"
            form = self.client.get(path)
            content_type, body = form_body(token(form), f"csww-{self.code}.xml", self.data)
            time.sleep(lull)  # the portal idle, every form read, before anyone connects
            sender = RawUpload(self.client, path, content_type, body)
            start.wait()  # everyone has read the form and connected ...
            start.wait()  # ... and the CPU has been read: go
            time.sleep(delay)
            began = time.perf_counter()
            status, location = sender.send()
            self.times["upload"] = time.perf_counter() - began
            if acked is not None and go_on is not None:
                acknowledged = True
                acked.release()
                go_on.wait(600)  # nothing else reaches the server until every ack is in
            if status != 302 or "/uploads/" not in location:
                self.failure = f"upload {status}"
                return
            progress_url = location
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
            if acked is not None and not acknowledged:
                acked.release()  # counted as answered (a failure), so the run goes on

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


def open_connections(database_url: str) -> int:
    """Connections to the benchmark's database now (the web processes', when nothing else
    is connected): each new one PostgreSQL must set up, and prepare its statements on."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


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


def tree_cpu_seconds(pid: int, system: bool = False) -> float:
    """CPU used so far by a process and every process under it (the web server's master and
    its forks): the children's from /proc's parent links. With ``system``, the kernel's part
    only."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        used = cpu_seconds(p, system)
        total += 0.0 if used != used else used  # a process that has just exited: nan
        todo.extend(children.get(p, []))
    return total


def client_system() -> float:
    """System CPU seconds this process (the benchmark's clients) has used so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def cpu_seconds(pid: int, system: bool = False) -> float:
    """User and system CPU a child process, and its children that have ended, have used so far
    (Linux /proc); with ``system``, the system part only."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # Its own, and that of its children that have ended (a web process restarted, a database
    # connection closed during the run): an ended process leaves /proc, its CPU its parent's.
    used = int(fields[12]) + int(fields[14])
    if not system:
        used += int(fields[11]) + int(fields[13])
    return used / os.sysconf("SC_CLK_TCK")


def row(kind: str, values: list[float]) -> str:
    return (
        f"| {kind} | {len(values)} | {statistics.median(values):.3f} | "
        f"{percentile(values, 95):.3f} | {max(values):.3f} |"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=152)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=16, help="threads of each web process")
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="web server processes (csww serve --processes; default: csww serve's own, the "
        "number of cores)",
    )
    parser.add_argument(
        "--at-once",
        type=int,
        default=None,
        help="requests each web process works on at a time (csww serve --at-once; default: "
        "csww serve's own)",
    )
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
    parser.add_argument(
        "--lull",
        type=float,
        default=0.0,
        help="seconds the portal stays idle between the users reading the upload form and the "
        "burst (longer than CSWW_PORTAL_CONN_MAX_AGE: the burst opens new database connections)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument(
        "--in-a-row",
        type=int,
        default=0,
        metavar="N",
        help="instead of the burst: the users upload N times in turn, one upload after another, "
        "and the CPU per acknowledgement is measured with nothing else running (no check "
        "workers); with --users U each person sends about N/U",
    )
    parser.add_argument(
        "--acks-first",
        action="store_true",
        help="start the check workers only once every upload is acknowledged, and hold the "
        "users' next requests until then, so the web server's and the database's CPU per "
        "acknowledgement is measured alone",
    )
    return parser.parse_args()


class Run:
    """One run: the server, the check workers, the users, and what was measured."""

    def __init__(self, args: argparse.Namespace, prepared: list[tuple[str, str, bytes]]) -> None:
        self.args, self.prepared = args, prepared
        self.tmp = Path(tempfile.mkdtemp(prefix="csww-load-"))
        self.env = django_env(self.tmp / "portal.sqlite3", args.database_url, args.hasher)
        if args.in_a_row:  # with few --users, each sends more than the rate allows: on purpose
            self.env["CSWW_UPLOAD_RATE"] = str(args.in_a_row + 100)
        self.server: subprocess.Popen[bytes] | None = None
        self.queue: list[subprocess.Popen[bytes]] = []
        self.users: list[User] = []
        self.cpu: dict[str, float] = {}
        self.sign_in_wall = self.wall = self.web_system = 0.0
        self.speed_before = ""
        self.load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def web_cpu(self) -> float:
        assert self.server is not None
        return tree_cpu_seconds(self.server.pid)

    def start(self) -> str:
        port = free_port()
        self.server = start_server(
            port,
            self.args.threads,
            self.env,
            self.tmp / "server.log",
            self.args.processes,
            self.args.at_once,
        )
        if not (self.args.sign_in_only or self.args.acks_first or self.args.in_a_row):
            self.queue = start_workers(self.args.check_workers, self.env, self.tmp)
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        running = [p for p in [self.server, *self.queue] if p is not None]
        for p in running:
            p.terminate()
        for p in running:
            p.wait(timeout=30)

    def sign_in(self, base: str) -> None:
        self.users = [User(base, code, name, data) for code, name, data in self.prepared]
        signers = [threading.Thread(target=u.sign_in) for u in self.users]
        began = time.perf_counter()
        for t in signers:
            t.start()
        for t in signers:
            t.join(timeout=600)
        self.sign_in_wall = time.perf_counter() - began
        self.cpu["web server, signing in"] = self.web_cpu()

    def burst(self) -> None:
        """Every user uploads at the same instant (or over the ramp) and follows its check."""
        args, users = self.args, self.users
        start = threading.Barrier(len(users) + 1, timeout=120 + args.lull)
        step = args.ramp / len(users)
        acked = threading.Semaphore(0) if args.acks_first else None
        go_on = threading.Event() if args.acks_first else None
        threads = [
            threading.Thread(
                target=u.work,
                args=(start, i * step, args.poll, args.limit, acked, go_on, args.lull),
            )
            for i, u in enumerate(users)
        ]
        for t in threads:
            t.start()
        assert self.server is not None
        # The CPU is read once every user has read the upload form (a page each) and connected,
        # so that only the uploads are counted; then all go at once.
        start.wait()
        # The machine's speed just before the burst, every user ready and idle (and just
        # after, in acknowledgements()): a shared virtual machine's runs are read against it.
        self.speed_before = python_speed() if acked is not None else ""
        self.web_system = tree_cpu_seconds(self.server.pid, system=True)
        before = (self.web_cpu(), postgres_cpu(), time.process_time(), client_system())
        start.wait()
        began = time.monotonic()
        if acked is not None and go_on is not None:
            for _u in users:
                acked.acquire(timeout=600)
            self.acknowledgements(time.monotonic() - began, before)
            self.queue = start_workers(args.check_workers, self.env, self.tmp)
            go_on.set()
        for t in threads:
            t.join(timeout=args.limit + 120)
        self.wall = time.monotonic() - began
        self.load = os.getloadavg()

    def acknowledgements(self, wall: float, before: tuple[float, float, float, float]) -> None:
        """The CPU of the web server, PostgreSQL and this client around the acknowledgements
        alone (nothing else reaches the server meanwhile)."""
        n = len(self.users)
        web = self.web_cpu() - before[0]
        db = postgres_cpu() - before[1] if self.args.database_url else float("nan")
        client = time.process_time() - before[2]
        client_kernel = client_system() - before[3]
        assert self.server is not None
        system = tree_cpu_seconds(self.server.pid, system=True) - self.web_system
        self.cpu["web server, the acknowledgements"] = web
        if self.args.database_url:
            self.cpu["PostgreSQL, the acknowledgements"] = db
        print(
            f"Acknowledgements alone: {n} in {wall:.2f}s wall time; CPU per acknowledgement: "
            f"web server {1000 * web / n:.2f} ms (system {1000 * system / n:.2f} ms), PostgreSQL {1000 * db / n:.2f} ms, together "
            f"{1000 * (web + db) / n:.2f} ms; this client {1000 * client / n:.2f} ms (system "
            f"{1000 * client_kernel / n:.2f} ms) "
            f"(load average {os.getloadavg()})"
        )
        if self.args.database_url:
            print(
                "Database connections open after the acknowledgements: "
                f"{open_connections(self.args.database_url)}"
            )
        print(
            f"Machine speed just before the burst: {self.speed_before}; just after: {python_speed()}"
        )

    def finish_cpu(self) -> None:
        self.cpu["web server, whole run"] = self.web_cpu()
        self.cpu["web server, the burst"] = (
            self.cpu["web server, whole run"] - self.cpu["web server, signing in"]
        )
        for n, p in enumerate(self.queue):
            self.cpu[f"csww worker {n + 1}"] = cpu_seconds(p.pid)


def in_a_row(run: Run) -> list[str]:
    """The signed-in users upload ``--in-a-row`` times in turn, one upload after another
    (after ten not counted), so that each person's recent uploads, which the rate limit
    counts, are as many as at a deadline, not thousands; the web server's and PostgreSQL's
    CPU per acknowledgement. Returns failures."""
    n = run.args.in_a_row
    senders = []
    for user in run.users:
        path = f"/collections/{YEAR}/la/{user.code}/upload/"
        content_type, body = form_body(token(user.client.get(path)), "csww.xml", user.data)
        senders.append((user, path, content_type, body))
    failures: list[str] = []
    turn = 0

    def send(count: int) -> None:
        nonlocal turn
        for _ in range(count):
            user, path, content_type, body = senders[turn % len(senders)]
            turn += 1
            status, location = RawUpload(user.client, path, content_type, body).send()
            if status != 302 or "/uploads/" not in location:
                failures.append(f"upload {status}")

    send(10)
    web, db, began = run.web_cpu(), postgres_cpu(), time.perf_counter()
    send(n)
    wall = time.perf_counter() - began
    web, db = run.web_cpu() - web, postgres_cpu() - db
    print(
        f"One at a time, {n} in a row: CPU per acknowledgement: web server "
        f"{1000 * web / n:.2f} ms, PostgreSQL {1000 * db / n:.2f} ms, together "
        f"{1000 * (web + db) / n:.2f} ms; wall {1000 * wall / n:.1f} ms each; "
        f"{len(senders)} people in turn (load average {os.getloadavg()})"
    )
    return failures


def report_burst(run: Run) -> list[str]:
    """The burst's table and totals; the database checked afterwards. Returns the problems."""
    users, args = run.users, run.args
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
    print(f"{len(users)} users {how}; every check finished and read in {run.wall:.1f}s wall time")
    print(f"Load average at the end of the burst (1, 5, 15 min): {run.load}")
    print(
        "CPU seconds used: "
        + ", ".join(f"{k} {v:.1f}" for k, v in run.cpu.items())
        + f"; the {len(users)} checks took "
        + f"{sum(v for k, v in run.cpu.items() if 'worker' in k):.1f}"
    )
    problems = verify(run.prepared, args.workers)
    print(
        f"Exactly one result: {len(run.prepared) - len(problems)}/{len(run.prepared)} uploads "
        f"stored intact with one check and one version, current, {args.workers} workers"
        f"{(': ' + '; '.join(problems[:5])) if problems else ''}"
    )
    return problems


def main() -> None:
    args = parse_args()
    print(f"Machine: {machine()}; {python_speed()}")
    print(f"Load average before the run (1, 5, 15 min): {os.getloadavg()}")
    t0 = time.perf_counter()
    run = Run(args, [])
    run.prepared = prepare(args.users, 0 if args.sign_in_only else args.workers, run.env)
    prepared = run.prepared
    print(
        f"Prepared {len(prepared)} users and returns of {args.workers} workers "
        f"({sum(len(d) for *_x, d in prepared) / len(prepared) / 1024:.0f} KB each) in "
        f"{time.perf_counter() - t0:.1f}s"
    )
    costs = hash_cost()
    print(
        "One password check, CPU seconds: "
        + ", ".join(f"{k} {v:.3f}" for k, v in costs.items())
        + f" (sign-ins below use {args.hasher})"
    )
    try:
        run.sign_in(run.start())
        failures = in_a_row(run) if args.in_a_row else []
        if not (args.sign_in_only or args.in_a_row):
            run.burst()
        run.finish_cpu()
    finally:
        run.stop()
    failures += [f"{u.code}: {u.failure}" for u in run.users if u.failure]
    print(
        f"Server: csww serve ({args.processes or 'default'} processes of {args.threads} threads, "
        f"{args.at_once or 'default'} at once) and "
        f"{len(run.queue)} csww worker processes; database "
        f"{'PostgreSQL' if args.database_url else 'SQLite'} (connections kept "
        f"{os.environ.get('CSWW_PORTAL_CONN_MAX_AGE', 'the portal default,') + ' s'}); passwords "
        f"{args.hasher}" + (f"; idle {args.lull:g} s before the burst" if args.lull else "")
    )
    print(f"{len(run.users)} users signed in at once in {run.sign_in_wall:.1f}s wall time")
    print("| request | n | p50 (s) | p95 (s) | max (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    signed = [u.times["sign_in"] for u in run.users if "sign_in" in u.times]
    if signed:
        print(row("sign-in", signed))
    problems = [] if args.sign_in_only or args.in_a_row else report_burst(run)
    if args.sign_in_only:
        print(f"CPU seconds used by the web server: {run.cpu['web server, signing in']:.1f}")
    print(f"Failures: {len(failures)}{(': ' + '; '.join(failures[:5])) if failures else ''}")
    sys.exit(1 if failures or problems else 0)


if __name__ == "__main__":
    main()
