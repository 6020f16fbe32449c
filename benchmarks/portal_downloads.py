"""Parallel workbook downloads of a large return: memory and time of the web server.

    .venv/bin/python benchmarks/portal_downloads.py [--workers 20000] [--parallel 8]
        [--rounds 2] [--database-url postgresql://postgres@127.0.0.1:5432/csww_dl]

The portal runs as ``csww serve`` on 127.0.0.1 with a fresh database holding one LA's return
of ``--workers`` worker records. ``--parallel`` clients then download its workbook at the
same instant, ``--rounds`` times (the first round finds no workbook made yet; later ones
find it kept), while a sampler reads from /proc every 50 ms the resident memory of the web
server and of every process it started (the workbook maker). Reported: each round's
download times, the web server's peak resident memory (VmHWM) and its resident memory
afterwards, the peak of the maker processes, CPU seconds, and the time of a small page read
during the downloads. Traffic goes to the loopback address only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from machine import machine
from portal_load import YEAR, cpu_seconds, django_env, free_port, start_server, token


def prepare(workers: int, env: dict[str, str], repeat: bool) -> tuple[str, str]:
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from csww.synth import generate
    from csww.writer import to_bytes
    from csww_portal import tasks
    from csww_portal.models import LAReturn, LocalAuthority, Membership, Role
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
    la = LocalAuthority.objects.get(code="301")
    user, _ = get_user_model().objects.get_or_create(username="download.301")
    user.set_password("download-test-password")
    user.save()
    Membership.objects.update_or_create(user=user, defaults={"role": Role.LA_SUBMITTER, "la": la})
    scale = 1.0
    ret = generate(YEAR, la.code, seed=1, scale=scale)
    while repeat and len(ret.workers) < workers:  # the worst case: every record an error
        ret.workers += ret.workers[: workers - len(ret.workers)]
    while len(ret.workers) < workers:  # a larger LA, as benchmarks/portal_load.py makes one
        scale *= 1.3 * workers / max(len(ret.workers), 1)
        ret = generate(YEAR, la.code, seed=1, scale=scale)
    ret.workers = ret.workers[:workers]
    data = to_bytes(ret)
    entry = tasks.accept(
        LAReturn.objects.select_related("la", "collection").get(la=la), user, "big.xml", data
    )
    tasks.run_check(entry.pk)
    current = LAReturn.objects.get(la=la).current
    assert current is not None and current.workers == workers, "the return did not load"
    print(
        f"Loaded a return of {workers:,} workers ({len(data) / 1e6:.1f} MB of XML, "
        f"{current.errors:,} errors, {current.queries:,} queries)"
    )
    return "download.301", "download-test-password"


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                out.append(int(entry.name))
    return out


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop = pid, threading.Event()
        self.child_peak = 0
        self.child_cpu = 0.0
        self.seen: dict[int, float] = {}

    def run(self) -> None:
        while not self.stop.wait(0.05):
            for child in children(self.pid):
                self.child_peak = max(self.child_peak, rss_kb(child, "VmHWM"))
                self.seen[child] = cpu_seconds(child)


def fetch(
    client: httpx.Client,
    url: str,
    barrier: threading.Barrier,
    times: list[float],
    sizes: list[int],
) -> None:
    barrier.wait()
    began = time.perf_counter()
    size = 0
    with client.stream("GET", url) as response:
        assert response.status_code == 200, response.status_code
        for chunk in response.iter_bytes():
            size += len(chunk)
    times.append(time.perf_counter() - began)
    sizes.append(size)


def read_page(client: httpx.Client, page_times: list[float]) -> None:
    """A small page read half a second into the downloads."""
    time.sleep(0.5)
    began = time.perf_counter()
    assert client.get("/sign-in/").status_code in (200, 302)
    page_times.append(time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument(
        "--repeat",
        action="store_true",
        help="fill the return by repeating its records, so every one repeats a registration "
        "number (a report with tens of thousands of issues)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="csww-dl-"))
    env = django_env(tmp / "portal.sqlite3", args.database_url, "argon2")
    env["CSWW_FILES_DIR"] = str(tmp / "files")
    print(f"Machine: {machine()}")
    print(f"Load average before the run (1, 5, 15 min): {os.getloadavg()}")
    username, password = prepare(args.workers, env, args.repeat)
    port = free_port()
    server = start_server(port, args.threads, env, tmp / "server.log")
    base = f"http://127.0.0.1:{port}"
    sampler = Sampler(server.pid)
    sampler.start()
    try:
        clients = []
        for _n in range(args.parallel):
            client = httpx.Client(base_url=base, timeout=600)
            page = client.get("/sign-in/")
            signed = client.post(
                "/sign-in/",
                data={
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": token(page),
                },
            )
            assert signed.status_code == 302, signed.status_code
            clients.append(client)
        idle_kb = rss_kb(server.pid)
        cpu_before = cpu_seconds(server.pid)
        print(f"Web server resident memory before the downloads: {idle_kb / 1024:.0f} MB")
        url = f"/collections/{YEAR}/la/301/download/return.xlsx"
        for round_ in range(1, args.rounds + 1):
            times: list[float] = []
            sizes: list[int] = []
            page_times: list[float] = []
            barrier = threading.Barrier(args.parallel)

            threads = [
                threading.Thread(target=fetch, args=(c, url, barrier, times, sizes))
                for c in clients
            ]
            threads.append(threading.Thread(target=read_page, args=(clients[0], page_times)))
            for t in threads:
                t.start()
            for t in threads:
                t.join(900)
            print(
                f"Round {round_}: {len(times)} downloads of {max(sizes) / 1e6:.2f} MB: "
                f"median {statistics.median(times):.2f} s, max {max(times):.2f} s; "
                f"a page read during them: {page_times[0]:.3f} s"
            )
        time.sleep(1)
        sampler.stop.set()
        print(
            f"Web server: peak resident memory (VmHWM) {rss_kb(server.pid, 'VmHWM') / 1024:.0f} MB, "
            f"resident afterwards {rss_kb(server.pid) / 1024:.0f} MB "
            f"(before the downloads {idle_kb / 1024:.0f} MB); "
            f"CPU for the downloads {cpu_seconds(server.pid) - cpu_before:.2f} s"
        )
        print(
            f"Workbook maker processes: {len(sampler.seen)}, peak resident memory "
            f"{sampler.child_peak / 1024:.0f} MB, CPU {sum(sampler.seen.values()):.2f} s "
            "(as last sampled)"
        )
        print(f"Load average after the run: {os.getloadavg()}")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    sys.exit(main())
