"""Parallel workbook downloads of a large return: memory and time of every web process.

    .venv/bin/python benchmarks/portal_downloads.py [--workers 20000] [--parallel 8]
        [--rounds 2] [--web-processes 2] [--returns 1] [--export-processes 1] [--repeat]
        [--database-url postgresql://postgres@127.0.0.1:5432/csww_dl]

The portal runs as ``--web-processes`` separate ``csww serve`` processes, each on a port of
its own on 127.0.0.1, all on one fresh database (``csww serve`` starts one process; several
behind one address share a database in just this way). The database holds ``--returns``
LAs' returns of ``--workers`` worker records each. ``--parallel`` clients, spread over the
web processes and the returns in turn, then download their return's workbook at the same
instant, ``--rounds`` times (the first round finds no workbook made yet; later ones find it
kept), while a sampler reads from /proc every 50 ms the resident memory of every web
process and of every workbook maker they start. Reported: each round's download times, each
web process's peak resident memory (VmHWM) and its resident memory before and after, the
makers' peak and how many ran at once (at most ``--export-processes`` over all web
processes), the most resident memory of all these processes together at one sample, CPU
seconds, and the time of a small page read during the downloads. Traffic goes to the
loopback address only.
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

PASSWORD = "download-test-password"


def _build(code: str, workers: int, repeat: bool) -> bytes:
    from csww.synth import generate
    from csww.writer import to_bytes

    scale = 1.0
    ret = generate(YEAR, code, seed=1, scale=scale)
    while repeat and len(ret.workers) < workers:  # the worst case: every record an error
        ret.workers += ret.workers[: workers - len(ret.workers)]
    while len(ret.workers) < workers:  # a larger LA, as benchmarks/portal_load.py makes one
        scale *= 1.3 * workers / max(len(ret.workers), 1)
        ret = generate(YEAR, code, seed=1, scale=scale)
    ret.workers = ret.workers[:workers]
    ret.header.values["LEA"] = code  # synth writes Kingston's code on the joint 314 / 318 return
    return to_bytes(ret)


def prepare(workers: int, returns: int, env: dict[str, str], repeat: bool) -> list[tuple[str, str]]:
    """Migrate, open the collection, and load each LA's return; its user's (LA code, name)."""
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

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
    out = []
    for la in LocalAuthority.objects.filter(code__gte="301").order_by("code")[:returns]:
        user, _ = get_user_model().objects.get_or_create(username=f"download.{la.code}")
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"role": Role.LA_SUBMITTER, "la": la}
        )
        data = _build(la.code, workers, repeat)
        entry = tasks.accept(
            LAReturn.objects.select_related("la", "collection").get(la=la), user, "big.xml", data
        )
        tasks.run_check(entry.pk)
        current = LAReturn.objects.get(la=la).current
        assert current is not None and current.workers == workers, "the return did not load"
        print(
            f"Loaded LA {la.code}'s return of {workers:,} workers ({len(data) / 1e6:.1f} MB of "
            f"XML, {current.errors:,} errors, {current.queries:,} queries)"
        )
        out.append((la.code, user.get_username()))
    return out


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def makers_of(pids: set[int]) -> list[int]:
    """The workbook makers started by these web processes: their spawned children (not
    multiprocessing's resource tracker, which stays and makes nothing)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[1]) in pids and b"spawn_main" in command:
                out.append(int(entry.name))
    return out


class Sampler(threading.Thread):
    def __init__(self, servers: list[int]) -> None:
        super().__init__(daemon=True)
        self.servers, self.stop = servers, threading.Event()
        self.maker_peak = 0  # kB, the largest maker's VmHWM
        self.most_makers = 0  # makers alive at one sample
        self.most_total = 0  # kB, web processes and makers together at one sample
        self.seen: dict[int, float] = {}  # each maker's CPU seconds

    def run(self) -> None:
        web = set(self.servers)
        while not self.stop.wait(0.05):
            makers = makers_of(web)
            self.most_makers = max(self.most_makers, len(makers))
            total = sum(rss_kb(pid) for pid in self.servers)
            for pid in makers:
                total += rss_kb(pid)
                self.maker_peak = max(self.maker_peak, rss_kb(pid, "VmHWM"))
                self.seen[pid] = cpu_seconds(pid)
            self.most_total = max(self.most_total, total)


def fetch(
    client: httpx.Client,
    url: str,
    barrier: threading.Barrier,
    times: list[float],
    sizes: list[int],
    waits: list[int],
) -> None:
    """One download, as a browser makes it: a "being prepared" page (503) is tried again
    after its Retry-After, and the time counts until the file has come."""
    barrier.wait()
    began = time.perf_counter()
    size = 0
    while True:
        with client.stream("GET", url) as response:
            if response.status_code == 503:
                waits.append(1)
                retry = int(response.headers["Retry-After"])
                response.read()
            else:
                assert response.status_code == 200, response.status_code
                for chunk in response.iter_bytes():
                    size += len(chunk)
                break
        time.sleep(retry)
    times.append(time.perf_counter() - began)
    sizes.append(size)


def read_page(client: httpx.Client, page_times: list[float]) -> None:
    """A small page read half a second into the downloads."""
    time.sleep(0.5)
    began = time.perf_counter()
    assert client.get("/sign-in/").status_code in (200, 302)
    page_times.append(time.perf_counter() - began)


def sign_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=600)
    page = client.get("/sign-in/")
    signed = client.post(
        "/sign-in/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token(page)},
    )
    assert signed.status_code == 302, signed.status_code
    return client


def download_round(
    round_: int, clients: list[tuple[httpx.Client, str]], reader: httpx.Client
) -> None:
    times: list[float] = []
    sizes: list[int] = []
    page_times: list[float] = []
    waits: list[int] = []
    barrier = threading.Barrier(len(clients))
    threads = [
        threading.Thread(target=fetch, args=(client, url, barrier, times, sizes, waits))
        for client, url in clients
    ]
    threads.append(threading.Thread(target=read_page, args=(reader, page_times)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(900)
    assert len(times) == len(clients), "a download failed: see the servers' logs"
    print(
        f"Round {round_}: {len(times)} downloads of {max(sizes) / 1e6:.2f} MB: "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s; "
        f"a page read during them: {page_times[0]:.3f} s; "
        f"'being prepared' pages: {len(waits)}"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20_000)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--web-processes", type=int, default=2)
    parser.add_argument(
        "--returns", type=int, default=1, help="LAs whose returns are downloaded at once"
    )
    parser.add_argument(
        "--export-processes", type=int, default=1, help="CSWW_EXPORT_PROCESSES of the portal"
    )
    parser.add_argument(
        "--repeat",
        action="store_true",
        help="fill the return by repeating its records, so every one repeats a registration "
        "number (a report with tens of thousands of issues)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    tmp = Path(tempfile.mkdtemp(prefix="csww-dl-"))
    env = django_env(tmp / "portal.sqlite3", args.database_url, "argon2")
    env["CSWW_FILES_DIR"] = str(tmp / "files")
    env["CSWW_EXPORT_PROCESSES"] = str(args.export_processes)
    print(f"Machine: {machine()}")
    print(f"Load average before the run (1, 5, 15 min): {os.getloadavg()}")
    users = prepare(args.workers, args.returns, env, args.repeat)
    servers = []
    try:
        for n in range(args.web_processes):
            port = free_port()
            servers.append((start_server(port, args.threads, env, tmp / f"server{n}.log"), port))
        pids = [server.pid for server, _port in servers]
        sampler = Sampler(pids)
        sampler.start()
        clients = []
        for n in range(args.parallel):
            # Every return is asked for through every web process.
            code, username = users[n // len(servers) % len(users)]
            base = f"http://127.0.0.1:{servers[n % len(servers)][1]}"
            url = f"/collections/{YEAR}/la/{code}/download/return.xlsx"
            clients.append((sign_in(base, username), url))
        before = {pid: (rss_kb(pid), cpu_seconds(pid)) for pid in pids}
        print(
            f"{len(pids)} web processes (csww serve, one port each, one database), "
            f"{args.export_processes} workbook maker(s) between them; {args.parallel} clients "
            f"downloading {len(users)} return(s)"
        )
        for round_ in range(1, args.rounds + 1):
            download_round(round_, clients, clients[0][0])
        time.sleep(1)
        sampler.stop.set()
        sampler.join(5)
        for n, pid in enumerate(pids):
            idle, cpu = before[pid]
            print(
                f"Web process {n + 1}: peak resident memory (VmHWM) "
                f"{rss_kb(pid, 'VmHWM') / 1024:.0f} MB, before the downloads {idle / 1024:.0f} "
                f"MB, afterwards {rss_kb(pid) / 1024:.0f} MB; CPU for the downloads "
                f"{cpu_seconds(pid) - cpu:.2f} s"
            )
        print(
            f"Workbook makers: {len(sampler.seen)} in all, at most {sampler.most_makers} at "
            f"once; peak resident memory of one {sampler.maker_peak / 1024:.0f} MB; CPU "
            f"{sum(sampler.seen.values()):.2f} s (as last sampled)"
        )
        print(
            "Web processes and makers together: at most "
            f"{sampler.most_total / 1024:.0f} MB resident at one sample"
        )
        print(f"Load average after the run: {os.getloadavg()}")
    finally:
        for server, _port in servers:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    sys.exit(main())
