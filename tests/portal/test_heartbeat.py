"""A web process's heartbeat to gunicorn's master: at most once a second, not on every turn
of its loop (``server.PortalWorker.notify``)."""

from __future__ import annotations

import pytest
from gunicorn.workers import gthread

from csww_portal import server


def test_the_heartbeat_is_sent_at_most_once_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    beats: list[float] = []
    now = [100.0]
    monkeypatch.setattr(gthread.ThreadWorker, "notify", lambda self: beats.append(now[0]))
    monkeypatch.setattr(server.time, "monotonic", lambda: now[0])
    worker = server.PortalWorker.__new__(server.PortalWorker)
    for step in (0.0, 0.2, 0.5, 0.99, 1.0, 1.5, 3.0):
        now[0] = 100.0 + step
        worker.notify()
    assert beats == [100.0, 101.0, 103.0]
